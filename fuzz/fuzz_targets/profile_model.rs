//! The profile model on arbitrary text: the input after its first byte, split in two at
//! the point that byte names (0 = all credentials, 255 = nearly all config), is a
//! config file and a credentials file; `ProfileSet::parse` merges them,
//! and every accessor a provider uses is read.

#![no_main]

use std::path::Path;

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
    let Ok(set) = ProfileSet::parse(&[
        (FileKind::Config, Path::new("config"), config),
        (FileKind::Credentials, Path::new("credentials"), credentials),
    ]) else {
        return;
    };
    for name in set.profile_names() {
        let profile = set.profile(name).expect("a listed profile exists");
        assert_eq!(profile.name(), name);
        exercise(profile);
    }
    for session in set.sso_sessions() {
        assert!(set.sso_session(session.name()).is_some());
        exercise(session);
    }
    if let Some(services) = set.services("default") {
        exercise(services);
    }
    let _ = set.selected_profile();
    for warning in set.warnings() {
        let _ = warning.location.to_string();
    }
});

fn exercise(profile: &Profile) {
    for property in profile.properties() {
        assert_eq!(property.name(), property.name().to_ascii_lowercase());
        assert_eq!(profile.get(property.name()), Some(property.value()));
        let _ = property.location().to_string();
        for (name, value) in property.sub_properties() {
            assert!(property.sub_property(&name).is_some(), "{value}");
        }
    }
}
