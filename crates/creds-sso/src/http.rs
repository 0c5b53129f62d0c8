//! The two services' endpoints (the portal and SSO-OIDC) over `creds-http`: endpoint
//! overrides, the regional default, one shared client, JSON replies and errors.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use creds_core::{CredentialsError, ProviderConfig};
use creds_http::endpoint::{self, Service};
use creds_http::{
    ClientSettings, HttpClient, NonIdempotent, Proxy, ServiceError, THROTTLING_CODES, shared_client,
};
use http::{Method, Response, header};
use serde_json::Value;

use crate::NAME;

/// How long a call may take to connect and between two reads (the cache's deadline
/// bounds the whole).
const TIMEOUT: Duration = Duration::from_secs(5);

/// Attempts of a call that may be sent again, as in the SDKs' standard retry mode.
const ATTEMPTS: u32 = 3;

/// The largest reply read: 64 KiB (the replies are a few hundred bytes).
pub const MAX_REPLY_BYTES: usize = 64 * 1024;

/// A service endpoint and the client that calls it.
#[derive(Clone)]
pub(crate) struct Endpoint {
    /// The endpoint's URL without a trailing `/`.
    base: String,
    /// As errors and origins show it: `scheme://host:port`.
    shown: String,
    /// The service as messages name it.
    service: &'static str,
    http: HttpClient,
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("service", &self.service)
            .field("endpoint", &self.shown)
            .finish_non_exhaustive()
    }
}

impl Endpoint {
    /// The endpoint of `service` for `profile`'s settings (`AWS_ENDPOINT_URL_SSO`,
    /// `[services]`, `endpoint_url`, ...), else `https://{prefix}.{region}.amazonaws.com`.
    pub(crate) fn new(
        config: &ProviderConfig,
        profile: Option<&str>,
        service: Service,
        prefix: &str,
        region: &str,
        shown_as: &'static str,
    ) -> Result<Endpoint, CredentialsError> {
        let relabel = |e: CredentialsError| e.with_provider(NAME);
        let configured = match profile {
            Some(profile) => endpoint::resolve_endpoint_for_profile(config, profile, service),
            None => endpoint::resolve_endpoint(config, service),
        }
        .map_err(relabel)?;
        let base = match configured {
            Some(url) => url,
            None => endpoint::regional_default(prefix, region).map_err(relabel)?,
        };
        let base = base.trim_end_matches('/').to_owned();
        let uri: http::Uri = format!("{base}/").parse().map_err(|_| {
            CredentialsError::invalid_config(NAME, format!("the {shown_as} endpoint is not a URL"))
        })?;
        let settings = ClientSettings::new(TIMEOUT, ATTEMPTS)
            .retry_codes(THROTTLING_CODES.iter().copied())
            .max_body_bytes(MAX_REPLY_BYTES)
            .proxy(Proxy::from_env(config.env()));
        Ok(Endpoint {
            shown: creds_http::endpoint_of(&uri),
            base,
            service: shown_as,
            http: shared_client(config, &settings),
        })
    }

    /// `scheme://host:port` of the endpoint.
    pub(crate) fn shown(&self) -> &str {
        &self.shown
    }

    /// Sends a request to `path_and_query` (starting with `/`). A `body` is JSON;
    /// `once` marks the request as one never sent twice (a refresh that rotates its
    /// refresh token, a registration, a device authorization).
    pub(crate) async fn send(
        &self,
        method: Method,
        path_and_query: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
        once: bool,
    ) -> Result<Response<Bytes>, CredentialsError> {
        let mut request = http::Request::builder()
            .method(method)
            .uri(format!("{}{path_and_query}", self.base))
            .header(
                header::USER_AGENT,
                concat!("creds-sso/", env!("CARGO_PKG_VERSION")),
            );
        if body.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut request = request
            .body(Bytes::from(body.unwrap_or_default().to_vec()))
            .map_err(|_| {
                CredentialsError::invalid_config(
                    NAME,
                    format!(
                        "cannot make the {} request: a value holds characters no header may",
                        self.service
                    ),
                )
            })?;
        if once {
            request.extensions_mut().insert(NonIdempotent);
        }
        tracing::debug!(endpoint = %self.shown, path = path_and_query.split('?').next().unwrap_or("/"), "calling {}", self.service);
        self.http
            .send(request)
            .await
            .map_err(|e| e.to_credentials_error(NAME))
    }

    /// The JSON object of a successful reply, or what is wrong with it.
    pub(crate) fn json(&self, response: &Response<Bytes>) -> Result<Value, CredentialsError> {
        let value: Value = serde_json::from_slice(response.body()).map_err(|_| {
            CredentialsError::unavailable(
                NAME,
                format!(
                    "the {} at {} answered with a body that is not JSON",
                    self.service, self.shown
                ),
            )
        })?;
        if !value.is_object() {
            return Err(CredentialsError::unavailable(
                NAME,
                format!(
                    "the {} at {} answered with JSON that is not an object",
                    self.service, self.shown
                ),
            ));
        }
        Ok(value)
    }

    /// The error of a failed reply, with `secrets` (what the request carried) removed
    /// from whatever the service echoed.
    pub(crate) fn error(&self, response: &Response<Bytes>, secrets: &[&str]) -> ServiceError {
        ServiceError::from_response(response).redact(secrets)
    }

    /// A missing or mistyped field of a reply.
    pub(crate) fn missing(&self, field: &str) -> CredentialsError {
        CredentialsError::unavailable(
            NAME,
            format!(
                "the {} at {} answered without a valid {field}",
                self.service, self.shown
            ),
        )
    }
}

/// The OAuth `error` of an SSO-OIDC error body (`authorization_pending`, ...), which
/// names the case more precisely than the exception's type.
pub(crate) fn oauth_error(response: &Response<Bytes>) -> Option<String> {
    let mut value: Value = serde_json::from_slice(response.body()).ok()?;
    let error = value
        .get("error")
        .and_then(Value::as_str)
        .map(str::to_owned);
    // An error body may echo what was sent.
    creds_core::document::wipe(&mut value);
    error
}
