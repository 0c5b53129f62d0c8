//! The INI grammar on arbitrary text: `parse_ini` returns sections or an error, never
//! panics, and what it returns is consistent with its input.

#![no_main]

use creds_core::profile::parse_ini;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = u32::try_from(text.split('\n').count()).unwrap_or(u32::MAX);
    match parse_ini(text) {
        Ok(sections) => {
            let mut last = 0;
            for section in &sections {
                assert!(section.line > last && section.line <= lines);
                last = section.line;
                for property in &section.properties {
                    assert!(property.line > section.line && property.line <= lines);
                    assert!(!property.key.is_empty());
                    assert!(!property.key.contains('='));
                    assert_eq!(property.key, property.key.trim_matches([' ', '\t']));
                }
            }
        }
        Err(error) => {
            assert!(error.line >= 1 && error.line <= lines);
            let _ = error.to_string();
        }
    }
});
