//! Timestamps and UUIDs kept as the text that was sent or received, so that a malformed value
//! from the server never fails a whole response, and any string can be sent.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An RFC 3339 date-time (`format: date-time`), kept as text.
///
/// A response never fails to decode because a timestamp is malformed; [`Timestamp::parse`]
/// reads it when you need a date. Setters accept a `chrono` date-time or a string.
///
/// ```
/// use openrouter::Timestamp;
///
/// let t = Timestamp::from("2025-08-24T10:30:00Z");
/// assert_eq!(t.as_str(), "2025-08-24T10:30:00Z");
/// assert_eq!(t.parse().map(|d| d.timestamp()), Some(1756031400));
/// assert!(Timestamp::from("yesterday").parse().is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(String);

impl Timestamp {
    /// The text as sent or received.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The date-time, or `None` when the text is not RFC 3339.
    pub fn parse(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        chrono::DateTime::parse_from_rfc3339(&self.0).ok()
    }
}

impl<Tz: chrono::TimeZone> From<chrono::DateTime<Tz>> for Timestamp
where
    Tz::Offset: fmt::Display,
{
    fn from(value: chrono::DateTime<Tz>) -> Self {
        Timestamp(value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

impl<Tz: chrono::TimeZone> From<chrono::DateTime<Tz>> for crate::Nullable<Timestamp>
where
    Tz::Offset: fmt::Display,
{
    fn from(value: chrono::DateTime<Tz>) -> Self {
        crate::Nullable::Value(value.into())
    }
}

/// A UUID (`format: uuid`), kept as text.
///
/// Setters accept a [`uuid::Uuid`] or any string (a string that is not a UUID is sent as it
/// is: the server decides); [`UuidString::parse`] reads a received one.
///
/// ```
/// use openrouter::UuidString;
///
/// let id = UuidString::from(uuid::Uuid::nil());
/// assert_eq!(id.as_str(), "00000000-0000-0000-0000-000000000000");
/// assert_eq!(id.parse(), Some(uuid::Uuid::nil()));
/// assert_eq!(UuidString::from("ws-1").parse(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UuidString(String);

impl UuidString {
    /// The text as sent or received.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The UUID, or `None` when the text is not one.
    pub fn parse(&self) -> Option<uuid::Uuid> {
        uuid::Uuid::parse_str(&self.0).ok()
    }
}

impl From<uuid::Uuid> for UuidString {
    fn from(value: uuid::Uuid) -> Self {
        UuidString(value.hyphenated().to_string())
    }
}

impl From<uuid::Uuid> for crate::Nullable<UuidString> {
    fn from(value: uuid::Uuid) -> Self {
        crate::Nullable::Value(value.into())
    }
}

/// The conversions and serde impls both text types share.
macro_rules! text_value {
    ($name:ident) => {
        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                $name(value.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                $name(value)
            }
        }

        impl From<&str> for crate::Nullable<$name> {
            fn from(value: &str) -> Self {
                crate::Nullable::Value($name::from(value))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map($name)
            }
        }
    };
}

text_value!(Timestamp);
text_value!(UuidString);
