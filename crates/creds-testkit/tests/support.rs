//! A raw HTTP/1.1 client: what goes on the wire, without the client under test.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A response as read off the wire.
#[derive(Debug)]
pub(crate) struct Raw {
    /// Everything up to the blank line.
    pub(crate) head: String,
    /// The body bytes as sent (chunked framing decoded).
    pub(crate) body: Vec<u8>,
    /// When the first byte of the response arrived, after the request was sent.
    pub(crate) first_byte: Duration,
    /// When the last byte arrived.
    pub(crate) total: Duration,
}

impl Raw {
    pub(crate) fn status(&self) -> u16 {
        self.head[9..12].parse().unwrap()
    }

    pub(crate) fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }
}

/// Sends `request` (with `connection: close` added) and reads the whole response,
/// or `None` when the connection ends without a byte. Fails the test after `limit`.
pub(crate) async fn exchange(addr: SocketAddr, request: &str, limit: Duration) -> Option<Raw> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = request.replacen("\r\n", "\r\nconnection: close\r\n", 1);
    stream.write_all(request.as_bytes()).await.unwrap();
    let sent = Instant::now();
    let mut bytes = Vec::new();
    let mut first_byte = None;
    let mut chunk = [0u8; 64 * 1024];
    loop {
        let n = match tokio::time::timeout(limit, stream.read(&mut chunk)).await {
            Ok(Ok(n)) => n,
            Ok(Err(_)) => 0, // reset
            Err(_) => panic!("no end of response within {limit:?}"),
        };
        if n == 0 {
            break;
        }
        first_byte.get_or_insert_with(|| sent.elapsed());
        bytes.extend_from_slice(&chunk[..n]);
    }
    let first_byte = first_byte?;
    let split = bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let head = String::from_utf8(bytes[..split].to_vec()).unwrap();
    let raw_body = &bytes[split..];
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(raw_body)
    } else {
        raw_body.to_vec()
    };
    Some(Raw {
        head,
        body,
        first_byte,
        total: sent.elapsed(),
    })
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap().trim(), 16)
                .unwrap();
        data = &data[line_end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

pub(crate) fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nhost: test\r\n\r\n")
}

pub(crate) const SECOND: Duration = Duration::from_secs(1);
