//! Running the program without an async runtime's IO: one thread per fetch spawns it
//! and watches the clock, two reader threads drain its stdout and stderr, and the result
//! reaches the async caller through a `oneshot` channel.
//!
//! - **stdout** is read in chunks into a buffer that never grows past `max_output`; the
//!   first chunk that would pass it ends the read, and the process group is killed.
//!   The buffer is zeroed when dropped (it holds the secrets), growth included.
//! - **stderr** is kept up to [`STDERR_KEPT`] bytes for the error message; the rest is
//!   read and thrown away so that the program never blocks on a full pipe. With stdin
//!   passthrough it is also copied to our stderr, so that prompts reach the user.
//! - **The runner thread is the watchdog**: it waits on a condition variable for both
//!   pipes to close, the cap, a cancellation (the caller dropped its future) or the
//!   deadline, then for the program to exit. Anything but a clean end kills the
//!   program (see [`kill`](crate::kill)) and reaps it before the error is returned.
//! - A guard kills and reaps the child whenever the runner leaves early, even by panic.
//! - The runner does not wait for the readers after a kill. When only the program was
//!   killed (stdin passthrough, Windows) and something it started still holds its
//!   pipes, the readers stay blocked until that ends, and then end too.

use std::io::{self, Read, Write as _};
use std::process::{Child, ChildStderr, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;
use zeroize::Zeroizing;

use crate::kill;

/// How much of stderr is kept for the error message.
pub(crate) const STDERR_KEPT: usize = 4096;

const CHUNK: usize = 8192;

/// How many times the runner yields, polling for the exit, before it sleeps.
const YIELDS: usize = 50;

/// The bounds of one run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) timeout: Duration,
    pub(crate) max_output: usize,
    pub(crate) stdin: bool,
}

/// Why a run failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The program could not be started.
    Spawn(io::Error),
    /// It ran past the timeout and was killed.
    TimedOut,
    /// It printed more than `max_output` on stdout and was killed.
    TooMuchOutput,
    /// It exited unsuccessfully.
    Exit {
        status: ExitStatus,
        stderr: Captured,
    },
    /// Reading its output or waiting for it failed.
    Io(io::Error),
    /// The runner thread could not start, or stopped without an answer.
    Runner(io::Error),
    /// The caller went away (never reported: nobody is listening).
    Cancelled,
}

/// The start of what the program wrote on stderr.
#[derive(Debug, Default)]
pub(crate) struct Captured {
    kept: Vec<u8>,
    total: u64,
}

impl Captured {
    /// The kept text on one line, control characters removed, with a note when it was
    /// cut; `None` when the program wrote nothing but white space.
    pub(crate) fn summary(&self) -> Option<String> {
        let text = String::from_utf8_lossy(&self.kept);
        let words: Vec<String> = text
            .split_whitespace()
            .map(|w| w.chars().filter(|c| !c.is_control()).collect())
            .filter(|w: &String| !w.is_empty())
            .collect();
        if words.is_empty() {
            return None;
        }
        let mut line = words.join(" ");
        if self.total > self.kept.len() as u64 {
            line.push_str(&format!(" [... cut: {} bytes in all]", self.total));
        }
        Some(line)
    }
}

/// Runs `command` within `limits` and returns its stdout. Dropping the future kills the
/// program.
pub(crate) async fn run(command: Command, limits: Limits) -> Result<Zeroizing<Vec<u8>>, Failure> {
    let shared = Arc::new(Shared::default());
    let _cancel_on_drop = CancelOnDrop(Arc::clone(&shared));
    let (tx, rx) = oneshot::channel();
    let runner = Arc::clone(&shared);
    thread::Builder::new()
        .name("creds-process".to_owned())
        .spawn(move || {
            let _ = tx.send(run_blocking(command, limits, &runner));
        })
        .map_err(Failure::Runner)?;
    rx.await.unwrap_or_else(|_| {
        Err(Failure::Runner(io::Error::other(
            "the thread running the program stopped without an answer",
        )))
    })
}

fn run_blocking(
    mut command: Command,
    limits: Limits,
    shared: &Arc<Shared>,
) -> Result<Zeroizing<Vec<u8>>, Failure> {
    command
        .stdin(if limits.stdin {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let group = !limits.stdin && kill::own_group(&mut command);
    let deadline = Instant::now().checked_add(limits.timeout);
    let child = command.spawn().map_err(Failure::Spawn)?;
    let mut running = Running {
        child,
        group,
        reaped: false,
    };
    let (Some(stdout), Some(stderr)) = (running.child.stdout.take(), running.child.stderr.take())
    else {
        return Err(Failure::Io(io::Error::other(
            "the program's output pipes are missing",
        )));
    };
    let max_output = limits.max_output;
    let reader = Arc::clone(shared);
    spawn_reader("creds-process-stdout", move || {
        read_stdout(stdout, max_output, &reader)
    })?;
    let reader = Arc::clone(shared);
    let forward = limits.stdin;
    spawn_reader("creds-process-stderr", move || {
        read_stderr(stderr, forward, &reader)
    })?;

    let stdout = match shared.wait_for_pipes(deadline) {
        Ok(stdout) => stdout,
        Err(failure) => return Err(running.kill(failure)),
    };
    let status = match wait_for_exit(&mut running.child, shared, deadline) {
        Ok(status) => status,
        Err(failure) => return Err(running.kill(failure)),
    };
    running.reaped = true;
    if status.success() {
        Ok(stdout)
    } else {
        Err(Failure::Exit {
            status,
            stderr: shared.lock().stderr.take().unwrap_or_default(),
        })
    }
}

fn spawn_reader(name: &str, read: impl FnOnce() + Send + 'static) -> Result<(), Failure> {
    thread::Builder::new()
        .name(name.to_owned())
        .spawn(read)
        .map(drop)
        .map_err(Failure::Runner)
}

/// Polls for the exit once the pipes are closed: the program is normally gone by then,
/// or within microseconds, so the first polls are short.
fn wait_for_exit(
    child: &mut Child,
    shared: &Shared,
    deadline: Option<Instant>,
) -> Result<ExitStatus, Failure> {
    // The pipes close as the program exits, a moment before it can be reaped: yield a
    // few times before sleeping (a sleep is at least ~50 µs of timer slack).
    for _ in 0..YIELDS {
        if let Some(status) = child.try_wait().map_err(Failure::Io)? {
            return Ok(status);
        }
        thread::yield_now();
    }
    let mut pause = Duration::from_micros(20);
    loop {
        if let Some(status) = child.try_wait().map_err(Failure::Io)? {
            return Ok(status);
        }
        if shared.lock().cancelled {
            return Err(Failure::Cancelled);
        }
        let left = match deadline {
            Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => left,
                _ => return Err(Failure::TimedOut),
            },
            None => Duration::MAX,
        };
        thread::sleep(pause.min(left));
        pause = (pause * 2).min(Duration::from_millis(10));
    }
}

fn read_stdout(mut pipe: ChildStdout, max_output: usize, shared: &Shared) {
    let mut out = Zeroizing::new(Vec::with_capacity(max_output.min(CHUNK)));
    let mut chunk = Zeroizing::new([0u8; CHUNK]);
    let result = loop {
        match pipe.read(&mut chunk[..]) {
            Ok(0) => break Ok(out),
            Ok(n) => {
                let len = out.len() + n;
                if len > max_output {
                    break Err(Failure::TooMuchOutput);
                }
                if len > out.capacity() {
                    // Grow by hand so that the old buffer is zeroed, not just freed.
                    let capacity = len.max(out.capacity() * 2).min(max_output);
                    let mut bigger = Zeroizing::new(Vec::with_capacity(capacity));
                    bigger.extend_from_slice(&out);
                    out = bigger;
                }
                out.extend_from_slice(&chunk[..n]);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => break Err(Failure::Io(e)),
        }
    };
    // Closes our end at once: a program still writing past the cap gets EPIPE.
    drop(pipe);
    let mut state = shared.lock();
    state.stdout = Some(result);
    drop(state);
    shared.wake.notify_all();
}

fn read_stderr(mut pipe: ChildStderr, forward: bool, shared: &Shared) {
    let mut captured = Captured::default();
    let mut chunk = [0u8; CHUNK];
    loop {
        match pipe.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                captured.total += n as u64;
                let room = STDERR_KEPT - captured.kept.len();
                captured.kept.extend_from_slice(&chunk[..n.min(room)]);
                if forward {
                    let _ = io::stderr().write_all(&chunk[..n]);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    let mut state = shared.lock();
    state.stderr = Some(captured);
    drop(state);
    shared.wake.notify_all();
}

/// What the runner, the readers and the caller share.
#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

#[derive(Default)]
struct State {
    stdout: Option<Result<Zeroizing<Vec<u8>>, Failure>>,
    stderr: Option<Captured>,
    cancelled: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until both pipes are closed (and returns stdout), or for the first of: the
    /// output cap, a read error, a cancellation, the deadline.
    fn wait_for_pipes(&self, deadline: Option<Instant>) -> Result<Zeroizing<Vec<u8>>, Failure> {
        let mut state = self.lock();
        loop {
            if state.cancelled {
                return Err(Failure::Cancelled);
            }
            if let Some(Err(_)) = &state.stdout {
                return state.stdout.take().unwrap_or(Err(Failure::TooMuchOutput));
            }
            if state.stdout.is_some() && state.stderr.is_some() {
                return state.stdout.take().unwrap_or(Err(Failure::TooMuchOutput));
            }
            state = match deadline {
                None => self
                    .wake
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner),
                Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => {
                        self.wake
                            .wait_timeout(state, left)
                            .unwrap_or_else(PoisonError::into_inner)
                            .0
                    }
                    _ => return Err(Failure::TimedOut),
                },
            };
        }
    }
}

/// Tells the runner that nobody waits for it any more.
struct CancelOnDrop(Arc<Shared>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.lock().cancelled = true;
        self.0.wake.notify_all();
    }
}

/// The child, killed and reaped unless it was reaped normally.
struct Running {
    child: Child,
    group: bool,
    reaped: bool,
}

impl Running {
    /// Kills the program (its group when it has one) and reaps it; returns `failure`.
    fn kill(&mut self, failure: Failure) -> Failure {
        self.end();
        failure
    }

    fn end(&mut self) {
        if self.reaped {
            return;
        }
        if let Err(e) = kill::kill(&mut self.child, self.group) {
            tracing::warn!(error = %e, "could not kill the credential process");
        }
        // After SIGKILL the wait is short; it must happen before the group id can be
        // reused, and so that no zombie is left.
        let _ = self.child.wait();
        self.reaped = true;
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.end();
    }
}
