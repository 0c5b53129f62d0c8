//! Capturing every log line of a test binary, so that tests can check that no secret
//! is ever logged.

use std::sync::{Mutex, Once, OnceLock};

fn buffer() -> &'static Mutex<Vec<u8>> {
    static BUFFER: OnceLock<Mutex<Vec<u8>>> = OnceLock::new();
    BUFFER.get_or_init(Mutex::default)
}

struct Writer;

impl std::io::Write for Writer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        buffer()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Sends every log line of every crate in this test binary, at every level down to
/// TRACE, to the buffer that [`captured_logs`] reads. Call it at the start of each
/// test that checks logs; calls after the first do nothing.
///
/// # Panics
///
/// When another global `tracing` subscriber is already set: the logs would silently
/// go elsewhere, and a test that checks them would pass without checking anything.
pub fn capture_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(|| Writer)
            .with_max_level(tracing::Level::TRACE)
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global tracing subscriber in this test binary");
    });
}

/// Everything logged so far by every test of this binary, since [`capture_logs`].
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&buffer().lock().unwrap_or_else(|e| e.into_inner())).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_every_level() {
        capture_logs();
        tracing::trace!(marker = "trace-marker-1234", "a trace line");
        tracing::warn!("a warning with warn-marker-5678");
        let logs = captured_logs();
        assert!(logs.contains("trace-marker-1234"), "{logs}");
        assert!(logs.contains("warn-marker-5678"), "{logs}");
    }
}
