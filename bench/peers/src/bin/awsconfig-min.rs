//! The default chain of aws-config 1.x (default features), resolved the way a user
//! would, for the comparison with `creds-min`. See `cargo xtask bench-peers`.

use std::process::ExitCode;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use aws_config::BehaviorVersion;
use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_smithy_async::rt::sleep::default_async_sleep;
use aws_smithy_async::time::SharedTimeSource;
use aws_smithy_runtime::client::auth::no_auth::{NO_AUTH_SCHEME_ID, NoAuthScheme};
use aws_smithy_runtime::client::orchestrator::endpoints::StaticUriEndpointResolver;
use aws_smithy_runtime::client::retries::strategy::NeverRetryStrategy;
use aws_smithy_runtime_api::client::auth::static_resolver::StaticAuthSchemeOptionResolver;
use aws_smithy_runtime_api::client::identity::{
    ResolveCachedIdentity, SharedIdentityCache, SharedIdentityResolver,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use creds_peers::{Mode, on_threads, peak_rss_kib, report, timed};

fn main() -> ExitCode {
    let mode = match Mode::from_args() {
        Ok(mode) => mode,
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    match mode {
        Mode::Exit => ExitCode::SUCCESS,
        Mode::Once => once(),
        Mode::GiveUp => give_up(),
        Mode::Profile10k { path, profile } => profile10k(path, &profile),
        Mode::CacheHits {
            threads,
            iters,
            alt,
        } => cache_hits(threads, iters, alt),
    }
}

/// What a user writes: `load_defaults`, then the `SdkConfig`'s credentials provider.
async fn sdk_config() -> aws_config::SdkConfig {
    aws_config::load_defaults(BehaviorVersion::latest()).await
}

fn once() -> ExitCode {
    let rt = runtime();
    let (outcome, took) = timed(|| {
        rt.block_on(async {
            let config = sdk_config().await;
            let provider = config.credentials_provider().expect("a default chain");
            provider.provide_credentials().await
        })
    });
    match outcome {
        Ok(credentials) => {
            report("access_key_id", credentials.access_key_id());
            report("elapsed_ns", took.as_nanos());
            ExitCode::SUCCESS
        }
        Err(e) => failed(&e),
    }
}

fn give_up() -> ExitCode {
    let rt = runtime();
    let (outcome, took) = timed(|| {
        rt.block_on(async {
            let config = sdk_config().await;
            let provider = config.credentials_provider().expect("a default chain");
            provider.provide_credentials().await
        })
    });
    match outcome {
        Ok(credentials) => {
            eprintln!(
                "awsconfig-min: found credentials ({}) where none were expected",
                credentials.access_key_id()
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            report("gave_up_ns", took.as_nanos());
            report("error", one_line(&error_chain(&e)));
            ExitCode::SUCCESS
        }
    }
}

/// The credentials chain alone (no `SdkConfig`), as `creds-min` builds its
/// `DefaultChain`: the profile named in code, the config file from `AWS_CONFIG_FILE`
/// (aws-config has no public way to hand the chain a file path).
fn profile10k(path: std::path::PathBuf, profile: &str) -> ExitCode {
    let before = peak_rss_kib();
    if std::env::var_os("AWS_CONFIG_FILE").as_deref() != Some(path.as_os_str()) {
        eprintln!("awsconfig-min: set AWS_CONFIG_FILE to the config path as well");
        return ExitCode::from(2);
    }
    let rt = runtime();
    let (outcome, took) = timed(|| {
        rt.block_on(async {
            let chain = DefaultCredentialsChain::builder()
                .profile_name(profile)
                .build()
                .await;
            chain.provide_credentials().await
        })
    });
    match outcome {
        Ok(credentials) => {
            report("access_key_id", credentials.access_key_id());
            report("elapsed_ns", took.as_nanos());
            report("peak_rss_kib_before", before);
            report("peak_rss_kib", peak_rss_kib());
            ExitCode::SUCCESS
        }
        Err(e) => failed(&e),
    }
}

/// The default path: the identity cache of the `SdkConfig` (`IdentityCache::lazy()`, the
/// default since behavior version 2024-03-28) over its credentials provider, called
/// exactly as an SDK client's orchestrator calls it on every request
/// (`resolve_cached_identity`, then the `Credentials` out of the `Identity`).
///
/// `alt`: `provide_credentials()` on the `SharedCredentialsProvider` of
/// `SdkConfig::credentials_provider()`, as a user holding it calls it. aws-config 1.x
/// puts no cache there (the cache belongs to the SDK clients), so every call walks the
/// chain again: here the environment provider answers first.
fn cache_hits(threads: usize, iters: u64, alt: bool) -> ExitCode {
    let config = runtime().block_on(sdk_config());
    let provider = config.credentials_provider().expect("a default chain");
    let cache = config
        .identity_cache()
        .expect("an identity cache (behavior version >= 2024-03-28)");
    let resolver = SharedIdentityResolver::new(provider.clone());
    let components = runtime_components(&cache, &resolver);
    let bag = ConfigBag::base();
    let first = match runtime().block_on(cached(&cache, &resolver, &components, &bag)) {
        Ok(credentials) => credentials,
        Err(e) => {
            eprintln!("awsconfig-min: {}", one_line(&e));
            return ExitCode::FAILURE;
        }
    };
    let per_thread = |barrier: &Barrier| -> Duration {
        let rt = runtime();
        if alt {
            rt.block_on(direct_hits(&provider, iters, barrier))
        } else {
            rt.block_on(async {
                cached(&cache, &resolver, &components, &bag)
                    .await
                    .expect("warm");
                barrier.wait();
                let start = Instant::now();
                for _ in 0..iters {
                    let credentials = cached(&cache, &resolver, &components, &bag)
                        .await
                        .expect("cache hit");
                    std::hint::black_box(credentials.access_key_id());
                }
                start.elapsed()
            })
        }
    };
    let mean = on_threads(threads, per_thread);
    report("access_key_id", first.access_key_id());
    report(
        "ns_per_call",
        format!("{:.1}", mean.as_nanos() as f64 / iters as f64),
    );
    ExitCode::SUCCESS
}

async fn direct_hits(
    provider: &SharedCredentialsProvider,
    iters: u64,
    barrier: &Barrier,
) -> Duration {
    provider.provide_credentials().await.expect("warm");
    barrier.wait();
    let start = Instant::now();
    for _ in 0..iters {
        let credentials = provider.provide_credentials().await.expect("credentials");
        std::hint::black_box(credentials.access_key_id());
    }
    start.elapsed()
}

/// One call of the identity cache, as the orchestrator makes it.
async fn cached(
    cache: &SharedIdentityCache,
    resolver: &SharedIdentityResolver,
    components: &RuntimeComponents,
    bag: &ConfigBag,
) -> Result<Credentials, String> {
    let identity = cache
        .resolve_cached_identity(resolver.clone(), components, bag)
        .await
        .map_err(|e| e.to_string())?;
    identity
        .data::<Credentials>()
        .cloned()
        .ok_or_else(|| "the identity holds no AWS credentials".to_owned())
}

/// The runtime components an SDK client would hand the identity cache; only the time
/// source and the sleep are used by it, the rest is what `build()` requires.
fn runtime_components(
    cache: &SharedIdentityCache,
    resolver: &SharedIdentityResolver,
) -> RuntimeComponents {
    RuntimeComponents::builder("bench-peers")
        .with_time_source(Some(SharedTimeSource::default()))
        .with_sleep_impl(default_async_sleep())
        .with_identity_cache(Some(cache.clone()))
        .with_identity_resolver(NO_AUTH_SCHEME_ID, resolver.clone())
        .with_auth_scheme(NoAuthScheme::new())
        .with_auth_scheme_option_resolver(Some(StaticAuthSchemeOptionResolver::new(vec![
            NO_AUTH_SCHEME_ID,
        ])))
        .with_endpoint_resolver(Some(StaticUriEndpointResolver::uri("http://127.0.0.1:9")))
        .with_retry_strategy(Some(NeverRetryStrategy::new()))
        .build()
        .expect("complete runtime components")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

fn failed(e: &aws_credential_types::provider::error::CredentialsError) -> ExitCode {
    eprintln!("awsconfig-min: {}", one_line(&error_chain(e)));
    ExitCode::FAILURE
}

/// The error and its sources (aws-config puts the reason in the sources).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
