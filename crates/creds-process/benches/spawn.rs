//! The cost of running a credential process: from `provide_credentials()` to
//! credentials for a trivial script, beside the bare spawns it is built on.
//!
//! - `std_true`: `Command::new("/bin/true").status()`, the floor of any spawn;
//! - `std_sh_script`: `/bin/sh script` with piped stdout and stderr, read to the end
//!   (`Command::output()`): the same program as below, without creds;
//! - `provider_program`: `ProcessProvider` running `/bin/sh script` directly;
//! - `provider_command_line`: `ProcessProvider` running `sh script` through `sh -c`, as
//!   a profile's `credential_process` runs (two shells).
//!
//! creds' overhead is `provider_program - std_sh_script`: threads, the process
//! group, the wait, the parse.

// criterion's macros define undocumented functions.
#![allow(missing_docs)]

use std::process::Command;

use creds_core::ProvideCredentials;
use creds_process::ProcessProvider;
use criterion::{Criterion, criterion_group, criterion_main};

fn spawn(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("creds.sh");
    std::fs::write(
        &script,
        "printf '%s' '{\"Version\": 1, \"AccessKeyId\": \"AKIDEXAMPLE\", \
         \"SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\", \
         \"SessionToken\": \"token\", \"Expiration\": \"2999-01-01T00:00:00Z\"}'\n",
    )
    .unwrap();

    let mut group = c.benchmark_group("spawn");
    group.bench_function("std_true", |b| {
        b.iter(|| Command::new("/bin/true").status().unwrap())
    });
    group.bench_function("std_sh_script", |b| {
        b.iter(|| Command::new("/bin/sh").arg(&script).output().unwrap())
    });
    let direct = ProcessProvider::builder()
        .program("/bin/sh")
        .arg(&script)
        .build();
    group.bench_function("provider_program", |b| {
        b.iter(|| runtime.block_on(direct.provide_credentials()).unwrap())
    });
    let shell = ProcessProvider::new(format!("sh {}", script.display()));
    group.bench_function("provider_command_line", |b| {
        b.iter(|| runtime.block_on(shell.provide_credentials()).unwrap())
    });
    group.finish();
}

criterion_group!(benches, spawn);
criterion_main!(benches);
