//! Starting a child in its own process group, and ending it with everything it started.
//!
//! On Unix a child runs in a new process group (its pid is the group id), and a kill
//! sends `SIGKILL` to the whole group, so that `sleep 1000 &` in a script dies with the
//! script. The group is killed before the child is reaped, so its id cannot have been
//! reused. When the child shares the terminal (stdin passthrough) it stays in our
//! group, or its reads from the terminal would stop it (`SIGTTIN`); then, as on Windows,
//! only the child itself is killed.

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
/// must not have been reaped yet.
pub(crate) fn kill(child: &mut Child, group: bool) -> io::Result<()> {
    #[cfg(unix)]
    if group {
        match kill_group(child.id()) {
            Ok(()) => return Ok(()),
            // The child at least: waiting for it must not hang.
            Err(e) => return child.kill().and(Err(e)),
        }
    }
    let _ = group;
    child.kill()
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
