//! A program must not outlive a host that dies mid-fetch: in a process group of its
//! own it does not get the terminal's Ctrl-C, and nothing else would end it.

#![cfg(target_os = "linux")]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use creds_core::ProvideCredentials;
use creds_process::ProcessProvider;

use crate::support::*;

const DIR_VAR: &str = "CREDS_PROCESS_TEST_HOST_DIR";

#[test]
fn the_program_dies_with_the_host() {
    let scripts = Scripts::new();
    let mut host = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "host_death::host_killed_mid_fetch",
            "--ignored",
            "--test-threads=1",
        ])
        .env(DIR_VAR, scripts.dir())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let helper = wait_for_pid(&scripts.path("helper.pid"));
    let gone = |pid| matches!(process_state(pid), None | Some('Z' | 'X'));
    assert!(!gone(helper), "the program runs");

    host.kill().unwrap(); // SIGKILL: no destructor, no clean-up of any kind.
    host.wait().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !gone(helper) {
        if Instant::now() > deadline {
            let _ = Command::new("kill")
                .args(["-9", &helper.to_string()])
                .status();
            panic!("the program {helper} outlived its host");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
#[ignore = "run by the_program_dies_with_the_host, which kills this process mid-fetch"]
fn host_killed_mid_fetch() {
    let dir = std::env::var_os(DIR_VAR).expect("run by the_program_dies_with_the_host");
    let pid_file = std::path::Path::new(&dir).join("helper.pid");
    let command = format!("echo $$ > '{}'; exec sleep 1000", pid_file.display());
    let result = block_on(ProcessProvider::new(command).provide_credentials());
    panic!("the fetch ended ({result:?}); this process should have been killed first");
}
