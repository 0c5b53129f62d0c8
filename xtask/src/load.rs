//! `cargo xtask load`: a small HTTP/1.1 load generator for `creds serve`, std only.
//!
//! ```text
//! cargo xtask load --url http://127.0.0.1:PORT/ (--token TOKEN | --token-file FILE)
//!                  [--requests 10000] [--clients 50]
//! ```
//!
//! `--clients` threads, each with one keep-alive connection (a new one whenever the
//! server closes it), send `--requests` GETs in all with the `Authorization` header,
//! check that every answer is a 200 whose body is a JSON object with an `AccessKeyId`,
//! and time each request. It prints one line,
//!
//! ```text
//! load: 10000 requests, 50 clients, 50 connections, 0 errors, p50 0.21 ms, p99 0.90 ms, max 3.10 ms, 23000 req/s
//! ```
//!
//! (then, on stderr, how many requests failed and why) and fails when any request
//! failed. `interop` runs it inside its loopback-only namespace as the xtask binary
//! itself. Only loopback URLs are accepted, and neither the token nor a body (which
//! holds the secret) is ever printed. Prefer `--token-file`: an argument is visible to
//! every user of the machine.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs as _};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

/// The (hidden) task name: `cargo xtask load`.
pub(crate) const TASK: &str = "load";

/// How long a connect, a write or a read may take before the request counts as failed.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest body read; a credentials document is a few hundred bytes.
const MAX_BODY: usize = 64 * 1024;

/// The largest status line or header line read.
const MAX_LINE: usize = 8 * 1024;

/// What to load, parsed from the arguments.
struct Options {
    /// Where to connect: a loopback address.
    addr: SocketAddr,
    /// The request, ready to write: the same bytes for every request.
    request: Vec<u8>,
    /// How many requests in all.
    requests: usize,
    /// How many concurrent clients (threads, one connection each).
    clients: usize,
}

/// What one client thread saw.
#[derive(Default)]
struct Outcome {
    /// The time of every request it made, failed ones included.
    latencies: Vec<Duration>,
    /// Failed requests, by reason.
    errors: BTreeMap<String, usize>,
    /// The connections it opened.
    connections: usize,
}

/// Runs the task: `args` are the arguments after `load`.
pub(crate) fn load(args: &[String]) -> Result<(), String> {
    let options = Arc::new(options(args)?);
    let next = Arc::new(AtomicUsize::new(0));
    // Every client connects first; the clock starts when all are ready.
    let ready = Arc::new(Barrier::new(options.clients + 1));
    let threads: Vec<_> = (0..options.clients)
        .map(|_| {
            let (options, next, ready) = (options.clone(), next.clone(), ready.clone());
            std::thread::spawn(move || client_thread(&options, &next, &ready))
        })
        .collect();
    ready.wait();
    let start = Instant::now();
    let mut all = Outcome::default();
    for thread in threads {
        let outcome = thread
            .join()
            .map_err(|_| "a client thread panicked".to_owned())?;
        all.latencies.extend(outcome.latencies);
        all.connections += outcome.connections;
        for (why, n) in outcome.errors {
            *all.errors.entry(why).or_default() += n;
        }
    }
    let elapsed = start.elapsed();
    all.latencies.sort_unstable();
    let failed: usize = all.errors.values().sum();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "load: {} requests, {} clients, {} connections, {failed} errors, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {:.0} req/s",
        all.latencies.len(),
        options.clients,
        all.connections,
        ms(percentile(&all.latencies, 50)),
        ms(percentile(&all.latencies, 99)),
        ms(all.latencies.last().copied().unwrap_or_default()),
        all.latencies.len() as f64 / elapsed.as_secs_f64().max(1e-9),
    );
    for (why, n) in &all.errors {
        eprintln!("load: {n} failed: {why}");
    }
    if failed == 0 {
        Ok(())
    } else {
        Err(format!(
            "{failed} of {} requests failed",
            all.latencies.len()
        ))
    }
}

/// The nearest-rank percentile `p` of sorted latencies (zero when there are none).
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (sorted.len() * p).div_ceil(100).max(1);
    sorted[rank.min(sorted.len()) - 1]
}

/// One client: takes request numbers from `next` until all are taken.
fn client_thread(options: &Options, next: &AtomicUsize, ready: &Barrier) -> Outcome {
    let mut client = Client {
        addr: options.addr,
        conn: None,
        connections: 0,
    };
    // A failure here is retried (and counted) by the first request.
    let _ = client.connect();
    ready.wait();
    let mut outcome = Outcome::default();
    while next.fetch_add(1, Ordering::Relaxed) < options.requests {
        let start = Instant::now();
        let result = client.get(&options.request);
        outcome.latencies.push(start.elapsed());
        if let Err(why) = result {
            *outcome.errors.entry(why).or_default() += 1;
        }
    }
    outcome.connections = client.connections;
    outcome
}

/// An HTTP/1.1 client with at most one keep-alive connection.
struct Client {
    /// The server's address.
    addr: SocketAddr,
    /// The open connection, if any.
    conn: Option<Conn>,
    /// How many connections it opened.
    connections: usize,
}

/// An open connection.
struct Conn {
    /// The socket, buffered for reading.
    reader: BufReader<TcpStream>,
    /// How many answers it carried.
    answered: usize,
}

/// Why an exchange failed.
enum Failure {
    /// The connection was closed before the first byte of the answer: a kept-alive
    /// connection the server had already closed, worth one retry on a new one.
    Closed,
    /// Anything else, described without quoting the answer.
    Other(String),
}

impl Failure {
    /// The reason, as counted.
    fn describe(self) -> String {
        match self {
            Failure::Closed => "connection closed before an answer".to_owned(),
            Failure::Other(why) => why,
        }
    }
}

/// A parsed answer.
struct Answer {
    /// The status code.
    status: u16,
    /// The body (never printed: it holds the secret).
    body: Vec<u8>,
    /// Whether the connection may carry another request.
    keep_alive: bool,
}

impl Client {
    /// Opens a new connection (dropping the old one).
    fn connect(&mut self) -> Result<&mut Conn, String> {
        self.conn = None;
        let stream = TcpStream::connect_timeout(&self.addr, IO_TIMEOUT)
            .map_err(|e| format!("connect: {:?}", e.kind()))?;
        self.connections += 1;
        let _ = stream.set_nodelay(true);
        stream
            .set_read_timeout(Some(IO_TIMEOUT))
            .and_then(|()| stream.set_write_timeout(Some(IO_TIMEOUT)))
            .map_err(|e| format!("socket options: {:?}", e.kind()))?;
        Ok(self.conn.insert(Conn {
            reader: BufReader::new(stream),
            answered: 0,
        }))
    }

    /// One GET: Ok when the answer is a 200 with a credentials document.
    fn get(&mut self, request: &[u8]) -> Result<(), String> {
        let reused = self.conn.as_ref().is_some_and(|c| c.answered > 0);
        let conn = match self.conn.take() {
            Some(conn) => self.conn.insert(conn),
            None => self.connect()?,
        };
        let answer = match exchange(conn, request) {
            Ok(answer) => answer,
            Err(Failure::Closed) if reused => {
                let conn = self.connect()?;
                exchange(conn, request).map_err(|f| {
                    self.conn = None;
                    f.describe()
                })?
            }
            Err(failure) => {
                self.conn = None;
                return Err(failure.describe());
            }
        };
        match (answer.keep_alive, self.conn.as_mut()) {
            (true, Some(conn)) => conn.answered += 1,
            _ => self.conn = None,
        }
        if answer.status != 200 {
            return Err(format!("status {}", answer.status));
        }
        if !is_credentials_document(&answer.body) {
            return Err("a 200 without a JSON credentials document".to_owned());
        }
        Ok(())
    }
}

/// Whether `body` looks like the container-credentials JSON: an object with an
/// `AccessKeyId` and a `SecretAccessKey`.
fn is_credentials_document(body: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(body) else {
        return false;
    };
    let text = text.trim();
    text.starts_with('{')
        && text.ends_with('}')
        && text.contains("\"AccessKeyId\"")
        && text.contains("\"SecretAccessKey\"")
}

/// Writes the request and reads one answer.
fn exchange(conn: &mut Conn, request: &[u8]) -> Result<Answer, Failure> {
    let io = |what: &str, e: std::io::Error| Failure::Other(format!("{what}: {:?}", e.kind()));
    if let Err(e) = conn.reader.get_mut().write_all(request) {
        return Err(match e.kind() {
            std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset => Failure::Closed,
            _ => io("write", e),
        });
    }
    let status_line = match read_line(&mut conn.reader) {
        Ok(Some(line)) => line,
        Ok(None) => return Err(Failure::Closed),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return Err(Failure::Closed),
        Err(e) => return Err(io("read", e)),
    };
    let malformed = |what: &str| Failure::Other(format!("malformed answer: {what}"));
    let mut words = status_line.split_whitespace();
    let version = words.next().unwrap_or_default();
    let status: u16 = words
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| malformed("status line"))?;
    let mut keep_alive = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        _ => return Err(malformed("version")),
    };
    let (mut length, mut chunked) = (None, false);
    loop {
        let line = read_line(&mut conn.reader)
            .map_err(|e| io("read", e))?
            .ok_or_else(|| malformed("headers cut short"))?;
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').ok_or_else(|| malformed("header"))?;
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => {
                length = Some(
                    value
                        .parse::<usize>()
                        .map_err(|_| malformed("content-length"))?,
                );
            }
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            "connection" => {
                let value = value.to_ascii_lowercase();
                if value.contains("close") {
                    keep_alive = false;
                } else if value.contains("keep-alive") {
                    keep_alive = true;
                }
            }
            _ => {}
        }
    }
    let body = if chunked {
        read_chunked(&mut conn.reader).map_err(|e| io("read body", e))?
    } else if let Some(length) = length {
        if length > MAX_BODY {
            return Err(malformed("body too long"));
        }
        let mut body = vec![0; length];
        conn.reader
            .read_exact(&mut body)
            .map_err(|e| io("read body", e))?;
        body
    } else if status == 204 || status == 304 || (100..200).contains(&status) {
        Vec::new()
    } else {
        // Delimited by the end of the connection.
        keep_alive = false;
        let mut body = Vec::new();
        (&mut conn.reader)
            .take(MAX_BODY as u64)
            .read_to_end(&mut body)
            .map_err(|e| io("read body", e))?;
        body
    };
    Ok(Answer {
        status,
        body,
        keep_alive,
    })
}

/// One CRLF- (or LF-) terminated line without its terminator; `None` at the end of the
/// stream before any byte.
fn read_line(reader: &mut BufReader<TcpStream>) -> std::io::Result<Option<String>> {
    let mut line = Vec::new();
    let n = reader
        .by_ref()
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut line)?;
    if n == 0 {
        return Ok(None);
    }
    if line.last() != Some(&b'\n') {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "line too long or cut short",
        ));
    }
    while matches!(line.last(), Some(b'\n' | b'\r')) {
        line.pop();
    }
    String::from_utf8(line)
        .map(Some)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8"))
}

/// A chunked body, its trailers skipped.
fn read_chunked(reader: &mut BufReader<TcpStream>) -> std::io::Result<Vec<u8>> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let mut body = Vec::new();
    loop {
        let line = read_line(reader)?.ok_or_else(|| bad("chunk size cut short"))?;
        let size = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size, 16).map_err(|_| bad("chunk size"))?;
        if size == 0 {
            while !read_line(reader)?
                .ok_or_else(|| bad("trailers cut short"))?
                .is_empty()
            {}
            return Ok(body);
        }
        if body.len() + size > MAX_BODY {
            return Err(bad("body too long"));
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        if !read_line(reader)?.is_some_and(|l| l.is_empty()) {
            return Err(bad("chunk not followed by CRLF"));
        }
    }
}

/// Parses the arguments after `load`.
fn options(args: &[String]) -> Result<Options, String> {
    let usage = "usage: cargo xtask load --url http://127.0.0.1:PORT/ \
                 (--token TOKEN | --token-file FILE) [--requests N] [--clients N]";
    let (mut url, mut token, mut token_file) = (None, None, None);
    let (mut requests, mut clients) = (10_000, 50);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{arg} needs a value; {usage}"))
        };
        match arg.as_str() {
            "--url" => url = Some(value()?),
            "--token" => token = Some(value()?),
            "--token-file" => token_file = Some(value()?),
            "--requests" => requests = count(arg, &value()?)?,
            "--clients" => clients = count(arg, &value()?)?,
            _ => return Err(format!("unknown argument {arg:?}; {usage}")),
        }
    }
    let url = url.ok_or_else(|| format!("--url is required; {usage}"))?;
    let token = match (token, token_file) {
        (Some(token), None) => token,
        (None, Some(file)) => std::fs::read_to_string(&file)
            .map_err(|e| format!("cannot read the token file {file}: {e}"))?,
        _ => {
            return Err(format!(
                "one of --token and --token-file is required; {usage}"
            ));
        }
    };
    if token.contains(['\r', '\n']) {
        return Err("the token holds a line break".to_owned());
    }
    let (addr, host, path) = loopback_url(&url)?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\r\n\
         Accept: application/json\r\nUser-Agent: xtask-load\r\n\r\n"
    )
    .into_bytes();
    Ok(Options {
        addr,
        request,
        requests,
        clients,
    })
}

/// A positive count.
fn count(arg: &str, value: &str) -> Result<usize, String> {
    value
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{arg} takes a positive number, not {value:?}"))
}

/// `http://HOST:PORT[/PATH]` whose host is loopback → (address, Host header, path).
/// Anything else is refused: nothing may leave the machine.
fn loopback_url(url: &str) -> Result<(SocketAddr, String, String), String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("{url:?}: only http:// URLs are supported"))?;
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('/') => (&rest[..i], rest[i..].to_owned()),
        Some(i) => (&rest[..i], format!("/{}", &rest[i..])),
        None => (rest, "/".to_owned()),
    };
    let addrs: Vec<SocketAddr> = authority
        .to_socket_addrs()
        .map_err(|e| format!("{url:?}: not HOST:PORT ({e})"))?
        .collect();
    match addrs.first() {
        Some(first) if addrs.iter().all(|a| a.ip().is_loopback()) => {
            Ok((*first, authority.to_owned(), path))
        }
        _ => Err(format!("{url:?}: only loopback addresses are allowed")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_urls() {
        let (addr, host, path) = loopback_url("http://127.0.0.1:8080/").unwrap();
        assert_eq!(
            (addr.port(), host.as_str(), path.as_str()),
            (8080, "127.0.0.1:8080", "/")
        );
        let (_, _, path) = loopback_url("http://[::1]:80?x=1").unwrap();
        assert_eq!(path, "/?x=1");
        assert!(loopback_url("http://10.0.0.1:80/").is_err());
        assert!(loopback_url("http://169.254.170.2:80/").is_err());
        assert!(loopback_url("https://127.0.0.1:443/").is_err());
        assert!(loopback_url("http://127.0.0.1/").is_err());
    }

    #[test]
    fn nearest_rank_percentiles() {
        let d: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&d, 50), Duration::from_millis(50));
        assert_eq!(percentile(&d, 99), Duration::from_millis(99));
        assert_eq!(percentile(&d[..1], 99), Duration::from_millis(1));
        assert_eq!(percentile(&[], 99), Duration::ZERO);
    }

    #[test]
    fn credentials_documents() {
        assert!(is_credentials_document(
            br#" {"AccessKeyId": "A", "SecretAccessKey": "S", "Token": ""} "#
        ));
        assert!(!is_credentials_document(b"<html>AccessKeyId</html>"));
    }
}
