//! [`Session`]: the role and the credentials path, found once and remembered, so that
//! a steady-state refresh is one request.

use std::sync::{Mutex, MutexGuard, PoisonError};

use creds_core::{Credentials, CredentialsError, ErrorKind, ProviderConfig};
use http::StatusCode;

use crate::client::{ImdsClient, status_error};
use crate::provider::NAME;
use crate::response;
use crate::settings::{Settings, is_valid_role_name};

/// The extended credentials path, whose documents carry `AccountId`.
pub(crate) const EXTENDED_PATH: &str = "/latest/meta-data/iam/security-credentials-extended/";
/// The legacy credentials path.
pub(crate) const LEGACY_PATH: &str = "/latest/meta-data/iam/security-credentials/";

/// Which credentials path the instance serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Api {
    /// Not known yet: the extended path is tried first.
    #[default]
    Unknown,
    Extended,
    Legacy,
}

impl Api {
    fn path(self) -> &'static str {
        match self {
            Api::Legacy => LEGACY_PATH,
            Api::Unknown | Api::Extended => EXTENDED_PATH,
        }
    }
}

/// The settings, the client and what was learnt.
#[derive(Debug)]
pub(crate) struct Session {
    pub(crate) settings: Settings,
    client: ImdsClient,
    found: Mutex<Found>,
}

#[derive(Debug, Default)]
struct Found {
    /// The discovered role (when none is configured).
    role: Option<String>,
    api: Api,
}

/// What a GET of a path with a fallback got.
enum Got {
    Body(bytes::Bytes),
    NotFound,
}

impl Session {
    pub(crate) fn new(config: &ProviderConfig, settings: Settings) -> Self {
        Session {
            client: ImdsClient::new(config, &settings),
            settings,
            found: Mutex::default(),
        }
    }

    fn found(&self) -> MutexGuard<'_, Found> {
        self.found.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The credentials of the configured role, or of the discovered one. A discovered
    /// role whose credentials are not found (404) is discovered again, once: the
    /// instance profile may have changed.
    pub(crate) async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        if let Some((role, origin)) = &self.settings.role {
            return match self.credentials_of(role).await? {
                Some(creds) => Ok(creds),
                None => Err(origin.error(
                    ErrorKind::InvalidConfig,
                    format!(
                        "the instance metadata service at {} has no credentials for the \
                         instance profile '{role}' named by {origin} (HTTP 404); check the name",
                        self.client.base()
                    ),
                )),
            };
        }
        let role = self.role().await?;
        if let Some(creds) = self.credentials_of(&role).await? {
            return Ok(creds);
        }
        tracing::debug!(%role, "no credentials for the discovered role (404): discovering it again");
        {
            let mut found = self.found();
            if found.role.as_deref() == Some(role.as_str()) {
                found.role = None;
            }
        }
        let role = self.role().await?;
        self.credentials_of(&role).await?.ok_or_else(|| {
            CredentialsError::unavailable(
                NAME,
                format!(
                    "the instance metadata service at {} lists the instance profile '{role}' \
                     but has no credentials for it (HTTP 404)",
                    self.client.base()
                ),
            )
        })
    }

    /// The role, discovered from the list of the credentials path and remembered.
    async fn role(&self) -> Result<String, CredentialsError> {
        if let Some(role) = self.found().role.clone() {
            return Ok(role);
        }
        let body = match self
            .get_with_fallback("", "the request for the role name")
            .await?
        {
            Got::Body(body) => body,
            Got::NotFound => return Err(self.no_role("answered HTTP 404 for the role name")),
        };
        let text = std::str::from_utf8(&body).unwrap_or_default();
        let Some(role) = text.lines().map(str::trim).find(|l| !l.is_empty()) else {
            return Err(self.no_role("answered an empty list of roles"));
        };
        if !is_valid_role_name(role) {
            return Err(CredentialsError::unavailable(
                NAME,
                format!(
                    "the instance metadata service at {} answered a role name that is not an \
                     instance profile name",
                    self.client.base()
                ),
            ));
        }
        tracing::debug!(%role, "discovered the instance profile");
        self.found().role = Some(role.to_owned());
        Ok(role.to_owned())
    }

    fn no_role(&self, what: &str) -> CredentialsError {
        CredentialsError::not_configured(
            NAME,
            format!(
                "the instance metadata service at {} {what}: no IAM role (instance profile) is \
                 attached to this instance",
                self.client.base()
            ),
        )
    }

    /// The credentials of `role`, or `None` when IMDS has none (404).
    async fn credentials_of(&self, role: &str) -> Result<Option<Credentials>, CredentialsError> {
        match self
            .get_with_fallback(role, "the credentials request")
            .await?
        {
            Got::Body(body) => {
                let who = format!("the instance metadata service at {}", self.client.base());
                let origin = format!(
                    "the instance metadata service at {}, instance profile '{role}'",
                    self.client.base()
                );
                response::parse(&body, &who, self.client.clock(), Some(origin)).map(Some)
            }
            Got::NotFound => Ok(None),
        }
    }

    /// `GET <credentials path><suffix>`: while the path is not known, the extended one
    /// and, on a 404 or a 5xx (moto answers 500 there), the legacy one; the one that
    /// answers is remembered.
    async fn get_with_fallback(&self, suffix: &str, what: &str) -> Result<Got, CredentialsError> {
        let api = self.found().api;
        let (response, used) = {
            let response = self
                .client
                .get(&format!("{}{suffix}", api.path()), what)
                .await?;
            let status = response.status();
            if api == Api::Unknown && (status == StatusCode::NOT_FOUND || status.is_server_error())
            {
                tracing::debug!(%status, "no extended credentials path: trying the legacy one");
                let legacy = self
                    .client
                    .get(&format!("{LEGACY_PATH}{suffix}"), what)
                    .await?;
                (legacy, Api::Legacy)
            } else if api == Api::Unknown {
                (response, Api::Extended)
            } else {
                (response, api)
            }
        };
        let status = response.status();
        if status.is_success() {
            let mut found = self.found();
            if found.api == Api::Unknown {
                tracing::debug!(api = ?used, "the credentials path that answers");
                found.api = used;
            }
            drop(found);
            return Ok(Got::Body(response.into_body()));
        }
        if status == StatusCode::NOT_FOUND {
            return Ok(Got::NotFound);
        }
        Err(status_error(status, what, self.client.base()))
    }
}
