//! [`ImdsClient`]: requests to the instance metadata service, with the IMDSv2 token
//! kept, reused, renewed on a 401, and the IMDSv1 fallback.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use creds_core::{Clock, CredentialsError, ErrorKind, ProviderConfig};
use creds_http::{ClientSettings, HttpClient, HttpError, HttpErrorKind, Proxy, shared_client};
use http::{HeaderValue, Response, StatusCode};
use zeroize::Zeroizing;

use crate::provider::NAME;
use crate::settings::{Origin, Settings};
use crate::token::{TOKEN_HEADER, TTL_HEADER, Token};

/// The path of the token.
pub(crate) const TOKEN_PATH: &str = "/latest/api/token";

/// The largest answer read: 64 KiB (a credentials document is about 1.5 KiB).
const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// The backoff between attempts: a random time up to `BASE × 2ⁿ`, at most `MAX`.
const RETRY_BASE_DELAY: Duration = Duration::from_millis(100);
const RETRY_MAX_DELAY: Duration = Duration::from_secs(1);

/// The requests of one provider, and the token state they share.
#[derive(Debug)]
pub(crate) struct ImdsClient {
    base: String,
    http: HttpClient,
    token_ttl: Duration,
    v1_disabled: Option<Origin>,
    clock: Clock,
    state: Mutex<TokenState>,
}

#[derive(Debug, Default)]
struct TokenState {
    token: Option<Token>,
    /// IMDS answered the token request with 403, 404 or 405, or did not answer it in
    /// time: requests go without a token until a 401 says IMDSv2 is required.
    v1: bool,
}

impl ImdsClient {
    pub(crate) fn new(config: &ProviderConfig, settings: &Settings) -> Self {
        ImdsClient {
            base: settings.endpoint.clone(),
            http: http_client(config, settings.timeout, settings.max_attempts),
            token_ttl: settings.token_ttl,
            v1_disabled: settings.v1_disabled.clone(),
            clock: config.clock().clone(),
            state: Mutex::default(),
        }
    }

    /// The clock that dates tokens and credentials.
    pub(crate) fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The base URL.
    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    fn state(&self) -> MutexGuard<'_, TokenState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The token to send: the kept one while it is fresh, else a new one; `None` in
    /// IMDSv1 mode.
    async fn token(&self) -> Result<Option<Zeroizing<String>>, CredentialsError> {
        {
            let state = self.state();
            if state.v1 {
                return Ok(None);
            }
            let now = self.clock.now();
            if let Some(token) = state.token.as_ref().filter(|t| t.fresh_at(now)) {
                return Ok(Some(token.value.clone()));
            }
        }
        tracing::debug!(endpoint = %self.base, "requesting an IMDSv2 session token");
        let request = http::Request::put(format!("{}{TOKEN_PATH}", self.base))
            .header(TTL_HEADER, self.token_ttl.as_secs().to_string())
            .body(Bytes::new())
            .map_err(|_| self.bad_url())?;
        let response = match self.http.send(request).await {
            Ok(response) => response,
            Err(error) if error.kind() == HttpErrorKind::Timeout && !error.during_connect() => {
                // It answers connections but not the token request: IMDSv2 is off, or
                // (in a container) the answer's hop limit is too low for it to arrive.
                return self.fall_back(
                    ErrorKind::Unavailable,
                    format!("the token request timed out: {error}"),
                    "; in a container, raise the instance's metadata hop limit \
                     (HttpPutResponseHopLimit) to 2",
                );
            }
            Err(error) => return Err(http_failure(error, "the token request", &self.base)),
        };
        let status = response.status();
        match status.as_u16() {
            200..=299 => {
                let token = Token::from_answer(
                    response.body(),
                    response.headers(),
                    self.token_ttl,
                    self.clock.now(),
                )
                .map_err(|bad| {
                    CredentialsError::unavailable(
                        NAME,
                        format!(
                            "the instance metadata service at {} answered {bad} to the token request",
                            self.base
                        ),
                    )
                })?;
                let value = token.value.clone();
                tracing::debug!(refresh_at = %token.refresh_at, "got an IMDSv2 session token");
                self.state().token = Some(token);
                Ok(Some(value))
            }
            400 => Err(CredentialsError::rejected(
                NAME,
                format!(
                    "the instance metadata service at {} answered the token request with HTTP \
                     {status}; the request was refused as malformed, so IMDSv1 is not tried \
                     (is a proxy in the way?)",
                    self.base
                ),
            )),
            // 403, 404 and 405: IMDSv2 is off, or not there (an old or fake IMDS).
            403..=405 => self.fall_back(
                ErrorKind::InvalidConfig,
                format!("the token request was answered with HTTP {status}"),
                "; turn IMDSv2 on for the instance (http-tokens optional or required)",
            ),
            _ => Err(status_error(status, "the token request", &self.base)),
        }
    }

    /// IMDSv1 from now on, unless it is disabled: then an error of `kind` that names
    /// the setting that disabled it.
    fn fall_back(
        &self,
        kind: ErrorKind,
        why: String,
        hint: &str,
    ) -> Result<Option<Zeroizing<String>>, CredentialsError> {
        if let Some(origin) = &self.v1_disabled {
            return Err(origin.error(
                kind,
                format!(
                    "cannot get an IMDSv2 session token from {} ({why}), and the IMDSv1 \
                     fallback is disabled by {origin}{hint}",
                    self.base
                ),
            ));
        }
        tracing::debug!(endpoint = %self.base, reason = %why, "no IMDSv2 session token: falling back to IMDSv1");
        let mut state = self.state();
        state.v1 = true;
        state.token = None;
        Ok(None)
    }

    /// `GET path`, with the token. A 401 drops the token (or, in IMDSv1 mode, ends it)
    /// and the request is sent once more with a new one. Every status is returned; an
    /// error is a failure to get one.
    pub(crate) async fn get(
        &self,
        path: &str,
        what: &str,
    ) -> Result<Response<Bytes>, CredentialsError> {
        let token = self.token().await?;
        let response = self
            .send_get(path, token.as_deref().map(String::as_str), what)
            .await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        {
            let mut state = self.state();
            match &token {
                Some(sent) => {
                    tracing::debug!("IMDS refused the session token (401): getting a new one");
                    if state.token.as_ref().is_some_and(|t| t.value == *sent) {
                        state.token = None;
                    }
                }
                None => {
                    tracing::debug!(
                        "IMDS answered 401 to an IMDSv1 request: it requires IMDSv2 now"
                    );
                    state.v1 = false;
                }
            }
        }
        match self.token().await? {
            Some(token) => self.send_get(path, Some(token.as_str()), what).await,
            None => Ok(response),
        }
    }

    async fn send_get(
        &self,
        path: &str,
        token: Option<&str>,
        what: &str,
    ) -> Result<Response<Bytes>, CredentialsError> {
        let mut request = http::Request::get(format!("{}{path}", self.base));
        if let Some(token) = token {
            let mut value = HeaderValue::from_str(token).map_err(|_| {
                CredentialsError::unavailable(
                    NAME,
                    "the IMDSv2 session token is not a header value",
                )
            })?;
            value.set_sensitive(true);
            request = request.header(TOKEN_HEADER, value);
        }
        let request = request.body(Bytes::new()).map_err(|_| self.bad_url())?;
        tracing::debug!(endpoint = %self.base, %path, token = token.is_some(), "IMDS request");
        self.http
            .send(request)
            .await
            .map_err(|e| http_failure(e, what, &self.base))
    }

    fn bad_url(&self) -> CredentialsError {
        CredentialsError::invalid_config(
            NAME,
            format!(
                "cannot make a request to the instance metadata service at {}",
                self.base
            ),
        )
    }
}

/// The client, shared with the other providers of `config` that ask for the same:
/// connect and read timeouts of `timeout`, `attempts` attempts for 5xx answers and
/// dropped connections with full-jitter backoff, and neither refused nor timed-out
/// connections retried: off EC2 it gives up at once.
fn http_client(config: &ProviderConfig, timeout: Duration, attempts: u32) -> HttpClient {
    let settings = ClientSettings::new(timeout, attempts)
        .backoff(RETRY_BASE_DELAY, RETRY_MAX_DELAY)
        .retry_connect_errors(false)
        .retry_timeouts(false)
        .max_body_bytes(MAX_RESPONSE_BYTES)
        // Instance metadata is link-local: never through a proxy, as in every SDK.
        .proxy(Proxy::None);
    shared_client(config, &settings)
}

/// A failure to get an answer. Nothing listening, or nothing reachable within the
/// connect timeout, is [`NotConfigured`](ErrorKind::NotConfigured): the program does
/// not run on EC2, and the default chain moves on (aws-config, botocore and JS v3 move
/// on too). Anything else, after a connection was made, is
/// [`Unavailable`](ErrorKind::Unavailable).
pub(crate) fn http_failure(error: HttpError, what: &str, base: &str) -> CredentialsError {
    let unreachable = error.during_connect()
        && matches!(
            error.kind(),
            HttpErrorKind::Connect | HttpErrorKind::Timeout
        );
    let kind = if unreachable {
        ErrorKind::NotConfigured
    } else if error.kind() == HttpErrorKind::InvalidRequest {
        ErrorKind::InvalidConfig
    } else {
        ErrorKind::Unavailable
    };
    let message = if unreachable {
        format!(
            "no instance metadata service at {base} ({error}); not running on EC2? \
             (AWS_EC2_METADATA_DISABLED=true skips it)"
        )
    } else {
        format!("{what} to the instance metadata service at {base} failed: {error}")
    };
    CredentialsError::new(kind, NAME, message).with_source(error)
}

/// The error for an unexpected status.
pub(crate) fn status_error(status: StatusCode, what: &str, base: &str) -> CredentialsError {
    let message =
        format!("the instance metadata service at {base} answered {what} with HTTP {status}");
    match status.as_u16() {
        401 => CredentialsError::rejected(
            NAME,
            format!("{message}, even with a new IMDSv2 session token"),
        ),
        403 => CredentialsError::rejected(
            NAME,
            format!(
                "{message}: is the metadata service turned off for this instance \
                 (http-endpoint disabled), or are its tags or a policy in the way?"
            ),
        ),
        408 | 429 => CredentialsError::unavailable(NAME, message),
        400..=499 => CredentialsError::rejected(NAME, message),
        _ => CredentialsError::unavailable(NAME, message),
    }
}
