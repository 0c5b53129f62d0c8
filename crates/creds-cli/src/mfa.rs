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

/// The terminal's echo, off until dropped, or until SIGINT, SIGTERM or SIGHUP end the
/// process while it is off: the terminal is given back as it was first (as `getpass`
/// does), so a Ctrl-C at the prompt does not leave it without echo.
#[cfg(unix)]
struct EchoOff {
    fd: std::os::fd::RawFd,
    saved: Option<libc::termios>,
    handlers: Vec<(libc::c_int, libc::sighandler_t)>,
}

/// What the signal handler restores: written before the handler is installed, read
/// only by it.
#[cfg(unix)]
struct Saved(std::cell::UnsafeCell<(libc::c_int, std::mem::MaybeUninit<libc::termios>)>);

// SAFETY: written once by `EchoOff::new` before any handler that reads it is
// installed, and only read afterwards.
#[cfg(unix)]
#[allow(unsafe_code)]
unsafe impl Sync for Saved {}

#[cfg(unix)]
static SAVED: Saved = Saved(std::cell::UnsafeCell::new((
    -1,
    std::mem::MaybeUninit::uninit(),
)));

#[cfg(unix)]
const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

/// Restores the terminal, then dies of `signal` as it would have.
#[cfg(unix)]
#[allow(unsafe_code)]
extern "C" fn restore_and_die(signal: libc::c_int) {
    // SAFETY: tcsetattr, signal and raise are async-signal-safe; SAVED was written
    // before this handler was installed.
    unsafe {
        let (fd, termios) = &*SAVED.0.get();
        if *fd >= 0 {
            libc::tcsetattr(*fd, libc::TCSANOW, termios.as_ptr());
        }
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
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
        let mut handlers = Vec::new();
        if let Some(saved) = saved {
            // SAFETY: no handler that reads SAVED is installed yet (one prompt at a
            // time: spawn_blocking runs them one after another for a fetch).
            unsafe { *SAVED.0.get() = (fd, std::mem::MaybeUninit::new(saved)) };
            for signal in SIGNALS {
                // SAFETY: installing a handler that only calls async-signal-safe
                // functions.
                let old = unsafe {
                    libc::signal(signal, restore_and_die as *const () as libc::sighandler_t)
                };
                handlers.push((signal, old));
            }
            let mut quiet = saved;
            quiet.c_lflag &= !libc::ECHO;
            quiet.c_lflag |= libc::ECHONL;
            // SAFETY: `fd` is open and `quiet` a valid termios.
            unsafe { libc::tcsetattr(fd, libc::TCSANOW, &quiet) };
        }
        EchoOff {
            fd,
            saved,
            handlers,
        }
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
        for (signal, old) in self.handlers.drain(..) {
            // SAFETY: putting back the handler that was there before.
            unsafe { libc::signal(signal, old) };
        }
    }
}
