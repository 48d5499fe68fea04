//! A successful response: the typed body with the status and headers it came with.

use std::fmt;
use std::ops::Deref;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::redact;

/// A decoded success response. Derefs to the body, so `response.data` reads a field directly.
#[derive(Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> Response<T> {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: T) -> Self {
        Response {
            status,
            headers,
            body,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The decoded body, by value.
    pub fn into_body(self) -> T {
        self.body
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

/// Credential headers are hidden; the body prints as its own `Debug` (secrets redacted).
impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &redact::Headers(&self.headers))
            .field("body", &self.body)
            .finish()
    }
}
