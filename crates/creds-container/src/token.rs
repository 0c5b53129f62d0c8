//! The `Authorization` header: from a token file, read again at every fetch (the EKS Pod
//! Identity agent rotates it), or a token given directly. Sent verbatim; never printed.

use std::fmt;
use std::path::{Path, PathBuf};

use creds_core::{CredentialsError, ProviderConfig, REDACTED};
use http::HeaderValue;
use zeroize::Zeroizing;

use crate::provider::NAME;
use crate::{ENV_AUTHORIZATION_TOKEN, ENV_AUTHORIZATION_TOKEN_FILE};

/// Where the token comes from.
#[derive(Clone, Default)]
pub(crate) enum TokenSetting {
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, else `AWS_CONTAINER_AUTHORIZATION_TOKEN`,
    /// read at each fetch.
    #[default]
    FromEnv,
    /// Given to the builder: the file wins over the token, as the variables do.
    Given {
        token: Option<Zeroizing<String>>,
        file: Option<PathBuf>,
    },
}

impl fmt::Debug for TokenSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenSetting::FromEnv => f.write_str("FromEnv"),
            TokenSetting::Given { token, file } => f
                .debug_struct("Given")
                .field("token", &token.as_ref().map(|_| REDACTED))
                .field("file", file)
                .finish(),
        }
    }
}

/// Where a token was read from, for messages.
enum TokenFrom<'a> {
    File(&'a Path, &'static str),
    Value(&'static str),
}

impl fmt::Display for TokenFrom<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenFrom::File(path, origin) => {
                write!(f, "the token file {} ({origin})", path.display())
            }
            TokenFrom::Value(origin) => f.write_str(origin),
        }
    }
}

impl TokenSetting {
    /// The header value to send, `None` for no header (no token, or an empty one, as Go
    /// v2 and JS skip it).
    pub(crate) fn header(
        &self,
        config: &ProviderConfig,
    ) -> Result<Option<HeaderValue>, CredentialsError> {
        match self {
            TokenSetting::FromEnv => {
                let env = config.env();
                if let Some(path) = env.get_non_blank(ENV_AUTHORIZATION_TOKEN_FILE) {
                    let path = PathBuf::from(path);
                    return from_file(config, &path, ENV_AUTHORIZATION_TOKEN_FILE);
                }
                // Not trimmed: the token is sent verbatim.
                match env.get(ENV_AUTHORIZATION_TOKEN).map(Zeroizing::new) {
                    Some(token) => {
                        to_header(token.as_bytes(), &TokenFrom::Value(ENV_AUTHORIZATION_TOKEN))
                    }
                    None => Ok(None),
                }
            }
            TokenSetting::Given {
                file: Some(path), ..
            } => from_file(config, path, "the authorization_token_file option"),
            TokenSetting::Given {
                token: Some(token), ..
            } => to_header(
                token.as_bytes(),
                &TokenFrom::Value("the authorization_token option"),
            ),
            TokenSetting::Given { .. } => Ok(None),
        }
    }
}

fn from_file(
    config: &ProviderConfig,
    path: &Path,
    origin: &'static str,
) -> Result<Option<HeaderValue>, CredentialsError> {
    let from = TokenFrom::File(path, origin);
    let bytes = Zeroizing::new(config.fs().read(path).map_err(|e| {
        let error = if e.kind() == std::io::ErrorKind::NotFound {
            CredentialsError::invalid_config(NAME, format!("{from} does not exist"))
        } else {
            CredentialsError::unavailable(NAME, format!("cannot read {from}"))
        };
        error.with_source(e)
    })?);
    to_header(&bytes, &from)
}

/// The token as a sensitive header value (its `Debug` shows `Sensitive`). The file is
/// not trimmed, as in Go v2, botocore, aws-config and JS: a token with a line break is
/// refused, and the message says so without quoting it.
fn to_header(token: &[u8], from: &TokenFrom<'_>) -> Result<Option<HeaderValue>, CredentialsError> {
    if token.is_empty() {
        return Ok(None);
    }
    if token.iter().any(|b| matches!(b, b'\r' | b'\n')) {
        let hint = match from {
            TokenFrom::File(..) => {
                " (a trailing newline counts: write the file without one, e.g. with printf '%s')"
            }
            TokenFrom::Value(_) => "",
        };
        return Err(CredentialsError::invalid_config(
            NAME,
            format!(
                "the authorization token from {from} contains a line break (CR or LF), which \
                 cannot be sent in an HTTP header{hint}"
            ),
        ));
    }
    let mut value = HeaderValue::from_bytes(token).map_err(|_| {
        CredentialsError::invalid_config(
            NAME,
            format!(
                "the authorization token from {from} contains a control character, which cannot \
                 be sent in an HTTP header"
            ),
        )
    })?;
    value.set_sensitive(true);
    Ok(Some(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use creds_core::{Env, ErrorKind, Fs};

    const TOKEN: &str = "Bearer TOKEN-UNIT-SECRET";

    fn header(
        env: &[(&str, &str)],
        files: &[(&str, &[u8])],
        setting: &TokenSetting,
    ) -> Result<Option<HeaderValue>, CredentialsError> {
        let config = ProviderConfig::empty()
            .with_env(Env::from_pairs(env.iter().copied()))
            .with_fs(Fs::from_files(files.iter().map(|(p, c)| (*p, c.to_vec()))));
        setting.header(&config)
    }

    fn check_secret_free(err: &CredentialsError) {
        let text = format!("{err} {err:?}");
        assert!(!text.contains("TOKEN-UNIT-SECRET"), "{text}");
    }

    #[test]
    fn file_wins_and_is_sent_verbatim() {
        let value = header(
            &[
                (ENV_AUTHORIZATION_TOKEN, "other"),
                (ENV_AUTHORIZATION_TOKEN_FILE, "/t"),
            ],
            &[("/t", TOKEN.as_bytes())],
            &TokenSetting::FromEnv,
        )
        .unwrap()
        .unwrap();
        assert_eq!(value.as_bytes(), TOKEN.as_bytes());
        assert!(value.is_sensitive());
        assert!(!format!("{value:?}").contains("SECRET"));
        let spaced = header(
            &[(ENV_AUTHORIZATION_TOKEN, " spaced ")],
            &[],
            &TokenSetting::FromEnv,
        )
        .unwrap()
        .unwrap();
        assert_eq!(spaced.as_bytes(), b" spaced ");
    }

    #[test]
    fn empty_or_absent_means_no_header() {
        assert!(header(&[], &[], &TokenSetting::FromEnv).unwrap().is_none());
        assert!(
            header(
                &[(ENV_AUTHORIZATION_TOKEN, "")],
                &[],
                &TokenSetting::FromEnv
            )
            .unwrap()
            .is_none()
        );
        assert!(
            header(
                &[(ENV_AUTHORIZATION_TOKEN_FILE, "/t")],
                &[("/t", b"")],
                &TokenSetting::FromEnv
            )
            .unwrap()
            .is_none()
        );
    }

    #[test]
    fn line_breaks_and_control_characters_are_refused_without_quoting() {
        for (content, needle) in [
            (format!("{TOKEN}\n"), "trailing newline"),
            (format!("{TOKEN}\r\nx"), "line break"),
            (format!("{TOKEN}\u{7}"), "control character"),
        ] {
            let err = header(
                &[(ENV_AUTHORIZATION_TOKEN_FILE, "/t")],
                &[("/t", content.as_bytes())],
                &TokenSetting::FromEnv,
            )
            .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidConfig);
            assert!(err.message().contains(needle), "{err}");
            assert!(err.message().contains("/t"), "{err}");
            check_secret_free(&err);
        }
        let err = header(
            &[(ENV_AUTHORIZATION_TOKEN, &format!("{TOKEN}\n"))],
            &[],
            &TokenSetting::FromEnv,
        )
        .unwrap_err();
        assert!(err.message().contains(ENV_AUTHORIZATION_TOKEN), "{err}");
        check_secret_free(&err);
    }

    #[test]
    fn missing_file_is_a_configuration_error() {
        let err = header(
            &[(ENV_AUTHORIZATION_TOKEN_FILE, "/nowhere")],
            &[],
            &TokenSetting::FromEnv,
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert!(err.message().contains("/nowhere"), "{err}");
        assert!(err.message().contains("does not exist"), "{err}");
    }

    #[test]
    fn given_settings_ignore_the_environment() {
        let env = [(ENV_AUTHORIZATION_TOKEN, "from-env")];
        let given = TokenSetting::Given {
            token: Some(Zeroizing::new(TOKEN.to_owned())),
            file: None,
        };
        assert_eq!(
            header(&env, &[], &given).unwrap().unwrap().as_bytes(),
            TOKEN.as_bytes()
        );
        let nothing = TokenSetting::Given {
            token: None,
            file: None,
        };
        assert!(header(&env, &[], &nothing).unwrap().is_none());
        let both = TokenSetting::Given {
            token: Some(Zeroizing::new("x".to_owned())),
            file: Some("/t".into()),
        };
        assert_eq!(
            header(&env, &[("/t", b"from-file")], &both)
                .unwrap()
                .unwrap()
                .as_bytes(),
            b"from-file"
        );
        assert!(!format!("{given:?}").contains("SECRET"));
    }
}
