//! How the `openrouter` client reports failures: every status the document
//! declares for an operation becomes its typed variant; anything else keeps
//! what was received (`Unexpected`, `Decode`); no response at all is
//! `Transport`, `Timeout` or `InvalidRequest`. Also what successful responses
//! expose, and tolerance of fields and enum values the crate does not know.

use std::time::{Duration, Instant};

use openrouter::api_keys::{
    CreateError, DeleteError, GetCurrentKeyMetadataError, GetError, ListError, UpdateError,
};
use openrouter::models::{
    CreateApiKeyRequestLimitReset as LimitReset,
    CreateAuthCodeRequestCodeChallengeMethod as CodeChallengeMethod,
    CreateAuthCodeRequestUsageLimitType as UsageLimitType,
};
use openrouter::oauth::{CreateAuthCodeError, ExchangeAuthCodeForApiKeyError};
use openrouter::{OpenRouter, RetryPolicy};
use openrouter_tests::FakeOpenRouter;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

const KEY: &str = "sk-or-v1-errors-test-key";
const HASH: &str = "f01d52606dc8f0a8303a7b5cc3fa07109c2e346cec7c0a16b40de462992ce943";
const CALLBACK: &str = "https://myapp.com/auth/callback";

/// One attempt per call: these tests are about what each answer decodes into; retries are
/// tested in `sdk_retries.rs`.
fn client_at(base_url: &str) -> OpenRouter {
    OpenRouter::builder()
        .api_key(KEY)
        .base_url(base_url)
        .retry(RetryPolicy::disabled())
        .build()
        .expect("client")
}

fn client(fake: &FakeOpenRouter) -> OpenRouter {
    client_at(&fake.base_url())
}

fn request_id(status: u16) -> String {
    format!("req-{status}")
}

fn message(status: u16) -> String {
    format!("scripted failure with status {status}")
}

fn metadata() -> Value {
    json!({"provider_name": "fake", "raw": {"retry_after_seconds": 3}})
}

/// Makes the next response `status` with `body`, the given content type and an
/// `x-request-id`, and returns the body bytes as sent.
fn script(fake: &FakeOpenRouter, status: u16, content_type: &str, body: &[u8]) -> Vec<u8> {
    fake.respond_next(
        status,
        vec![
            ("content-type".into(), content_type.into()),
            ("x-request-id".into(), request_id(status)),
        ],
        body.to_vec(),
    );
    body.to_vec()
}

/// Makes the next response a declared error body for `status`, with metadata.
fn script_error(fake: &FakeOpenRouter, status: u16) -> Vec<u8> {
    let body = json!({
        "error": {"code": status, "message": message(status), "metadata": metadata()},
        "openrouter_metadata": {"region": "test"},
        "user_id": "user_123",
    });
    script(
        fake,
        status,
        "application/json",
        body.to_string().as_bytes(),
    )
}

/// Everything a declared error keeps: status, headers, raw body and the decoded body. A macro:
/// each status has its own body type (`BadRequestResponse`, `NotFoundResponse`, ...).
macro_rules! assert_api_error {
    ($error:expr, $status:expr, $body:expr) => {{
        let error = $error;
        let status: u16 = $status;
        let body: &[u8] = $body;
        assert_eq!(error.status().as_u16(), status);
        assert_eq!(
            error.headers().get("x-request-id").map(|v| v.as_bytes()),
            Some(request_id(status).as_bytes())
        );
        assert_eq!(error.raw_body(), body, "raw body kept byte for byte");
        assert_eq!(error.code(), Some(i64::from(status)));
        assert_eq!(error.message(), Some(message(status).as_str()));
        assert_eq!(
            error.metadata().cloned().map(Value::Object),
            Some(metadata())
        );
        assert_eq!(error.body().error.code, i64::from(status));
        assert_eq!(error.body().user_id.as_deref(), Some("user_123"));
        assert_eq!(
            error.body().openrouter_metadata.clone().map(Value::Object),
            Some(json!({"region": "test"}))
        );
    }};
}

/// The accessors every operation's error enum has, for a response that arrived.
macro_rules! assert_received {
    ($error:expr, $status:expr, $body:expr) => {{
        let error = &$error;
        let status: u16 = $status;
        let body: &[u8] = &$body;
        assert_eq!(
            error.status().map(|s| s.as_u16()),
            Some(status),
            "{error:?}"
        );
        assert_eq!(
            error
                .headers()
                .and_then(|h| h.get("x-request-id"))
                .map(|v| v.as_bytes()),
            Some(request_id(status).as_bytes()),
            "{error:?}"
        );
        assert_eq!(error.raw_body(), Some(body), "{error:?}");
    }};
}

/// Sends `call` once per declared error status; each must decode as its own variant.
macro_rules! assert_declared_statuses {
    ($fake:expr, $call:expr, $Error:ident { $($status:literal => $Variant:ident),+ $(,)? }) => {{
        let fake: &FakeOpenRouter = $fake;
        $(
            let body = script_error(fake, $status);
            let error = $call.await.expect_err("an error status");
            let $Error::$Variant(api) = &error else {
                panic!(
                    "status {} should be {}::{}, got {error:?}",
                    $status,
                    stringify!($Error),
                    stringify!($Variant)
                );
            };
            assert_api_error!(api, $status, &body);
            assert_received!(error, $status, body);
            assert_eq!(error.code(), Some($status));
            assert_eq!(error.message(), Some(message($status).as_str()));
        )+
    }};
}

/// What `call` makes of responses its declaration does not cover: an undeclared
/// status, HTML or other JSON on a declared error status, and a success status
/// whose body lacks required fields.
macro_rules! assert_fallbacks {
    ($fake:expr, $call:expr, $Error:ident, declared = $declared:literal, success = $success:literal) => {{
        let fake: &FakeOpenRouter = $fake;
        let cases: [(u16, &str, &[u8]); 4] = [
            (
                418,
                "application/json",
                br#"{"error":{"code":418,"message":"I'm a teapot"}}"#,
            ),
            (
                $declared,
                "text/html",
                b"<html><body>Bad gateway</body></html>",
            ),
            (
                $declared,
                "application/json",
                br#"{"error":"only a string"}"#,
            ),
            ($declared, "application/json", b""),
        ];
        for (status, content_type, body) in cases {
            let body = script(fake, status, content_type, body);
            let error = $call.await.expect_err("an error status");
            assert!(
                matches!(error, $Error::Unexpected(_)),
                "{status} {:?} should be Unexpected, got {error:?}",
                String::from_utf8_lossy(&body)
            );
            assert_received!(error, status, body);
            assert_eq!((error.code(), error.message()), (None, None));
        }

        let body = script(
            fake,
            $success,
            "application/json",
            br#"{"data":{"name":"half a key"}}"#,
        );
        let error = $call.await.expect_err("a body that does not decode");
        let $Error::Decode(decode) = &error else {
            panic!("a success without required fields should be Decode, got {error:?}");
        };
        assert_eq!(decode.status().as_u16(), $success);
        assert_eq!(decode.raw_body(), &body[..]);
        assert_received!(error, $success, body);
        // Where and what, never the value: serde's own error (which quotes it) is not kept.
        let at = format!("at `{}`: ", decode.path());
        assert!(decode.to_string().contains(&at), "{decode}");
        assert!(!decode.to_string().contains("half a key"), "{decode}");
        assert!(std::error::Error::source(&error).is_none());
    }};
}

// ---------------------------------------------------------------------------
// One test per operation: each declared status, then the fallbacks.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn get_current_key_metadata_errors() {
    let fake = FakeOpenRouter::start().await;
    let client = client(&fake);
    let call = || client.api_keys().get_current_key_metadata().send();
    assert_declared_statuses!(&fake, call(), GetCurrentKeyMetadataError {
        401 => Unauthorized,
        500 => InternalServer,
    });
    assert_fallbacks!(
        &fake,
        call(),
        GetCurrentKeyMetadataError,
        declared = 500,
        success = 200
    );
}

#[tokio::test]
async fn list_errors() {
    let fake = FakeOpenRouter::start().await;
    let client = client(&fake);
    let call = || client.api_keys().list().offset(3).send();
    assert_declared_statuses!(&fake, call(), ListError {
        400 => BadRequest,
        401 => Unauthorized,
        429 => TooManyRequests,
        500 => InternalServer,
    });
    assert_fallbacks!(&fake, call(), ListError, declared = 400, success = 200);
}

#[tokio::test]
async fn create_errors() {
    let fake = FakeOpenRouter::start().await;
    let client = client(&fake);
    let call = || client.api_keys().create("failing").send();
    assert_declared_statuses!(&fake, call(), CreateError {
        400 => BadRequest,
        401 => Unauthorized,
        403 => Forbidden,
        429 => TooManyRequests,
        500 => InternalServer,
    });
    assert_fallbacks!(&fake, call(), CreateError, declared = 403, success = 201);
}

#[tokio::test]
async fn get_errors() {
    let fake = FakeOpenRouter::start().await;
    let client = client(&fake);
    let call = || client.api_keys().get(HASH).send();
    assert_declared_statuses!(&fake, call(), GetError {
        401 => Unauthorized,
        404 => NotFound,
        429 => TooManyRequests,
        500 => InternalServer,
    });
    assert_fallbacks!(&fake, call(), GetError, declared = 404, success = 200);
}

#[tokio::test]
async fn delete_errors() {
    let fake = FakeOpenRouter::start().await;
    let client = client(&fake);
    let call = || client.api_keys().delete(HASH).send();
    assert_declared_statuses!(&fake, call(), DeleteError {
        401 => Unauthorized,
        404 => NotFound,
        429 => TooManyRequests,
        500 => InternalServer,
    });
    assert_fallbacks!(&fake, call(), DeleteError, declared = 429, success = 200);
}

#[tokio::test]
async fn update_errors() {
    let fake = FakeOpenRouter::start().await;
    let client = client(&fake);
    let call = || client.api_keys().update(HASH).limit(75.0).send();
    assert_declared_statuses!(&fake, call(), UpdateError {
        400 => BadRequest,
        401 => Unauthorized,
        404 => NotFound,
        429 => TooManyRequests,
        500 => InternalServer,
    });
    assert_fallbacks!(&fake, call(), UpdateError, declared = 500, success = 200);
}

#[tokio::test]
async fn create_auth_code_errors() {
    let fake = FakeOpenRouter::start().await;
    let client = client(&fake);
    let call = || client.oauth().create_auth_code(CALLBACK).send();
    assert_declared_statuses!(&fake, call(), CreateAuthCodeError {
        400 => BadRequest,
        401 => Unauthorized,
        403 => Forbidden,
        409 => Conflict,
        500 => InternalServer,
    });
    assert_fallbacks!(
        &fake,
        call(),
        CreateAuthCodeError,
        declared = 409,
        success = 200
    );
}

#[tokio::test]
async fn exchange_auth_code_for_api_key_errors() {
    let fake = FakeOpenRouter::start().await;
    let client = client(&fake);
    let call = || {
        client
            .oauth()
            .exchange_auth_code_for_api_key("auth_code_x")
            .send()
    };
    assert_declared_statuses!(&fake, call(), ExchangeAuthCodeForApiKeyError {
        400 => BadRequest,
        403 => Forbidden,
        500 => InternalServer,
    });
    assert_fallbacks!(
        &fake,
        call(),
        ExchangeAuthCodeForApiKeyError,
        declared = 400,
        success = 200
    );
}

#[tokio::test]
async fn a_status_declared_by_another_operation_is_unexpected() {
    // 404 is declared for GET /keys/{hash} but not for GET /keys.
    let fake = FakeOpenRouter::start().await;
    let body = script_error(&fake, 404);
    let error = client(&fake)
        .api_keys()
        .list()
        .send()
        .await
        .expect_err("404");
    assert!(matches!(error, ListError::Unexpected(_)), "{error:?}");
    assert_received!(error, 404, body);
}

// ---------------------------------------------------------------------------
// Display
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_declared_error_displays_as_one_line_with_status_code_and_message() {
    let fake = FakeOpenRouter::start().await;
    fake.respond_next_json(
        404,
        json!({"error": {"code": 40401, "message": "No key with that hash"}}),
    );
    let error = client(&fake)
        .api_keys()
        .get(HASH)
        .send()
        .await
        .expect_err("404");
    let text = error.to_string();
    assert!(text.contains("404"), "{text}");
    assert!(text.contains("40401"), "the code: {text}");
    assert!(
        text.contains("No key with that hash"),
        "the message: {text}"
    );
    assert!(!text.contains('\n'), "one line: {text:?}");
    let GetError::NotFound(api) = &error else {
        panic!("{error:?}")
    };
    let text = api.to_string();
    assert!(
        text.contains("404") && text.contains("40401") && text.contains("No key with that hash"),
        "{text}"
    );
}

#[tokio::test]
async fn an_unexpected_response_displays_as_one_line_with_its_status() {
    let fake = FakeOpenRouter::start().await;
    script(
        &fake,
        502,
        "text/html",
        b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>upstream</body>\r\n</html>\r\n",
    );
    let error = client(&fake)
        .api_keys()
        .list()
        .send()
        .await
        .expect_err("502");
    assert!(matches!(error, ListError::Unexpected(_)), "{error:?}");
    let text = error.to_string();
    assert!(text.contains("502"), "{text}");
    assert!(
        !text.contains('\n') && !text.contains('\r'),
        "one line: {text:?}"
    );
}

// ---------------------------------------------------------------------------
// No response: Transport, Timeout, InvalidRequest
// ---------------------------------------------------------------------------

/// A base URL on 127.0.0.1 where nothing listens.
async fn refused_base_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    drop(listener);
    format!("http://{addr}/api/v1")
}

/// A server that accepts connections and never answers. Abort the task to stop it.
async fn silent_server() -> (String, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    (format!("http://{addr}/api/v1"), task)
}

/// A server that reads one request head, waits `delay`, then answers 200 with `body`.
async fn slow_server(delay: Duration, body: Value) -> (String, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let task = tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.to_string();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                tokio::time::sleep(delay).await;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    (format!("http://{addr}/api/v1"), task)
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    let base = refused_base_url().await;
    let client = client_at(&base);

    let error = client.api_keys().list().send().await.expect_err("refused");
    assert!(matches!(error, ListError::Transport(_)), "{error:?}");
    assert_eq!(error.status(), None);
    assert_eq!(error.raw_body(), None);
    assert!(error.headers().is_none());
    let text = error.to_string();
    assert!(!text.is_empty() && !text.contains('\n'), "{text:?}");

    let error = client
        .oauth()
        .exchange_auth_code_for_api_key("auth_code_x")
        .send()
        .await
        .expect_err("refused");
    assert!(
        matches!(error, ExchangeAuthCodeForApiKeyError::Transport(_)),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_per_call_timeout_against_a_silent_server_is_a_timeout() {
    let (base, server) = silent_server().await;
    let client = client_at(&base);

    let started = Instant::now();
    let error = client
        .api_keys()
        .get(HASH)
        .timeout(Duration::from_millis(200))
        .send()
        .await
        .expect_err("no answer");
    let elapsed = started.elapsed();
    assert!(matches!(error, GetError::Timeout(_)), "{error:?}");
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    assert!(elapsed >= Duration::from_millis(150), "took {elapsed:?}");
    assert_eq!(error.status(), None);

    let error = client
        .oauth()
        .create_auth_code(CALLBACK)
        .timeout(Duration::from_millis(200))
        .send()
        .await
        .expect_err("no answer");
    assert!(
        matches!(error, CreateAuthCodeError::Timeout(_)),
        "{error:?}"
    );
    server.abort();
}

#[tokio::test]
async fn a_client_timeout_applies_to_every_call_unless_a_call_sets_its_own() {
    let (base, server) = silent_server().await;
    let client = OpenRouter::builder()
        .api_key(KEY)
        .base_url(&base)
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client");
    let started = Instant::now();
    let error = client
        .api_keys()
        .delete(HASH)
        .send()
        .await
        .expect_err("no answer");
    assert!(matches!(error, DeleteError::Timeout(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5));

    // A long client timeout does not delay a short per-call one.
    let patient = OpenRouter::builder()
        .api_key(KEY)
        .base_url(&base)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let started = Instant::now();
    let error = patient
        .api_keys()
        .update(HASH)
        .timeout(Duration::from_millis(200))
        .send()
        .await
        .expect_err("no answer");
    assert!(matches!(error, UpdateError::Timeout(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    server.abort();

    // A longer per-call timeout lets a slow answer through a short client timeout.
    let (base, server) = slow_server(Duration::from_millis(600), json!({"deleted": true})).await;
    let hasty = OpenRouter::builder()
        .api_key(KEY)
        .base_url(&base)
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client");
    let error = hasty.api_keys().delete(HASH).send().await;
    assert!(matches!(error, Err(DeleteError::Timeout(_))), "{error:?}");
    let response = hasty
        .api_keys()
        .delete(HASH)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("the per-call timeout wins");
    assert!(response.deleted);
    server.abort();
}

#[tokio::test]
async fn an_invalid_header_value_is_an_invalid_request_and_nothing_is_sent() {
    let fake = FakeOpenRouter::start().await;
    let client = client(&fake);

    let error = client
        .api_keys()
        .list()
        .http_referer("bad\nvalue")
        .send()
        .await
        .expect_err("invalid header");
    assert!(matches!(error, ListError::InvalidRequest(_)), "{error:?}");
    assert_eq!(error.status(), None);
    assert!(!error.to_string().is_empty());

    let error = client
        .oauth()
        .exchange_auth_code_for_api_key("auth_code_x")
        .app_title("bad\r\nX-Injected: 1")
        .send()
        .await
        .expect_err("invalid header");
    assert!(
        matches!(error, ExchangeAuthCodeForApiKeyError::InvalidRequest(_)),
        "{error:?}"
    );

    let error = client
        .api_keys()
        .get(HASH)
        .base_url("not a url")
        .send()
        .await
        .expect_err("invalid base URL");
    assert!(matches!(error, GetError::InvalidRequest(_)), "{error:?}");

    assert_eq!(fake.requests(), [], "nothing reached the server");
}

#[test]
fn an_invalid_client_configuration_is_refused_at_build_time() {
    let build = |builder: openrouter::OpenRouterBuilder| builder.api_key(KEY).build();
    for (what, builder) in [
        ("referer", OpenRouter::builder().http_referer("bad\nvalue")),
        ("title", OpenRouter::builder().app_title("bad\nvalue")),
        (
            "categories",
            OpenRouter::builder().app_categories("bad\nvalue"),
        ),
        ("user agent", OpenRouter::builder().user_agent("bad\nvalue")),
        ("base URL", OpenRouter::builder().base_url("not a url")),
        (
            "scheme",
            OpenRouter::builder().base_url("ftp://openrouter.ai/api/v1"),
        ),
    ] {
        let error = build(builder).expect_err(what);
        assert!(!error.to_string().is_empty(), "{what}");
    }
}

// ---------------------------------------------------------------------------
// Successful responses
// ---------------------------------------------------------------------------

/// A complete `ApiKey` object.
fn api_key_json() -> Value {
    json!({
        "hash": HASH,
        "name": "My Production Key",
        "label": "sk-or-v1-0e6...1c96",
        "disabled": false,
        "limit": 100.0,
        "limit_remaining": 74.5,
        "limit_reset": "monthly",
        "include_byok_in_limit": false,
        "usage": 25.5, "usage_daily": 25.5, "usage_weekly": 25.5, "usage_monthly": 25.5,
        "byok_usage": 17.38, "byok_usage_daily": 17.38, "byok_usage_weekly": 17.38,
        "byok_usage_monthly": 17.38,
        "created_at": "2025-08-24T10:30:00Z",
        "updated_at": "2025-08-24T15:45:00Z",
        "creator_user_id": "user_2dHFtVWx2n56w6HkM0000000000",
        "expires_at": "2027-12-31T23:59:59Z",
        "workspace_id": "0df9e665-d932-5740-b2c7-b52af166bc11",
    })
}

#[tokio::test]
async fn a_success_exposes_status_and_headers() {
    let fake = FakeOpenRouter::start().await;
    let body = json!({"data": api_key_json()}).to_string();
    fake.respond_next(
        200,
        vec![
            ("content-type".into(), "application/json".into()),
            ("x-request-id".into(), "req-ok".into()),
            ("x-ratelimit-remaining".into(), "99".into()),
        ],
        body,
    );
    let response = client(&fake)
        .api_keys()
        .get(HASH)
        .send()
        .await
        .expect("get");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["x-request-id"], "req-ok");
    assert_eq!(response.headers()["x-ratelimit-remaining"], "99");
    assert_eq!(response.body().data.hash, HASH);
    assert_eq!(response.data.limit_remaining, Some(74.5));

    let created = client(&fake)
        .api_keys()
        .create("fresh")
        .send()
        .await
        .expect("create");
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(
        created.headers()["content-type"],
        "application/json",
        "{:?}",
        created.headers()
    );
}

#[tokio::test]
async fn unknown_response_fields_and_values_are_accepted() {
    let fake = FakeOpenRouter::start().await;
    let mut key = api_key_json();
    key["limit_reset"] = json!("not-a-real-limit-type-xyz");
    key["brand_new_field"] = json!({"nested": [1, 2, 3]});
    fake.respond_next_json(200, json!({"data": key, "pagination": {"next": null}}));
    let response = client(&fake)
        .api_keys()
        .get(HASH)
        .send()
        .await
        .expect("unknown fields are ignored");
    assert_eq!(
        response.data.limit_reset.as_deref(),
        Some("not-a-real-limit-type-xyz")
    );
    assert_eq!(response.data.name, "My Production Key");

    fake.respond_next_json(
        200,
        json!({"deleted": true, "deleted_at": "2025-08-24T10:30:00Z"}),
    );
    let response = client(&fake)
        .api_keys()
        .delete(HASH)
        .send()
        .await
        .expect("unknown fields are ignored");
    assert!(response.deleted);

    fake.respond_next_json(
        200,
        json!({"key": "sk-or-v1-x", "user_id": null, "scopes": ["all"]}),
    );
    let response = client(&fake)
        .oauth()
        .exchange_auth_code_for_api_key("auth_code_x")
        .send()
        .await
        .expect("unknown fields are ignored");
    assert_eq!(response.user_id, None);
}

#[test]
fn open_enums_keep_unknown_values_through_serde() {
    let unknown: LimitReset =
        serde_json::from_value(json!("not-a-real-reset-xyz")).expect("decode");
    assert_eq!(unknown, LimitReset::Unknown("not-a-real-reset-xyz".into()));
    assert_eq!(
        serde_json::to_value(&unknown).expect("encode"),
        json!("not-a-real-reset-xyz")
    );
    assert_eq!(unknown.as_str(), "not-a-real-reset-xyz");
    assert_eq!(unknown.to_string(), "not-a-real-reset-xyz");

    let known: LimitReset = serde_json::from_value(json!("daily")).expect("decode");
    assert_eq!(known, LimitReset::Daily);
    assert_eq!(
        serde_json::to_value(&known).expect("encode"),
        json!("daily")
    );
    assert_eq!("weekly".parse::<LimitReset>(), Ok(LimitReset::Weekly));

    let method: CodeChallengeMethod =
        serde_json::from_value(json!("not-a-real-method-xyz")).expect("decode");
    assert_eq!(
        method,
        CodeChallengeMethod::Unknown("not-a-real-method-xyz".into())
    );
    assert_eq!(
        serde_json::to_value(&method).expect("encode"),
        json!("not-a-real-method-xyz")
    );
    let method: CodeChallengeMethod = serde_json::from_value(json!("S256")).expect("decode");
    assert_eq!(method, CodeChallengeMethod::S256);
    assert_eq!(CodeChallengeMethod::Plain.as_str(), "plain");

    let usage: UsageLimitType =
        serde_json::from_value(json!("not-a-real-limit-type-xyz")).expect("decode");
    assert_eq!(
        usage,
        UsageLimitType::Unknown("not-a-real-limit-type-xyz".into())
    );
    assert_eq!(
        serde_json::to_value(&usage).expect("encode"),
        json!("not-a-real-limit-type-xyz")
    );
    assert_eq!(
        serde_json::to_value(UsageLimitType::Monthly).expect("encode"),
        json!("monthly")
    );
}

#[tokio::test]
async fn an_undeclared_success_status_is_decoded_as_the_success_body() {
    let fake = FakeOpenRouter::start().await;
    let hash = fake.seed_key("kept");
    let stored = fake.key(&hash).expect("seeded");
    fake.respond_next_json(203, json!({ "data": stored }));
    let response = client(&fake)
        .api_keys()
        .get(&hash)
        .send()
        .await
        .expect("203 decodes");
    assert_eq!(response.status().as_u16(), 203);
    assert_eq!(response.data.hash, hash);
    assert_eq!(response.data.name, "kept");
}
