//! [`ProcessProvider`]: runs the program, checks what it printed.

use std::borrow::Cow;
use std::time::{Duration, Instant};

use creds_core::{
    Credentials, CredentialsError, ErrorKind, Location, ProvideCredentials, ProvideFuture,
    ProviderConfig,
};
use jiff::{SignedDuration, Timestamp};

use crate::builder::ProcessProviderBuilder;
use crate::command::{Context, Program};
use crate::output;
use crate::profile;
use crate::redact::Redactions;
use crate::run::{self, Failure, Limits};

/// The provider's name, in errors, traces and [`Credentials::provider_name`].
pub(crate) const NAME: &str = "process";

/// How long the program may run (Go v2's default): one minute.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// How much the program may print on stdout: 64 KiB. (Go v1's `MaxBufSize` is the same
/// option, 1 KiB then 8 KiB by default, and cuts the output silently; a session token
/// alone can pass 1 KiB.)
pub const DEFAULT_MAX_OUTPUT: usize = 64 * 1024;

/// Whether programs started by a [`ProcessProvider`] read this process's stdin, or
/// `/dev/null`, unless the builder says otherwise with
/// [`stdin_passthrough`](ProcessProviderBuilder::stdin_passthrough): an extension of the
/// [`ProviderConfig`] the providers are built from (see
/// [`ProviderConfig::with_extension`]), so it reaches every provider built for a
/// `credential_process` profile too.
///
/// Off when absent: a library should not let a helper read its stdin. A command line
/// tool turns it on when its stdin is a terminal, so that helpers can prompt for an MFA
/// code (the `creds` CLI does):
///
/// ```
/// use std::io::IsTerminal as _;
/// use creds_core::ProviderConfig;
/// use creds_process::StdinPassthrough;
///
/// let config = ProviderConfig::new().with_extension(StdinPassthrough(std::io::stdin().is_terminal()));
/// # let _ = config;
/// ```
///
/// With passthrough the program also stays in this process's process group (a
/// program in another group that reads the terminal is stopped by `SIGTTIN`), so a
/// timeout kills only the program, not what it started; and its stderr is copied to
/// this process's stderr as well as kept for errors, so that its prompts are seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StdinPassthrough(pub bool);

/// Credentials from an external program that prints them as JSON: the shared files'
/// `credential_process`, the JavaScript SDK's `fromProcess`, Go's `processcreds`.
///
/// Built with [`ProcessProvider::builder`], from a command line
/// ([`ProcessProvider::new`]), a program and its arguments, or a profile's
/// `credential_process` ([`ProcessProvider::from_profile`]). Each
/// [`provide_credentials`](ProvideCredentials::provide_credentials) runs the program
/// once: put a [`CredentialsCache`](creds_core::CredentialsCache) in front (the default
/// chain has one), so that it runs again only when the credentials near their
/// `Expiration`, once however many tasks ask.
///
/// Errors name the program, never its arguments (they may hold a secret), and never
/// quote its output.
#[derive(Debug, Clone)]
pub struct ProcessProvider {
    pub(crate) source: Source,
    pub(crate) context: Context,
    pub(crate) config: ProviderConfig,
    pub(crate) timeout: Duration,
    pub(crate) max_output: usize,
    pub(crate) duration: Option<Duration>,
    pub(crate) stdin: Option<bool>,
}

/// Where the program comes from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// Fixed: given to the builder, or read from a profile when it was resolved.
    Program {
        program: Program,
        /// The profile's `aws_account_id`, for output without `AccountId`.
        account_id: Option<String>,
        /// The `credential_process` line, for errors.
        location: Option<Location>,
    },
    /// The `credential_process` of a profile (the selected one for `None`), read at
    /// each fetch.
    Profile(Option<String>),
}

impl ProcessProvider {
    /// Starts a builder.
    pub fn builder() -> ProcessProviderBuilder {
        ProcessProviderBuilder::default()
    }

    /// Runs `command_line` through the shell (`sh -c`; `cmd.exe` on Windows), with the
    /// default options (Go's `NewCredentials(command)`).
    pub fn new(command_line: impl Into<String>) -> Self {
        Self::builder().command_line(command_line).build()
    }

    /// Runs the `credential_process` of profile `profile_name` of the shared files
    /// that `config` locates, read at each fetch (JS `fromProcess({ profile })`). A
    /// missing profile, or one without `credential_process`, is
    /// [`NotConfigured`](ErrorKind::NotConfigured), as in JS.
    pub fn from_profile(config: &ProviderConfig, profile_name: impl Into<String>) -> Self {
        Self::builder()
            .config(config.clone())
            .profile_name(profile_name)
            .build()
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let (program, account_id, location) = match &self.source {
            Source::Program {
                program,
                account_id,
                location,
            } => (Cow::Borrowed(program), account_id.clone(), location.clone()),
            Source::Profile(name) => {
                let found = profile::lookup(&self.config, name.as_deref())?;
                (
                    Cow::Owned(found.program),
                    found.account_id,
                    Some(found.location),
                )
            }
        };
        // The program's name only: its arguments may hold a secret.
        let mut origin = format!("the credential process `{}`", program.display_name());
        if let Some(location) = &location {
            origin.push_str(&format!(" (credential_process at {location})"));
        }
        self.run(&program, account_id, origin)
            .await
            .map_err(|e| match location {
                Some(location) if e.location().is_none() => e.with_location(location),
                _ => e,
            })
    }

    async fn run(
        &self,
        program: &Program,
        account_id: Option<String>,
        origin: String,
    ) -> Result<Credentials, CredentialsError> {
        let name = program.display_name();
        let limits = Limits {
            timeout: self.timeout,
            max_output: self.max_output,
            stdin: self.stdin.unwrap_or_else(|| {
                self.config
                    .extension::<StdinPassthrough>()
                    .is_some_and(|on| on.0)
            }),
            #[cfg(test)]
            fail_kill: false,
        };
        tracing::debug!(program = %name, "running the credential process");
        let started = Instant::now();
        let stdout = run::run(program.command(&self.context), limits)
            .await
            .map_err(|failure| describe(failure, program, &self.context, &name, &limits))?;
        tracing::debug!(program = %name, elapsed = ?started.elapsed(), "the credential process answered");
        let who = format!("the credential process `{name}`");
        let text = std::str::from_utf8(&stdout)
            .map_err(|_| output::bad(&who, &"printed output that is not UTF-8"))?;
        let creds = output::parse(text, self.config.clock(), &who, Some(origin))?;
        let missing_account = creds.account_id().is_none() && account_id.is_some();
        let give_expiration = creds.expiration().is_none() && self.duration.is_some();
        if !missing_account && !give_expiration {
            return Ok(creds);
        }
        let mut builder = creds.to_builder();
        if missing_account {
            builder = builder.set_account_id(account_id);
        }
        if let (true, Some(duration)) = (give_expiration, self.duration) {
            builder = builder.expiration(later(self.config.clock().now(), duration));
        }
        Ok(builder.build())
    }
}

impl ProvideCredentials for ProcessProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.fetch())
    }

    fn name(&self) -> &'static str {
        NAME
    }
}

fn later(now: Timestamp, after: Duration) -> Timestamp {
    SignedDuration::try_from(after)
        .ok()
        .and_then(|after| now.checked_add(after).ok())
        .unwrap_or(Timestamp::MAX)
}

/// The error for a run that failed. Kinds: a program that cannot be started, that the
/// shell cannot find or run (exit 126, 127) or that prints too much is
/// `InvalidConfig`; a timeout, another failing exit or an I/O failure is `Unavailable`.
/// The stderr text quoted never shows the arguments or the variables set for the
/// program (see [`Redactions`]).
fn describe(
    failure: Failure,
    program: &Program,
    context: &Context,
    name: &str,
    limits: &Limits,
) -> CredentialsError {
    match failure {
        Failure::Spawn(e) => CredentialsError::invalid_config(
            NAME,
            format!("cannot start the credential process `{name}`: {e}; check the command"),
        ),
        Failure::TimedOut => CredentialsError::unavailable(
            NAME,
            format!(
                "the credential process `{name}` timed out after {:?} and was killed{}; make it \
                 answer sooner or raise the timeout",
                limits.timeout,
                if limits.stdin {
                    ""
                } else {
                    " with every process it started"
                }
            ),
        ),
        Failure::TooMuchOutput => CredentialsError::invalid_config(
            NAME,
            format!(
                "the credential process `{name}` printed more than {} bytes on standard output and \
                 was killed; it must print only the credentials document",
                limits.max_output
            ),
        ),
        Failure::Exit { status, stderr } => {
            let shell_could_not_run =
                matches!(program, Program::Shell(_)) && matches!(status.code(), Some(126 | 127));
            let kind = if shell_could_not_run {
                ErrorKind::InvalidConfig
            } else {
                ErrorKind::Unavailable
            };
            let said = match stderr.summary(&Redactions::new(program, context)) {
                Some(text) => format!("its error output: {text}"),
                None => "it wrote nothing on standard error".to_owned(),
            };
            CredentialsError::new(
                kind,
                NAME,
                format!("the credential process `{name}` failed ({status}); {said}"),
            )
        }
        Failure::Io(e) => CredentialsError::unavailable(
            NAME,
            format!("reading from the credential process `{name}` failed: {e}"),
        ),
        Failure::Runner(e) => CredentialsError::unavailable(
            NAME,
            format!("cannot run the credential process `{name}`: {e}"),
        ),
        Failure::Cancelled => CredentialsError::unavailable(
            NAME,
            format!("the credential process `{name}` was cancelled"),
        ),
    }
}
