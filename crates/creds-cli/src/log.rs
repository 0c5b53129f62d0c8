//! The log on stderr: one line per event at or above the level the options ask for,
//! `LEVEL message key=value ...`, as tracing-subscriber's plain format writes it.
//!
//! A subscriber of its own rather than tracing-subscriber's: a CLI that runs once per
//! command (as a `credential_process`, say) should not build a span registry it never
//! uses before its first byte of output, and the crates it takes are build time.

#![allow(clippy::print_stderr)]

use std::fmt::{self, Write as _};
use std::io::Write as _;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

/// Writes events at `max` and above to stderr. Spans are not tracked (no crate of
/// creds opens one).
pub(crate) struct StderrLog {
    max: Level,
}

impl StderrLog {
    /// Installs the log for this process, at `max`.
    pub(crate) fn install(max: Level) {
        let _ = tracing::subscriber::set_global_default(StderrLog { max });
    }
}

impl Subscriber for StderrLog {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if self.enabled(metadata) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() <= self.max
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(self.max.into())
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let line = format_event(event);
        // One write per line, so that lines of two threads never interleave.
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// `" WARN message key=value\n"`: the level right-aligned in five columns.
fn format_event(event: &Event<'_>) -> String {
    let mut line = format!("{:>5} ", event.metadata().level());
    let mut fields = Fields {
        message: String::new(),
        rest: String::new(),
    };
    event.record(&mut fields);
    line.push_str(&fields.message);
    line.push_str(&fields.rest);
    line.push('\n');
    line
}

struct Fields {
    message: String,
    rest: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.rest, " {}={value:?}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.rest, " {}={value:?}", field.name());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// The same format, into a buffer.
    struct Capture(Arc<Mutex<Vec<String>>>);

    impl Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &Attributes<'_>) -> Id {
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, _: &Record<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            self.0.lock().unwrap().push(format_event(event));
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }

    #[test]
    fn lines_read_as_tracing_subscribers_plain_format() {
        let lines = Arc::new(Mutex::new(Vec::new()));
        tracing::subscriber::with_default(Capture(Arc::clone(&lines)), || {
            let path = std::path::Path::new("/h/.aws/config");
            tracing::warn!(path = %path.display(), count = 2, name = "dev", "a warning");
            tracing::error!("broken");
        });
        assert_eq!(
            *lines.lock().unwrap(),
            [
                " WARN a warning path=/h/.aws/config count=2 name=\"dev\"\n",
                "ERROR broken\n"
            ]
        );
    }
}
