//! Worlds to run in, the portal's and SSO-OIDC's replies, and the secrets that must
//! never show.

use creds_core::{Clock, Env, Fs, ManualClock, ProviderConfig};
use creds_testkit::Reply;
use serde_json::json;

/// The time every test starts at.
pub(crate) const T0: &str = "2026-06-01T00:00:00Z";

pub(crate) const HOME: &str = "/home/me";
pub(crate) const CONFIG: &str = "/home/me/.aws/config";
pub(crate) const START_URL: &str = "https://d-1234567890.awsapps.com/start";

/// The token file of the session named `my-sso` (`printf %s my-sso | sha1sum`).
pub(crate) const SESSION_TOKEN_FILE: &str =
    "/home/me/.aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json";
/// The token file of the legacy form for [`START_URL`]
/// (`printf %s https://d-1234567890.awsapps.com/start | sha1sum`).
pub(crate) const LEGACY_TOKEN_FILE: &str =
    "/home/me/.aws/sso/cache/7487b5b67d5fa1132cf33fa93ae51ef38cc37752.json";

pub(crate) const ACCESS_TOKEN: &str = "aoaAAAAAGRpbkdC-ACCESS-TOKEN";
pub(crate) const NEW_ACCESS_TOKEN: &str = "aoaAAAAAGRpbkdC-NEW-ACCESS-TOKEN";
pub(crate) const REFRESH_TOKEN: &str = "Atzr|IwEBI-REFRESH-TOKEN";
pub(crate) const NEW_REFRESH_TOKEN: &str = "Atzr|IwEBI-NEW-REFRESH-TOKEN";
pub(crate) const CLIENT_SECRET: &str =
    "eyJraWQiOiJrZXktMTU2Njk2ODA0OCIsImFsZyI6IkhTMzg0In0-CLIENT-SECRET";
pub(crate) const ROLE_SECRET: &str = "wJalrXUtnFEMI-SSO-ROLE-SECRET";
pub(crate) const ROLE_TOKEN: &str = "IQoJb3JpZ2luX2VjE-SSO-ROLE-TOKEN";
pub(crate) const DEVICE_CODE: &str = "device-code-DEVICE-SECRET";

/// Everything that must never appear in an error, a `Debug` or a log.
pub(crate) const SECRETS: &[&str] = &[
    ACCESS_TOKEN,
    NEW_ACCESS_TOKEN,
    REFRESH_TOKEN,
    NEW_REFRESH_TOKEN,
    CLIENT_SECRET,
    ROLE_SECRET,
    ROLE_TOKEN,
    DEVICE_CODE,
];

pub(crate) fn clock() -> ManualClock {
    creds_testkit::clock_at(T0)
}

/// `T0` plus `minutes`, as RFC 3339.
pub(crate) fn at(minutes: i64) -> String {
    let t0: jiff::Timestamp = T0.parse().unwrap();
    (t0 + jiff::SignedDuration::from_mins(minutes)).to_string()
}

/// A world with these files, variables (and `HOME`) and the clock.
pub(crate) fn world(
    files: &[(&str, &str)],
    env: &[(&str, &str)],
    clock: &ManualClock,
) -> ProviderConfig {
    let mut vars = vec![("HOME", HOME)];
    vars.extend_from_slice(env);
    ProviderConfig::empty()
        .with_env(Env::from_pairs(vars))
        .with_fs(
            Fs::from_files(files.iter().map(|(p, c)| (*p, *c)))
                .with_fault("/nowhere", creds_core::FsFault::ReadOnly),
        )
        .with_clock(Clock::from(clock.clone()))
}

/// A config with `[profile dev]` on the session `my-sso` (and any `extra`), whose
/// calls go to `url`.
pub(crate) fn session_config(url: &str, extra: &str) -> String {
    format!(
        "[profile dev]\nsso_session = my-sso\nsso_account_id = 123456789012\n\
         sso_role_name = ReadOnly\nservices = local\n{extra}\
         [sso-session my-sso]\nsso_start_url = {START_URL}\nsso_region = eu-west-1\n\
         sso_registration_scopes = sso:account:access\n\
         [services local]\nsso = \n  endpoint_url = {url}\nsso_oidc = \n  endpoint_url = {url}\n"
    )
}

/// A named session's token file, expiring at `expires_at`, refreshable.
pub(crate) fn session_token(expires_at: &str) -> String {
    json!({
        "startUrl": START_URL,
        "region": "eu-west-1",
        "accessToken": ACCESS_TOKEN,
        "expiresAt": expires_at,
        "clientId": "client-id-1",
        "clientSecret": CLIENT_SECRET,
        "registrationExpiresAt": at(90 * 24 * 60),
        "refreshToken": REFRESH_TOKEN,
        "futureField": {"kept": true},
    })
    .to_string()
}

/// The portal's `GetRoleCredentials` answer, expiring at `expiration_ms`.
pub(crate) fn role_credentials(key: &str, expiration_ms: i64) -> Reply {
    Reply::json(json!({"roleCredentials": {
        "accessKeyId": key,
        "secretAccessKey": ROLE_SECRET,
        "sessionToken": ROLE_TOKEN,
        "expiration": expiration_ms,
    }}))
}

/// Milliseconds since the epoch of `T0` plus `minutes`.
pub(crate) fn ms_at(minutes: i64) -> i64 {
    let t: jiff::Timestamp = at(minutes).parse().unwrap();
    t.as_millisecond()
}

/// SSO-OIDC's `CreateToken` answer.
pub(crate) fn new_token(access: &str, refresh: Option<&str>, expires_in: u64) -> Reply {
    let mut body = json!({"accessToken": access, "tokenType": "Bearer", "expiresIn": expires_in});
    if let Some(refresh) = refresh {
        body["refreshToken"] = refresh.into();
    }
    Reply::json(body)
}

/// A restJson error as SSO-OIDC and the portal send them.
pub(crate) fn service_error(status: u16, error_type: &str, body: serde_json::Value) -> Reply {
    Reply::new(status)
        .header("x-amzn-ErrorType", error_type)
        .header("x-amzn-RequestId", "b3f1-req")
        .json_body(&body)
}

/// The JSON of the file at `path`.
pub(crate) fn file_json(config: &ProviderConfig, path: &str) -> serde_json::Value {
    serde_json::from_slice(&config.fs().read(std::path::Path::new(path)).unwrap()).unwrap()
}
