//! AWS credentials from an external program: the shared files' `credential_process`,
//! as the JavaScript SDK v3 (`fromProcess`), Go (`processcreds`), botocore and
//! aws-config run it.
//!
//! For programs that use password managers, vaults or SSO helpers (`aws-vault`,
//! `granted`, `1password`, ...) that print credentials as JSON. Linking this crate (the
//! `process` feature of `creds`) registers a
//! [`ProfileHandler`](creds_core::registry::ProfileHandler) that serves profiles with a
//! `credential_process`; [`ProcessProvider`] also runs a program of your choosing.
//!
//! # Example
//!
//! ```
//! use creds_core::{Env, Fs, ProvideCredentials, ProviderConfig};
//! use creds_process::ProcessProvider;
//!
//! # #[cfg(unix)] {
//! // A command line, run through `sh -c` (Go's `NewCredentials(command)`).
//! let provider = ProcessProvider::new(
//!     r#"echo '{"Version": 1, "AccessKeyId": "AKIDEXAMPLE", "SecretAccessKey": "s3cr3t"}'"#,
//! );
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let creds = provider.provide_credentials().await.unwrap();
//! assert_eq!(creds.access_key_id(), "AKIDEXAMPLE");
//! assert_eq!(creds.provider_name(), "process");
//! # });
//!
//! // The `credential_process` of a profile (JS `fromProcess({ profile })`).
//! let config = ProviderConfig::empty()
//!     .with_env(Env::from_pairs([("HOME", "/home/me")]))
//!     .with_fs(Fs::from_files([(
//!         "/home/me/.aws/config",
//!         "[profile vault]\naws_account_id = 123456789012\ncredential_process = echo \
//!          '{\"Version\": 1, \"AccessKeyId\": \"AKIDVAULT\", \"SecretAccessKey\": \"s3cr3t\"}'\n",
//!     )]));
//! let provider = ProcessProvider::from_profile(&config, "vault");
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let creds = provider.provide_credentials().await.unwrap();
//! assert_eq!(creds.access_key_id(), "AKIDVAULT");
//! assert_eq!(creds.account_id(), Some("123456789012"));
//! # });
//! # }
//! ```
//!
//! # The document
//!
//! The program prints on stdout a JSON object (see [`parse_output`], which is public
//! for tests and fuzzing):
//!
//! ```json
//! {"Version": 1, "AccessKeyId": "ASIA...", "SecretAccessKey": "...",
//!  "SessionToken": "...", "Expiration": "2026-01-01T00:00:00Z", "AccountId": "123456789012"}
//! ```
//!
//! `Version` must be the number 1, the keys non-empty strings; `SessionToken`,
//! `Expiration` (RFC 3339) and `AccountId` are optional, and unknown fields are
//! ignored. An `Expiration` not after the clock's now is an error. Without `AccountId`
//! the profile's `aws_account_id` is used. Errors say which field is wrong and never
//! quote the output, which holds secrets.
//!
//! # How the program runs
//!
//! - A command line (every `credential_process`) runs through the platform shell:
//!   `/bin/sh -c` on Unix, `cmd.exe /d /s /c` on Windows, as JS, Go and aws-config do.
//!   [`ProcessProviderBuilder::program`] runs a program directly, with explicit
//!   arguments, variables and working directory.
//! - The environment is inherited (the real one: the [`ProviderConfig`](creds_core::ProviderConfig)'s injected
//!   [`Env`](creds_core::Env) is for reading settings, not for children). stdin is
//!   `/dev/null` unless passthrough is on (the [`StdinPassthrough`] extension of the
//!   [`ProviderConfig`](creds_core::ProviderConfig), which the `creds` CLI sets when its
//!   stdin is a terminal).
//! - stdout is read up to [`max_output`](ProcessProviderBuilder::max_output) (64 KiB);
//!   stderr is drained, its first 4 KiB kept and shown in the error when the program
//!   fails. The two are never mixed.
//! - After [`timeout`](ProcessProviderBuilder::timeout) (one minute), or when stdout
//!   passes the cap, or when the caller drops its future, the program is killed with
//!   its whole process group (`killpg(SIGKILL)`; it was started in a group of its own),
//!   so that nothing it started is left running, and reaped. On Windows only the
//!   program itself is killed (that needs a job object, not done yet), and so it is
//!   with stdin passthrough, where the program must stay in the terminal's foreground
//!   group. If the kill fails (`EPERM`), the fetch fails at once all the same, and a
//!   background thread reaps the program whenever it ends.
//! - On Linux the program is killed by the kernel if this process dies while it runs
//!   (`PR_SET_PDEATHSIG`): in a process group of its own it does not get the
//!   terminal's Ctrl-C, and would be left running. That covers the program itself,
//!   not what it started.
//! - No async runtime with IO is needed: each fetch runs the program from a thread of
//!   its own, with two reader threads, and hands the result to the caller through a
//!   `tokio::sync::oneshot` channel, which any executor can await.
//!
//! # Errors
//!
//! | what | kind |
//! | --- | --- |
//! | the program cannot be started; the shell cannot find or run it (exit 126, 127) | `InvalidConfig` |
//! | a wrong document, output that is not UTF-8 or passes `max_output` | `InvalidConfig` |
//! | an empty `credential_process` | `InvalidConfig`, at its line |
//! | another unsuccessful exit (with the start of its stderr), a timeout, an I/O failure | `Unavailable` |
//! | [`ProcessProvider::from_profile`]: no such profile, or no `credential_process` in it | `NotConfigured` |
//!
//! Errors name the program (the first word of the command line), never its arguments
//! or output. Errors of a profile's command point at its `credential_process` line.
//! In the stderr text an error quotes (shells such as bash echo the command line on a
//! syntax error, helpers print their arguments in usage errors), every argument word
//! of the command line (every argument of a [`program`](ProcessProviderBuilder::program))
//! and every value set with [`env`](ProcessProviderBuilder::env) is replaced by
//! `** redacted **`, words shorter than 4 characters excepted.
//!
//! # Refresh
//!
//! Every fetch runs the program. Behind a
//! [`CredentialsCache`](creds_core::CredentialsCache) (the default chain's), credentials
//! with an `Expiration` are refreshed before it, by one run however many tasks ask
//! (botocore runs one per thread). Credentials without one are kept until the cache is
//! told otherwise, as the SDKs do, unless [`duration`](ProcessProviderBuilder::duration)
//! gives them one (Go v1).
//!
//! # Where the SDKs differ
//!
//! - `Version: 1.0`: JS and botocore accept it, Go's integer field does not; accepted.
//! - Empty keys: Go rejects them, JS only missing ones; rejected. `null` or `""` for
//!   the optional fields count as absent, as in JS.
//! - stdin and stderr: Go v2 passes both through, JS and botocore pipe them; here
//!   stdin is off for libraries and stderr is captured, both passed through when a
//!   terminal user may be prompted.
//! - A profile with static keys and `credential_process`: JS and Go v2 use the keys,
//!   botocore too when they are in the credentials file (keys in the config file lose
//!   to the process), aws-config runs the process; `creds-profile` uses the keys.
//! - A profile with SSO settings and `credential_process`: Go v2, botocore and
//!   aws-config use SSO, JS the process; SSO handlers come first
//!   (`creds_core::registry::priority::PROCESS` is after `SSO`).
//! - The timeout: Go (v1 and v2) has one, one minute, JS and botocore none. Go v1 does
//!   not kill the program when it expires; here it dies with its process group.
//! - Errors: Go v1 quotes the whole output when it is not JSON, secrets included; here
//!   no error quotes it.
//! - A profile with `role_arn` and `credential_process` but neither `source_profile`
//!   nor `credential_source`: botocore and aws-config reject it, Go v2 assumes the
//!   role with the process's credentials, JS ignores `role_arn`. `creds-profile`
//!   rejects it, saying to put `credential_process` in another profile and name it in
//!   `source_profile`. [`ProcessProvider::from_profile`] runs the profile's
//!   `credential_process` whatever else it sets, as JS `fromProcess({ profile })` does.

mod builder;
mod command;
mod kill;
mod output;
mod profile;
mod provider;
mod redact;
mod run;
#[cfg(test)]
mod test_alloc;

pub use builder::ProcessProviderBuilder;
pub use output::parse_output;
pub use provider::{DEFAULT_MAX_OUTPUT, DEFAULT_TIMEOUT, ProcessProvider, StdinPassthrough};
