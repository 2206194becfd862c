//! `claimgraph serve`: the store over HTTP with JSON, for programs in other
//! languages and for a browser. The serving process also holds the store's
//! socket ([`crate::share`]), so commands on the same machine keep working.
//!
//! Every request runs its engine work on a blocking thread: a read on a
//! snapshot of the last committed state, a write under the store's lock,
//! so a write is one transaction and writes queue. Loopback
//! only unless a token is given; with a token every request needs
//! `Authorization: Bearer TOKEN` (401 otherwise). Request bodies and
//! results are bounded (413). SIGTERM and Ctrl-C stop accepting, let the
//! requests in flight finish (a write commits whole or rolls back), then exit.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use crate::cancel::Cancel;
use crate::error::{Error, Result};
use crate::export::ExportFormat;
use crate::import::Format;
use crate::output::{self, OutputFormat, TableOptions};
use crate::share::{self, Shared};
use crate::value::Value;

/// The largest request body accepted (an import).
pub const MAX_BODY: usize = 64 << 20;
/// The largest result sent back (a query's JSON, an export).
pub const MAX_RESULT: usize = 256 << 20;

/// How `serve` is set up.
#[derive(Clone, Debug)]
pub struct Options {
    pub listen: SocketAddr,
    pub token: Option<String>,
    pub max_body: usize,
    pub max_result: usize,
}

struct App {
    db: Shared,
    options: Options,
}

/// Serves `db` until SIGTERM or Ctrl-C. Refuses to listen beyond loopback
/// without a token.
pub fn run(db: Shared, options: Options) -> Result<()> {
    if !options.listen.ip().is_loopback() && options.token.is_none() {
        return Err(Error::query(format!(
            "serving on {} (beyond this machine) needs a token: add --token TOKEN (or set CLAIMGRAPH_TOKEN), or listen on 127.0.0.1",
            options.listen
        )));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .build()?;
    runtime.block_on(serve(db, options))
}

async fn serve(db: Shared, options: Options) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|e| Error::query(format!("cannot listen on {}: {e}", options.listen)))?;
    let local = listener.local_addr()?;
    eprintln!("claimgraph: serving on http://{local} (Ctrl-C or SIGTERM stops)");
    let max_body = options.max_body;
    let app = Arc::new(App { db, options });
    let router = Router::new()
        .route("/health", get(health))
        .route("/stats", get(stats))
        .route("/query", post(query))
        .route("/import", post(import))
        .route("/export", get(export))
        .layer(DefaultBodyLimit::max(max_body))
        .route_layer(middleware::from_fn_with_state(app.clone(), authorize))
        .with_state(app);
    axum::serve(listener, router)
        .with_graceful_shutdown(stopped())
        .await?;
    eprintln!("claimgraph: stopped");
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C.
async fn stopped() {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
}

/// An error as the JSON error object, with its HTTP status.
fn refusal(status: StatusCode, e: &Error) -> Response {
    (status, Json(e.to_json())).into_response()
}

async fn authorize(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    request: Request,
    next: Next,
) -> Response {
    if let Some(token) = &app.options.token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if given != Some(token.as_str()) {
            let e = Error::query("this server needs `Authorization: Bearer TOKEN` with its token");
            return refusal(StatusCode::UNAUTHORIZED, &e);
        }
    }
    let response = next.run(request).await;
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && !json {
        // The body limit's own refusal is plain text: the JSON error instead.
        let e = Error::query(format!(
            "the request body is over this server's limit of {} bytes (`serve --max-body`): split the import into smaller files",
            app.options.max_body
        ));
        return refusal(StatusCode::PAYLOAD_TOO_LARGE, &e);
    }
    response
}

/// What a request takes of the store.
enum Take {
    /// A snapshot, unless the statement (if any) writes; then the store.
    Statement(Option<String>),
    /// The store, for a long write: readers go on meanwhile.
    Long,
    /// A view of time (`as_of`, `at_tx`), read-only.
    View(Option<String>, Option<u64>),
}

/// Runs `work` on a blocking thread, on the store as `take` says. A request
/// whose client goes away is cancelled through the `Cancel` it is given.
async fn with_db<T: Send + 'static>(
    app: &Arc<App>,
    take: Take,
    work: impl FnOnce(&mut crate::db::Database, &Cancel) -> Result<T> + Send + 'static,
) -> Result<T> {
    let db = app.db.clone();
    let cancel = Cancel::new();
    let mut guard = CancelOnDrop(Some(cancel.clone()));
    let result = tokio::task::spawn_blocking(move || match take {
        Take::Statement(text) => work(&mut share::for_statement(&db, text.as_deref()), &cancel),
        Take::Long => work(&mut share::lock_long(&db), &cancel),
        Take::View(as_of, at_tx) => match share::view(&db, as_of.as_deref(), at_tx)? {
            Some(mut view) => work(&mut view, &cancel),
            None => work(&mut share::for_statement(&db, None), &cancel),
        },
    })
    .await
    .map_err(|e| Error::query(format!("the request stopped: {e}")));
    guard.0 = None;
    result?
}

/// Trips its flag when dropped armed: the future of a request whose client
/// went away is dropped before it finishes.
struct CancelOnDrop(Option<Cancel>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(cancel) = &self.0 {
            cancel.cancel();
        }
    }
}

fn bounded(app: &App, bytes: Vec<u8>, content_type: &'static str) -> Response {
    if bytes.len() > app.options.max_result {
        let e = Error::query(format!(
            "the result is {} bytes, over this server's limit of {}: narrow the query (LIMIT, or fewer columns)",
            bytes.len(),
            app.options.max_result
        ));
        return refusal(StatusCode::PAYLOAD_TOO_LARGE, &e);
    }
    ([(header::CONTENT_TYPE, content_type)], bytes).into_response()
}

async fn health() -> Response {
    Json(serde_json::json!({"status": "ok"})).into_response()
}

async fn stats(State(app): State<Arc<App>>) -> Response {
    match with_db(&app, Take::Statement(None), |db, _| Ok(db.stats())).await {
        Ok(stats) => Json(stats).into_response(),
        Err(e) => refusal(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

#[derive(Deserialize)]
struct QueryBody {
    query: String,
    #[serde(default)]
    params: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    as_of: Option<serde_json::Value>,
    #[serde(default)]
    at_tx: Option<serde_json::Value>,
}

async fn query(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let body: QueryBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            let e = Error::query(format!(
                "the body is not a query request ({e}); send {{\"query\": \"...\", \"params\": {{...}}}}"
            ));
            return refusal(StatusCode::BAD_REQUEST, &e);
        }
    };
    let take = match (body.as_of, body.at_tx) {
        (None, None) => Take::Statement(Some(body.query.clone())),
        (as_of, at_tx) => match time_of(as_of, at_tx) {
            Ok((as_of, at_tx)) => Take::View(as_of, at_tx),
            Err(e) => return refusal(StatusCode::BAD_REQUEST, &e),
        },
    };
    let params: crate::query::Params = body
        .params
        .iter()
        .map(|(k, v)| (k.clone(), Value::from_json(v)))
        .collect();
    let text = body.query;
    let ran = with_db(&app, take, move |db, cancel| {
        let result = db.query_with(&text, &params, cancel)?;
        let mut out = Vec::new();
        output::write_result(
            &result,
            OutputFormat::Json,
            TableOptions::default(),
            &mut out,
        )?;
        Ok(out)
    })
    .await;
    match ran {
        Ok(out) => bounded(&app, out, "application/json"),
        Err(e) => refusal(StatusCode::BAD_REQUEST, &e),
    }
}

/// The `as_of` (an ISO 8601 date) and `at_tx` (a transaction number) of a
/// query request, checked.
fn time_of(
    as_of: Option<serde_json::Value>,
    at_tx: Option<serde_json::Value>,
) -> Result<(Option<String>, Option<u64>)> {
    let as_of = match as_of {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(other) => {
            return Err(Error::query(format!(
                "`as_of` is {other}: it is an ISO 8601 date in a string, such as \"2023-04-04\""
            )))
        }
    };
    let at_tx = match at_tx {
        None | Some(serde_json::Value::Null) => None,
        Some(v) => Some(v.as_u64().ok_or_else(|| {
            Error::query(format!(
                "`at_tx` is {v}: it is a transaction number (see `claimgraph log`), such as 3"
            ))
        })?),
    };
    Ok((as_of, at_tx))
}

#[derive(Deserialize)]
struct ImportParams {
    format: Option<String>,
}

async fn import(
    State(app): State<Arc<App>>,
    Query(p): Query<ImportParams>,
    body: Bytes,
) -> Response {
    let format = match p.format.as_deref() {
        None | Some("triples") => Format::Triples,
        Some("jsonl") => Format::Jsonl,
        Some(other) => {
            let e = Error::query(format!(
                "`format={other}` is not an import format here: use format=triples or format=jsonl"
            ));
            return refusal(StatusCode::BAD_REQUEST, &e);
        }
    };
    let ran = with_db(&app, Take::Long, move |db, cancel| {
        db.import_bytes_with("<request body>", &body, format, None, cancel)
    })
    .await;
    match ran {
        Ok(summary) => Json(summary).into_response(),
        Err(e) => refusal(StatusCode::BAD_REQUEST, &e),
    }
}

#[derive(Deserialize)]
struct ExportParams {
    format: String,
    query: Option<String>,
}

async fn export(State(app): State<Arc<App>>, Query(p): Query<ExportParams>) -> Response {
    let format = match p.format.parse::<ExportFormat>() {
        Ok(f) if !f.writes_directory() => f,
        _ => {
            let e = Error::query(format!(
                "`format={}` is not an export format here: use json, dot, svg, graphml, nquads, cypher or claimreview",
                p.format
            ));
            return refusal(StatusCode::BAD_REQUEST, &e);
        }
    };
    let take = Take::Statement(p.query.clone());
    let ran = with_db(&app, take, move |db, cancel| {
        let mut out = Vec::new();
        crate::export::export_to(
            db,
            p.query.as_deref(),
            &Default::default(),
            format,
            None,
            cancel,
            &mut out,
        )?;
        Ok(out)
    })
    .await;
    match ran {
        Ok(out) => bounded(&app, out, "text/plain; charset=utf-8"),
        Err(e) => refusal(StatusCode::BAD_REQUEST, &e),
    }
}
