//! Cognito Identity's awsJson 1.1 protocol over `creds-http`: the endpoint and region,
//! unsigned `POST /` calls with `X-Amz-Target`, and the service's errors.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use creds_core::{CredentialsError, ProviderConfig};
use creds_http::endpoint::{self, Service};
use creds_http::{
    ClientSettings, HttpClient, Proxy, ServiceError, THROTTLING_CODES, shared_client,
};
use http::header;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::NAME;
use crate::reply::MAX_REPLY_BYTES;

/// How long a call may take to connect and between two reads (the cache's deadline
/// bounds the whole).
const TIMEOUT: Duration = Duration::from_secs(5);

/// Attempts per call: throttling (`TooManyRequestsException`) and `5xx` are retried
/// with backoff, as in the SDKs' standard retry mode.
const ATTEMPTS: u32 = 3;

/// A Cognito Identity endpoint and the client that calls it.
#[derive(Clone)]
pub(crate) struct CognitoClient {
    uri: http::Uri,
    shown: String,
    region: String,
    http: HttpClient,
}

impl fmt::Debug for CognitoClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CognitoClient")
            .field("endpoint", &self.shown)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// The operations called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    GetId,
    GetCredentialsForIdentity,
}

impl Operation {
    fn target(self) -> &'static str {
        match self {
            Operation::GetId => "AWSCognitoIdentityService.GetId",
            Operation::GetCredentialsForIdentity => {
                "AWSCognitoIdentityService.GetCredentialsForIdentity"
            }
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Operation::GetId => "GetId",
            Operation::GetCredentialsForIdentity => "GetCredentialsForIdentity",
        }
    }
}

impl CognitoClient {
    /// The client of `region` (or of the one `creds-http` resolves: the builder's,
    /// the selected profile's, `AWS_REGION`, `AWS_DEFAULT_REGION`; else `fallback`,
    /// the pool id's, else `us-east-1`), at the endpoint override of
    /// `creds-http` (`AWS_ENDPOINT_URL_COGNITO_IDENTITY`, `[services]`, ...) or
    /// `https://cognito-identity.{region}.amazonaws.com`.
    pub(crate) fn new(
        config: &ProviderConfig,
        region: Option<&str>,
        fallback: Option<&str>,
    ) -> Result<CognitoClient, CredentialsError> {
        let relabel = |e: CredentialsError| e.with_provider(NAME);
        let region = endpoint::configured_region(config, region, None)
            .or_else(|| fallback.map(str::to_owned))
            .unwrap_or_else(|| endpoint::DEFAULT_REGION.to_owned());
        let url =
            match endpoint::resolve_endpoint(config, Service::COGNITO_IDENTITY).map_err(relabel)? {
                Some(url) => url,
                None => endpoint::regional_default("cognito-identity", &region).map_err(relabel)?,
            };
        let uri: http::Uri = format!("{}/", url.trim_end_matches('/'))
            .parse()
            .map_err(|_| {
                CredentialsError::invalid_config(NAME, "the Cognito Identity endpoint is not a URL")
            })?;
        let settings = ClientSettings::new(TIMEOUT, ATTEMPTS)
            .retry_codes(THROTTLING_CODES.iter().copied())
            .max_body_bytes(MAX_REPLY_BYTES)
            .proxy(Proxy::from_env(config.env()));
        Ok(CognitoClient {
            shown: creds_http::endpoint_of(&uri),
            uri,
            region,
            http: shared_client(config, &settings),
        })
    }

    /// The endpoint as it is shown: `scheme://host:port`.
    pub(crate) fn endpoint(&self) -> &str {
        &self.shown
    }

    /// The region of the calls.
    pub(crate) fn region(&self) -> &str {
        &self.region
    }

    /// Calls `operation` with the JSON object `body`. `secrets` (the login tokens) are
    /// blanked out of any error the service echoes them in.
    pub(crate) async fn call(
        &self,
        operation: Operation,
        body: &Value,
        secrets: &[&str],
    ) -> Result<Bytes, CredentialsError> {
        let text = Zeroizing::new(body.to_string());
        let request = http::Request::post(self.uri.clone())
            .header(header::CONTENT_TYPE, "application/x-amz-json-1.1")
            .header("x-amz-target", operation.target())
            .header(
                header::USER_AGENT,
                concat!("creds-cognito/", env!("CARGO_PKG_VERSION")),
            )
            .body(Bytes::from(text.as_bytes().to_vec()))
            .map_err(|_| {
                CredentialsError::invalid_config(NAME, "cannot make the Cognito Identity request")
            })?;
        tracing::debug!(operation = operation.name(), endpoint = %self.shown, region = %self.region, "calling Cognito Identity");
        let response = self
            .http
            .send(request)
            .await
            .map_err(|e| e.to_credentials_error(NAME))?;
        if !response.status().is_success() {
            let error = ServiceError::from_response(&response).redact(secrets);
            return Err(explain(&error, operation, self));
        }
        Ok(response.into_body())
    }
}

/// Cognito's error as a provider's, with what to do for the codes that say it.
fn explain(error: &ServiceError, operation: Operation, client: &CognitoClient) -> CredentialsError {
    let hint = match error.code() {
        Some("NotAuthorizedException") => Some(
            "Cognito refused the identity or its logins: check that the login tokens are \
             valid (they expire) and belong to a provider the pool trusts, or that the pool \
             allows unauthenticated identities when no logins are given",
        ),
        Some("ResourceNotFoundException") => Some(
            "the identity pool or the identity does not exist there: check the pool id and the \
             region",
        ),
        Some("InvalidIdentityPoolConfigurationException") => Some(
            "the pool's roles are not set up: check its authenticated and unauthenticated roles \
             and their trust policies",
        ),
        Some("ExternalServiceException") => {
            Some("the identity provider behind a login token failed: try again later")
        }
        Some("InvalidParameterException") => {
            Some("check the identity pool id, the identity id and the login provider names")
        }
        _ => None,
    };
    let base = error.to_credentials_error(NAME);
    let mut message = format!(
        "Cognito Identity {} at {} ({}): {}",
        operation.name(),
        client.shown,
        client.region,
        base.message()
    );
    if let Some(hint) = hint {
        message.push_str("; ");
        message.push_str(hint);
    }
    base.with_message(message)
}
