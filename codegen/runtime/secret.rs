//! Credentials that must never be printed.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A credential: an API key sent by the client or returned by OpenRouter.
///
/// `Debug` and `Display` print `[redacted]`; read the value with
/// [`expose_secret`](SecretString::expose_secret) when it has to leave the program.
///
/// ```
/// use openrouter::SecretString;
///
/// let key = SecretString::from("sk-or-v1-abc");
/// assert_eq!(format!("{key:?}"), "SecretString([redacted])");
/// assert_eq!(key.expose_secret(), "sk-or-v1-abc");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    /// The secret itself.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        SecretString(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        SecretString(value.to_owned())
    }
}

impl From<&String> for SecretString {
    fn from(value: &String) -> Self {
        SecretString(value.clone())
    }
}

/// So a received secret (an authorization code) can be passed straight to the next call.
impl From<&SecretString> for SecretString {
    fn from(value: &SecretString) -> Self {
        value.clone()
    }
}

impl From<&str> for crate::Nullable<SecretString> {
    fn from(value: &str) -> Self {
        crate::Nullable::Value(value.into())
    }
}

impl From<String> for crate::Nullable<SecretString> {
    fn from(value: String) -> Self {
        crate::Nullable::Value(value.into())
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString([redacted])")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(SecretString)
    }
}

/// Serializing is an explicit act of reading the secret, as with `expose_secret`.
impl Serialize for SecretString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}
