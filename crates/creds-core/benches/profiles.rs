//! How long the shared files take to load, on a generated config file of 10,000
//! profiles (1.27 MiB):
//!
//! - `parse_merge_lookup`: `ProfileSet::parse` and one profile looked up, what a
//!   program that uses one profile and its role chain pays (issue #18's target:
//!   500 MB/s);
//! - `provider_config_profile_set`: the same through a [`ProviderConfig`] with an
//!   in-memory file system, which adds the read;
//! - `parse_every_profile`: the lazy set's worst case, every profile parsed;
//! - `eager_parse_merge_lookup`: the eager model, every section parsed and merged up
//!   front (`ProfileSet` until issue #18, now the test oracle);
//! - `parse_ini`: the INI grammar alone;
//! - `floor_copy_and_find_lines`: copying the text and finding its lines, the floor.
//!
//! Throughput is in bytes of the file, so criterion prints MiB/s.
//!
//! ```text
//! cargo bench -p creds-core --bench profiles -j2 -- --warm-up-time 1 --measurement-time 5
//! ```

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;

use creds_core::profile::eager::EagerProfileSet;
use creds_core::profile::{FileKind, ProfileSet, parse_ini};
use creds_core::{Env, Fs, ProviderConfig};
use criterion::{Criterion, Throughput, criterion_main};

const PROFILES: usize = 10_000;
const HOME: &str = "/home/bench";
const CONFIG: &str = "/home/bench/.aws/config";

/// A config file (1.3 MB) of `PROFILES` profiles, as people write them: static keys in
/// some, `role_arn` + `source_profile` in most, `credential_process` and SSO in a few,
/// a `region` in most and an `output` in some, comments, blank lines and sub-properties
/// here and there; then the SSO sessions they name.
fn config_file() -> String {
    const REGIONS: [&str; 5] = [
        "us-east-1",
        "eu-west-1",
        "eu-central-1",
        "ap-southeast-2",
        "us-west-2",
    ];
    let mut text = String::with_capacity(1 << 20);
    text.push_str("# Generated for the profiles benchmark.\n[default]\nregion = us-east-1\n\n");
    for i in 0..PROFILES {
        if i % 10 == 0 {
            writeln!(text, "# Team {} ; accounts below", i / 10).unwrap();
        }
        writeln!(text, "[profile profile-{i}]").unwrap();
        match i % 8 {
            0 => {
                writeln!(text, "aws_access_key_id = AKIA{i:016}").unwrap();
                writeln!(
                    text,
                    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY{i:010}"
                )
                .unwrap();
            }
            6 => {
                writeln!(text, "sso_session = team-{}", i / 100).unwrap();
                writeln!(text, "sso_account_id = {:012}", 200_000_000_000 + i).unwrap();
                text.push_str("sso_role_name = ReadOnly\n");
            }
            7 => writeln!(
                text,
                "credential_process = /usr/local/bin/creds-helper --account {i}"
            )
            .unwrap(),
            _ => {
                writeln!(
                    text,
                    "role_arn = arn:aws:iam::{:012}:role/deploy",
                    100_000_000_000 + i
                )
                .unwrap();
                writeln!(text, "source_profile = profile-{}", i - i % 8).unwrap();
            }
        }
        match i % 5 {
            0 => writeln!(text, "region = {} # closest", REGIONS[i % 3]).unwrap(),
            4 => {}
            _ => writeln!(text, "region = {}", REGIONS[i % REGIONS.len()]).unwrap(),
        }
        if i % 3 == 0 {
            text.push_str("output = json\n");
        }
        if i % 50 == 0 {
            text.push_str("s3 =\n  addressing_style = path\n  max_concurrent_requests = 20\n");
        }
        text.push('\n');
    }
    for team in 0..PROFILES / 100 {
        writeln!(
            text,
            "[sso-session team-{team}]\nsso_start_url = https://team-{team}.awsapps.com/start\nsso_region = us-east-1\n"
        )
        .unwrap();
    }
    text
}

fn profiles(c: &mut Criterion) {
    let text = config_file();
    let last = format!("profile-{}", PROFILES - 1);

    // Sanity: the generated file is what the benchmark says it is.
    let set = ProfileSet::parse(&[(FileKind::Config, Path::new(CONFIG), &text)]).unwrap();
    assert_eq!(set.profile_names().len(), PROFILES + 1);
    assert!(
        set.profile(&last)
            .unwrap()
            .get("credential_process")
            .is_some()
    );
    assert!(set.warnings().is_empty());

    let mut group = c.benchmark_group("profiles");
    group.throughput(Throughput::Bytes(text.len() as u64));

    // The floor issue #18 aims at: copy the text (as `ProfileSet::parse` keeps it) and
    // find every line in it, looking at nothing.
    group.bench_function("floor_copy_and_find_lines", |b| {
        b.iter(|| {
            let kept: std::sync::Arc<str> = std::sync::Arc::from(black_box(text.as_str()));
            // Not `count()`, which memchr answers without finding each line.
            memchr::memchr_iter(b'\n', kept.as_bytes()).fold(0, usize::wrapping_add)
        })
    });

    group.bench_function("parse_ini", |b| {
        b.iter(|| parse_ini(black_box(&text)).unwrap())
    });

    group.bench_function("parse_merge_lookup", |b| {
        b.iter(|| {
            let set = ProfileSet::parse(&[(FileKind::Config, Path::new(CONFIG), black_box(&text))])
                .unwrap();
            assert!(set.profile(black_box(&last)).is_some());
            set
        })
    });

    // The lazy model's worst case: a program that reads every profile.
    group.bench_function("parse_every_profile", |b| {
        b.iter(|| {
            let set = ProfileSet::parse(&[(FileKind::Config, Path::new(CONFIG), black_box(&text))])
                .unwrap();
            assert_eq!(set.profiles().count(), PROFILES + 1);
            set
        })
    });

    // The model before issue #18, run beside the lazy one so the two figures come
    // from the same conditions.
    group.bench_function("eager_parse_merge_lookup", |b| {
        b.iter(|| {
            let set =
                EagerProfileSet::parse(&[(FileKind::Config, Path::new(CONFIG), black_box(&text))])
                    .unwrap();
            assert!(set.profiles().get(black_box(last.as_str())).is_some());
            set
        })
    });

    // Every `with_` call starts a new, unloaded profile set, so each iteration reads
    // and parses the file again.
    let base = ProviderConfig::empty()
        .with_env(Env::from_pairs([("HOME", HOME)]))
        .with_fs(Fs::from_files([(CONFIG, text.as_bytes())]));
    group.bench_function("provider_config_profile_set", |b| {
        b.iter(|| {
            let config = base.clone().with_profile_name(last.as_str());
            let set = config.profile_set().unwrap();
            assert!(set.selected_profile().is_some());
            set
        })
    });
    group.finish();
}

/// The benchmark group, written out rather than by `criterion_group!`, whose `pub fn`
/// has no doc comment for the workspace's `missing_docs`.
fn benches() {
    let mut criterion = Criterion::default().configure_from_args();
    profiles(&mut criterion);
}

criterion_main!(benches);
