//! Secrets, documents, a fake IMDS, log capture and the checks every test makes.

use creds_core::{Credentials, CredentialsError, Env, Fs, ManualClock, ProviderConfig};
use creds_imds::{ImdsProvider, ImdsProviderBuilder};
use creds_testkit::{Method, RecordedRequest, Reply, TestServer};

/// Secrets the servers answer; they must never reach an error, a `Debug` or a log.
pub(crate) const SECRET: &str = "wJalrXUtnFEMI-IMDS-SECRET-ACCESS-KEY";
pub(crate) const SESSION: &str = "IQoJb3JpZ2luX2VjE-IMDS-SESSION-TOKEN";
/// The IMDSv2 session token the server hands out: a secret too.
pub(crate) const TOKEN: &str = "AQAEAIMDS-V2-SESSION-TOKEN-0001";

pub(crate) const ROLE: &str = "web-role";
pub(crate) const TOKEN_PATH: &str = "/latest/api/token";
pub(crate) const EXT: &str = "/latest/meta-data/iam/security-credentials-extended/";
pub(crate) const LEGACY: &str = "/latest/meta-data/iam/security-credentials/";
pub(crate) const TOKEN_HEADER: &str = "x-aws-ec2-metadata-token";
pub(crate) const TTL_HEADER: &str = "x-aws-ec2-metadata-token-ttl-seconds";

/// The tests' now; documents expire six hours later.
pub(crate) const NOW: &str = "2026-06-01T00:00:00Z";
pub(crate) const LATER: &str = "2026-06-01T06:00:00Z";

/// A credentials document of access key `akid`, expiring at `expiration`.
pub(crate) fn document_of(akid: &str, expiration: &str) -> String {
    format!(
        r#"{{"Code": "Success", "LastUpdated": "{NOW}", "Type": "AWS-HMAC",
            "AccessKeyId": "{akid}", "SecretAccessKey": "{SECRET}", "Token": "{SESSION}",
            "Expiration": "{expiration}", "AccountId": "123456789012"}}"#
    )
}

/// The credentials document of `ASIAIMDS`, expiring at [`LATER`].
pub(crate) fn document() -> String {
    document_of("ASIAIMDS", LATER)
}

pub(crate) fn role_path(base: &str, role: &str) -> String {
    format!("{base}{role}")
}

/// A server that answers as a current IMDS: the token (with its TTL header), the
/// extended path's role list and credentials.
pub(crate) async fn imds() -> TestServer {
    capture_logs();
    let server = TestServer::start().await;
    server.route(
        Method::PUT,
        TOKEN_PATH,
        Reply::ok(TOKEN).header(TTL_HEADER, "21600"),
    );
    server.route(Method::GET, EXT, Reply::ok(format!("{ROLE}\n")));
    server.route(Method::GET, &role_path(EXT, ROLE), Reply::ok(document()));
    server
}

pub(crate) fn clock() -> ManualClock {
    ManualClock::new(NOW.parse().unwrap())
}

/// A config with these variables, the clock at [`NOW`] and no files.
pub(crate) fn config(env: &[(&str, &str)]) -> ProviderConfig {
    config_with_clock(env, clock())
}

pub(crate) fn config_with_clock(env: &[(&str, &str)], clock: ManualClock) -> ProviderConfig {
    capture_logs();
    ProviderConfig::empty()
        .with_env(Env::from_pairs(env.iter().copied()))
        .with_clock(clock)
}

/// A config with these variables, `~/.aws/config` holding `file`, the clock at
/// [`NOW`].
pub(crate) fn config_with_file(env: &[(&str, &str)], file: &str) -> ProviderConfig {
    let mut vars = vec![("HOME", "/home/me")];
    vars.extend_from_slice(env);
    config(&vars).with_fs(Fs::from_files([("/home/me/.aws/config", file)]))
}

/// A builder over [`config`]`(&[])` pointed at `server`.
pub(crate) fn builder(server: &TestServer) -> ImdsProviderBuilder {
    ImdsProvider::builder()
        .config(config(&[]))
        .endpoint(server.url())
}

/// The requests `server` received, as `METHOD path`.
pub(crate) fn seen(server: &TestServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path()))
        .collect()
}

pub(crate) fn count(server: &TestServer, method: Method, path: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.method == method && r.path() == path)
        .count()
}

pub(crate) fn token_of(request: &RecordedRequest) -> Option<&str> {
    request.header(TOKEN_HEADER)
}

/// The secret key, the session token and the IMDS tokens of these tests.
const SECRETS: &[&str] = &[SECRET, SESSION, TOKEN, "IMDS-V2-SESSION-TOKEN"];

/// The credentials, after checking that their `Debug` holds no secret.
pub(crate) fn expect_ok(result: Result<Credentials, CredentialsError>) -> Credentials {
    creds_testkit::expect_credentials(result, SECRETS)
}

/// The error, after checking that neither its `Display` nor its `Debug` nor the log
/// holds a secret.
pub(crate) fn expect_err(result: Result<Credentials, CredentialsError>) -> CredentialsError {
    creds_testkit::expect_error(result, SECRETS)
}

/// Fails when `text` holds a secret.
pub(crate) fn assert_secret_free(text: &str) {
    creds_testkit::assert_no_secret(text, SECRETS);
}

/// Log capture is creds-testkit's, shared by every crate's tests.
pub(crate) use creds_testkit::{capture_logs, captured_logs as logs};
