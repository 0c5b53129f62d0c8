//! Where identity ids are kept between fetches: [`IdentityIdStore`], in memory or in a
//! file.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use creds_core::{CredentialsError, Fs, ProviderConfig};
use serde_json::{Map, Value};

use crate::NAME;

/// A store of identity ids, keyed `aws:cognito-identity-credentials:<pool
/// id>:<user identifier or ANONYMOUS>` as the JavaScript SDK keys its `localStorage`.
/// A pool provider reads it before calling `GetId`, writes the id `GetId` gave, and
/// removes an id that Cognito no longer accepts.
///
/// Implement it to keep ids where the program keeps its state (a keychain, a
/// database); [`MemoryStore`] and [`FileStore`] are the two given. A store that fails
/// should log and go on: a lost id costs one `GetId`. The methods are called from
/// async code (`get` while other fetches of the provider wait): they should be quick.
pub trait IdentityIdStore: Send + Sync + fmt::Debug {
    /// The id kept under `key`.
    fn get(&self, key: &str) -> Option<String>;
    /// Keeps `identity_id` under `key`.
    fn set(&self, key: &str, identity_id: &str);
    /// Forgets the id under `key`.
    fn remove(&self, key: &str);
}

/// Identity ids in memory, for the life of the process (the JavaScript SDK's default
/// in Node.js).
#[derive(Debug, Default)]
pub struct MemoryStore(Mutex<HashMap<String, String>>);

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl IdentityIdStore for MemoryStore {
    fn get(&self, key: &str) -> Option<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned()
    }

    fn set(&self, key: &str, identity_id: &str) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key.to_owned(), identity_id.to_owned());
    }

    fn remove(&self, key: &str) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(key);
    }
}

/// Identity ids in a JSON file (`{"<key>": "<identity id>", ...}`), for programs that
/// restart and should keep their identity: written atomically and readable by its
/// owner only, through the config's [`Fs`]. A file that cannot be read or is not such a
/// JSON object holds no id, and is left as it is (a write would lose the others' ids);
/// a write that fails is logged. Writers in one process take turns; two processes may
/// lose each other's last write, which costs one `GetId`.
///
/// ```
/// use creds_cognito::{FileStore, IdentityIdStore};
/// use creds_core::{Fs, ProviderConfig};
///
/// let config = ProviderConfig::empty().with_fs(Fs::from_files([("/app/.keep", "")]));
/// let store = FileStore::new(&config, "/app/cognito-ids.json");
/// store.set("aws:cognito-identity-credentials:us-east-1:pool:ANONYMOUS", "us-east-1:id");
/// assert_eq!(
///     store.get("aws:cognito-identity-credentials:us-east-1:pool:ANONYMOUS").as_deref(),
///     Some("us-east-1:id")
/// );
/// ```
pub struct FileStore {
    fs: Fs,
    path: PathBuf,
    /// One read-modify-write at a time in this process.
    lock: Mutex<()>,
}

impl fmt::Debug for FileStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// The largest store file read.
const MAX_FILE_BYTES: usize = 1024 * 1024;

impl FileStore {
    /// A store in the file at `path`, through `config`'s file system. The file's
    /// directory must exist; the file is made at the first write.
    pub fn new(config: &ProviderConfig, path: impl Into<PathBuf>) -> Self {
        FileStore {
            fs: config.fs().clone(),
            path: path.into(),
            lock: Mutex::new(()),
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's ids: none when there is no file; `None` when it cannot be read or
    /// is not a store (so that a write does not replace the ids of others with one).
    fn read(&self) -> Option<Map<String, Value>> {
        let bytes = match self.fs.read_limited(&self.path, MAX_FILE_BYTES) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Some(Map::new()),
            Err(e) => {
                tracing::warn!(path = %self.path.display(), "the Cognito identity id file cannot be read ({e}); it is left as it is");
                return None;
            }
        };
        if bytes.len() > MAX_FILE_BYTES {
            tracing::warn!(path = %self.path.display(), "the Cognito identity id file is larger than 1 MiB; it is left as it is");
            return None;
        }
        match serde_json::from_slice(&bytes) {
            Ok(Value::Object(map)) => Some(map),
            _ => {
                tracing::warn!(path = %self.path.display(), "the Cognito identity id file is not a JSON object; it is left as it is");
                None
            }
        }
    }

    fn update(&self, change: impl FnOnce(&mut Map<String, Value>)) {
        let _held = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(mut map) = self.read() else {
            return;
        };
        change(&mut map);
        let text = Value::Object(map).to_string();
        if let Err(e) = self.fs.write_atomic(&self.path, text.as_bytes()) {
            let error = CredentialsError::cannot_write(NAME, &self.path, e);
            tracing::warn!(%error, "the Cognito identity id was not kept");
        }
    }
}

impl IdentityIdStore for FileStore {
    fn get(&self, key: &str) -> Option<String> {
        let _held = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        self.read()?
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }

    fn set(&self, key: &str, identity_id: &str) {
        self.update(|map| {
            map.insert(key.to_owned(), identity_id.into());
        });
    }

    fn remove(&self, key: &str) {
        self.update(|map| {
            map.remove(key);
        });
    }
}
