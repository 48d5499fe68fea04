//! Sign in with OpenRouter: the user approves your app in the browser and you receive an API key
//! of their own.
//!
//! * Native apps and CLI tools: [`LoopbackLogin`] does everything in one call: it listens on
//!   `127.0.0.1`, opens the browser, waits for OpenRouter's redirect and exchanges the code.
//! * Web apps: [`PendingLogin`] makes the verifier and the URL now; after the redirect to your
//!   callback, [`PendingLogin::exchange`] trades the code for the key. No listener involved.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! // A web app, first request: send the user to OpenRouter.
//! use openrouter::login::PendingLogin;
//! use openrouter::pkce::{AuthorizationUrl, Method, Verifier};
//!
//! let login = PendingLogin::new()?;
//! let url = login.authorization_url(&AuthorizationUrl::new("https://myapp.com/auth/callback"))?;
//! let stored = login.verifier().expose_secret().to_owned(); // keep it in the user's session
//! println!("redirect to {url}");
//!
//! // Second request, on /auth/callback?code=...: exchange the code.
//! let query = "code=auth_code_abc123";
//! let login = PendingLogin::resume(Verifier::new(stored)?, Method::S256);
//! let client = openrouter::OpenRouter::builder().without_api_key().build()?;
//! let code = openrouter::login::code_from_query(query)?;
//! let signed_in = login.exchange(&client, &code).await?;
//! println!("key for user {:?}: {}", signed_in.user_id, signed_in.key); // prints [redacted]
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::io;
use std::time::Duration;

use reqwest::Url;

use crate::OpenRouter;
use crate::models::ExchangeAuthCodeResponse;
use crate::oauth::ExchangeAuthCodeForApiKeyError;
use crate::pkce::{AuthorizationUrl, Method, PkceError, Verifier};

#[cfg(feature = "login")]
pub use crate::loopback::{LoopbackListener, LoopbackLogin};

/// A sign-in in progress: the verifier and the challenge method, from the authorization URL
/// until the code exchange.
///
/// Keep it (or [`verifier`](PendingLogin::verifier)'s secret) on the server between the
/// redirect to OpenRouter and the callback; it must never reach the browser.
#[derive(Debug, Clone)]
pub struct PendingLogin {
    verifier: Verifier,
    method: Method,
}

impl PendingLogin {
    /// A new sign-in with a random verifier and the S256 method.
    pub fn new() -> Result<Self, LoginError> {
        Ok(Self::resume(Verifier::generate()?, Method::S256))
    }

    /// A sign-in started earlier, from its stored verifier and method.
    pub fn resume(verifier: Verifier, method: Method) -> Self {
        PendingLogin { verifier, method }
    }

    /// The verifier; store [`Verifier::expose_secret`] to [`resume`](PendingLogin::resume) later.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// The challenge method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The URL to send the user's browser to, with this sign-in's challenge.
    pub fn authorization_url(&self, url: &AuthorizationUrl) -> Result<Url, LoginError> {
        Ok(url.build(&self.verifier.challenge(self.method))?)
    }

    /// Trades the code from the callback for the user's API key (`POST /auth/keys`).
    pub async fn exchange(
        &self,
        client: &OpenRouter,
        code: &str,
    ) -> Result<ExchangeAuthCodeResponse, LoginError> {
        let response = client
            .oauth()
            .exchange_auth_code_for_api_key(code)
            .code_verifier(self.verifier.expose_secret())
            .code_challenge_method(
                crate::models::ExchangeAuthCodeRequestCodeChallengeMethod::from(self.method),
            )
            .send()
            .await
            .map_err(LoginError::Exchange)?;
        Ok(response.into_body())
    }
}

/// The authorization code in a callback's query string (`code=...`, without the `?`).
///
/// An `error=...` parameter, as OAuth servers send when the user declines, is
/// [`LoginError::Denied`]; no code is [`LoginError::MissingCode`].
pub fn code_from_query(query: &str) -> Result<String, LoginError> {
    let mut code = None;
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        match name.as_ref() {
            "error" => return Err(LoginError::Denied(printable(&value))),
            "code" if !value.is_empty() => code = Some(value.into_owned()),
            _ => {}
        }
    }
    code.ok_or(LoginError::MissingCode)
}

/// The value of an `error` parameter if it looks like an OAuth error code; it came from a URL
/// anyone can make, so it is not echoed blindly.
fn printable(value: &str) -> String {
    let plain = value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if plain {
        value.to_owned()
    } else {
        "unknown".to_owned()
    }
}

/// Why signing in failed. The message never contains the code, the state or the verifier.
#[derive(Debug)]
#[non_exhaustive]
pub enum LoginError {
    /// A verifier or the authorization URL could not be made.
    Pkce(PkceError),
    /// The loopback listener could not be bound.
    Bind(io::Error),
    /// Accepting a connection on the loopback listener failed.
    Accept(io::Error),
    /// The system browser could not be started.
    Browser(io::Error),
    /// No callback arrived, or the exchange did not finish, within this time.
    TimedOut(Duration),
    /// The callback's state is not the one this sign-in made: the redirect belongs to another
    /// sign-in, or was forged. Nothing was exchanged.
    StateMismatch,
    /// The callback carried no `code`.
    MissingCode,
    /// The callback carried `error=...` instead of a code, for instance when the user declined.
    Denied(String),
    /// OpenRouter refused the code exchange (a wrong, used or expired code, or a wrong verifier).
    Exchange(ExchangeAuthCodeForApiKeyError),
}

impl fmt::Display for LoginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("sign-in with OpenRouter failed: ")?;
        match self {
            Self::Pkce(e) => write!(f, "{e}"),
            Self::Bind(e) => write!(f, "cannot listen on 127.0.0.1: {e}"),
            Self::Accept(e) => write!(f, "cannot accept the browser's connection: {e}"),
            Self::Browser(e) => write!(f, "cannot open the browser: {e}"),
            Self::TimedOut(limit) => write!(f, "no sign-in within {} s", limit.as_secs()),
            Self::StateMismatch => f.write_str("the callback belongs to another sign-in"),
            Self::MissingCode => f.write_str("the callback carried no authorization code"),
            Self::Denied(error) => write!(f, "OpenRouter answered with error {error:?}"),
            Self::Exchange(e) => write!(f, "the code exchange failed: {e}"),
        }
    }
}

impl std::error::Error for LoginError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Pkce(e) => Some(e),
            Self::Bind(e) | Self::Accept(e) | Self::Browser(e) => Some(e),
            Self::Exchange(e) => Some(e),
            _ => None,
        }
    }
}

impl From<PkceError> for LoginError {
    fn from(error: PkceError) -> Self {
        LoginError::Pkce(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_code_in_a_callback_query() {
        assert_eq!(code_from_query("code=abc").unwrap(), "abc");
        assert_eq!(code_from_query("x=1&code=a%2Bb+c").unwrap(), "a+b c");
        assert!(matches!(
            code_from_query("state=s"),
            Err(LoginError::MissingCode)
        ));
        assert!(matches!(
            code_from_query("code="),
            Err(LoginError::MissingCode)
        ));
        assert!(matches!(
            code_from_query("error=access_denied&code=abc"),
            Err(LoginError::Denied(e)) if e == "access_denied"
        ));
        assert!(matches!(
            code_from_query("error=%3Cscript%3E"),
            Err(LoginError::Denied(e)) if e == "unknown"
        ));
    }

    #[test]
    fn pending_logins_build_urls_with_their_challenge() {
        let verifier = Verifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
        let login = PendingLogin::resume(verifier.clone(), Method::S256);
        let url = login
            .authorization_url(&AuthorizationUrl::new("https://myapp.com/cb"))
            .unwrap();
        assert!(
            url.as_str()
                .contains("code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&")
        );
        assert!(!url.as_str().contains(verifier.expose_secret()));
        assert_eq!(PendingLogin::new().unwrap().method(), Method::S256);
        assert_ne!(
            PendingLogin::new().unwrap().verifier(),
            PendingLogin::new().unwrap().verifier()
        );
        let error = login
            .authorization_url(&AuthorizationUrl::new("http://myapp.com/cb"))
            .unwrap_err();
        assert!(matches!(error, LoginError::Pkce(PkceError::CallbackUrl(_))));
        assert!(format!("{:?}", login).contains("[redacted]"));
    }

    #[test]
    fn messages_are_one_line_and_keep_secrets() {
        let errors = [
            LoginError::StateMismatch,
            LoginError::MissingCode,
            LoginError::TimedOut(Duration::from_secs(300)),
            LoginError::Denied("access_denied".into()),
            LoginError::Bind(io::Error::new(io::ErrorKind::AddrInUse, "in use")),
        ];
        for error in errors {
            let text = error.to_string();
            assert!(
                text.starts_with("sign-in with OpenRouter failed: "),
                "{text}"
            );
            assert!(!text.contains('\n'), "{text}");
        }
        let bind = LoginError::Bind(io::Error::new(io::ErrorKind::AddrInUse, "in use"));
        assert!(std::error::Error::source(&bind).is_some());
    }
}
