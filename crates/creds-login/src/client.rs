//! [`SigninClient`]: AWS Sign-In's `CreateOAuth2Token` with a refresh token (rest-json,
//! unsigned, DPoP-bound), its endpoint and region, its reply and its errors.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use creds_core::document::wipe;
use creds_core::{CredentialsError, ProviderConfig};
use creds_http::endpoint::{self, Service};
use creds_http::{ClientSettings, HttpClient, NonIdempotent, Proxy, ServiceError, shared_client};
use http::header;
use ring::rand::SystemRandom;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::NAME;
use crate::cache_file::{LoginToken, NewTokens};
use crate::dpop::DpopKey;

/// The largest reply read: 64 KiB (Sign-In's are under 4 KiB).
pub const MAX_REPLY_BYTES: usize = 64 * 1024;

/// How long Sign-In may take to connect and between two reads, as for STS.
const TIMEOUT: Duration = Duration::from_secs(5);

/// Attempts: a refresh is never resent once it may have arrived ([`NonIdempotent`]),
/// as a refresh token may be good for one use; only connections that failed are
/// tried again.
const ATTEMPTS: u32 = 3;

/// `expiresIn` when a reply has none: the JavaScript SDK's 900 seconds (botocore
/// fails without it).
const DEFAULT_EXPIRES_IN: i64 = 900;

/// The longest `expiresIn` taken: a day (Sign-In's model allows 900 seconds).
const MAX_EXPIRES_IN: i64 = 24 * 60 * 60;

/// Where a refresh goes, and the HTTP client it goes through.
pub(crate) struct SigninClient {
    /// `scheme://host[:port][/path]/v1/token`: the request's URL and the proof's `htu`.
    url: String,
    /// The endpoint as errors show it: `scheme://host:port`.
    shown: String,
    /// What to run to sign in again: `` `aws login --profile P` ``.
    login: String,
    http: HttpClient,
}

impl fmt::Debug for SigninClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigninClient")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// The default endpoint of `CreateOAuth2Token` in `region`: the endpoint rule set of
/// Sign-In (botocore's `data/signin/2023-01-01/endpoint-rule-set-1.json`) gives
/// `https://{Region}.signin.aws.amazon.com` for the `aws` partition to operations
/// outside the control plane (`IsControlPlane = false`, as `CreateOAuth2Token` is), and
/// each other partition its own domain.
pub(crate) fn default_endpoint(region: &str) -> Result<String, CredentialsError> {
    if !endpoint::is_valid_region(region) {
        return Err(CredentialsError::invalid_config(
            NAME,
            format!("{region:?} is not a region name: use letters, digits and '-' (us-east-1)"),
        ));
    }
    // Longest prefixes first: `us-isob-` before `us-iso-`.
    let domain = [
        ("cn-", "signin.amazonaws.cn"),
        ("us-gov-", "signin.amazonaws-us-gov.com"),
        ("us-isob-", "signin.sc2shome.sgov.gov"),
        ("us-isof-", "signin.csphome.hci.ic.gov"),
        ("us-iso-", "signin.c2shome.ic.gov"),
        ("eu-isoe-", "signin.csphome.adc-e.uk"),
        ("eusc-", "signin.amazonaws-eusc.eu"),
    ]
    .iter()
    .find(|(prefix, _)| region.starts_with(prefix))
    .map_or("signin.aws.amazon.com", |(_, domain)| domain);
    Ok(format!("https://{region}.{domain}"))
}

impl SigninClient {
    /// The client for a session of `profile`: creds-http's endpoint override for
    /// Sign-In (`AWS_ENDPOINT_URL_SIGNIN`, `AWS_ENDPOINT_URL`, `[services]`,
    /// `endpoint_url`), else the default endpoint of the region: the session's
    /// `signInRegion`, else the profile's `region`, else `AWS_REGION`,
    /// `AWS_DEFAULT_REGION`, `us-east-1` (the JavaScript SDK's order).
    pub(crate) fn new(
        config: &ProviderConfig,
        profile: &str,
        sign_in_region: Option<&str>,
    ) -> Result<SigninClient, CredentialsError> {
        let configured = endpoint::resolve_endpoint_for_profile(config, profile, Service::SIGNIN)
            .map_err(|e| e.with_provider(NAME))?;
        let base = match configured {
            Some(base) => base,
            None => {
                let region =
                    endpoint::resolve_region_for_profile(config, profile, sign_in_region, None);
                default_endpoint(&region)?
            }
        };
        let not_url =
            || CredentialsError::invalid_config(NAME, "the Sign-In endpoint is not a URL");
        let uri: http::Uri = base.parse().map_err(|_| not_url())?;
        let (Some(scheme), Some(host)) = (uri.scheme_str(), uri.host()) else {
            return Err(not_url());
        };
        // The URL without user information or query: what is sent, and what the proof
        // names (JS builds its `htu` from the request's protocol, host, port and path).
        let port = uri.port_u16().map(|p| format!(":{p}")).unwrap_or_default();
        let path = uri.path().trim_end_matches('/');
        let url = format!("{scheme}://{host}{port}{path}/v1/token");
        let uri: http::Uri = url.parse().map_err(|_| not_url())?;
        let settings = ClientSettings::new(TIMEOUT, ATTEMPTS)
            .max_body_bytes(MAX_REPLY_BYTES)
            .proxy(Proxy::from_env(config.env()));
        let login = crate::provider::login_command(profile);
        Ok(SigninClient {
            shown: creds_http::endpoint_of(&uri),
            url,
            login,
            http: shared_client(config, &settings),
        })
    }

    /// The URL refreshes are posted to.
    #[cfg(test)]
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// `CreateOAuth2Token` with the session's refresh token, its proof made for `iat`
    /// (Unix seconds). On failure, whether Sign-In refused the session itself
    /// (`AccessDeniedException`), which no retry and no waiting mends.
    pub(crate) async fn refresh(
        &self,
        token: &LoginToken,
        key: &DpopKey,
        rng: &SystemRandom,
        iat: i64,
    ) -> Result<TokenReply, Failure> {
        let transient = |error| Failure {
            error,
            refused: false,
        };
        // The request's payload is `tokenInput` itself (rest-json `payload`).
        let mut input = Value::Object(Map::from_iter([
            ("clientId".to_owned(), token.client_id().into()),
            ("grantType".to_owned(), "refresh_token".into()),
            ("refreshToken".to_owned(), token.refresh_token().into()),
        ]));
        let body = Zeroizing::new(input.to_string().into_bytes());
        wipe(&mut input);
        let proof = key.proof(&self.url, iat, rng).map_err(transient)?;
        let mut request = http::Request::post(self.url.as_str())
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json")
            .header("DPoP", proof.as_str())
            .header(
                header::USER_AGENT,
                concat!("creds-login/", env!("CARGO_PKG_VERSION")),
            )
            .body(Bytes::from(body.to_vec()))
            .map_err(|_| {
                transient(CredentialsError::invalid_config(
                    NAME,
                    "cannot make the Sign-In request: the cache file's clientId holds characters \
                     no request may",
                ))
            })?;
        request.extensions_mut().insert(NonIdempotent);
        tracing::debug!(endpoint = %self.shown, "refreshing the aws login session with Sign-In");
        let response = self
            .http
            .send(request)
            .await
            .map_err(|e| transient(e.to_credentials_error(NAME)))?;
        if !response.status().is_success() {
            let mut sent = vec![proof.as_str()];
            sent.extend(token.secrets());
            let error = ServiceError::from_response(&response).redact(&sent);
            return Err(self.explain(&error, response.body()));
        }
        parse_reply(response.body(), &self.shown).map_err(transient)
    }

    /// Sign-In's error as the provider's, with what to do. Its `AccessDeniedException`
    /// carries an OAuth code in `error` (`TOKEN_EXPIRED`, `USER_CREDENTIALS_CHANGED`,
    /// `INSUFFICIENT_PERMISSIONS`), which botocore and the JavaScript SDK turn into
    /// these three messages. `ServiceError` takes the code from `x-amzn-errortype` or
    /// `__type` when there is one, and else from `error`: both are looked at.
    fn explain(&self, error: &ServiceError, body: &[u8]) -> Failure {
        let oauth = oauth_code(body);
        let code = error.code();
        let denied = code == Some("AccessDeniedException")
            || oauth.is_some() && error.status() == http::StatusCode::FORBIDDEN;
        let which = oauth.as_deref().or(code);
        let login = &self.login;
        let hint = match which {
            Some("TOKEN_EXPIRED") => Some(format!(
                "the `aws login` session has expired: run {login} to sign in again"
            )),
            Some("USER_CREDENTIALS_CHANGED") => Some(format!(
                "the password changed since `aws login`: run {login} and sign in with the new \
                 password"
            )),
            Some("INSUFFICIENT_PERMISSIONS") => Some(format!(
                "the identity lacks the signin:CreateOAuth2Token permission that refreshing an \
                 `aws login` session needs: have it granted, then run {login} again"
            )),
            _ if denied => Some(format!(
                "Sign-In refused the session: run {login} to sign in again"
            )),
            _ => None,
        };
        let refused = denied
            || matches!(
                which,
                Some("TOKEN_EXPIRED" | "USER_CREDENTIALS_CHANGED" | "INSUFFICIENT_PERMISSIONS")
            );
        let mut base = error.to_credentials_error(NAME);
        if refused {
            base = base.with_kind(creds_core::ErrorKind::Rejected);
        }
        let mut message = format!(
            "Sign-In at {} did not refresh the `aws login` session: {}",
            self.shown,
            base.message()
        );
        if let Some(oauth) = oauth.as_deref().filter(|o| Some(*o) != code) {
            message.push_str(&format!(" ({oauth})"));
        }
        if let Some(hint) = hint {
            message.push_str("; ");
            message.push_str(&hint);
        }
        Failure {
            error: base.with_message(message),
            refused,
        }
    }
}

/// A failed refresh, and whether Sign-In refused the session (no fallback then).
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) error: CredentialsError,
    pub(crate) refused: bool,
}

impl From<CredentialsError> for Failure {
    fn from(error: CredentialsError) -> Self {
        Failure {
            error,
            refused: false,
        }
    }
}

/// The OAuth code of an error reply's JSON (`{"error": "TOKEN_EXPIRED", ...}`), when it
/// is one of the model's (upper- or lower-case letters and `_`, as `OAuth2ErrorCode`'s
/// values are): anything else is not shown.
fn oauth_code(body: &[u8]) -> Option<String> {
    let mut doc: Value = serde_json::from_slice(body).ok()?;
    let code = doc
        .get("error")
        .and_then(Value::as_str)
        .filter(|c| (1..=64).contains(&c.len()))
        .filter(|c| c.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_'))
        .map(str::to_owned);
    wipe(&mut doc);
    code
}

/// What a refresh gives.
pub(crate) struct TokenReply {
    access_key_id: Zeroizing<String>,
    secret_access_key: Zeroizing<String>,
    session_token: Zeroizing<String>,
    refresh_token: Zeroizing<String>,
    /// Seconds from now.
    pub(crate) expires_in: i64,
}

impl fmt::Debug for TokenReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenReply")
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

impl TokenReply {
    pub(crate) fn tokens(&self) -> NewTokens<'_> {
        NewTokens {
            access_key_id: &self.access_key_id,
            secret_access_key: &self.secret_access_key,
            session_token: &self.session_token,
            refresh_token: &self.refresh_token,
        }
    }
}

/// Reads `CreateOAuth2Token`'s reply: its payload, `tokenOutput`, is the body itself:
/// `{"accessToken": {"accessKeyId", "secretAccessKey", "sessionToken"}, "tokenType",
/// "expiresIn", "refreshToken"}`.
pub(crate) fn parse_reply(body: &[u8], shown: &str) -> Result<TokenReply, CredentialsError> {
    let bad = |what: &str| {
        CredentialsError::unavailable(
            NAME,
            format!(
                "Sign-In at {shown} answered the refresh with a reply that {what}; if it \
                 persists, run `aws login` again"
            ),
        )
    };
    let mut doc: Value = serde_json::from_slice(body).map_err(|_| bad("is not JSON"))?;
    let result = read_reply(&doc).map_err(|what| bad(&what));
    wipe(&mut doc);
    result
}

fn read_reply(doc: &Value) -> Result<TokenReply, String> {
    if !doc.is_object() {
        return Err("is not a JSON object".to_owned());
    }
    let text = |path: &[&str]| {
        path.iter()
            .try_fold(doc, |value, key| value.get(key))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(|s| Zeroizing::new(s.to_owned()))
    };
    let fields = [
        (
            "accessToken.accessKeyId",
            text(&["accessToken", "accessKeyId"]),
        ),
        (
            "accessToken.secretAccessKey",
            text(&["accessToken", "secretAccessKey"]),
        ),
        (
            "accessToken.sessionToken",
            text(&["accessToken", "sessionToken"]),
        ),
        ("refreshToken", text(&["refreshToken"])),
    ];
    let missing: Vec<&str> = fields
        .iter()
        .filter(|(_, value)| value.is_none())
        .map(|(name, _)| *name)
        .collect();
    if !missing.is_empty() {
        return Err(format!("lacks {}", missing.join(", ")));
    }
    let expires_in = match doc.get("expiresIn") {
        None | Some(Value::Null) => DEFAULT_EXPIRES_IN,
        Some(value) => value
            .as_i64()
            .filter(|s| (1..=MAX_EXPIRES_IN).contains(s))
            .ok_or_else(|| "has an expiresIn that is not 1 to 86400 seconds".to_owned())?,
    };
    let [a, s, t, r] = fields.map(|(_, value)| value.unwrap_or_default());
    Ok(TokenReply {
        access_key_id: a,
        secret_access_key: s,
        session_token: t,
        refresh_token: r,
        expires_in,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use creds_core::{Env, Fs};

    #[test]
    fn default_endpoints_follow_the_rule_set() {
        for (region, endpoint) in [
            ("us-east-1", "https://us-east-1.signin.aws.amazon.com"),
            ("eu-west-3", "https://eu-west-3.signin.aws.amazon.com"),
            ("cn-north-1", "https://cn-north-1.signin.amazonaws.cn"),
            (
                "us-gov-west-1",
                "https://us-gov-west-1.signin.amazonaws-us-gov.com",
            ),
            (
                "us-iso-east-1",
                "https://us-iso-east-1.signin.c2shome.ic.gov",
            ),
            (
                "us-isob-east-1",
                "https://us-isob-east-1.signin.sc2shome.sgov.gov",
            ),
            (
                "us-isof-south-1",
                "https://us-isof-south-1.signin.csphome.hci.ic.gov",
            ),
            (
                "eu-isoe-west-1",
                "https://eu-isoe-west-1.signin.csphome.adc-e.uk",
            ),
            (
                "eusc-de-east-1",
                "https://eusc-de-east-1.signin.amazonaws-eusc.eu",
            ),
        ] {
            assert_eq!(default_endpoint(region).unwrap(), endpoint);
        }
        assert!(default_endpoint("us-east-1.evil.example/").is_err());
    }

    fn url(env: &[(&str, &str)], config_file: &str, sign_in_region: Option<&str>) -> String {
        let mut vars = vec![("HOME", "/h")];
        vars.extend_from_slice(env);
        let config = ProviderConfig::empty()
            .with_env(Env::from_pairs(vars))
            .with_fs(Fs::from_files([("/h/.aws/config", config_file)]));
        SigninClient::new(&config, "dev", sign_in_region)
            .unwrap()
            .url()
            .to_owned()
    }

    #[test]
    fn the_sign_in_region_then_the_profiles_then_the_environments() {
        let files = "[profile dev]\nregion = eu-central-1\n[profile other]\nregion = sa-east-1\n";
        assert_eq!(
            url(&[("AWS_REGION", "ap-south-1")], files, Some("us-west-2")),
            "https://us-west-2.signin.aws.amazon.com/v1/token"
        );
        assert_eq!(
            url(&[("AWS_REGION", "ap-south-1")], files, None),
            "https://eu-central-1.signin.aws.amazon.com/v1/token"
        );
        assert_eq!(
            url(&[("AWS_REGION", "ap-south-1")], "", None),
            "https://ap-south-1.signin.aws.amazon.com/v1/token"
        );
        assert_eq!(
            url(&[], "", None),
            "https://us-east-1.signin.aws.amazon.com/v1/token"
        );
    }

    #[test]
    fn overrides_keep_their_port_and_path_and_drop_user_information() {
        assert_eq!(
            url(
                &[("AWS_ENDPOINT_URL_SIGNIN", "http://127.0.0.1:4566/")],
                "",
                Some("x")
            ),
            "http://127.0.0.1:4566/v1/token"
        );
        assert_eq!(
            url(
                &[(
                    "AWS_ENDPOINT_URL",
                    "https://user:pw@gateway.internal/signin/"
                )],
                "",
                None
            ),
            "https://gateway.internal/signin/v1/token"
        );
        let files = "[profile dev]\nservices = local\n[services local]\nsignin =\n  endpoint_url = http://[::1]:9000\n";
        assert_eq!(url(&[], files, None), "http://[::1]:9000/v1/token");
    }

    #[test]
    fn oauth_codes_are_read_only_when_they_look_like_one() {
        assert_eq!(
            oauth_code(br#"{"error": "TOKEN_EXPIRED", "message": "m"}"#).as_deref(),
            Some("TOKEN_EXPIRED")
        );
        assert_eq!(oauth_code(br#"{"error": "a secret-value"}"#), None);
        assert_eq!(oauth_code(b"<html>"), None);
    }

    #[test]
    fn replies_without_expires_in_last_900_seconds() {
        let reply = parse_reply(
            br#"{"accessToken": {"accessKeyId": "A", "secretAccessKey": "S", "sessionToken": "T"}, "refreshToken": "R", "tokenType": "aws_sigv4"}"#,
            "https://x",
        )
        .unwrap();
        assert_eq!(reply.expires_in, 900);
        assert_eq!(format!("{reply:?}"), "TokenReply { expires_in: 900, .. }");
        let err = parse_reply(
            br#"{"accessToken": {"accessKeyId": "A"}, "expiresIn": "soon"}"#,
            "https://x",
        )
        .unwrap_err();
        assert!(
            err.message().contains(
                "lacks accessToken.secretAccessKey, accessToken.sessionToken, refreshToken"
            )
        );
    }
}
