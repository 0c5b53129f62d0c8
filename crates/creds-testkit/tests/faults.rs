//! Each fault happens.

use std::time::Duration;

use creds_testkit::{Method, Reply, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{SECOND, exchange, get};

#[tokio::test]
async fn delay_holds_back_the_headers() {
    let server = TestServer::start().await;
    server.route(
        Method::GET,
        "/",
        Reply::ok("x").delay(Duration::from_millis(300)),
    );
    let raw = exchange(server.addr(), &get("/"), SECOND * 5)
        .await
        .unwrap();
    assert!(
        raw.first_byte >= Duration::from_millis(300),
        "{:?}",
        raw.first_byte
    );
    assert_eq!(raw.body, b"x");
}

#[tokio::test]
async fn hang_reads_the_request_and_never_answers() {
    let server = TestServer::start().await;
    server.route(Method::POST, "/", Reply::new(200).hang());
    let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    stream
        .write_all(b"POST / HTTP/1.1\r\nhost: t\r\ncontent-length: 4\r\n\r\nbody")
        .await
        .unwrap();
    let mut buf = [0u8; 16];
    let read = tokio::time::timeout(Duration::from_millis(500), stream.read(&mut buf)).await;
    assert!(read.is_err(), "the server answered: {read:?}");
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].body_text(), "body");
    // Dropping the server closes the hanging connection.
    drop(server);
    let end = tokio::time::timeout(SECOND, stream.read(&mut buf))
        .await
        .unwrap();
    assert!(matches!(end, Ok(0) | Err(_)), "{end:?}");
}

#[tokio::test]
async fn drop_connection_closes_without_a_response() {
    let server = TestServer::start().await;
    server
        .route(Method::GET, "/", Reply::new(200).drop_connection())
        .then(Reply::ok("then fine"));
    assert!(exchange(server.addr(), &get("/"), SECOND).await.is_none());
    let raw = exchange(server.addr(), &get("/"), SECOND).await.unwrap();
    assert_eq!(raw.body, b"then fine");
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn trickle_sends_chunks_apart() {
    let server = TestServer::start().await;
    server.route(
        Method::GET,
        "/",
        Reply::ok("abcdefgh").trickle(2, Duration::from_millis(100)),
    );
    let raw = exchange(server.addr(), &get("/"), SECOND * 5)
        .await
        .unwrap();
    assert_eq!(raw.body, b"abcdefgh");
    assert_eq!(raw.header("content-length").as_deref(), Some("8"));
    // Four chunks, three gaps.
    assert!(raw.total >= Duration::from_millis(300), "{:?}", raw.total);
    assert!(
        raw.first_byte < Duration::from_millis(100),
        "{:?}",
        raw.first_byte
    );
}

#[tokio::test]
async fn oversized_streams_generated_bytes_without_a_length() {
    let server = TestServer::start().await;
    let n = 3 * 1024 * 1024 + 7;
    server.route(Method::GET, "/", Reply::new(200).oversized(n));
    let raw = exchange(server.addr(), &get("/"), SECOND * 10)
        .await
        .unwrap();
    assert_eq!(raw.header("content-length"), None);
    assert_eq!(raw.header("transfer-encoding").as_deref(), Some("chunked"));
    assert_eq!(raw.body.len() as u64, n);
    assert!(raw.body.iter().all(|&b| b == b'x'));
}

#[tokio::test]
async fn malformed_json_is_not_json() {
    let server = TestServer::start().await;
    server.route(Method::GET, "/", Reply::new(200).malformed_json());
    let raw = exchange(server.addr(), &get("/"), SECOND).await.unwrap();
    assert_eq!(
        raw.header("content-type").as_deref(),
        Some("application/json")
    );
    assert!(serde_json::from_slice::<serde_json::Value>(&raw.body).is_err());
    assert!(raw.body.starts_with(b"{\""));
}

#[test]
fn replies_debug_without_their_body() {
    let reply = Reply::ok("SECRET-BODY").header("authorization", "SECRET-HEADER");
    let shown = format!("{reply:?}");
    assert!(!shown.contains("SECRET"), "{shown}");
    assert!(shown.contains("11 bytes"), "{shown}");
}
