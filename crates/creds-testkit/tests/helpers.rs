//! Temp homes and clocks.

use std::time::Duration;

use creds_testkit::{TempHome, clock_at};

#[test]
fn temp_homes_hold_the_shared_files_and_go_away() {
    let home = TempHome::new();
    let root = home.path().to_path_buf();
    let config = home.write_config("[profile dev]\nregion = eu-west-1\n");
    let credentials = home.write_credentials("[dev]\naws_access_key_id = AKID\n");
    let token = home.write_file("tokens/web-identity", "a-token");
    assert_eq!(config, root.join(".aws/config"));
    assert_eq!(credentials, root.join(".aws/credentials"));
    assert_eq!(std::fs::read_to_string(token).unwrap(), "a-token");

    let set = home
        .provider_config()
        .with_profile_name("dev")
        .profile_set()
        .unwrap();
    let dev = set.profile("dev").unwrap();
    assert_eq!(dev.get("region"), Some("eu-west-1"));
    assert_eq!(dev.get("aws_access_key_id"), Some("AKID"));

    drop(home);
    assert!(!root.exists());
}

#[test]
#[should_panic(expected = "not a plain path")]
fn files_stay_inside_the_home() {
    TempHome::new().write_file("../escape", "x");
}

#[test]
fn clocks_stand_still_until_moved() {
    let clock = clock_at("2026-01-01T00:00:00Z");
    let shared = creds_core::Clock::from(clock.clone());
    clock.advance(Duration::from_secs(90));
    assert_eq!(shared.now().to_string(), "2026-01-01T00:01:30Z");
    let config = creds_core::ProviderConfig::empty().with_clock(clock);
    assert_eq!(config.clock().now().to_string(), "2026-01-01T00:01:30Z");
}
