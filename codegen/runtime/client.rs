//! The client, its configuration, and the headers every request carries.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, USER_AGENT};

use crate::error::InvalidRequest;
use crate::redact;
use crate::retry::RetryPolicy;
use crate::secret::SecretString;
use crate::transport::{Failure, Limits};

/// The environment variable the API key is read from when none is given.
pub const API_KEY_ENV: &str = "OPENROUTER_API_KEY";

/// The `User-Agent` sent unless the configuration sets another: this crate and its version.
pub const DEFAULT_USER_AGENT: &str =
    concat!(env!("CARGO_PKG_NAME"), "-rust/", env!("CARGO_PKG_VERSION"));

/// How long connecting may take, unless the configuration says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one attempt may take, from sending to the end of the body.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a whole call may take, every retry and wait included.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(120);
/// The largest response body read: these endpoints answer with kilobytes.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// A client for OpenRouter. Cheap to clone: clones share one connection pool.
///
/// Calls retry what is safe to retry ([`RetryPolicy`]), each attempt is bounded by a timeout and
/// each call by a deadline, redirects are followed only within the same origin (307 and 308),
/// and response bodies are capped in size.
///
/// ```no_run
/// # fn main() -> Result<(), openrouter::BuildError> {
/// use std::time::Duration;
///
/// // The key comes from OPENROUTER_API_KEY.
/// let client = openrouter::OpenRouter::from_env()?;
/// // Or everything explicitly.
/// let client = openrouter::OpenRouter::builder()
///     .api_key("sk-or-v1-...")
///     .base_url("https://openrouter.ai/api/v1")
///     .timeout(Duration::from_secs(20))
///     .deadline(Duration::from_secs(60))
///     .retry(openrouter::RetryPolicy::default().max_attempts(5))
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
    /// `base_url` parsed once: a call only sets the path, instead of parsing the whole URL.
    base: reqwest::Url,
    api_key: Option<SecretString>,
    /// Headers added to each request; empty when they are the HTTP client's default headers.
    headers: HeaderMap,
    user_agent: String,
    retry: RetryPolicy,
    limits: Limits,
}

impl OpenRouter {
    /// A builder that starts from the defaults: the key from [`API_KEY_ENV`] if it is set, the
    /// document's server as base URL, and the `DEFAULT_*` limits.
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
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            limits: Limits {
                attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
                deadline: DEFAULT_DEADLINE,
                max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            },
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
        let mut request = match &options.base_url {
            Some(base) => {
                let url = format!("{}{path}", base.trim_end_matches('/'));
                config.http.request(method, url)
            }
            None => {
                let mut url = config.base.clone();
                let base_path = config.base.path().trim_end_matches('/');
                url.set_path(&[base_path, path].concat());
                config.http.request(method, url)
            }
        };
        if !config.headers.is_empty() {
            request = request.headers(config.headers.clone());
        }
        if options.has_headers() {
            let mut headers = HeaderMap::new();
            for (name, value) in options.headers() {
                let header = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|e| invalid(format!("header name {name:?}: {e}")))?;
                let value = HeaderValue::from_str(value)
                    .map_err(|e| invalid(format!("header {name}: {e}")))?;
                headers.insert(header, value);
            }
            if let Some(suffix) = &options.user_agent_suffix {
                let agent = format!("{} {suffix}", config.user_agent);
                let value = HeaderValue::from_str(&agent)
                    .map_err(|e| invalid(format!("user agent suffix: {e}")))?;
                headers.insert(USER_AGENT, value);
            }
            // `headers()` replaces the default values of the same name: the call wins.
            request = request.headers(headers);
        }
        Ok(request)
    }

    /// The HTTP client, retry policy and limits of one call.
    pub(crate) fn plan<'c>(&'c self, options: &'c CallOptions) -> crate::transport::Plan<'c> {
        let config = &self.config;
        let defaults = &config.limits;
        crate::transport::Plan {
            http: &config.http,
            retry: options.retry.as_ref().unwrap_or(&config.retry),
            limits: Limits {
                attempt_timeout: options.timeout.unwrap_or(defaults.attempt_timeout),
                deadline: options.deadline.unwrap_or(defaults.deadline),
                max_response_bytes: defaults.max_response_bytes,
            },
        }
    }
}

impl fmt::Debug for OpenRouter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenRouter")
            .field("base_url", &redact::url(&self.config.base_url))
            .field("api_key", &self.config.api_key)
            .field("retry", &self.config.retry)
            .field("limits", &self.config.limits)
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
    headers: Vec<(String, String)>,
    user_agent: String,
    http: Option<reqwest::Client>,
    connect_timeout: Duration,
    retry: RetryPolicy,
    limits: Limits,
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

    /// A time limit for each attempt, from sending to the end of the body
    /// ([`DEFAULT_ATTEMPT_TIMEOUT`] unless set). A response that trickles in ends here.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.limits.attempt_timeout = timeout;
        self
    }

    /// A time limit for each call, every retry and wait included ([`DEFAULT_DEADLINE`]).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.limits.deadline = deadline;
        self
    }

    /// A time limit for connecting ([`DEFAULT_CONNECT_TIMEOUT`]). Not applied to a client
    /// given with [`http_client`](Self::http_client): configure that one yourself.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How calls retry ([`RetryPolicy::default`] unless set; [`RetryPolicy::disabled`] for none).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The largest response body read ([`DEFAULT_MAX_RESPONSE_BYTES`]); a larger one ends the
    /// call with a `TooLarge` error, having read no more than this.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.limits.max_response_bytes = bytes;
        self
    }

    /// A header every request carries; a call's own value of the same header wins.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        self.headers.push((name, value.into()));
        self
    }

    /// A `reqwest::Client` of your own (proxies, TLS roots, pools). Its default headers are kept
    /// unless this configuration sets the same header; its redirect policy and connect timeout
    /// are its own. Call [`install_tls_provider`] before building it.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Sets a header every request carries (used by the generated attribution setters).
    #[allow(dead_code)] // Only documents with global headers call it.
    pub(crate) fn default_header(self, name: &'static str, value: String) -> Self {
        self.header(name, value)
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
        // A client we build carries the headers itself, so no request copies them.
        let (http, headers) = match self.http {
            Some(http) => (http, headers),
            None => {
                install_tls_provider();
                let http = reqwest::Client::builder()
                    .default_headers(headers)
                    .connect_timeout(self.connect_timeout)
                    .redirect(crate::transport::same_origin_redirects())
                    .build()
                    .map_err(|e| BuildError(format!("cannot create the HTTP client: {e}")))?;
                (http, HeaderMap::new())
            }
        };
        Ok(OpenRouter {
            config: Arc::new(Config {
                http,
                base_url: self.base_url,
                base: url,
                api_key: self.api_key,
                headers,
                user_agent: self.user_agent,
                retry: self.retry,
                limits: self.limits,
            }),
        })
    }
}

/// Makes ring the process's rustls crypto provider, unless the program installed one first.
///
/// With the default `rustls` feature, reqwest is built without a crypto provider of its own
/// (its default one needs cmake to build), so every `reqwest::Client` in the program needs a
/// process default. [`OpenRouterBuilder::build`] calls this; call it yourself before building
/// a `reqwest::Client` of your own, for [`OpenRouterBuilder::http_client`] or anything else.
/// Calling it again does nothing. Without the `rustls` feature it does nothing.
///
/// ```
/// openrouter::install_tls_provider();
/// let http = reqwest::Client::builder().build().expect("a client");
/// # drop(http);
/// ```
pub fn install_tls_provider() {
    #[cfg(feature = "rustls")]
    {
        // `Err` means a provider is already installed, which is what is needed.
        let _ = rustls::crypto::ring::default_provider().install_default();
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
            .field("retry", &self.retry)
            .field("limits", &self.limits)
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
    /// Parameters the document declares as headers, by their wire name.
    declared_headers: Vec<(&'static str, String)>,
    /// Headers the caller adds.
    extra_headers: Vec<(String, String)>,
    user_agent_suffix: Option<String>,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    retry: Option<RetryPolicy>,
}

/// Written by hand: the base URL can carry `user:password@`.
impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallOptions")
            .field("base_url", &self.base_url.as_deref().map(redact::url))
            .field("declared_headers", &self.declared_headers)
            .field("extra_headers", &self.extra_headers)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("retry", &self.retry)
            .finish()
    }
}

#[allow(dead_code)] // Each setter is called only by documents that need it.
impl CallOptions {
    pub(crate) fn base_url(&mut self, url: String) {
        self.base_url = Some(url);
    }

    pub(crate) fn timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    pub(crate) fn deadline(&mut self, deadline: Duration) {
        self.deadline = Some(deadline);
    }

    pub(crate) fn retry(&mut self, policy: RetryPolicy) {
        self.retry = Some(policy);
    }

    pub(crate) fn user_agent_suffix(&mut self, suffix: String) {
        self.user_agent_suffix = Some(suffix);
    }

    /// A header parameter the document declares.
    pub(crate) fn header(&mut self, name: &'static str, value: String) {
        self.declared_headers.retain(|(n, _)| *n != name);
        self.declared_headers.push((name, value));
    }

    /// A header the caller adds to this call.
    pub(crate) fn extra_header(&mut self, name: String, value: String) {
        self.extra_headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        self.extra_headers.push((name, value));
    }

    fn has_headers(&self) -> bool {
        !self.declared_headers.is_empty()
            || !self.extra_headers.is_empty()
            || self.user_agent_suffix.is_some()
    }

    /// Declared headers, then extra ones (which win on a clash).
    fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        let declared = self.declared_headers.iter().map(|(n, v)| (*n, v.as_str()));
        let extra = self
            .extra_headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()));
        declared.chain(extra)
    }
}
