//! SSO profiles through `creds-profile` and `SsoProvider`: both forms, the portal's
//! request and reply, the errors, and SSO under a role chain.

use creds_core::{ErrorKind, ProvideCredentials, ProviderConfig};
use creds_profile::ProfileProvider;
use creds_sso::SsoProvider;
use creds_testkit::{
    Method, Reply, TestServer, assert_no_secret, expect_credentials, expect_error,
};
use serde_json::json;

use crate::support::*;

const PORTAL_PATH: &str = "/federation/credentials";

fn profile(config: &ProviderConfig, name: &str) -> ProfileProvider {
    ProfileProvider::builder()
        .config(config.clone())
        .profile_name(name)
        .build()
}

#[tokio::test]
async fn the_session_form_gets_the_roles_credentials_with_the_cached_token() {
    let server = TestServer::start().await;
    server.route(
        Method::GET,
        PORTAL_PATH,
        role_credentials("ASIASSO1", ms_at(60)),
    );
    let clock = clock();
    let config = world(
        &[
            (CONFIG, &session_config(&server.url(), "")),
            (SESSION_TOKEN_FILE, &session_token(&at(120))),
        ],
        &[],
        &clock,
    );
    let creds = expect_credentials(profile(&config, "dev").provide_credentials().await, SECRETS);
    assert_eq!(creds.access_key_id(), "ASIASSO1");
    assert_eq!(creds.secret_access_key(), ROLE_SECRET);
    assert_eq!(creds.session_token(), Some(ROLE_TOKEN));
    assert_eq!(creds.expiration().unwrap().to_string(), at(60));
    assert_eq!(creds.account_id(), Some("123456789012"));
    assert_eq!(creds.provider_name(), "sso");
    let origin = creds.origin().unwrap();
    assert!(
        origin.contains("SSO role ReadOnly of account 123456789012 (sso-session 'my-sso'"),
        "{origin}"
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "no refresh: two hours left");
    let request = &requests[0];
    assert_eq!(
        request.path_and_query(),
        "/federation/credentials?account_id=123456789012&role_name=ReadOnly"
    );
    assert_eq!(request.header("x-amz-sso_bearer_token"), Some(ACCESS_TOKEN));
    assert_eq!(request.header("authorization"), None, "unsigned");
    assert!(config.fs().writes().is_empty(), "nothing written");
}

#[tokio::test]
async fn the_legacy_form_reads_the_token_under_the_start_urls_hash() {
    let server = TestServer::start().await;
    server.route(
        Method::GET,
        PORTAL_PATH,
        role_credentials("ASIALEGACY", ms_at(60)),
    );
    let clock = clock();
    let file = format!(
        "[profile old]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n\
         sso_account_id = 210987654321\nsso_role_name = Admin Role\n\
         endpoint_url = {}\n",
        server.url()
    );
    // The aws CLI wrote this one, with botocore's old expiry form.
    let token = json!({"startUrl": START_URL, "region": "us-east-1", "accessToken": ACCESS_TOKEN,
        "expiresAt": "2026-06-01T02:00:00UTC"})
    .to_string();
    let config = world(&[(CONFIG, &file), (LEGACY_TOKEN_FILE, &token)], &[], &clock);
    let creds = expect_credentials(profile(&config, "old").provide_credentials().await, SECRETS);
    assert_eq!(creds.access_key_id(), "ASIALEGACY");
    assert_eq!(creds.account_id(), Some("210987654321"));
    assert_eq!(
        server.requests()[0].path_and_query(),
        "/federation/credentials?account_id=210987654321&role_name=Admin%20Role"
    );

    // Expired: an error saying to sign in, no portal call, and never a fall-through.
    clock.advance(std::time::Duration::from_secs(3 * 3600));
    let provider = SsoProvider::builder()
        .config(config.clone())
        .profile("old")
        .build();
    let error = expect_error(provider.provide_credentials().await, SECRETS);
    assert_eq!(error.kind(), ErrorKind::Rejected);
    let message = error.to_string();
    assert!(
        message.contains("expired at 2026-06-01T02:00:00Z"),
        "{message}"
    );
    assert!(
        message.contains("run `creds sso login --profile old` (or `aws sso login --profile old`)"),
        "{message}"
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn given_settings_work_as_js_from_sso_takes_them() {
    let server = TestServer::start().await;
    server.route(
        Method::GET,
        PORTAL_PATH,
        role_credentials("ASIAGIVEN", ms_at(60)),
    );
    let clock = clock();
    let config = world(
        &[(SESSION_TOKEN_FILE, &session_token(&at(120)))],
        &[("AWS_ENDPOINT_URL_SSO", &server.url())],
        &clock,
    );
    let provider = SsoProvider::builder()
        .config(config.clone())
        .start_url(START_URL)
        .region("eu-west-1")
        .account_id("123456789012")
        .role_name("ReadOnly")
        .session_name("my-sso")
        .build();
    let creds = expect_credentials(provider.provide_credentials().await, SECRETS);
    assert_eq!(creds.access_key_id(), "ASIAGIVEN");
    assert!(!format!("{provider:?}").contains(ACCESS_TOKEN));

    let incomplete = SsoProvider::builder()
        .config(config)
        .start_url(START_URL)
        .role_name("ReadOnly")
        .build();
    let error = expect_error(incomplete.provide_credentials().await, SECRETS);
    assert_eq!(error.kind(), ErrorKind::InvalidConfig);
    assert!(
        error.to_string().contains("set region, account_id as well"),
        "{error}"
    );
}

#[tokio::test]
async fn a_key_set_in_the_profile_and_the_session_must_agree() {
    let clock = clock();
    let file = session_config(
        "http://127.0.0.1:9",
        "sso_start_url = https://other.awsapps.com/start\n",
    );
    let config = world(&[(CONFIG, &file)], &[], &clock);
    let error = expect_error(profile(&config, "dev").provide_credentials().await, SECRETS);
    assert_eq!(error.kind(), ErrorKind::InvalidConfig);
    let message = error.to_string();
    assert!(
        message.contains(
            "sso_start_url is \"https://other.awsapps.com/start\" in profile 'dev' (at \
             /home/me/.aws/config:6)"
        ),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "but \"{START_URL}\" in [sso-session my-sso] (at /home/me/.aws/config:8)"
        )),
        "{message}"
    );
    let region = session_config("http://127.0.0.1:9", "sso_region = us-east-2\n");
    let config = world(&[(CONFIG, &region)], &[], &clock);
    let error = expect_error(profile(&config, "dev").provide_credentials().await, SECRETS);
    assert!(
        error
            .to_string()
            .contains("sso_region is \"us-east-2\" in profile 'dev'"),
        "{error}"
    );
    let scopes = session_config(
        "http://127.0.0.1:9",
        "sso_registration_scopes = sso:account:access,codewhisperer:completions\n",
    );
    let config = world(&[(CONFIG, &scopes)], &[], &clock);
    let error = expect_error(profile(&config, "dev").provide_credentials().await, SECRETS);
    assert_eq!(error.kind(), ErrorKind::InvalidConfig);
    assert!(
        error.to_string().contains(
            "sso_registration_scopes is \"sso:account:access,codewhisperer:completions\" in \
             profile 'dev' (at /home/me/.aws/config:6) but \"sso:account:access\" in \
             [sso-session my-sso] (at /home/me/.aws/config:10)"
        ),
        "{error}"
    );
    // The same value in both is fine (botocore's rule).
    let same = session_config("http://127.0.0.1:9", "sso_region = eu-west-1\n");
    let config = world(&[(CONFIG, &same)], &[], &clock);
    let error = expect_error(profile(&config, "dev").provide_credentials().await, SECRETS);
    assert!(error.to_string().contains("no SSO token"), "{error}");
}

#[tokio::test]
async fn configuration_errors_say_what_is_missing() {
    let clock = clock();
    for (file, says) in [
        (
            "[profile dev]\nsso_session = nope\nsso_account_id = 1\nsso_role_name = R\n",
            "profile 'dev' names sso_session nope but there is no [sso-session nope] section",
        ),
        (
            "[profile dev]\nsso_session = s\nsso_account_id = 1\nsso_role_name = R\n\
             [sso-session s]\nsso_start_url = https://x/start\n",
            "[sso-session s] has no sso_region",
        ),
        (
            "[profile dev]\nsso_start_url = https://x/start\nsso_account_id = 1\nsso_role_name = R\n",
            "profile 'dev' is an SSO profile but has no sso_region",
        ),
        (
            "[profile dev]\nsso_account_id = 1\nsso_role_name = R\n",
            "has no sso_start_url or sso_region",
        ),
        // Half-written: an SSO profile still, never one that holds nothing.
        (
            "[profile dev]\nsso_region = eu-west-1\n",
            "has no sso_start_url",
        ),
        (
            "[profile dev]\nsso_session = s\n[sso-session s]\nsso_start_url = https://x/start\n\
             sso_region = us-east-1\n",
            "signs in with SSO but has no sso_account_id and sso_role_name",
        ),
    ] {
        let config = world(&[(CONFIG, file)], &[], &clock);
        let error = expect_error(profile(&config, "dev").provide_credentials().await, SECRETS);
        assert_eq!(error.kind(), ErrorKind::InvalidConfig, "{file}");
        assert!(error.to_string().contains(says), "{file}: {error}");
        assert!(error.location().is_some(), "{error}");
    }
}

#[tokio::test]
async fn token_files_that_are_missing_or_wrong_are_errors_naming_the_file() {
    let server = TestServer::start().await;
    let clock = clock();
    let file = session_config(&server.url(), "");
    let cases: Vec<(Option<String>, &str)> = vec![
        (
            None,
            "no SSO token for sso-session 'my-sso' (no file /home/me/.aws/sso/cache/0ad3",
        ),
        (
            Some(session_token(&at(120))[..40].to_owned()),
            "is not JSON",
        ),
        (
            Some(session_token(&at(120)).replace(&at(120), "next tuesday")),
            "has an expiresAt that is not a timestamp",
        ),
        (
            Some(session_token(&at(120)).replace(START_URL, "https://evil.example/start")),
            "is for start URL https://evil.example/start, not",
        ),
    ];
    for (token, says) in cases {
        let mut files = vec![(CONFIG, file.as_str())];
        if let Some(token) = &token {
            files.push((SESSION_TOKEN_FILE, token));
        }
        let config = world(&files, &[], &clock);
        let error = expect_error(profile(&config, "dev").provide_credentials().await, SECRETS);
        assert_ne!(error.kind(), ErrorKind::NotConfigured);
        let message = error.to_string();
        assert!(message.contains(says), "{message}");
        assert!(
            message.contains("run `creds sso login --profile dev`"),
            "{message}"
        );
        if let Some(token) = token {
            assert!(message.contains(SESSION_TOKEN_FILE), "{message}");
            assert_eq!(
                config
                    .fs()
                    .read(std::path::Path::new(SESSION_TOKEN_FILE))
                    .unwrap(),
                token.as_bytes(),
                "the file is left as it was"
            );
        }
    }
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn portal_errors_and_bad_replies_say_what_to_do() {
    let server = TestServer::start().await;
    let clock = clock();
    let config = world(
        &[
            (CONFIG, &session_config(&server.url(), "")),
            (SESSION_TOKEN_FILE, &session_token(&at(120))),
        ],
        &[],
        &clock,
    );
    let cases = [
        (
            service_error(
                401,
                "UnauthorizedException",
                json!({"message": format!("Session token {ACCESS_TOKEN} not found or invalid")}),
            ),
            ErrorKind::Rejected,
            "(it has expired or was revoked): run `creds sso login --profile dev`",
        ),
        (
            service_error(403, "ForbiddenException", json!({"message": "No access"})),
            ErrorKind::Rejected,
            "is the role (permission set) 'ReadOnly' of account 123456789012 assigned to you?",
        ),
        (
            Reply::json(
                json!({"roleCredentials": {"accessKeyId": "A", "sessionToken": ROLE_TOKEN,
                "secretAccessKey": ROLE_SECRET}}),
            ),
            ErrorKind::Unavailable,
            "answered without a valid roleCredentials.expiration",
        ),
        (
            Reply::ok("<html>").header("content-type", "text/html"),
            ErrorKind::Unavailable,
            "answered with a body that is not JSON",
        ),
        (
            Reply::ok(vec![b'{'; 1 << 20]),
            ErrorKind::Unavailable,
            "is larger than the limit of 65536 bytes",
        ),
    ];
    for (reply, kind, says) in cases {
        server.route(Method::GET, PORTAL_PATH, reply);
        let provider = SsoProvider::builder()
            .config(config.clone())
            .profile("dev")
            .build();
        let error = expect_error(provider.provide_credentials().await, SECRETS);
        assert_eq!(error.kind(), kind, "{error}");
        let message = error.to_string();
        assert!(message.contains(says), "{message}");
        assert!(
            message.contains(&server.url()),
            "names the endpoint: {message}"
        );
    }
}

#[tokio::test]
async fn an_sso_profile_is_the_source_of_a_role_chain() {
    let portal = TestServer::start().await;
    portal.route(
        Method::GET,
        PORTAL_PATH,
        role_credentials("ASIASSOSRC", ms_at(60)),
    );
    let sts = TestServer::start().await;
    sts.route(
        Method::POST,
        "/",
        Reply::ok(format!(
            "<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser>\
             <Arn>arn:aws:sts::123456789012:assumed-role/deploy/s</Arn></AssumedRoleUser>\
             <Credentials><AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>role-secret</SecretAccessKey>\
             <SessionToken>role-token</SessionToken><Expiration>{}</Expiration></Credentials>\
             </AssumeRoleResult></AssumeRoleResponse>",
            at(60)
        ))
        .header("content-type", "text/xml"),
    );
    let clock = clock();
    let file = format!(
        "{}[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\n\
         source_profile = dev\nendpoint_url = {}\n",
        session_config(&portal.url(), ""),
        sts.url()
    );
    let config = world(
        &[
            (CONFIG, &file),
            (SESSION_TOKEN_FILE, &session_token(&at(120))),
        ],
        &[],
        &clock,
    );
    // creds-sts is linked for the role hop.
    std::hint::black_box(creds_sts::FileCache::new(""));
    let creds = expect_credentials(
        profile(&config, "deploy").provide_credentials().await,
        SECRETS,
    );
    assert_eq!(creds.access_key_id(), "ASIAROLE");
    let signed_with = sts.requests()[0]
        .header("authorization")
        .unwrap()
        .to_owned();
    assert!(
        signed_with.contains("Credential=ASIASSOSRC/"),
        "{signed_with}"
    );
    assert_eq!(
        sts.requests()[0].header("x-amz-security-token"),
        Some(ROLE_TOKEN)
    );
}

#[tokio::test]
async fn debug_output_shows_no_token() {
    let clock = clock();
    let config = world(
        &[(SESSION_TOKEN_FILE, &session_token(&at(120)))],
        &[],
        &clock,
    );
    let session = creds_sso::SsoSession::named("my-sso", START_URL, "eu-west-1");
    let tokens = creds_sso::SsoTokenProvider::new(&config, session);
    let token = tokens.token().await.unwrap();
    assert_eq!(token.as_str(), ACCESS_TOKEN);
    assert_no_secret(&format!("{token:?} {tokens:?}"), SECRETS);
}
