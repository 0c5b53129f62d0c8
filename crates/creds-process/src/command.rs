//! What to run: a command line through the platform shell, or a program with explicit
//! arguments; and how it is shown in errors and logs (its arguments never are).

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::PathBuf;

/// The program a [`ProcessProvider`](crate::ProcessProvider) runs.
#[derive(Clone)]
pub(crate) enum Program {
    /// A command line, run by `sh -c` (`cmd.exe /d /s /c` on Windows).
    Shell(String),
    /// A program and its arguments, run directly.
    Exec {
        program: OsString,
        args: Vec<OsString>,
    },
}

/// The environment and working directory of the program.
#[derive(Clone, Default)]
pub(crate) struct Context {
    pub(crate) env_clear: bool,
    pub(crate) envs: Vec<(OsString, OsString)>,
    pub(crate) current_dir: Option<PathBuf>,
}

impl Program {
    /// The command to spawn; stdio and the process group are the runner's business.
    pub(crate) fn command(&self, context: &Context) -> std::process::Command {
        let mut command = match self {
            Program::Shell(line) => shell(line),
            Program::Exec { program, args } => {
                let mut command = std::process::Command::new(program);
                command.args(args);
                command
            }
        };
        if context.env_clear {
            command.env_clear();
        }
        command.envs(context.envs.iter().map(|(k, v)| (k, v)));
        if let Some(dir) = &context.current_dir {
            command.current_dir(dir);
        }
        command
    }

    /// The program's name, for errors and logs: never its arguments, which may hold a
    /// secret (`helper --token ...`), nor variable assignments before it.
    pub(crate) fn display_name(&self) -> String {
        match self {
            Program::Shell(line) => shell_display_name(line),
            Program::Exec { program, .. } => exec_display_name(program),
        }
    }
}

/// [`Program::display_name`] of a command line: its first word that is not a variable
/// assignment, quotes trimmed.
pub(crate) fn shell_display_name(line: &str) -> String {
    line.split_whitespace()
        .find(|word| !word.contains('='))
        .map(|word| word.trim_matches(['"', '\'']).to_owned())
        .filter(|word| !word.is_empty())
        .unwrap_or_else(|| "(command line)".to_owned())
}

/// [`Program::display_name`] of a program run without a shell.
pub(crate) fn exec_display_name(program: &OsStr) -> String {
    program.to_string_lossy().into_owned()
}

#[cfg(unix)]
fn shell(line: &str) -> std::process::Command {
    // An absolute path, as Node's `exec` uses: it works with a cleared environment.
    let mut command = std::process::Command::new("/bin/sh");
    command.arg("-c").arg(line);
    command
}

#[cfg(windows)]
fn shell(line: &str) -> std::process::Command {
    use std::os::windows::process::CommandExt as _;
    // As Node's `exec`: no AutoRun (/d), the line passed verbatim inside quotes that
    // /s strips, so that cmd.exe sees exactly what the user wrote.
    let mut command = std::process::Command::new("cmd.exe");
    command.raw_arg("/d /s /c").raw_arg(format!("\"{line}\""));
    command
}

#[cfg(not(any(unix, windows)))]
fn shell(line: &str) -> std::process::Command {
    let mut command = std::process::Command::new("sh");
    command.arg("-c").arg(line);
    command
}

/// The program's name and how many arguments it has; never their values.
impl fmt::Debug for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Program::Shell(_) => f
                .debug_struct("Shell")
                .field("program", &self.display_name())
                .field("command_line", &creds_core::REDACTED)
                .finish(),
            Program::Exec { args, .. } => f
                .debug_struct("Exec")
                .field("program", &self.display_name())
                .field("args", &args.len())
                .finish(),
        }
    }
}

/// Variable names only, as creds-core's `Env` shows them.
impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("env_clear", &self.env_clear)
            .field(
                "envs",
                &self.envs.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("current_dir", &self.current_dir)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_name_never_shows_arguments() {
        let shell = |s: &str| Program::Shell(s.to_owned()).display_name();
        assert_eq!(shell("/usr/bin/helper --token s3cr3t"), "/usr/bin/helper");
        assert_eq!(shell("TOKEN=s3cr3t helper --x"), "helper");
        assert_eq!(shell("  \"/opt/my helper\" x"), "/opt/my");
        assert_eq!(shell("A=b"), "(command line)");
        let exec = Program::Exec {
            program: "helper".into(),
            args: vec!["--token".into(), "s3cr3t".into()],
        };
        assert_eq!(exec.display_name(), "helper");
        let debug = format!("{exec:?} {:?}", Program::Shell("helper s3cr3t".into()));
        assert!(!debug.contains("s3cr3t"), "{debug}");
        let context = Context {
            envs: vec![("TOKEN".into(), "s3cr3t".into())],
            ..Context::default()
        };
        assert!(!format!("{context:?}").contains("s3cr3t"));
    }
}
