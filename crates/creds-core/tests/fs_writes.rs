//! `Fs::write_atomic` and `Fs::create_dir_all` on the real file system: permissions,
//! failures that keep the old file, and concurrent writers that never tear a file.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use creds_core::Fs;

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn writes_are_private_and_directories_too() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".aws/sso/cache");
    let fs = Fs::real();
    fs.create_dir_all(&dir).unwrap();
    let file = dir.join("token.json");
    fs.write_atomic(&file, b"first").unwrap();
    fs.write_atomic(&file, b"second, longer than the first")
        .unwrap();
    assert_eq!(
        std::fs::read(&file).unwrap(),
        b"second, longer than the first"
    );
    #[cfg(unix)]
    {
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&home.path().join(".aws/sso")), 0o700);
    }
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["token.json"]);
}

#[cfg(unix)]
#[test]
fn a_read_only_directory_keeps_the_old_file() {
    use std::os::unix::fs::PermissionsExt as _;

    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("cache");
    std::fs::create_dir(&dir).unwrap();
    let file = dir.join("token.json");
    std::fs::write(&file, b"old").unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o500)).unwrap();
    let result = Fs::real().write_atomic(&file, b"new");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    // root may write anyway: then the write must have been whole.
    match result {
        Err(error) => {
            assert_eq!(error.kind(), std::io::ErrorKind::PermissionDenied);
            assert_eq!(std::fs::read(&file).unwrap(), b"old");
            let err = creds_core::CredentialsError::cannot_write("sso", &file, error);
            assert_eq!(err.kind(), creds_core::ErrorKind::Unavailable);
            assert!(err.message().contains(&*file.to_string_lossy()), "{err}");
            assert!(err.message().contains("permission denied"), "{err}");
        }
        Ok(()) => assert_eq!(std::fs::read(&file).unwrap(), b"new"),
    }
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
}

#[test]
fn a_missing_directory_is_an_error() {
    let home = tempfile::tempdir().unwrap();
    let err = Fs::real()
        .write_atomic(&home.path().join("missing/token.json"), b"x")
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
}

/// Two writers replace one file with their own document 1,000 times each while a
/// reader parses every version it sees: each must be one whole document.
#[test]
fn concurrent_writers_never_tear_a_file() {
    let home = tempfile::tempdir().unwrap();
    let file = Arc::new(home.path().join("token.json"));
    let docs: [Arc<String>; 2] = [
        Arc::new(format!("{{\"accessToken\": \"{}\"}}", "a".repeat(40_000))),
        Arc::new(format!(
            "{{\"accessToken\": \"{}\", \"extra\": 1}}",
            "b".repeat(20_000)
        )),
    ];
    Fs::real().write_atomic(&file, docs[0].as_bytes()).unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let (file, done, docs) = (Arc::clone(&file), Arc::clone(&done), docs.clone());
        std::thread::spawn(move || {
            let mut seen = [0usize; 2];
            while !done.load(Ordering::Relaxed) {
                let text = Fs::real().read_to_string(&file).unwrap();
                let value: serde_json::Value =
                    serde_json::from_str(&text).expect("a whole JSON document");
                let which = usize::from(value.get("extra").is_some());
                assert_eq!(text, *docs[which], "a torn or mixed document");
                seen[which] += 1;
            }
            seen
        })
    };
    let writers: Vec<_> = docs
        .iter()
        .map(|doc| {
            let (file, doc) = (Arc::clone(&file), Arc::clone(doc));
            std::thread::spawn(move || {
                for _ in 0..1_000 {
                    Fs::real().write_atomic(&file, doc.as_bytes()).unwrap();
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    done.store(true, Ordering::Relaxed);
    let seen = reader.join().unwrap();
    assert!(seen[0] + seen[1] > 0, "the reader read nothing");
    assert_eq!(std::fs::read_dir(home.path()).unwrap().count(), 1);
}
