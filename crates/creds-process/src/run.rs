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
//!   program (see [`kill`]) and reaps it before the error is returned.
//! - A guard kills and reaps the child whenever the runner leaves early, even by panic.
//!   When the kill itself fails (`EPERM`: the program became another user's), the
//!   result is sent at once and a detached thread reaps the program whenever it ends:
//!   the caller never waits on a program that could not be stopped.
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
use crate::redact::{Redactions, normalise};

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
    /// Makes every kill fail, as `EPERM` would: tests of a kill that fails.
    #[cfg(test)]
    pub(crate) fail_kill: bool,
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
    /// The kept text on one line, control characters removed, the `redactions`
    /// replaced, with a note when it was cut; `None` when the program wrote nothing but
    /// white space.
    pub(crate) fn summary(&self, redactions: &Redactions) -> Option<String> {
        let cut = self.total > self.kept.len() as u64;
        let text = String::from_utf8_lossy(&self.kept);
        // A character cut in two at the end is no text, and would hide a cut word.
        let text = if cut {
            text.trim_end_matches(char::REPLACEMENT_CHARACTER)
        } else {
            &text
        };
        let line = normalise(text);
        if line.is_empty() {
            return None;
        }
        let mut line = redactions.apply(&line, cut);
        if cut {
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
    // This thread stays until the program is reaped (or could not be killed): see
    // `die_with_parent`.
    kill::die_with_parent(&mut command);
    let deadline = Instant::now().checked_add(limits.timeout);
    let mut child = command.spawn().map_err(Failure::Spawn)?;
    let pipes = (child.stdout.take(), child.stderr.take());
    let mut running = Running {
        child: Some(child),
        group,
        #[cfg(test)]
        fail_kill: limits.fail_kill,
    };
    let (Some(stdout), Some(stderr)) = pipes else {
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
    let status = match wait_for_exit(&mut running, shared, deadline) {
        Ok(status) => status,
        Err(failure) => return Err(running.kill(failure)),
    };
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
    running: &mut Running,
    shared: &Shared,
    deadline: Option<Instant>,
) -> Result<ExitStatus, Failure> {
    // The pipes close as the program exits, a moment before it can be reaped: yield a
    // few times before sleeping (a sleep is at least ~50 µs of timer slack).
    for _ in 0..YIELDS {
        if let Some(status) = running.try_wait().map_err(Failure::Io)? {
            return Ok(status);
        }
        thread::yield_now();
    }
    let mut pause = Duration::from_micros(20);
    loop {
        if let Some(status) = running.try_wait().map_err(Failure::Io)? {
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

fn read_stdout(pipe: ChildStdout, max_output: usize, shared: &Shared) {
    let result = collect_stdout(pipe, max_output);
    let mut state = shared.lock();
    state.stdout = Some(result);
    drop(state);
    shared.wake.notify_all();
}

/// Reads `pipe` to its end into a buffer that never grows past `max_output`; closes
/// `pipe` as soon as it returns, so that a program still writing past the cap gets
/// `EPIPE`.
fn collect_stdout(mut pipe: impl Read, max_output: usize) -> Result<Zeroizing<Vec<u8>>, Failure> {
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
    drop(pipe);
    result
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

/// The child, killed and reaped unless it was reaped normally (then it is `None`).
struct Running {
    child: Option<Child>,
    group: bool,
    #[cfg(test)]
    fail_kill: bool,
}

impl Running {
    /// `Child::try_wait`; once it has the status, the child is reaped.
    fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        let Some(child) = &mut self.child else {
            return Err(io::Error::other("the program was reaped already"));
        };
        let status = child.try_wait()?;
        if status.is_some() {
            self.child = None;
        }
        Ok(status)
    }

    /// Kills the program (its group when it has one) and reaps it; returns `failure`.
    fn kill(&mut self, failure: Failure) -> Failure {
        self.end();
        failure
    }

    fn end(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        match self.kill_child(&mut child) {
            // After SIGKILL the wait is short; it must happen before the group id can
            // be reused, and so that no zombie is left.
            Ok(()) => {
                let _ = child.wait();
            }
            // Not killed: the program may run for ever, and a wait here would keep the
            // caller waiting with it. Another thread reaps it whenever it ends.
            Err(e) => {
                tracing::warn!(
                    error = %e,
                    "could not kill the credential process; it is left running, and reaped when it ends"
                );
                reap_later(child);
            }
        }
    }

    /// [`kill::kill`]: `Ok` when the program itself was killed.
    fn kill_child(&self, child: &mut Child) -> io::Result<()> {
        #[cfg(test)]
        if self.fail_kill {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "kill failure injected by a test",
            ));
        }
        kill::kill(child, self.group)
    }
}

/// Waits for `child` on a detached thread, so that it leaves no zombie. Without a
/// thread it is left unreaped (a zombie until this process exits) rather than waited
/// for here.
fn reap_later(mut child: Child) {
    let spawned = thread::Builder::new()
        .name("creds-process-reaper".to_owned())
        .spawn(move || {
            let _ = child.wait();
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "cannot start a thread to reap the credential process");
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_alloc;

    /// Serves `pattern` for ever, counting the bytes.
    struct Endless {
        pattern: &'static [u8],
        served: usize,
    }

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            for (i, byte) in buf.iter_mut().enumerate() {
                *byte = self.pattern[(self.served + i) % self.pattern.len()];
            }
            self.served += buf.len();
            Ok(buf.len())
        }
    }

    #[test]
    fn stdout_buffer_stays_within_the_cap_and_is_wiped() {
        const MARK: &[u8] = b"Wipe0Me-stdout ";
        for max_output in [0, 1, 1000, CHUNK, CHUNK + 1, 100_000, 1 << 20] {
            let mut endless = Endless {
                pattern: MARK,
                served: 0,
            };
            let (result, report) =
                test_alloc::watch(MARK, || collect_stdout(&mut endless, max_output));
            assert!(
                matches!(result, Err(Failure::TooMuchOutput)),
                "{max_output}: {result:?}"
            );
            assert!(
                report.largest <= max_output + CHUNK,
                "{max_output}: a block of {} bytes",
                report.largest
            );
            assert!(endless.served <= max_output + CHUNK, "{}", endless.served);
            assert_eq!(report.freed_with_marker, 0, "{max_output}: grown unwiped");

            // Up to the cap exactly: all of it, in a buffer no bigger.
            let exact = io::Read::take(
                Endless {
                    pattern: MARK,
                    served: 0,
                },
                max_output as u64,
            );
            let out = collect_stdout(exact, max_output).unwrap();
            assert_eq!(out.len(), max_output);
            assert!(out.capacity() <= max_output + CHUNK, "{}", out.capacity());
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_kill_that_fails_answers_at_once_and_reaps_later() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        let mut command = Command::new("/bin/sh");
        command
            .arg("-c")
            .arg(format!("echo $$ > '{}'; exec sleep 5", pid_file.display()));
        let limits = Limits {
            timeout: Duration::from_millis(300),
            max_output: 1024,
            stdin: false,
            fail_kill: true,
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let started = Instant::now();
        let result = runtime.block_on(run(command, limits));
        let elapsed = started.elapsed();
        assert!(matches!(result, Err(Failure::TimedOut)), "{result:?}");
        // Not after the program's 5 s: the runner did not wait for it.
        assert!(
            elapsed < Duration::from_secs(3),
            "answered after {elapsed:?}"
        );

        // Reaped by the detached thread: gone, not a zombie. (Here it ends at once: the
        // runner thread that spawned it has exited, and the parent-death signal came.)
        let pid = std::fs::read_to_string(&pid_file).unwrap();
        let proc_dir = format!("/proc/{}", pid.trim());
        let deadline = Instant::now() + Duration::from_secs(15);
        while std::path::Path::new(&proc_dir).exists() {
            assert!(Instant::now() < deadline, "{proc_dir} was never reaped");
            thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn stderr_summary_is_redacted() {
        use crate::command::{Context, Program};
        let program = Program::Shell("helper --token s3cr3t-value".to_owned());
        let redactions = Redactions::new(&program, &Context::default());
        let kept = b"usage: helper --token s3cr3t-value\n\x1b[1mbad\x1b[0m".to_vec();
        let total = kept.len() as u64;
        let captured = Captured { kept, total };
        let summary = captured.summary(&redactions).unwrap();
        assert_eq!(
            summary,
            "usage: helper ** redacted ** ** redacted ** [1mbad[0m"
        );
        // Cut in the middle of a word, and of a character.
        let mut kept = b"usage: helper --token s3cr3t-va".to_vec();
        kept.push(0xc3);
        let captured = Captured { kept, total: 9000 };
        assert_eq!(
            captured.summary(&redactions).unwrap(),
            "usage: helper ** redacted ** ** redacted ** [... cut: 9000 bytes in all]"
        );
    }
}
