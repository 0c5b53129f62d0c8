//! [`TestServer`]: a loopback HTTP/1.1 server that answers scripted [`Reply`]s and
//! records every request.

use std::collections::VecDeque;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::{Method, Request, Response, StatusCode};
use hyper::body::{Body, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

use crate::RecordedRequest;
use crate::reply::{Fault, Reply, ReplyBody};

/// The most of a request body the server keeps.
const MAX_REQUEST_BODY: usize = 16 * 1024 * 1024;

/// A loopback HTTP/1.1 server with scripted routes and a log of what it received.
///
/// [`start`](Self::start) runs it on the caller's tokio runtime (which needs IO and
/// time enabled); [`start_blocking`](Self::start_blocking) on a runtime of its own, in
/// a thread of its own, for synchronous tests and tests that run a child process. It
/// listens on `127.0.0.1` on a free port ([`bind`](Self::bind) takes `::1` too, and
/// refuses any address that is not loopback), and stops when dropped, closing every
/// connection, hanging ones included.
///
/// Requests are matched by method and path (the query is ignored unless the route's
/// path has one); a route answers its replies in turn and repeats the last one. A
/// request no route matches gets a `404`.
///
/// ```
/// use creds_testkit::{Method, Reply, TestServer};
///
/// let server = TestServer::start_blocking();
/// server
///     .route(Method::GET, "/creds", Reply::new(500))
///     .then(Reply::ok("fine"));
/// assert!(server.url().starts_with("http://127.0.0.1:"));
/// assert_eq!(server.uri("/creds"), format!("{}/creds", server.url()));
/// assert_eq!(server.request_count(), 0);
/// ```
pub struct TestServer {
    addr: SocketAddr,
    state: Arc<State>,
    runner: Runner,
}

enum Runner {
    /// On the caller's runtime: aborted on drop.
    Task(JoinHandle<()>),
    /// On a thread of its own: told to stop, then joined, on drop.
    Thread {
        stop: Option<oneshot::Sender<()>>,
        thread: Option<std::thread::JoinHandle<()>>,
    },
}

#[derive(Default)]
struct State {
    routes: Mutex<Vec<RouteState>>,
    log: Mutex<Vec<RecordedRequest>>,
    connections: AtomicUsize,
}

struct RouteState {
    method: Method,
    path: String,
    /// A header (lowercase name) and value the request must have, for services that
    /// name the operation in a header (`X-Amz-Target`).
    header: Option<(String, String)>,
    replies: VecDeque<Reply>,
}

impl RouteState {
    fn is(&self, method: &Method, path: &str, header: &Option<(String, String)>) -> bool {
        self.method == *method && self.path == path && self.header == *header
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl TestServer {
    /// Starts a server on `127.0.0.1`, on the current tokio runtime.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, or when no port can be bound.
    pub async fn start() -> TestServer {
        Self::bind(IpAddr::V4(Ipv4Addr::LOCALHOST)).await
    }

    /// Starts a server on the loopback address `ip` (`127.0.0.1` or `::1`), on the
    /// current tokio runtime.
    ///
    /// # Panics
    ///
    /// When `ip` is not a loopback address, outside a tokio runtime, or when no port
    /// can be bound.
    pub async fn bind(ip: IpAddr) -> TestServer {
        let (listener, addr) = listen(ip);
        let listener = TcpListener::from_std(listener).expect("register the listener");
        let state = Arc::new(State::default());
        let task = tokio::spawn(serve(listener, Arc::clone(&state)));
        TestServer {
            addr,
            state,
            runner: Runner::Task(task),
        }
    }

    /// Starts a server on `127.0.0.1` on a runtime of its own, in a thread of its own.
    ///
    /// # Panics
    ///
    /// When no port can be bound or no thread started.
    pub fn start_blocking() -> TestServer {
        Self::bind_blocking(IpAddr::V4(Ipv4Addr::LOCALHOST))
    }

    /// Starts a server on the loopback address `ip` on a runtime of its own, in a
    /// thread of its own.
    ///
    /// # Panics
    ///
    /// When `ip` is not a loopback address, or when no port can be bound or no thread
    /// started.
    pub fn bind_blocking(ip: IpAddr) -> TestServer {
        let (listener, addr) = listen(ip);
        let state = Arc::new(State::default());
        let (stop, stopped) = oneshot::channel::<()>();
        let served = Arc::clone(&state);
        let thread = std::thread::Builder::new()
            .name(format!("creds-testkit-{}", addr.port()))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("build the server's runtime");
                runtime.block_on(async move {
                    let listener = TcpListener::from_std(listener).expect("register the listener");
                    tokio::select! {
                        () = serve(listener, served) => {}
                        _ = stopped => {}
                    }
                });
            })
            .expect("start the server's thread");
        TestServer {
            addr,
            state,
            runner: Runner::Thread {
                stop: Some(stop),
                thread: Some(thread),
            },
        }
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its base URL: `http://127.0.0.1:PORT` (or `http://[::1]:PORT`), no trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The URL of `path` on it (`path` starts with `/`).
    pub fn uri(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Scripts the answers to `method` on `path`, replacing any earlier script for
    /// them: `reply`, and then those added with [`Route::then`]. The last reply
    /// repeats. A `path` with a `?` matches the query too.
    pub fn route(&self, method: Method, path: &str, reply: Reply) -> Route<'_> {
        self.add_route(method, path, None, reply)
    }

    /// [`route`](Self::route) for the requests that also have the header `name` with
    /// `value` (an awsJson service's `X-Amz-Target`, say). A request that matches such
    /// a route takes it over a route of the same method and path without a header.
    ///
    /// ```
    /// use creds_testkit::{Method, Reply, TestServer};
    ///
    /// let server = TestServer::start_blocking();
    /// server.route_with_header(Method::POST, "/", "x-amz-target", "Svc.GetId", Reply::ok("id"));
    /// server.route(Method::POST, "/", Reply::new(400));
    /// # let _ = server;
    /// ```
    pub fn route_with_header(
        &self,
        method: Method,
        path: &str,
        name: &str,
        value: &str,
        reply: Reply,
    ) -> Route<'_> {
        let header = Some((name.to_ascii_lowercase(), value.to_owned()));
        self.add_route(method, path, header, reply)
    }

    fn add_route(
        &self,
        method: Method,
        path: &str,
        header: Option<(String, String)>,
        reply: Reply,
    ) -> Route<'_> {
        let mut routes = lock(&self.state.routes);
        let replies = VecDeque::from([reply]);
        match routes.iter_mut().find(|r| r.is(&method, path, &header)) {
            Some(route) => route.replies = replies,
            None => routes.push(RouteState {
                method: method.clone(),
                path: path.to_owned(),
                header: header.clone(),
                replies,
            }),
        }
        Route {
            server: self,
            method,
            path: path.to_owned(),
            header,
        }
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.log).clone()
    }

    /// How many requests were received.
    pub fn request_count(&self) -> usize {
        lock(&self.state.log).len()
    }

    /// The requests received for `path` (matched without the query), in order.
    pub fn requests_to(&self, path: &str) -> Vec<RecordedRequest> {
        lock(&self.state.log)
            .iter()
            .filter(|r| r.path() == path)
            .cloned()
            .collect()
    }

    /// How many connections were accepted.
    pub fn connection_count(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        lock(&self.state.log).clear();
    }
}

impl fmt::Debug for TestServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestServer")
            .field("addr", &self.addr)
            .field("requests", &self.request_count())
            .finish()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        match &mut self.runner {
            Runner::Task(task) => task.abort(),
            Runner::Thread { stop, thread } => {
                if let Some(stop) = stop.take() {
                    let _ = stop.send(());
                }
                if let Some(thread) = thread.take() {
                    let _ = thread.join();
                }
            }
        }
    }
}

/// A route just scripted; [`then`](Self::then) queues more replies.
#[derive(Debug)]
pub struct Route<'a> {
    server: &'a TestServer,
    method: Method,
    path: String,
    header: Option<(String, String)>,
}

impl Route<'_> {
    /// Queues `reply` after the replies before it.
    pub fn then(self, reply: Reply) -> Self {
        let mut routes = lock(&self.server.state.routes);
        if let Some(route) = routes
            .iter_mut()
            .find(|r| r.is(&self.method, &self.path, &self.header))
        {
            route.replies.push_back(reply);
        }
        drop(routes);
        self
    }
}

fn listen(ip: IpAddr) -> (std::net::TcpListener, SocketAddr) {
    assert!(
        ip.is_loopback(),
        "a test server listens on loopback only, not on {ip}"
    );
    let listener = std::net::TcpListener::bind(SocketAddr::new(ip, 0))
        .unwrap_or_else(|e| panic!("cannot listen on {ip}: {e}"));
    listener
        .set_nonblocking(true)
        .expect("make the listener non-blocking");
    let addr = listener.local_addr().expect("the listener's address");
    (listener, addr)
}

/// Accepts connections until dropped; dropping it drops every connection.
async fn serve(listener: TcpListener, state: Arc<State>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    state.connections.fetch_add(1, Ordering::SeqCst);
                    connections.spawn(serve_connection(stream, Arc::clone(&state)));
                }
                // Out of file descriptors, or a connection reset before it was
                // accepted: wait a little and go on.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next() => {}
        }
    }
}

/// The error a route returns to make hyper close the connection without a response.
#[derive(Debug)]
struct DropConnection;

impl fmt::Display for DropConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by the script")
    }
}

impl std::error::Error for DropConnection {}

async fn serve_connection(stream: TcpStream, state: Arc<State>) {
    let service = service_fn(move |request| answer(request, Arc::clone(&state)));
    // Errors (a dropped connection, a client that went away) end the connection.
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

async fn answer(
    request: Request<Incoming>,
    state: Arc<State>,
) -> Result<Response<ReplyBody>, DropConnection> {
    let (parts, body) = request.into_parts();
    let body = read_body(body).await;
    let recorded = RecordedRequest {
        method: parts.method,
        target: parts.uri.to_string(),
        version: parts.version,
        headers: parts.headers,
        body,
    };
    let reply = next_reply(&state, &recorded);
    lock(&state.log).push(recorded);

    let Some(reply) = reply else {
        let mut response = Response::new(ReplyBody::Full(Some(Bytes::from_static(
            b"no route for this method and path",
        ))));
        *response.status_mut() = StatusCode::NOT_FOUND;
        return Ok(response);
    };
    if reply.fault == Some(Fault::Drop) {
        return Err(DropConnection);
    }
    if let Some(delay) = reply.delay {
        tokio::time::sleep(delay).await;
    }
    if reply.fault == Some(Fault::Hang) {
        std::future::pending::<()>().await;
    }
    let mut response = Response::new(reply.response_body());
    *response.status_mut() = reply.status;
    for (name, value) in &reply.headers {
        response.headers_mut().append(name.clone(), value.clone());
    }
    Ok(response)
}

/// The next reply of the route that matches, if any.
fn next_reply(state: &State, request: &RecordedRequest) -> Option<Reply> {
    let path = request.path();
    let path_and_query = request.path_and_query();
    let mut routes = lock(&state.routes);
    let matches = |r: &RouteState| {
        r.method == request.method
            && if r.path.contains('?') {
                r.path == path_and_query
            } else {
                r.path == path
            }
            && r.header
                .as_ref()
                .is_none_or(|(name, value)| request.header(name) == Some(value.as_str()))
    };
    // A route that names a header is more specific: it goes first.
    let index = routes
        .iter()
        .position(|r| r.header.is_some() && matches(r))
        .or_else(|| routes.iter().position(|r| r.header.is_none() && matches(r)))?;
    let route = &mut routes[index];
    if route.replies.len() > 1 {
        route.replies.pop_front()
    } else {
        route.replies.front().cloned()
    }
}

/// The request body, up to [`MAX_REQUEST_BODY`]; what cannot be read is left out.
async fn read_body(mut body: Incoming) -> Bytes {
    let mut collected = BytesMut::new();
    while let Some(Ok(frame)) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        if let Ok(data) = frame.into_data() {
            let room = MAX_REQUEST_BODY.saturating_sub(collected.len());
            collected.extend_from_slice(&data[..data.len().min(room)]);
        }
    }
    collected.freeze()
}
