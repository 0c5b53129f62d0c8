//! Plain requests: methods, headers, bodies, queries, pooling.

use std::net::{IpAddr, Ipv6Addr};

use bytes::Bytes;
use creds_http::HttpClient;
use creds_testkit::{Method, Reply, TestServer};
use http::Request;

use crate::support::{fast, get};

#[tokio::test]
async fn get_sends_headers_and_returns_status_headers_and_body() {
    let server = TestServer::start().await;
    server.route(
        Method::GET,
        "/latest/meta-data/iam/security-credentials/",
        Reply::ok("my-role").header("x-amzn-requestid", "req-1"),
    );
    let request = Request::get(server.uri("/latest/meta-data/iam/security-credentials/"))
        .header("x-aws-ec2-metadata-token", "token-value")
        .header("user-agent", "creds-test")
        .body(Bytes::new())
        .unwrap();
    let response = fast().build().send(request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-amzn-requestid"], "req-1");
    assert_eq!(response.body(), "my-role");

    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, Method::GET);
    assert_eq!(
        seen[0].target,
        "/latest/meta-data/iam/security-credentials/"
    );
    assert_eq!(
        seen[0].header("x-aws-ec2-metadata-token"),
        Some("token-value")
    );
    assert_eq!(seen[0].header("user-agent"), Some("creds-test"));
    assert_eq!(
        seen[0].header("host"),
        Some(server.addr().to_string().as_str())
    );
    assert!(seen[0].body.is_empty());
}

#[tokio::test]
async fn put_and_post_send_their_bodies() {
    let server = TestServer::start().await;
    server.route(Method::PUT, "/latest/api/token", Reply::ok("a-token"));
    server.route(
        Method::POST,
        "/",
        Reply::new(200)
            .header("content-type", "text/xml")
            .body("<AssumeRoleResponse/>"),
    );
    let client = fast().build();

    let put = Request::put(server.uri("/latest/api/token"))
        .header("x-aws-ec2-metadata-token-ttl-seconds", "21600")
        .body(Bytes::new())
        .unwrap();
    let response = client.send(put).await.unwrap();
    assert_eq!(response.body(), "a-token");

    let form =
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fx";
    let post = Request::post(server.uri("/"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Bytes::from(form))
        .unwrap();
    let response = client.send(post).await.unwrap();
    assert_eq!(response.headers()["content-type"], "text/xml");
    assert_eq!(response.body(), "<AssumeRoleResponse/>");

    let seen = server.requests();
    assert_eq!(seen[0].method, Method::PUT);
    assert_eq!(
        seen[0].header("x-aws-ec2-metadata-token-ttl-seconds"),
        Some("21600")
    );
    assert_eq!(seen[1].method, Method::POST);
    assert_eq!(seen[1].body_text(), form);
    assert_eq!(
        seen[1].header("content-length"),
        Some(form.len().to_string().as_str())
    );
}

#[tokio::test]
async fn the_query_is_sent() {
    let server = TestServer::start().await;
    server.route(Method::GET, "/federation/credentials", Reply::ok("{}"));
    let url = server.uri("/federation/credentials?role_name=dev&account_id=123456789012");
    let response = fast().build().send(get(&url)).await.unwrap();
    assert_eq!(response.status(), 200);
    let seen = server.requests_to("/federation/credentials");
    assert_eq!(
        seen[0].query(),
        Some("role_name=dev&account_id=123456789012")
    );
}

#[tokio::test]
async fn ipv6_loopback() {
    let server = TestServer::bind(IpAddr::V6(Ipv6Addr::LOCALHOST)).await;
    server.route(Method::GET, "/v6", Reply::ok("six"));
    assert!(server.url().starts_with("http://[::1]:"));
    let response = fast().build().send(get(&server.uri("/v6"))).await.unwrap();
    assert_eq!(response.body(), "six");
}

#[tokio::test]
async fn connections_are_pooled_and_shared_by_clones() {
    let server = TestServer::start().await;
    server.route(Method::GET, "/", Reply::ok("x"));
    let client = fast().build();
    let clone = client.clone();
    for _ in 0..5 {
        client.send(get(&server.uri("/"))).await.unwrap();
        clone.send(get(&server.uri("/"))).await.unwrap();
    }
    assert_eq!(server.request_count(), 10);
    assert_eq!(server.connection_count(), 1);
}

#[tokio::test]
async fn unknown_routes_are_404s_returned_as_responses() {
    let server = TestServer::start().await;
    let response = HttpClient::default()
        .send(get(&server.uri("/nothing")))
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn empty_and_malformed_bodies_are_returned_as_they_are() {
    let server = TestServer::start().await;
    server.route(Method::GET, "/empty", Reply::new(204));
    server.route(Method::GET, "/broken", Reply::new(200).malformed_json());
    let client = fast().build();
    let empty = client.send(get(&server.uri("/empty"))).await.unwrap();
    assert_eq!(empty.status(), 204);
    assert!(empty.body().is_empty());
    let broken = client.send(get(&server.uri("/broken"))).await.unwrap();
    assert!(serde_json::from_slice::<serde_json::Value>(broken.body()).is_err());
    assert_eq!(broken.headers()["content-type"], "application/json");
}

#[test]
fn works_on_a_runtime_of_the_callers_choice_against_a_blocking_server() {
    let server = TestServer::start_blocking();
    server.route(Method::GET, "/", Reply::ok("threaded"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let client = fast().build();
    let body = runtime.block_on(async {
        client
            .send(get(&server.uri("/")))
            .await
            .unwrap()
            .into_body()
    });
    assert_eq!(body, "threaded");
}
