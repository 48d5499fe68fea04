//! The one error type of the generator: what went wrong, in which file, at which JSON pointer.

use std::fmt;

/// A generation failure that names the document and the place inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The document's name as the caller gave it (usually its path).
    pub file: String,
    /// Where in the document: a JSON pointer such as `/paths/~1keys/get`, or a
    /// `line L column C` position when the text could not be parsed at all.
    pub location: String,
    /// What is wrong, in words a maintainer can act on.
    pub message: String,
}

impl Error {
    pub(crate) fn at(file: &str, pointer: &str, message: impl Into<String>) -> Self {
        Error {
            file: file.to_owned(),
            location: if pointer.is_empty() {
                "/".to_owned()
            } else {
                pointer.to_owned()
            },
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: at {}: {}", self.file, self.location, self.message)
    }
}

impl std::error::Error for Error {}

/// Escapes one JSON pointer segment (RFC 6901).
pub(crate) fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Joins a parent pointer and one unescaped segment.
pub(crate) fn join(parent: &str, segment: &str) -> String {
    format!("{parent}/{}", escape(segment))
}
