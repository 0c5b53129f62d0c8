//! `creds serve`: a container credentials endpoint on loopback that any SDK can use
//! through `AWS_CONTAINER_CREDENTIALS_FULL_URI` and a bearer token, as the ECS agent
//! and the EKS Pod Identity agent serve them.
//!
//! - It resolves the credentials once before it listens, so that a wrong profile fails
//!   at once with its exit code instead of in every client.
//! - It binds loopback only, makes a random 256-bit token, and prints the variables to
//!   export (or writes the token to a file only its owner can read).
//! - Each request is answered from a cache: a thousand requests cause one upstream
//!   fetch, and the credentials are refreshed [`REFRESH_BEFORE`] before they expire,
//!   earlier than any SDK client asks again (botocore refreshes 15 minutes ahead).
//! - SIGINT, SIGTERM or SIGHUP stops it: no new connections, requests in flight
//!   finish (a second signal stops it without waiting for them), the token file is
//!   removed, exit 0.

#![allow(clippy::print_stderr)]

mod addr;
mod http;
mod token;

use std::future::Future;
use std::io::Write as _;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use creds::core::Clock;
use creds::{
    Credentials, CredentialsCache, DefaultChainBuilder, ProvideCredentials, ProvideFuture,
    SharedProvider,
};

pub(crate) use addr::parse_loopback;

use crate::cli::{ServeArgs, ServeFormat};
use crate::exit;
use crate::export::sh_quote;
use crate::status::{self, Ui};

/// Credentials are refreshed (in the background) this long before they expire. Later
/// than this and botocore, whose window is 15 minutes, would ask on every call.
pub(crate) const REFRESH_BEFORE: Duration = Duration::from_secs(25 * 60);
/// Requests wait for a refresh inside this window.
const MUST_REFRESH_BEFORE: Duration = Duration::from_secs(15 * 60);

pub(crate) async fn run(builder: DefaultChainBuilder, args: &ServeArgs, ui: &Ui) -> Result<(), u8> {
    let config = builder.provider_config();
    let chain = builder.build_chain();
    let (result, trace) = status::resolve(&chain, ui).await;
    let first = result.map_err(|e| exit::report_traced(&e, &trace, ui))?;

    if first.session_token().is_none() {
        // Read in aws-config 1.13's json_credentials.rs and aws-sigv4: an empty Token
        // becomes an empty X-Amz-Security-Token header there.
        tracing::warn!(
            "serving long-term keys: they go out with \"Token\": \"\", which botocore, the \
             JavaScript and Go SDKs and creds read as no session token, but the Rust SDK \
             (aws-config) signs with an empty session token; serve a profile with \
             temporary credentials for it"
        );
    }
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| fail(&format!("cannot listen on {}: {e}", args.addr)))?;
    let bound = listener
        .local_addr()
        .map_err(|e| fail(&format!("cannot read the address listened on: {e}")))?;
    // Before anything is printed: a client that reads the lines may stop us at once.
    let signals = Signals::new().map_err(|e| fail(&format!("cannot handle signals: {e}")))?;
    let token = token::Token::generate().map_err(|e| fail(&e))?;
    if let Some(path) = &args.token_file {
        token::write_file(path, &token).map_err(|e| {
            fail(&format!(
                "cannot write the token file {}: {e}",
                path.display()
            ))
        })?;
    }
    let uri = addr::full_uri(bound);
    let text = render(&uri, &token, args.token_file.as_deref(), args.format);
    let printed = {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes()).and_then(|()| out.flush())
    };
    if let Err(e) = printed {
        remove_token_file(args.token_file.as_deref());
        return Err(fail(&format!("cannot write to stdout: {e}")));
    }
    if ui.status != status::StatusLine::Off {
        eprintln!(
            "{}",
            ui.dim(&format!(
                "creds: serving credentials from {} (profile '{}') on {uri}; stop with Ctrl-C",
                first.provider_name(),
                config.selected_profile().name
            ))
        );
    }

    let endpoint = Arc::new(http::Endpoint {
        token,
        cache: serving_cache(first, Arc::new(chain), config.clock().clone()),
        clock: config.clock().clone(),
    });
    let (stop, force) = signals.stop_then_force();
    http::serve(listener, endpoint, stop, force).await;
    remove_token_file(args.token_file.as_deref());
    Ok(())
}

/// The cache every request is answered from: `first` (resolved before listening, so
/// that the start costs one upstream fetch, not two), then `then` for every refresh,
/// [`REFRESH_BEFORE`] ahead of expiry in the background, and inside
/// [`MUST_REFRESH_BEFORE`] while requests wait.
pub(crate) fn serving_cache(
    first: Credentials,
    then: SharedProvider,
    clock: Clock,
) -> CredentialsCache {
    CredentialsCache::builder()
        .advisory_window(REFRESH_BEFORE)
        .mandatory_window(MUST_REFRESH_BEFORE)
        .clock(clock)
        .build(FirstThen {
            first: Mutex::new(Some(first)),
            then,
        })
}

fn fail(line: &str) -> u8 {
    exit::report_line(line);
    exit::INTERNAL
}

fn remove_token_file(path: Option<&Path>) {
    if let Some(path) = path {
        if let Err(e) = std::fs::remove_file(path) {
            tracing::warn!(path = %path.display(), error = %e, "cannot remove the token file");
        }
    }
}

/// The variables to export, in `format`.
fn render(
    uri: &str,
    token: &token::Token,
    token_file: Option<&Path>,
    format: ServeFormat,
) -> String {
    let token_file = token_file.map(|p| p.display().to_string());
    let vars: [(&str, &str); 2] = [
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri),
        match &token_file {
            Some(path) => ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", path.as_str()),
            None => ("AWS_CONTAINER_AUTHORIZATION_TOKEN", token.as_str()),
        },
    ];
    let line = |(k, v): &(&str, &str)| match format {
        ServeFormat::Env => format!("export {k}={}\n", sh_quote(v)),
        ServeFormat::EnvNoExport => format!("{k}={}\n", sh_quote(v)),
        ServeFormat::Powershell => format!("$Env:{k}='{}'\n", v.replace('\'', "''")),
        ServeFormat::Json => String::new(),
    };
    if format == ServeFormat::Json {
        let doc: serde_json::Map<String, serde_json::Value> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v)))
            .collect();
        return format!("{}\n", serde_json::Value::Object(doc));
    }
    vars.iter().map(line).collect()
}

/// The first credentials, resolved before listening, then `then` for every refresh.
#[derive(Debug)]
struct FirstThen {
    first: Mutex<Option<Credentials>>,
    then: SharedProvider,
}

impl ProvideCredentials for FirstThen {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        let first = self.first.lock().ok().and_then(|mut first| first.take());
        match first {
            Some(creds) => Box::pin(std::future::ready(Ok(creds))),
            None => self.then.provide_credentials(),
        }
    }

    fn name(&self) -> &'static str {
        "chain"
    }
}

/// The signals that stop `creds serve`: SIGINT, SIGTERM and SIGHUP (its terminal
/// closed); Ctrl-C elsewhere. Registered at once, so that a signal that arrives before
/// anyone waits still counts.
struct Signals {
    #[cfg(unix)]
    kinds: [(tokio::signal::unix::Signal, &'static str); 3],
}

impl Signals {
    #[cfg(unix)]
    fn new() -> std::io::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            kinds: [
                (signal(SignalKind::interrupt())?, "SIGINT"),
                (signal(SignalKind::terminate())?, "SIGTERM"),
                (signal(SignalKind::hangup())?, "SIGHUP"),
            ],
        })
    }

    #[cfg(not(unix))]
    fn new() -> std::io::Result<Signals> {
        Ok(Signals {})
    }

    /// The name of the next signal.
    #[cfg(unix)]
    async fn next(&mut self) -> &'static str {
        let [(a, a_name), (b, b_name), (c, c_name)] = &mut self.kinds;
        tokio::select! {
            _ = a.recv() => a_name,
            _ = b.recv() => b_name,
            _ = c.recv() => c_name,
        }
    }

    #[cfg(not(unix))]
    async fn next(&mut self) -> &'static str {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }

    /// Two futures: the first signal (a graceful stop), and a second one (stop now,
    /// without waiting for requests in flight).
    fn stop_then_force(
        mut self,
    ) -> (
        impl Future<Output = ()> + Send + 'static,
        impl Future<Output = ()> + Send + 'static,
    ) {
        let (count, seen) = tokio::sync::watch::channel(0u32);
        tokio::spawn(async move {
            loop {
                let name = self.next().await;
                tracing::debug!(signal = name, "stopping");
                count.send_modify(|n| *n += 1);
            }
        });
        let at_least = |n: u32| {
            let mut seen = seen.clone();
            async move {
                // An error means the signal task is gone: nothing will stop us, then.
                if seen.wait_for(|count| *count >= n).await.is_err() {
                    std::future::pending::<()>().await;
                }
            }
        };
        (at_least(1), at_least(2))
    }
}

#[cfg(test)]
mod tests;
