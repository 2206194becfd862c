//! The socket protocol between a claimgraph command and the process holding
//! its store: length-prefixed frames (a `u32` big-endian length, then that
//! many bytes), each a postcard-encoded [`Envelope`] carrying the protocol
//! version and the body: a [`Message`] from a client, a [`Response`] back.
//! A peer of another version is answered with a
//! refusal it can print, never with bytes it would misread.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};

#[cfg(doc)]
use super::calls::Answer;
use super::calls::Call;

/// The version of the frames' bodies; bumped whenever `Request` or `Response` change.
pub const VERSION: u32 = 2;

/// The largest frame accepted (a request carries the files it imports).
pub const MAX_FRAME: usize = 1 << 30;

/// One frame's content: the version, then the body encoded on its own, so
/// that a body of another version is never decoded.
#[derive(Serialize, Deserialize, Debug)]
pub struct Envelope {
    pub version: u32,
    pub body: Vec<u8>,
}

/// What a client sends: a command line (the CLI's commands) or a typed
/// call (a library client such as the Python module).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Message {
    Command(Request),
    Call(Call),
}

/// [`Message`] as a sender writes it, borrowing its content (the same bytes).
#[derive(Serialize, Debug)]
pub enum MessageRef<'a> {
    Command(&'a Request),
    Call(&'a Call),
}

/// A command to run on the holder's store, as typed on the command line.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The command-line arguments after the program's name.
    pub args: Vec<String>,
    /// The client's working directory: relative paths are read from there.
    pub cwd: String,
    /// Standard input, for `import -` and `run -`.
    pub stdin: Option<Vec<u8>>,
    /// Whether the client's standard output is a terminal (tables), or not (JSON).
    pub stdout_terminal: bool,
}

/// What the command printed and its exit status (a typed call is answered
/// with an [`Answer`] instead).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum Response {
    Done {
        status: u8,
        stdout: Vec<u8>,
        stderr: Vec<u8>,
    },
    /// The holder cannot serve this request at all (another version, say).
    Refused { message: String },
}

/// Why a frame could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("a frame of {0} bytes is over the limit of {MAX_FRAME}")]
    TooLarge(usize),
    #[error("the frame does not decode: {0}")]
    Decode(#[from] postcard::Error),
    #[error("the peer speaks protocol version {0}, this claimgraph version {VERSION}")]
    Version(u32),
}

/// Writes `value` as one frame.
pub fn write_frame<T: Serialize>(w: &mut impl Write, value: &T) -> Result<(), FrameError> {
    let body = postcard::to_stdvec(value)?;
    let envelope = postcard::to_stdvec(&Envelope {
        version: VERSION,
        body,
    })?;
    let len = u32::try_from(envelope.len()).map_err(|_| FrameError::TooLarge(envelope.len()))?;
    w.write_all(&len.to_be_bytes())?;
    w.write_all(&envelope)?;
    w.flush()?;
    Ok(())
}

/// Reads one frame and decodes its body.
pub fn read_frame<T: DeserializeOwned>(r: &mut impl Read) -> Result<T, FrameError> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)?;
    let len = u32::from_be_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(FrameError::TooLarge(len));
    }
    let mut bytes = Vec::new();
    r.take(len as u64).read_to_end(&mut bytes)?;
    if bytes.len() < len {
        return Err(std::io::Error::from(std::io::ErrorKind::UnexpectedEof).into());
    }
    decode(&bytes)
}

/// Decodes a frame's bytes (after the length): the envelope, its version, the body.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, FrameError> {
    let envelope: Envelope = postcard::from_bytes(bytes)?;
    if envelope.version != VERSION {
        return Err(FrameError::Version(envelope.version));
    }
    Ok(postcard::from_bytes(&envelope.body)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_round_trips_and_garbage_is_refused() {
        let request = Request {
            args: vec!["query".into(), "RETURN 1".into()],
            cwd: "/tmp".into(),
            stdin: Some(b"x".to_vec()),
            stdout_terminal: false,
        };
        let mut bytes = Vec::new();
        write_frame(&mut bytes, &MessageRef::Command(&request)).unwrap();
        let back: Message = read_frame(&mut bytes.as_slice()).unwrap();
        assert_eq!(back, Message::Command(request.clone()));
        let truncated = &bytes[..bytes.len() - 1];
        assert!(read_frame::<Request>(&mut &truncated[..]).is_err());
        let huge = u32::MAX.to_be_bytes();
        assert!(matches!(
            read_frame::<Request>(&mut &huge[..]),
            Err(FrameError::TooLarge(_))
        ));
        let other = postcard::to_stdvec(&Envelope {
            version: VERSION + 1,
            body: vec![1, 2, 3],
        })
        .unwrap();
        assert!(matches!(
            decode::<Request>(&other),
            Err(FrameError::Version(v)) if v == VERSION + 1
        ));
    }
}
