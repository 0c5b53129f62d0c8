//! The IMDSv2 session token: what IMDS answered to `PUT /latest/api/token`, and until
//! when it is used.

use std::fmt;
use std::time::Duration;

use creds_core::REDACTED;
use http::HeaderMap;
use jiff::{SignedDuration, Timestamp};
use zeroize::Zeroizing;

/// The header that asks for a TTL and that IMDS answers the granted TTL in.
pub(crate) const TTL_HEADER: &str = "x-aws-ec2-metadata-token-ttl-seconds";
/// The header a request carries the token in.
pub(crate) const TOKEN_HEADER: &str = "x-aws-ec2-metadata-token";

/// The longest token accepted (IMDS tokens are about 56 characters).
const MAX_TOKEN_LEN: usize = 4096;

/// How long before the end of its TTL a token is replaced: two minutes, or a quarter
/// of the TTL when that is shorter (aws-config keeps a two-minute buffer too).
const REFRESH_BUFFER: Duration = Duration::from_secs(120);

/// A session token. Zeroed on drop; never printed.
pub(crate) struct Token {
    pub(crate) value: Zeroizing<String>,
    /// When it is replaced: shortly before its TTL ends.
    pub(crate) refresh_at: Timestamp,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("value", &REDACTED)
            .field("refresh_at", &self.refresh_at)
            .finish()
    }
}

/// Why a token answer is unusable; never quotes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BadToken {
    Empty,
    TooLong,
    NotAHeader,
}

impl fmt::Display for BadToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BadToken::Empty => "an empty token",
            BadToken::TooLong => "a token longer than 4096 bytes",
            BadToken::NotAHeader => "a token that is not printable ASCII",
        })
    }
}

impl Token {
    /// The token of a successful answer, used until shortly before the TTL that IMDS
    /// granted (its `x-aws-ec2-metadata-token-ttl-seconds` header), or the `requested`
    /// one when the answer has no such header (moto sends none).
    pub(crate) fn from_answer(
        body: &[u8],
        headers: &HeaderMap,
        requested: Duration,
        now: Timestamp,
    ) -> Result<Token, BadToken> {
        let text = std::str::from_utf8(body).map_err(|_| BadToken::NotAHeader)?;
        let value = text.trim();
        if value.is_empty() {
            return Err(BadToken::Empty);
        }
        if value.len() > MAX_TOKEN_LEN {
            return Err(BadToken::TooLong);
        }
        if !value.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(BadToken::NotAHeader);
        }
        let granted = headers
            .get(TTL_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|secs| *secs > 0)
            .map(Duration::from_secs);
        if granted.is_none() {
            tracing::debug!(
                "the IMDS token answer has no usable TTL header: assuming the {}s requested",
                requested.as_secs()
            );
        }
        let ttl = granted.unwrap_or(requested);
        let keep = ttl.saturating_sub(REFRESH_BUFFER.min(ttl / 4));
        let refresh_at = SignedDuration::try_from(keep)
            .ok()
            .and_then(|keep| now.checked_add(keep).ok())
            .unwrap_or(Timestamp::MAX);
        Ok(Token {
            value: Zeroizing::new(value.to_owned()),
            refresh_at,
        })
    }

    /// Whether it may still be sent at `now`.
    pub(crate) fn fresh_at(&self, now: Timestamp) -> bool {
        now < self.refresh_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-06-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn uses_the_granted_ttl_else_the_requested_one() {
        let mut headers = HeaderMap::new();
        headers.insert(TTL_HEADER, "600".parse().unwrap());
        let token = Token::from_answer(
            b"AQAEAtoken==\n",
            &headers,
            Duration::from_secs(21_600),
            now(),
        )
        .unwrap();
        assert_eq!(token.value.as_str(), "AQAEAtoken==");
        // 600 s less two minutes.
        assert_eq!(token.refresh_at.to_string(), "2026-06-01T00:08:00Z");

        let token = Token::from_answer(b"t", &HeaderMap::new(), Duration::from_secs(21_600), now())
            .unwrap();
        assert_eq!(token.refresh_at.to_string(), "2026-06-01T05:58:00Z");
        assert!(token.fresh_at(now()));
        assert!(!token.fresh_at("2026-06-01T05:58:00Z".parse().unwrap()));

        // A short TTL keeps three quarters of it.
        let token =
            Token::from_answer(b"t", &HeaderMap::new(), Duration::from_secs(60), now()).unwrap();
        assert_eq!(token.refresh_at.to_string(), "2026-06-01T00:00:45Z");
    }

    #[test]
    fn bad_tokens() {
        let h = HeaderMap::new();
        let ttl = Duration::from_secs(60);
        assert_eq!(
            Token::from_answer(b" \n", &h, ttl, now()).unwrap_err(),
            BadToken::Empty
        );
        assert_eq!(
            Token::from_answer(b"a b", &h, ttl, now()).unwrap_err(),
            BadToken::NotAHeader
        );
        assert_eq!(
            Token::from_answer(&[0xff], &h, ttl, now()).unwrap_err(),
            BadToken::NotAHeader
        );
        assert_eq!(
            Token::from_answer(&[b'a'; 5000], &h, ttl, now()).unwrap_err(),
            BadToken::TooLong
        );
        let token = Token::from_answer(b"SECRET-TOKEN", &h, ttl, now()).unwrap();
        assert!(!format!("{token:?}").contains("SECRET"));
    }
}
