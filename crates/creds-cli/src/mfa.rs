//! Where MFA codes come from: `--mfa-code`, or the terminal, asked with its echo off
//! (as the aws CLI's `getpass` asks).

use creds::CredentialsError;
use creds::sts::MfaCodeProvider;

/// `--mfa-code` when given; else, when stdin is a terminal, a prompt on the terminal
/// (`/dev/tty`); else none, so that a role that needs a code fails saying so instead
/// of waiting on a pipe.
pub(crate) fn provider(code: Option<String>, interactive: bool) -> Option<MfaCodeProvider> {
    if let Some(code) = code {
        return Some(MfaCodeProvider::fixed(code));
    }
    if !interactive {
        return None;
    }
    Some(MfaCodeProvider::new(|serial| {
        let serial = serial.to_owned();
        async move {
            tokio::task::spawn_blocking(move || ask(&serial))
                .await
                .map_err(|_| CredentialsError::unavailable("mfa", "the MFA prompt stopped"))?
        }
    }))
}

/// Asks on the terminal for the code of `serial`, echo off.
#[cfg(unix)]
fn ask(serial: &str) -> Result<String, CredentialsError> {
    use std::io::{BufRead as _, Write as _};

    let no_terminal = |e: std::io::Error| {
        CredentialsError::invalid_config(
            "mfa",
            format!(
                "a role needs an MFA code for {serial}, and the terminal cannot be opened ({e}): pass --mfa-code"
            ),
        )
    };
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(no_terminal)?;
    let mut out = &tty;
    write!(out, "Enter MFA code for {serial}: ")
        .and_then(|()| out.flush())
        .map_err(no_terminal)?;
    let line = {
        let _quiet = EchoOff::new(&tty);
        let mut line = String::new();
        std::io::BufReader::new(&tty)
            .read_line(&mut line)
            .map_err(no_terminal)?;
        line
    };
    Ok(line.trim().to_owned())
}

#[cfg(not(unix))]
fn ask(serial: &str) -> Result<String, CredentialsError> {
    Err(CredentialsError::invalid_config(
        "mfa",
        format!("a role needs an MFA code for {serial}: pass --mfa-code"),
    ))
}

/// The terminal's echo, off until dropped.
#[cfg(unix)]
struct EchoOff {
    fd: std::os::fd::RawFd,
    saved: Option<libc::termios>,
}

#[cfg(unix)]
impl EchoOff {
    // tcgetattr and tcsetattr on a descriptor that outlives the guard: the file is
    // borrowed for the guard's whole life.
    #[allow(unsafe_code)]
    fn new(tty: &std::fs::File) -> Self {
        use std::os::fd::AsRawFd as _;
        let fd = tty.as_raw_fd();
        let mut termios = std::mem::MaybeUninit::<libc::termios>::uninit();
        // SAFETY: `fd` is open; tcgetattr fills `termios` when it returns 0.
        let saved = (unsafe { libc::tcgetattr(fd, termios.as_mut_ptr()) } == 0)
            // SAFETY: initialised by the successful call above.
            .then(|| unsafe { termios.assume_init() });
        if let Some(saved) = saved {
            let mut quiet = saved;
            quiet.c_lflag &= !libc::ECHO;
            quiet.c_lflag |= libc::ECHONL;
            // SAFETY: `fd` is open and `quiet` a valid termios.
            unsafe { libc::tcsetattr(fd, libc::TCSANOW, &quiet) };
        }
        EchoOff { fd, saved }
    }
}

#[cfg(unix)]
impl Drop for EchoOff {
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        if let Some(saved) = &self.saved {
            // SAFETY: the descriptor is still open (see `new`) and `saved` is what
            // tcgetattr gave.
            unsafe { libc::tcsetattr(self.fd, libc::TCSANOW, saved) };
        }
    }
}
