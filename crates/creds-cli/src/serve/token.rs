//! The bearer token of `creds serve`: random, compared in constant time, and written
//! to a token file only its owner can read.

use std::io::Write as _;
use std::path::Path;

use subtle::ConstantTimeEq as _;

/// Random bytes in a token: 256 bits, as hex.
const BYTES: usize = 32;

/// A random bearer token. Its `Debug` hides it.
pub(crate) struct Token(String);

impl Token {
    /// A new token from the system's random source.
    pub(crate) fn generate() -> Result<Token, String> {
        use ring::rand::SecureRandom as _;
        let mut bytes = [0u8; BYTES];
        ring::rand::SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| "the system's random source failed".to_owned())?;
        Ok(Token(hex(&bytes)))
    }

    /// The token, to print or write once.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `presented` (an `Authorization` header's value) is this token. The time
    /// taken does not depend on where the two first differ, so a client cannot guess
    /// the token byte by byte; only the length (public: always 64) can make it shorter.
    pub(crate) fn matches(&self, presented: &[u8]) -> bool {
        self.0.as_bytes().ct_eq(presented).into()
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(** redacted **)")
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    out
}

/// Writes `token` to `path`, readable by its owner only (0600), without a newline (the
/// SDKs send the file's content as it is). The token goes to a temporary file in the
/// same directory that is then renamed over `path`, so that a reader never sees half a
/// token, and a file that was there, whatever its permissions, is replaced.
pub(crate) fn write_file(path: &Path, token: &Token) -> std::io::Result<()> {
    let name = path.file_name().ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path names no file")
    })?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".tmp-{}", std::process::id()));
    let temp = path.with_file_name(temp_name);
    let written = (|| {
        let mut file = owner_only().open(&temp)?;
        file.write_all(token.as_str().as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

#[cfg(unix)]
fn owner_only() -> std::fs::OpenOptions {
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true).mode(0o600);
    options
}

#[cfg(not(unix))]
fn owner_only() -> std::fs::OpenOptions {
    // Elsewhere the file takes its directory's permissions: keep it in a private one.
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex() {
        let a = Token::generate().unwrap();
        let b = Token::generate().unwrap();
        assert_eq!(a.as_str().len(), 2 * BYTES);
        assert!(a.as_str().bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a.as_str(), b.as_str());
        assert_eq!(format!("{a:?}"), "Token(** redacted **)");
    }

    #[test]
    fn matches_only_the_whole_token() {
        let token = Token::generate().unwrap();
        let text = token.as_str().as_bytes();
        assert!(token.matches(text));
        assert!(!token.matches(&text[..text.len() - 1]));
        assert!(!token.matches(b""));
        let mut flipped = text.to_vec();
        flipped[0] ^= 1;
        assert!(!token.matches(&flipped));
        let mut longer = text.to_vec();
        longer.push(b'0');
        assert!(!token.matches(&longer));
        assert!(!token.matches(format!("Bearer {}", token.as_str()).as_bytes()));
    }

    #[cfg(unix)]
    #[test]
    fn token_file_is_private_and_replaced() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = std::env::temp_dir().join(format!("creds-token-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("token");
        std::fs::write(&path, "old and world-readable").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let token = Token::generate().unwrap();
        write_file(&path, &token).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), token.as_str());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            1,
            "no temp file left"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
