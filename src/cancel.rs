//! Stopping a running query: a flag the executor checks, set by a timeout or by Ctrl-C.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// A cancellation flag with an optional deadline. Clones share the flag.
#[derive(Clone, Debug, Default)]
pub struct Cancel {
    flag: Arc<AtomicBool>,
    deadline: Option<Instant>,
}

impl Cancel {
    /// A flag that is never set unless [`Cancel::cancel`] is called.
    pub fn new() -> Self {
        Cancel::default()
    }

    /// A flag that also trips once `timeout` has passed from now.
    pub fn with_timeout(timeout: Duration) -> Self {
        Cancel {
            flag: Arc::new(AtomicBool::new(false)),
            deadline: Instant::now().checked_add(timeout),
        }
    }

    /// A flag shared with this one (either trips both) that also trips once
    /// `timeout` has passed from now.
    pub fn sharing_with_timeout(&self, timeout: Option<Duration>) -> Self {
        Cancel {
            flag: self.flag.clone(),
            deadline: timeout.and_then(|t| Instant::now().checked_add(t)),
        }
    }

    /// Asks the running work to stop.
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }

    /// Clears the flag, for the next query of a session.
    pub fn reset(&self) {
        self.flag.store(false, Ordering::Relaxed);
    }

    /// The shared flag itself, for a signal handler.
    pub fn flag(&self) -> Arc<AtomicBool> {
        self.flag.clone()
    }

    /// `Err(Cancelled)` once the flag is set or the deadline has passed. Cheap:
    /// call it in every loop that can run long.
    pub fn check(&self) -> Result<()> {
        if self.flag.load(Ordering::Relaxed) {
            return Err(Error::Cancelled(
                "the query was interrupted; nothing was written".into(),
            ));
        }
        if let Some(deadline) = self.deadline {
            if Instant::now() >= deadline {
                return Err(Error::Cancelled(
                    "the query ran past its timeout and was stopped; nothing was written".into(),
                ));
            }
        }
        Ok(())
    }
}
