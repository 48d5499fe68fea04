//! The client, its configuration, and the headers every request carries.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, USER_AGENT};

use crate::error::InvalidRequest;
use crate::redact;
use crate::secret::SecretString;
use crate::transport::Failure;

/// The environment variable the API key is read from when none is given.
pub const API_KEY_ENV: &str = "OPENROUTER_API_KEY";

/// The `User-Agent` sent unless the configuration sets another: this crate and its version.
pub const DEFAULT_USER_AGENT: &str =
    concat!(env!("CARGO_PKG_NAME"), "-rust/", env!("CARGO_PKG_VERSION"));

/// A client for OpenRouter. Cheap to clone: clones share one connection pool.
///
/// ```no_run
/// # fn main() -> Result<(), openrouter::BuildError> {
/// // The key comes from OPENROUTER_API_KEY.
/// let client = openrouter::OpenRouter::from_env()?;
/// // Or everything explicitly.
/// let client = openrouter::OpenRouter::builder()
///     .api_key("sk-or-v1-...")
///     .base_url("https://openrouter.ai/api/v1")
///     .timeout(std::time::Duration::from_secs(30))
///     .build()?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct OpenRouter {
    config: Arc<Config>,
}

struct Config {
    http: reqwest::Client,
    base_url: String,
    api_key: Option<SecretString>,
    headers: HeaderMap,
    timeout: Option<Duration>,
}

impl OpenRouter {
    /// A builder that starts from the defaults: the key from [`API_KEY_ENV`] if it is set, the
    /// document's server as base URL, no timeout beyond the HTTP client's own.
    pub fn builder() -> OpenRouterBuilder {
        OpenRouterBuilder {
            api_key: std::env::var(API_KEY_ENV)
                .ok()
                .filter(|k| !k.is_empty())
                .map(SecretString::from),
            base_url: crate::DEFAULT_BASE_URL.to_owned(),
            headers: Vec::new(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            http: None,
            timeout: None,
        }
    }

    /// A client with the default configuration; the API key comes from [`API_KEY_ENV`].
    /// Without it, requests carry no `Authorization` header.
    pub fn from_env() -> Result<Self, BuildError> {
        Self::builder().build()
    }

    /// The base URL requests go to unless a call overrides it.
    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    /// Starts a request: the URL, the client's headers, then the call's own (which win).
    pub(crate) fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        options: &CallOptions,
    ) -> Result<reqwest::RequestBuilder, Failure> {
        let config = &self.config;
        let base = options.base_url.as_deref().unwrap_or(&config.base_url);
        let url = format!("{}{path}", base.trim_end_matches('/'));
        let mut headers = config.headers.clone();
        for (name, value) in &options.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| invalid(format!("header name {name:?}: {e}")))?;
            let value =
                HeaderValue::from_str(value).map_err(|e| invalid(format!("header {name}: {e}")))?;
            headers.insert(header, value);
        }
        let mut request = config.http.request(method, url).headers(headers);
        if let Some(timeout) = options.timeout.or(config.timeout) {
            request = request.timeout(timeout);
        }
        Ok(request)
    }
}

impl fmt::Debug for OpenRouter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenRouter")
            .field("base_url", &redact::url(&self.config.base_url))
            .field("api_key", &self.config.api_key)
            .field("timeout", &self.config.timeout)
            .finish_non_exhaustive()
    }
}

fn invalid(message: String) -> Failure {
    Failure::InvalidRequest(InvalidRequest(message.into()))
}

/// Configuration for an [`OpenRouter`] client.
#[derive(Clone)]
pub struct OpenRouterBuilder {
    api_key: Option<SecretString>,
    base_url: String,
    headers: Vec<(&'static str, String)>,
    user_agent: String,
    http: Option<reqwest::Client>,
    timeout: Option<Duration>,
}

impl OpenRouterBuilder {
    /// The API key, sent as `Authorization: Bearer <key>`.
    pub fn api_key(mut self, key: impl Into<SecretString>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Sends no `Authorization` header, even if [`API_KEY_ENV`] is set.
    pub fn without_api_key(mut self) -> Self {
        self.api_key = None;
        self
    }

    /// Where requests go, such as `https://openrouter.ai/api/v1` (the default).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, value: impl Into<String>) -> Self {
        self.user_agent = value.into();
        self
    }

    /// A time limit for each request, from sending to the end of the body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// A `reqwest::Client` of your own (proxies, TLS roots, pools). Its default headers are kept
    /// unless this configuration sets the same header.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Sets a header every request carries (used by the generated attribution setters).
    pub(crate) fn default_header(mut self, name: &'static str, value: String) -> Self {
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value));
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<OpenRouter, BuildError> {
        let shown = redact::url(&self.base_url);
        let url = reqwest::Url::parse(&self.base_url)
            .map_err(|e| BuildError(format!("base URL {shown:?} is not a URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(BuildError(format!(
                "base URL {shown:?} must be http or https"
            )));
        }
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, header_value("User-Agent", &self.user_agent)?);
        if let Some(key) = &self.api_key {
            let mut value =
                header_value("Authorization", &format!("Bearer {}", key.expose_secret()))?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        for (name, value) in &self.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| BuildError(format!("{name:?} is not a valid header name")))?;
            headers.insert(header, header_value(name, value)?);
        }
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .build()
                .map_err(|e| BuildError(format!("cannot create the HTTP client: {e}")))?,
        };
        Ok(OpenRouter {
            config: Arc::new(Config {
                http,
                base_url: self.base_url,
                api_key: self.api_key,
                headers,
                timeout: self.timeout,
            }),
        })
    }
}

/// Written by hand: the base URL can carry `user:password@`.
impl fmt::Debug for OpenRouterBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenRouterBuilder")
            .field("api_key", &self.api_key)
            .field("base_url", &redact::url(&self.base_url))
            .field("headers", &self.headers)
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, BuildError> {
    HeaderValue::from_str(value)
        .map_err(|_| BuildError(format!("the {name} header value is not valid in HTTP")))
}

/// Why a client could not be built. The message names the setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError(String);

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid OpenRouter client configuration: {}", self.0)
    }
}

impl std::error::Error for BuildError {}

/// What one call changes from the client's configuration.
#[derive(Clone, Default)]
pub(crate) struct CallOptions {
    base_url: Option<String>,
    headers: Vec<(&'static str, String)>,
    timeout: Option<Duration>,
}

/// Written by hand: the base URL can carry `user:password@`.
impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallOptions")
            .field("base_url", &self.base_url.as_deref().map(redact::url))
            .field("headers", &self.headers)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl CallOptions {
    pub(crate) fn base_url(&mut self, url: String) {
        self.base_url = Some(url);
    }

    pub(crate) fn timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    pub(crate) fn header(&mut self, name: &'static str, value: String) {
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value));
    }
}
