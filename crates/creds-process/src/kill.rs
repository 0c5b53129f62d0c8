//! Starting a child in its own process group, and ending it with everything it started.
//!
//! On Unix a child runs in a new process group (its pid is the group id), and a kill
//! sends `SIGKILL` to the whole group, so that `sleep 1000 &` in a script dies with the
//! script. The group is killed before the child is reaped, so its id cannot have been
//! reused. When the child shares the terminal (stdin passthrough) it stays in our
//! group, or its reads from the terminal would stop it (`SIGTTIN`); then, as on Windows,
//! only the child itself is killed. On Linux the kernel also kills the child if we die
//! first ([`die_with_parent`]).

use std::io;
use std::process::{Child, Command};

/// Puts the command's child in a process group of its own, where the platform has them.
pub(crate) fn own_group(command: &mut Command) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        command.process_group(0);
        true
    }
    #[cfg(not(unix))]
    {
        let _ = command;
        false
    }
}

/// Kills the child, and its whole process group when it has one of its own. The child
/// must not have been reaped yet. `Ok` when the child itself was sent `SIGKILL` (even
/// if the rest of its group could not be), so that waiting for it is short; `Err` when
/// it could not be killed, and may run for ever.
pub(crate) fn kill(child: &mut Child, group: bool) -> io::Result<()> {
    #[cfg(unix)]
    if group {
        match kill_group(child.id()) {
            Ok(()) => return Ok(()),
            // The child at least.
            Err(e) => tracing::warn!(
                error = %e,
                "could not kill the credential process's group; killing the program alone"
            ),
        }
    }
    let _ = group;
    child.kill()
}

/// On Linux, has the kernel `SIGKILL` the child when its parent dies
/// (`PR_SET_PDEATHSIG`), so that a helper does not outlive a host that was killed or
/// interrupted mid-fetch: in a process group of its own, it does not get the
/// terminal's Ctrl-C. Only the child itself: the setting is not inherited by what it
/// forks (its group is killed on every other path, see [`kill`]).
///
/// The signal comes when the *thread* that spawned the child exits, not the process.
/// That thread is the runner, which returns only once the child is reaped, or once a
/// kill failed (then the signal is a second attempt, welcome). The setting is cleared
/// when the child executes a set-user-id program.
///
/// Elsewhere nothing is done.
pub(crate) fn die_with_parent(command: &mut Command) {
    #[cfg(target_os = "linux")]
    set_parent_death_signal(command);
    #[cfg(not(target_os = "linux"))]
    let _ = command;
}

#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn set_parent_death_signal(command: &mut Command) {
    use std::os::unix::process::CommandExt as _;
    let parent = std::process::id();
    let hook = move || {
        // SAFETY: prctl(PR_SET_PDEATHSIG) and getppid are system calls that touch no
        // memory of ours; the signal number goes as the unsigned long the kernel reads.
        let rc = unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong) };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        // The parent may have died between fork and prctl: then no signal will come.
        // SAFETY: as above.
        if u32::try_from(unsafe { libc::getppid() }).ok() != Some(parent) {
            return Err(io::Error::from_raw_os_error(libc::ESRCH));
        }
        Ok(())
    };
    // SAFETY: the hook runs in the forked child before exec, where only
    // async-signal-safe calls are allowed: it makes two system calls (prctl and getppid
    // are async-signal-safe), reads errno, and builds an `io::Error` from an OS error
    // code, which does not allocate. It captures a `u32` only.
    unsafe {
        command.pre_exec(hook);
    }
}

/// `killpg(pgid, SIGKILL)`; a group that is already gone is not an error.
#[cfg(unix)]
#[allow(unsafe_code)]
fn kill_group(pgid: u32) -> io::Result<()> {
    let pgid = libc::pid_t::try_from(pgid)
        .ok()
        .filter(|&pgid| pgid > 1)
        .ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "not a child's process group")
        })?;
    // SAFETY: killpg takes two integers, touches no memory of ours and has no
    // preconditions. `pgid` is greater than 1 (0 would be our own group, 1 init's), and
    // is the group of a child spawned with `process_group(0)` and not reaped yet, so it
    // names that child's group and no other.
    let rc = unsafe { libc::killpg(pgid, libc::SIGKILL) };
    if rc == 0 {
        return Ok(());
    }
    let err = io::Error::last_os_error();
    if err.raw_os_error() == Some(libc::ESRCH) {
        Ok(())
    } else {
        Err(err)
    }
}
