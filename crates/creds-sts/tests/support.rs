//! Replies of a fake STS, worlds to run in, and the secrets that must never show.

use creds_core::{Clock, Env, Fs, ManualClock, ProviderConfig};
use creds_testkit::Reply;

/// The time every test starts at.
pub(crate) const T0: &str = "2026-06-01T00:00:00Z";

/// The secret and token of the source credentials, and those STS answers.
pub(crate) const SOURCE_SECRET: &str = "wJalrXUtnFEMI-SOURCE-SECRET";
pub(crate) const SOURCE_TOKEN: &str = "IQoJb3JpZ2luX2VjE-SOURCE-TOKEN";
pub(crate) const ROLE_SECRET: &str = "wJalrXUtnFEMI-ROLE-SECRET";
pub(crate) const ROLE_TOKEN: &str = "IQoJb3JpZ2luX2VjE-ROLE-TOKEN";
pub(crate) const WEB_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJl";

/// Everything that must never appear in an error, a `Debug` or a log.
pub(crate) const SECRETS: &[&str] = &[
    SOURCE_SECRET,
    SOURCE_TOKEN,
    ROLE_SECRET,
    ROLE_TOKEN,
    WEB_TOKEN,
];

pub(crate) fn clock() -> ManualClock {
    creds_testkit::clock_at(T0)
}

/// STS's answer to `action` with `key` expiring at `expiration`, for the role session
/// `arn`.
pub(crate) fn sts_ok(action: &str, key: &str, expiration: &str, arn: &str) -> Reply {
    Reply::ok(format!(
        "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <{action}Result>\n    \
         <AssumedRoleUser>\n      <Arn>{arn}</Arn>\n      <AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId>\n    \
         </AssumedRoleUser>\n    <Credentials>\n      <AccessKeyId>{key}</AccessKeyId>\n      \
         <SecretAccessKey>{ROLE_SECRET}</SecretAccessKey>\n      <SessionToken>{ROLE_TOKEN}</SessionToken>\n      \
         <Expiration>{expiration}</Expiration>\n    </Credentials>\n  </{action}Result>\n  \
         <ResponseMetadata>\n    <RequestId>4f1e-ok</RequestId>\n  </ResponseMetadata>\n</{action}Response>\n"
    ))
    .header("content-type", "text/xml")
}

/// `AssumeRole`'s answer.
pub(crate) fn assumed(key: &str, expiration: &str) -> Reply {
    sts_ok(
        "AssumeRole",
        key,
        expiration,
        "arn:aws:sts::123456789012:assumed-role/demo/session",
    )
}

/// STS's error document.
pub(crate) fn sts_error(status: u16, code: &str, message: &str) -> Reply {
    Reply::new(status)
        .header("content-type", "text/xml")
        .header("x-amzn-RequestId", "c6104cbe-af31-11e0-8154-cbc7ccf896c7")
        .body(format!(
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    \
             <Type>Sender</Type>\n    <Code>{code}</Code>\n    <Message>{message}</Message>\n  </Error>\n  \
             <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n</ErrorResponse>\n"
        ))
}

/// A world with these files, variables and the clock at [`T0`].
pub(crate) fn world(
    files: &[(&str, &str)],
    env: &[(&str, &str)],
    clock: &ManualClock,
) -> ProviderConfig {
    let mut vars = vec![("HOME", "/home/me")];
    vars.extend_from_slice(env);
    ProviderConfig::empty()
        .with_env(Env::from_pairs(vars))
        .with_fs(Fs::from_files(files.iter().map(|(p, c)| (*p, *c))))
        .with_clock(Clock::from(clock.clone()))
}

/// The form fields of a request body, decoded.
pub(crate) fn form(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// The value of form field `name`.
pub(crate) fn field(body: &str, name: &str) -> Option<String> {
    form(body)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// `t` plus `hours`, as RFC 3339.
pub(crate) fn hours_after_t0(hours: i64) -> String {
    let t0: jiff::Timestamp = T0.parse().unwrap();
    (t0 + jiff::SignedDuration::from_hours(hours)).to_string()
}
