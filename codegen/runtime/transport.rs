//! Sending one call: attempts, retries, deadlines, a capped body, and classifying what came
//! back. Operations decode the result.

use std::time::{Duration, Instant};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::{
    ApiError, DecodeError, InvalidRequest, Received, TransportError, TransportKind,
    UnexpectedResponse,
};
use crate::response::Response;
use crate::retry::{Idempotency, RetryPolicy};

/// Everything but RFC 3986's unreserved characters is escaped, so a path parameter always
/// stays one segment: `a/b?c` becomes `a%2Fb%3Fc`, never another endpoint.
#[allow(dead_code)] // Only documents with path parameters use it.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Escapes one path parameter. An empty value, `.` and `..` are refused: URLs resolve them as
/// "this" and "parent" segments, which would send the request to another endpoint.
#[allow(dead_code)] // Only documents with path parameters call it.
pub(crate) fn path_segment(name: &str, value: &str) -> Result<String, Failure> {
    if matches!(value, "" | "." | "..") {
        let message = format!("path parameter `{name}` cannot be {value:?}");
        return Err(Failure::InvalidRequest(InvalidRequest(message.into())));
    }
    Ok(utf8_percent_encode(value, PATH_SEGMENT).to_string())
}

/// Redirects are followed only within the origin of the request, and only when they keep the
/// method and body (307, 308): a key or an authorization code is never sent elsewhere, and a
/// POST never turns into a GET. Any other 3xx comes back as the operation's `Unexpected`.
pub(crate) fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let keeps_method = matches!(attempt.status().as_u16(), 307 | 308);
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if keeps_method && same_origin && attempt.previous().len() < 5 {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// Why no response arrived.
#[derive(Debug)]
pub(crate) enum Failure {
    Timeout(TransportError),
    Transport(TransportError),
    TooLarge(TransportError),
    InvalidRequest(InvalidRequest),
}

impl Failure {
    /// The failure of one attempt, from reqwest's error. The URL is dropped from the error: it
    /// can carry `user:password@` of the base URL.
    pub(crate) fn of(error: reqwest::Error) -> Self {
        let error = error.without_url();
        if error.is_builder() {
            return Failure::InvalidRequest(InvalidRequest(Box::new(error)));
        }
        if error.is_connect() {
            // Also a connect timeout: nothing was sent.
            return Failure::Transport(TransportError::new(
                TransportKind::NotConnected,
                Some(error),
            ));
        }
        if error.is_timeout() {
            return Failure::Timeout(TransportError::new(TransportKind::TimedOut, Some(error)));
        }
        Failure::Transport(TransportError::new(TransportKind::Incomplete, Some(error)))
    }

    /// Whether the request was certainly not sent.
    fn not_sent(&self) -> bool {
        matches!(self, Failure::Transport(e) if e.kind() == TransportKind::NotConnected)
    }

    fn retryable(&self) -> bool {
        matches!(self, Failure::Timeout(_) | Failure::Transport(_))
    }

    fn finished(self, attempts: u32, elapsed: Duration) -> Self {
        match self {
            Failure::Timeout(e) => Failure::Timeout(e.finished(attempts, elapsed)),
            Failure::Transport(e) => Failure::Transport(e.finished(attempts, elapsed)),
            Failure::TooLarge(e) => Failure::TooLarge(e.finished(attempts, elapsed)),
            other => other,
        }
    }
}

/// The time and size limits of one call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Limits {
    pub(crate) attempt_timeout: Duration,
    pub(crate) deadline: Duration,
    pub(crate) max_response_bytes: usize,
}

/// What one call is sent with: the HTTP client, its retry policy and limits.
pub(crate) struct Plan<'c> {
    pub(crate) http: &'c reqwest::Client,
    pub(crate) retry: &'c RetryPolicy,
    pub(crate) limits: Limits,
}

/// A response read to the end. `B` is reqwest's chunk type (`bytes::Bytes`), left unnamed so
/// that the crate needs no `bytes` dependency: a body that arrives in one chunk is decoded where
/// it lies, and copied only into an error that keeps it.
pub(crate) struct RawResponse<B> {
    pub(crate) status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: B,
    attempts: u32,
}

/// Sends the request, retrying what the policy and the operation's idempotency allow, within
/// the call's deadline. `operation` (`GET /keys`) names the call in traces.
pub(crate) async fn send(
    request: reqwest::RequestBuilder,
    plan: Plan<'_>,
    idempotency: Idempotency,
    operation: &'static str,
) -> Result<RawResponse<impl AsRef<[u8]> + Send + use<>>, Failure> {
    #[cfg(feature = "tracing")]
    {
        let span = tracing::info_span!(
            "openrouter.call",
            operation,
            idempotent = idempotency == Idempotency::Idempotent
        );
        tracing::Instrument::instrument(attempts(request, plan, idempotency), span).await
    }
    #[cfg(not(feature = "tracing"))]
    {
        let _ = operation;
        attempts(request, plan, idempotency).await
    }
}

async fn attempts(
    request: reqwest::RequestBuilder,
    plan: Plan<'_>,
    idempotency: Idempotency,
) -> Result<RawResponse<impl AsRef<[u8]> + Send + use<>>, Failure> {
    let request = request.build().map_err(Failure::of)?;
    let limits = plan.limits;
    // A streamed body cannot be sent twice (no operation of ours has one).
    let repeatable = request.body().is_none_or(|b| b.as_bytes().is_some());
    let mut max_attempts = if repeatable { plan.retry.attempts() } else { 1 };
    let start = Instant::now();
    let mut pending = Some(request);
    let mut attempt = 0;
    loop {
        attempt += 1;
        // Earlier attempts send copies; the last sends the request itself.
        let copy = match attempt < max_attempts {
            true => pending.as_ref().and_then(reqwest::Request::try_clone),
            false => None,
        };
        let mut this = match copy {
            Some(copy) => copy,
            None => {
                max_attempts = attempt;
                match pending.take() {
                    Some(request) => request,
                    None => {
                        let message = "the request could not be repeated";
                        return Err(Failure::InvalidRequest(InvalidRequest(message.into())));
                    }
                }
            }
        };
        let remaining = limits.deadline.saturating_sub(start.elapsed());
        *this.timeout_mut() = Some(limits.attempt_timeout.min(remaining));
        #[cfg(feature = "tracing")]
        let sent = Instant::now();
        let outcome = send_once(plan.http, this, limits.max_response_bytes).await;
        let last = attempt >= max_attempts;
        // The wait before the next attempt, or none when this result ends the call.
        let wait = match &outcome {
            Ok(raw)
                if !last
                    && plan
                        .retry
                        .retries_status(raw.status, &raw.headers, idempotency) =>
            {
                match plan.retry.server_wait(&raw.headers) {
                    Some(Ok(wait)) => Some(wait),
                    // The server asks for a longer wait than the policy allows: stop now.
                    Some(Err(_)) => None,
                    None => Some(plan.retry.backoff(attempt + 1)),
                }
            }
            Err(failure)
                if !last
                    && failure.retryable()
                    && plan.retry.retries_failure(failure.not_sent(), idempotency) =>
            {
                Some(plan.retry.backoff(attempt + 1))
            }
            _ => None,
        };
        // A wait that would pass the deadline ends the call now, with this attempt's result.
        let wait = wait.filter(|w| start.elapsed() + *w < limits.deadline);
        #[cfg(feature = "tracing")]
        trace_attempt(attempt, &outcome, sent.elapsed(), wait);
        match (outcome, wait) {
            (Ok(mut raw), None) => {
                raw.attempts = attempt;
                return Ok(raw);
            }
            (Err(failure), None) => return Err(failure.finished(attempt, start.elapsed())),
            (_, Some(wait)) => tokio::time::sleep(wait).await,
        }
    }
}

/// One attempt: the response, with a body of at most `max_bytes`.
async fn send_once(
    http: &reqwest::Client,
    request: reqwest::Request,
    max_bytes: usize,
) -> Result<RawResponse<impl AsRef<[u8]> + Send + use<>>, Failure> {
    let mut response = http.execute(request).await.map_err(Failure::of)?;
    let status = response.status();
    let too_large = || {
        let error = TransportError::new(TransportKind::TooLarge, None);
        Failure::TooLarge(error)
    };
    if response
        .content_length()
        .is_some_and(|length| length > max_bytes as u64)
    {
        return Err(too_large());
    }
    // A small body usually arrives in one chunk, which is kept as it is; more are joined.
    let mut first = None;
    let mut joined = Vec::new();
    let mut length = 0;
    while let Some(chunk) = response.chunk().await.map_err(Failure::of)? {
        length += chunk.len();
        if length > max_bytes {
            return Err(too_large());
        }
        match first.take() {
            None if joined.is_empty() => first = Some(chunk),
            Some(earlier) => {
                joined.extend_from_slice(&earlier);
                joined.extend_from_slice(&chunk);
            }
            None => joined.extend_from_slice(&chunk),
        }
    }
    let body = match first {
        Some(body) => body,
        None => joined.into(),
    };
    Ok(RawResponse {
        status,
        headers: std::mem::take(response.headers_mut()),
        body,
        attempts: 1,
    })
}

#[cfg(feature = "tracing")]
fn trace_attempt(
    attempt: u32,
    outcome: &Result<RawResponse<impl AsRef<[u8]>>, Failure>,
    latency: Duration,
    retry_in: Option<Duration>,
) {
    let latency_ms = latency.as_millis() as u64;
    let retry_in_ms = retry_in.map(|w| w.as_millis() as u64);
    match outcome {
        Ok(raw) => tracing::debug!(
            attempt,
            status = raw.status.as_u16(),
            latency_ms,
            retry_in_ms,
            "attempt answered"
        ),
        Err(failure) => {
            let reason = match failure {
                Failure::Timeout(_) => "timed out",
                Failure::Transport(e) if e.kind() == TransportKind::NotConnected => "not connected",
                Failure::Transport(_) => "incomplete response",
                Failure::TooLarge(_) => "response too large",
                Failure::InvalidRequest(_) => "invalid request",
            };
            tracing::debug!(attempt, reason, latency_ms, retry_in_ms, "attempt failed");
        }
    }
}

impl<B: AsRef<[u8]>> RawResponse<B> {
    /// Decodes a declared success body.
    #[allow(dead_code)] // Only documents with a success body call it.
    pub(crate) fn success<T: DeserializeOwned>(self) -> Result<Response<T>, DecodeError> {
        match serde_json::from_slice(self.body.as_ref()) {
            Ok(body) => Ok(Response::new(self.status, self.headers, body)),
            Err(e) => {
                // Decoded again, only on failure, to learn where it failed.
                let path = failure_path::<T>(self.body.as_ref());
                Err(DecodeError::new(self.received(), path, &e))
            }
        }
    }

    /// Decodes a declared error body; a body that is not the declared JSON is kept as is.
    #[allow(dead_code)] // Only documents with a declared error status call it.
    pub(crate) fn api_error<E: DeserializeOwned>(self) -> Result<ApiError<E>, UnexpectedResponse> {
        match serde_json::from_slice(self.body.as_ref()) {
            Ok(body) => Ok(ApiError::new(self.received(), body)),
            Err(_) => Err(self.unexpected()),
        }
    }

    /// A success body that is not JSON (text or bytes), as `convert` reads it; a body it
    /// refuses is a decode error.
    #[allow(dead_code)] // Only documents with text or binary responses call it.
    pub(crate) fn success_with<T>(
        self,
        convert: impl FnOnce(&[u8]) -> Result<T, &'static str>,
    ) -> Result<Response<T>, DecodeError> {
        match convert(self.body.as_ref()) {
            Ok(body) => Ok(Response::new(self.status, self.headers, body)),
            Err(problem) => Err(DecodeError::other(self.received(), problem)),
        }
    }

    /// A declared success without a body (not every document has one).
    #[allow(dead_code)] // Only documents with a body-less success call it.
    pub(crate) fn empty(self) -> Response<()> {
        Response::new(self.status, self.headers, ())
    }

    /// Keeps a response the document does not describe.
    pub(crate) fn unexpected(self) -> UnexpectedResponse {
        UnexpectedResponse::new(self.received())
    }

    /// Everything received, for an error that keeps it.
    fn received(self) -> Received {
        Received {
            status: self.status,
            headers: self.headers,
            raw_body: self.body.as_ref().to_vec(),
            attempts: self.attempts,
        }
    }
}

/// The path (`data.limit`) at which decoding `body` as `T` fails.
#[allow(dead_code)] // Only documents with a success body call it.
fn failure_path<T: DeserializeOwned>(body: &[u8]) -> String {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(e) => e.path().to_string(),
        Ok(_) => ".".to_owned(),
    }
}
