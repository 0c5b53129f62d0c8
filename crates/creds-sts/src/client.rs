//! [`StsClient`]: the query protocol over `creds-http`, the endpoint and region, SigV4,
//! and STS's errors.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use creds_core::{Credentials, CredentialsError, ProviderConfig};
use creds_http::endpoint::{self, Service};
use creds_http::{
    ClientSettings, HttpClient, Proxy, ServiceError, THROTTLING_CODES, shared_client,
};
use http::header;

use crate::sigv4::{self, Signable, Signer};
use crate::xml::{self, MAX_REPLY_BYTES, Reply, StsAction};

/// The query protocol's version of STS.
const VERSION: &str = "2011-06-15";

/// How long STS may take to connect and between two reads: 5 s (aws-config connects
/// within 3.1 s and botocore within 60; the cache's 30 s deadline bounds the whole).
const TIMEOUT: Duration = Duration::from_secs(5);

/// Attempts per call, as in the SDKs' standard retry mode.
const ATTEMPTS: u32 = 3;

/// The regions for which `sts_regional_endpoints = legacy` means the global endpoint
/// `sts.amazonaws.com` (botocore's and the JavaScript SDK's list).
const LEGACY_GLOBAL_REGIONS: &[&str] = &[
    "ap-northeast-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "aws-global",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// An STS endpoint and region, and the HTTP client shared by every provider of the
/// config that calls STS with the same settings.
#[derive(Clone)]
pub(crate) struct StsClient {
    /// Where requests go: the endpoint's URL with a `/` after its path.
    uri: http::Uri,
    /// The endpoint as logs, errors and origins show it: `scheme://host:port`.
    shown: String,
    region: String,
    http: HttpClient,
    clock: creds_core::Clock,
}

impl fmt::Debug for StsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StsClient")
            .field("endpoint", &self.shown)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// The parameters of a call, wiped when dropped (cancelled or not): they hold a web
/// identity token, an external id, an MFA code. (The body the HTTP client sends is a
/// copy it holds while it sends; that one is not wiped.)
#[derive(Default)]
pub(crate) struct Form(Vec<(String, String)>);

impl Form {
    pub(crate) fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }
}

impl Drop for Form {
    fn drop(&mut self) {
        for (_, value) in &mut self.0 {
            zeroize::Zeroize::zeroize(value);
        }
    }
}

/// Where an STS call goes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Target {
    /// The profile whose `region`, `endpoint_url` and `sts_regional_endpoints` count
    /// (the selected one when `None`).
    pub(crate) profile: Option<String>,
    /// A region given to the builder, over every setting.
    pub(crate) region: Option<String>,
}

impl StsClient {
    /// The client for `target`: the endpoint override of creds-http
    /// (`AWS_ENDPOINT_URL_STS`, `[services]`, ...), else the regional endpoint (or the
    /// global one with `sts_regional_endpoints = legacy` in the regions it covers); the
    /// region of inner calls resolved as creds-http does, with the selected profile's
    /// region as the caller's.
    pub(crate) fn new(
        config: &ProviderConfig,
        target: &Target,
        provider: &'static str,
    ) -> Result<StsClient, CredentialsError> {
        let relabel = |e: CredentialsError| e.with_provider(provider);
        let region = match &target.profile {
            Some(profile) => {
                let caller = config.profile_set().ok().and_then(|set| {
                    set.selected_profile()
                        .and_then(|p| p.get("region"))
                        .map(str::to_owned)
                });
                endpoint::resolve_region_for_profile(
                    config,
                    profile,
                    target.region.as_deref(),
                    caller.as_deref(),
                )
            }
            None => endpoint::resolve_region(config, target.region.as_deref(), None),
        };
        let configured = match &target.profile {
            Some(profile) => endpoint::resolve_endpoint_for_profile(config, profile, Service::STS),
            None => endpoint::resolve_endpoint(config, Service::STS),
        }
        .map_err(relabel)?;
        let (endpoint, region) = match configured {
            Some(endpoint) => (endpoint, region),
            None if legacy(config, target.profile.as_deref()).map_err(relabel)?
                && LEGACY_GLOBAL_REGIONS.contains(&region.as_str()) =>
            {
                (
                    "https://sts.amazonaws.com".to_owned(),
                    "us-east-1".to_owned(),
                )
            }
            None => (
                endpoint::regional_default("sts", &region).map_err(relabel)?,
                region,
            ),
        };
        let retry: Vec<&str> = match provider {
            // STS's web identity calls fail over to it when the identity provider is slow.
            crate::web_identity::NAME => THROTTLING_CODES
                .iter()
                .copied()
                .chain(["IDPCommunicationError"])
                .collect(),
            _ => THROTTLING_CODES.to_vec(),
        };
        let settings = ClientSettings::new(TIMEOUT, ATTEMPTS)
            .retry_codes(retry)
            .max_body_bytes(MAX_REPLY_BYTES)
            .proxy(Proxy::from_env(config.env()));
        let uri: http::Uri = format!("{endpoint}/").parse().map_err(|_| {
            CredentialsError::invalid_config(provider, "the STS endpoint is not a URL")
        })?;
        Ok(StsClient {
            shown: creds_http::endpoint_of(&uri),
            uri,
            region,
            http: shared_client(config, &settings),
            clock: config.clock().clone(),
        })
    }

    /// The endpoint as it is shown (`scheme://host:port`, no path, query or user
    /// information): `https://sts.{region}.amazonaws.com` or an override's.
    pub(crate) fn endpoint(&self) -> &str {
        &self.shown
    }

    /// Calls `action` with `params`, signed with `signer` when given (`AssumeRole`) or
    /// unsigned (`AssumeRoleWithWebIdentity`). `sent` are the secrets the request
    /// carries (a web identity token, an external id, an MFA code), blanked out of any
    /// error STS echoes them in, with the signer's secret and token.
    pub(crate) async fn call(
        &self,
        action: StsAction,
        params: &Form,
        signer: Option<&Credentials>,
        sent: &[&str],
        origin: String,
    ) -> Result<Reply, CredentialsError> {
        let provider = action.provider();
        let mut body = format!("Action={}&Version={VERSION}", action.as_str());
        for (name, value) in &params.0 {
            body.push('&');
            body.push_str(&sigv4::encode(name.as_bytes()));
            body.push('=');
            body.push_str(&sigv4::encode(value.as_bytes()));
        }
        let body = zeroize::Zeroizing::new(body);
        let uri = self.uri.clone();
        // The path (and query) of an override such as https://gateway/sts is sent, so
        // it is what is signed.
        let path_and_query = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
        let host = host_header(&uri);
        let mut headers = vec![
            (
                header::CONTENT_TYPE.as_str().to_owned(),
                "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
            ),
            (header::HOST.as_str().to_owned(), host),
        ];
        if let Some(token) = signer.and_then(Credentials::session_token) {
            headers.push(("x-amz-security-token".to_owned(), token.to_owned()));
        }
        let mut request = http::Request::post(uri);
        if let Some(signer) = signer {
            let signature = Signer {
                access_key_id: signer.access_key_id(),
                secret_access_key: signer.secret_access_key(),
                region: &self.region,
                service: "sts",
                time: self.clock.now(),
            }
            .sign(&Signable {
                method: "POST",
                path_and_query: &path_and_query,
                headers: &headers,
                body: body.as_bytes(),
            });
            // A hash and a date: safe to log, and what a signature mismatch needs.
            tracing::trace!(string_to_sign = %signature.string_to_sign, "signed the STS request");
            request = request
                .header("x-amz-date", signature.amz_date)
                .header(header::AUTHORIZATION, signature.authorization);
        }
        for (name, value) in &headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let request = request
            .header(
                header::USER_AGENT,
                concat!("creds-sts/", env!("CARGO_PKG_VERSION")),
            )
            .body(Bytes::from(body.as_bytes().to_vec()))
            .map_err(|_| {
                CredentialsError::invalid_config(
                    provider,
                    "cannot make the STS request: a parameter holds characters no header may",
                )
            })?;
        tracing::debug!(action = action.as_str(), endpoint = %self.shown, region = %self.region, signed = signer.is_some(), "calling STS");
        let response = self
            .http
            .send(request)
            .await
            .map_err(|e| e.to_credentials_error(provider))?;
        if !response.status().is_success() {
            // What the request carried, the signing credentials included: STS echoes
            // some of it in validation errors.
            let mut secrets = sent.to_vec();
            if let Some(signer) = signer {
                secrets.push(signer.secret_access_key());
                secrets.extend(signer.session_token());
            }
            let error = ServiceError::from_response(&response).redact(&secrets);
            return Err(explain(error, action, &self.region));
        }
        xml::parse(action, response.body(), &self.clock, Some(origin))
    }
}

/// Whether `sts_regional_endpoints` (`AWS_STS_REGIONAL_ENDPOINTS`, else the profile's)
/// is `legacy`; `regional` or unset is not. Anything else is an error.
fn legacy(config: &ProviderConfig, profile: Option<&str>) -> Result<bool, CredentialsError> {
    const VAR: &str = "AWS_STS_REGIONAL_ENDPOINTS";
    const KEY: &str = "sts_regional_endpoints";
    let check = |value: &str| match value.trim().to_ascii_lowercase().as_str() {
        "legacy" => Some(true),
        "regional" => Some(false),
        _ => None,
    };
    if let Some(value) = config.env().get_non_blank(VAR) {
        return check(&value).ok_or_else(|| {
            CredentialsError::invalid_config(
                "endpoint",
                format!("{VAR} must be regional or legacy"),
            )
        });
    }
    let Ok(profiles) = config.profile_set() else {
        return Ok(false);
    };
    let profile = match profile {
        Some(name) => profiles.profile(name),
        None => profiles.selected_profile(),
    };
    match profile.and_then(|p| p.property(KEY)) {
        Some(property) => check(property.value()).ok_or_else(|| {
            CredentialsError::invalid_config(
                "endpoint",
                format!("{KEY} must be regional or legacy"),
            )
            .with_location(property.location().clone())
        }),
        None => Ok(false),
    }
}

/// `host[:port]`, the port only when it is not the scheme's default: what the client
/// sends, and so what is signed.
fn host_header(uri: &http::Uri) -> String {
    let host = uri.host().unwrap_or_default();
    let default = if uri.scheme_str() == Some("https") {
        443
    } else {
        80
    };
    match uri.port_u16() {
        Some(port) if port != default => format!("{host}:{port}"),
        _ => host.to_owned(),
    }
}

/// STS's error as a provider's, with what to do for the codes that say it.
fn explain(error: ServiceError, action: StsAction, region: &str) -> CredentialsError {
    let hint = match error.code() {
        Some("AccessDenied") => Some(match action {
            StsAction::AssumeRole => {
                "check that the role's trust policy lets these source credentials assume it, \
                 and the role ARN, external_id and MFA settings"
            }
            StsAction::AssumeRoleWithWebIdentity => {
                "check that the role's trust policy accepts this identity provider and token"
            }
        }),
        Some("ExpiredToken" | "ExpiredTokenException") => Some(match action {
            StsAction::AssumeRole => {
                "the source credentials have expired: refresh them (for SSO, run `creds sso \
                 login` or `aws sso login`)"
            }
            StsAction::AssumeRoleWithWebIdentity => {
                "the web identity token has expired: get a new one (on EKS the kubelet \
                 rotates the token file)"
            }
        }),
        Some("InvalidIdentityToken") => Some("the identity provider's token was refused"),
        Some("RegionDisabledException") => Some(
            "STS is not activated in this region: activate it in IAM's account settings, or \
             set another region",
        ),
        Some("InvalidClientTokenId" | "SignatureDoesNotMatch") => {
            Some("the source credentials are not valid: check the access key and secret")
        }
        _ => None,
    };
    let base = error.to_credentials_error(action.provider());
    let mut message = format!("STS {} in {region}: {}", action.as_str(), base.message());
    if let Some(hint) = hint {
        message.push_str("; ");
        message.push_str(hint);
    }
    base.with_message(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use creds_core::{Env, ErrorKind, Fs};

    fn client(
        env: &[(&str, &str)],
        config_file: &str,
        target: Target,
    ) -> Result<StsClient, CredentialsError> {
        let mut vars = vec![("HOME", "/h")];
        vars.extend_from_slice(env);
        let config = ProviderConfig::empty()
            .with_env(Env::from_pairs(vars))
            .with_fs(Fs::from_files([("/h/.aws/config", config_file)]));
        StsClient::new(&config, &target, crate::assume_role::NAME)
    }

    fn endpoint_and_region(
        env: &[(&str, &str)],
        config_file: &str,
        target: Target,
    ) -> (String, String) {
        let client = client(env, config_file, target).unwrap();
        let endpoint = client.uri.to_string();
        (endpoint.trim_end_matches('/').to_owned(), client.region)
    }

    #[test]
    fn regional_endpoints_by_default_and_the_global_one_for_legacy() {
        let none = Target::default();
        assert_eq!(
            endpoint_and_region(&[], "", none.clone()),
            (
                "https://sts.us-east-1.amazonaws.com".into(),
                "us-east-1".into()
            )
        );
        assert_eq!(
            endpoint_and_region(&[("AWS_REGION", "cn-north-1")], "", none.clone()),
            (
                "https://sts.cn-north-1.amazonaws.com.cn".into(),
                "cn-north-1".into()
            )
        );
        let legacy = [
            ("AWS_STS_REGIONAL_ENDPOINTS", "legacy"),
            ("AWS_REGION", "eu-west-1"),
        ];
        assert_eq!(
            endpoint_and_region(&legacy, "", none.clone()),
            ("https://sts.amazonaws.com".into(), "us-east-1".into())
        );
        // A region the global endpoint never served stays regional.
        let newer = [
            ("AWS_STS_REGIONAL_ENDPOINTS", "legacy"),
            ("AWS_REGION", "ap-east-1"),
        ];
        assert_eq!(
            endpoint_and_region(&newer, "", none.clone()),
            (
                "https://sts.ap-east-1.amazonaws.com".into(),
                "ap-east-1".into()
            )
        );
        // The profile's setting, and an override over everything.
        assert_eq!(
            endpoint_and_region(
                &[],
                "[default]\nregion = us-west-2\nsts_regional_endpoints = legacy\n",
                none.clone()
            )
            .0,
            "https://sts.amazonaws.com"
        );
        assert_eq!(
            endpoint_and_region(
                &[("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5000/")],
                "",
                none
            )
            .0,
            "http://127.0.0.1:5000"
        );
    }

    #[test]
    fn a_hop_uses_its_profiles_region_then_the_selected_ones() {
        let files = "[default]\nregion = eu-central-1\n[profile hop]\nregion = ap-south-1\n[profile bare]\n";
        let hop = |name: &str| Target {
            profile: Some(name.to_owned()),
            region: None,
        };
        assert_eq!(endpoint_and_region(&[], files, hop("hop")).1, "ap-south-1");
        assert_eq!(
            endpoint_and_region(&[], files, hop("bare")).1,
            "eu-central-1"
        );
        let given = Target {
            profile: Some("hop".to_owned()),
            region: Some("sa-east-1".to_owned()),
        };
        assert_eq!(endpoint_and_region(&[], files, given).1, "sa-east-1");
    }

    /// The signature checks out against the request as the server received it, an
    /// endpoint with a path included: what is signed is what is sent.
    #[tokio::test]
    async fn the_signature_matches_the_request_received() {
        use creds_testkit::{Method, Reply, TestServer};

        let server = TestServer::start().await;
        server.route(Method::POST, "/sts/", Reply::new(500));
        let endpoint = format!("{}/sts", server.url());
        let clock = creds_testkit::clock_at("2026-06-01T12:34:56Z");
        let config = ProviderConfig::empty()
            .with_env(Env::from_pairs([(
                "AWS_ENDPOINT_URL_STS",
                endpoint.as_str(),
            )]))
            .with_clock(clock);
        let client = StsClient::new(&config, &Target::default(), crate::assume_role::NAME).unwrap();
        let signer = Credentials::builder()
            .access_key_id("ASIASIGNER")
            .secret_access_key("signer-secret")
            .session_token("signer-token")
            .provider_name("test")
            .build();
        let mut params = Form::default();
        params.push("RoleArn", "arn:aws:iam::123456789012:role/a b+c");
        params.push("RoleSessionName", "s@x");
        let Err(err) = client
            .call(
                StsAction::AssumeRole,
                &params,
                Some(&signer),
                &[],
                String::new(),
            )
            .await
        else {
            panic!("the server answers 500");
        };
        assert_eq!(err.kind(), ErrorKind::Unavailable);
        let received = &server.requests()[0];
        assert_eq!(received.target, "/sts/");
        let authorization = received.header("authorization").unwrap();
        let signed_names: Vec<&str> = authorization
            .split("SignedHeaders=")
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap()
            .split(';')
            .collect();
        assert_eq!(
            signed_names,
            ["content-type", "host", "x-amz-date", "x-amz-security-token"]
        );
        let headers: Vec<(String, String)> = signed_names
            .iter()
            .filter(|name| **name != "x-amz-date")
            .map(|name| {
                (
                    (*name).to_owned(),
                    received.header(name).unwrap().to_owned(),
                )
            })
            .collect();
        let resigned = Signer {
            access_key_id: "ASIASIGNER",
            secret_access_key: "signer-secret",
            region: "us-east-1",
            service: "sts",
            time: "2026-06-01T12:34:56Z".parse().unwrap(),
        }
        .sign(&Signable {
            method: received.method.as_str(),
            path_and_query: &received.target,
            headers: &headers,
            body: &received.body,
        });
        assert_eq!(
            received.header("x-amz-date"),
            Some(resigned.amz_date.as_str())
        );
        assert_eq!(authorization, resigned.authorization);
    }

    #[test]
    fn bad_settings_are_configuration_errors() {
        let err = client(
            &[("AWS_STS_REGIONAL_ENDPOINTS", "sometimes")],
            "",
            Target::default(),
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert!(err.message().contains("regional or legacy"), "{err}");
        let err = client(&[("AWS_REGION", "eu-west-1/../x")], "", Target::default()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert_eq!(err.provider(), "assume-role");
    }
}
