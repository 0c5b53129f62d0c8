//! Errors name the endpoint and never carry the request's headers, body, path or
//! query.

use std::error::Error as _;
use std::time::Duration;

use bytes::Bytes;
use creds_http::{HttpError, HttpErrorKind, RetryPolicy};
use creds_testkit::{Method, Reply, TestServer, refused_url};
use http::Request;

use crate::support::fast;

fn secret_request(base: &str) -> Request<Bytes> {
    Request::post(format!("{base}/SECRET-PATH?token=SECRET-QUERY"))
        .header("authorization", "Bearer SECRET-HEADER")
        .header("x-aws-ec2-metadata-token", "SECRET-TOKEN")
        .body(Bytes::from_static(b"SecretAccessKey=SECRET-BODY"))
        .unwrap()
}

fn assert_clean(error: &HttpError) {
    let mut texts = vec![error.to_string(), format!("{error:?}")];
    let mut source = error.source();
    while let Some(e) = source {
        texts.push(e.to_string());
        source = e.source();
    }
    let credentials = error.to_credentials_error("test");
    texts.push(credentials.to_string());
    texts.push(format!("{credentials:?}"));
    for text in texts {
        assert!(!text.contains("SECRET"), "{text}");
    }
}

#[tokio::test]
async fn no_secret_in_any_error() {
    let server = TestServer::start().await;
    server.route(Method::POST, "/SECRET-PATH", Reply::new(200).hang());
    let hang = fast()
        .read_timeout(Duration::from_millis(100))
        .retry(RetryPolicy::none())
        .build()
        .send(secret_request(&server.url()))
        .await
        .unwrap_err();
    assert_eq!(hang.kind(), HttpErrorKind::Timeout);
    assert_clean(&hang);

    server.route(
        Method::POST,
        "/SECRET-PATH",
        Reply::new(200).drop_connection(),
    );
    let dropped = fast()
        .retry(RetryPolicy::none())
        .build()
        .send(secret_request(&server.url()))
        .await
        .unwrap_err();
    assert_eq!(dropped.kind(), HttpErrorKind::Io);
    assert_clean(&dropped);

    server.route(
        Method::POST,
        "/SECRET-PATH",
        Reply::new(200).oversized(10_000),
    );
    let large = fast()
        .max_body_bytes(100)
        .build()
        .send(secret_request(&server.url()))
        .await
        .unwrap_err();
    assert_eq!(large.kind(), HttpErrorKind::BodyTooLarge);
    assert_clean(&large);

    let refused = fast()
        .retry(RetryPolicy::none())
        .build()
        .send(secret_request(&refused_url()))
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), HttpErrorKind::Connect);
    assert!(refused.during_connect());
    assert_clean(&refused);
}

#[tokio::test]
async fn credentials_errors_say_what_to_check() {
    let url = refused_url();
    let error = fast()
        .retry(RetryPolicy::none())
        .build()
        .send(
            Request::get(format!("{url}/v2/credentials"))
                .body(Bytes::new())
                .unwrap(),
        )
        .await
        .unwrap_err()
        .to_credentials_error("container");
    assert_eq!(error.kind(), creds_core::ErrorKind::Unavailable);
    assert_eq!(
        error.to_string(),
        format!(
            "container: could not connect to {url}: connection refused; is the endpoint right?"
        )
    );
    assert!(error.source().is_some());
}
