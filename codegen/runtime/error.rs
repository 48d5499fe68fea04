//! The pieces every operation's error type is made of.

use std::fmt;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Map, Value};

/// What an error body can tell: OpenRouter's `error.code`, `error.message` and `error.metadata`.
pub trait ErrorBody {
    /// `error.code`.
    fn code(&self) -> Option<i64>;
    /// `error.message`.
    fn message(&self) -> Option<&str>;
    /// `error.metadata`.
    fn metadata(&self) -> Option<&Map<String, Value>>;
}

/// What every received response keeps: status, headers and the body as it came.
#[derive(Debug, Clone)]
struct Received {
    status: StatusCode,
    headers: HeaderMap,
    raw_body: Vec<u8>,
}

/// A declared error status with a body that decoded: the parsed body plus everything received.
/// Boxed, so that `Result`s carrying it stay small.
#[derive(Debug, Clone)]
pub struct ApiError<B>(Box<(Received, B)>);

impl<B> ApiError<B> {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, raw_body: Vec<u8>, body: B) -> Self {
        ApiError(Box::new((
            Received {
                status,
                headers,
                raw_body,
            },
            body,
        )))
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.0.0.status
    }

    /// The response headers (`retry-after`, request ids, ...).
    pub fn headers(&self) -> &HeaderMap {
        &self.0.0.headers
    }

    /// The body exactly as received.
    pub fn raw_body(&self) -> &[u8] {
        &self.0.0.raw_body
    }

    /// The decoded body.
    pub fn body(&self) -> &B {
        &self.0.1
    }
}

impl<B: ErrorBody> ApiError<B> {
    /// `error.code` from the body.
    pub fn code(&self) -> Option<i64> {
        self.body().code()
    }

    /// `error.message` from the body.
    pub fn message(&self) -> Option<&str> {
        self.body().message()
    }

    /// `error.metadata` from the body.
    pub fn metadata(&self) -> Option<&Map<String, Value>> {
        self.body().metadata()
    }
}

impl<B: ErrorBody> fmt::Display for ApiError<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status())?;
        if let Some(code) = self.code() {
            write!(f, " (code {code})")?;
        }
        match self.message() {
            Some(message) => write!(f, ": {message}"),
            None => Ok(()),
        }
    }
}

/// A response the document does not describe: an undeclared status, or an error body that is
/// not the declared JSON. Nothing received is dropped.
#[derive(Debug, Clone)]
pub struct UnexpectedResponse(Box<Received>);

impl UnexpectedResponse {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, raw_body: Vec<u8>) -> Self {
        UnexpectedResponse(Box::new(Received {
            status,
            headers,
            raw_body,
        }))
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.0.headers
    }

    /// The body exactly as received.
    pub fn raw_body(&self) -> &[u8] {
        &self.0.raw_body
    }
}

/// The body is not echoed: it may be a page of HTML, or carry a secret the document did not
/// announce. A JSON `error.message` is shown; otherwise the content type and size.
impl fmt::Display for UnexpectedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unexpected response {}", self.status())?;
        let parsed: Option<Value> = serde_json::from_slice(self.raw_body()).ok();
        if let Some(message) = parsed.as_ref().and_then(ErrorBody::message) {
            let message: Vec<&str> = message.split_whitespace().collect();
            return write!(f, ": {}", message.join(" "));
        }
        let content_type = self
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("no content type");
        write!(f, " ({content_type}, {} bytes)", self.raw_body().len())
    }
}

/// A success status whose body did not decode as the document says it should.
#[derive(Debug)]
pub struct DecodeError(Box<(Received, serde_json::Error)>);

impl DecodeError {
    pub(crate) fn new(
        status: StatusCode,
        headers: HeaderMap,
        raw_body: Vec<u8>,
        source: serde_json::Error,
    ) -> Self {
        DecodeError(Box::new((
            Received {
                status,
                headers,
                raw_body,
            },
            source,
        )))
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.0.0.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.0.0.headers
    }

    /// The body exactly as received.
    pub fn raw_body(&self) -> &[u8] {
        &self.0.0.raw_body
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} response body does not match the API document: {}",
            self.status(),
            self.0.1
        )
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0.1)
    }
}

/// A request that could not be built: an invalid header value or base URL, for example.
#[derive(Debug)]
pub struct InvalidRequest(pub(crate) Box<dyn std::error::Error + Send + Sync>);

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the request could not be built: {}", self.0)
    }
}

impl std::error::Error for InvalidRequest {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

/// Untyped error bodies (an operation whose error schemas differ) are read the same way.
impl ErrorBody for Value {
    fn code(&self) -> Option<i64> {
        self.pointer("/error/code")?.as_i64()
    }

    fn message(&self) -> Option<&str> {
        self.pointer("/error/message")?.as_str()
    }

    fn metadata(&self) -> Option<&Map<String, Value>> {
        self.pointer("/error/metadata")?.as_object()
    }
}
