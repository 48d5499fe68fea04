//! Signing in with OpenRouter end to end, against the fake: its authorization page issues a
//! code and redirects to the loopback listener, which exchanges the code. An HTTP client that
//! follows redirects plays the browser (`browser_login.rs` does the same with Chromium).

use std::time::Duration;

use openrouter::OpenRouter;
use openrouter::login::{LoginError, LoopbackLogin, PendingLogin, code_from_query};
use openrouter::oauth::ExchangeAuthCodeForApiKeyError;
use openrouter::pkce::{AuthorizationUrl, Method, Verifier};
use openrouter_tests::{FAKE_USER_ID, FakeOpenRouter};
use reqwest::Url;
use tokio::sync::oneshot;

fn client(fake: &FakeOpenRouter) -> OpenRouter {
    OpenRouter::builder()
        .without_api_key()
        .base_url(fake.base_url())
        .build()
        .expect("client")
}

/// How many requests with this method and path reached the fake.
fn count(fake: &FakeOpenRouter, method: &str, path: &str) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.method == method && r.path == path)
        .count()
}

/// What a browser shows after following every redirect from `url`.
async fn visit(url: Url) -> (u16, String) {
    let response = reqwest::get(url).await.expect("the browser's request");
    let status = response.status().as_u16();
    (status, response.text().await.expect("page"))
}

/// A loopback login whose "browser" is `browse`, run on the authorization URL once the
/// listener is up. Returns the login's result and what the browser showed.
async fn login_with<F, Fut>(
    fake: &FakeOpenRouter,
    login: LoopbackLogin,
    browse: F,
) -> (
    Result<openrouter::models::ExchangeAuthCodeResponse, LoginError>,
    (u16, String),
)
where
    F: FnOnce(Url) -> Fut + Send + 'static,
    Fut: Future<Output = (u16, String)> + Send + 'static,
{
    let (sender, receiver) = oneshot::channel();
    let login = login
        .authorization_url(fake.authorization_url())
        .open_browser(false)
        .on_url(move |url| {
            let _ = sender.send(tokio::spawn(browse(url.clone())));
        });
    let result = login.run(&client(fake)).await;
    let browser = receiver.await.expect("on_url was called");
    (result, browser.await.expect("browser task"))
}

/// The URL with the state in its callback's path replaced.
fn with_wrong_state(url: &Url) -> Url {
    let mut url = url.clone();
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let mut query = url.query_pairs_mut();
    query.clear();
    for (name, value) in pairs {
        if name == "callback_url" {
            let (base, _) = value.rsplit_once('/').expect("a state segment");
            query.append_pair(&name, &format!("{base}/not-the-state"));
        } else {
            query.append_pair(&name, &value);
        }
    }
    drop(query);
    url
}

async fn assert_closed(addr: std::net::SocketAddr) {
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "{addr} still accepts connections"
    );
}

#[tokio::test]
async fn one_call_login_returns_a_working_key() {
    let fake = FakeOpenRouter::start().await;
    let (result, (status, page)) = login_with(&fake, LoopbackLogin::new(), visit).await;
    let signed_in = result.expect("login");

    assert_eq!(status, 200);
    assert!(page.contains("You can close this window"), "{page}");
    assert_eq!(signed_in.user_id.as_deref(), Some(FAKE_USER_ID));
    assert_eq!(count(&fake, "GET", "/auth"), 1);
    assert_eq!(count(&fake, "POST", "/api/v1/auth/keys"), 1);

    // The authorization request carried an S256 challenge of the verifier that was exchanged.
    let authorize = &fake.requests()[0];
    let query: Vec<(String, String)> =
        form_pairs(authorize.query.as_deref().expect("a query string"));
    let exchange = fake.last_request().expect("exchange").json();
    assert_eq!(exchange["code_challenge_method"], "S256");
    let verifier = Verifier::new(exchange["code_verifier"].as_str().expect("verifier")).unwrap();
    assert!(query.contains(&(
        "code_challenge".into(),
        verifier.s256_challenge().as_str().into()
    )));

    // The key is one the fake made, and it works.
    let user = OpenRouter::builder()
        .api_key(signed_in.key.clone())
        .base_url(fake.base_url())
        .build()
        .unwrap();
    let current = user
        .api_keys()
        .get_current_key_metadata()
        .send()
        .await
        .unwrap();
    assert!(!current.data.is_management_key);
    assert!(!format!("{signed_in:?}").contains(signed_in.key.expose_secret()));
}

#[tokio::test]
async fn plain_challenges_work_too() {
    let fake = FakeOpenRouter::start().await;
    let login = LoopbackLogin::new().method(Method::Plain);
    let (result, (status, _)) = login_with(&fake, login, visit).await;
    result.expect("login");
    assert_eq!(status, 200);
    let exchange = fake.last_request().expect("exchange").json();
    assert_eq!(exchange["code_challenge_method"], "plain");
    let authorize = form_pairs(fake.requests()[0].query.as_deref().unwrap());
    assert!(authorize.contains(&(
        "code_challenge".into(),
        exchange["code_verifier"].as_str().unwrap().into()
    )));
}

#[tokio::test]
async fn a_callback_with_another_state_fails_without_an_exchange() {
    let fake = FakeOpenRouter::start().await;
    let (result, (status, page)) = login_with(&fake, LoopbackLogin::new(), |url| {
        visit(with_wrong_state(&url))
    })
    .await;
    assert!(
        matches!(result, Err(LoginError::StateMismatch)),
        "{result:?}"
    );
    assert_eq!(status, 400);
    assert!(page.contains("does not belong"), "{page}");
    assert_eq!(count(&fake, "GET", "/auth"), 1);
    assert_eq!(count(&fake, "POST", "/api/v1/auth/keys"), 0);
}

#[tokio::test]
async fn other_requests_are_refused_and_the_login_goes_on() {
    let fake = FakeOpenRouter::start().await;
    let (result, (status, _)) = login_with(&fake, LoopbackLogin::new(), |url| async move {
        let callback = form_pairs(url.query().unwrap())
            .into_iter()
            .find(|(n, _)| n == "callback_url")
            .unwrap()
            .1;
        let origin = Url::parse(&callback).unwrap();
        let http = {
            openrouter::install_tls_provider();
            reqwest::Client::new()
        };
        let favicon = http.get(origin.join("/favicon.ico").unwrap());
        assert_eq!(favicon.send().await.unwrap().status().as_u16(), 404);
        let post = http.post(callback.as_str()).body("code=x");
        assert_eq!(post.send().await.unwrap().status().as_u16(), 405);
        // A connection that sends nothing does not hold up the real callback.
        let _idle = tokio::net::TcpStream::connect(origin.socket_addrs(|| None).unwrap()[0])
            .await
            .unwrap();
        visit(url).await
    })
    .await;
    result.expect("login after refused requests");
    assert_eq!(status, 200);
    assert_eq!(count(&fake, "POST", "/api/v1/auth/keys"), 1);
}

#[tokio::test]
async fn an_error_callback_fails_with_denied() {
    let fake = FakeOpenRouter::start().await;
    let listener = LoopbackLogin::new()
        .authorization_url(fake.authorization_url())
        .start()
        .await
        .unwrap();
    let callback = form_pairs(listener.url().query().unwrap())
        .into_iter()
        .find(|(n, _)| n == "callback_url")
        .unwrap()
        .1;
    let addr = listener.local_addr();
    let browser = tokio::spawn(visit(
        Url::parse(&format!("{callback}?error=access_denied")).unwrap(),
    ));
    let result = listener.finish(&client(&fake)).await;
    assert!(
        matches!(&result, Err(LoginError::Denied(e)) if e == "access_denied"),
        "{result:?}"
    );
    let (status, page) = browser.await.unwrap();
    assert_eq!(status, 400);
    assert!(page.contains("Sign-in failed"), "{page}");
    assert_eq!(count(&fake, "POST", "/api/v1/auth/keys"), 0);
    assert_closed(addr).await;
}

#[tokio::test]
async fn the_listener_is_gone_after_success_timeout_and_cancellation() {
    let fake = FakeOpenRouter::start().await;

    // Success.
    let listener = LoopbackLogin::new()
        .authorization_url(fake.authorization_url())
        .start()
        .await
        .unwrap();
    let addr = listener.local_addr();
    let browser = tokio::spawn(visit(listener.url().clone()));
    listener.finish(&client(&fake)).await.expect("login");
    browser.await.unwrap();
    assert_closed(addr).await;

    // Time limit: nobody comes.
    let listener = LoopbackLogin::new()
        .timeout(Duration::from_millis(200))
        .start()
        .await
        .unwrap();
    let addr = listener.local_addr();
    let result = listener.finish(&client(&fake)).await;
    assert!(
        matches!(result, Err(LoginError::TimedOut(t)) if t == Duration::from_millis(200)),
        "{result:?}"
    );
    assert_closed(addr).await;

    // Cancellation: the caller drops the future.
    let listener = LoopbackLogin::new().start().await.unwrap();
    let addr = listener.local_addr();
    let client = client(&fake);
    let cancelled =
        tokio::time::timeout(Duration::from_millis(100), listener.finish(&client)).await;
    assert!(cancelled.is_err());
    assert_closed(addr).await;
}

#[tokio::test]
async fn a_chosen_port_is_used_and_a_busy_one_is_an_error() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let error = LoopbackLogin::new().port(port).start().await.unwrap_err();
    assert!(matches!(error, LoginError::Bind(_)), "{error:?}");
    drop(busy);
    let listener = LoopbackLogin::new().port(port).start().await.unwrap();
    assert_eq!(listener.local_addr().port(), port);
    assert!(
        listener
            .url()
            .as_str()
            .contains(&format!("127.0.0.1%3A{port}%2Fcallback%2F"))
    );
}

/// The web-app flow: the URL now, the exchange in a later request, with the stored verifier.
#[tokio::test]
async fn server_side_login_exchanges_each_code_once() {
    let fake = FakeOpenRouter::start().await;
    let client = client(&fake);
    let login = PendingLogin::new().unwrap();
    let url = login
        .authorization_url(
            &AuthorizationUrl::new("https://myapp.com/auth/callback")
                .base_url(fake.authorization_url()),
        )
        .unwrap();
    let stored = login.verifier().expose_secret().to_owned();
    let code = authorize(&url).await;

    let resumed = PendingLogin::resume(Verifier::new(stored).unwrap(), Method::S256);
    let signed_in = resumed.exchange(&client, &code).await.expect("exchange");
    assert_eq!(signed_in.user_id.as_deref(), Some(FAKE_USER_ID));

    // Single use.
    let again = resumed.exchange(&client, &code).await.unwrap_err();
    assert!(
        matches!(
            again,
            LoginError::Exchange(ExchangeAuthCodeForApiKeyError::BadRequest(_))
        ),
        "{again:?}"
    );
    assert!(!again.to_string().contains(&code));
    assert_eq!(count(&fake, "POST", "/api/v1/auth/keys"), 2);
}

#[tokio::test]
async fn codes_need_the_right_verifier_and_expire() {
    let fake = FakeOpenRouter::start().await;
    let client = client(&fake);
    let callback =
        AuthorizationUrl::new("http://localhost:51423/callback").base_url(fake.authorization_url());

    // Another verifier than the challenge's.
    let login = PendingLogin::new().unwrap();
    let code = authorize(&login.authorization_url(&callback).unwrap()).await;
    let other = PendingLogin::new().unwrap();
    let error = other.exchange(&client, &code).await.unwrap_err();
    assert!(matches!(error, LoginError::Exchange(_)), "{error:?}");
    let message = error.to_string();
    assert!(
        !message.contains(other.verifier().expose_secret()),
        "{message}"
    );
    // The right one still works: a failed attempt does not use the code up.
    login
        .exchange(&client, &code)
        .await
        .expect("right verifier");

    // Expired.
    fake.set_code_lifetime(Duration::from_millis(50));
    let login = PendingLogin::new().unwrap();
    let code = authorize(&login.authorization_url(&callback).unwrap()).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let error = login.exchange(&client, &code).await.unwrap_err();
    let LoginError::Exchange(inner) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(inner.message(), Some("The authorization code has expired"));
}

/// Opens the fake's authorization page without following the redirect, and returns the code
/// from the `Location` it redirects to.
async fn authorize(url: &Url) -> String {
    openrouter::install_tls_provider();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = http.get(url.clone()).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 302);
    let location = Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
    code_from_query(location.query().unwrap_or("")).expect("a code")
}

fn form_pairs(query: &str) -> Vec<(String, String)> {
    Url::parse(&format!("http://x/?{query}"))
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}
