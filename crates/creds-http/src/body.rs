//! Request and response bodies: a whole request body, a response body read up to a
//! cap.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};

/// A request body held whole.
pub(crate) struct RequestBody(Option<Bytes>);

impl RequestBody {
    pub(crate) fn new(body: Bytes) -> Self {
        RequestBody((!body.is_empty()).then_some(body))
    }
}

impl Body for RequestBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.get_mut().0.take().map(|b| Ok(Frame::data(b))))
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.0.as_ref().map_or(0, |b| b.len() as u64))
    }
}

/// Why a response body could not be read.
pub(crate) enum BodyError {
    /// It passed the cap.
    TooLarge,
    /// The connection failed or timed out.
    Read(hyper::Error),
}

/// Reads `body` whole, failing as soon as it passes `max` bytes: at most `max` bytes
/// and one frame are held. A body of one frame is returned without a copy.
pub(crate) async fn read_body(mut body: Incoming, max: usize) -> Result<Bytes, BodyError> {
    let mut first: Option<Bytes> = None;
    let mut joined: Option<Vec<u8>> = None;
    let mut total = 0usize;
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let Ok(data) = frame.map_err(BodyError::Read)?.into_data() else {
            continue; // trailers
        };
        total = total.saturating_add(data.len());
        if total > max {
            return Err(BodyError::TooLarge);
        }
        match (&mut first, &mut joined) {
            (None, None) => first = Some(data),
            (Some(_), None) => {
                let head = first.take().unwrap_or_default();
                let mut buf = Vec::new();
                grow(&mut buf, total, max);
                buf.extend_from_slice(&head);
                buf.extend_from_slice(&data);
                joined = Some(buf);
            }
            (_, Some(buf)) => {
                grow(buf, total, max);
                buf.extend_from_slice(&data);
            }
        }
    }
    Ok(match joined {
        Some(buf) => Bytes::from(buf),
        None => first.unwrap_or_default(),
    })
}

/// Makes room for `needed` bytes, doubling as a `Vec` does but never past `max`.
fn grow(buf: &mut Vec<u8>, needed: usize, max: usize) {
    if buf.capacity() < needed {
        let target = needed.max(buf.capacity() * 2).min(max);
        buf.reserve_exact(target - buf.len());
    }
}
