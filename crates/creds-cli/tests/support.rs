//! What the binary's tests share: a temp HOME, and the binary run in it as a user runs
//! it, with a cleared environment and instance metadata disabled.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use creds_testkit::TempHome;

/// AWS's documented example secret: it opens nothing.
pub(crate) const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/// A second example secret, for session credentials.
pub(crate) const SESSION_SECRET: &str = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";
/// A made-up session token.
pub(crate) const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLETOKEN";

/// A temp HOME, removed on drop.
pub(crate) struct Home(TempHome);

impl Home {
    pub(crate) fn new() -> Self {
        let home = TempHome::new();
        std::fs::create_dir_all(home.path().join(".aws")).unwrap();
        Home(home)
    }

    pub(crate) fn path(&self) -> &Path {
        self.0.path()
    }

    /// Writes `~/.aws/config` and `~/.aws/credentials`.
    pub(crate) fn with_files(self, config: &str, credentials: &str) -> Self {
        self.0.write_config(config);
        self.0.write_credentials(credentials);
        self
    }

    /// Writes an executable `#!/bin/sh` script and returns its path.
    pub(crate) fn write_script(&self, name: &str, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt as _;
        let path = self.path().join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    /// Gives `cmd` this HOME, `PATH` and nothing else of the environment, instance
    /// metadata disabled, every AWS service endpoint at a loopback port where nothing
    /// listens (a test that calls STS points `AWS_ENDPOINT_URL_STS` at its server), and
    /// no stdin.
    pub(crate) fn isolate<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        cmd.env_clear()
            .env("HOME", self.path())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_ENDPOINT_URL", creds_testkit::refused_url())
            .stdin(Stdio::null())
    }

    /// The `creds` binary with `args`, isolated.
    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_creds"));
        self.isolate(&mut cmd).args(args);
        cmd
    }

    /// Runs `creds` with `args` and the extra variables `env`.
    pub(crate) fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = self.command(args);
        cmd.envs(env.iter().copied());
        cmd.output().unwrap()
    }
}

/// Runs `creds ARGS` on a pseudo-terminal (through util-linux `script`; stdin from
/// `stdin`, shell redirection or nothing), returning what the terminal showed: stdout
/// and stderr together.
pub(crate) fn on_terminal(home: &Home, args: &str, stdin: &str, env: &[(&str, &str)]) -> String {
    let line = format!("{} {args} {stdin}", env!("CARGO_BIN_EXE_creds"));
    let mut cmd = Command::new("script");
    home.isolate(&mut cmd)
        .env("TERM", "xterm")
        .envs(env.iter().copied())
        .args(["-qec", &line, "/dev/null"]);
    let out = cmd.output().expect("util-linux `script` runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Neither stdout nor stderr holds any of `secrets`.
pub(crate) fn assert_no_secret(output: &Output, secrets: &[&str]) {
    creds_testkit::assert_no_secret(&text(&output.stdout), secrets);
    creds_testkit::assert_no_secret(&text(&output.stderr), secrets);
}
