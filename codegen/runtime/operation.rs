//! What every operation's request builder and error type have in common, written once: the
//! per-call settings, and the error's accessors, `Display`, `Error` and `From<Failure>`. Each
//! group module names an operation's own parts and calls these.

/// The per-call settings of a request builder: `call_settings!(ListRequest)`.
///
/// The builder has an `options: CallOptions` field.
macro_rules! call_settings {
    ($request:ident) => {
        impl $request<'_> {
            /// Sends this request to another base URL than the client's.
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.options.base_url(url.into());
                self
            }

            /// A time limit for each attempt of this call, from sending to the end of the body.
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.options.timeout(timeout);
                self
            }

            /// A time limit for this call, every retry and wait included.
            pub fn deadline(mut self, deadline: std::time::Duration) -> Self {
                self.options.deadline(deadline);
                self
            }

            /// How this call retries, instead of the client's policy.
            pub fn retry(mut self, policy: crate::RetryPolicy) -> Self {
                self.options.retry(policy);
                self
            }

            /// An extra header for this call; it wins over the client's value.
            pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                self.options.extra_header(name.into(), value.into());
                self
            }

            /// Text appended to the `User-Agent` of this call (`my-tool/1.2`).
            pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
                self.options.user_agent_suffix(suffix.into());
                self
            }
        }
    };
}

/// The accessors, `Display`, `Error` and `From<Failure>` of an operation's error type:
/// `operation_error!(ListError, "GET /keys", [BadRequest, Unauthorized])`.
///
/// The enum has the listed variants, each holding an `ApiError` of a declared status, followed
/// by `Unexpected`, `Decode`, `Timeout`, `Transport`, `TooLarge` and `InvalidRequest`.
macro_rules! operation_error {
    ($error:ident, $operation:literal, [$($declared:ident),* $(,)?]) => {
        impl $error {
            /// The HTTP status, when a response arrived.
            pub fn status(&self) -> Option<reqwest::StatusCode> {
                match self {
                    $(Self::$declared(e) => Some(e.status()),)*
                    Self::Unexpected(e) => Some(e.status()),
                    Self::Decode(e) => Some(e.status()),
                    Self::Timeout(_)
                    | Self::Transport(_)
                    | Self::TooLarge(_)
                    | Self::InvalidRequest(_) => None,
                }
            }

            /// The response headers, when a response arrived.
            pub fn headers(&self) -> Option<&reqwest::header::HeaderMap> {
                match self {
                    $(Self::$declared(e) => Some(e.headers()),)*
                    Self::Unexpected(e) => Some(e.headers()),
                    Self::Decode(e) => Some(e.headers()),
                    Self::Timeout(_)
                    | Self::Transport(_)
                    | Self::TooLarge(_)
                    | Self::InvalidRequest(_) => None,
                }
            }

            /// The response body exactly as received, when a response arrived.
            pub fn raw_body(&self) -> Option<&[u8]> {
                match self {
                    $(Self::$declared(e) => Some(e.raw_body()),)*
                    Self::Unexpected(e) => Some(e.raw_body()),
                    Self::Decode(e) => Some(e.raw_body()),
                    Self::Timeout(_)
                    | Self::Transport(_)
                    | Self::TooLarge(_)
                    | Self::InvalidRequest(_) => None,
                }
            }

            /// What went wrong on the way, when no complete response arrived: the kind, the
            /// attempts made, and whether the server may have acted.
            pub fn transport(&self) -> Option<&crate::TransportError> {
                match self {
                    Self::Timeout(e) | Self::Transport(e) | Self::TooLarge(e) => Some(e),
                    _ => None,
                }
            }

            /// `error.code` of a declared error body.
            pub fn code(&self) -> Option<i64> {
                $(if let Self::$declared(e) = self {
                    return e.code();
                })*
                None
            }

            /// `error.message` of a declared error body.
            pub fn message(&self) -> Option<&str> {
                $(if let Self::$declared(e) = self {
                    return e.message();
                })*
                None
            }
        }

        impl std::fmt::Display for $error {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!($operation, ": "))?;
                match self {
                    $(Self::$declared(e) => write!(f, "{e}"),)*
                    Self::Unexpected(e) => write!(f, "{e}"),
                    Self::Decode(e) => write!(f, "{e}"),
                    Self::Timeout(e) | Self::Transport(e) | Self::TooLarge(e) => write!(f, "{e}"),
                    Self::InvalidRequest(e) => write!(f, "{e}"),
                }
            }
        }

        impl std::error::Error for $error {
            /// `Display` already shows the wrapped error, so the chain continues with its cause.
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                match self {
                    $(Self::$declared(_) => None,)*
                    Self::Unexpected(_) => None,
                    Self::Decode(e) => e.source(),
                    Self::Timeout(e) | Self::Transport(e) | Self::TooLarge(e) => e.source(),
                    Self::InvalidRequest(e) => e.source(),
                }
            }
        }

        impl From<crate::transport::Failure> for $error {
            fn from(failure: crate::transport::Failure) -> Self {
                use crate::transport::Failure;
                match failure {
                    Failure::Timeout(e) => Self::Timeout(e),
                    Failure::Transport(e) => Self::Transport(e),
                    Failure::TooLarge(e) => Self::TooLarge(e),
                    Failure::InvalidRequest(e) => Self::InvalidRequest(e),
                }
            }
        }
    };
}

pub(crate) use {call_settings, operation_error};
