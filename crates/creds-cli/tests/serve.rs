//! `creds serve`, run as a user runs it: the lines it prints, what it answers, how it
//! stops.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

use crate::support::{Home, SECRET, SESSION_SECRET, TOKEN};

/// A temp HOME with a static profile, a counted credential_process profile and a
/// broken one.
fn home() -> Home {
    let home = Home::new();
    let runs = home.path().join("runs");
    let script = home.write_script(
        "counted.sh",
        &format!(
            "echo run >> '{}'\nsleep 0.2\necho '{{\"Version\": 1, \"AccessKeyId\": \"ASIACOUNTED\", \"SecretAccessKey\": \"{SESSION_SECRET}\", \"SessionToken\": \"{TOKEN}\", \"Expiration\": \"2999-01-01T00:00:00Z\"}}'\n",
            runs.display()
        ),
    );
    home.with_files(
        &format!(
            "[profile counted]\ncredential_process = {}\n[profile broken]\nrole_arn = arn:aws:iam::123456789012:role/r\n",
            script.display()
        ),
        &format!("[static]\naws_access_key_id = AKIASTATIC\naws_secret_access_key = {SECRET}\n"),
    )
}

/// How many times the counted credential_process ran.
fn runs(home: &Home) -> usize {
    std::fs::read_to_string(home.path().join("runs"))
        .map(|t| t.lines().count())
        .unwrap_or(0)
}

/// Starts `creds serve ARGS` and reads the two lines it prints.
fn serve(home: &Home, args: &[&str]) -> Server {
    let mut child = home
        .command(&[&["serve"], args].concat())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    // Read on a thread, so that a server that never prints fails the test, not hangs it.
    let (sent, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut read = Vec::new();
        for _ in 0..2 {
            let mut line = String::new();
            if out.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            read.push(line);
        }
        let _ = sent.send((read, out));
    });
    let Ok((read, out)) = lines.recv_timeout(Duration::from_secs(20)) else {
        let _ = child.kill();
        panic!("creds serve printed no two lines in 20 s");
    };
    let mut vars = Vec::new();
    for line in &read {
        let line = line
            .trim_end()
            .strip_prefix("export ")
            .unwrap_or_else(|| panic!("not an export line: {line:?}"));
        let (k, v) = line.split_once('=').unwrap();
        vars.push((k.to_owned(), v.to_owned()));
    }
    assert_eq!(vars.len(), 2, "creds serve exited early: {read:?}");
    Server {
        child,
        _out: out,
        vars,
    }
}

/// A running `creds serve`, killed if a test fails before stopping it.
struct Server {
    child: Child,
    _out: BufReader<ChildStdout>,
    vars: Vec<(String, String)>,
}

impl Server {
    fn var(&self, name: &str) -> &str {
        self.vars
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("{name} not printed: {:?}", self.vars))
    }

    fn addr(&self) -> String {
        let uri = self.var("AWS_CONTAINER_CREDENTIALS_FULL_URI");
        uri.strip_prefix("http://")
            .and_then(|rest| rest.strip_suffix('/'))
            .unwrap()
            .to_owned()
    }

    /// Sends `signal` and waits: the exit status and stderr.
    fn stop(mut self, signal: &str) -> (std::process::ExitStatus, String) {
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = wait_at_most(&mut self.child, Duration::from_secs(10));
        let mut err = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        (status, err)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_at_most(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(started.elapsed() < limit, "creds serve did not stop");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// One GET on a new connection: the status and the body.
fn get(addr: &str, authorization: Option<&str>) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    let auth = authorization
        .map(|a| format!("Authorization: {a}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "GET / HTTP/1.1\r\nHost: {addr}\r\n{auth}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap();
    (status, body)
}

#[test]
fn serve_answers_the_token_and_refuses_others() {
    let home = home();
    let server = serve(&home, &["--profile", "static"]);
    let token = server.var("AWS_CONTAINER_AUTHORIZATION_TOKEN").to_owned();
    assert_eq!(token.len(), 64);
    assert!(
        server
            .var("AWS_CONTAINER_CREDENTIALS_FULL_URI")
            .starts_with("http://127.0.0.1:")
    );
    let addr = server.addr();
    let (status, body) = get(&addr, Some(&token));
    assert_eq!(status, 200, "{body}");
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["AccessKeyId"], "AKIASTATIC");
    assert_eq!(doc["SecretAccessKey"], SECRET);
    assert_eq!(doc["Token"], "");
    assert!(doc["Expiration"].as_str().unwrap().ends_with('Z'));
    assert_eq!(get(&addr, None), (401, String::new()));
    assert_eq!(
        get(&addr, Some("0".repeat(64).as_str())),
        (403, String::new())
    );
    assert_eq!(get(&addr, Some(&token[..63])), (403, String::new()));

    let (status, err) = server.stop("TERM");
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(!err.contains(SECRET) && !err.contains(&token), "{err}");
}

#[test]
fn our_container_client_reads_serve() {
    let home = home();
    let server = serve(&home, &["--profile", "counted"]);
    let out = home
        .command(&["export", "--format", "json"])
        .env(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            server.var("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
        )
        .env(
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            server.var("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
        )
        .env("AWS_CONFIG_FILE", home.path().join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.path().join("none"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["AccessKeyId"], "ASIACOUNTED");
    assert_eq!(doc["SessionToken"], TOKEN);
    assert_eq!(doc["Expiration"], "2999-01-01T00:00:00Z");
    assert_eq!(doc["Provider"], "container");
    let (status, _) = server.stop("INT");
    assert_eq!(status.code(), Some(0), "SIGINT stops it cleanly too");
}

#[test]
fn a_token_file_is_private_and_removed_at_the_end() {
    use std::os::unix::fs::PermissionsExt as _;
    let home = home();
    // SIGHUP: the terminal it ran in was closed.
    for signal in ["TERM", "INT", "HUP"] {
        let file = home.path().join(format!("serve token {signal}"));
        let server = serve(
            &home,
            &[
                "--profile",
                "static",
                "--token-file",
                file.to_str().unwrap(),
            ],
        );
        assert_eq!(
            server.var("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"),
            format!("'{}'", file.display())
        );
        assert!(
            server
                .vars
                .iter()
                .all(|(k, _)| k != "AWS_CONTAINER_AUTHORIZATION_TOKEN"),
            "the token itself is not printed"
        );
        let token = std::fs::read_to_string(&file).unwrap();
        assert_eq!(token.len(), 64, "no newline");
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(get(&server.addr(), Some(&token)).0, 200);
        let (status, err) = server.stop(signal);
        assert_eq!(status.code(), Some(0), "SIG{signal}: {err}");
        assert!(!file.exists(), "SIG{signal} removes the token file");
    }
}

#[test]
fn concurrent_requests_cause_one_upstream_fetch() {
    let home = home();
    let server = serve(&home, &["--profile", "counted"]);
    let addr = server.addr();
    let token = server.var("AWS_CONTAINER_AUTHORIZATION_TOKEN").to_owned();
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let (addr, token) = (addr.clone(), token.clone());
            std::thread::spawn(move || {
                for _ in 0..25 {
                    let (status, body) = get(&addr, Some(&token));
                    assert_eq!(status, 200);
                    assert!(body.contains("ASIACOUNTED"));
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(runs(&home), 1, "400 requests, one credential_process run");
    let (status, _) = server.stop("TERM");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn serve_binds_loopback_only() {
    let home = home();
    for addr in ["0.0.0.0:0", "[::]:0", "192.0.2.1:8080"] {
        let out = home
            .command(&["serve", "--profile", "static", "--addr", addr])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{addr}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not a loopback address"), "{err}");
        assert!(err.starts_with("creds: error: "), "{err}");
        assert_eq!(
            err.lines().count(),
            1,
            "a usage error is one line too: {err}"
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn serve_fails_at_once_when_the_profile_does() {
    let home = home();
    let out = home
        .command(&["serve", "--profile", "broken"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty(), "no variables printed");
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines[0].starts_with("creds: error: "), "{err}");
    assert!(lines[0].contains("broken"), "{err}");
    assert_eq!(runs(&home), 0);
}
