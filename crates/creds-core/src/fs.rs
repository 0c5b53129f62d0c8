//! [`Fs`]: the injectable file system.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where providers read files: the real file system, or a fixed map of paths to
/// contents for tests.
///
/// ```
/// use creds_core::Fs;
///
/// let fs = Fs::from_files([("/home/me/.aws/config", "[default]\nregion = eu-west-1\n")]);
/// assert!(fs.read_to_string("/home/me/.aws/config".as_ref()).is_ok());
/// assert_eq!(
///     fs.read_to_string("/nowhere".as_ref()).unwrap_err().kind(),
///     std::io::ErrorKind::NotFound,
/// );
/// ```
#[derive(Clone, Default)]
pub struct Fs(Inner);

#[derive(Clone, Default)]
enum Inner {
    #[default]
    Real,
    Map(Arc<HashMap<PathBuf, Vec<u8>>>),
}

/// Shows paths only: contents may be credentials files.
impl std::fmt::Debug for Fs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Inner::Real => f.write_str("Fs::Real"),
            Inner::Map(map) => {
                let mut paths: Vec<&PathBuf> = map.keys().collect();
                paths.sort();
                f.debug_tuple("Fs::Map").field(&paths).finish()
            }
        }
    }
}

impl Fs {
    /// The real file system.
    pub fn real() -> Self {
        Fs(Inner::Real)
    }

    /// A file system holding only these files.
    pub fn from_files<P: Into<PathBuf>, C: Into<Vec<u8>>>(
        files: impl IntoIterator<Item = (P, C)>,
    ) -> Self {
        Fs(Inner::Map(Arc::new(
            files
                .into_iter()
                .map(|(p, c)| (p.into(), c.into()))
                .collect(),
        )))
    }

    /// A file system with no files.
    pub fn empty() -> Self {
        Fs(Inner::Map(Arc::default()))
    }

    /// Reads a whole file.
    pub fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match &self.0 {
            Inner::Real => std::fs::read(path),
            Inner::Map(map) => map
                .get(path)
                .cloned()
                .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file")),
        }
    }

    /// Reads a whole file as UTF-8.
    pub fn read_to_string(&self, path: &Path) -> io::Result<String> {
        String::from_utf8(self.read(path)?)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "the file is not valid UTF-8"))
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
}
