//! The one-call sign-in for native apps (RFC 8252's loopback redirect): listen on 127.0.0.1,
//! send the browser to OpenRouter, take the one callback, exchange the code.

use std::fmt;
use std::future::poll_fn;
use std::net::{Ipv4Addr, SocketAddr};
use std::task::Poll;
use std::time::Duration;

use reqwest::Url;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::OpenRouter;
use crate::callback_page::{Page, RequestLine, read_request_line, respond};
use crate::login::{LoginError, PendingLogin, code_from_query};
use crate::models::ExchangeAuthCodeResponse;
use crate::pkce::{AuthorizationUrl, DEFAULT_AUTHORIZATION_URL, Method, Verifier};

/// How long [`LoopbackLogin`] waits for the user unless told otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// The path prefix of the callback; the state follows it.
const CALLBACK_PREFIX: &str = "/callback/";

type UrlHook = Box<dyn FnOnce(&Url) + Send>;

/// Signs the user in through their browser and returns a new API key of theirs.
///
/// [`run`](LoopbackLogin::run) listens on `127.0.0.1` (nothing else is ever bound) on a free
/// port, opens the authorization page in the system browser, accepts exactly one callback whose
/// state matches, shows the browser a page saying it can be closed, and exchanges the code with
/// the verifier. Other requests to the port get a 404 and are otherwise ignored. Whatever the
/// outcome, and also when the future is dropped, the port is closed when the call ends.
///
/// The random state is part of the callback's path (`/callback/<state>`), so it comes back
/// whether or not the authorization server forwards a `state` parameter.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let client = openrouter::OpenRouter::builder().without_api_key().build()?;
/// let signed_in = openrouter::login::LoopbackLogin::new()
///     .on_url(|url| eprintln!("If no browser opens, visit {url}"))
///     .run(&client)
///     .await?;
/// let client = openrouter::OpenRouter::builder().api_key(signed_in.key).build()?;
/// # Ok(())
/// # }
/// ```
pub struct LoopbackLogin {
    port: u16,
    timeout: Duration,
    authorization_url: String,
    method: Method,
    open_browser: bool,
    on_url: Option<UrlHook>,
}

impl Default for LoopbackLogin {
    fn default() -> Self {
        Self::new()
    }
}

impl LoopbackLogin {
    /// A sign-in on a free port, with S256, the system browser and a five-minute limit.
    pub fn new() -> Self {
        LoopbackLogin {
            port: 0,
            timeout: DEFAULT_TIMEOUT,
            authorization_url: DEFAULT_AUTHORIZATION_URL.to_owned(),
            method: Method::S256,
            open_browser: true,
            on_url: None,
        }
    }

    /// Listens on this port of `127.0.0.1` instead of a free one the system picks.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// How long the whole sign-in may take, from listening to the end of the code exchange.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The authorization page, [`DEFAULT_AUTHORIZATION_URL`] unless set (tests use a fake).
    pub fn authorization_url(mut self, url: impl Into<String>) -> Self {
        self.authorization_url = url.into();
        self
    }

    /// The challenge method: S256 (the default) or plain.
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Whether [`run`](LoopbackLogin::run) opens the system browser (it does by default). Without
    /// it, show the URL from [`on_url`](LoopbackLogin::on_url) to the user.
    pub fn open_browser(mut self, open: bool) -> Self {
        self.open_browser = open;
        self
    }

    /// Called by [`run`](LoopbackLogin::run) with the authorization URL once the listener is up,
    /// before the browser is opened: to print it for the user, for instance.
    pub fn on_url(mut self, hook: impl FnOnce(&Url) + Send + 'static) -> Self {
        self.on_url = Some(Box::new(hook));
        self
    }

    /// Starts listening and makes the authorization URL, without opening anything: for apps
    /// that show the URL their own way. Finish with [`LoopbackListener::finish`].
    pub async fn start(self) -> Result<LoopbackListener, LoginError> {
        let deadline = Instant::now() + self.timeout;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, self.port))
            .await
            .map_err(LoginError::Bind)?;
        let addr = listener.local_addr().map_err(LoginError::Bind)?;
        let pending = PendingLogin::resume(Verifier::generate()?, self.method);
        let state = crate::pkce::base64url(&crate::pkce::random_bytes(32)?);
        let callback_url = format!("http://{addr}{CALLBACK_PREFIX}{state}");
        let url = pending.authorization_url(
            &AuthorizationUrl::new(callback_url).base_url(self.authorization_url),
        )?;
        Ok(LoopbackListener {
            listener,
            addr,
            pending,
            state,
            url,
            deadline,
            timeout: self.timeout,
        })
    }

    /// Runs the whole sign-in and returns the user's new key (with their id).
    pub async fn run(
        mut self,
        client: &OpenRouter,
    ) -> Result<ExchangeAuthCodeResponse, LoginError> {
        let on_url = self.on_url.take();
        let open_browser = self.open_browser;
        let listener = self.start().await?;
        if let Some(hook) = on_url {
            hook(listener.url());
        }
        if open_browser {
            crate::browser::open(listener.url().as_str()).map_err(LoginError::Browser)?;
        }
        listener.finish(client).await
    }
}

impl fmt::Debug for LoopbackLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoopbackLogin")
            .field("port", &self.port)
            .field("timeout", &self.timeout)
            .field("authorization_url", &self.authorization_url)
            .field("method", &self.method)
            .field("open_browser", &self.open_browser)
            .finish_non_exhaustive()
    }
}

/// A loopback sign-in that is listening: show [`url`](LoopbackListener::url) to the user, then
/// [`finish`](LoopbackListener::finish). Dropping it closes the port.
pub struct LoopbackListener {
    listener: TcpListener,
    addr: SocketAddr,
    pending: PendingLogin,
    state: String,
    url: Url,
    deadline: Instant,
    timeout: Duration,
}

impl LoopbackListener {
    /// The authorization URL to open in the browser.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The address listened on: `127.0.0.1` and the port.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Opens [`url`](LoopbackListener::url) in the system browser.
    pub fn open_browser(&self) -> Result<(), LoginError> {
        crate::browser::open(self.url.as_str()).map_err(LoginError::Browser)
    }

    /// Waits for the callback, answers the browser and exchanges the code, all within the
    /// time limit counted from [`LoopbackLogin::start`].
    pub async fn finish(self, client: &OpenRouter) -> Result<ExchangeAuthCodeResponse, LoginError> {
        let timeout = self.timeout;
        tokio::time::timeout_at(self.deadline, self.serve(client))
            .await
            .unwrap_or(Err(LoginError::TimedOut(timeout)))
    }

    /// Accepts connections until one brings the callback. Each connection is read in a task of
    /// its own, so a browser's idle pre-connections cannot hold up the real request; dropping
    /// the set aborts them all.
    async fn serve(self, client: &OpenRouter) -> Result<ExchangeAuthCodeResponse, LoginError> {
        let mut connections = JoinSet::new();
        let (stream, line) = poll_fn(|cx| {
            loop {
                // A finished connection that brought the callback ends the wait; one that did
                // not (or whose task failed) is dropped.
                while let Poll::Ready(Some(done)) = connections.poll_join_next(cx) {
                    if let Ok(Some(callback)) = done {
                        return Poll::Ready(Ok(callback));
                    }
                }
                match self.listener.poll_accept(cx) {
                    Poll::Ready(Ok((stream, _))) => {
                        connections.spawn(route(stream));
                    }
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(LoginError::Accept(e))),
                    Poll::Pending => return Poll::Pending,
                }
            }
        })
        .await?;
        self.complete(client, stream, &line).await
    }

    /// Handles the callback: the state, then the code, then the exchange; the browser learns
    /// the outcome.
    async fn complete(
        &self,
        client: &OpenRouter,
        stream: TcpStream,
        line: &RequestLine,
    ) -> Result<ExchangeAuthCodeResponse, LoginError> {
        let state = line
            .path()
            .strip_prefix(CALLBACK_PREFIX)
            .unwrap_or_default();
        let result = if !same(state.as_bytes(), self.state.as_bytes()) {
            Err(LoginError::StateMismatch)
        } else {
            match code_from_query(line.query()) {
                Ok(code) => self.pending.exchange(client, &code).await,
                Err(e) => Err(e),
            }
        };
        let page = match &result {
            Ok(_) => Page::SignedIn,
            Err(LoginError::StateMismatch) => Page::WrongState,
            Err(_) => Page::Failed,
        };
        respond(stream, page).await;
        result
    }
}

impl fmt::Debug for LoopbackListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoopbackListener")
            .field("addr", &self.addr)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Reads one request: a `GET` of the callback path is handed back; anything else is answered
/// here and dropped.
async fn route(mut stream: TcpStream) -> Option<(TcpStream, RequestLine)> {
    let line = read_request_line(&mut stream).await?;
    if !line.path().starts_with(CALLBACK_PREFIX) {
        respond(stream, Page::NotFound).await;
        return None;
    }
    if line.method != "GET" {
        respond(stream, Page::MethodNotAllowed).await;
        return None;
    }
    Some((stream, line))
}

/// Compares in time independent of where the first difference is, so the state cannot be
/// guessed byte by byte.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_states() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
        assert!(!same(b"", b"a"));
    }

    #[tokio::test]
    async fn listens_on_loopback_only_and_puts_the_state_in_the_callback() {
        let listener = LoopbackLogin::new()
            .authorization_url("http://127.0.0.1:9/auth")
            .start()
            .await
            .unwrap();
        assert!(listener.local_addr().ip().is_loopback());
        assert_ne!(listener.local_addr().port(), 0);
        let callback = listener
            .url()
            .query_pairs()
            .find(|(k, _)| k == "callback_url")
            .map(|(_, v)| v.into_owned())
            .unwrap();
        assert_eq!(
            callback,
            format!(
                "http://{}/callback/{}",
                listener.local_addr(),
                listener.state
            )
        );
        assert_eq!(listener.state.len(), 43);
        assert!(
            !listener
                .url()
                .as_str()
                .contains(listener.pending.verifier().expose_secret())
        );
    }
}
