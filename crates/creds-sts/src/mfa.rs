//! [`MfaCodeProvider`]: where the code of an MFA device comes from when a role asks for
//! one (`mfa_serial`).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use creds_core::{CredentialsError, ProviderConfig};
use zeroize::Zeroizing;

type AskFuture = Pin<Box<dyn Future<Output = Result<String, CredentialsError>> + Send>>;
type Ask = dyn Fn(&str) -> AskFuture + Send + Sync;

/// Gives the current code of an MFA device, asked with the device's serial number
/// (`mfa_serial`, an ARN or a hardware token's serial), each time a role that needs
/// one is assumed: once per role session, not at every use of its credentials.
///
/// Set it as an extension of the [`ProviderConfig`] the providers are built from, so
/// that every role of every profile finds it, or give it to one
/// [`AssumeRoleProviderBuilder`](crate::AssumeRoleProviderBuilder) (JS
/// `fromTemporaryCredentials({ mfaCodeProvider })`):
///
/// ```
/// use creds_core::ProviderConfig;
/// use creds_sts::MfaCodeProvider;
///
/// let ask = MfaCodeProvider::new(|serial| {
///     let serial = serial.to_owned();
///     async move {
///         // Ask the user, a hardware token, a secrets manager...
///         let _ = serial;
///         Ok("123456".to_owned())
///     }
/// });
/// let config = ProviderConfig::new().with_extension(ask);
/// # let _ = config;
/// ```
///
/// Without one, a role with `mfa_serial` fails with an error that says so. The
/// `creds` command line asks on the terminal (or takes `--mfa-code`).
#[derive(Clone)]
pub struct MfaCodeProvider(Arc<Ask>);

impl MfaCodeProvider {
    /// A provider that calls `ask` with the device's serial number.
    pub fn new<F, Fut>(ask: F) -> Self
    where
        F: Fn(&str) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<String, CredentialsError>> + Send + 'static,
    {
        MfaCodeProvider(Arc::new(move |serial: &str| -> AskFuture {
            Box::pin(ask(serial))
        }))
    }

    /// A provider that gives `code` every time (a code given on the command line, for
    /// one run).
    pub fn fixed(code: impl Into<String>) -> Self {
        let code = Arc::new(Zeroizing::new(code.into()));
        Self::new(move |_| {
            let code = Arc::clone(&code);
            async move { Ok(code.as_str().to_owned()) }
        })
    }

    /// The code for `serial`: six digits, as STS requires, else an error that never
    /// shows what was given.
    pub(crate) async fn code(
        &self,
        serial: &str,
        provider: &'static str,
    ) -> Result<Zeroizing<String>, CredentialsError> {
        let code = Zeroizing::new((self.0)(serial).await?);
        let trimmed = code.trim();
        if trimmed.len() != 6 || !trimmed.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CredentialsError::invalid_config(
                provider,
                format!("the MFA code given for {serial} is not six digits"),
            ));
        }
        Ok(Zeroizing::new(trimmed.to_owned()))
    }

    /// The provider set on `config`, if any.
    pub(crate) fn of(config: &ProviderConfig) -> Option<MfaCodeProvider> {
        config.extension::<MfaCodeProvider>().map(|p| (*p).clone())
    }
}

impl fmt::Debug for MfaCodeProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MfaCodeProvider(..)")
    }
}
