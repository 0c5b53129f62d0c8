//! The default chain end to end: from environment variables, and from one profile of a
//! 10,000-profile config file on disk (read, parsed and resolved on every iteration).

// criterion's macros define undocumented functions.
#![allow(missing_docs)]

use creds::{Env, Fs, ProvideCredentials, ProviderConfig};
use criterion::{Criterion, criterion_group, criterion_main};

fn default_chain(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("default_chain");

    let env = Env::from_pairs([
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        (
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ),
        ("AWS_SESSION_TOKEN", "token"),
        // Never reached (the environment answers first), but never reachable either.
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]);
    group.bench_function("env_vars", |b| {
        b.iter(|| {
            let config = ProviderConfig::empty().with_env(env.clone());
            let chain = creds::DefaultChain::builder().config(config).build_chain();
            runtime.block_on(chain.provide_credentials()).unwrap()
        })
    });

    let dir = std::env::temp_dir().join(format!("creds-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config");
    std::fs::write(&path, creds_bench::generate_config(10_000)).unwrap();
    group.bench_function("profile_of_10k_file", |b| {
        b.iter(|| {
            let config = ProviderConfig::empty()
                .with_env(Env::from_pairs([("AWS_EC2_METADATA_DISABLED", "true")]))
                .with_fs(Fs::real())
                .with_config_file(&path)
                .with_profile_name("profile-9999");
            let chain = creds::DefaultChain::builder().config(config).build_chain();
            runtime.block_on(chain.provide_credentials()).unwrap()
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, default_chain);
criterion_main!(benches);
