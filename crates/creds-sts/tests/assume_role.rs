//! `AssumeRoleProvider` against a loopback STS.

use std::time::Duration;

use creds_core::{Credentials, ErrorKind, ProvideCredentials};
use creds_sts::{AssumeRoleProvider, FileCache, MfaCodeProvider};
use creds_testkit::{Method, Reply, TempHome, TestServer, expect_credentials, expect_error};

use crate::support::*;

const ROLE: &str = "arn:aws:iam::123456789012:role/demo";

fn source() -> Credentials {
    Credentials::builder()
        .access_key_id("ASIASOURCE")
        .secret_access_key(SOURCE_SECRET)
        .session_token(SOURCE_TOKEN)
        .provider_name("static")
        .build()
}

fn provider(server: &TestServer) -> creds_sts::AssumeRoleProviderBuilder {
    let url = server.url();
    let config = world(&[], &[("AWS_ENDPOINT_URL_STS", &url)], &clock());
    AssumeRoleProvider::builder(ROLE)
        .config(config)
        .region("eu-west-1")
        .source(source())
}

#[tokio::test]
async fn the_request_is_a_signed_query_protocol_form() {
    let server = TestServer::start().await;
    server.route(Method::POST, "/", assumed("ASIAROLE", &hours_after_t0(1)));
    let provider = provider(&server)
        .session_name("deploy-job")
        .duration(Duration::from_secs(1800))
        .external_id("the-external-id")
        .policy(r#"{"Version":"2012-10-17","Statement":[]}"#)
        .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .tag("team", "blue")
        .transitive_tag_key("team")
        .source_identity("alice")
        .build();
    let creds = expect_credentials(provider.provide_credentials().await, SECRETS);
    assert_eq!(creds.access_key_id(), "ASIAROLE");
    assert_eq!(creds.secret_access_key(), ROLE_SECRET);
    assert_eq!(creds.session_token(), Some(ROLE_TOKEN));
    assert_eq!(creds.expiration().unwrap().to_string(), hours_after_t0(1));
    assert_eq!(creds.account_id(), Some("123456789012"));
    assert_eq!(creds.provider_name(), "assume-role");
    let origin = creds.origin().unwrap();
    assert!(
        origin.starts_with(&format!(
            "role {ROLE} from STS at {}, signed by ASIASOURCE",
            server.url()
        )),
        "{origin}"
    );

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.target, "/");
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded; charset=utf-8")
    );
    assert_eq!(request.header("x-amz-date"), Some("20260601T000000Z"));
    assert_eq!(request.header("x-amz-security-token"), Some(SOURCE_TOKEN));
    let authorization = request.header("authorization").unwrap();
    let prefix = "AWS4-HMAC-SHA256 Credential=ASIASOURCE/20260601/eu-west-1/sts/aws4_request, \
                  SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=";
    assert!(authorization.starts_with(prefix), "{authorization}");
    let signature = &authorization[prefix.len()..];
    assert_eq!(signature.len(), 64);
    assert!(signature.bytes().all(|b| b.is_ascii_hexdigit()));
    let body = request.body_text();
    assert_eq!(
        form(&body),
        [
            ("Action", "AssumeRole"),
            ("Version", "2011-06-15"),
            ("RoleArn", ROLE),
            ("RoleSessionName", "deploy-job"),
            ("DurationSeconds", "1800"),
            ("Policy", r#"{"Version":"2012-10-17","Statement":[]}"#),
            (
                "PolicyArns.member.1.arn",
                "arn:aws:iam::aws:policy/ReadOnlyAccess"
            ),
            ("ExternalId", "the-external-id"),
            ("Tags.member.1.Key", "team"),
            ("Tags.member.1.Value", "blue"),
            ("TransitiveTagKeys.member.1", "team"),
            ("SourceIdentity", "alice"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
}

#[tokio::test]
async fn a_session_name_is_made_when_none_is_given() {
    let server = TestServer::start().await;
    server.route(Method::POST, "/", assumed("ASIAROLE", &hours_after_t0(1)));
    provider(&server)
        .build()
        .provide_credentials()
        .await
        .unwrap();
    let name = field(&server.requests()[0].body_text(), "RoleSessionName").unwrap();
    // creds-<milliseconds of the clock>
    assert_eq!(name, "creds-1780272000000");
}

#[tokio::test]
async fn service_errors_carry_their_code_and_request_id_and_say_what_to_do() {
    for (status, code, kind, hint) in [
        (403, "AccessDenied", ErrorKind::Rejected, "trust policy"),
        (403, "ExpiredToken", ErrorKind::Rejected, "have expired"),
        (
            403,
            "RegionDisabledException",
            ErrorKind::Rejected,
            "not activated",
        ),
        (
            403,
            "InvalidClientTokenId",
            ErrorKind::Rejected,
            "not valid",
        ),
    ] {
        let server = TestServer::start().await;
        server.route(
            Method::POST,
            "/",
            sts_error(
                status,
                code,
                &format!("User arn:aws:iam::1:user/x is not authorized; token {SOURCE_TOKEN}"),
            ),
        );
        let err = expect_error(
            provider(&server).build().provide_credentials().await,
            SECRETS,
        );
        assert_eq!(err.kind(), kind, "{code}: {err}");
        assert_eq!(err.service_code(), Some(code));
        assert_eq!(
            err.request_id(),
            Some("c6104cbe-af31-11e0-8154-cbc7ccf896c7")
        );
        assert!(
            err.message().starts_with(&format!(
                "STS AssumeRole in eu-west-1: {code} (HTTP {status})"
            )),
            "{err}"
        );
        assert!(err.message().contains(hint), "{code}: {err}");
        assert_eq!(server.request_count(), 1, "{code} is not retried");
    }
}

#[tokio::test]
async fn throttling_and_5xx_are_retried() {
    let server = TestServer::start().await;
    server
        .route(
            Method::POST,
            "/",
            sts_error(400, "Throttling", "Rate exceeded"),
        )
        .then(Reply::new(503).body("<html><body>Service Unavailable</body></html>"))
        .then(assumed("ASIAROLE", &hours_after_t0(1)));
    let creds = provider(&server)
        .build()
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(creds.access_key_id(), "ASIAROLE");
    assert_eq!(server.request_count(), 3);

    // After the last attempt, an HTML page is an unavailable error without a code.
    let server = TestServer::start().await;
    server.route(
        Method::POST,
        "/",
        Reply::new(502).body("<html><body>Bad Gateway</body></html>"),
    );
    let err = expect_error(
        provider(&server).build().provide_credentials().await,
        SECRETS,
    );
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert_eq!(err.service_code(), None);
    assert!(err.message().contains("HTTP 502 Bad Gateway"), "{err}");
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn bad_replies_are_unavailable_and_quote_nothing() {
    for (reply, needle) in [
        (
            Reply::ok("<html>maintenance</html>"),
            "not an AssumeRoleResponse",
        ),
        (
            Reply::ok(format!(
                "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId>\
                 <SecretAccessKey>{ROLE_SECRET}</SecretAccessKey></Credentials></AssumeRoleResult></AssumeRoleResponse>"
            )),
            "without Credentials.SessionToken",
        ),
        (Reply::ok("x").oversized(2 * 1024 * 1024), "larger than"),
    ] {
        let server = TestServer::start().await;
        server.route(Method::POST, "/", reply);
        let err = expect_error(
            provider(&server).build().provide_credentials().await,
            SECRETS,
        );
        assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
        assert!(err.message().contains(needle), "{needle}: {err}");
    }
}

#[tokio::test]
async fn bad_settings_fail_before_anything_is_sent() {
    let server = TestServer::start().await;
    let cases = [
        (AssumeRoleProvider::builder("demo"), "is not a role ARN"),
        (
            AssumeRoleProvider::builder(ROLE).duration(Duration::from_secs(60)),
            "between 900 and 43200",
        ),
        (
            AssumeRoleProvider::builder(ROLE).session_name("has space"),
            "2 to 64 letters",
        ),
    ];
    for (builder, needle) in cases {
        let config = world(&[], &[("AWS_ENDPOINT_URL_STS", &server.url())], &clock());
        let err = builder
            .config(config)
            .source(source())
            .build()
            .provide_credentials()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert!(err.message().contains(needle), "{needle}: {err}");
    }
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn mfa_codes_come_from_the_provider_and_are_never_shown() {
    let server = TestServer::start().await;
    server.route(Method::POST, "/", assumed("ASIAMFA", &hours_after_t0(1)));
    let serial = "arn:aws:iam::123456789012:mfa/alice";
    let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = std::sync::Arc::clone(&asked);
    let mfa = MfaCodeProvider::new(move |serial| {
        seen.lock().unwrap().push(serial.to_owned());
        async { Ok("123456".to_owned()) }
    });
    let with_mfa = provider(&server)
        .mfa_serial(serial)
        .mfa_code_provider(mfa)
        .build();
    with_mfa.provide_credentials().await.unwrap();
    assert_eq!(*asked.lock().unwrap(), [serial]);
    let body = server.requests()[0].body_text();
    assert_eq!(field(&body, "SerialNumber").as_deref(), Some(serial));
    assert_eq!(field(&body, "TokenCode").as_deref(), Some("123456"));

    // A code that is not six digits is refused before STS sees it, and not shown.
    let bad = provider_with_code(&server, serial, "12x456").await;
    assert_eq!(bad.kind(), ErrorKind::InvalidConfig);
    assert!(bad.message().contains("not six digits"), "{bad}");
    assert!(!bad.to_string().contains("12x456"), "{bad}");

    // No way to ask: an error that says what to do.
    let none = provider(&server).mfa_serial(serial).build();
    let err = none.provide_credentials().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(
        err.message()
            .contains("needs an MFA code for arn:aws:iam::123456789012:mfa/alice"),
        "{err}"
    );
    assert!(err.message().contains("--mfa-code"), "{err}");

    // STS refuses the code: its error is the service's, the code blanked out.
    let server = TestServer::start().await;
    server.route(
        Method::POST,
        "/",
        sts_error(
            403,
            "AccessDenied",
            "MultiFactorAuthentication failed with invalid MFA one time pass code 654321",
        ),
    );
    let err = provider_with_code(&server, serial, "654321").await;
    assert_eq!(err.service_code(), Some("AccessDenied"));
    assert!(!err.to_string().contains("654321"), "{err}");
}

async fn provider_with_code(
    server: &TestServer,
    serial: &str,
    code: &'static str,
) -> creds_core::CredentialsError {
    provider(server)
        .mfa_serial(serial)
        .mfa_code_provider(MfaCodeProvider::fixed(code))
        .build()
        .provide_credentials()
        .await
        .unwrap_err()
}

#[tokio::test]
async fn the_file_cache_keeps_credentials_between_runs() {
    let home = TempHome::new();
    let server = TestServer::start().await;
    server.route(Method::POST, "/", assumed("ASIACACHED", &hours_after_t0(1)));
    let clock = clock();
    let run = |clock: &creds_core::ManualClock| {
        let config = home
            .provider_config()
            .with_env(creds_core::Env::from_pairs([
                ("HOME", home.path().to_str().unwrap()),
                ("AWS_ENDPOINT_URL_STS", server.url().as_str()),
            ]))
            .with_clock(clock.clone());
        let cache = FileCache::aws_cli(&config).unwrap();
        AssumeRoleProvider::builder(ROLE)
            .config(config.with_extension(cache))
            .source(source())
            .duration(Duration::from_secs(3600))
            .build()
    };
    let first = run(&clock).provide_credentials().await.unwrap();
    assert_eq!(server.request_count(), 1);
    // Another run: from the file, no STS call.
    let second = run(&clock).provide_credentials().await.unwrap();
    assert_eq!(server.request_count(), 1);
    assert_eq!(second.access_key_id(), first.access_key_id());
    assert_eq!(second.secret_access_key(), ROLE_SECRET);
    assert_eq!(second.expiration(), first.expiration());
    assert_eq!(second.account_id(), Some("123456789012"));
    assert!(
        second.origin().unwrap().contains(".aws/cli/cache/"),
        "{:?}",
        second.origin()
    );

    // The aws CLI's name for these arguments, and a file only its owner reads.
    let dir = home.path().join(".aws/cli/cache");
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // python3: hashlib.sha1(json.dumps({"RoleArn": ROLE, "DurationSeconds": 3600},
    // sort_keys=True).encode()).hexdigest()
    assert_eq!(names, ["36c7f4c87dc42f92b630a9cbc738add1d2d6cbea.json"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.join(&names[0]))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // With less than 15 minutes left, STS is asked again.
    clock.advance(Duration::from_secs(50 * 60));
    run(&clock).provide_credentials().await.unwrap();
    assert_eq!(server.request_count(), 2);
}
