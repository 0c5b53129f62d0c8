//! Proxies: a plain HTTP proxy for http, a CONNECT tunnel for https, NO_PROXY, and
//! `Proxy::None`.

use creds_core::Env;
use creds_http::{HttpClient, HttpErrorKind, Proxy, ProxyRules, RetryPolicy};
use creds_testkit::{Method, Reply, TestServer, refused_port};

use crate::support::{CA, ConnectProxy, fast, get, tls_front};

#[tokio::test]
async fn http_goes_to_the_proxy_in_absolute_form() {
    let proxy = TestServer::start().await;
    proxy.route(Method::GET, "/latest/thing", Reply::ok("via proxy"));
    // The target refuses connections: only the proxy can answer.
    let target = format!("http://127.0.0.1:{}/latest/thing?x=1", refused_port());
    let env = Env::from_pairs([("HTTP_PROXY", proxy.url())]);
    let client = fast().proxy(Proxy::from_env(&env)).build();
    let response = client.send(get(&target)).await.unwrap();
    assert_eq!(response.body(), "via proxy");
    let seen = proxy.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].target, target);
    assert_eq!(
        seen[0].header("host"),
        Some(target["http://".len()..].split('/').next().unwrap())
    );
    assert_eq!(seen[0].header("proxy-authorization"), None);
}

#[tokio::test]
async fn proxy_credentials_go_in_proxy_authorization() {
    let proxy = TestServer::start().await;
    proxy.route(Method::GET, "/", Reply::ok("ok"));
    let url = format!("http://user:p%40ss@{}", proxy.addr());
    let env = Env::from_pairs([("http_proxy", url.as_str())]);
    let client = fast().proxy(Proxy::from_env(&env)).build();
    let target = format!("http://127.0.0.1:{}/", refused_port());
    client.send(get(&target)).await.unwrap();
    // base64("user:p@ss")
    assert_eq!(
        proxy.requests()[0].header("proxy-authorization"),
        Some("Basic dXNlcjpwQHNz")
    );
}

#[tokio::test]
async fn no_proxy_goes_direct() {
    let proxy = TestServer::start().await;
    let target = TestServer::start().await;
    target.route(Method::GET, "/direct", Reply::ok("direct"));
    for no_proxy in ["127.0.0.1", "127.0.0.0/8", "*", "localhost,127.0.0.1"] {
        let env = Env::from_pairs([("HTTP_PROXY", proxy.url().as_str()), ("NO_PROXY", no_proxy)]);
        let client = fast().proxy(Proxy::from_env(&env)).build();
        let response = client.send(get(&target.uri("/direct"))).await.unwrap();
        assert_eq!(response.body(), "direct", "{no_proxy}");
    }
    assert_eq!(proxy.request_count(), 0);
    assert!(target.requests().iter().all(|r| r.target == "/direct"));
}

#[tokio::test]
async fn proxy_none_ignores_the_proxy_variables() {
    let proxy = TestServer::start().await;
    let target = TestServer::start().await;
    target.route(Method::GET, "/", Reply::ok("direct"));
    // The variables are there, but the client was built with Proxy::None (the
    // default), as metadata and container clients are.
    let env = Env::from_pairs([("HTTPS_PROXY", proxy.url()), ("HTTP_PROXY", proxy.url())]);
    assert!(Proxy::from_env(&env).is_some());
    for client in [fast().proxy(Proxy::None).build(), HttpClient::default()] {
        let response = client.send(get(&target.uri("/"))).await.unwrap();
        assert_eq!(response.body(), "direct");
    }
    assert_eq!(proxy.request_count(), 0);
}

#[tokio::test]
async fn https_goes_through_a_connect_tunnel() {
    let backend = TestServer::start().await;
    backend.route(Method::GET, "/sts", Reply::ok("tunnelled"));
    let front = tls_front(backend.addr()).await;
    let proxy = ConnectProxy::start("HTTP/1.1 200 Connection established\r\n\r\n").await;
    let rules = ProxyRules::new().https(format!(
        "http://me:pw@127.0.0.1:{}",
        proxy.listener.addr.port()
    ));
    let client = fast()
        .proxy(Proxy::Rules(rules))
        .add_root_certificate_der(CA)
        .build();
    let target = format!("https://localhost:{}/sts", front.addr.port());
    let response = client.send(get(&target)).await.unwrap();
    assert_eq!(response.body(), "tunnelled");

    let heads = proxy.heads();
    assert_eq!(heads.len(), 1);
    assert!(
        heads[0].starts_with(&format!(
            "CONNECT localhost:{} HTTP/1.1\r\n",
            front.addr.port()
        )),
        "{}",
        heads[0]
    );
    assert!(
        heads[0].contains("Proxy-Authorization: Basic bWU6cHc="),
        "{}",
        heads[0]
    );
    // Inside the tunnel the request is in origin form, as to the server itself.
    assert_eq!(backend.requests()[0].target, "/sts");
    assert_eq!(backend.requests()[0].header("proxy-authorization"), None);
}

#[tokio::test]
async fn a_tunnel_refused_by_the_proxy() {
    let proxy = ConnectProxy::start("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n").await;
    let env = Env::from_pairs([("HTTPS_PROXY", proxy.url())]);
    let client = fast().proxy(Proxy::from_env(&env)).build();
    let target = format!("https://127.0.0.1:{}/", refused_port());
    let error = client.send(get(&target)).await.unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::Proxy);
    assert_eq!(error.attempts(), 1);
    assert!(
        error.to_string().contains("wants credentials (407)"),
        "{error}"
    );

    let forbidden = ConnectProxy::start("HTTP/1.1 403 Forbidden\r\n\r\n").await;
    let env = Env::from_pairs([("HTTPS_PROXY", forbidden.url())]);
    let client = fast().proxy(Proxy::from_env(&env)).build();
    let error = client.send(get(&target)).await.unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::Proxy);
    assert!(error.to_string().contains("with status 403"), "{error}");
}

#[tokio::test]
async fn an_unreachable_proxy_is_a_connect_error_naming_it() {
    let port = refused_port();
    let env = Env::from_pairs([("HTTP_PROXY", format!("127.0.0.1:{port}"))]);
    let client = fast()
        .proxy(Proxy::from_env(&env))
        .retry(RetryPolicy::none())
        .build();
    let error = client
        .send(get(&format!("http://127.0.0.1:{}/", refused_port())))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::Connect);
    assert!(
        error.to_string().starts_with(&format!(
            "could not connect to the proxy http://127.0.0.1:{port} for "
        )),
        "{error}"
    );
}

#[tokio::test]
async fn only_http_proxies() {
    let env = Env::from_pairs([(
        "HTTPS_PROXY",
        format!("https://127.0.0.1:{}", refused_port()),
    )]);
    let client = fast().proxy(Proxy::from_env(&env)).build();
    let error = client
        .send(get(&format!("https://127.0.0.1:{}/", refused_port())))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::Proxy);
    assert_eq!(error.attempts(), 1);
    assert!(
        error.to_string().contains("not an http:// proxy"),
        "{error}"
    );
}
