//! Printing what came over the wire without printing a secret: bodies as JSON with secret
//! values replaced, headers without credentials, text without anything shaped like a key.

use std::borrow::Cow;
use std::fmt;

use reqwest::header::HeaderMap;
use serde_json::Value;

/// What a secret is printed as.
pub(crate) const REDACTED: &str = "[redacted]";

/// OpenRouter's keys start with this; server text that contains one is not echoed.
const KEY_PREFIX: &str = "sk-or-";

/// Headers whose values are credentials whatever they contain.
const SECRET_HEADERS: [&str; 5] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
];

/// `text` with every key-shaped run (`sk-or-` and what follows up to a space or quote)
/// replaced by `[redacted]`.
pub(crate) fn scrub(text: &str) -> Cow<'_, str> {
    if !text.contains(KEY_PREFIX) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(KEY_PREFIX) {
        out.push_str(&rest[..start]);
        out.push_str(REDACTED);
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | ',' | ';'))
            .unwrap_or(tail.len());
        rest = &tail[end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Whether a JSON property holds a credential: a field the document marks secret
/// ([`crate::SECRET_FIELDS`]) or one of the usual names.
fn is_secret_name(name: &str) -> bool {
    crate::SECRET_FIELDS.contains(&name)
        || matches!(
            name.to_ascii_lowercase().as_str(),
            "key"
                | "api_key"
                | "apikey"
                | "secret"
                | "client_secret"
                | "token"
                | "access_token"
                | "refresh_token"
                | "password"
                | "code"
                | "code_verifier"
        )
}

/// Replaces string values of secret properties and key-shaped strings, at any depth. Only
/// strings: `error.code` is a number and stays readable.
fn redact_value(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (name, value) in map.iter_mut() {
                if value.is_string() && is_secret_name(name) {
                    *value = Value::from(REDACTED);
                } else {
                    redact_value(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        Value::String(text) => {
            if let Cow::Owned(clean) = scrub(text) {
                *text = clean;
            }
        }
        _ => {}
    }
}

/// A received body for `Debug`: JSON with its secrets replaced, otherwise only its size and
/// content type. Never the bytes themselves.
pub(crate) struct Body<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) headers: &'a HeaderMap,
}

impl fmt::Debug for Body<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Ok(mut json) = serde_json::from_slice::<Value>(self.bytes) {
            redact_value(&mut json);
            return write!(f, "{json}");
        }
        let content_type = self
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("no content type");
        write!(f, "<{} bytes, {}>", self.bytes.len(), scrub(content_type))
    }
}

/// Headers for `Debug`: credentials replaced, other values scrubbed of key-shaped text.
pub(crate) struct Headers<'a>(pub(crate) &'a HeaderMap);

impl fmt::Debug for Headers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            let shown: Cow<'_, str> = if SECRET_HEADERS.contains(&name.as_str()) {
                Cow::Borrowed(REDACTED)
            } else {
                match value.to_str() {
                    Ok(text) => scrub(text),
                    Err(_) => Cow::Owned(format!("<{} bytes>", value.len())),
                }
            };
            map.entry(&name.as_str(), &shown);
        }
        map.finish()
    }
}

/// A URL with its `user:password@` part replaced, for messages and `Debug`.
pub(crate) fn url(text: &str) -> Cow<'_, str> {
    let Some((scheme, rest)) = text.split_once("://") else {
        return scrub(text);
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => Cow::Owned(format!("{scheme}://{REDACTED}@{}", scrub(&rest[at + 1..]))),
        None => scrub(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_shaped_text_is_replaced() {
        assert_eq!(
            scrub("bad key sk-or-v1-abc, try again"),
            "bad key [redacted], try again"
        );
        assert_eq!(scrub("\"sk-or-v1-abc\""), "\"[redacted]\"");
        assert_eq!(scrub("nothing here"), "nothing here");
    }

    #[test]
    fn userinfo_is_replaced() {
        assert_eq!(url("https://u:p@host/x?q"), "https://[redacted]@host/x?q");
        assert_eq!(url("https://host/a@b"), "https://host/a@b");
        assert_eq!(url("not a url"), "not a url");
    }
}
