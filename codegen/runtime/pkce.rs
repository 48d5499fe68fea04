//! PKCE (RFC 7636) for signing in with OpenRouter: code verifiers, their challenges, and the
//! authorization URL the user's browser opens.
//!
//! OpenRouter's flow has no client id or secret. The app makes a [`Verifier`], sends the user to
//! an [`AuthorizationUrl`] carrying its [`Challenge`], receives `?code=...` on its callback URL,
//! and trades the code and the verifier for an API key with
//! [`exchange_auth_code_for_api_key`](crate::oauth::Oauth::exchange_auth_code_for_api_key).
//! [`crate::login`] does all of it in one call.
//!
//! ```
//! use openrouter::pkce::{AuthorizationUrl, Verifier};
//!
//! let verifier = Verifier::generate()?;
//! let challenge = verifier.s256_challenge();
//! let url = AuthorizationUrl::new("http://localhost:51423/callback").build(&challenge)?;
//! assert!(url.as_str().starts_with("https://openrouter.ai/auth?callback_url="));
//! assert!(!url.as_str().contains(verifier.expose_secret()));
//! # Ok::<(), openrouter::pkce::PkceError>(())
//! ```

use std::fmt;

use reqwest::Url;
use sha2::{Digest, Sha256};

/// The page users approve an app on.
pub const DEFAULT_AUTHORIZATION_URL: &str = "https://openrouter.ai/auth";

/// The verifier length [`Verifier::generate`] uses.
pub const DEFAULT_VERIFIER_LEN: usize = 64;

/// The shortest verifier RFC 7636 allows.
pub const MIN_VERIFIER_LEN: usize = 43;

/// The longest verifier RFC 7636 allows.
pub const MAX_VERIFIER_LEN: usize = 128;

/// A PKCE code verifier: 43 to 128 characters of `A-Z a-z 0-9 - . _ ~`.
///
/// The verifier proves that whoever exchanges the code also started the sign-in, so it is a
/// secret until then: `Debug` prints `Verifier([redacted])` and there is no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Verifier(String);

impl Verifier {
    /// A verifier of [`DEFAULT_VERIFIER_LEN`] characters from the operating system's random
    /// number generator.
    pub fn generate() -> Result<Self, PkceError> {
        Self::generate_with_len(DEFAULT_VERIFIER_LEN)
    }

    /// A random verifier of `len` characters, which must be within RFC 7636's 43 to 128.
    ///
    /// Each character is one of the 64 letters of base64url, so each carries 6 random bits.
    pub fn generate_with_len(len: usize) -> Result<Self, PkceError> {
        check_len(len)?;
        let bytes = random_bytes(len.div_ceil(4) * 3)?;
        let mut text = base64url(&bytes);
        text.truncate(len);
        Ok(Verifier(text))
    }

    /// Checks a verifier made elsewhere (for instance one stored between two requests).
    pub fn new(verifier: impl Into<String>) -> Result<Self, PkceError> {
        let verifier = verifier.into();
        check_len(verifier.len())?;
        if let Some(position) = verifier.bytes().position(|b| !is_unreserved(b)) {
            return Err(PkceError::VerifierCharacter { position });
        }
        Ok(Verifier(verifier))
    }

    /// The verifier itself, to send with the code exchange or to store.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// The S256 challenge: BASE64URL(SHA-256(verifier)) without padding.
    pub fn s256_challenge(&self) -> Challenge {
        Challenge {
            value: base64url(&Sha256::digest(self.0.as_bytes())),
            method: Method::S256,
        }
    }

    /// The plain challenge: the verifier itself. Prefer S256; plain exposes the verifier to
    /// everything that sees the authorization URL.
    pub fn plain_challenge(&self) -> Challenge {
        Challenge {
            value: self.0.clone(),
            method: Method::Plain,
        }
    }

    /// The challenge for `method`.
    pub fn challenge(&self, method: Method) -> Challenge {
        match method {
            Method::S256 => self.s256_challenge(),
            Method::Plain => self.plain_challenge(),
        }
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Verifier([redacted])")
    }
}

/// How a challenge is derived from its verifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Method {
    /// BASE64URL(SHA-256(verifier)). The default, and what RFC 7636 recommends.
    #[default]
    S256,
    /// The verifier unchanged.
    Plain,
}

impl Method {
    /// The value of `code_challenge_method` on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::S256 => "S256",
            Method::Plain => "plain",
        }
    }
}

impl From<Method> for crate::models::CreateAuthCodeRequestCodeChallengeMethod {
    fn from(method: Method) -> Self {
        match method {
            Method::S256 => Self::S256,
            Method::Plain => Self::Plain,
        }
    }
}

impl From<Method> for crate::models::ExchangeAuthCodeRequestCodeChallengeMethod {
    fn from(method: Method) -> Self {
        match method {
            Method::S256 => Self::S256,
            Method::Plain => Self::Plain,
        }
    }
}

/// A code challenge and its method, sent in the authorization URL.
///
/// `Debug` shows an S256 challenge, which reveals nothing, and redacts a plain one, which is
/// the verifier.
#[derive(Clone, PartialEq, Eq)]
pub struct Challenge {
    value: String,
    method: Method,
}

impl Challenge {
    /// The `code_challenge` value. For [`Method::Plain`] this is the verifier.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The method it was derived with.
    pub fn method(&self) -> Method {
        self.method
    }
}

impl fmt::Debug for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = match self.method {
            Method::S256 => self.value.as_str(),
            Method::Plain => "[redacted]",
        };
        f.debug_struct("Challenge")
            .field("value", &value)
            .field("method", &self.method)
            .finish()
    }
}

/// Builds the URL of OpenRouter's authorization page:
/// `https://openrouter.ai/auth?callback_url=...&code_challenge=...&code_challenge_method=S256`.
#[derive(Debug, Clone)]
pub struct AuthorizationUrl {
    base_url: String,
    callback_url: String,
}

impl AuthorizationUrl {
    /// An authorization URL that sends the browser back to `callback_url`.
    pub fn new(callback_url: impl Into<String>) -> Self {
        AuthorizationUrl {
            base_url: DEFAULT_AUTHORIZATION_URL.to_owned(),
            callback_url: callback_url.into(),
        }
    }

    /// The authorization page, [`DEFAULT_AUTHORIZATION_URL`] unless set (tests use a fake).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The callback URL the browser returns to.
    pub fn callback_url(&self) -> &str {
        &self.callback_url
    }

    /// Checks the callback URL (see [`check_callback_url`]) and makes the URL.
    pub fn build(&self, challenge: &Challenge) -> Result<Url, PkceError> {
        let callback = check_callback_url(&self.callback_url)?;
        let mut url = Url::parse(&self.base_url).map_err(|_| PkceError::AuthorizationUrl)?;
        if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
            return Err(PkceError::AuthorizationUrl);
        }
        url.query_pairs_mut()
            .append_pair("callback_url", callback.as_str())
            .append_pair("code_challenge", challenge.as_str())
            .append_pair("code_challenge_method", challenge.method().as_str());
        Ok(url)
    }
}

/// Checks a callback URL against what OpenRouter accepts, and parses it.
///
/// * `http://localhost` and `http://127.0.0.1` (or `https`) on any port: for CLI tools and local
///   apps.
/// * Any other host only over `https`, on port 443 or 3000.
/// * No user name or password and no `#fragment`, since OpenRouter appends `?code=...` and a
///   fragment would not reach the server.
///
/// ```
/// use openrouter::pkce::{CallbackUrlProblem, PkceError, check_callback_url};
///
/// assert!(check_callback_url("http://localhost:51423/callback").is_ok());
/// assert!(check_callback_url("https://myapp.com/auth/callback").is_ok());
/// assert_eq!(
///     check_callback_url("http://myapp.com/auth/callback"),
///     Err(PkceError::CallbackUrl(CallbackUrlProblem::PublicWithoutHttps)),
/// );
/// ```
pub fn check_callback_url(callback_url: &str) -> Result<Url, PkceError> {
    let fail = |problem| Err(PkceError::CallbackUrl(problem));
    let Ok(url) = Url::parse(callback_url) else {
        return fail(CallbackUrlProblem::NotAUrl);
    };
    if !matches!(url.scheme(), "http" | "https") {
        return fail(CallbackUrlProblem::Scheme);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return fail(CallbackUrlProblem::Credentials);
    }
    if url.fragment().is_some() {
        return fail(CallbackUrlProblem::Fragment);
    }
    let local = matches!(url.host_str(), Some("localhost" | "127.0.0.1"));
    if local {
        return Ok(url);
    }
    if url.scheme() != "https" {
        return fail(CallbackUrlProblem::PublicWithoutHttps);
    }
    // `port()` is `None` for the scheme's default, 443.
    if !matches!(url.port(), None | Some(3000)) {
        return fail(CallbackUrlProblem::Port);
    }
    Ok(url)
}

/// Why a verifier or an authorization URL was refused. Never shows the verifier.
#[derive(Debug)]
#[non_exhaustive]
pub enum PkceError {
    /// A verifier must have 43 to 128 characters.
    VerifierLength {
        /// The length asked for or given.
        len: usize,
    },
    /// A verifier may only contain `A-Z a-z 0-9 - . _ ~`.
    VerifierCharacter {
        /// The byte offset of the first character that is not allowed.
        position: usize,
    },
    /// The callback URL is not one OpenRouter accepts.
    CallbackUrl(CallbackUrlProblem),
    /// The authorization page's base URL is not an http or https URL.
    AuthorizationUrl,
    /// The operating system's random number generator failed.
    Random(getrandom::Error),
}

impl PartialEq for PkceError {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::VerifierLength { len: a }, Self::VerifierLength { len: b }) => a == b,
            (Self::VerifierCharacter { position: a }, Self::VerifierCharacter { position: b }) => {
                a == b
            }
            (Self::CallbackUrl(a), Self::CallbackUrl(b)) => a == b,
            (Self::AuthorizationUrl, Self::AuthorizationUrl) => true,
            (Self::Random(a), Self::Random(b)) => a == b,
            _ => false,
        }
    }
}

impl fmt::Display for PkceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::VerifierLength { len } => write!(
                f,
                "a PKCE code verifier must have {MIN_VERIFIER_LEN} to {MAX_VERIFIER_LEN} \
                 characters, not {len}"
            ),
            Self::VerifierCharacter { position } => write!(
                f,
                "a PKCE code verifier may only contain A-Z a-z 0-9 - . _ ~ \
                 (the character at byte {position} is not one of them)"
            ),
            Self::CallbackUrl(problem) => write!(f, "invalid callback URL: {problem}"),
            Self::AuthorizationUrl => {
                f.write_str("the authorization page's URL must be an http or https URL")
            }
            Self::Random(_) => f.write_str("the operating system's random number generator failed"),
        }
    }
}

impl std::error::Error for PkceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Random(e) => Some(e),
            _ => None,
        }
    }
}

/// What is wrong with a callback URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallbackUrlProblem {
    /// It does not parse as an absolute URL.
    NotAUrl,
    /// It is neither http nor https.
    Scheme,
    /// It is http on a host other than `localhost` or `127.0.0.1`.
    PublicWithoutHttps,
    /// It is https on a public host, on a port other than 443 or 3000.
    Port,
    /// It carries a user name or password.
    Credentials,
    /// It has a `#fragment`.
    Fragment,
}

impl fmt::Display for CallbackUrlProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotAUrl => "it is not an absolute URL",
            Self::Scheme => "it must be an http or https URL",
            Self::PublicWithoutHttps => {
                "http is only accepted for localhost and 127.0.0.1; other hosts need https"
            }
            Self::Port => "a public https callback must use port 443 or 3000",
            Self::Credentials => "it must not contain a user name or password",
            Self::Fragment => "it must not have a #fragment",
        })
    }
}

fn check_len(len: usize) -> Result<(), PkceError> {
    if (MIN_VERIFIER_LEN..=MAX_VERIFIER_LEN).contains(&len) {
        Ok(())
    } else {
        Err(PkceError::VerifierLength { len })
    }
}

/// RFC 3986's unreserved characters, the verifier's alphabet.
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// `len` bytes from the operating system's CSPRNG.
pub(crate) fn random_bytes(len: usize) -> Result<Vec<u8>, PkceError> {
    let mut bytes = vec![0; len];
    getrandom::fill(&mut bytes).map_err(PkceError::Random)?;
    Ok(bytes)
}

/// Base64url without padding (RFC 4648 §5): small enough not to need a crate.
pub(crate) fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_rfc_7636_appendix_b() {
        let verifier = Verifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
        let challenge = verifier.s256_challenge();
        assert_eq!(
            challenge.as_str(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert_eq!(challenge.method().as_str(), "S256");
        let plain = verifier.plain_challenge();
        assert_eq!(plain.as_str(), verifier.expose_secret());
        assert_eq!(plain.method().as_str(), "plain");
    }

    #[test]
    fn encodes_base64url_without_padding() {
        // RFC 4648 §10 vectors, with the padding dropped.
        let cases = [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in cases {
            assert_eq!(base64url(input.as_bytes()), expected, "{input:?}");
        }
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn generates_random_verifiers_of_the_asked_length() {
        for len in [
            MIN_VERIFIER_LEN,
            44,
            DEFAULT_VERIFIER_LEN,
            127,
            MAX_VERIFIER_LEN,
        ] {
            let verifier = Verifier::generate_with_len(len).unwrap();
            assert_eq!(verifier.expose_secret().len(), len);
            // What generate makes, new accepts.
            assert_eq!(Verifier::new(verifier.expose_secret()).unwrap(), verifier);
        }
        assert_eq!(
            Verifier::generate().unwrap().expose_secret().len(),
            DEFAULT_VERIFIER_LEN
        );
        assert_ne!(Verifier::generate().unwrap(), Verifier::generate().unwrap());
        for len in [0, 42, 129] {
            assert_eq!(
                Verifier::generate_with_len(len),
                Err(PkceError::VerifierLength { len })
            );
        }
    }

    #[test]
    fn refuses_bad_verifiers() {
        let ok = "a".repeat(43);
        assert!(Verifier::new(ok.clone()).is_ok());
        assert!(Verifier::new("Az09-._~".repeat(16)).is_ok());
        assert_eq!(
            Verifier::new("a".repeat(42)),
            Err(PkceError::VerifierLength { len: 42 })
        );
        assert_eq!(
            Verifier::new("a".repeat(129)),
            Err(PkceError::VerifierLength { len: 129 })
        );
        for (bad, position) in [("+", 3), ("/", 3), ("=", 3), (" ", 3), ("é", 3)] {
            let verifier = format!("abc{bad}{}", "a".repeat(40));
            assert_eq!(
                Verifier::new(verifier),
                Err(PkceError::VerifierCharacter { position })
            );
        }
    }

    #[test]
    fn never_prints_the_verifier() {
        let verifier = Verifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
        assert_eq!(format!("{verifier:?}"), "Verifier([redacted])");
        let plain = format!("{:?}", verifier.plain_challenge());
        assert!(!plain.contains(verifier.expose_secret()), "{plain}");
        let s256 = format!("{:?}", verifier.s256_challenge());
        assert!(s256.contains("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
        let error = Verifier::new(format!("{}!", verifier.expose_secret())).unwrap_err();
        assert!(!error.to_string().contains(verifier.expose_secret()));
    }

    #[test]
    fn builds_the_authorization_url() {
        let verifier = Verifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
        let url = AuthorizationUrl::new("http://localhost:51423/callback?x=1&y=2")
            .build(&verifier.s256_challenge())
            .unwrap();
        assert_eq!(
            url.as_str(),
            "https://openrouter.ai/auth?callback_url=http%3A%2F%2Flocalhost%3A51423%2Fcallback\
             %3Fx%3D1%26y%3D2&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\
             &code_challenge_method=S256"
        );
        let url = AuthorizationUrl::new("https://myapp.com/cb")
            .base_url("http://127.0.0.1:8080/auth")
            .build(&verifier.plain_challenge())
            .unwrap();
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(url.path(), "/auth");
        assert_eq!(
            pairs,
            [
                ("callback_url".into(), "https://myapp.com/cb".into()),
                ("code_challenge".into(), verifier.expose_secret().into()),
                ("code_challenge_method".into(), "plain".into()),
            ]
        );
        for base in ["not a url", "ftp://x/auth", "mailto:a@b.c"] {
            assert_eq!(
                AuthorizationUrl::new("https://myapp.com/cb")
                    .base_url(base)
                    .build(&verifier.s256_challenge()),
                Err(PkceError::AuthorizationUrl),
                "{base}"
            );
        }
    }

    #[test]
    fn checks_callback_urls() {
        use CallbackUrlProblem::*;
        for good in [
            "http://localhost/cb",
            "http://localhost:51423/callback",
            "http://127.0.0.1:1/cb",
            "https://localhost:8443/cb",
            "https://myapp.com/auth/callback",
            "https://myapp.com:443/cb",
            "https://myapp.com:3000/cb?tab=keys",
        ] {
            assert!(check_callback_url(good).is_ok(), "{good}");
        }
        for (bad, problem) in [
            ("", NotAUrl),
            ("/callback", NotAUrl),
            ("localhost:3000/cb", Scheme),
            ("ftp://localhost/cb", Scheme),
            ("http://myapp.com/cb", PublicWithoutHttps),
            ("http://localhost.evil.com/cb", PublicWithoutHttps),
            ("http://192.168.1.2:3000/cb", PublicWithoutHttps),
            ("https://myapp.com:8443/cb", Port),
            ("https://user:pw@myapp.com/cb", Credentials),
            ("http://user@localhost/cb", Credentials),
            ("https://myapp.com/cb#done", Fragment),
        ] {
            let error = check_callback_url(bad).unwrap_err();
            assert_eq!(error, PkceError::CallbackUrl(problem), "{bad}");
            assert!(error.to_string().starts_with("invalid callback URL: "));
        }
        let error = AuthorizationUrl::new("http://myapp.com/cb")
            .build(&Verifier::generate().unwrap().s256_challenge())
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid callback URL: http is only accepted for localhost and 127.0.0.1; \
             other hosts need https"
        );
    }
}
