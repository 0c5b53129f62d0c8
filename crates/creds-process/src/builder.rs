//! [`ProcessProviderBuilder`].

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use creds_core::{ProviderConfig, REDACTED};

use crate::command::{Context, Program, exec_display_name, shell_display_name};
use crate::provider::{DEFAULT_MAX_OUTPUT, DEFAULT_TIMEOUT, ProcessProvider, Source};

/// Builds a [`ProcessProvider`].
///
/// What to run is the last of [`command_line`](Self::command_line) (through the
/// shell), [`program`](Self::program) (no shell) and
/// [`profile_name`](Self::profile_name) (a profile's `credential_process`) that was
/// called; with none of them, the `credential_process` of the profile that the
/// [`config`](Self::config) selects (JS `fromProcess()`).
///
/// ```
/// use std::time::Duration;
/// use creds_process::ProcessProvider;
///
/// // Go's NewCredentialsTimeout(command, timeout), through `sh -c`:
/// let by_shell = ProcessProvider::builder()
///     .command_line("aws-vault export --format=json-process work")
///     .timeout(Duration::from_secs(30))
///     .build();
///
/// // Go's NewCredentialsCommand: no shell, explicit arguments, environment and directory.
/// let direct = ProcessProvider::builder()
///     .program("/usr/local/bin/vault-helper")
///     .arg("--role")
///     .arg("deploy")
///     .env("VAULT_ADDR", "http://127.0.0.1:8200")
///     .current_dir("/srv")
///     .max_output(16 * 1024)
///     .duration(Duration::from_secs(15 * 60))
///     .build();
/// # let _ = (by_shell, direct);
/// ```
#[derive(Clone, Default)]
pub struct ProcessProviderBuilder {
    config: Option<ProviderConfig>,
    config_file: Option<PathBuf>,
    credentials_file: Option<PathBuf>,
    what: What,
    program: Option<OsString>,
    args: Vec<OsString>,
    context: Context,
    timeout: Option<Duration>,
    max_output: Option<usize>,
    duration: Option<Duration>,
    stdin: Option<bool>,
}

#[derive(Clone, Default)]
enum What {
    #[default]
    SelectedProfile,
    Profile(String),
    CommandLine(String),
    Program,
}

impl ProcessProviderBuilder {
    /// The world to read: the shared files for a profile's command, and the clock that
    /// judges `Expiration` and sets [`duration`](Self::duration)'s. Default:
    /// [`ProviderConfig::new`]. The program's environment is this process's, not the
    /// config's [`Env`](creds_core::Env).
    pub fn config(mut self, config: ProviderConfig) -> Self {
        self.config = Some(config);
        self
    }

    /// Reads the shared config file from `path` (JS `fromProcess({ configFilepath })`),
    /// over `AWS_CONFIG_FILE` and `~/.aws/config`: applies
    /// [`ProviderConfig::with_config_file`] to the [`config`](Self::config), whichever
    /// of the two is called first. For a profile's command only.
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config_file = Some(path.into());
        self
    }

    /// Reads the shared credentials file from `path` (JS
    /// `fromProcess({ filepath })`), over `AWS_SHARED_CREDENTIALS_FILE` and
    /// `~/.aws/credentials`: applies [`ProviderConfig::with_credentials_file`] to the
    /// [`config`](Self::config), whichever of the two is called first. For a profile's
    /// command only.
    pub fn credentials_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.credentials_file = Some(path.into());
        self
    }

    /// Runs `command_line` through the platform shell, `sh -c` (`cmd.exe /d /s /c` on
    /// Windows), as a `credential_process` line is run.
    pub fn command_line(mut self, command_line: impl Into<String>) -> Self {
        self.what = What::CommandLine(command_line.into());
        self
    }

    /// Runs `program` directly, without a shell, with the arguments given by
    /// [`arg`](Self::arg) and [`args`](Self::args). A bare name is looked up in `PATH`.
    pub fn program(mut self, program: impl Into<OsString>) -> Self {
        self.program = Some(program.into());
        self.what = What::Program;
        self
    }

    /// Adds an argument for [`program`](Self::program).
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Adds arguments for [`program`](Self::program).
    pub fn args(mut self, args: impl IntoIterator<Item = impl Into<OsString>>) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Runs the `credential_process` of profile `name` of the shared files, read at
    /// each fetch (JS `fromProcess({ profile })`).
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.what = What::Profile(name.into());
        self
    }

    /// Sets a variable in the program's environment, which is otherwise inherited.
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.context.envs.push((key.into(), value.into()));
        self
    }

    /// Starts the program with no inherited variables, only those set with
    /// [`env`](Self::env).
    pub fn env_clear(mut self) -> Self {
        self.context.env_clear = true;
        self.context.envs.clear();
        self
    }

    /// The program's working directory (default: this process's).
    pub fn current_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.context.current_dir = Some(dir.into());
        self
    }

    /// How long the program may run before it is killed, with every process it started
    /// (its process group), and the fetch fails as
    /// [`Unavailable`](creds_core::ErrorKind::Unavailable). Default: one minute (Go v2).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How many bytes the program may print on stdout (Go v1's `MaxBufSize`). Past it
    /// the program is killed and the fetch fails as
    /// [`InvalidConfig`](creds_core::ErrorKind::InvalidConfig); the excess is never
    /// buffered. Default: [`DEFAULT_MAX_OUTPUT`], 64 KiB.
    pub fn max_output(mut self, bytes: usize) -> Self {
        self.max_output = Some(bytes);
        self
    }

    /// Credentials printed without `Expiration` expire this long after they were
    /// fetched (by the [`config`](Self::config)'s clock), so that a cache runs the
    /// program again then (the option is named after Go v1's `Duration`). Default:
    /// none; such credentials are kept until the cache is told otherwise, as the SDKs
    /// do.
    pub fn duration(mut self, duration: Duration) -> Self {
        self.duration = Some(duration);
        self
    }

    /// Whether the program reads this process's stdin (to prompt for an MFA code) or
    /// `/dev/null`. Default: the [`StdinPassthrough`](crate::StdinPassthrough)
    /// extension of the config, off without one. See there for what passthrough
    /// changes.
    pub fn stdin_passthrough(mut self, on: bool) -> Self {
        self.stdin = Some(on);
        self
    }

    /// Builds the provider.
    pub fn build(self) -> ProcessProvider {
        let source = match self.what {
            What::SelectedProfile => Source::Profile(None),
            What::Profile(name) => Source::Profile(Some(name)),
            What::CommandLine(line) => Source::Program {
                program: Program::Shell(line),
                account_id: None,
                location: None,
            },
            What::Program => Source::Program {
                program: Program::Exec {
                    program: self.program.unwrap_or_default(),
                    args: self.args,
                },
                account_id: None,
                location: None,
            },
        };
        let mut config = self.config.unwrap_or_default();
        if let Some(path) = self.config_file {
            config = config.with_config_file(path);
        }
        if let Some(path) = self.credentials_file {
            config = config.with_credentials_file(path);
        }
        ProcessProvider {
            source,
            context: self.context,
            config,
            timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
            max_output: self.max_output.unwrap_or(DEFAULT_MAX_OUTPUT),
            duration: self.duration,
            stdin: self.stdin,
        }
    }
}

/// Never the command line nor an argument (they may hold a secret): the program's name
/// and how many arguments it has; variable names without their values.
impl fmt::Debug for ProcessProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProcessProviderBuilder")
            .field("config", &self.config)
            .field("config_file", &self.config_file)
            .field("credentials_file", &self.credentials_file)
            .field("what", &self.what)
            .field("program", &self.program.as_deref().map(exec_display_name))
            .field("args", &self.args.len())
            .field("context", &self.context)
            .field("timeout", &self.timeout)
            .field("max_output", &self.max_output)
            .field("duration", &self.duration)
            .field("stdin", &self.stdin)
            .finish()
    }
}

/// A command line shows as its program's name, as [`Program`]'s `Debug` does.
impl fmt::Debug for What {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            What::SelectedProfile => f.write_str("SelectedProfile"),
            What::Profile(name) => f.debug_tuple("Profile").field(name).finish(),
            What::CommandLine(line) => f
                .debug_struct("CommandLine")
                .field("program", &shell_display_name(line))
                .field("command_line", &REDACTED)
                .finish(),
            What::Program => f.write_str("Program"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cr3t-BUILDER-SECRET";

    #[test]
    fn debug_shows_program_names_and_counts_only() {
        let shell = ProcessProviderBuilder::default()
            .command_line(format!("TOKEN={SECRET} /usr/bin/helper --token {SECRET}"))
            .env("HELPER_TOKEN", SECRET);
        let shown = format!("{shell:?}");
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(shown.contains("\"/usr/bin/helper\""), "{shown}");
        assert!(shown.contains("HELPER_TOKEN"), "{shown}");

        let exec = ProcessProviderBuilder::default()
            .program("/usr/bin/helper")
            .arg("--token")
            .arg(SECRET)
            .args([format!("--other={SECRET}")])
            .env("HELPER_TOKEN", SECRET);
        let shown = format!("{exec:?}");
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(shown.contains("\"/usr/bin/helper\""), "{shown}");
        assert!(shown.contains("args: 3"), "{shown}");
        let shown = format!("{:?}", exec.build());
        assert!(!shown.contains(SECRET), "{shown}");
    }

    #[test]
    fn config_and_credentials_files_apply_to_the_config_in_any_order() {
        let shown = |b: ProcessProviderBuilder| format!("{:?}", b.build().config);
        let before = ProcessProviderBuilder::default()
            .config_file("/etc/aws/config")
            .credentials_file("/etc/aws/credentials")
            .config(ProviderConfig::empty());
        let after = ProcessProviderBuilder::default()
            .config(ProviderConfig::empty())
            .config_file("/etc/aws/config")
            .credentials_file("/etc/aws/credentials");
        for builder in [before, after] {
            let shown = shown(builder);
            assert!(
                shown.contains("config_file: Some(\"/etc/aws/config\")"),
                "{shown}"
            );
            assert!(
                shown.contains("credentials_file: Some(\"/etc/aws/credentials\")"),
                "{shown}"
            );
        }
    }
}
