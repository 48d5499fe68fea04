//! When a failed attempt is tried again, and how long to wait first.
//!
//! A retry must never repeat a side effect: an operation that is not idempotent (creating a
//! key, spending an authorization code) is tried again only when the first attempt provably
//! did not reach the server's logic.

use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// Whether repeating a request can change the result: from the HTTP method, or what the
/// document says of the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // A document may have operations of one class only.
pub(crate) enum Idempotency {
    /// GET, HEAD, PUT, DELETE, OPTIONS: every retryable failure is tried again.
    Idempotent,
    /// POST, PATCH: tried again only when the request cannot have been acted on.
    NotIdempotent,
}

/// How a call retries failed attempts. The default comes from the document's retry settings,
/// clamped to safe limits; [`RetryPolicy::disabled`] makes one attempt only.
///
/// Retried: connection failures, `408`, `429`, `500`, `502`, `503`, `504` and timeouts, with
/// exponential backoff and full jitter. `retry-after-ms`, then `Retry-After` (seconds or an HTTP
/// date), set the wait when the server sends them. Operations that are not idempotent are
/// retried only after a refused connection, a `429`, or a `503` with a retry header, unless
/// [`retry_non_idempotent`](RetryPolicy::retry_non_idempotent) says otherwise.
///
/// ```
/// use std::time::Duration;
/// use openrouter::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_attempts(5)
///     .initial_backoff(Duration::from_millis(200))
///     .max_backoff(Duration::from_secs(5));
/// assert_eq!(policy.attempts(), 5);
/// assert_eq!(RetryPolicy::disabled().attempts(), 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    multiplier: f64,
    max_retry_after: Duration,
    connection_errors: bool,
    non_idempotent: bool,
}

/// Limits no document can raise: a retry loop that waits minutes is a hung program.
const MAX_ATTEMPTS: u32 = 10;
const MAX_BACKOFF: Duration = Duration::from_secs(30);

impl Default for RetryPolicy {
    fn default() -> Self {
        let document = crate::DOCUMENT_RETRIES;
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(document.initial_ms),
            max_backoff: Duration::from_millis(document.max_ms).min(MAX_BACKOFF),
            multiplier: document.multiplier,
            max_retry_after: MAX_BACKOFF,
            connection_errors: document.connection_errors,
            non_idempotent: false,
        }
        .clamped()
    }
}

impl RetryPolicy {
    /// One attempt, no retry.
    pub fn disabled() -> Self {
        RetryPolicy::default().max_attempts(1)
    }

    /// Attempts in all, the first included (at most 10).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self.clamped()
    }

    /// The longest wait before the second attempt; later waits grow from it.
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self.clamped()
    }

    /// The longest wait between two attempts (at most 30 s).
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self.clamped()
    }

    /// The longest `Retry-After` the client waits for; a longer one ends the call at once.
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self.clamped()
    }

    /// Retries operations that are not idempotent (create, code exchange) after any retryable
    /// failure, as idempotent ones are. Only for a call you know is safe to repeat.
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.non_idempotent = yes;
        self
    }

    /// The number of attempts a call may make.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    fn clamped(mut self) -> Self {
        self.max_attempts = self.max_attempts.clamp(1, MAX_ATTEMPTS);
        self.max_backoff = self.max_backoff.min(MAX_BACKOFF);
        self.initial_backoff = self.initial_backoff.min(self.max_backoff);
        self.max_retry_after = self.max_retry_after.min(MAX_BACKOFF);
        if !self.multiplier.is_finite() || self.multiplier < 1.0 {
            self.multiplier = 1.0;
        }
        self.multiplier = self.multiplier.min(10.0);
        self
    }

    /// Whether a response with this status is tried again.
    pub(crate) fn retries_status(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        idempotency: Idempotency,
    ) -> bool {
        let retryable = matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504);
        if !retryable {
            return false;
        }
        if idempotency == Idempotency::Idempotent || self.non_idempotent {
            return true;
        }
        // The server says it did not act: rate limited, or unavailable and says when to retry.
        status == StatusCode::TOO_MANY_REQUESTS
            || (status == StatusCode::SERVICE_UNAVAILABLE && retry_after(headers).is_some())
    }

    /// Whether a failure without a response is tried again.
    pub(crate) fn retries_failure(&self, not_sent: bool, idempotency: Idempotency) -> bool {
        if not_sent {
            return self.connection_errors;
        }
        idempotency == Idempotency::Idempotent || self.non_idempotent
    }

    /// The wait before attempt `next` (2 or more): full jitter over an exponential ceiling.
    pub(crate) fn backoff(&self, next: u32) -> Duration {
        let exponent = i32::try_from(next.saturating_sub(2)).unwrap_or(i32::MAX);
        let ceiling = self.initial_backoff.as_secs_f64() * self.multiplier.powi(exponent);
        let ceiling = ceiling.min(self.max_backoff.as_secs_f64());
        Duration::from_secs_f64(ceiling * random_fraction())
    }

    /// The wait the server asks for, if it is one the policy accepts.
    pub(crate) fn server_wait(&self, headers: &HeaderMap) -> Option<Result<Duration, Duration>> {
        let wait = retry_after(headers)?;
        Some(if wait <= self.max_retry_after {
            Ok(wait)
        } else {
            Err(wait)
        })
    }
}

/// `retry-after-ms` (milliseconds), then `Retry-After` (seconds or an HTTP date).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| headers.get(name)?.to_str().ok().map(str::trim);
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && ms.is_finite()
        && ms >= 0.0
    {
        return Some(Duration::from_secs_f64(ms.min(1e9) / 1000.0));
    }
    let value = text("retry-after")?;
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds.min(1_000_000)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(
        date.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// A number in [0, 1) from the standard library's per-process random keys: jitter needs no
/// cryptographic quality, only that clients do not wake in step.
fn random_fraction() -> f64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// The retry settings the document gives (`x-speakeasy-retries`), before clamping.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DocumentRetries {
    pub(crate) initial_ms: u64,
    pub(crate) max_ms: u64,
    pub(crate) multiplier: f64,
    pub(crate) connection_errors: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn waits_grow_and_stay_under_the_cap() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(300));
        for next in 2..20 {
            assert!(policy.backoff(next) <= Duration::from_millis(300));
        }
    }

    #[test]
    fn limits_cannot_be_raised_past_the_clamp() {
        let policy = RetryPolicy::default()
            .max_attempts(1000)
            .max_backoff(Duration::from_secs(3600));
        assert_eq!(policy.attempts(), MAX_ATTEMPTS);
        assert!(policy.backoff(30) <= MAX_BACKOFF);
        assert_eq!(RetryPolicy::default().max_attempts(0).attempts(), 1);
    }

    #[test]
    fn server_waits_are_read_in_order() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("2"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(2)));
        headers.insert("retry-after-ms", HeaderValue::from_static("1500"));
        assert_eq!(retry_after(&headers), Some(Duration::from_millis(1500)));
        let mut past = HeaderMap::new();
        past.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&past), Some(Duration::ZERO));
    }

    #[test]
    fn side_effects_are_not_repeated() {
        let policy = RetryPolicy::default();
        let none = HeaderMap::new();
        let post = Idempotency::NotIdempotent;
        assert!(!policy.retries_status(StatusCode::INTERNAL_SERVER_ERROR, &none, post));
        assert!(!policy.retries_status(StatusCode::SERVICE_UNAVAILABLE, &none, post));
        assert!(policy.retries_status(StatusCode::TOO_MANY_REQUESTS, &none, post));
        assert!(!policy.retries_failure(false, post));
        assert!(policy.retries_failure(true, post));
        let get = Idempotency::Idempotent;
        assert!(policy.retries_status(StatusCode::INTERNAL_SERVER_ERROR, &none, get));
        assert!(policy.retries_failure(false, get));
        let opted_in = policy.retry_non_idempotent(true);
        assert!(opted_in.retries_status(StatusCode::INTERNAL_SERVER_ERROR, &none, post));
    }
}
