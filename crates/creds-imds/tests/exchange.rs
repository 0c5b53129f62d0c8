//! The IMDSv2 exchange: the happy path, the token kept and reused, the role and the
//! path remembered, the extended path and its fallback, a 401, a `Code` other than
//! `Success`.

use std::time::Duration;

use creds_core::{CredentialsCache, ErrorKind, ProvideCredentials};
use creds_imds::ImdsProvider;
use creds_testkit::{Method, Reply};

use crate::support::*;

#[tokio::test]
async fn the_v2_happy_path() {
    let server = imds().await;
    let provider = builder(&server).build();
    let creds = expect_ok(provider.provide_credentials().await);
    assert_eq!(creds.access_key_id(), "ASIAIMDS");
    assert_eq!(creds.secret_access_key(), SECRET);
    assert_eq!(creds.session_token(), Some(SESSION));
    assert_eq!(creds.account_id(), Some("123456789012"));
    assert_eq!(creds.expiration().unwrap().to_string(), LATER);
    assert_eq!(creds.provider_name(), "imds");
    let origin = creds.origin().unwrap();
    assert!(
        origin.starts_with("the instance metadata service at http://127.0.0.1:")
            && origin.ends_with(&format!(", instance profile '{ROLE}'")),
        "{origin}"
    );
    assert_eq!(
        seen(&server),
        [
            format!("PUT {TOKEN_PATH}"),
            format!("GET {EXT}"),
            format!("GET {EXT}{ROLE}"),
        ]
    );
    let requests = server.requests();
    assert_eq!(requests[0].header(TTL_HEADER), Some("21600"));
    assert_eq!(token_of(&requests[0]), None);
    for get in &requests[1..] {
        assert_eq!(token_of(get), Some(TOKEN));
    }
}

#[tokio::test]
async fn a_steady_state_refresh_is_one_request() {
    let server = imds().await;
    let provider = builder(&server).build();
    expect_ok(provider.provide_credentials().await);
    server.clear_requests();
    for _ in 0..10 {
        expect_ok(provider.provide_credentials().await);
    }
    // The token, the role and the path are remembered: the credentials GET alone.
    assert_eq!(server.request_count(), 10);
    assert_eq!(count(&server, Method::GET, &role_path(EXT, ROLE)), 10);
    // Clones share what was learnt.
    let clone = provider.clone();
    expect_ok(clone.provide_credentials().await);
    assert_eq!(server.request_count(), 11);
}

#[tokio::test]
async fn the_token_is_reused_over_ten_cached_refreshes() {
    let server = imds().await;
    // Each refresh gets credentials that expire an hour later.
    let at = |hours: i64| {
        (NOW.parse::<jiff::Timestamp>().unwrap() + jiff::SignedDuration::from_hours(hours))
            .to_string()
    };
    let mut route = server.route(
        Method::GET,
        &role_path(EXT, ROLE),
        Reply::ok(document_of("ASIA0", &at(1))),
    );
    for i in 1..10 {
        route = route.then(Reply::ok(document_of(&format!("ASIA{i}"), &at(i + 1))));
    }
    let clock = clock();
    let provider = ImdsProvider::builder()
        .config(config_with_clock(&[], clock.clone()))
        .endpoint(server.url())
        .build();
    let cache = CredentialsCache::builder()
        .clock(clock.clone())
        .build(provider);
    for i in 0..10 {
        let creds = expect_ok(cache.provide_credentials().await);
        assert_eq!(creds.access_key_id(), format!("ASIA{i}"));
        // Exactly at the expiry: the cache must fetch again.
        clock.advance(Duration::from_secs(3600));
    }
    // Ten refreshes over nine hours: one token, and a second once the first's six
    // hours (less two minutes) ran out.
    assert_eq!(count(&server, Method::PUT, TOKEN_PATH), 2);
    assert_eq!(count(&server, Method::GET, &role_path(EXT, ROLE)), 10);
    assert_eq!(
        count(&server, Method::GET, EXT),
        1,
        "the role is remembered"
    );
    assert_eq!(server.request_count(), 13);
}

#[tokio::test]
async fn a_token_without_a_ttl_header_is_kept_for_the_ttl_asked() {
    // As moto answers: no TTL header, no Code in the document.
    let server = imds().await;
    server.route(Method::PUT, TOKEN_PATH, Reply::ok(TOKEN));
    server.route(
        Method::GET,
        &role_path(EXT, ROLE),
        Reply::ok(format!(
            r#"{{"AccessKeyId": "test-key", "SecretAccessKey": "{SECRET}", "Token": "{SESSION}", "Expiration": "{LATER}"}}"#
        )),
    );
    let clock = clock();
    let provider = ImdsProvider::builder()
        .config(config_with_clock(&[], clock.clone()))
        .endpoint(server.url())
        .build();
    expect_ok(provider.provide_credentials().await);
    clock.advance(Duration::from_secs(5 * 3600));
    expect_ok(provider.provide_credentials().await);
    assert_eq!(count(&server, Method::PUT, TOKEN_PATH), 1);
    clock.advance(Duration::from_secs(3600));
    expect_ok(provider.provide_credentials().await);
    assert_eq!(
        count(&server, Method::PUT, TOKEN_PATH),
        2,
        "renewed after 6 h"
    );
}

#[tokio::test]
async fn a_shorter_granted_ttl_is_honoured() {
    let server = imds().await;
    server.route(
        Method::PUT,
        TOKEN_PATH,
        Reply::ok(TOKEN).header(TTL_HEADER, "600"),
    );
    let clock = clock();
    let provider = ImdsProvider::builder()
        .config(config_with_clock(&[], clock.clone()))
        .endpoint(server.url())
        .token_ttl(Duration::from_secs(900))
        .build();
    expect_ok(provider.provide_credentials().await);
    assert_eq!(server.requests()[0].header(TTL_HEADER), Some("900"));
    clock.advance(Duration::from_secs(7 * 60));
    expect_ok(provider.provide_credentials().await);
    assert_eq!(count(&server, Method::PUT, TOKEN_PATH), 1);
    // 600 s less two minutes: renewed at 8 minutes.
    clock.advance(Duration::from_secs(60));
    expect_ok(provider.provide_credentials().await);
    assert_eq!(count(&server, Method::PUT, TOKEN_PATH), 2);
}

#[tokio::test]
async fn a_401_drops_the_token_and_retries_once() {
    let server = imds().await;
    server
        .route(Method::PUT, TOKEN_PATH, Reply::ok("first-token"))
        .then(Reply::ok("second-token"));
    server
        .route(Method::GET, &role_path(EXT, ROLE), Reply::new(401))
        .then(Reply::ok(document()));
    let provider = builder(&server).build();
    expect_ok(provider.provide_credentials().await);
    let creds_requests = server.requests_to(&role_path(EXT, ROLE));
    assert_eq!(creds_requests.len(), 2);
    assert_eq!(token_of(&creds_requests[0]), Some("first-token"));
    assert_eq!(token_of(&creds_requests[1]), Some("second-token"));
    assert_eq!(count(&server, Method::PUT, TOKEN_PATH), 2);

    // The new token is kept.
    expect_ok(provider.provide_credentials().await);
    let last = server.requests().pop().unwrap();
    assert_eq!(token_of(&last), Some("second-token"));
    assert_eq!(count(&server, Method::PUT, TOKEN_PATH), 2);
}

#[tokio::test]
async fn a_lasting_401_is_rejected_after_one_new_token() {
    let server = imds().await;
    server.route(Method::GET, &role_path(EXT, ROLE), Reply::new(401));
    let err = expect_err(builder(&server).build().provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::Rejected);
    assert!(err.message().contains("401"), "{err}");
    assert_eq!(count(&server, Method::GET, &role_path(EXT, ROLE)), 2);
    assert_eq!(count(&server, Method::PUT, TOKEN_PATH), 2);
}

#[tokio::test]
async fn the_legacy_path_after_a_404_on_the_extended_one_is_remembered() {
    let server = imds().await;
    // An IMDS without the extended path: the testkit answers 404 to unknown routes.
    server.route(Method::GET, EXT, Reply::new(404));
    server.route(Method::GET, &role_path(EXT, ROLE), Reply::new(404));
    server.route(Method::GET, LEGACY, Reply::ok(ROLE));
    server.route(
        Method::GET,
        &role_path(LEGACY, ROLE),
        Reply::ok(format!(
            r#"{{"Code": "Success", "AccessKeyId": "ASIALEGACY", "SecretAccessKey": "{SECRET}",
                "Token": "{SESSION}", "Expiration": "{LATER}"}}"#
        )),
    );
    let provider = builder(&server).build();
    let creds = expect_ok(provider.provide_credentials().await);
    assert_eq!(creds.access_key_id(), "ASIALEGACY");
    assert_eq!(creds.account_id(), None);
    assert_eq!(
        seen(&server),
        [
            format!("PUT {TOKEN_PATH}"),
            format!("GET {EXT}"),
            format!("GET {LEGACY}"),
            format!("GET {LEGACY}{ROLE}"),
        ]
    );
    server.clear_requests();
    expect_ok(provider.provide_credentials().await);
    assert_eq!(seen(&server), [format!("GET {LEGACY}{ROLE}")]);
}

#[tokio::test]
async fn a_configured_role_skips_discovery_and_falls_back_by_path_too() {
    let server = imds().await;
    server.route(
        Method::GET,
        &role_path(LEGACY, "named"),
        Reply::ok(document()),
    );
    let provider = builder(&server).instance_profile_name("named").build();
    expect_ok(provider.provide_credentials().await);
    assert_eq!(
        seen(&server),
        [
            format!("PUT {TOKEN_PATH}"),
            format!("GET {EXT}named"),
            format!("GET {LEGACY}named"),
        ]
    );
}

#[tokio::test]
async fn a_configured_role_without_credentials_names_the_setting() {
    let server = imds().await;
    let provider = ImdsProvider::builder()
        .config(config(&[("AWS_EC2_INSTANCE_PROFILE_NAME", "missing")]))
        .endpoint(server.url())
        .build();
    let err = expect_err(provider.provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(err.message().contains("'missing'"), "{err}");
    assert!(
        err.message().contains("AWS_EC2_INSTANCE_PROFILE_NAME"),
        "{err}"
    );
}

#[tokio::test]
async fn a_discovered_role_that_went_away_is_discovered_again_once() {
    let server = imds().await;
    let provider = builder(&server).build();
    expect_ok(provider.provide_credentials().await);
    // The instance profile was replaced.
    server.route(Method::GET, &role_path(EXT, ROLE), Reply::new(404));
    server.route(Method::GET, EXT, Reply::ok("new-role"));
    server.route(
        Method::GET,
        &role_path(EXT, "new-role"),
        Reply::ok(document_of("ASIANEW", LATER)),
    );
    server.clear_requests();
    let creds = expect_ok(provider.provide_credentials().await);
    assert_eq!(creds.access_key_id(), "ASIANEW");
    assert_eq!(
        seen(&server),
        [
            format!("GET {EXT}{ROLE}"),
            format!("GET {EXT}"),
            format!("GET {EXT}new-role"),
        ]
    );
}

#[tokio::test]
async fn no_role_attached_is_not_configured() {
    let server = imds().await;
    server.route(Method::GET, EXT, Reply::new(404));
    let err = expect_err(builder(&server).build().provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::NotConfigured);
    assert!(err.message().contains("no IAM role"), "{err}");
    // Both lists were asked.
    assert_eq!(count(&server, Method::GET, EXT), 1);
    assert_eq!(count(&server, Method::GET, LEGACY), 1);

    server.route(Method::GET, EXT, Reply::ok("\n"));
    let err = expect_err(builder(&server).build().provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::NotConfigured);
    assert!(err.message().contains("empty list"), "{err}");
}

#[tokio::test]
async fn a_code_other_than_success_fails() {
    let server = imds().await;
    server.route(
        Method::GET,
        &role_path(EXT, ROLE),
        Reply::json(serde_json::json!({
            "Code": "AssumeRoleUnauthorizedAccess",
            "Message": "EC2 cannot assume the role web-role.",
            "LastUpdated": NOW,
        })),
    );
    let err = expect_err(builder(&server).build().provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(
        err.message()
            .contains("Code AssumeRoleUnauthorizedAccess instead of Success"),
        "{err}"
    );
    assert!(err.message().contains("cannot assume the role"), "{err}");
}

#[tokio::test]
async fn malformed_documents_fail_without_quoting_them() {
    let server = imds().await;
    server.route(
        Method::GET,
        &role_path(EXT, ROLE),
        Reply::ok(format!(
            r#"{{"Code": "Success", "SecretAccessKey": "{SECRET}""#
        )),
    );
    let err = expect_err(builder(&server).build().provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(
        err.message()
            .contains("ends in the middle of the JSON document"),
        "{err}"
    );
    assert!(!err.message().contains(SECRET));
}

/// What moto_server 5.2 answers: a token without a TTL header, `500` on the extended
/// path, the legacy path, documents without `Code` or `AccountId`.
#[tokio::test]
async fn a_moto_like_imds_works_through_the_legacy_path() {
    let server = imds().await;
    server.route(Method::PUT, TOKEN_PATH, Reply::ok("fake-imdsv2-token"));
    server.route(Method::GET, EXT, Reply::new(500));
    server.route(Method::GET, LEGACY, Reply::ok("default-role"));
    server.route(
        Method::GET,
        &role_path(LEGACY, "default-role"),
        Reply::ok(format!(
            r#"{{"AccessKeyId": "test-key", "SecretAccessKey": "{SECRET}", "Token": "{SESSION}", "Expiration": "{LATER}"}}"#
        )),
    );
    let provider = builder(&server).build();
    let creds = expect_ok(provider.provide_credentials().await);
    assert_eq!(creds.access_key_id(), "test-key");
    assert_eq!(creds.account_id(), None);
    // The 500 was retried (it could have been a passing failure), then the legacy
    // path answered and is remembered.
    assert_eq!(count(&server, Method::GET, EXT), 3);
    server.clear_requests();
    expect_ok(provider.provide_credentials().await);
    assert_eq!(seen(&server), [format!("GET {LEGACY}default-role")]);
}

#[tokio::test]
async fn once_the_extended_path_is_known_a_5xx_is_an_error() {
    let server = imds().await;
    let provider = builder(&server).max_attempts(1).build();
    expect_ok(provider.provide_credentials().await);
    server.route(Method::GET, &role_path(EXT, ROLE), Reply::new(503));
    server.route(Method::GET, &role_path(LEGACY, ROLE), Reply::ok(document()));
    let fresh = ImdsProvider::builder()
        .config(config(&[]))
        .endpoint(server.url())
        .instance_profile_name(ROLE)
        .max_attempts(1)
        .build();
    // A new provider with the role configured does not know the path yet: the legacy
    // path answers.
    expect_ok(fresh.provide_credentials().await);
    // The first one knows the extended path: the 503 is not followed elsewhere (its
    // last credentials are served: static stability).
    server.clear_requests();
    expect_ok(provider.provide_credentials().await);
    assert_eq!(seen(&server), [format!("GET {EXT}{ROLE}")]);
    assert!(logs().contains("static stability"));
}
