//! `creds sso login` and `creds sso logout`: IAM Identity Center sign-in without the
//! aws CLI, writing the token cache as it does so that each tool uses the other's.

#![allow(clippy::print_stderr)]

use std::io::Write as _;

use creds::ProviderConfig;
use creds::sso::SsoSession;
use creds::sso::device::{self, DeviceLogin, LoggedOut, Waiting};

use crate::cli::{SsoCommand, SsoLoginArgs, SsoSessionArgs};
use crate::exit;
use crate::status::{StatusLine, Ui};

pub(crate) async fn run(
    config: ProviderConfig,
    profile: Option<&str>,
    command: &SsoCommand,
    ui: &Ui,
) -> Result<(), u8> {
    match command {
        SsoCommand::Login(args) => login(&config, profile, args, ui).await,
        SsoCommand::Logout(args) => logout(&config, profile, args, ui).await,
    }
}

/// The session of `--sso-session`, else of the profile (`--profile`, `AWS_PROFILE`,
/// `default`), in either form.
fn session(
    config: &ProviderConfig,
    profile: Option<&str>,
    args: &SsoSessionArgs,
) -> Result<SsoSession, u8> {
    match &args.sso_session {
        Some(name) => SsoSession::from_config(config, name),
        None => SsoSession::for_profile(config, profile),
    }
    .map_err(|e| exit::report(&e))
}

async fn login(
    config: &ProviderConfig,
    profile: Option<&str>,
    args: &SsoLoginArgs,
    ui: &Ui,
) -> Result<(), u8> {
    let session = session(config, profile, &args.session)?;
    let login = DeviceLogin::start(config, &session)
        .await
        .map_err(|e| exit::report(&e))?;
    let opened = !args.no_browser && open_browser(config, login.verification_uri_complete());
    // The aws CLI's words, so that people (and scripts) that know it find their way.
    let opening = if opened {
        "Attempting to open your default browser.\nIf the browser does not open or you wish \
         to use a different device to authorize this request, open the following URL:"
    } else {
        "To authorize this request, open the following URL on any device:"
    };
    eprintln!(
        "{opening}\n\n{}\n\nThen enter the code:\n\n{}\n",
        login.verification_uri(),
        login.user_code()
    );
    let progress_line = !ui.quiet && ui.status != StatusLine::Off;
    let done = login
        .finish(|waiting| {
            if progress_line {
                draw_progress(waiting);
            }
        })
        .await;
    if progress_line {
        // Erase the progress line.
        eprint!("\r\x1b[2K");
    }
    let done = done.map_err(|e| exit::report(&e))?;
    if !ui.quiet {
        eprintln!(
            "Successfully logged into Start URL: {}\nThe token ({}) is valid until {} and is \
             kept in {}",
            session.start_url(),
            match session.name() {
                Some(name) => format!("sso-session {name}, refreshed before it expires"),
                None => "legacy form, not refreshed".to_owned(),
            },
            done.expires_at(),
            done.token_file().display()
        );
    }
    Ok(())
}

/// `Waiting for approval in the browser... 9m 58s left`, redrawn in place.
fn draw_progress(waiting: &Waiting) {
    let left = waiting.left.as_secs();
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "\r\x1b[2KWaiting for the approval in the browser ({}m {:02}s left, checking every {} s)",
        left / 60,
        left % 60,
        waiting.interval.as_secs()
    );
    let _ = err.flush();
}

/// Opens `url` in a browser where one can be: `$BROWSER` (as Python's `webbrowser`,
/// which the aws CLI uses, reads it), else `open` on macOS, `xdg-open` on Linux and
/// the BSDs with a display, `start` on Windows. Returns whether one was started.
fn open_browser(config: &ProviderConfig, url: &str) -> bool {
    // The URL comes from the service: only a plain https URL goes to a launcher, so
    // that it can be neither an option, another scheme, nor shell syntax.
    if !is_plain_https(url) {
        tracing::debug!("not opening a verification URL that is not a plain https URL");
        return false;
    }
    let env = config.env();
    let mut command = if let Some(browser) = env.get_non_blank("BROWSER") {
        // Python's form: the first of a `:`-separated list, `%s` replaced by the URL.
        let first = browser.split(':').next().unwrap_or_default().to_owned();
        let mut parts = first.split_whitespace().map(str::to_owned);
        let Some(program) = parts.next() else {
            return false;
        };
        let mut args: Vec<String> = parts.collect();
        if args.iter().any(|a| a.contains("%s")) {
            for arg in &mut args {
                *arg = arg.replace("%s", url);
            }
        } else {
            args.push(url.to_owned());
        }
        let mut command = std::process::Command::new(program);
        command.args(args);
        command
    } else if cfg!(target_os = "macos") {
        let mut command = std::process::Command::new("open");
        command.arg(url);
        command
    } else if cfg!(windows) {
        // ShellExecute through url.dll, as Python's webbrowser does it: no cmd.exe,
        // whose `&`, `|` and `^` a URL could use.
        let mut command = std::process::Command::new("rundll32");
        command.args(["url.dll,FileProtocolHandler", url]);
        command
    } else if env.get_non_blank("DISPLAY").is_some()
        || env.get_non_blank("WAYLAND_DISPLAY").is_some()
    {
        let mut command = std::process::Command::new("xdg-open");
        command.arg(url);
        command
    } else {
        return false;
    };
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    match command.spawn() {
        Ok(mut child) => {
            // Reap it when it exits, without waiting for it here.
            std::thread::spawn(move || {
                let _ = child.wait();
            });
            true
        }
        Err(e) => {
            tracing::debug!("cannot start a browser: {e}");
            false
        }
    }
}

/// `https://host/...` with a host, and nothing a shell or a launcher reads as syntax:
/// no whitespace, control characters, quotes or backslashes.
fn is_plain_https(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    !host.is_empty()
        && url.chars().all(|c| {
            c.is_ascii_graphic() && !matches!(c, '"' | '\'' | '\\' | '`' | '^' | '|' | '<' | '>')
        })
}

async fn logout(
    config: &ProviderConfig,
    profile: Option<&str>,
    args: &SsoSessionArgs,
    ui: &Ui,
) -> Result<(), u8> {
    let session = session(config, profile, args)?;
    let outcome = device::logout(config, &session)
        .await
        .map_err(|e| exit::report(&e))?;
    if !ui.quiet {
        match outcome {
            LoggedOut::Removed(path) => eprintln!(
                "Signed out of {}: removed {}",
                session.start_url(),
                path.display()
            ),
            LoggedOut::NoToken(path) => eprintln!(
                "No SSO token to remove for {} ({} does not exist)",
                session.start_url(),
                path.display()
            ),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_plain_https;

    #[test]
    fn only_plain_https_urls_are_opened() {
        for (url, opened) in [
            (
                "https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH",
                true,
            ),
            // A query separator: harmless, as no shell sees the URL.
            ("https://x/?a=1&b=2", true),
            ("http://device.sso.eu-west-1.amazonaws.com/", false),
            ("file:///etc/passwd", false),
            ("-https://x/", false),
            ("https:///path", false),
            ("https://x/ & calc", false),
            ("https://x/|calc", false),
            ("https://x/\"a", false),
            ("https://x/\n", false),
        ] {
            assert_eq!(is_plain_https(url), opened, "{url}");
        }
    }
}
