//! Three states for a field that is optional and nullable: absent, `null`, or a value.

use serde::{Serialize, Serializer};

/// A value that may be sent as JSON `null`.
///
/// Request builders take `impl Into<Nullable<T>>` for fields that are optional *and* nullable.
/// Not calling the setter leaves the field out of the body; passing [`Nullable::Null`] (or
/// `None`) sends `null`; passing a value sends it. On `PATCH /keys/{hash}`, `limit: null`
/// removes the spending limit while an absent `limit` leaves it as it is.
///
/// ```
/// use openrouter::Nullable;
///
/// let remove: Nullable<f64> = None.into();
/// assert_eq!(remove, Nullable::Null);
/// assert_eq!(Nullable::from(25.0), Nullable::Value(25.0));
/// let limit: Nullable<f64> = 50.into();
/// assert_eq!(limit, Nullable::Value(50.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// Sent as JSON `null`.
    Null,
    /// Sent as the value.
    Value(T),
}

impl<T> Nullable<T> {
    /// The value, or `None` for [`Nullable::Null`].
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(value) => Some(value),
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Nullable::Null, Nullable::Value)
    }
}

impl From<&str> for Nullable<String> {
    fn from(value: &str) -> Self {
        Nullable::Value(value.to_owned())
    }
}

/// Integer literals where the document says `number` (`.limit(50)`), and smaller integers
/// where it says `integer`: the conversions are lossless.
macro_rules! widen {
    ($target:ty: $($from:ty),*) => {
        $(impl From<$from> for Nullable<$target> {
            fn from(value: $from) -> Self {
                Nullable::Value(value.into())
            }
        })*
    };
}

widen!(f64: i32, u32, i16, u16, i8, u8, f32);
widen!(i64: i32, u32, i16, u16, i8, u8);

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Null => serializer.serialize_none(),
            Nullable::Value(value) => value.serialize(serializer),
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Nullable<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Nullable::from)
    }
}
