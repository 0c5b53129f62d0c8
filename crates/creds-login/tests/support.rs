//! Cache files, Sign-In replies, worlds to run in, and the secrets that must never show.

use std::path::Path;

use creds_core::{Clock, Env, Fs, ManualClock, ProviderConfig};
use creds_login::LoginProvider;
use creds_testkit::Reply;
use serde_json::{Value, json};

/// The time every test starts at.
pub(crate) const T0: &str = "2026-06-01T00:00:00Z";

/// The session `aws login` names by the signed-in identity's ARN.
pub(crate) const SESSION: &str = "arn:aws:iam::0123456789012:user/Admin";
/// `printf %s 'arn:aws:iam::0123456789012:user/Admin' | sha256sum`, then `.json`.
pub(crate) const FILE_NAME: &str =
    "36db1d138ff460920374e4c3d8e01f53f9f73537e89c88d639f68393df0e2726.json";
pub(crate) const CACHE_FILE: &str = "/home/me/.aws/login/cache/36db1d138ff460920374e4c3d8e01f53f9f73537e89c88d639f68393df0e2726.json";
pub(crate) const CONFIG_FILE: &str = "/home/me/.aws/config";
pub(crate) const CONFIG: &str =
    "[profile dev]\nlogin_session = arn:aws:iam::0123456789012:user/Admin\nregion = eu-west-1\n";

pub(crate) const OLD_SECRET: &str = "wJalrXUtnFEMI-LOGIN-OLD-SECRET";
pub(crate) const OLD_TOKEN: &str = "IQoJb3JpZ2luX2VjE-LOGIN-OLD-TOKEN";
pub(crate) const OLD_REFRESH: &str = "aorvJYubGpU6i91YI-OLD-REFRESH";
pub(crate) const NEW_SECRET: &str = "wJalrXUtnFEMI-LOGIN-NEW-SECRET";
pub(crate) const NEW_TOKEN: &str = "IQoJb3JpZ2luX2VjE-LOGIN-NEW-TOKEN";
pub(crate) const NEW_REFRESH: &str = "aorvJYubGpU6i91YI-NEW-REFRESH";
pub(crate) const ID_TOKEN: &str = "eyJraWQiOiJsb2dpbiJ9.eyJzdWIiOiJhcm4ifQ.LOGIN-ID-TOKEN";

pub(crate) const P256: &str = include_str!("data/p256.pem");
pub(crate) const P256_PKCS8: &str = include_str!("data/p256-pkcs8.pem");
pub(crate) const P384: &str = include_str!("data/p384.pem");
pub(crate) const RSA: &str = include_str!("data/rsa.pem");
pub(crate) const P256_NO_PUBLIC: &str = include_str!("data/p256-no-public.pem");

/// The base64 lines of every test key: key material that must never show.
pub(crate) fn key_lines() -> Vec<&'static str> {
    [P256, P256_PKCS8, P384, RSA, P256_NO_PUBLIC]
        .iter()
        .flat_map(|pem| pem.lines())
        .filter(|line| !line.starts_with("-----") && line.len() > 16)
        .collect()
}

/// Everything that must never appear in an error, a `Debug` or a log line.
pub(crate) fn secrets() -> Vec<&'static str> {
    let mut secrets = vec![
        OLD_SECRET,
        OLD_TOKEN,
        OLD_REFRESH,
        NEW_SECRET,
        NEW_TOKEN,
        NEW_REFRESH,
        ID_TOKEN,
    ];
    secrets.extend(key_lines());
    secrets
}

pub(crate) fn clock() -> ManualClock {
    creds_testkit::clock_at(T0)
}

/// `T0` plus `seconds`, as RFC 3339.
pub(crate) fn at(seconds: i64) -> String {
    let t0: jiff::Timestamp = T0.parse().unwrap();
    (t0 + jiff::SignedDuration::from_secs(seconds)).to_string()
}

/// A cache file as the aws CLI writes it, with `key` expiring at `expires_at`, and
/// fields this crate does not know (kept on write-back).
pub(crate) fn cache_doc(key: &str, expires_at: &str, dpop_key: &str) -> Value {
    json!({
        "accessToken": {
            "accessKeyId": key,
            "secretAccessKey": OLD_SECRET,
            "sessionToken": OLD_TOKEN,
            "accountId": "012345678901",
            "expiresAt": expires_at,
            "futureMember": "kept"
        },
        "tokenType": "aws_sigv4",
        "clientId": "arn:aws:signin:::devtools/same-device",
        "refreshToken": OLD_REFRESH,
        "idToken": ID_TOKEN,
        "dpopKey": dpop_key,
        "futureField": {"nested": [1, 2, 3]}
    })
}

/// The cache file with the P-256 key, `ASIAOLD` expiring `seconds` after `T0`.
pub(crate) fn cache_file(seconds: i64) -> String {
    serde_json::to_string_pretty(&cache_doc("ASIAOLD", &at(seconds), P256)).unwrap()
}

/// A world with the profile `dev` of [`CONFIG`], these files and variables, and the
/// clock.
pub(crate) fn world(
    files: &[(&str, &str)],
    env: &[(&str, &str)],
    clock: &ManualClock,
) -> ProviderConfig {
    let mut vars = vec![("HOME", "/home/me")];
    vars.extend_from_slice(env);
    let mut all = vec![(CONFIG_FILE, CONFIG)];
    all.extend_from_slice(files);
    ProviderConfig::empty()
        .with_env(Env::from_pairs(vars))
        .with_fs(Fs::from_files(all.iter().map(|(p, c)| (*p, *c))))
        .with_clock(Clock::from(clock.clone()))
}

/// A world whose Sign-In is the test server at `url`, with the session's cache file.
pub(crate) fn signin_world(url: &str, file: &str, clock: &ManualClock) -> ProviderConfig {
    world(
        &[(CACHE_FILE, file)],
        &[("AWS_ENDPOINT_URL_SIGNIN", url)],
        clock,
    )
}

/// The provider of profile `dev`.
pub(crate) fn provider(config: &ProviderConfig) -> LoginProvider {
    LoginProvider::builder()
        .config(config.clone())
        .profile("dev")
        .build()
}

/// Sign-In's answer to a refresh: `key` for `expires_in` seconds.
pub(crate) fn refreshed(key: &str, expires_in: Option<u64>) -> Reply {
    let mut body = json!({
        "accessToken": {
            "accessKeyId": key,
            "secretAccessKey": NEW_SECRET,
            "sessionToken": NEW_TOKEN
        },
        "tokenType": "aws_sigv4",
        "refreshToken": NEW_REFRESH
    });
    if let Some(seconds) = expires_in {
        body["expiresIn"] = seconds.into();
    }
    Reply::json(body).header("x-amzn-RequestId", "a1b2-ok")
}

/// Sign-In's `AccessDeniedException` with the OAuth code `code`, as rest-json sends
/// it (the type in `x-amzn-errortype`).
pub(crate) fn denied(code: &str) -> Reply {
    Reply::new(403)
        .header("x-amzn-errortype", "AccessDeniedException")
        .header("x-amzn-RequestId", "a1b2-denied")
        .json_body(&json!({"error": code, "message": format!("denied with {OLD_REFRESH}")}))
}

/// The file at `path` as JSON.
pub(crate) fn read_json(config: &ProviderConfig, path: &str) -> Value {
    serde_json::from_slice(&config.fs().read(Path::new(path)).unwrap()).unwrap()
}

/// The file at `path` as text.
pub(crate) fn read_text(config: &ProviderConfig, path: &str) -> String {
    config.fs().read_to_string(Path::new(path)).unwrap()
}

/// base64url without padding, decoded.
pub(crate) fn base64url_decode(text: &str) -> Vec<u8> {
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => panic!("{c} is not base64url"),
        };
        bits = (bits << 6) | u32::from(v);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}
