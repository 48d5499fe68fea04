//! Sending one request and classifying what came back. Operations decode the result.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, DecodeError, InvalidRequest, UnexpectedResponse};
use crate::response::Response;

/// Everything but RFC 3986's unreserved characters is escaped, so a path parameter always
/// stays one segment: `a/b?c` becomes `a%2Fb%3Fc`, never another endpoint.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Escapes one path parameter. An empty value, `.` and `..` are refused: URLs resolve them as
/// "this" and "parent" segments, which would send the request to another endpoint.
pub(crate) fn path_segment(name: &str, value: &str) -> Result<String, Failure> {
    if matches!(value, "" | "." | "..") {
        let message = format!("path parameter `{name}` cannot be {value:?}");
        return Err(Failure::InvalidRequest(InvalidRequest(message.into())));
    }
    Ok(utf8_percent_encode(value, PATH_SEGMENT).to_string())
}

/// Why no response arrived.
#[derive(Debug)]
pub(crate) enum Failure {
    Timeout(reqwest::Error),
    Transport(reqwest::Error),
    InvalidRequest(InvalidRequest),
}

impl From<reqwest::Error> for Failure {
    /// The URL is dropped from the error: it can carry `user:password@` of the base URL.
    fn from(e: reqwest::Error) -> Self {
        let e = e.without_url();
        if e.is_timeout() {
            Failure::Timeout(e)
        } else if e.is_builder() {
            Failure::InvalidRequest(InvalidRequest(Box::new(e)))
        } else {
            Failure::Transport(e)
        }
    }
}

/// A response read to the end.
pub(crate) struct RawResponse {
    pub(crate) status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// Sends the request and reads the whole body.
pub(crate) async fn send(request: reqwest::RequestBuilder) -> Result<RawResponse, Failure> {
    let response = request.send().await?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await?.to_vec();
    Ok(RawResponse {
        status,
        headers,
        body,
    })
}

impl RawResponse {
    /// Decodes a declared success body.
    pub(crate) fn success<T: DeserializeOwned>(self) -> Result<Response<T>, DecodeError> {
        match serde_json::from_slice(&self.body) {
            Ok(body) => Ok(Response::new(self.status, self.headers, body)),
            Err(e) => {
                // Decoded again, only on failure, to learn where it failed.
                let path = failure_path::<T>(&self.body);
                Err(DecodeError::new(
                    self.status,
                    self.headers,
                    self.body,
                    path,
                    &e,
                ))
            }
        }
    }

    /// Decodes a declared error body; a body that is not the declared JSON is kept as is.
    pub(crate) fn api_error<B: DeserializeOwned>(self) -> Result<ApiError<B>, UnexpectedResponse> {
        match serde_json::from_slice(&self.body) {
            Ok(body) => Ok(ApiError::new(self.status, self.headers, self.body, body)),
            Err(_) => Err(self.unexpected()),
        }
    }

    /// A declared success without a body (not every document has one).
    #[allow(dead_code)]
    pub(crate) fn empty(self) -> Response<()> {
        Response::new(self.status, self.headers, ())
    }

    /// Keeps a response the document does not describe.
    pub(crate) fn unexpected(self) -> UnexpectedResponse {
        UnexpectedResponse::new(self.status, self.headers, self.body)
    }
}

/// The path (`data.limit`) at which decoding `body` as `T` fails.
fn failure_path<T: DeserializeOwned>(body: &[u8]) -> String {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(e) => e.path().to_string(),
        Ok(_) => ".".to_owned(),
    }
}
