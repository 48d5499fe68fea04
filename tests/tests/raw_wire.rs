#![cfg(feature = "raw")]
//! What the low-level client `openrouter::raw` puts on the wire for each of the
//! eight operations, and what it makes of the fake's answers.

use openrouter::raw::{self, Error, types};
use openrouter_tests::{FAKE_APP_ID, FAKE_USER_ID, FakeOpenRouter, RecordedRequest};
use serde_json::{Value, json};

const REFERER: &str = "https://example.com/my-app";
const TITLE: &str = "Wire Test App";
const CATEGORIES: &str = "cli-agent,cloud-agent";
const WORKSPACE: &str = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
const CREATOR: &str = "user_2dHFtVWx2n56w6HkM0000000000";
/// The verifier and S256 challenge of RFC 7636, appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// The raw client adds no authentication, so the reqwest client carries it.
fn client(fake: &FakeOpenRouter) -> raw::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        reqwest::header::HeaderValue::from_static("Bearer test-key"),
    );
    openrouter::install_tls_provider();
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("reqwest client");
    raw::Client::new_with_client(&fake.base_url(), http)
}

fn only_request(fake: &FakeOpenRouter) -> RecordedRequest {
    let requests = fake.requests();
    assert_eq!(
        requests.len(),
        1,
        "expected exactly one request: {requests:#?}"
    );
    requests.into_iter().next().expect("one request")
}

/// Checks the request line, every header and the body of one request.
fn assert_wire(
    request: &RecordedRequest,
    method: &str,
    path: &str,
    query: Option<&str>,
    body: Option<Value>,
) {
    assert_eq!(request.method, method);
    assert_eq!(request.path, path);
    assert_eq!(request.query.as_deref(), query);
    assert_eq!(request.header_values("http-referer"), [REFERER]);
    assert_eq!(request.header_values("x-openrouter-title"), [TITLE]);
    assert_eq!(
        request.header_values("x-openrouter-categories"),
        [CATEGORIES]
    );
    assert_eq!(request.header_values("authorization"), ["Bearer test-key"]);
    assert_eq!(request.header_values("accept"), ["application/json"]);
    assert_eq!(request.header("api-version"), None, "{:?}", request.headers);

    let mut names: Vec<&str> = request.headers.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    // `accept-encoding`: these tests turn on the `gzip` feature.
    let mut expected = vec![
        "accept",
        "accept-encoding",
        "authorization",
        "host",
        "http-referer",
        "x-openrouter-categories",
        "x-openrouter-title",
    ];
    match body {
        Some(body) => {
            assert_eq!(request.header("content-type"), Some("application/json"));
            assert_eq!(request.json(), body);
            expected.extend(["content-length", "content-type"]);
        }
        None => {
            assert_eq!(request.header("content-type"), None);
            assert!(
                request.body.is_empty(),
                "unexpected body {:?}",
                request.body
            );
        }
    }
    expected.sort_unstable();
    assert_eq!(names, expected, "header names on the wire");
}

fn expected_label(secret: &str) -> String {
    format!("{}...{}", &secret[..12], &secret[secret.len() - 4..])
}

#[tokio::test]
async fn exchange_auth_code_for_api_key() {
    let fake = FakeOpenRouter::start().await;
    let code = fake.seed_auth_code(Some(CHALLENGE), Some("S256"));
    let client = client(&fake);

    let response = client
        .exchange_auth_code_for_api_key()
        .http_referer(REFERER)
        .x_open_router_title(TITLE)
        .x_open_router_categories(CATEGORIES)
        .body_map(|body| {
            body.code(code.clone())
                .code_challenge_method(Some(
                    types::ExchangeAuthCodeRequestCodeChallengeMethod::S256,
                ))
                .code_verifier(Some(VERIFIER.into()))
        })
        .send()
        .await
        .expect("exchange");

    assert_eq!(response.status().as_u16(), 200);
    let exchanged = response.into_inner();
    assert!(exchanged.key.expose_secret().starts_with("sk-or-v1-"));
    assert_eq!(exchanged.key.expose_secret().len(), "sk-or-v1-".len() + 64);
    assert_eq!(exchanged.user_id.as_deref(), Some(FAKE_USER_ID));
    assert_wire(
        &only_request(&fake),
        "POST",
        "/api/v1/auth/keys",
        None,
        Some(json!({
            "code": code,
            "code_challenge_method": "S256",
            "code_verifier": VERIFIER,
        })),
    );

    // The code is spent: a second exchange is a declared 400.
    let again = client
        .exchange_auth_code_for_api_key()
        .body_map(|body| {
            body.code(code)
                .code_challenge_method(Some(
                    types::ExchangeAuthCodeRequestCodeChallengeMethod::S256,
                ))
                .code_verifier(Some(VERIFIER.into()))
        })
        .send()
        .await;
    match again {
        Err(Error::ErrorResponse(error)) => {
            assert_eq!(error.status().as_u16(), 400);
            assert_eq!(error.error.code, 400);
        }
        other => panic!("expected a 400 error response, got {other:?}"),
    }
}

#[tokio::test]
async fn create_auth_keys_code() {
    let fake = FakeOpenRouter::start().await;
    let client = client(&fake);

    let response = client
        .create_auth_keys_code()
        .http_referer(REFERER)
        .x_open_router_title(TITLE)
        .x_open_router_categories(CATEGORIES)
        .body_map(|body| {
            body.callback_url("https://myapp.com/auth/callback")
                .code_challenge(Some(CHALLENGE.into()))
                .code_challenge_method(Some(types::CreateAuthCodeRequestCodeChallengeMethod::S256))
                .expires_at(Some("2027-12-31T23:59:59Z".parse().expect("timestamp")))
                .key_label(Some("My Custom Key".try_into().expect("label")))
                .limit(Some(100.5))
                .usage_limit_type(Some(types::CreateAuthCodeRequestUsageLimitType::Weekly))
                .workspace_id(Some(WORKSPACE.parse().expect("uuid")))
        })
        .send()
        .await
        .expect("create code");

    assert_eq!(response.status().as_u16(), 200);
    let code = response.into_inner().data;
    assert!(code.id.expose_secret().starts_with("auth_code_"));
    assert_eq!(code.app_id, FAKE_APP_ID);
    assert_eq!(code.created_at.len(), "2025-08-24T10:30:00Z".len());
    assert_wire(
        &only_request(&fake),
        "POST",
        "/api/v1/auth/keys/code",
        None,
        Some(json!({
            "callback_url": "https://myapp.com/auth/callback",
            "code_challenge": CHALLENGE,
            "code_challenge_method": "S256",
            "expires_at": "2027-12-31T23:59:59Z",
            "key_label": "My Custom Key",
            "limit": 100.5,
            "usage_limit_type": "weekly",
            "workspace_id": WORKSPACE,
        })),
    );

    // The issued code carries its settings into the key it is exchanged for.
    client
        .exchange_auth_code_for_api_key()
        .body_map(|body| {
            body.code(code.id)
                .code_challenge_method(None)
                .code_verifier(Some(VERIFIER.into()))
        })
        .send()
        .await
        .expect("exchange");
    let key = &fake.keys()[0];
    assert_eq!(key["name"], "My Custom Key");
    assert_eq!(key["limit"], 100.5);
    assert_eq!(key["limit_reset"], "weekly");
    assert_eq!(key["workspace_id"], WORKSPACE);
}

#[tokio::test]
async fn get_current_key() {
    let fake = FakeOpenRouter::start().await;

    let response = client(&fake)
        .get_current_key()
        .http_referer(REFERER)
        .x_open_router_title(TITLE)
        .x_open_router_categories(CATEGORIES)
        .send()
        .await
        .expect("current key");

    assert_eq!(response.status().as_u16(), 200);
    let key = response.into_inner().data;
    assert_eq!(key.label, "test-key");
    assert_eq!(key.limit, None);
    assert_eq!(key.limit_remaining, None);
    assert_eq!(key.limit_reset, None);
    assert_eq!(key.usage, 0.0);
    assert_eq!(key.byok_usage_monthly, 0.0);
    assert!(key.is_management_key);
    assert!(!key.is_free_tier);
    assert_eq!(key.creator_user_id.as_deref(), Some(FAKE_USER_ID));
    assert_eq!(key.expires_at, None);
    assert_eq!(key.rate_limit.requests, -1);
    assert_wire(&only_request(&fake), "GET", "/api/v1/key", None, None);
}

#[tokio::test]
async fn list() {
    let fake = FakeOpenRouter::start().await;
    fake.seed_key("default workspace");
    let first = fake.insert_key(json!({ "name": "first", "workspace_id": WORKSPACE }));
    let disabled = fake.insert_key(json!({
        "name": "disabled",
        "workspace_id": WORKSPACE,
        "disabled": true,
    }));
    let third = fake.insert_key(json!({
        "name": "third",
        "workspace_id": WORKSPACE,
        "limit": 100.0,
        "limit_remaining": 74.5,
        "limit_reset": "monthly",
        "usage": 25.5,
        "byok_usage": 17.38,
        "creator_user_id": CREATOR,
        "expires_at": "2027-12-31T23:59:59Z",
        "updated_at": "2025-08-24T15:45:00Z",
    }));
    assert_ne!(first, third);

    let response = client(&fake)
        .list()
        .include_disabled(true)
        .offset(1u64)
        .workspace_id(WORKSPACE)
        .http_referer(REFERER)
        .x_open_router_title(TITLE)
        .x_open_router_categories(CATEGORIES)
        .send()
        .await
        .expect("list");

    assert_eq!(response.status().as_u16(), 200);
    let keys = response.into_inner().data;
    let hashes: Vec<&str> = keys.iter().map(|k| k.hash.as_str()).collect();
    assert_eq!(hashes, [disabled.as_str(), third.as_str()]);
    assert!(keys[0].disabled);
    let key = &keys[1];
    assert_eq!(key.name, "third");
    assert!(!key.disabled);
    assert_eq!(key.limit, Some(100.0));
    assert_eq!(key.limit_remaining, Some(74.5));
    assert_eq!(key.limit_reset.as_deref(), Some("monthly"));
    assert_eq!(key.usage, 25.5);
    assert_eq!(key.byok_usage, 17.38);
    assert_eq!(key.creator_user_id.as_deref(), Some(CREATOR));
    assert_eq!(
        key.expires_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2027-12-31T23:59:59+00:00")
    );
    assert_eq!(key.updated_at.as_deref(), Some("2025-08-24T15:45:00Z"));
    assert_eq!(key.workspace_id, WORKSPACE);
    assert_wire(
        &only_request(&fake),
        "GET",
        "/api/v1/keys",
        Some(&format!(
            "include_disabled=true&offset=1&workspace_id={WORKSPACE}"
        )),
        None,
    );
}

#[tokio::test]
async fn create_keys() {
    let fake = FakeOpenRouter::start().await;

    let response = client(&fake)
        .create_keys()
        .http_referer(REFERER)
        .x_open_router_title(TITLE)
        .x_open_router_categories(CATEGORIES)
        .body_map(|body| {
            body.creator_user_id(Some(CREATOR.try_into().expect("creator")))
                .expires_at(Some("2027-12-31T23:59:59Z".parse().expect("timestamp")))
                .include_byok_in_limit(Some(true))
                .limit(Some(50.0))
                .limit_reset(Some(types::CreateApiKeyRequestLimitReset::Monthly))
                .name("My New API Key")
                .workspace_id(Some(WORKSPACE.parse().expect("uuid")))
        })
        .send()
        .await
        .expect("create");

    assert_eq!(response.status().as_u16(), 201);
    let created = response.into_inner();
    assert!(created.key.expose_secret().starts_with("sk-or-v1-"));
    assert_eq!(created.key.expose_secret().len(), "sk-or-v1-".len() + 64);
    let key = created.data;
    assert_eq!(key.hash.len(), 64);
    assert!(key.hash.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(key.label, expected_label(created.key.expose_secret()));
    assert_eq!(key.name, "My New API Key");
    assert!(!key.disabled);
    assert_eq!(key.limit, Some(50.0));
    assert_eq!(key.limit_remaining, Some(50.0));
    assert_eq!(key.limit_reset.as_deref(), Some("monthly"));
    assert!(key.include_byok_in_limit);
    assert_eq!(
        (
            key.usage,
            key.usage_daily,
            key.usage_weekly,
            key.usage_monthly
        ),
        (0.0, 0.0, 0.0, 0.0)
    );
    assert_eq!(key.creator_user_id.as_deref(), Some(CREATOR));
    assert_eq!(
        key.expires_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2027-12-31T23:59:59+00:00")
    );
    assert_eq!(key.updated_at, None);
    assert_eq!(key.workspace_id, WORKSPACE);
    assert!(fake.key(&key.hash).is_some());
    assert_wire(
        &only_request(&fake),
        "POST",
        "/api/v1/keys",
        None,
        Some(json!({
            "creator_user_id": CREATOR,
            "expires_at": "2027-12-31T23:59:59Z",
            "include_byok_in_limit": true,
            "limit": 50.0,
            "limit_reset": "monthly",
            "name": "My New API Key",
            "workspace_id": WORKSPACE,
        })),
    );
}

#[tokio::test]
async fn get_key() {
    let fake = FakeOpenRouter::start().await;
    let hash = fake.insert_key(json!({
        "name": "My Production Key",
        "limit": 100.0,
        "limit_remaining": 74.5,
        "usage_weekly": 25.5,
    }));

    let response = client(&fake)
        .get_key()
        .hash(hash.as_str())
        .http_referer(REFERER)
        .x_open_router_title(TITLE)
        .x_open_router_categories(CATEGORIES)
        .send()
        .await
        .expect("get");

    assert_eq!(response.status().as_u16(), 200);
    let key = response.into_inner().data;
    assert_eq!(key.hash, hash);
    assert_eq!(key.name, "My Production Key");
    assert_eq!(key.limit, Some(100.0));
    assert_eq!(key.limit_remaining, Some(74.5));
    assert_eq!(key.usage_weekly, 25.5);
    assert_wire(
        &only_request(&fake),
        "GET",
        &format!("/api/v1/keys/{hash}"),
        None,
        None,
    );

    // An unknown hash is the declared 404 with the error body.
    match client(&fake).get_key().hash("missing").send().await {
        Err(Error::ErrorResponse(error)) => {
            assert_eq!(error.status().as_u16(), 404);
            assert_eq!(error.error.code, 404);
        }
        other => panic!("expected a 404 error response, got {other:?}"),
    }
}

#[tokio::test]
async fn delete_keys() {
    let fake = FakeOpenRouter::start().await;
    let hash = fake.seed_key("doomed");
    let kept = fake.seed_key("kept");

    let response = client(&fake)
        .delete_keys()
        .hash(hash.as_str())
        .http_referer(REFERER)
        .x_open_router_title(TITLE)
        .x_open_router_categories(CATEGORIES)
        .send()
        .await
        .expect("delete");

    assert_eq!(response.status().as_u16(), 200);
    assert!(response.into_inner().deleted);
    assert_eq!(fake.key(&hash), None);
    assert!(fake.key(&kept).is_some());
    assert_wire(
        &only_request(&fake),
        "DELETE",
        &format!("/api/v1/keys/{hash}"),
        None,
        None,
    );
}

#[tokio::test]
async fn update_keys() {
    let fake = FakeOpenRouter::start().await;
    let hash = fake.insert_key(json!({ "name": "old name", "limit": 10.0, "usage": 2.5 }));

    let response = client(&fake)
        .update_keys()
        .hash(hash.as_str())
        .http_referer(REFERER)
        .x_open_router_title(TITLE)
        .x_open_router_categories(CATEGORIES)
        .body_map(|body| {
            body.disabled(Some(true))
                .include_byok_in_limit(Some(true))
                .limit(Some(75.0))
                .limit_reset(Some(types::UpdateApiKeyRequestLimitReset::Daily))
                .name(Some("Updated API Key Name".into()))
        })
        .send()
        .await
        .expect("update");

    assert_eq!(response.status().as_u16(), 200);
    let key = response.into_inner().data;
    assert_eq!(key.hash, hash);
    assert_eq!(key.name, "Updated API Key Name");
    assert!(key.disabled);
    assert!(key.include_byok_in_limit);
    assert_eq!(key.limit, Some(75.0));
    assert_eq!(key.limit_remaining, Some(72.5));
    assert_eq!(key.limit_reset.as_deref(), Some("daily"));
    assert_eq!(key.usage, 2.5);
    assert!(key.updated_at.is_some());
    assert_wire(
        &only_request(&fake),
        "PATCH",
        &format!("/api/v1/keys/{hash}"),
        None,
        Some(json!({
            "disabled": true,
            "include_byok_in_limit": true,
            "limit": 75.0,
            "limit_reset": "daily",
            "name": "Updated API Key Name",
        })),
    );
}

#[tokio::test]
async fn path_parameter_is_one_percent_encoded_segment() {
    const HASH: &str = "a/b?c#d%e f";
    const RAW_PATH: &str = "/api/v1/keys/a%2Fb%3Fc%23d%25e%20f";
    let fake = FakeOpenRouter::start().await;
    fake.insert_key(json!({ "hash": HASH, "name": "odd" }));
    fake.seed_key("other");
    let client = client(&fake);

    let got = client.get_key().hash(HASH).send().await.expect("get");
    assert_eq!(got.into_inner().data.hash, HASH);
    let request = fake.last_request().expect("get request");
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("GET", RAW_PATH)
    );
    assert_eq!(request.query, None);

    let updated = client
        .update_keys()
        .hash(HASH)
        .body_map(|body| body.name(Some("renamed".into())))
        .send()
        .await
        .expect("update");
    assert_eq!(updated.into_inner().data.name, "renamed");
    let request = fake.last_request().expect("patch request");
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("PATCH", RAW_PATH)
    );
    assert_eq!(request.json(), json!({ "name": "renamed" }));

    let deleted = client
        .delete_keys()
        .hash(HASH)
        .send()
        .await
        .expect("delete");
    assert!(deleted.into_inner().deleted);
    let request = fake.last_request().expect("delete request");
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("DELETE", RAW_PATH)
    );
    assert_eq!(fake.key(HASH), None);
    assert_eq!(fake.keys().len(), 1);
}
