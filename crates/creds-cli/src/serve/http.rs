//! The HTTP side of `creds serve`: what each request gets, and the accept loop with
//! its graceful stop.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use creds::core::Clock;
use creds::{Credentials, CredentialsCache, ErrorKind};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{Map, Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::token::Token;
use crate::export::rfc3339;

/// The only path served: the one in the URI that `creds serve` prints.
pub(crate) const PATH: &str = "/";

/// How far ahead long-term keys (which never expire) are said to expire. Every SDK's
/// container client requires an `Expiration`; one that comes back after it gets the
/// same keys again.
pub(crate) const LONG_TERM_LEASE: Duration = Duration::from_secs(60 * 60);

/// A client has this long to send its request's headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections open at once; more are closed as they come, so that idle connections
/// cannot use up the file descriptors of the process.
const MAX_CONNECTIONS: usize = 512;

/// How long a stop waits for requests in flight before dropping them.
const GRACE: Duration = Duration::from_secs(5);

/// What answers the requests: the token they must carry and the cached credentials.
#[derive(Debug)]
pub(crate) struct Endpoint {
    pub(crate) token: Token,
    pub(crate) cache: CredentialsCache,
    pub(crate) clock: Clock,
}

impl Endpoint {
    /// The answer to one request. The token is checked first, so that a client without
    /// it learns nothing, not even which paths exist; refusals carry no body.
    pub(crate) async fn answer<B>(&self, request: &Request<B>) -> Response<String> {
        let Some(presented) = request.headers().get(header::AUTHORIZATION) else {
            return bare(StatusCode::UNAUTHORIZED);
        };
        if !self.token.matches(presented.as_bytes()) {
            return bare(StatusCode::FORBIDDEN);
        }
        if request.uri().path() != PATH {
            return bare(StatusCode::NOT_FOUND);
        }
        if request.method() != Method::GET {
            let mut response = bare(StatusCode::METHOD_NOT_ALLOWED);
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET"));
            return response;
        }
        match self.cache.provide_credentials().await {
            Ok(creds) => json_response(StatusCode::OK, document(&creds, &self.clock)),
            Err(err) => {
                tracing::warn!(error = %err, "no credentials to serve");
                let status = match err.kind() {
                    ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
                    _ => StatusCode::INTERNAL_SERVER_ERROR,
                };
                // The client holds the token: it may know why. Errors hold no secret.
                let doc = json!({ "Code": err.kind().as_str(), "Message": err.to_string() });
                json_response(status, doc.to_string())
            }
        }
    }
}

/// The container credentials document the SDKs parse: `AccessKeyId`,
/// `SecretAccessKey`, `Token` and `Expiration` are all required by botocore and the
/// JavaScript SDK (and `Token` by aws-config), so long-term keys get `"Token": ""`
/// (botocore, JavaScript, Go and creds read it as no session token; aws-config signs
/// with it, hence `creds serve`'s warning) and an `Expiration` [`LONG_TERM_LEASE`]
/// ahead.
pub(crate) fn document(creds: &Credentials, clock: &Clock) -> String {
    let expiration = match creds.expiration() {
        Some(at) => at,
        None => clock
            .now()
            .checked_add(LONG_TERM_LEASE)
            .unwrap_or(jiff::Timestamp::MAX),
    };
    let mut doc = Map::with_capacity(5);
    doc.insert("AccessKeyId".into(), json!(creds.access_key_id()));
    doc.insert("SecretAccessKey".into(), json!(creds.secret_access_key()));
    doc.insert("Token".into(), json!(creds.session_token().unwrap_or("")));
    doc.insert("Expiration".into(), json!(rfc3339(expiration)));
    if let Some(account) = creds.account_id() {
        doc.insert("AccountId".into(), json!(account));
    }
    Value::Object(doc).to_string()
}

fn bare(status: StatusCode) -> Response<String> {
    let mut response = Response::new(String::new());
    *response.status_mut() = status;
    no_store(response)
}

fn json_response(status: StatusCode, body: String) -> Response<String> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    no_store(response)
}

/// Credentials must not be kept by anything between the client and us.
fn no_store(mut response: Response<String>) -> Response<String> {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Serves `endpoint` on `listener` until `stop` completes, then stops accepting, lets
/// requests in flight finish (at most [`GRACE`], or until `force` completes) and closes
/// idle keep-alive connections.
pub(crate) async fn serve(
    listener: TcpListener,
    endpoint: Arc<Endpoint>,
    stop: impl Future<Output = ()>,
    force: impl Future<Output = ()>,
) {
    let (stopping, stopped) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) if connections.len() >= MAX_CONNECTIONS => {
                    tracing::warn!("{MAX_CONNECTIONS} connections open: closing a new one");
                    drop(stream);
                }
                Ok((stream, _peer)) => {
                    connections.spawn(connection(stream, Arc::clone(&endpoint), stopped.clone()));
                }
                Err(e) => {
                    // Out of file descriptors, most likely: let some connections end.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let _ = stopping.send(true);
    let cut_short = {
        let drain = async { while connections.join_next().await.is_some() {} };
        tokio::select! {
            () = drain => None,
            () = tokio::time::sleep(GRACE) => Some(format!("still running after {GRACE:?}")),
            () = force => Some("running at a second signal".to_owned()),
        }
    };
    if let Some(why) = cut_short {
        // Dropping the set aborts them.
        tracing::warn!(left = connections.len(), "requests {why}: dropped");
    }
}

async fn connection(
    stream: TcpStream,
    endpoint: Arc<Endpoint>,
    mut stopped: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |request: Request<Incoming>| {
        let endpoint = Arc::clone(&endpoint);
        async move {
            let started = Instant::now();
            let response = endpoint.answer(&request).await;
            // Never the headers: one of them is the token.
            tracing::debug!(
                method = %request.method(),
                path = request.uri().path(),
                status = response.status().as_u16(),
                elapsed = ?started.elapsed(),
                "request"
            );
            Ok::<_, Infallible>(response)
        }
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .serve_connection(TokioIo::new(stream), service);
    let mut connection = std::pin::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        // The one change is the stop (an error: the server is gone, a stop too).
        _ = stopped.changed() => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}
