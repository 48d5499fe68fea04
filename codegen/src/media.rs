//! Which media type of a body the client speaks, when the document offers several.
//!
//! **Request bodies**: the first kind in this order that the body offers wins, and only that
//! media type is sent (the 3.0.3 view given to progenitor keeps only it, too):
//!
//! 1. JSON: `application/json`, then any other `…/…+json` type;
//! 2. `multipart/form-data` (file uploads);
//! 3. `application/x-www-form-urlencoded`;
//! 4. text: `text/plain`, then any other `text/…` type (the body is a `String`);
//! 5. anything else (`application/octet-stream`, `image/png`, …): the body is bytes.
//!
//! Between media types of the same rank the first in alphabetical order wins (the document is
//! read into sorted maps, so its own order is not known).
//!
//! **Responses**: JSON (same order as above) is decoded into the declared type; otherwise the
//! first media type in alphabetical order decides: `text/…` is read as a `String`, anything
//! else as bytes. A response without content has no body.

use serde_json::{Map, Value};

/// What a body is on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// JSON, typed by its schema.
    Json,
    /// `multipart/form-data`: an object whose fields are parts; binary fields are files.
    Multipart,
    /// `application/x-www-form-urlencoded`: an object whose fields are pairs.
    Form,
    /// Text, as a `String`.
    Text,
    /// Bytes, as they are.
    Binary,
}

/// The media type without parameters, in lower case: `Text/Plain; charset=utf-8` → `text/plain`.
fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn is_json(essence: &str) -> bool {
    essence == "application/json" || essence.ends_with("+json")
}

/// What a single media type is, by itself.
pub fn kind_of(media: &str) -> Kind {
    let essence = essence(media);
    if is_json(&essence) {
        Kind::Json
    } else if essence == "multipart/form-data" {
        Kind::Multipart
    } else if essence == "application/x-www-form-urlencoded" {
        Kind::Form
    } else if essence.starts_with("text/") {
        Kind::Text
    } else {
        Kind::Binary
    }
}

/// The request body's media type by the rule above, with its kind; `None` for empty content.
pub fn request(content: &Map<String, Value>) -> Option<(&str, Kind)> {
    let rank = |media: &str| {
        let essence = essence(media);
        match kind_of(media) {
            Kind::Json if essence == "application/json" => 0,
            Kind::Json => 1,
            Kind::Multipart => 2,
            Kind::Form => 3,
            Kind::Text if essence == "text/plain" => 4,
            Kind::Text => 5,
            Kind::Binary => 6,
        }
    };
    // `min_by_key` keeps the first of equals: alphabetical order breaks ties.
    content
        .keys()
        .min_by_key(|media| rank(media))
        .map(|media| (media.as_str(), kind_of(media)))
}

/// The response body's media type by the rule above, with its kind; `None` for empty content.
/// Multipart and form responses are read as bytes.
pub fn response(content: &Map<String, Value>) -> Option<(&str, Kind)> {
    let json = content
        .keys()
        .find(|m| essence(m) == "application/json")
        .or_else(|| content.keys().find(|m| kind_of(m) == Kind::Json));
    if let Some(media) = json {
        return Some((media, Kind::Json));
    }
    let media = content.keys().next()?;
    let kind = match kind_of(media) {
        Kind::Text => Kind::Text,
        _ => Kind::Binary,
    };
    Some((media, kind))
}

/// The `Content-Type` a request body of `media` is sent with: a range such as `image/*` or
/// `*/*` cannot be sent, so it becomes `application/octet-stream` (`text/plain` for `text/*`);
/// text without a charset says UTF-8, as the client sends it.
pub fn content_type(media: &str, kind: Kind) -> String {
    let essence = essence(media);
    match kind {
        Kind::Text if essence.contains('*') => "text/plain; charset=utf-8".to_owned(),
        Kind::Text if !media.to_ascii_lowercase().contains("charset=") => {
            format!("{}; charset=utf-8", media.trim())
        }
        _ if essence.contains('*') => "application/octet-stream".to_owned(),
        _ => media.trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn content(media: &[&str]) -> Map<String, Value> {
        media.iter().map(|m| ((*m).to_owned(), json!({}))).collect()
    }

    #[test]
    fn json_wins_over_every_other_request_media_type() {
        let offered = content(&[
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "application/json",
        ]);
        assert_eq!(request(&offered), Some(("application/json", Kind::Json)));
        let offered = content(&["text/plain", "application/vnd.api+json"]);
        assert_eq!(
            request(&offered),
            Some(("application/vnd.api+json", Kind::Json))
        );
    }

    #[test]
    fn request_rule_orders_multipart_form_text_then_bytes() {
        let offered = content(&[
            "application/octet-stream",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ]);
        assert_eq!(
            request(&offered),
            Some(("multipart/form-data", Kind::Multipart))
        );
        let offered = content(&["image/png", "text/csv", "application/x-www-form-urlencoded"]);
        assert_eq!(
            request(&offered),
            Some(("application/x-www-form-urlencoded", Kind::Form))
        );
        let offered = content(&["image/png", "text/csv", "text/plain"]);
        assert_eq!(request(&offered), Some(("text/plain", Kind::Text)));
        let offered = content(&["image/png", "application/pdf"]);
        assert_eq!(request(&offered), Some(("application/pdf", Kind::Binary)));
        assert_eq!(request(&content(&[])), None);
    }

    #[test]
    fn responses_decode_json_else_the_first_media_type() {
        let offered = content(&["text/event-stream", "application/json"]);
        assert_eq!(response(&offered), Some(("application/json", Kind::Json)));
        let offered = content(&["video/mp4", "text/csv"]);
        assert_eq!(response(&offered), Some(("text/csv", Kind::Text)));
        let offered = content(&["text/csv", "application/pdf"]);
        assert_eq!(response(&offered), Some(("application/pdf", Kind::Binary)));
        let offered = content(&["text/plain", "image/*"]);
        assert_eq!(response(&offered), Some(("image/*", Kind::Binary)));
        let offered = content(&["multipart/form-data"]);
        assert_eq!(
            response(&offered),
            Some(("multipart/form-data", Kind::Binary))
        );
    }

    #[test]
    fn ranges_are_sent_as_a_concrete_content_type() {
        assert_eq!(
            content_type("image/*", Kind::Binary),
            "application/octet-stream"
        );
        assert_eq!(
            content_type("*/*", Kind::Binary),
            "application/octet-stream"
        );
        assert_eq!(
            content_type("text/*", Kind::Text),
            "text/plain; charset=utf-8"
        );
        assert_eq!(
            content_type("text/plain", Kind::Text),
            "text/plain; charset=utf-8"
        );
        assert_eq!(
            content_type("text/csv; charset=utf-8", Kind::Text),
            "text/csv; charset=utf-8"
        );
        assert_eq!(content_type("image/png", Kind::Binary), "image/png");
    }
}
