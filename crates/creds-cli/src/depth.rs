//! A guard against `creds` running itself without end: a profile whose
//! `credential_process` is `creds export` for the same profile (or a loop of such
//! profiles) would otherwise fork `creds` after `creds`, each waiting on the next.

use crate::exit;

/// The variable that counts how deeply `creds` runs inside itself.
const VAR: &str = "CREDS_DEPTH";

/// How many `creds` may run inside one another: enough for a `creds export` used as
/// the `credential_process` of a profile that another `creds` resolves.
const MAX: u32 = 4;

/// Counts this run, for the programs it starts, and refuses to go deeper than
/// [`MAX`]. Called first thing in `main`, before any thread exists.
pub(crate) fn enter() -> Result<(), u8> {
    let depth = std::env::var(VAR)
        .ok()
        .and_then(|v| v.trim().parse::<u32>().ok())
        .unwrap_or(0);
    if depth >= MAX {
        exit::report_line(&format!(
            "creds is running inside itself {depth} deep ({VAR}={depth}): a credential_process \
             probably runs `creds export` for the profile that uses it; point it at another \
             profile"
        ));
        return Err(exit::INVALID_CONFIG);
    }
    set_depth(depth + 1);
    Ok(())
}

#[allow(unsafe_code)]
fn set_depth(depth: u32) {
    // SAFETY: called from `main` before the runtime or any other thread starts, so
    // nothing reads or writes the environment concurrently.
    unsafe { std::env::set_var(VAR, depth.to_string()) };
}
