//! Fetching from loopback test servers: success, the token, which URI wins, and the
//! answers that are not credentials.

use creds_container::{ContainerProvider, ENV_AUTHORIZATION_TOKEN, ENV_AUTHORIZATION_TOKEN_FILE};
use creds_container::{ENV_FULL_URI, ENV_RELATIVE_URI};
use creds_core::{ErrorKind, Fs, ProvideCredentials};
use creds_testkit::{Method, Reply, TempHome, TestServer};

use crate::support::*;

async fn serving(reply: Reply) -> TestServer {
    let server = TestServer::start().await;
    server.route(Method::GET, "/creds", reply);
    server
}

#[tokio::test]
async fn success_from_the_full_uri() {
    let server = serving(Reply::ok(document())).await;
    let uri = server.uri("/creds");
    let provider = ContainerProvider::new(&config(&[(ENV_FULL_URI, &uri)]));
    let creds = expect_ok(provider.provide_credentials().await);
    assert_eq!(creds.access_key_id(), "ASIACONTAINER");
    assert_eq!(creds.secret_access_key(), SECRET);
    assert_eq!(creds.session_token(), Some(TOKEN));
    assert_eq!(creds.expiration().unwrap().to_string(), LATER);
    assert_eq!(creds.account_id(), Some("123456789012"));
    assert_eq!(creds.provider_name(), "container");
    assert_eq!(
        creds.origin(),
        Some(format!("{uri} ({ENV_FULL_URI})").as_str()),
        "for `creds explain`"
    );

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, Method::GET);
    assert_eq!(requests[0].path(), "/creds");
    assert_eq!(requests[0].header("authorization"), None);
    assert!(!format!("{provider:?}").contains(SECRET));
}

#[tokio::test]
async fn token_from_the_environment_is_sent_verbatim() {
    let server = serving(Reply::ok(document())).await;
    let uri = server.uri("/creds");
    let provider = ContainerProvider::new(&config(&[
        (ENV_FULL_URI, &uri),
        (ENV_AUTHORIZATION_TOKEN, AUTH),
    ]));
    expect_ok(provider.provide_credentials().await);
    assert_eq!(server.requests()[0].header("authorization"), Some(AUTH));
    assert_secret_free(&format!("{provider:?}"));
}

#[tokio::test]
async fn token_file_is_read_again_at_every_fetch_and_wins() {
    let server = serving(Reply::ok(document())).await;
    let uri = server.uri("/creds");
    let home = TempHome::new();
    let file = home.write_file("token", "first-token");
    let file_text = file.to_string_lossy().into_owned();
    let provider = ContainerProvider::new(
        &config(&[
            (ENV_FULL_URI, &uri),
            (ENV_AUTHORIZATION_TOKEN, "loses-to-the-file"),
            (ENV_AUTHORIZATION_TOKEN_FILE, &file_text),
        ])
        .with_fs(Fs::real()),
    );
    expect_ok(provider.provide_credentials().await);
    home.write_file("token", "second-token");
    expect_ok(provider.provide_credentials().await);
    let sent: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!(sent, ["first-token", "second-token"]);

    // A trailing newline is refused before anything is sent, without quoting the token.
    home.write_file("token", format!("{AUTH}\n"));
    let err = expect_err(provider.provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(err.message().contains("line break"), "{err}");
    assert!(err.message().contains(&file_text), "{err}");
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn builder_settings_replace_the_environment() {
    let server = serving(Reply::ok(document())).await;
    let provider = builder(&[
        (ENV_FULL_URI, "http://127.0.0.1:9/not-this"),
        (ENV_AUTHORIZATION_TOKEN, "not-this-token"),
    ])
    .full_uri(server.uri("/creds"))
    .authorization_token(AUTH)
    .build();
    expect_ok(provider.provide_credentials().await);
    assert_eq!(server.requests()[0].header("authorization"), Some(AUTH));
    assert_secret_free(&format!("{provider:?}"));
}

#[tokio::test]
async fn relative_uri_under_an_overridden_host() {
    let server = TestServer::start().await;
    server.route(Method::GET, "/v2/credentials/task-1", Reply::ok(document()));
    let provider = builder(&[(ENV_RELATIVE_URI, "/v2/credentials/task-1?x=1")])
        .relative_uri_base(server.url())
        .build();
    assert_eq!(
        provider.resolve_uri().await.unwrap().unwrap(),
        server.uri("/v2/credentials/task-1?x=1")
    );
    expect_ok(provider.provide_credentials().await);
    assert_eq!(
        server.requests()[0].path_and_query(),
        "/v2/credentials/task-1?x=1"
    );
}

#[tokio::test]
async fn relative_wins_over_full() {
    let server = TestServer::start().await;
    server.route(Method::GET, "/relative", Reply::ok(document()));
    server.route(Method::GET, "/full", Reply::new(500));
    let full = server.uri("/full");
    let provider = builder(&[(ENV_RELATIVE_URI, "/relative"), (ENV_FULL_URI, &full)])
        .relative_uri_base(server.url())
        .build();
    expect_ok(provider.provide_credentials().await);
    assert_eq!(server.requests_to("/relative").len(), 1);
    assert_eq!(server.requests_to("/full").len(), 0);
}

#[tokio::test]
async fn nothing_set_is_not_configured() {
    let err = expect_err(
        ContainerProvider::new(&config(&[(ENV_AUTHORIZATION_TOKEN, AUTH)]))
            .provide_credentials()
            .await,
    );
    assert_eq!(err.kind(), ErrorKind::NotConfigured);
    assert!(err.message().contains(ENV_RELATIVE_URI), "{err}");
    assert!(err.message().contains(ENV_FULL_URI), "{err}");
}

#[tokio::test]
async fn a_disallowed_http_host_is_refused_before_any_connection() {
    let server = serving(Reply::ok(document())).await;
    // `localhost` really is the server; the injected resolver says it also stands for
    // a public address, so the URI must be refused, and the server never reached.
    let uri = format!("http://localhost:{}/creds", server.addr().port());
    let provider = builder(&[(ENV_FULL_URI, &uri), (ENV_AUTHORIZATION_TOKEN, AUTH)])
        .resolver(|host: &str| {
            assert_eq!(host, "localhost");
            Ok(vec![
                "127.0.0.1".parse().unwrap(),
                "198.51.100.7".parse().unwrap(),
            ])
        })
        .build();
    let err = expect_err(provider.provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(err.message().contains("198.51.100.7"), "{err}");
    assert!(err.message().contains(ENV_FULL_URI), "{err}");
    assert_eq!(server.request_count(), 0);
    assert_eq!(server.connection_count(), 0);

    // The same name resolving to loopback only is fetched.
    let provider = builder(&[(ENV_FULL_URI, &uri)])
        .resolver(|_: &str| Ok(vec!["127.0.0.1".parse().unwrap()]))
        .build();
    expect_ok(provider.provide_credentials().await);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn malformed_json_is_refused_without_quoting_it() {
    let server = serving(Reply::new(200).malformed_json()).await;
    let provider = builder(&[]).full_uri(server.uri("/creds")).build();
    let err = expect_err(provider.provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(err.message().contains("ends in the middle"), "{err}");
    assert!(!err.message().contains("AKIDEXAMPLE"), "{err}");
    assert_eq!(server.request_count(), 1, "a bad document is not retried");
}

#[tokio::test]
async fn missing_fields_are_named() {
    for (field, needle) in [
        ("AccessKeyId", "without AccessKeyId"),
        ("SecretAccessKey", "without SecretAccessKey"),
        ("Token", "without Token"),
        ("Expiration", "without Expiration"),
    ] {
        let mut doc: serde_json::Value = serde_json::from_str(&document()).unwrap();
        doc.as_object_mut().unwrap().remove(field);
        let server = serving(Reply::json(doc)).await;
        let provider = builder(&[]).full_uri(server.uri("/creds")).build();
        let err = expect_err(provider.provide_credentials().await);
        assert_eq!(err.kind(), ErrorKind::Unavailable, "{field}");
        assert!(err.message().contains(needle), "{field}: {err}");
    }
}

#[tokio::test]
async fn an_expired_expiration_is_refused() {
    let server = serving(Reply::ok(document_expiring("2026-05-31T23:00:00Z"))).await;
    let provider = builder(&[]).full_uri(server.uri("/creds")).build();
    let err = expect_err(provider.provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(err.message().contains("expired"), "{err}");
}

#[tokio::test]
async fn error_messages_name_the_uri_without_its_query() {
    let server = TestServer::start().await;
    server.route(
        Method::GET,
        "/creds",
        Reply::new(404)
            .json_body(&serde_json::json!({"Code": "NotFound", "Message": "no such task"})),
    );
    let provider = builder(&[])
        .full_uri(format!("{}?session=QUERY-SECRET", server.uri("/creds")))
        .build();
    let err = expect_err(provider.provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::Rejected);
    let text = err.to_string();
    assert!(
        text.contains(&format!("{}?...", server.uri("/creds"))),
        "{text}"
    );
    assert!(
        text.contains("404 Not Found: NotFound: no such task"),
        "{text}"
    );
    assert!(!text.contains("QUERY-SECRET"), "{text}");
    assert!(!logs().contains("QUERY-SECRET"));
}

#[tokio::test]
async fn fetches_reuse_one_connection() {
    let server = serving(Reply::ok(document())).await;
    let provider = builder(&[]).full_uri(server.uri("/creds")).build();
    for _ in 0..5 {
        expect_ok(provider.provide_credentials().await);
    }
    assert_eq!(server.request_count(), 5);
    assert_eq!(server.connection_count(), 1);
}

#[tokio::test]
async fn an_ipv6_loopback_full_uri() {
    let server = TestServer::bind("::1".parse().unwrap()).await;
    server.route(Method::GET, "/creds", Reply::ok(document()));
    let uri = server.uri("/creds");
    assert!(uri.starts_with("http://[::1]:"), "{uri}");
    let provider = builder(&[(ENV_FULL_URI, &uri)]).build();
    expect_ok(provider.provide_credentials().await);
    assert_eq!(server.request_count(), 1);
}
