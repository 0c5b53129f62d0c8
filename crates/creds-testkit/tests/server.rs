//! Routes, queues, the request log, lifetimes.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use creds_testkit::{Method, Reply, TestServer, refused_port};

use crate::support::{SECOND, exchange, get};

#[tokio::test]
async fn routes_answer_their_queue_and_repeat_the_last() {
    let server = TestServer::start().await;
    server
        .route(Method::GET, "/a", Reply::new(500))
        .then(Reply::new(503))
        .then(Reply::ok("ok"));
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(
            exchange(server.addr(), &get("/a"), SECOND)
                .await
                .unwrap()
                .status(),
        );
    }
    assert_eq!(statuses, [500, 503, 200, 200]);
    // Another method on the same path is another route.
    let post = "POST /a HTTP/1.1\r\nhost: t\r\ncontent-length: 0\r\n\r\n";
    assert_eq!(
        exchange(server.addr(), post, SECOND)
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn unknown_routes_are_404_and_recorded() {
    let server = TestServer::start().await;
    let raw = exchange(server.addr(), &get("/missing"), SECOND)
        .await
        .unwrap();
    assert_eq!(raw.status(), 404);
    assert_eq!(server.requests_to("/missing").len(), 1);
}

#[tokio::test]
async fn a_route_replaced_starts_afresh() {
    let server = TestServer::start().await;
    server
        .route(Method::GET, "/", Reply::new(500))
        .then(Reply::new(502));
    server.route(Method::GET, "/", Reply::ok("new"));
    assert_eq!(
        exchange(server.addr(), &get("/"), SECOND)
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn queries_match_only_when_the_route_has_one() {
    let server = TestServer::start().await;
    server.route(Method::GET, "/p", Reply::ok("any query"));
    server.route(Method::GET, "/q?x=1", Reply::ok("x is 1"));
    let body = |raw: crate::support::Raw| String::from_utf8(raw.body).unwrap();
    assert_eq!(
        body(
            exchange(server.addr(), &get("/p?z=9"), SECOND)
                .await
                .unwrap()
        ),
        "any query"
    );
    assert_eq!(
        body(
            exchange(server.addr(), &get("/q?x=1"), SECOND)
                .await
                .unwrap()
        ),
        "x is 1"
    );
    assert_eq!(
        exchange(server.addr(), &get("/q?x=2"), SECOND)
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn requests_are_recorded_whole() {
    let server = TestServer::start().await;
    server.route(Method::PUT, "/latest/api/token", Reply::ok("t"));
    let request = "PUT /latest/api/token?a=b HTTP/1.1\r\nhost: h\r\nx-aws-ec2-metadata-token-ttl-seconds: 21600\r\ncontent-length: 5\r\n\r\nhello";
    exchange(server.addr(), request, SECOND).await.unwrap();
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(server.request_count(), 1);
    let r = &seen[0];
    assert_eq!(r.method, Method::PUT);
    assert_eq!(r.target, "/latest/api/token?a=b");
    assert_eq!(r.path(), "/latest/api/token");
    assert_eq!(r.query(), Some("a=b"));
    assert_eq!(
        r.header("x-aws-ec2-metadata-token-ttl-seconds"),
        Some("21600")
    );
    assert_eq!(r.header("connection"), Some("close"));
    assert_eq!(r.body_text(), "hello");
    assert_eq!(server.requests_to("/latest/api/token").len(), 1);
    server.clear_requests();
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn absolute_form_targets_are_kept_as_a_proxy_sees_them() {
    let server = TestServer::start().await;
    server.route(Method::GET, "/x", Reply::ok("proxied"));
    let request =
        "GET http://example.invalid:8080/x?y=1 HTTP/1.1\r\nhost: example.invalid:8080\r\n\r\n";
    let raw = exchange(server.addr(), request, SECOND).await.unwrap();
    assert_eq!(raw.status(), 200);
    let r = &server.requests()[0];
    assert_eq!(r.target, "http://example.invalid:8080/x?y=1");
    assert_eq!(r.path(), "/x");
    assert_eq!(r.path_and_query(), "/x?y=1");
}

#[tokio::test]
async fn headers_and_json_replies() {
    let server = TestServer::start().await;
    server.route(
        Method::GET,
        "/j",
        Reply::json(serde_json::json!({"Code": "Success"})).header("x-extra", "1"),
    );
    let raw = exchange(server.addr(), &get("/j"), SECOND).await.unwrap();
    assert_eq!(
        raw.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(raw.header("x-extra").as_deref(), Some("1"));
    let doc: serde_json::Value = serde_json::from_slice(&raw.body).unwrap();
    assert_eq!(doc["Code"], "Success");
}

#[tokio::test]
async fn ipv6_loopback_and_urls() {
    let server = TestServer::bind(IpAddr::V6(Ipv6Addr::LOCALHOST)).await;
    server.route(Method::GET, "/", Reply::ok("v6"));
    assert_eq!(
        server.url(),
        format!("http://[::1]:{}", server.addr().port())
    );
    assert_eq!(
        exchange(server.addr(), &get("/"), SECOND)
            .await
            .unwrap()
            .status(),
        200
    );
    let v4 = TestServer::start().await;
    assert_eq!(
        v4.uri("/x"),
        format!("http://127.0.0.1:{}/x", v4.addr().port())
    );
}

#[test]
#[should_panic(expected = "loopback only")]
fn only_loopback_addresses() {
    let _ = TestServer::bind_blocking(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
}

#[tokio::test]
async fn a_dropped_server_refuses_connections() {
    let server = TestServer::start().await;
    let addr = server.addr();
    drop(server);
    tokio::task::yield_now().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[test]
fn a_blocking_server_serves_synchronous_clients_and_stops_on_drop() {
    use std::io::{Read, Write};
    let server = TestServer::start_blocking();
    server.route(Method::GET, "/sync", Reply::ok("from a thread"));
    let mut stream = std::net::TcpStream::connect(server.addr()).unwrap();
    stream
        .write_all(b"GET /sync HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.ends_with("from a thread"), "{response}");
    assert_eq!(server.request_count(), 1);
    let addr = server.addr();
    drop(server);
    assert!(std::net::TcpStream::connect(addr).is_err());
}

#[test]
fn refused_ports_refuse() {
    let port = refused_port();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
    assert!(creds_testkit::refused_url().starts_with("http://127.0.0.1:"));
}
