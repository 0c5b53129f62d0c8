//! The lazy profile model against the eager one, its oracle, on arbitrary text: the
//! input after its first byte, split as `profile_model` splits it (0 = all credentials,
//! 255 = nearly all config), is a config file and a credentials file, and
//! `ProfileSet::parse` and `EagerProfileSet::parse` must agree: the same error, or the
//! same warnings and the same profiles, SSO sessions and services sections, property
//! for property (names, values, locations), whether looked up one by one or listed.

#![no_main]

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use creds_core::profile::eager::EagerProfileSet;
use creds_core::profile::{FileKind, Profile, ProfileSet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let mut at = text.len() * usize::from(split) / 256;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let (config, credentials) = text.split_at(at);
    let sources = [
        (FileKind::Config, Path::new("config"), config),
        (FileKind::Credentials, Path::new("credentials"), credentials),
    ];
    match (ProfileSet::parse(&sources), EagerProfileSet::parse(&sources)) {
        (Ok(lazy), Ok(eager)) => same_sets(&lazy, &eager, text),
        (Err(lazy), Err(eager)) => {
            assert_eq!(lazy.to_string(), eager.to_string());
            assert_eq!(lazy.kind(), eager.kind());
            assert_eq!(lazy.location(), eager.location());
        }
        (lazy, eager) => panic!("lazy: {:?}\neager: {:?}", lazy.err(), eager.err()),
    }
});

fn same_sets(lazy: &ProfileSet, eager: &EagerProfileSet, text: &str) {
    assert_eq!(lazy.warnings(), eager.warnings());
    let mut names: Vec<&str> = eager.profiles().keys().map(|n| &**n).collect();
    names.sort_unstable();
    assert_eq!(lazy.profile_names(), names);
    // One by one first, then listed (the lazy set caches what it parsed).
    for (name, profile) in eager.profiles() {
        assert_eq!(lazy.profile(name), Some(profile));
    }
    assert_eq!(by_name(lazy.profiles()), by_name_eager(eager.profiles()));
    for (name, session) in eager.sso_sessions() {
        assert_eq!(lazy.sso_session(name), Some(session));
    }
    assert_eq!(by_name(lazy.sso_sessions()), by_name_eager(eager.sso_sessions()));
    for (name, services) in eager.services() {
        assert_eq!(lazy.services(name), Some(services));
    }
    // Names neither set may define, and `[services x]` sections only the lazy one
    // might have (it lists none): every valid name in a header is a run of name
    // characters somewhere in the text.
    let runs = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || "-/.%@_:+".contains(c)))
        .filter(|word| !word.is_empty());
    for word in runs {
        assert_eq!(lazy.profile(word), eager.profiles().get(word));
        assert_eq!(lazy.sso_session(word), eager.sso_sessions().get(word));
        assert_eq!(lazy.services(word), eager.services().get(word));
    }
    assert_eq!(lazy.selected_profile(), eager.profiles().get("default"));
}

fn by_name<'a>(sections: impl Iterator<Item = &'a Profile>) -> BTreeMap<&'a str, &'a Profile> {
    sections.map(|p| (p.name(), p)).collect()
}

fn by_name_eager(sections: &HashMap<Arc<str>, Profile>) -> BTreeMap<&str, &Profile> {
    sections.iter().map(|(n, p)| (&**n, p)).collect()
}
