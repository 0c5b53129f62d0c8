//! `creds exec -- COMMAND`: a command run with the resolved credentials in its
//! environment.

use std::process::Command;

use creds::{Credentials, DefaultChainBuilder};

use crate::cli::ExecArgs;
use crate::exit;
use crate::export::rfc3339;
use crate::status::{self, Ui};

/// Variables that would let the command's SDK choose another identity than the one
/// given, or mix a stale token with new keys.
const REMOVED: &[&str] = &[
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_ACCOUNT_ID",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
];

/// The command could not be run (not executable).
const CANNOT_RUN: u8 = 126;
/// The command was not found.
const NOT_FOUND: u8 = 127;

pub(crate) async fn run(builder: DefaultChainBuilder, args: &ExecArgs, ui: &Ui) -> Result<(), u8> {
    let config = builder.provider_config();
    let chain = builder.build_chain();
    let (result, trace) = status::resolve(&chain, ui).await;
    let creds = result.map_err(|e| exit::report_traced(&e, &trace, ui))?;
    let mut command = Command::new(&args.command[0]);
    command.args(&args.command[1..]);
    apply(&mut command, &creds);
    if let Some(region) = profile_region(&config) {
        command
            .env("AWS_REGION", &region)
            .env("AWS_DEFAULT_REGION", &region);
    }
    run_command(command, &args.command[0])
}

/// The selected profile's `region`, unless `AWS_REGION` or `AWS_DEFAULT_REGION`
/// already says one: `AWS_PROFILE` is removed from the command's environment, and
/// with it the region the profile would have given its SDK (aws-vault does the same).
fn profile_region(config: &creds::core::ProviderConfig) -> Option<String> {
    let env = config.env();
    if ["AWS_REGION", "AWS_DEFAULT_REGION"]
        .iter()
        .any(|name| env.get_non_blank(name).is_some())
    {
        return None;
    }
    let profiles = config.profile_set().ok()?;
    let region = profiles.selected_profile()?.get("region")?.trim();
    (!region.is_empty()).then(|| region.to_owned())
}

/// Sets the credentials' variables on `command` and removes the conflicting ones.
fn apply(command: &mut Command, creds: &Credentials) {
    for name in REMOVED {
        command.env_remove(name);
    }
    // The depth guard counts credential_process recursion, not the user's command.
    command.env_remove("CREDS_DEPTH");
    command
        .env("AWS_ACCESS_KEY_ID", creds.access_key_id())
        .env("AWS_SECRET_ACCESS_KEY", creds.secret_access_key());
    if let Some(token) = creds.session_token() {
        command.env("AWS_SESSION_TOKEN", token);
    }
    if let Some(expiration) = creds.expiration() {
        command.env("AWS_CREDENTIAL_EXPIRATION", rfc3339(expiration));
    }
    if let Some(account) = creds.account_id() {
        command.env("AWS_ACCOUNT_ID", account);
    }
}

/// On Unix, replaces this process with the command, so that its exit code and the
/// signals sent to it need no forwarding; returns only when that fails.
#[cfg(unix)]
fn run_command(mut command: Command, program: &std::ffi::OsStr) -> Result<(), u8> {
    use std::os::unix::process::CommandExt as _;
    let error = command.exec();
    Err(cannot_run(program, &error))
}

/// Elsewhere, runs the command and exits with its exit code, whole (Windows codes
/// do not fit in a byte).
#[cfg(not(unix))]
fn run_command(mut command: Command, program: &std::ffi::OsStr) -> Result<(), u8> {
    let status = command.status().map_err(|e| cannot_run(program, &e))?;
    match status.code() {
        Some(0) => Ok(()),
        Some(code) => std::process::exit(code),
        None => Err(1),
    }
}

fn cannot_run(program: &std::ffi::OsStr, error: &std::io::Error) -> u8 {
    let program = std::path::Path::new(program).display();
    if error.kind() == std::io::ErrorKind::NotFound {
        exit::report_line(&format!("{program}: command not found"));
        NOT_FOUND
    } else {
        exit::report_line(&format!("cannot run {program}: {error}"));
        CANNOT_RUN
    }
}
