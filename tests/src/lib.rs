//! Test support for the `openrouter` client: [`FakeOpenRouter`], an in-process,
//! stateful fake of the eight endpoints that `spec/openrouter.yaml` describes.
//!
//! The fake listens on `127.0.0.1` on a free port, serves the API under
//! `/api/v1` like the real server, records every request it receives exactly as
//! it arrived on the wire, and can be told to answer the next requests with
//! scripted responses instead of its own logic.
//!
//! ```no_run
//! # async fn demo() {
//! let fake = openrouter_tests::FakeOpenRouter::start().await;
//! let hash = fake.seed_key("ci");
//! // ... point a client at `fake.base_url()` and call `GET /keys/{hash}` ...
//! let request = fake.last_request().expect("a request");
//! assert_eq!(request.path, format!("/api/v1/keys/{hash}"));
//! # }
//! ```
#![deny(missing_docs)]

mod authorize;
mod fake;
pub mod faulty;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::Value;
use tokio::sync::oneshot;

pub use authorize::AUTHORIZATION_PATH;
pub use fake::{DEFAULT_WORKSPACE_ID, FAKE_APP_ID, FAKE_USER_ID};

/// The path under which the fake serves the API, like `https://openrouter.ai/api/v1`.
pub const API_PREFIX: &str = "/api/v1";

/// The largest request body the fake reads; larger bodies get a 400.
const MAX_BODY: usize = 1 << 20;

/// One HTTP request as the fake received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method, for instance `"GET"`.
    pub method: String,
    /// The raw path, percent-encoding intact, without the query string.
    pub path: String,
    /// The raw query string (without the `?`), or `None` when the target had no `?`.
    pub query: Option<String>,
    /// Every header in the order received, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body bytes (empty when no body was sent).
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The value of the first header called `name` (compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of the headers called `name` (compared case-insensitively), in order.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body parsed as JSON.
    ///
    /// # Panics
    ///
    /// When the body is not valid JSON; the message shows the body.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "the body of {} {} is not JSON ({e}): {:?}",
                self.method,
                self.path,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// A response queued by [`FakeOpenRouter::respond_next`].
#[derive(Debug)]
struct Scripted {
    status: StatusCode,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Vec<u8>,
}

type Shared = Arc<Mutex<fake::State>>;

fn lock(shared: &Shared) -> MutexGuard<'_, fake::State> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An in-process fake of the OpenRouter API, listening on `127.0.0.1`.
///
/// State is kept in memory: API keys (in insertion order) and issued
/// authorization codes. The behaviour follows `spec/openrouter.yaml`:
///
/// * `POST /keys` creates a key (201), `GET /keys` lists keys of one workspace
///   (honouring `include_disabled`, `offset` and `workspace_id`),
///   `GET`/`PATCH`/`DELETE /keys/{hash}` read, change and remove one (404 when
///   unknown), `GET /key` describes the key in the `Authorization` header.
/// * `POST /auth/keys/code` issues an authorization code and remembers its PKCE
///   challenge; `POST /auth/keys` exchanges it once for a new key, checking
///   the verifier (400 on any failure). Codes are single-use and expire (see
///   [`FakeOpenRouter::set_code_lifetime`]).
/// * `GET /auth` (outside the API prefix, see [`FakeOpenRouter::authorization_url`]) is the
///   authorization page: it issues a code bound to the query's challenge and redirects (302) to
///   `callback_url?code=...`.
/// * Errors carry `{"error": {"code": <status>, "message": "..."}}`.
/// * Every operation except `POST /auth/keys` (which declares no 401) requires
///   `Authorization: Bearer <token>` unless the fake was started with
///   [`FakeOpenRouter::start_open`] or [`FakeOpenRouter::set_require_auth`] turned it off.
/// * Paths are matched on the raw request path: `{hash}` is one segment,
///   percent-decoded by the fake; extra segments give 404.
///
/// The server shuts down when the value is dropped.
pub struct FakeOpenRouter {
    addr: SocketAddr,
    shared: Shared,
    shutdown: Option<oneshot::Sender<()>>,
}

impl FakeOpenRouter {
    /// Starts a fake that requires `Authorization: Bearer <token>`.
    ///
    /// # Panics
    ///
    /// When no port can be bound on `127.0.0.1`, or outside a Tokio runtime.
    pub async fn start() -> Self {
        Self::launch(true).await
    }

    /// Starts a fake that accepts requests without an `Authorization` header.
    ///
    /// # Panics
    ///
    /// As [`FakeOpenRouter::start`].
    pub async fn start_open() -> Self {
        Self::launch(false).await
    }

    async fn launch(require_auth: bool) -> Self {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind 127.0.0.1:0 for the fake OpenRouter");
        let addr = listener
            .local_addr()
            .expect("local address of the fake OpenRouter");
        let shared: Shared = Arc::new(Mutex::new(fake::State::new(require_auth)));
        let app = Router::new().fallback({
            let shared = shared.clone();
            move |request: Request| handle(shared.clone(), request)
        });
        let (shutdown, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        FakeOpenRouter {
            addr,
            shared,
            shutdown: Some(shutdown),
        }
    }

    /// The socket address the fake listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL of the API, `http://127.0.0.1:PORT/api/v1` (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("http://{}{API_PREFIX}", self.addr)
    }

    /// The authorization page, `http://127.0.0.1:PORT/auth`: it approves at once and redirects
    /// to `callback_url?code=...`.
    pub fn authorization_url(&self) -> String {
        format!("http://{}{AUTHORIZATION_PATH}", self.addr)
    }

    /// How long an issued authorization code can be exchanged (ten minutes unless set).
    pub fn set_code_lifetime(&self, lifetime: std::time::Duration) {
        lock(&self.shared).code_lifetime = lifetime;
    }

    /// Turns the `Authorization: Bearer` requirement on or off.
    pub fn set_require_auth(&self, require: bool) {
        lock(&self.shared).require_auth = require;
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared).requests.clone()
    }

    /// The most recent request received, if any.
    pub fn last_request(&self) -> Option<RecordedRequest> {
        lock(&self.shared).requests.last().cloned()
    }

    /// Forgets the requests recorded so far.
    pub fn clear_requests(&self) {
        lock(&self.shared).requests.clear();
    }

    /// Makes the next request (whatever its path) get exactly this response,
    /// bypassing the fake's logic. Calls queue up: each request takes the oldest
    /// queued response. No header is added, not even `content-type`.
    ///
    /// # Panics
    ///
    /// When `status` is not a valid status code or a header is not valid HTTP.
    pub fn respond_next(
        &self,
        status: u16,
        headers: Vec<(String, String)>,
        body: impl Into<Vec<u8>>,
    ) {
        let status = StatusCode::from_u16(status)
            .unwrap_or_else(|e| panic!("respond_next: invalid status {status}: {e}"));
        let headers = headers
            .into_iter()
            .map(|(name, value)| {
                let n = HeaderName::try_from(name.as_str())
                    .unwrap_or_else(|e| panic!("respond_next: invalid header name {name:?}: {e}"));
                let v = HeaderValue::try_from(value.as_str()).unwrap_or_else(|e| {
                    panic!("respond_next: invalid value {value:?} of {name}: {e}")
                });
                (n, v)
            })
            .collect();
        lock(&self.shared).scripted.push_back(Scripted {
            status,
            headers,
            body: body.into(),
        });
    }

    /// [`FakeOpenRouter::respond_next`] with a JSON body and `content-type: application/json`.
    pub fn respond_next_json(&self, status: u16, body: Value) {
        self.respond_next(
            status,
            vec![("content-type".into(), "application/json".into())],
            body.to_string(),
        );
    }

    /// Adds an enabled key called `name` to the default workspace, with no
    /// limit and zero usage, and returns its hash.
    pub fn seed_key(&self, name: &str) -> String {
        self.insert_key(serde_json::json!({ "name": name }))
    }

    /// Adds a key and returns its hash. `fields` is a JSON object of `ApiKey`
    /// fields overriding the defaults of [`FakeOpenRouter::seed_key`]; a missing
    /// `hash` is generated. A key with the same hash is replaced in place.
    ///
    /// # Panics
    ///
    /// When `fields` is not a JSON object or its `hash` is not a string.
    pub fn insert_key(&self, fields: Value) -> String {
        let Value::Object(fields) = fields else {
            panic!("insert_key takes a JSON object, got {fields}");
        };
        lock(&self.shared).insert_key(fields)
    }

    /// The stored `ApiKey` object with this hash, as the API would return it.
    pub fn key(&self, hash: &str) -> Option<Value> {
        lock(&self.shared).key(hash)
    }

    /// Every stored `ApiKey` object (all workspaces, disabled ones too), in insertion order.
    pub fn keys(&self) -> Vec<Value> {
        lock(&self.shared).keys()
    }

    /// Issues an authorization code as `POST /auth/keys/code` would and returns
    /// its id. `method` defaults to `plain` when a challenge is given without one.
    pub fn seed_auth_code(&self, code_challenge: Option<&str>, method: Option<&str>) -> String {
        lock(&self.shared).seed_auth_code(code_challenge, method)
    }
}

impl std::fmt::Debug for FakeOpenRouter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeOpenRouter")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

impl Drop for FakeOpenRouter {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

async fn handle(shared: Shared, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, MAX_BODY).await;
    let recorded = RecordedRequest {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                (n.as_str().to_owned(), value)
            })
            .collect(),
        body: body.as_ref().map(|b| b.to_vec()).unwrap_or_default(),
    };
    let mut state = lock(&shared);
    state.requests.push(recorded.clone());
    if let Some(scripted) = state.scripted.pop_front() {
        return scripted_response(scripted);
    }
    if recorded.method == "GET" && recorded.path == AUTHORIZATION_PATH {
        return authorize::authorize(&mut state, recorded.query.as_deref().unwrap_or(""));
    }
    let reply = match body {
        Ok(_) => state.handle(&recorded),
        Err(_) => fake::Reply::error(400, "the request body could not be read"),
    };
    drop(state);
    let mut response = Response::new(Body::from(reply.body.to_string()));
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn scripted_response(scripted: Scripted) -> Response {
    let mut response = Response::new(Body::from(scripted.body));
    *response.status_mut() = scripted.status;
    for (name, value) in scripted.headers {
        response.headers_mut().append(name, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    async fn send(
        fake: &FakeOpenRouter,
        method: &str,
        path: &str,
        auth: bool,
        body: Option<Value>,
    ) -> (u16, Value) {
        let url = format!("{}{path}", fake.base_url());
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = {
            openrouter::install_tls_provider();
            reqwest::Client::new()
        }
        .request(method, url);
        if auth {
            request = request.bearer_auth("test-key");
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("response");
        let status = response.status().as_u16();
        let bytes = response.bytes().await.expect("body");
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    #[tokio::test]
    async fn requires_a_bearer_token_unless_open() {
        let fake = FakeOpenRouter::start().await;
        let (status, body) = send(&fake, "GET", "/keys", false, None).await;
        assert_eq!(status, 401);
        assert_eq!(
            body,
            json!({"error": {"code": 401, "message": "Missing Authentication header"}})
        );
        fake.set_require_auth(false);
        assert_eq!(send(&fake, "GET", "/keys", false, None).await.0, 200);
        let open = FakeOpenRouter::start_open().await;
        assert_eq!(send(&open, "GET", "/key", false, None).await.0, 200);
    }

    #[tokio::test]
    async fn matches_raw_paths() {
        let fake = FakeOpenRouter::start().await;
        let hash = fake.insert_key(json!({"hash": "a/b", "name": "slash"}));
        assert_eq!(
            send(&fake, "GET", "/keys/a%2Fb", true, None).await.1["data"]["hash"],
            hash
        );
        assert_eq!(send(&fake, "GET", "/keys/a/b", true, None).await.0, 404);
        assert_eq!(
            send(&fake, "GET", "/keys/a%2Fb/extra", true, None).await.0,
            404
        );
        assert_eq!(send(&fake, "GET", "/keys/", true, None).await.0, 404);
        assert_eq!(send(&fake, "GET", "/keys/%zz", true, None).await.0, 400);
        assert_eq!(send(&fake, "PUT", "/keys", true, None).await.0, 405);
        let request = fake.last_request().expect("request");
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("PUT", "/api/v1/keys")
        );
    }

    #[tokio::test]
    async fn keeps_keys() {
        let fake = FakeOpenRouter::start().await;
        let (status, body) = send(&fake, "POST", "/keys", true, Some(json!({"name": ""}))).await;
        assert_eq!((status, body["error"]["code"].clone()), (400, json!(400)));
        let body = json!({"name": "k", "limit": 5.0, "limit_reset": "weekly"});
        let (status, created) = send(&fake, "POST", "/keys", true, Some(body)).await;
        assert_eq!(status, 201);
        let hash = created["data"]["hash"].as_str().expect("hash").to_owned();
        let path = format!("/keys/{hash}");

        let (_, patched) = send(&fake, "PATCH", &path, true, Some(json!({"disabled": true}))).await;
        assert_eq!(
            (
                patched["data"]["limit"].clone(),
                patched["data"]["limit_reset"].clone()
            ),
            (json!(5.0), json!("weekly"))
        );
        let body = json!({"limit": null, "limit_reset": null});
        let (_, patched) = send(&fake, "PATCH", &path, true, Some(body)).await;
        assert_eq!(patched["data"]["limit"], Value::Null);
        assert_eq!(patched["data"]["limit_remaining"], Value::Null);
        assert_eq!(patched["data"]["limit_reset"], Value::Null);
        assert_eq!(patched["data"]["name"], "k");
        assert!(patched["data"]["updated_at"].is_string());

        assert_eq!(
            send(&fake, "GET", "/keys", true, None).await.1["data"],
            json!([])
        );
        let listed = send(&fake, "GET", "/keys?include_disabled=true", true, None)
            .await
            .1;
        assert_eq!(listed["data"][0]["hash"], hash.as_str());
        assert_eq!(
            send(&fake, "GET", "/keys?offset=-1", true, None).await.0,
            400
        );
        assert_eq!(
            send(&fake, "DELETE", &path, true, None).await.1,
            json!({"deleted": true})
        );
        assert_eq!(send(&fake, "DELETE", &path, true, None).await.0, 404);
        assert_eq!(
            send(&fake, "PATCH", &path, true, Some(json!({}))).await.0,
            404
        );
    }

    #[tokio::test]
    async fn exchanges_codes_once() {
        let fake = FakeOpenRouter::start().await;
        let body = json!({
            "callback_url": "http://localhost:3000/cb",
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "code_challenge_method": "S256",
        });
        let (status, created) = send(&fake, "POST", "/auth/keys/code", true, Some(body)).await;
        assert_eq!(status, 200);
        let code = created["data"]["id"].clone();
        let wrong = json!({"code": code, "code_verifier": "nope"});
        assert_eq!(
            send(&fake, "POST", "/auth/keys", false, Some(wrong))
                .await
                .0,
            400
        );
        let right =
            json!({"code": code, "code_verifier": "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"});
        let (status, key) = send(&fake, "POST", "/auth/keys", false, Some(right.clone())).await;
        assert_eq!((status, key["user_id"].clone()), (200, json!(FAKE_USER_ID)));
        assert_eq!(
            send(&fake, "POST", "/auth/keys", false, Some(right))
                .await
                .0,
            400
        );

        let plain = fake.seed_auth_code(Some("verifier"), None);
        let body =
            json!({"code": plain, "code_verifier": "verifier", "code_challenge_method": "plain"});
        assert_eq!(
            send(&fake, "POST", "/auth/keys", false, Some(body)).await.0,
            200
        );
        let bad_callback = json!({"callback_url": "http://example.com/cb"});
        assert_eq!(
            send(&fake, "POST", "/auth/keys/code", true, Some(bad_callback))
                .await
                .0,
            400
        );
    }

    #[tokio::test]
    async fn replays_scripted_responses_in_order() {
        let fake = FakeOpenRouter::start().await;
        fake.respond_next(503, vec![("x-extra".into(), "1".into())], "not json");
        fake.respond_next_json(200, json!({"data": [], "surprise": true}));
        let response = {
            openrouter::install_tls_provider();
            reqwest::Client::new()
        }
        .get(format!("{}/anything", fake.base_url()))
        .send()
        .await
        .expect("response");
        assert_eq!(response.status().as_u16(), 503);
        assert_eq!(response.headers()["x-extra"], "1");
        assert_eq!(response.text().await.expect("text"), "not json");
        assert_eq!(
            send(&fake, "GET", "/keys", false, None).await,
            (200, json!({"data": [], "surprise": true}))
        );
        assert_eq!(send(&fake, "GET", "/keys", false, None).await.0, 401);
        assert_eq!(fake.requests().len(), 3);
    }

    #[tokio::test]
    async fn stops_when_dropped() {
        let fake = FakeOpenRouter::start().await;
        let addr = fake.addr();
        drop(fake);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(addr).await.is_err() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the fake still accepts connections after being dropped");
    }
}

/// The project README's example, compiled as a doctest so that it cannot drift from the crate.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// Required arguments are parameters of the group method, so forgetting one is a compile error,
/// never a request the server refuses. This compiles:
///
/// ```
/// # async fn f(client: openrouter::OpenRouter) {
/// let _ = client.api_keys().create("name").send().await;
/// let _ = client.api_keys().update("hash").send().await;
/// # }
/// ```
///
/// and each of these does not:
///
/// ```compile_fail
/// # async fn f(client: openrouter::OpenRouter) {
/// let _ = client.api_keys().create().send().await; // no name
/// # }
/// ```
///
/// ```compile_fail
/// # async fn f(client: openrouter::OpenRouter) {
/// let _ = client.api_keys().update().send().await; // no hash
/// # }
/// ```
///
/// ```compile_fail
/// # async fn f(client: openrouter::OpenRouter) {
/// let _ = client.oauth().create_auth_code().send().await; // no callback_url
/// # }
/// ```
#[cfg(doctest)]
pub struct RequiredArgumentsAreEnforced;
