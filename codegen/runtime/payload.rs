//! Bodies that are not JSON: multipart uploads, forms, text and bytes, both ways.
//!
//! Multipart and form bodies are encoded here, into one buffer: the request stays repeatable
//! (a retry sends the same bytes) and needs no extra reqwest feature.

// A document uses the parts its bodies need (a crate with only text responses calls `text`
// alone), so what one crate leaves unused is not dead.
#![allow(dead_code)]

use std::fmt;

use bytes::Bytes;
use reqwest::RequestBuilder;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use serde::Serialize;
use serde_json::Value;

use crate::error::InvalidRequest;
use crate::nullable::Nullable;
use crate::transport::Failure;

/// A file in a `multipart/form-data` body: its bytes, and optionally the file name and the
/// content type sent with it. Without them the part is sent with the field's name as its file
/// name and `application/octet-stream`.
///
/// ```
/// let part = openrouter::FilePart::new(std::fs::read("Cargo.toml").unwrap_or_default())
///     .file_name("Cargo.toml")
///     .content_type("text/plain");
/// assert_eq!(part.name(), Some("Cargo.toml"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct FilePart {
    data: Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl FilePart {
    /// A part holding `data`, without a file name.
    pub fn new(data: impl Into<Bytes>) -> Self {
        FilePart {
            data: data.into(),
            file_name: None,
            content_type: None,
        }
    }

    /// The file name the server is told (`filename=` of the part).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The part's `Content-Type`, such as `image/png`.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The bytes.
    pub fn data(&self) -> &Bytes {
        &self.data
    }

    /// The file name, when set.
    pub fn name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The content type, when set.
    pub fn media_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
}

impl From<Bytes> for FilePart {
    fn from(data: Bytes) -> Self {
        FilePart::new(data)
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(data: Vec<u8>) -> Self {
        FilePart::new(data)
    }
}

impl From<&'static [u8]> for FilePart {
    fn from(data: &'static [u8]) -> Self {
        FilePart::new(data)
    }
}

/// The bytes are not shown: a file can hold anything, a key included.
impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("data", &format_args!("<{} bytes>", self.data.len()))
            .finish()
    }
}

/// A multipart field that holds files: one, an optional one, or a list.
pub(crate) trait FileField {
    /// Calls `each` for every file it holds.
    fn each_file<'a>(&'a self, each: &mut dyn FnMut(&'a FilePart));
}

impl FileField for FilePart {
    fn each_file<'a>(&'a self, each: &mut dyn FnMut(&'a FilePart)) {
        each(self);
    }
}

impl<T: FileField> FileField for Option<T> {
    fn each_file<'a>(&'a self, each: &mut dyn FnMut(&'a FilePart)) {
        if let Some(inner) = self {
            inner.each_file(each);
        }
    }
}

impl<T: FileField> FileField for Nullable<T> {
    fn each_file<'a>(&'a self, each: &mut dyn FnMut(&'a FilePart)) {
        if let Nullable::Value(inner) = self {
            inner.each_file(each);
        }
    }
}

impl<T: FileField> FileField for Vec<T> {
    fn each_file<'a>(&'a self, each: &mut dyn FnMut(&'a FilePart)) {
        for inner in self {
            inner.each_file(each);
        }
    }
}

fn invalid(message: String) -> Failure {
    Failure::InvalidRequest(InvalidRequest(message.into()))
}

/// A field's value as text: a string as it is, anything else as JSON; `None` for an absent or
/// `null` value, which is left out.
fn text_of<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Option<Text>, Failure> {
    match serde_json::to_value(value) {
        Ok(Value::Null) => Ok(None),
        Ok(Value::String(text)) => Ok(Some(Text::Plain(text))),
        Ok(value @ (Value::Array(_) | Value::Object(_))) => Ok(Some(Text::Json(value.to_string()))),
        Ok(value) => Ok(Some(Text::Plain(value.to_string()))),
        Err(e) => Err(invalid(format!("field `{name}` cannot be encoded: {e}"))),
    }
}

enum Text {
    Plain(String),
    Json(String),
}

/// One part of a multipart body.
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

/// A `multipart/form-data` body being put together (RFC 7578).
#[derive(Default)]
pub(crate) struct Multipart {
    parts: Vec<Part>,
}

impl Multipart {
    /// A text part: a string as it is, anything else as JSON; nothing for `None` or `null`.
    pub(crate) fn value<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), Failure> {
        let (text, content_type) = match text_of(name, value)? {
            None => return Ok(()),
            Some(Text::Plain(text)) => (text, None),
            Some(Text::Json(text)) => (text, Some("application/json".to_owned())),
        };
        self.parts.push(Part {
            name: name.to_owned(),
            file_name: None,
            content_type,
            data: Bytes::from(text),
        });
        Ok(())
    }

    /// A file part for every file `field` holds.
    pub(crate) fn files(&mut self, name: &str, field: &impl FileField) {
        field.each_file(&mut |file| {
            self.parts.push(Part {
                name: name.to_owned(),
                // Servers take a part for a file only when it has a file name.
                file_name: Some(file.file_name.clone().unwrap_or_else(|| name.to_owned())),
                content_type: Some(
                    file.content_type
                        .clone()
                        .unwrap_or_else(|| "application/octet-stream".to_owned()),
                ),
                data: file.data.clone(),
            });
        });
    }

    /// The encoded body as the request's body, with its `Content-Type` and boundary.
    pub(crate) fn attach(self, request: RequestBuilder) -> Result<RequestBuilder, Failure> {
        let boundary = self.boundary();
        let mut body = Vec::new();
        for part in &self.parts {
            body.extend_from_slice(b"--");
            body.extend_from_slice(boundary.as_bytes());
            body.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
            body.extend_from_slice(quoted(&part.name).as_bytes());
            body.push(b'"');
            if let Some(file_name) = &part.file_name {
                body.extend_from_slice(b"; filename=\"");
                body.extend_from_slice(quoted(file_name).as_bytes());
                body.push(b'"');
            }
            body.extend_from_slice(b"\r\n");
            if let Some(content_type) = &part.content_type {
                if HeaderValue::from_str(content_type).is_err() {
                    let message = format!(
                        "the content type of part `{}` is not a valid header value",
                        part.name
                    );
                    return Err(invalid(message));
                }
                body.extend_from_slice(b"Content-Type: ");
                body.extend_from_slice(content_type.as_bytes());
                body.extend_from_slice(b"\r\n");
            }
            body.extend_from_slice(b"\r\n");
            body.extend_from_slice(&part.data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--");
        body.extend_from_slice(boundary.as_bytes());
        body.extend_from_slice(b"--\r\n");
        let content_type = format!("multipart/form-data; boundary={boundary}");
        with_body(request, &content_type, body)
    }

    /// A boundary that occurs in no part: random, drawn again in the unlikely case it does.
    fn boundary(&self) -> String {
        use std::hash::{BuildHasher, RandomState};
        loop {
            let state = RandomState::new();
            let boundary = format!(
                "openrouter-boundary-{:016x}{:016x}",
                state.hash_one(1u8),
                state.hash_one(2u8)
            );
            let found = self.parts.iter().any(|part| {
                part.data
                    .windows(boundary.len())
                    .any(|w| w == boundary.as_bytes())
            });
            if !found {
                return boundary;
            }
        }
    }
}

/// A name or file name inside a quoted header parameter, escaped as browsers do: `"`, CR and LF
/// as `%22`, `%0D` and `%0A`.
fn quoted(text: &str) -> String {
    text.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// An `application/x-www-form-urlencoded` body of the object's fields: strings as they are,
/// other values as JSON, absent and `null` ones left out.
pub(crate) fn form<T: Serialize>(
    request: RequestBuilder,
    body: &T,
) -> Result<RequestBuilder, Failure> {
    let fields = match serde_json::to_value(body) {
        Ok(Value::Object(fields)) => fields,
        Ok(_) => return Err(invalid("a form body must be an object".to_owned())),
        Err(e) => return Err(invalid(format!("the form body cannot be encoded: {e}"))),
    };
    let mut encoded = String::new();
    for (name, value) in &fields {
        let text = match text_of(name, value)? {
            None => continue,
            Some(Text::Plain(text) | Text::Json(text)) => text,
        };
        if !encoded.is_empty() {
            encoded.push('&');
        }
        form_encode(name, &mut encoded);
        encoded.push('=');
        form_encode(&text, &mut encoded);
    }
    with_body(request, "application/x-www-form-urlencoded", encoded)
}

/// Form encoding: letters, digits and `*-._` as they are, a space as `+`, every other byte of
/// the UTF-8 text as `%XX`.
fn form_encode(text: &str, out: &mut String) {
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(byte))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
}

/// A text or bytes body with its `Content-Type`.
pub(crate) fn whole(
    request: RequestBuilder,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> Result<RequestBuilder, Failure> {
    with_body(request, content_type, body)
}

/// Sets the body, and its `Content-Type` unless the call already set one (`.header(..)`).
fn with_body(
    request: RequestBuilder,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> Result<RequestBuilder, Failure> {
    let (client, request) = request.build_split();
    let mut request = request.map_err(Failure::of)?;
    let value = HeaderValue::from_str(content_type)
        .map_err(|e| invalid(format!("content type {content_type:?}: {e}")))?;
    request.headers_mut().entry(CONTENT_TYPE).or_insert(value);
    *request.body_mut() = Some(body.into());
    Ok(RequestBuilder::from_parts(client, request))
}

/// A text success body: UTF-8, as sent.
pub(crate) fn text(body: &[u8]) -> Result<String, &'static str> {
    std::str::from_utf8(body)
        .map(str::to_owned)
        .map_err(|_| "the text body is not valid UTF-8")
}

/// A binary success body, as it came.
pub(crate) fn bytes(body: &[u8]) -> Result<Bytes, &'static str> {
    Ok(Bytes::copy_from_slice(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding_escapes_reserved_bytes() {
        let mut out = String::new();
        form_encode("a b&c=d+é*-._~", &mut out);
        assert_eq!(out, "a+b%26c%3Dd%2B%C3%A9*-._%7E");
    }

    #[test]
    fn quoted_names_cannot_end_the_parameter_or_header() {
        assert_eq!(quoted("a\"b\r\nc"), "a%22b%0D%0Ac");
    }
}
