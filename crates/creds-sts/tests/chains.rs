//! Role chains from profiles: `creds-profile` builds them, this crate's registrations
//! assume each hop. Each hop's profile names its own STS server (`endpoint_url`), so
//! that a test sees which hop called and with which key.

use std::time::Duration;

use creds_core::{CredentialsCache, ErrorKind, ProvideCredentials, ProviderConfig};
use creds_profile::ProfileProvider;
use creds_sts::MfaCodeProvider;
use creds_testkit::{Method, TestServer, expect_error};

use crate::support::*;

const CONFIG: &str = "/home/me/.aws/config";

fn role(name: &str) -> String {
    format!("arn:aws:iam::123456789012:role/{name}")
}

/// `base` (static keys), `a` over it, `b` over `a`, `c` over `b`: each with the
/// endpoint of its server.
fn chain_files(a: &TestServer, b: &TestServer, c: &TestServer) -> String {
    format!(
        "[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = {SOURCE_SECRET}\n\
         [profile a]\nrole_arn = {}\nsource_profile = base\nendpoint_url = {}\n\
         [profile b]\nrole_arn = {}\nsource_profile = a\nendpoint_url = {}\nregion = eu-west-1\n\
         [profile c]\nrole_arn = {}\nsource_profile = b\nendpoint_url = {}\nrole_session_name = hop-c\n",
        role("a"),
        a.url(),
        role("b"),
        b.url(),
        role("c"),
        c.url()
    )
}

/// Links creds-env, whose `Environment` source the registry must hold (inventory sees
/// only crates the program references).
fn link_env() {
    std::hint::black_box(creds_env::EnvironmentProvider::new as fn(&ProviderConfig) -> _);
}

fn signer_of(server: &TestServer, n: usize) -> String {
    let auth = server.requests()[n]
        .header("authorization")
        .unwrap()
        .to_owned();
    auth.split("Credential=")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned()
}

fn profile(config: &ProviderConfig, name: &str) -> ProfileProvider {
    ProfileProvider::builder()
        .config(config.clone())
        .profile_name(name)
        .build()
}

#[tokio::test]
async fn three_hops_each_signed_by_the_one_before() {
    let (a, b, c) = (
        TestServer::start().await,
        TestServer::start().await,
        TestServer::start().await,
    );
    a.route(Method::POST, "/", assumed("ASIAHOPA", &hours_after_t0(1)));
    b.route(Method::POST, "/", assumed("ASIAHOPB", &hours_after_t0(1)));
    c.route(Method::POST, "/", assumed("ASIAHOPC", &hours_after_t0(1)));
    let files = chain_files(&a, &b, &c);
    let config = world(&[(CONFIG, &files)], &[], &clock());
    let creds = profile(&config, "c").provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAHOPC");
    assert_eq!(signer_of(&a, 0), "AKIDBASE");
    assert_eq!(signer_of(&b, 0), "ASIAHOPA");
    assert_eq!(signer_of(&c, 0), "ASIAHOPB");
    // Each hop in its profile's region: b's own, the others none (us-east-1).
    assert!(
        b.requests()[0]
            .header("authorization")
            .unwrap()
            .contains("/eu-west-1/sts/")
    );
    assert!(
        c.requests()[0]
            .header("authorization")
            .unwrap()
            .contains("/us-east-1/sts/")
    );
    assert_eq!(
        field(&c.requests()[0].body_text(), "RoleSessionName").as_deref(),
        Some("hop-c")
    );
    // The origin reads hop by hop, outermost first, down to the static keys.
    let origin = creds.origin().unwrap();
    let at = |needle: &str| {
        origin
            .find(needle)
            .unwrap_or_else(|| panic!("{needle}: {origin}"))
    };
    assert!(at(&role("c")) < at(&role("b")) && at(&role("b")) < at(&role("a")));
    assert!(at("signed by ASIAHOPB") < at("signed by ASIAHOPA"));
    assert!(
        origin.ends_with(
            "signed by AKIDBASE from static keys of profile 'base' at /home/me/.aws/config:2"
        ),
        "{origin}"
    );
}

#[tokio::test]
async fn ten_refreshes_of_the_outer_role_reuse_the_inner_one() {
    let (a, b) = (TestServer::start().await, TestServer::start().await);
    // a's credentials last 12 hours; b's one hour each, from its next reply.
    a.route(Method::POST, "/", assumed("ASIAHOPA", &hours_after_t0(12)));
    let mut route = b.route(Method::POST, "/", assumed("ASIAB1", &hours_after_t0(1)));
    for i in 2..=11 {
        route = route.then(assumed(&format!("ASIAB{i}"), &hours_after_t0(i)));
    }
    let unused = TestServer::start().await;
    let files = chain_files(&a, &b, &unused);
    let clock = clock();
    let config = world(&[(CONFIG, &files)], &[], &clock);
    let cache = CredentialsCache::builder()
        .clock(clock.clone())
        .build(profile(&config, "b"));
    for i in 1..=10 {
        let creds = cache.provide_credentials().await.unwrap();
        assert_eq!(creds.access_key_id(), format!("ASIAB{i}"));
        clock.advance(Duration::from_secs(3600));
    }
    assert_eq!(
        b.request_count(),
        10,
        "one call per refresh of the outer role"
    );
    assert_eq!(
        a.request_count(),
        1,
        "the inner role's credentials were still valid"
    );
    assert!((0..10).all(|n| signer_of(&b, n) == "ASIAHOPA"));
}

#[tokio::test]
async fn credential_source_environment_signs_the_first_hop() {
    link_env();
    let server = TestServer::start().await;
    server.route(
        Method::POST,
        "/",
        assumed("ASIAENVROLE", &hours_after_t0(1)),
    );
    let files = format!(
        "[profile r]\nrole_arn = {}\ncredential_source = Environment\nendpoint_url = {}\n",
        role("r"),
        server.url()
    );
    let config = world(
        &[(CONFIG, &files)],
        &[
            ("AWS_ACCESS_KEY_ID", "AKIDENV"),
            ("AWS_SECRET_ACCESS_KEY", SOURCE_SECRET),
        ],
        &clock(),
    );
    let creds = profile(&config, "r").provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAENVROLE");
    assert_eq!(signer_of(&server, 0), "AKIDENV");

    // Without the variables: the named source is missing, a configuration error.
    let config = world(&[(CONFIG, &files)], &[], &clock());
    let err = profile(&config, "r")
        .provide_credentials()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(
        err.message().contains("credential_source = Environment"),
        "{err}"
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn bad_role_settings_name_the_profile_and_line() {
    let server = TestServer::start().await;
    let url = server.url();
    let cases = [
        (
            "[profile r]\nrole_arn = demo\nsource_profile = base\n".to_owned(),
            "is not a role ARN",
            2,
        ),
        (
            format!(
                "[profile r]\nrole_arn = {}\nsource_profile = base\nduration_seconds = 60\n",
                role("r")
            ),
            "between 900 and 43200",
            4,
        ),
        (
            format!(
                "[profile r]\nrole_arn = {}\nsource_profile = base\nduration_seconds = soon\n",
                role("r")
            ),
            "whole number of seconds",
            4,
        ),
        (
            format!(
                "[profile r]\nrole_arn = {}\nsource_profile = base\nrole_session_name = a b\n",
                role("r")
            ),
            "role_session_name must be",
            4,
        ),
        (
            format!(
                "[profile r]\nrole_arn = {}\nsource_profile = ghost\n",
                role("r")
            ),
            "'ghost'",
            3,
        ),
    ];
    for (text, needle, line) in cases {
        let files = format!(
            "{text}endpoint_url = {url}\n[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = {SOURCE_SECRET}\n"
        );
        let config = world(&[(CONFIG, &files)], &[], &clock());
        let err = expect_error(profile(&config, "r").provide_credentials().await, SECRETS);
        assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{err}");
        assert!(err.message().contains(needle), "{needle}: {err}");
        assert!(err.message().contains("profile 'r'"), "{err}");
        assert_eq!(
            err.location().map(|l| l.line()),
            Some(line),
            "{needle}: {err}"
        );
    }
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn an_expired_source_says_which_profile_failed() {
    let (a, b) = (TestServer::start().await, TestServer::start().await);
    a.route(
        Method::POST,
        "/",
        sts_error(
            403,
            "ExpiredToken",
            "The security token included in the request is expired",
        ),
    );
    let unused = TestServer::start().await;
    let files = chain_files(&a, &b, &unused);
    let config = world(&[(CONFIG, &files)], &[], &clock());
    let err = expect_error(profile(&config, "b").provide_credentials().await, SECRETS);
    assert_eq!(err.kind(), ErrorKind::Rejected);
    assert_eq!(err.service_code(), Some("ExpiredToken"));
    assert!(err.message().contains("profile 'a'"), "{err}");
    assert!(
        err.message().contains(&format!(
            "cannot get the credentials that assume {}",
            role("b")
        )),
        "{err}"
    );
    assert_eq!(b.request_count(), 0);
}

#[tokio::test]
async fn an_mfa_role_asks_once_per_session() {
    let server = TestServer::start().await;
    server
        .route(Method::POST, "/", assumed("ASIAMFA1", &hours_after_t0(1)))
        .then(assumed("ASIAMFA2", &hours_after_t0(2)));
    let files = format!(
        "[profile r]\nrole_arn = {}\nsource_profile = base\nendpoint_url = {}\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n\
         [profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = {SOURCE_SECRET}\n",
        role("r"),
        server.url()
    );
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = std::sync::Arc::clone(&asked);
    let mfa = MfaCodeProvider::new(move |_| {
        count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        async { Ok("123456".to_owned()) }
    });
    let clock = clock();
    let config = world(&[(CONFIG, &files)], &[], &clock).with_extension(mfa);
    let cache = CredentialsCache::builder()
        .clock(clock.clone())
        .build(profile(&config, "r"));
    for _ in 0..5 {
        assert_eq!(
            cache.provide_credentials().await.unwrap().access_key_id(),
            "ASIAMFA1"
        );
        clock.advance(Duration::from_secs(60));
    }
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 1);
    // The session expires: a new one, a new code.
    clock.advance(Duration::from_secs(3600));
    assert_eq!(
        cache.provide_credentials().await.unwrap().access_key_id(),
        "ASIAMFA2"
    );
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 2);

    // Without a way to ask: the error names the profile and the mfa_serial line.
    let config = world(&[(CONFIG, &files)], &[], &clock);
    let err = profile(&config, "r")
        .provide_credentials()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(err.message().contains("profile 'r'"), "{err}");
    assert_eq!(err.location().map(|l| l.line()), Some(5));
}

#[tokio::test]
async fn a_web_identity_profile_is_the_base_of_a_role() {
    let (web, outer) = (TestServer::start().await, TestServer::start().await);
    web.route(
        Method::POST,
        "/",
        sts_ok(
            "AssumeRoleWithWebIdentity",
            "ASIAWEB",
            &hours_after_t0(1),
            "arn:aws:sts::123456789012:assumed-role/w/s",
        ),
    );
    outer.route(Method::POST, "/", assumed("ASIAOUTER", &hours_after_t0(1)));
    let files = format!(
        "[profile w]\nrole_arn = {}\nweb_identity_token_file = /tok\nendpoint_url = {}\n\
         [profile o]\nrole_arn = {}\nsource_profile = w\nendpoint_url = {}\n",
        role("w"),
        web.url(),
        role("o"),
        outer.url()
    );
    let config = world(&[(CONFIG, &files), ("/tok", WEB_TOKEN)], &[], &clock());
    let creds = profile(&config, "o").provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAOUTER");
    assert_eq!(signer_of(&outer, 0), "ASIAWEB");
    assert_eq!(
        field(&web.requests()[0].body_text(), "WebIdentityToken").as_deref(),
        Some(WEB_TOKEN)
    );

    // The web identity profile alone, through the handler.
    let creds = profile(&config, "w").provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAWEB");

    // Without its role_arn: an error at its token file's line.
    let config = world(
        &[
            (CONFIG, "[profile w]\nweb_identity_token_file = /tok\n"),
            ("/tok", WEB_TOKEN),
        ],
        &[],
        &clock(),
    );
    let err = profile(&config, "w")
        .provide_credentials()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(err.message().contains("no role_arn"), "{err}");
}
