//! [`Fs`]: the injectable file system, with the few writes a token refresh needs.

use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

/// Where providers read and write files: the real file system, or an in-memory one for
/// tests.
///
/// Reads are [`read`](Self::read) and [`read_to_string`](Self::read_to_string). Writes
/// are what a token refresh needs and nothing more: [`write_atomic`](Self::write_atomic)
/// (a temporary file in the same directory, flushed to disk, then renamed over the
/// old one, readable by its owner only) and [`create_dir_all`](Self::create_dir_all)
/// (directories readable by their owner only). A reader never sees half a file: it
/// sees the old one or the new one.
///
/// The in-memory file system of tests ([`Fs::from_files`], [`Fs::empty`]) takes the
/// writes too, so that a test reads back what a provider wrote
/// ([`read`](Self::read), [`writes`](Self::writes)), and can make a directory
/// read-only or the disk full ([`with_fault`](Self::with_fault)) to see how a provider
/// copes:
///
/// ```
/// use creds_core::{Fs, FsFault};
/// use std::path::Path;
///
/// let fs = Fs::from_files([("/home/me/.aws/config", "[default]\nregion = eu-west-1\n")]);
/// assert!(fs.read_to_string(Path::new("/home/me/.aws/config")).is_ok());
/// assert_eq!(
///     fs.read_to_string(Path::new("/nowhere")).unwrap_err().kind(),
///     std::io::ErrorKind::NotFound,
/// );
///
/// let cache = Path::new("/home/me/.aws/sso/cache");
/// fs.create_dir_all(cache).unwrap();
/// fs.write_atomic(&cache.join("token.json"), b"{\"accessToken\": \"...\"}").unwrap();
/// assert_eq!(fs.read(&cache.join("token.json")).unwrap(), b"{\"accessToken\": \"...\"}");
/// let last = fs.writes().pop().unwrap();
/// assert_eq!((last.path.as_path(), last.mode), (cache.join("token.json").as_path(), 0o600));
///
/// // A full disk: the write fails and the old file is kept whole.
/// let full = fs.clone().with_fault(cache, FsFault::NoSpace);
/// assert!(full.write_atomic(&cache.join("token.json"), b"new").is_err());
/// assert_eq!(full.read(&cache.join("token.json")).unwrap(), b"{\"accessToken\": \"...\"}");
/// ```
#[derive(Clone, Default)]
pub struct Fs(Inner);

#[derive(Clone, Default)]
enum Inner {
    #[default]
    Real,
    Memory(Arc<Memory>),
}

/// What a test can make go wrong under a directory of the in-memory file system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FsFault {
    /// Nothing can be written or created under it (`PermissionDenied`), as in a
    /// read-only directory.
    ReadOnly,
    /// Every write under it fails as on a full disk (`StorageFull`).
    NoSpace,
}

/// One write that the in-memory file system took.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FsWrite {
    /// The file written, or the directory created.
    pub path: PathBuf,
    /// What was written (empty for a directory).
    pub contents: Vec<u8>,
    /// The permission bits it was given: `0o600` for files, `0o700` for directories.
    pub mode: u32,
}

#[derive(Default)]
struct Memory {
    state: RwLock<MemoryState>,
}

#[derive(Default)]
struct MemoryState {
    files: HashMap<PathBuf, Arc<[u8]>>,
    /// Directories created by `create_dir_all`; the ancestors of every file count too.
    dirs: BTreeSet<PathBuf>,
    writes: Vec<FsWrite>,
    faults: Vec<(PathBuf, FsFault)>,
}

/// Shows paths only: contents may be credentials files.
impl std::fmt::Debug for Fs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Inner::Real => f.write_str("Fs::Real"),
            Inner::Memory(memory) => {
                let state = memory.read();
                let mut paths: Vec<&PathBuf> = state.files.keys().collect();
                paths.sort();
                f.debug_tuple("Fs::Memory").field(&paths).finish()
            }
        }
    }
}

/// The permission bits of files that [`Fs::write_atomic`] writes.
const FILE_MODE: u32 = 0o600;
/// The permission bits of directories that [`Fs::create_dir_all`] creates.
const DIR_MODE: u32 = 0o700;

impl Fs {
    /// The real file system.
    pub fn real() -> Self {
        Fs(Inner::Real)
    }

    /// An in-memory file system holding these files (and, implicitly, their
    /// directories).
    pub fn from_files<P: Into<PathBuf>, C: Into<Vec<u8>>>(
        files: impl IntoIterator<Item = (P, C)>,
    ) -> Self {
        let mut state = MemoryState::default();
        for (path, contents) in files {
            state
                .files
                .insert(path.into(), Arc::from(contents.into().into_boxed_slice()));
        }
        Fs(Inner::Memory(Arc::new(Memory {
            state: RwLock::new(state),
        })))
    }

    /// An in-memory file system with no files.
    pub fn empty() -> Self {
        Self::from_files(std::iter::empty::<(PathBuf, Vec<u8>)>())
    }

    /// Makes writes under `dir` fail as `fault` says (in-memory file systems only; the
    /// real one is returned as it is). Clones share the faults.
    pub fn with_fault(self, dir: impl Into<PathBuf>, fault: FsFault) -> Self {
        if let Inner::Memory(memory) = &self.0 {
            memory.write().faults.push((dir.into(), fault));
        }
        self
    }

    /// Reads a whole file.
    pub fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match &self.0 {
            Inner::Real => std::fs::read(path),
            Inner::Memory(memory) => memory
                .read()
                .files
                .get(path)
                .map(|contents| contents.to_vec())
                .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file")),
        }
    }

    /// Reads at most `max` bytes of a file: the first `max + 1`, so that a caller can
    /// tell a file of `max` bytes from a larger one (whose read is cut there) without
    /// reading a huge file, `/dev/zero` or a pipe to its end.
    ///
    /// ```
    /// use creds_core::Fs;
    /// use std::path::Path;
    ///
    /// let fs = Fs::from_files([("/big", "0123456789")]);
    /// assert_eq!(fs.read_limited(Path::new("/big"), 4).unwrap(), b"01234");
    /// assert_eq!(fs.read_limited(Path::new("/big"), 10).unwrap(), b"0123456789");
    /// ```
    pub fn read_limited(&self, path: &Path, max: usize) -> io::Result<Vec<u8>> {
        let cap = max.saturating_add(1);
        match &self.0 {
            Inner::Real => {
                use std::io::Read as _;
                let file = std::fs::File::open(path)?;
                let mut bytes = Vec::new();
                file.take(cap as u64).read_to_end(&mut bytes)?;
                Ok(bytes)
            }
            Inner::Memory(_) => {
                let mut bytes = self.read(path)?;
                bytes.truncate(cap);
                Ok(bytes)
            }
        }
    }

    /// Reads a whole file as UTF-8.
    pub fn read_to_string(&self, path: &Path) -> io::Result<String> {
        String::from_utf8(self.read(path)?)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "the file is not valid UTF-8"))
    }

    /// A number that changes when the file at `path` changes, `None` when there is no
    /// file there: its size, modification and change times and inode on a real file
    /// system, a hash of its contents in memory. Cheap (one `stat`), for noticing that
    /// a file was edited without reading it.
    pub fn fingerprint(&self, path: &Path) -> Option<u64> {
        let mut hasher = DefaultHasher::new();
        match &self.0 {
            Inner::Real => {
                let meta = std::fs::metadata(path).ok()?;
                meta.len().hash(&mut hasher);
                meta.modified().ok().hash(&mut hasher);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::MetadataExt as _;
                    (meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec()).hash(&mut hasher);
                }
            }
            Inner::Memory(memory) => memory.read().files.get(path)?.hash(&mut hasher),
        }
        Some(hasher.finish())
    }

    /// Replaces the file at `path` with `contents`, atomically: they are written to a
    /// new temporary file in the same directory (mode `0600`), flushed to disk, and
    /// renamed over `path`, so that a reader sees the old file or the new one, never a
    /// part of either, and concurrent writers leave one whole document. On failure the
    /// old file is untouched and the temporary file removed. The directory must exist
    /// ([`create_dir_all`](Self::create_dir_all)).
    pub fn write_atomic(&self, path: &Path, contents: &[u8]) -> io::Result<()> {
        match &self.0 {
            Inner::Real => write_atomic_real(path, contents),
            Inner::Memory(memory) => memory.write_file(path, contents),
        }
    }

    /// Creates `dir` and any missing parents, each readable by its owner only (mode
    /// `0700`). A directory already there is left as it is.
    pub fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        match &self.0 {
            Inner::Real => {
                let mut builder = std::fs::DirBuilder::new();
                builder.recursive(true);
                #[cfg(unix)]
                std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
                builder.create(dir)
            }
            Inner::Memory(memory) => memory.create_dir_all(dir),
        }
    }

    /// Removes the file at `path` (a logout's cached token). The in-memory file system
    /// takes the fault of its directory, as [`write_atomic`](Self::write_atomic) does.
    ///
    /// ```
    /// use creds_core::Fs;
    /// use std::path::Path;
    ///
    /// let fs = Fs::from_files([("/h/t.json", "{}")]);
    /// fs.remove_file(Path::new("/h/t.json")).unwrap();
    /// assert!(fs.read(Path::new("/h/t.json")).is_err());
    /// assert!(fs.remove_file(Path::new("/h/t.json")).is_err());
    /// ```
    pub fn remove_file(&self, path: &Path) -> io::Result<()> {
        match &self.0 {
            Inner::Real => std::fs::remove_file(path),
            Inner::Memory(memory) => {
                let mut state = memory.write();
                state.check(path)?;
                match state.files.remove(path) {
                    Some(_) => Ok(()),
                    None => Err(io::Error::new(io::ErrorKind::NotFound, "no such file")),
                }
            }
        }
    }

    /// The writes the in-memory file system took, in order: files written and
    /// directories created. Empty for the real file system.
    pub fn writes(&self) -> Vec<FsWrite> {
        match &self.0 {
            Inner::Real => Vec::new(),
            Inner::Memory(memory) => memory.read().writes.clone(),
        }
    }
}

/// Distinguishes the temporary files of concurrent writers in one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

fn write_atomic_real(path: &Path, contents: &[u8]) -> io::Result<()> {
    use std::io::Write as _;

    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path has no file name"))?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(
        ".{}.{}.tmp",
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let temp = dir.join(temp_name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    let mut file = options.open(&temp)?;
    let written = file
        .write_all(contents)
        .and_then(|()| file.sync_all())
        .and_then(|()| {
            drop(file);
            std::fs::rename(&temp, path)
        });
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(error);
    }
    // The rename is durable once the directory is flushed too (where that can be done).
    #[cfg(unix)]
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

impl Memory {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, MemoryState> {
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, MemoryState> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn write_file(&self, path: &Path, contents: &[u8]) -> io::Result<()> {
        let mut state = self.write();
        state.check(path)?;
        match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() && !state.is_dir(dir) => {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    "the directory does not exist",
                ));
            }
            _ => {}
        }
        if state.is_dir(path) {
            return Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "a directory is in the way",
            ));
        }
        state.files.insert(
            path.to_owned(),
            Arc::from(contents.to_vec().into_boxed_slice()),
        );
        state.writes.push(FsWrite {
            path: path.to_owned(),
            contents: contents.to_vec(),
            mode: FILE_MODE,
        });
        Ok(())
    }

    fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        let mut state = self.write();
        let mut missing: Vec<&Path> = dir
            .ancestors()
            .filter(|d| !d.as_os_str().is_empty())
            .take_while(|d| !state.is_dir(d))
            .collect();
        if missing.iter().any(|d| state.files.contains_key(*d)) {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                "a file is in the way",
            ));
        }
        if missing.is_empty() {
            return Ok(());
        }
        state.check(dir)?;
        missing.reverse();
        for dir in missing {
            state.dirs.insert(dir.to_owned());
            state.writes.push(FsWrite {
                path: dir.to_owned(),
                contents: Vec::new(),
                mode: DIR_MODE,
            });
        }
        Ok(())
    }
}

impl MemoryState {
    /// The fault of the nearest directory above `path` that has one.
    fn check(&self, path: &Path) -> io::Result<()> {
        let fault = self
            .faults
            .iter()
            .filter(|(dir, _)| path.starts_with(dir))
            .max_by_key(|(dir, _)| dir.components().count());
        match fault {
            None => Ok(()),
            Some((_, FsFault::ReadOnly)) => Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "permission denied (read-only directory)",
            )),
            Some((_, FsFault::NoSpace)) => Err(io::Error::new(
                io::ErrorKind::StorageFull,
                "no space left on device",
            )),
        }
    }

    /// Created with `create_dir_all`, the root, or above a file.
    fn is_dir(&self, dir: &Path) -> bool {
        dir.parent().is_none()
            || self.dirs.contains(dir)
            || self
                .files
                .keys()
                .any(|file| file.starts_with(dir) && file != dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_paths_not_contents() {
        let fs = Fs::from_files([("/h/.aws/credentials", "aws_secret_access_key = SUPERSECRET")]);
        let text = format!("{fs:?}");
        assert!(
            text.contains("/h/.aws/credentials") && !text.contains("SUPERSECRET"),
            "{text}"
        );
    }

    #[test]
    fn memory_writes_need_their_directory_and_are_recorded() {
        let fs = Fs::from_files([("/h/.aws/config", "")]);
        let token = Path::new("/h/.aws/sso/cache/t.json");
        let err = fs.write_atomic(token, b"{}").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        fs.create_dir_all(Path::new("/h/.aws/sso/cache")).unwrap();
        fs.write_atomic(token, b"{}").unwrap();
        let writes = fs.writes();
        let paths: Vec<_> = writes
            .iter()
            .map(|w| (w.path.to_str().unwrap(), w.mode))
            .collect();
        // `/h/.aws` is there already (above a file): only the two new levels are made.
        assert_eq!(
            paths,
            [
                ("/h/.aws/sso", 0o700),
                ("/h/.aws/sso/cache", 0o700),
                ("/h/.aws/sso/cache/t.json", 0o600)
            ]
        );
        // Creating it again changes nothing.
        fs.create_dir_all(Path::new("/h/.aws/sso/cache")).unwrap();
        assert_eq!(fs.writes().len(), 3);
        let err = fs
            .create_dir_all(Path::new("/h/.aws/config/x"))
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotADirectory);
    }

    #[test]
    fn faults_apply_under_their_directory() {
        let fs = Fs::from_files([("/h/a/old", "old"), ("/h/b/old", "old")])
            .with_fault("/h/a", FsFault::ReadOnly)
            .with_fault("/h/b", FsFault::NoSpace);
        let a = fs.write_atomic(Path::new("/h/a/old"), b"new").unwrap_err();
        assert_eq!(a.kind(), io::ErrorKind::PermissionDenied);
        let b = fs.write_atomic(Path::new("/h/b/old"), b"new").unwrap_err();
        assert_eq!(b.kind(), io::ErrorKind::StorageFull);
        let dir = fs.create_dir_all(Path::new("/h/a/sub")).unwrap_err();
        assert_eq!(dir.kind(), io::ErrorKind::PermissionDenied);
        assert_eq!(fs.read(Path::new("/h/a/old")).unwrap(), b"old");
        assert_eq!(fs.read(Path::new("/h/b/old")).unwrap(), b"old");
        assert!(fs.writes().is_empty());
    }

    #[test]
    fn fingerprints_change_with_contents() {
        let fs = Fs::from_files([("/h/f", "one")]);
        let path = Path::new("/h/f");
        let before = fs.fingerprint(path).unwrap();
        assert_eq!(fs.fingerprint(path), Some(before));
        fs.write_atomic(path, b"two").unwrap();
        assert_ne!(fs.fingerprint(path), Some(before));
        assert_eq!(fs.fingerprint(Path::new("/h/missing")), None);
    }
}
