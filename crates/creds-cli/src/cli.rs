//! The command line: commands, options and help text.

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  no credentials found: no source is configured
  2  usage error
  3  invalid configuration: a source is configured wrongly (the message says where)
  4  unavailable: a source could not be reached or read
  5  rejected: the service refused the request
  70  creds could not do its part: write its output, listen (serve), read its token file
  126, 127  exec: the command could not be run, or was not found

Environment: AWS_PROFILE, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, AWS_ACCOUNT_ID.";

/// Resolve AWS credentials exactly as the official SDKs do, and export or explain them.
#[derive(Parser)]
#[command(name = "creds", version, after_help = EXIT_CODES, propagate_version = true)]
pub(crate) struct Cli {
    /// Use this profile of the shared files (over AWS_PROFILE); skips the environment keys.
    #[arg(long, global = true, value_name = "PROFILE")]
    pub(crate) profile: Option<String>,

    /// The code of the MFA device of a role that needs one (mfa_serial), for this run.
    /// Without it, creds asks on the terminal when stdin is one. (Other users of this
    /// machine may read a command line for as long as it runs: prefer the prompt
    /// where there is a terminal.)
    #[arg(long, global = true, value_name = "CODE")]
    pub(crate) mfa_code: Option<String>,

    /// Print only errors on stderr: no status line, no chain summary, no warnings.
    #[arg(long, short, global = true)]
    pub(crate) quiet: bool,

    /// Log the chain's reasoning on stderr (-vv for more).
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print the resolved credentials.
    #[command(after_help = EXIT_CODES)]
    Export(ExportArgs),
    /// Run a command with the resolved credentials in its environment.
    ///
    /// The command gets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and, when the
    /// credentials have them, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION and
    /// AWS_ACCOUNT_ID; AWS_PROFILE and the container and web identity variables are
    /// removed so that its SDK cannot pick another identity. The profile's region is
    /// passed as AWS_REGION and AWS_DEFAULT_REGION unless one of them is set. On Unix
    /// creds replaces itself with the command: its exit code and signals are the
    /// command's own.
    #[command(after_help = EXIT_CODES)]
    Exec(ExecArgs),
    /// Show which sources were tried, in order, what each found and why the winner won.
    #[command(after_help = EXIT_CODES)]
    Explain(ExplainArgs),
    /// Serve the credentials to any SDK as a container credentials endpoint.
    ///
    /// Listens on loopback only, with a random bearer token, and prints
    /// AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN (or,
    /// with --token-file, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) to export where the
    /// SDKs run. Every request is answered from a cache that refreshes the credentials
    /// 25 minutes before they expire. Runs until SIGINT (Ctrl-C) or SIGTERM.
    #[command(after_help = EXIT_CODES)]
    Serve(ServeArgs),
    /// Sign in to IAM Identity Center (SSO), or out, without the aws CLI.
    ///
    /// `login` runs the device authorization flow of the profile's SSO session
    /// (--profile, AWS_PROFILE, else default) or of --sso-session, and writes the token
    /// to ~/.aws/sso/cache as `aws sso login` does: creds, the aws CLI and every SDK
    /// then use it. `logout` removes that token.
    #[command(subcommand)]
    Sso(SsoCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum SsoCommand {
    /// Sign in: open the verification page, wait for the approval, cache the token.
    #[command(after_help = EXIT_CODES)]
    Login(SsoLoginArgs),
    /// Sign out: tell the portal and remove the session's cached token.
    ///
    /// Only the token of this profile's (or --sso-session's) session is removed, and
    /// the client registration is kept for the next login; `aws sso logout` removes
    /// every cached SSO token.
    #[command(after_help = EXIT_CODES)]
    Logout(SsoSessionArgs),
}

#[derive(Debug, Args)]
pub(crate) struct SsoSessionArgs {
    /// The [sso-session NAME] to use instead of the profile's (not with --profile:
    /// one would silently lose).
    #[arg(long, value_name = "NAME", conflicts_with = "profile")]
    pub(crate) sso_session: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct SsoLoginArgs {
    #[command(flatten)]
    pub(crate) session: SsoSessionArgs,

    /// Do not open a browser: only print the URL and the code.
    #[arg(long)]
    pub(crate) no_browser: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Process)]
    pub(crate) format: Format,

    /// Do not read or write assumed-role credentials in ~/.aws/cli/cache.
    #[arg(long)]
    pub(crate) no_cache: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ExecArgs {
    /// Do not read or write assumed-role credentials in ~/.aws/cli/cache.
    #[arg(long)]
    pub(crate) no_cache: bool,

    /// The command and its arguments, after `--`.
    #[arg(required = true, num_args = 1.., trailing_var_arg = true, value_name = "COMMAND")]
    pub(crate) command: Vec<std::ffi::OsString>,
}

#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// Print JSON for machines instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The loopback address to listen on (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:0", value_parser = crate::serve::parse_loopback)]
    pub(crate) addr: std::net::SocketAddr,

    /// Write the token to this file (mode 0600, replaced if it exists, removed on exit)
    /// and print AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE instead of the token.
    #[arg(long, value_name = "PATH")]
    pub(crate) token_file: Option<std::path::PathBuf>,

    /// How the variables are printed.
    #[arg(long, value_enum, default_value_t = ServeFormat::Env)]
    pub(crate) format: ServeFormat,
}

/// How `creds serve` prints the variables to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ServeFormat {
    /// `export NAME=value` lines for POSIX shells.
    Env,
    /// `NAME=value` lines, without `export`.
    EnvNoExport,
    /// `$Env:NAME='value'` lines for PowerShell.
    Powershell,
    /// A JSON object of the variables.
    Json,
}

/// How `creds export` prints credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// The credential_process JSON document (`"Version": 1`): usable as a credential_process.
    Process,
    /// `export AWS_ACCESS_KEY_ID=...` lines for POSIX shells.
    Env,
    /// `AWS_ACCESS_KEY_ID=...` lines, without `export`.
    EnvNoExport,
    /// `$Env:AWS_ACCESS_KEY_ID="..."` lines for PowerShell.
    Powershell,
    /// A JSON object with the provider's name.
    Json,
}

/// The MFA code is never shown.
impl std::fmt::Debug for Cli {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cli")
            .field("profile", &self.profile)
            .field(
                "mfa_code",
                &self.mfa_code.as_ref().map(|_| creds::core::REDACTED),
            )
            .field("quiet", &self.quiet)
            .field("command", &self.command)
            .finish_non_exhaustive()
    }
}

/// How long one fetch may take when stdin is a terminal: a person may be answering.
const INTERACTIVE_DEADLINE: std::time::Duration = std::time::Duration::from_secs(10 * 60);

impl Cli {
    pub(crate) fn chain_builder(&self) -> creds::DefaultChainBuilder {
        use std::io::IsTerminal as _;
        let interactive = std::io::stdin().is_terminal();
        // A credential_process may prompt (for an MFA code): let it read the terminal,
        // and only a terminal, never a pipe meant for us.
        let mut config = creds::ProviderConfig::new()
            .with_extension(creds::process::StdinPassthrough(interactive));
        if let Some(mfa) = crate::mfa::provider(self.mfa_code.clone(), interactive) {
            config = config.with_extension(mfa);
        }
        if interactive {
            // Someone may be typing an MFA code, or answering a credential_process's
            // prompt: the caches' 30 s deadline would cut them off.
            config = config.with_extension(creds::FetchDeadline(INTERACTIVE_DEADLINE));
        }
        // export and exec keep assumed roles between runs, as the aws CLI does.
        let file_cache = match &self.command {
            Command::Export(args) => !args.no_cache,
            Command::Exec(args) => !args.no_cache,
            Command::Explain(_) | Command::Serve(_) | Command::Sso(_) => false,
        };
        if file_cache {
            if let Some(cache) = creds::sts::FileCache::aws_cli(&config) {
                config = config.with_extension(cache);
            }
        }
        let builder = creds::DefaultChain::builder().config(config);
        match &self.profile {
            Some(profile) => builder.profile_name(profile.clone()),
            None => builder,
        }
    }
}
