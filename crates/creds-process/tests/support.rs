//! Scripts in a temp dir, a runtime, and the secret checks every test makes.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use creds_core::{Credentials, CredentialsError};

/// Secrets the scripts print; they must never reach an error or a log line.
pub(crate) const SECRET: &str = "wJalrXUtnFEMI-PROCESS-SECRET-KEY";
pub(crate) const TOKEN: &str = "IQoJb3JpZ2luX2VjE-PROCESS-SESSION-TOKEN";

/// A temp dir of scripts, removed on drop.
pub(crate) struct Scripts {
    dir: tempfile::TempDir,
}

impl Scripts {
    pub(crate) fn new() -> Self {
        capture_logs();
        Scripts {
            dir: tempfile::Builder::new()
                .prefix("creds-process-")
                .tempdir()
                .unwrap(),
        }
    }

    pub(crate) fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a script and returns the command line that runs it. Scripts are run by
    /// `sh <path>`, not executed themselves: executing a file just written races with
    /// other tests' forks (ETXTBSY).
    pub(crate) fn script(&self, name: &str, body: &str) -> String {
        let path = self.path(name);
        let mut file = std::fs::File::create(&path).unwrap();
        file.write_all(body.as_bytes()).unwrap();
        file.sync_all().unwrap();
        format!("sh {}", path.display())
    }

    /// A script that prints `document`.
    pub(crate) fn printing(&self, name: &str, document: &str) -> String {
        let doc = self.path(&format!("{name}.json"));
        std::fs::write(&doc, document).unwrap();
        self.script(name, &format!("cat '{}'\n", doc.display()))
    }
}

/// A document with every field, expiring at `expiration` when given.
pub(crate) fn document(expiration: Option<&str>) -> String {
    let mut doc = format!(
        r#"{{"Version": 1, "AccessKeyId": "ASIAPROCESS", "SecretAccessKey": "{SECRET}", "SessionToken": "{TOKEN}""#
    );
    if let Some(at) = expiration {
        doc.push_str(&format!(r#", "Expiration": "{at}""#));
    }
    doc.push('}');
    doc
}

pub(crate) fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

/// The error, after checking that neither its `Display` nor its `Debug` nor the log
/// holds a secret.
pub(crate) fn expect_err(result: Result<Credentials, CredentialsError>) -> CredentialsError {
    let err = match result {
        Ok(creds) => panic!("expected an error, got {creds:?}"),
        Err(err) => err,
    };
    for text in [err.to_string(), format!("{err:?}"), logs()] {
        assert!(!text.contains(SECRET), "a secret leaked: {text}");
        assert!(!text.contains(TOKEN), "a token leaked: {text}");
    }
    err
}

/// Log capture is creds-testkit's, shared by every crate's tests.
use creds_testkit::capture_logs;
pub(crate) use creds_testkit::captured_logs as logs;

/// The state letter of process `pid` (`R`, `S`, `Z`, ...), `None` once it is gone.
pub(crate) fn process_state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) S ppid pgrp ...": comm may hold spaces, so parse after the last ')'.
    stat.rsplit_once(')')?
        .1
        .split_whitespace()
        .next()?
        .chars()
        .next()
}

/// The process group of process `pid`.
pub(crate) fn process_group(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(2)?
        .parse()
        .ok()
}

/// The live (not zombie) processes in group `pgid`.
pub(crate) fn live_members(pgid: u32) -> Vec<u32> {
    let mut live = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        if process_group(pid) == Some(pgid) && !matches!(process_state(pid), None | Some('Z' | 'X'))
        {
            live.push(pid);
        }
    }
    live
}

/// Waits (up to 10 s) for `path` to exist and hold a pid.
pub(crate) fn wait_for_pid(path: &Path) -> u32 {
    for _ in 0..1000 {
        if let Some(pid) = std::fs::read_to_string(path)
            .ok()
            .and_then(|s| s.trim().parse().ok())
        {
            return pid;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("{} never appeared", path.display());
}
