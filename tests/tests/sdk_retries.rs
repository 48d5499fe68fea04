//! Every operation against a server that misbehaves on cue, counting the requests that reach
//! it: retries happen where they are safe and never where the server may have acted on a
//! request that is not idempotent (creating a key, issuing or spending an authorization code).
//!
//! `cargo test -p openrouter-tests --test sdk_retries -- --nocapture` prints the table of
//! operation × fault → requests seen, outcome and elapsed time.

use std::time::{Duration, Instant};

use openrouter::{OpenRouter, RetryPolicy, TransportKind};
use openrouter_tests::faulty::{Fault, FaultyServer};

/// The eight operations, and whether repeating them is harmless.
const OPERATIONS: [(&str, bool); 8] = [
    ("exchange_auth_code_for_api_key", false),
    ("create_auth_code", false),
    ("get_current_key_metadata", true),
    ("list", true),
    ("create", false),
    ("get", true),
    ("delete", true),
    ("update", false),
];

const KEY: &str = r#"{"byok_usage":0,"byok_usage_daily":0,"byok_usage_monthly":0,"byok_usage_weekly":0,"created_at":"2025-01-01T00:00:00Z","disabled":false,"hash":"h1","include_byok_in_limit":false,"label":"sk-or-v1-abc...xyz","name":"k","usage":0,"usage_daily":0,"usage_monthly":0,"usage_weekly":0,"workspace_id":"w"}"#;

/// A body each operation decodes as success.
fn success(operation: &str) -> Fault {
    let body = match operation {
        "exchange_auth_code_for_api_key" => r#"{"key":"sk-or-v1-new","user_id":"u"}"#.to_owned(),
        "create_auth_code" => {
            r#"{"data":{"id":"code","app_id":1,"created_at":"2025-01-01T00:00:00Z"}}"#.to_owned()
        }
        "get_current_key_metadata" => r#"{"data":{"byok_usage":0,"byok_usage_daily":0,"byok_usage_monthly":0,"byok_usage_weekly":0,"include_byok_in_limit":false,"is_free_tier":false,"is_management_key":false,"is_provisioning_key":false,"label":"l","rate_limit":{"interval":"10s","note":"n","requests":10},"usage":0,"usage_daily":0,"usage_monthly":0,"usage_weekly":0}}"#.to_owned(),
        "list" => format!(r#"{{"data":[{KEY}]}}"#),
        "create" => format!(r#"{{"data":{KEY},"key":"sk-or-v1-new"}}"#),
        "delete" => r#"{"deleted":true}"#.to_owned(),
        _ => format!(r#"{{"data":{KEY}}}"#),
    };
    let status = if operation == "create" { 201 } else { 200 };
    Fault::json(status, &body)
}

/// Short limits, so that a hang costs a fraction of a second.
fn client(base_url: &str) -> OpenRouter {
    OpenRouter::builder()
        .api_key("sk-or-v1-test")
        .base_url(base_url)
        .timeout(Duration::from_millis(300))
        .deadline(Duration::from_secs(5))
        .max_response_bytes(64 * 1024)
        .retry(
            RetryPolicy::default()
                .max_attempts(3)
                .initial_backoff(Duration::from_millis(20))
                .max_backoff(Duration::from_millis(50)),
        )
        .build()
        .expect("client")
}

/// Calls one operation; every error converts into the crate-wide one.
async fn call(client: &OpenRouter, operation: &str) -> Result<(), openrouter::Error> {
    let keys = client.api_keys();
    let oauth = client.oauth();
    match operation {
        "exchange_auth_code_for_api_key" => oauth
            .exchange_auth_code_for_api_key("code")
            .code_verifier("verifier")
            .await
            .map(drop)?,
        "create_auth_code" => oauth
            .create_auth_code("http://localhost:3000/callback")
            .await
            .map(drop)?,
        "get_current_key_metadata" => keys.get_current_key_metadata().await.map(drop)?,
        "list" => keys.list().await.map(drop)?,
        "create" => keys.create("name").await.map(drop)?,
        "get" => keys.get("h1").await.map(drop)?,
        "delete" => keys.delete("h1").await.map(drop)?,
        "update" => keys.update("h1").name("n").await.map(drop)?,
        other => panic!("no operation {other}"),
    }
    Ok(())
}

/// What a call ended with, in a word.
fn outcome(result: &Result<(), openrouter::Error>) -> String {
    match result {
        Ok(()) => "ok".into(),
        Err(e) => match e.status() {
            Some(status) => format!("{}", status.as_u16()),
            None => format!("{:?}", transport(e).map(|t| t.kind())),
        },
    }
}

fn transport(error: &openrouter::Error) -> Option<&openrouter::TransportError> {
    error.transport()
}

/// One fault against every operation: the requests the server saw, per operation.
async fn run(
    fault_name: &str,
    script: impl Fn() -> Vec<Fault>,
    check: impl Fn(&str, bool, usize, &Result<(), openrouter::Error>, Duration),
) {
    for (operation, idempotent) in OPERATIONS {
        let server = FaultyServer::start(script(), success(operation)).await;
        let client = client(&server.base_url());
        let started = Instant::now();
        let result = call(&client, operation).await;
        let elapsed = started.elapsed();
        println!(
            "| {operation} | {fault_name} | {} | {} | {} ms |",
            server.requests(),
            outcome(&result),
            elapsed.as_millis()
        );
        check(operation, idempotent, server.requests(), &result, elapsed);
        assert!(elapsed < Duration::from_secs(5), "{operation}: {elapsed:?}");
    }
}

/// A server error: retried for idempotent operations only.
async fn server_error(name: &str, fault: Fault) {
    run(
        name,
        || vec![fault.clone()],
        |op, idempotent, requests, result, _| {
            if idempotent {
                assert_eq!(requests, 2, "{op}: one failure, one retry");
                assert!(result.is_ok(), "{op}: {result:?}");
            } else {
                assert_eq!(requests, 1, "{op}: never repeated after {name}");
                assert!(result.is_err(), "{op}");
            }
        },
    )
    .await;
}

#[tokio::test]
async fn status_500_is_retried_only_where_safe() {
    let body = r#"{"error":{"code":500,"message":"boom"}}"#;
    server_error("500", Fault::json(500, body)).await;
}

#[tokio::test]
async fn status_502_html_is_retried_only_where_safe() {
    let fault = Fault::text(502, "text/html", "<html>bad gateway</html>");
    server_error("502 html", fault).await;
}

#[tokio::test]
async fn status_504_is_retried_only_where_safe() {
    server_error("504", Fault::json(504, "{}")).await;
}

#[tokio::test]
async fn status_500_with_retry_after_is_still_not_repeated_for_a_create() {
    let fault = Fault::json(500, "{}").with_header("retry-after-ms", "10");
    server_error("500 retry-after-ms", fault).await;
}

/// A 503 that says when to come back has not acted: every operation is retried, after the
/// wait the server asked for.
#[tokio::test]
async fn status_503_with_retry_after_ms_is_retried_everywhere_after_the_wait() {
    run(
        "503 retry-after-ms 200",
        || vec![Fault::json(503, "{}").with_header("retry-after-ms", "200")],
        |op, _, requests, result, elapsed| {
            assert_eq!(requests, 2, "{op}");
            assert!(result.is_ok(), "{op}: {result:?}");
            assert!(elapsed >= Duration::from_millis(200), "{op}: {elapsed:?}");
        },
    )
    .await;
}

#[tokio::test]
async fn status_429_with_retry_after_is_retried_everywhere_after_the_wait() {
    run(
        "429 Retry-After: 1",
        || vec![Fault::json(429, "{}").with_header("retry-after", "1")],
        |op, _, requests, result, elapsed| {
            assert_eq!(requests, 2, "{op}");
            assert!(result.is_ok(), "{op}: {result:?}");
            assert!(elapsed >= Duration::from_secs(1), "{op}: {elapsed:?}");
        },
    )
    .await;
}

#[tokio::test]
async fn status_429_without_retry_after_is_retried_everywhere() {
    run(
        "429",
        || vec![Fault::json(429, "{}")],
        |op, _, requests, result, _| {
            assert_eq!(requests, 2, "{op}");
            assert!(result.is_ok(), "{op}: {result:?}");
        },
    )
    .await;
}

/// A wait longer than the policy accepts ends the call at once with the 429.
#[tokio::test]
async fn a_retry_after_beyond_the_cap_ends_the_call_now() {
    run(
        "429 Retry-After: 3600",
        || vec![Fault::json(429, "{}").with_header("retry-after", "3600")],
        |op, _, requests, result, elapsed| {
            assert_eq!(requests, 1, "{op}");
            assert_eq!(outcome(result), "429", "{op}");
            assert!(elapsed < Duration::from_secs(1), "{op}: {elapsed:?}");
        },
    )
    .await;
}

/// A hang or a trickle ends at the attempt timeout; only idempotent calls try again.
async fn too_slow(name: &str, fault: Fault) {
    run(
        name,
        || vec![fault.clone(); 3],
        |op, idempotent, requests, result, elapsed| {
            let error = result.as_ref().expect_err("no answer in time");
            let t = transport(error).expect("a transport error");
            assert_eq!(t.kind(), TransportKind::TimedOut, "{op}");
            assert!(t.may_have_been_processed(), "{op}");
            let attempts = if idempotent { 3 } else { 1 };
            assert_eq!(requests, attempts, "{op}");
            assert_eq!(t.attempts() as usize, attempts, "{op}");
            assert!(
                elapsed >= Duration::from_millis(300 * attempts as u64),
                "{op}: {elapsed:?}"
            );
            assert!(error.to_string().contains("timed out"), "{error}");
        },
    )
    .await;
}

#[tokio::test]
async fn a_hang_ends_at_the_attempt_timeout() {
    too_slow("hang", Fault::Hang).await;
}

#[tokio::test]
async fn a_trickle_ends_at_the_attempt_timeout() {
    too_slow("trickle", Fault::Trickle).await;
}

/// The request arrived, then the connection broke: the server may have acted.
async fn cut_short(name: &str, fault: Fault) {
    run(
        name,
        || vec![fault.clone()],
        |op, idempotent, requests, result, _| {
            if idempotent {
                assert_eq!(requests, 2, "{op}");
                assert!(result.is_ok(), "{op}: {result:?}");
            } else {
                assert_eq!(requests, 1, "{op}");
                let error = result.as_ref().expect_err("cut short");
                let t = transport(error).expect("a transport error");
                assert_eq!(t.kind(), TransportKind::Incomplete, "{op}");
                assert!(t.may_have_been_processed(), "{op}");
                assert!(error.to_string().contains("may have acted"), "{error}");
            }
        },
    )
    .await;
}

#[tokio::test]
async fn a_connection_closed_after_the_request_is_retried_only_where_safe() {
    cut_short("closed after request", Fault::CloseAfterRequest).await;
}

#[tokio::test]
async fn a_truncated_body_is_retried_only_where_safe() {
    cut_short("truncated body", Fault::Truncated).await;
}

/// Nothing was sent, so every operation may try again; the error says so.
#[tokio::test]
async fn a_refused_connection_is_retried_for_every_operation() {
    for (operation, _) in OPERATIONS {
        let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = closed.local_addr().expect("address");
        drop(closed);
        let client = client(&format!("http://{addr}/api/v1"));
        let started = Instant::now();
        let result = call(&client, operation).await;
        let error = result.as_ref().expect_err("refused");
        let t = transport(error).expect("a transport error");
        println!(
            "| {operation} | refused | 0 | {:?} x{} | {} ms |",
            t.kind(),
            t.attempts(),
            started.elapsed().as_millis()
        );
        assert_eq!(t.kind(), TransportKind::NotConnected, "{operation}");
        assert_eq!(t.attempts(), 3, "{operation}");
        assert!(!t.may_have_been_processed(), "{operation}");
        let text = error.to_string();
        assert!(text.contains("connection refused"), "{text}");
        assert_eq!(text.matches("connection refused").count(), 1, "{text}");
    }
}

/// A redirect to another origin is not followed: the body (a code, a key) stays here.
#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed() {
    let elsewhere = FaultyServer::start(vec![], Fault::json(200, "{}")).await;
    let location = format!("{}/keys", elsewhere.base_url());
    for status in [302, 307] {
        run(
            &format!("{status} to another origin"),
            || vec![Fault::json(status, "").with_header("location", &location)],
            |op, _, requests, result, _| {
                assert_eq!(requests, 1, "{op}");
                assert_eq!(outcome(result), status.to_string(), "{op}");
            },
        )
        .await;
    }
    assert_eq!(elsewhere.requests(), 0, "nothing reached the other origin");
}

/// Within the origin, 307 and 308 keep method and body and are followed; a 302 would turn a
/// POST into a GET and is not.
#[tokio::test]
async fn a_same_origin_307_is_followed_and_a_302_is_not() {
    for (operation, _) in OPERATIONS {
        for (status, followed) in [(307, true), (302, false)] {
            let server = FaultyServer::start(vec![], success(operation)).await;
            let script = vec![Fault::json(status, "").with_header("location", "/api/v1/moved")];
            let redirecting = FaultyServer::start(script, success(operation)).await;
            // The redirect points at its own origin.
            drop(server);
            let client = client(&redirecting.base_url());
            let result = call(&client, operation).await;
            if followed {
                assert_eq!(redirecting.requests(), 2, "{operation} {status}");
                assert!(result.is_ok(), "{operation} {status}: {result:?}");
            } else {
                assert_eq!(redirecting.requests(), 1, "{operation} {status}");
                assert_eq!(outcome(&result), status.to_string(), "{operation}");
            }
        }
    }
}

/// A body over the limit ends the call having read no more than the limit.
#[tokio::test]
async fn an_oversized_body_ends_the_call() {
    for (name, fault) in [
        ("announced 10 MB", Fault::json(200, &" ".repeat(10 << 20))),
        ("streamed 2 MB", Fault::Stream { bytes: 2 << 20 }),
    ] {
        run(
            name,
            || vec![fault.clone()],
            |op, _, requests, result, _| {
                assert_eq!(requests, 1, "{op}: a size error is not retried");
                let error = result.as_ref().expect_err("too large");
                let t = transport(error).expect("a transport error");
                assert_eq!(t.kind(), TransportKind::TooLarge, "{op}");
            },
        )
        .await;
    }
}

/// Each call's deadline bounds the whole loop, retries and waits included.
#[tokio::test]
async fn the_deadline_bounds_every_retry() {
    let server = FaultyServer::start(vec![Fault::Hang; 10], success("list")).await;
    let client = OpenRouter::builder()
        .base_url(server.base_url())
        .timeout(Duration::from_secs(10))
        .retry(RetryPolicy::default().max_attempts(10))
        .build()
        .expect("client");
    let started = Instant::now();
    let result = client
        .api_keys()
        .list()
        .deadline(Duration::from_millis(500))
        .await;
    let elapsed = started.elapsed();
    assert!(result.is_err());
    assert!(elapsed < Duration::from_millis(900), "{elapsed:?}");
    assert_eq!(
        server.requests(),
        1,
        "the first attempt used the whole deadline"
    );
}

/// Retries can be turned off per call, and a create can opt in when the caller knows it is
/// safe.
#[tokio::test]
async fn retries_are_configurable_per_call() {
    let server = FaultyServer::start(vec![Fault::json(500, "{}")], success("list")).await;
    let listing = client(&server.base_url());
    let result = listing
        .api_keys()
        .list()
        .retry(RetryPolicy::disabled())
        .await;
    assert!(result.is_err());
    assert_eq!(server.requests(), 1);

    let server = FaultyServer::start(vec![Fault::json(500, "{}")], success("create")).await;
    let creating = client(&server.base_url());
    let policy = RetryPolicy::default()
        .initial_backoff(Duration::from_millis(10))
        .retry_non_idempotent(true);
    let result = creating.api_keys().create("n").retry(policy).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(server.requests(), 2);
}
