//! Worlds to run in, the documents of the file, a fake STS's reply, and the secrets
//! that must never show.

use creds::core::registry;
use creds::{Clock, CredentialsChain, Env, Fs, ManualClock, ProviderConfig};
use creds_testkit::Reply;

/// The time every test starts at.
pub(crate) const T0: &str = "2026-06-01T00:00:00Z";

/// Where the file is, in the in-memory worlds.
pub(crate) const FILE: &str = "/run/app/creds.json";
/// The shared files of the in-memory worlds.
pub(crate) const CONFIG: &str = "/home/me/.aws/config";
pub(crate) const CREDENTIALS: &str = "/home/me/.aws/credentials";

/// The secret and token in the file, those of the shared files and those STS answers.
pub(crate) const SECRET: &str = "wJalrXUtnFEMI-JSON-FILE-SECRET";
pub(crate) const TOKEN: &str = "IQoJb3JpZ2luX2VjE-JSON-FILE-TOKEN";
pub(crate) const PROFILE_SECRET: &str = "wJalrXUtnFEMI-PROFILE-SECRET";
pub(crate) const ROLE_SECRET: &str = "wJalrXUtnFEMI-ROLE-SECRET";
pub(crate) const ROLE_TOKEN: &str = "IQoJb3JpZ2luX2VjE-ROLE-TOKEN";

/// Everything that must never appear in an error, a `Debug`, a log or the CLI's output
/// (but `creds export`'s, whose job it is).
pub(crate) const SECRETS: &[&str] = &[SECRET, TOKEN, PROFILE_SECRET, ROLE_SECRET, ROLE_TOKEN];

pub(crate) fn clock() -> ManualClock {
    creds_testkit::clock_at(T0)
}

/// [`T0`] plus `seconds` (minus, when negative), as RFC 3339.
pub(crate) fn after_t0(seconds: i64) -> String {
    let t0: jiff::Timestamp = T0.parse().unwrap();
    (t0 + jiff::SignedDuration::from_secs(seconds)).to_string()
}

/// The file's document: `key`, [`SECRET`], [`TOKEN`] and the expiration, if any.
pub(crate) fn document(key: &str, expiration: Option<&str>) -> String {
    let expiration =
        expiration.map_or_else(String::new, |at| format!(",\n  \"Expiration\": \"{at}\""));
    format!(
        "{{\n  \"AccessKeyId\": \"{key}\",\n  \"SecretAccessKey\": \"{SECRET}\",\n  \"SessionToken\": \"{TOKEN}\"{expiration}\n}}\n"
    )
}

/// A `[default]` profile of static keys, for the credentials file.
pub(crate) fn default_profile() -> String {
    format!(
        "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = {PROFILE_SECRET}\n"
    )
}

/// A world with these files, variables (and `HOME=/home/me`) and `clock`.
///
/// Instance metadata is disabled in every world: with the `cli` feature, the `creds`
/// these tests link has `imds` too (cargo unifies its features with those creds-cli
/// asks for), so a chain in which every other source is absent would end at IMDS, and
/// nothing may reach 169.254.169.254.
pub(crate) fn world(
    files: &[(&str, &str)],
    env: &[(&str, &str)],
    clock: &ManualClock,
) -> ProviderConfig {
    let mut vars = vec![("HOME", "/home/me"), ("AWS_EC2_METADATA_DISABLED", "true")];
    vars.extend_from_slice(env);
    ProviderConfig::empty()
        .with_env(Env::from_pairs(vars))
        .with_fs(Fs::from_files(files.iter().map(|(p, c)| (*p, *c))))
        .with_clock(Clock::from(clock.clone()))
}

/// The default chain of a program that links the facade and this crate, uncached.
pub(crate) fn default_chain(config: &ProviderConfig) -> CredentialsChain {
    creds_example_json_file::link();
    creds::DefaultChain::builder()
        .config(config.clone())
        .build_chain()
}

/// The names of `chain`'s providers, in order.
pub(crate) fn names(chain: &CredentialsChain) -> Vec<&'static str> {
    chain.providers().iter().map(|p| p.name()).collect()
}

/// Whether the registry, as linked, is whole.
pub(crate) fn registry_is_sound() -> bool {
    registry::check().is_ok()
}

/// STS's `AssumeRole` answer with `key`, [`ROLE_SECRET`] and [`ROLE_TOKEN`].
pub(crate) fn assumed(key: &str, expiration: &str) -> Reply {
    Reply::ok(format!(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <AssumeRoleResult>\n    \
         <AssumedRoleUser>\n      <Arn>arn:aws:sts::123456789012:assumed-role/app/session</Arn>\n      \
         <AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId>\n    </AssumedRoleUser>\n    <Credentials>\n      \
         <AccessKeyId>{key}</AccessKeyId>\n      <SecretAccessKey>{ROLE_SECRET}</SecretAccessKey>\n      \
         <SessionToken>{ROLE_TOKEN}</SessionToken>\n      <Expiration>{expiration}</Expiration>\n    \
         </Credentials>\n  </AssumeRoleResult>\n  <ResponseMetadata>\n    <RequestId>4f1e-ok</RequestId>\n  \
         </ResponseMetadata>\n</AssumeRoleResponse>\n"
    ))
    .header("content-type", "text/xml")
}

/// The access key id that signed request `n` to `server`.
pub(crate) fn signer_of(server: &creds_testkit::TestServer, n: usize) -> String {
    let auth = server.requests()[n]
        .header("authorization")
        .unwrap()
        .to_owned();
    let credential = auth.split("Credential=").nth(1).unwrap();
    credential.split('/').next().unwrap().to_owned()
}
