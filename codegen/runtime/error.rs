//! The pieces every operation's error type is made of.

use std::fmt;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Map, Value};

use crate::redact;

/// What an error body can tell: OpenRouter's `error.code`, `error.message` and `error.metadata`.
pub trait ErrorBody {
    /// `error.code`.
    fn code(&self) -> Option<i64>;
    /// `error.message`.
    fn message(&self) -> Option<&str>;
    /// `error.metadata`.
    fn metadata(&self) -> Option<&Map<String, Value>>;
}

/// What every received response keeps: status, headers, the body as it came, and how many
/// attempts the call made.
#[derive(Clone)]
pub(crate) struct Received {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) raw_body: Vec<u8>,
    pub(crate) attempts: u32,
}

impl Received {
    /// `" after 3 attempts"`, or nothing for one.
    fn attempts_note(&self) -> String {
        if self.attempts > 1 {
            format!(" after {} attempts", self.attempts)
        } else {
            String::new()
        }
    }
}

/// Written by hand: a body can carry a key, so it is shown as JSON with secrets replaced (or
/// as its size), never as bytes; credential headers are hidden.
impl fmt::Debug for Received {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Received")
            .field("status", &self.status)
            .field("attempts", &self.attempts)
            .field("headers", &redact::Headers(&self.headers))
            .field(
                "body",
                &redact::Body {
                    bytes: &self.raw_body,
                    headers: &self.headers,
                },
            )
            .finish()
    }
}

/// A declared error status with a body that decoded: the parsed body plus everything received.
/// Boxed, so that `Result`s carrying it stay small.
#[derive(Clone)]
pub struct ApiError<B>(Box<(Received, B)>);

/// The typed body is left out: the received part shows the same JSON, with secrets replaced.
impl<B> fmt::Debug for ApiError<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ApiError").field(&self.0.0).finish()
    }
}

impl<B> ApiError<B> {
    #[allow(dead_code)] // Only documents with a declared error body make one.
    pub(crate) fn new(received: Received, body: B) -> Self {
        ApiError(Box::new((received, body)))
    }

    /// How many attempts the call made (retries included).
    pub fn attempts(&self) -> u32 {
        self.0.0.attempts
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
        f.write_str(&self.0.0.attempts_note())?;
        match self.message() {
            Some(message) => write!(f, ": {}", redact::scrub(message)),
            None => Ok(()),
        }
    }
}

/// A response the document does not describe: an undeclared status, or an error body that is
/// not the declared JSON. Nothing received is dropped.
#[derive(Debug, Clone)]
pub struct UnexpectedResponse(Box<Received>);

impl UnexpectedResponse {
    pub(crate) fn new(received: Received) -> Self {
        UnexpectedResponse(Box::new(received))
    }

    /// How many attempts the call made (retries included).
    pub fn attempts(&self) -> u32 {
        self.0.attempts
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
        f.write_str(&self.0.attempts_note())?;
        let parsed: Option<Value> = serde_json::from_slice(self.raw_body()).ok();
        if let Some(message) = parsed.as_ref().and_then(ErrorBody::message) {
            let message: Vec<&str> = message.split_whitespace().collect();
            return write!(f, ": {}", redact::scrub(&message.join(" ")));
        }
        let content_type = self
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("no content type");
        let content_type = redact::scrub(content_type);
        write!(f, " ({content_type}, {} bytes)", self.raw_body().len())
    }
}

/// A success status whose body did not decode as the document says it should.
///
/// It says where (`path`, `line`, `column`) and what was expected, never the value it found:
/// that value may be a key.
#[derive(Debug)]
pub struct DecodeError(Box<Decode>);

#[derive(Debug)]
struct Decode {
    received: Received,
    path: String,
    problem: String,
    line: usize,
    column: usize,
}

impl DecodeError {
    #[allow(dead_code)] // Only documents with a success body decode one.
    pub(crate) fn new(received: Received, path: String, error: &serde_json::Error) -> Self {
        DecodeError(Box::new(Decode {
            problem: describe(error),
            line: error.line(),
            column: error.column(),
            path,
            received,
        }))
    }

    /// A body that is not JSON and could not be read as its media type says (text that is not
    /// UTF-8).
    #[allow(dead_code)] // Only documents with text responses decode one.
    pub(crate) fn other(received: Received, problem: &str) -> Self {
        DecodeError(Box::new(Decode {
            problem: problem.to_owned(),
            line: 0,
            column: 0,
            path: ".".to_owned(),
            received,
        }))
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.0.received.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.0.received.headers
    }

    /// The body exactly as received.
    pub fn raw_body(&self) -> &[u8] {
        &self.0.received.raw_body
    }

    /// Where in the body decoding stopped, such as `data.limit` (`.` for the whole body).
    pub fn path(&self) -> &str {
        &self.0.path
    }

    /// The line of the body where decoding stopped (1-based; 0 when unknown).
    pub fn line(&self) -> usize {
        self.0.line
    }

    /// The column of that line (1-based; 0 when unknown).
    pub fn column(&self) -> usize {
        self.0.column
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} response body does not match the API document at `{}`: {}",
            self.status(),
            self.path(),
            self.0.problem
        )
    }
}

/// The cause is described in `Display`; serde's own error is not kept, as its text can quote
/// the value.
impl std::error::Error for DecodeError {}

/// serde's message without the offending value: `invalid type: string "sk-or-..", expected
/// struct ApiKey` becomes `invalid type: expected struct ApiKey, found string`.
#[allow(dead_code)] // Only documents with a success body decode one.
fn describe(error: &serde_json::Error) -> String {
    let full = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    if error.classify() != serde_json::error::Category::Data {
        // Syntax and end-of-input messages name a position, never a value.
        return redact::scrub(message).into_owned();
    }
    let expected = message
        .rfind(", expected ")
        .map(|i| &message[i + ", expected ".len()..]);
    for kind in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(kind) {
            let rest = rest.rfind(", expected ").map_or(rest, |i| &rest[..i]);
            let found = rest.split(['`', '"']).next().unwrap_or_default();
            let found = found.trim().trim_end_matches(',');
            let expected = expected.unwrap_or("another value");
            return format!("{kind}expected {expected}, found {found}");
        }
    }
    if message.starts_with("unknown variant ") {
        return format!(
            "unknown variant, expected {}",
            expected.unwrap_or("another value")
        );
    }
    if ["missing field `", "duplicate field `", "invalid length "]
        .iter()
        .any(|p| message.starts_with(p))
    {
        return redact::scrub(message).into_owned();
    }
    // A message of a type's own `Deserialize` can quote its input.
    "invalid value".to_owned()
}

/// No complete response: the connection failed, the response was cut short, it took too long,
/// or it was too large. Says which, after how many attempts, and whether the server may have
/// acted on the request.
#[derive(Debug)]
pub struct TransportError(Box<Transport>);

#[derive(Debug)]
struct Transport {
    kind: TransportKind,
    attempts: u32,
    elapsed: std::time::Duration,
    cause: Option<reqwest::Error>,
}

/// What went wrong on the way to a complete response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// No connection (refused, DNS, TLS): the request was not sent.
    NotConnected,
    /// The request was sent, but the response did not arrive complete (reset, cut short).
    Incomplete,
    /// No complete response within the attempt's time limit or the call's deadline.
    TimedOut,
    /// The response body is larger than the configured limit.
    TooLarge,
}

impl TransportError {
    pub(crate) fn new(kind: TransportKind, cause: Option<reqwest::Error>) -> Self {
        TransportError(Box::new(Transport {
            kind,
            attempts: 1,
            elapsed: std::time::Duration::ZERO,
            cause,
        }))
    }

    pub(crate) fn finished(mut self, attempts: u32, elapsed: std::time::Duration) -> Self {
        self.0.attempts = attempts;
        self.0.elapsed = elapsed;
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> TransportKind {
        self.0.kind
    }

    /// How many attempts the call made (retries included).
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }

    /// How long the call took, retries and waits included.
    pub fn elapsed(&self) -> std::time::Duration {
        self.0.elapsed
    }

    /// Whether the server may have acted on the request: `false` only when no attempt was sent.
    pub fn may_have_been_processed(&self) -> bool {
        self.0.kind != TransportKind::NotConnected
    }
}

/// One line: what happened, its cause in words, the attempts, and whether the server may have
/// acted. The cause is not repeated through `source()`.
impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.0.kind {
            TransportKind::NotConnected => "could not connect",
            TransportKind::Incomplete => "the request was sent but no complete response arrived",
            TransportKind::TimedOut => "timed out",
            TransportKind::TooLarge => "the response body is over the size limit",
        };
        f.write_str(what)?;
        if let Some(cause) = self.0.cause.as_ref().map(root_cause) {
            write!(f, " ({})", redact::scrub(&cause))?;
        }
        if self.0.kind == TransportKind::TimedOut {
            write!(f, " after {:.1?}", self.0.elapsed)?;
        }
        if self.0.attempts > 1 {
            write!(f, ", {} attempts", self.0.attempts)?;
        }
        if self.may_have_been_processed() {
            f.write_str("; the server may have acted on the request")?;
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {}

/// The innermost error's text (`connection refused`), lower-cased, without the OS error code.
fn root_cause(error: &reqwest::Error) -> String {
    let mut current: &dyn std::error::Error = error;
    while let Some(next) = current.source() {
        current = next;
    }
    let text = current.to_string();
    let text = match text.find(" (os error") {
        Some(i) => &text[..i],
        None => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
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

/// `Display` already shows the wrapped error, so the chain continues with its cause.
impl std::error::Error for InvalidRequest {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
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
