use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use creds::core::{Clock, ManualClock};
use creds::{Credentials, CredentialsCache, ProvideCredentials, ProvideFuture};
use hyper::{Method, Request, StatusCode};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use super::http::{Endpoint, LONG_TERM_LEASE, document, serve};
use super::token::Token;
use super::{MUST_REFRESH_BEFORE, REFRESH_BEFORE, render, serving_cache};
use crate::cli::ServeFormat;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const START: &str = "2026-06-01T00:00:00Z";

/// Session credentials that expire an hour after each fetch, numbered by fetch.
#[derive(Debug)]
struct Upstream {
    clock: ManualClock,
    fetches: AtomicUsize,
    delay: Duration,
}

impl ProvideCredentials for Upstream {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
            if !self.delay.is_zero() {
                tokio::time::sleep(self.delay).await;
            }
            Ok(Credentials::builder()
                .access_key_id(format!("ASIAFETCH{n}"))
                .secret_access_key(SECRET)
                .session_token(format!("token-{n}"))
                .expiration(
                    self.clock
                        .now()
                        .checked_add(Duration::from_secs(3600))
                        .unwrap(),
                )
                .provider_name("upstream")
                .build())
        })
    }

    fn name(&self) -> &'static str {
        "upstream"
    }
}

fn endpoint(delay: Duration) -> (Arc<Endpoint>, Arc<Upstream>, ManualClock) {
    let clock = ManualClock::new(START.parse().unwrap());
    let upstream = Arc::new(Upstream {
        clock: clock.clone(),
        fetches: AtomicUsize::new(0),
        delay,
    });
    let cache = CredentialsCache::builder()
        .advisory_window(REFRESH_BEFORE)
        .mandatory_window(MUST_REFRESH_BEFORE)
        .clock(clock.clone())
        .build_shared(upstream.clone());
    let endpoint = Endpoint {
        token: Token::generate().unwrap(),
        cache,
        clock: Clock::from(clock.clone()),
    };
    (Arc::new(endpoint), upstream, clock)
}

/// The access key id of a served document.
fn key(body: &str) -> String {
    let doc: serde_json::Value = serde_json::from_str(body).unwrap();
    doc["AccessKeyId"].as_str().unwrap().to_owned()
}

/// Asks until the answer is `want` (a background refresh landed), for about a second;
/// the last key served.
async fn served_within_a_second(endpoint: &Endpoint, request: &Request<()>, want: &str) -> String {
    let mut served = String::new();
    for _ in 0..200 {
        served = key(endpoint.answer(request).await.body());
        if served == want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    served
}

fn get(path: &str, token: Option<&str>) -> Request<()> {
    let mut request = Request::builder().uri(path);
    if let Some(token) = token {
        request = request.header("Authorization", token);
    }
    request.body(()).unwrap()
}

#[tokio::test]
async fn refusals_say_nothing() {
    let (endpoint, upstream, _) = endpoint(Duration::ZERO);
    let token = endpoint.token.as_str().to_owned();
    let wrong = format!("{}0", &token[..token.len() - 1]);
    let post = Request::builder()
        .method(Method::POST)
        .uri("/")
        .header("Authorization", &token)
        .body(())
        .unwrap();
    for (request, status) in [
        (get("/", None), StatusCode::UNAUTHORIZED),
        (get("/", Some(&wrong)), StatusCode::FORBIDDEN),
        (
            get("/", Some(&format!("Bearer {token}"))),
            StatusCode::FORBIDDEN,
        ),
        (get("/other", None), StatusCode::UNAUTHORIZED),
        (get("/other", Some(&wrong)), StatusCode::FORBIDDEN),
        (get("/other", Some(&token)), StatusCode::NOT_FOUND),
        (post, StatusCode::METHOD_NOT_ALLOWED),
    ] {
        let response = endpoint.answer(&request).await;
        assert_eq!(response.status(), status, "{}", request.uri());
        assert!(response.body().is_empty(), "{status}: no detail");
        assert_eq!(response.headers()["cache-control"], "no-store");
    }
    assert_eq!(upstream.fetches.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn the_token_gets_the_container_document() {
    let (endpoint, _, clock) = endpoint(Duration::ZERO);
    let response = endpoint
        .answer(&get("/", Some(endpoint.token.as_str())))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    // Our own container client reads it back.
    let creds = creds::container::parse_response(response.body().as_bytes(), &clock.clone().into())
        .unwrap();
    assert_eq!(creds.access_key_id(), "ASIAFETCH1");
    assert_eq!(creds.secret_access_key(), SECRET);
    assert_eq!(creds.session_token(), Some("token-1"));
    assert_eq!(
        creds.expiration(),
        Some("2026-06-01T01:00:00Z".parse().unwrap())
    );
}

#[test]
fn long_term_keys_get_an_empty_token_and_a_lease() {
    let clock = ManualClock::new("2026-06-01T00:00:00.7Z".parse().unwrap());
    let keys = Credentials::builder()
        .access_key_id("AKIDLONGTERM")
        .secret_access_key(SECRET)
        .account_id("123456789012")
        .build();
    let text = document(&keys, &clock.clone().into());
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["Token"], "");
    assert_eq!(doc["Expiration"], "2026-06-01T01:00:00Z");
    assert_eq!(doc["AccountId"], "123456789012");
    assert_eq!(LONG_TERM_LEASE, Duration::from_secs(3600));
    let back = creds::container::parse_response(text.as_bytes(), &clock.into()).unwrap();
    assert_eq!(back.session_token(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_requests_cause_one_fetch() {
    let (endpoint, upstream, _) = endpoint(Duration::from_millis(50));
    let token = endpoint.token.as_str().to_owned();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..1_000 {
        let endpoint = Arc::clone(&endpoint);
        let request = get("/", Some(&token));
        tasks.spawn(async move { endpoint.answer(&request).await.status() });
    }
    while let Some(status) = tasks.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::OK);
    }
    assert_eq!(upstream.fetches.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_are_refreshed_before_clients_would_ask() {
    let (endpoint, upstream, clock) = endpoint(Duration::ZERO);
    let request = get("/", Some(endpoint.token.as_str()));
    assert_eq!(key(endpoint.answer(&request).await.body()), "ASIAFETCH1");
    // 30 minutes left: more than botocore's 15, so nothing happens yet.
    clock.advance(Duration::from_secs(30 * 60));
    assert_eq!(key(endpoint.answer(&request).await.body()), "ASIAFETCH1");
    assert_eq!(upstream.fetches.load(Ordering::SeqCst), 1);
    // 24 minutes left: inside our 25-minute window, a background refresh starts while
    // the answer is still the current credentials.
    clock.advance(Duration::from_secs(6 * 60));
    let body = endpoint.answer(&request).await.into_body();
    assert_eq!(key(&body), "ASIAFETCH1");
    for _ in 0..200 {
        if upstream.fetches.load(Ordering::SeqCst) == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(upstream.fetches.load(Ordering::SeqCst), 2);
    assert_eq!(
        served_within_a_second(&endpoint, &request, "ASIAFETCH2").await,
        "ASIAFETCH2"
    );
    // Clients are then given an hour again, well outside their own windows.
    let doc: serde_json::Value =
        serde_json::from_str(endpoint.answer(&request).await.body()).unwrap();
    assert_eq!(doc["Expiration"], "2026-06-01T01:36:00Z");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_closes_idle_connections_and_returns() {
    let (endpoint, _, _) = endpoint(Duration::ZERO);
    let token = endpoint.token.as_str().to_owned();
    let (addr, stop, _force, server) = spawn_server(endpoint);
    let mut stream = send_get(addr, &token).await;
    let mut buf = vec![0u8; 4096];
    let n = stream.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200 OK"));
    // The connection is kept alive and idle; the stop closes it and the server returns.
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(2), server)
        .await
        .expect("the server stops at once")
        .unwrap();
    let n = tokio::time::timeout(Duration::from_secs(2), stream.read(&mut buf))
        .await
        .unwrap()
        .unwrap_or(0);
    assert_eq!(n, 0, "the idle connection is closed");
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no longer listening"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_credentials_are_served_then_the_chain_refreshes() {
    let clock = ManualClock::new(START.parse().unwrap());
    let upstream = Arc::new(Upstream {
        clock: clock.clone(),
        fetches: AtomicUsize::new(0),
        delay: Duration::ZERO,
    });
    let first = Credentials::builder()
        .access_key_id("ASIAFIRST")
        .secret_access_key(SECRET)
        .session_token("token-0")
        .expiration("2026-06-01T01:00:00Z".parse().unwrap())
        .build();
    let endpoint = Endpoint {
        token: Token::generate().unwrap(),
        cache: serving_cache(first, upstream.clone(), Clock::from(clock.clone())),
        clock: Clock::from(clock.clone()),
    };
    let request = get("/", Some(endpoint.token.as_str()));
    for _ in 0..3 {
        assert_eq!(key(endpoint.answer(&request).await.body()), "ASIAFIRST");
    }
    assert_eq!(
        upstream.fetches.load(Ordering::SeqCst),
        0,
        "the credentials resolved before listening are the first served"
    );
    // Inside the refresh window, the chain is asked, once.
    clock.advance(Duration::from_secs(40 * 60));
    assert_eq!(
        served_within_a_second(&endpoint, &request, "ASIAFETCH1").await,
        "ASIAFETCH1"
    );
    assert_eq!(upstream.fetches.load(Ordering::SeqCst), 1);
}

/// A server on a loopback port for `endpoint`, stopped by the first sender and forced
/// by the second.
fn spawn_server(
    endpoint: Arc<Endpoint>,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let listener = tokio::net::TcpListener::from_std(listener).unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (force, forced) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(
        listener,
        endpoint,
        async move {
            let _ = stopped.await;
        },
        async move {
            let _ = forced.await;
        },
    ));
    (addr, stop, force, server)
}

/// Sends a GET with `token` on a new connection.
async fn send_get(addr: std::net::SocketAddr, token: &str) -> tokio::net::TcpStream {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(
            format!("GET / HTTP/1.1\r\nHost: x\r\nAuthorization: {token}\r\n\r\n").as_bytes(),
        )
        .await
        .unwrap();
    stream
}

/// A server whose first request waits `fetch` for the upstream, stopped once that
/// request is in flight: the request's stream, the sender that forces the stop, and
/// the server's task.
async fn stopped_in_flight(
    fetch: Duration,
) -> (
    tokio::net::TcpStream,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let (endpoint, upstream, _) = endpoint(fetch);
    let token = endpoint.token.as_str().to_owned();
    let (addr, stop, force, server) = spawn_server(endpoint);
    let stream = send_get(addr, &token).await;
    while upstream.fetches.load(Ordering::SeqCst) == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    stop.send(()).unwrap();
    (stream, force, server)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_lets_a_request_in_flight_finish() {
    let (mut stream, _force, server) = stopped_in_flight(Duration::from_millis(300)).await;
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut response))
        .await
        .expect("answered, then closed")
        .unwrap();
    assert!(
        response.starts_with(b"HTTP/1.1 200 OK"),
        "{}",
        String::from_utf8_lossy(&response[..response.len().min(40)])
    );
    tokio::time::timeout(Duration::from_secs(2), server)
        .await
        .expect("the server returns once the request is done")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_signal_stops_without_waiting() {
    // A fetch that would outlast the grace period.
    let (mut stream, force, server) = stopped_in_flight(Duration::from_secs(60)).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        !server.is_finished(),
        "the first stop waits for the request"
    );
    force.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(2), server)
        .await
        .expect("the second stop returns at once")
        .unwrap();
    let mut rest = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(2), stream.read_to_end(&mut rest))
        .await
        .expect("the connection is closed");
    assert!(rest.is_empty(), "no answer: the request was dropped");
}

#[test]
fn variables_in_every_format() {
    let token = Token::generate().unwrap();
    let t = token.as_str();
    let uri = "http://127.0.0.1:4567/";
    assert_eq!(
        render(uri, &token, None, ServeFormat::Env),
        format!(
            "export AWS_CONTAINER_CREDENTIALS_FULL_URI={uri}\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN={t}\n"
        )
    );
    let file = std::path::Path::new("/tmp/my token");
    assert_eq!(
        render(uri, &token, Some(file), ServeFormat::EnvNoExport),
        format!(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI={uri}\nAWS_CONTAINER_AUTHORIZATION_TOKEN_FILE='/tmp/my token'\n"
        )
    );
    assert_eq!(
        render(uri, &token, None, ServeFormat::Powershell),
        format!(
            "$Env:AWS_CONTAINER_CREDENTIALS_FULL_URI='{uri}'\n$Env:AWS_CONTAINER_AUTHORIZATION_TOKEN='{t}'\n"
        )
    );
    let doc: serde_json::Value =
        serde_json::from_str(&render(uri, &token, None, ServeFormat::Json)).unwrap();
    assert_eq!(doc["AWS_CONTAINER_CREDENTIALS_FULL_URI"], uri);
    assert_eq!(doc["AWS_CONTAINER_AUTHORIZATION_TOKEN"], t);
}
