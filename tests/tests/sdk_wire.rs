//! What the `openrouter` client puts on the wire for each of the eight
//! operations: method, raw path, raw query, headers and the exact JSON body,
//! first with only the required arguments, then with every optional one set.
//! Also the client-wide settings: attribution headers, base URL, API key.

use openrouter::chrono::{DateTime, TimeZone, Utc};
use openrouter::models::{
    CreateApiKeyRequestLimitReset as LimitReset,
    CreateAuthCodeRequestCodeChallengeMethod as CodeChallengeMethod,
    CreateAuthCodeRequestUsageLimitType as UsageLimitType,
    ExchangeAuthCodeRequestCodeChallengeMethod, UpdateApiKeyRequestLimitReset,
};
use openrouter::uuid::Uuid;
use openrouter::{Nullable, OpenRouter};
use openrouter_tests::{FAKE_APP_ID, FAKE_USER_ID, FakeOpenRouter, RecordedRequest};
use serde_json::{Value, json};

const KEY: &str = "sk-or-v1-wire-test-management-key";
/// The `Authorization` header a client built with [`KEY`] sends.
const BEARER: &str = "Bearer sk-or-v1-wire-test-management-key";
const REFERER: &str = "https://example.com/my-app";
const TITLE: &str = "Wire Test App";
const CATEGORIES: &str = "cli-agent,cloud-agent";
const WORKSPACE: &str = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
const CREATOR: &str = "user_2dHFtVWx2n56w6HkM0000000000";
const CALLBACK: &str = "https://myapp.com/auth/callback";
/// The verifier and S256 challenge of RFC 7636, appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// The attribution headers a request carries, by wire name.
const REFERER_HEADER: &str = "http-referer";
const TITLE_HEADER: &str = "x-openrouter-title";
const CATEGORIES_HEADER: &str = "x-openrouter-categories";

/// The three per-call attribution values used by the "every optional argument" tests.
const ALL_ATTRIBUTION: [(&str, &str); 3] = [
    (REFERER_HEADER, REFERER),
    (TITLE_HEADER, TITLE),
    (CATEGORIES_HEADER, CATEGORIES),
];

/// A client with an explicit key (never the environment's) pointed at `fake`.
fn client(fake: &FakeOpenRouter) -> OpenRouter {
    OpenRouter::builder()
        .api_key(KEY)
        .base_url(fake.base_url())
        .build()
        .expect("client")
}

fn workspace() -> Uuid {
    Uuid::parse_str(WORKSPACE).expect("uuid")
}

fn expiry() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 12, 31, 23, 59, 59)
        .single()
        .expect("timestamp")
}

/// The version of the `openrouter` crate, read from its manifest.
fn sdk_version() -> &'static str {
    include_str!("../../generated/Cargo.toml")
        .lines()
        .find_map(|line| line.strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("version line in generated/Cargo.toml")
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

/// What one request should look like on the wire.
struct Expected<'a> {
    method: &'a str,
    path: &'a str,
    query: Option<&'a str>,
    body: Option<Value>,
    /// The attribution headers that must be present, with their values; the others must be absent.
    attribution: &'a [(&'a str, &'a str)],
    /// The `Authorization` header, `None` when it must be absent.
    authorization: Option<&'a str>,
}

impl<'a> Expected<'a> {
    fn new(method: &'a str, path: &'a str) -> Self {
        Expected {
            method,
            path,
            query: None,
            body: None,
            attribution: &[],
            authorization: Some(BEARER),
        }
    }

    fn query(mut self, query: &'a str) -> Self {
        self.query = Some(query);
        self
    }

    fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    fn attribution(mut self, headers: &'a [(&'a str, &'a str)]) -> Self {
        self.attribution = headers;
        self
    }

    fn authorization(mut self, value: Option<&'a str>) -> Self {
        self.authorization = value;
        self
    }
}

/// Checks the request line, every header and the body of one request.
fn assert_wire(request: &RecordedRequest, expected: Expected<'_>) {
    assert_eq!(request.method, expected.method, "method");
    assert_eq!(request.path, expected.path, "raw path");
    assert_eq!(request.query.as_deref(), expected.query, "raw query");

    match expected.authorization {
        Some(value) => assert_eq!(request.header_values("authorization"), [value]),
        None => assert_eq!(
            request.header("authorization"),
            None,
            "no Authorization header expected"
        ),
    }
    assert_eq!(request.header_values("accept"), ["application/json"]);
    let agents = request.header_values("user-agent");
    assert_eq!(agents.len(), 1, "one User-Agent: {agents:?}");
    let agent = agents[0];
    assert!(
        agent.starts_with("openrouter") && agent.contains(sdk_version()),
        "the User-Agent names the crate and its version: {agent:?}"
    );
    assert_eq!(agent, openrouter::DEFAULT_USER_AGENT);

    for name in [REFERER_HEADER, TITLE_HEADER, CATEGORIES_HEADER] {
        let want: Vec<&str> = expected
            .attribution
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .collect();
        assert_eq!(request.header_values(name), want, "header {name}");
    }

    let mut names: Vec<&str> = request.headers.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    // `accept-encoding`: these tests turn on the `gzip` feature, so compressed responses are
    // accepted.
    let mut want: Vec<&str> = vec!["accept", "accept-encoding", "host", "user-agent"];
    want.extend(expected.attribution.iter().map(|(n, _)| *n));
    if expected.authorization.is_some() {
        want.push("authorization");
    }
    match expected.body {
        Some(body) => {
            assert_eq!(request.header_values("content-type"), ["application/json"]);
            assert_eq!(request.json(), body, "JSON body");
            want.extend(["content-length", "content-type"]);
        }
        None => {
            assert_eq!(request.header("content-type"), None, "no body, no type");
            assert!(
                request.body.is_empty(),
                "unexpected body {:?}",
                String::from_utf8_lossy(&request.body)
            );
        }
    }
    want.sort_unstable();
    assert_eq!(names, want, "header names on the wire");
}

// ---------------------------------------------------------------------------
// GET /key
// ---------------------------------------------------------------------------

#[test]
fn the_expected_authorization_header_matches_the_key() {
    assert_eq!(BEARER, format!("Bearer {KEY}"));
}

#[tokio::test]
async fn get_current_key_metadata_with_required_arguments_only() {
    let fake = FakeOpenRouter::start().await;
    let response = client(&fake)
        .api_keys()
        .get_current_key_metadata()
        .send()
        .await
        .expect("current key");
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.data.is_management_key);
    assert_wire(&only_request(&fake), Expected::new("GET", "/api/v1/key"));
}

#[tokio::test]
async fn get_current_key_metadata_with_every_optional_argument() {
    let fake = FakeOpenRouter::start().await;
    client(&fake)
        .api_keys()
        .get_current_key_metadata()
        .http_referer(REFERER)
        .app_title(TITLE)
        .app_categories(CATEGORIES)
        .send()
        .await
        .expect("current key");
    assert_wire(
        &only_request(&fake),
        Expected::new("GET", "/api/v1/key").attribution(&ALL_ATTRIBUTION),
    );
}

// ---------------------------------------------------------------------------
// GET /keys
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_with_required_arguments_only() {
    let fake = FakeOpenRouter::start().await;
    let hash = fake.seed_key("listed");
    let response = client(&fake).api_keys().list().send().await.expect("list");
    assert_eq!(response.status().as_u16(), 200);
    let hashes: Vec<&str> = response.data.iter().map(|k| k.hash.as_str()).collect();
    assert_eq!(hashes, [hash.as_str()]);
    assert_wire(&only_request(&fake), Expected::new("GET", "/api/v1/keys"));
}

#[tokio::test]
async fn list_with_every_optional_argument() {
    let fake = FakeOpenRouter::start().await;
    fake.insert_key(json!({"name": "first", "workspace_id": WORKSPACE}));
    let second = fake.insert_key(json!({
        "name": "second", "workspace_id": WORKSPACE, "disabled": true
    }));
    fake.seed_key("elsewhere");
    let response = client(&fake)
        .api_keys()
        .list()
        .http_referer(REFERER)
        .app_title(TITLE)
        .app_categories(CATEGORIES)
        .include_disabled(true)
        .offset(1)
        .workspace_id(workspace())
        .send()
        .await
        .expect("list");
    let hashes: Vec<&str> = response.data.iter().map(|k| k.hash.as_str()).collect();
    assert_eq!(hashes, [second.as_str()]);
    assert_wire(
        &only_request(&fake),
        Expected::new("GET", "/api/v1/keys")
            .query(&format!(
                "include_disabled=true&offset=1&workspace_id={WORKSPACE}"
            ))
            .attribution(&ALL_ATTRIBUTION),
    );
}

#[tokio::test]
async fn list_sends_false_and_zero_rather_than_dropping_them() {
    let fake = FakeOpenRouter::start().await;
    client(&fake)
        .api_keys()
        .list()
        .include_disabled(false)
        .offset(0)
        .send()
        .await
        .expect("list");
    assert_wire(
        &only_request(&fake),
        Expected::new("GET", "/api/v1/keys").query("include_disabled=false&offset=0"),
    );
}

// ---------------------------------------------------------------------------
// POST /keys
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_with_required_arguments_only() {
    let fake = FakeOpenRouter::start().await;
    let response = client(&fake)
        .api_keys()
        .create("My New API Key")
        .send()
        .await
        .expect("create");
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.data.name, "My New API Key");
    assert_eq!(response.data.limit, None);
    assert_wire(
        &only_request(&fake),
        Expected::new("POST", "/api/v1/keys").body(json!({"name": "My New API Key"})),
    );
}

#[tokio::test]
async fn create_with_every_optional_argument() {
    let fake = FakeOpenRouter::start().await;
    let response = client(&fake)
        .api_keys()
        .create("My New API Key")
        .http_referer(REFERER)
        .app_title(TITLE)
        .app_categories(CATEGORIES)
        .creator_user_id(CREATOR)
        .expires_at(expiry())
        .include_byok_in_limit(true)
        .limit(50.5)
        .limit_reset(LimitReset::Monthly)
        .workspace_id(workspace())
        .send()
        .await
        .expect("create");
    let data = &response.data;
    assert_eq!(data.limit, Some(50.5));
    assert_eq!(data.limit_reset.as_deref(), Some("monthly"));
    assert_eq!(
        data.expires_at.as_ref().and_then(|t| t.parse()),
        Some(expiry().fixed_offset())
    );
    assert_eq!(data.creator_user_id.as_deref(), Some(CREATOR));
    assert_eq!(data.workspace_id, WORKSPACE);
    assert!(data.include_byok_in_limit);
    assert_wire(
        &only_request(&fake),
        Expected::new("POST", "/api/v1/keys")
            .attribution(&ALL_ATTRIBUTION)
            .body(json!({
                "name": "My New API Key",
                "creator_user_id": CREATOR,
                "expires_at": "2027-12-31T23:59:59Z",
                "include_byok_in_limit": true,
                "limit": 50.5,
                "limit_reset": "monthly",
                "workspace_id": WORKSPACE,
            })),
    );
}

#[tokio::test]
async fn create_sends_null_for_every_nullable_field_set_to_null() {
    let fake = FakeOpenRouter::start().await;
    let response = client(&fake)
        .api_keys()
        .create("Nulls")
        .creator_user_id(Nullable::Null)
        .expires_at(Nullable::Null)
        .limit(Nullable::Null)
        .limit_reset(Nullable::Null)
        .send()
        .await
        .expect("create");
    assert_eq!(response.data.expires_at, None);
    assert_eq!(response.data.creator_user_id, None);
    assert_wire(
        &only_request(&fake),
        Expected::new("POST", "/api/v1/keys").body(json!({
            "name": "Nulls",
            "creator_user_id": null,
            "expires_at": null,
            "limit": null,
            "limit_reset": null,
        })),
    );
}

#[tokio::test]
async fn create_sends_none_as_null() {
    let fake = FakeOpenRouter::start().await;
    client(&fake)
        .api_keys()
        .create("Nones")
        .limit(None)
        .creator_user_id(None::<String>)
        .send()
        .await
        .expect("create");
    assert_wire(
        &only_request(&fake),
        Expected::new("POST", "/api/v1/keys").body(json!({
            "name": "Nones",
            "creator_user_id": null,
            "limit": null,
        })),
    );
}

#[tokio::test]
async fn create_sends_an_open_enum_value_the_crate_does_not_know() {
    let fake = FakeOpenRouter::start().await;
    let unknown = LimitReset::from("not-a-real-reset-xyz");
    assert_eq!(unknown, LimitReset::Unknown("not-a-real-reset-xyz".into()));
    let result = client(&fake)
        .api_keys()
        .create("Yearly")
        .limit_reset(unknown)
        .send()
        .await;
    // The fake knows only daily/weekly/monthly and answers with its declared 400.
    assert!(
        matches!(
            result,
            Err(openrouter::api_keys::CreateError::BadRequest(_))
        ),
        "{result:?}"
    );
    assert_wire(
        &only_request(&fake),
        Expected::new("POST", "/api/v1/keys").body(json!({
            "name": "Yearly",
            "limit_reset": "not-a-real-reset-xyz",
        })),
    );
}

// ---------------------------------------------------------------------------
// GET /keys/{hash}
// ---------------------------------------------------------------------------

#[tokio::test]
async fn get_with_required_arguments_only() {
    let fake = FakeOpenRouter::start().await;
    let hash = fake.seed_key("fetched");
    let response = client(&fake)
        .api_keys()
        .get(hash.clone())
        .send()
        .await
        .expect("get");
    assert_eq!(response.data.hash, hash);
    assert_eq!(response.data.name, "fetched");
    assert_wire(
        &only_request(&fake),
        Expected::new("GET", &format!("/api/v1/keys/{hash}")),
    );
}

#[tokio::test]
async fn get_with_every_optional_argument() {
    let fake = FakeOpenRouter::start().await;
    let hash = fake.seed_key("fetched");
    client(&fake)
        .api_keys()
        .get(&hash)
        .http_referer(REFERER)
        .app_title(TITLE)
        .app_categories(CATEGORIES)
        .send()
        .await
        .expect("get");
    assert_wire(
        &only_request(&fake),
        Expected::new("GET", &format!("/api/v1/keys/{hash}")).attribution(&ALL_ATTRIBUTION),
    );
}

// ---------------------------------------------------------------------------
// DELETE /keys/{hash}
// ---------------------------------------------------------------------------

#[tokio::test]
async fn delete_with_required_arguments_only() {
    let fake = FakeOpenRouter::start().await;
    let hash = fake.seed_key("doomed");
    let response = client(&fake)
        .api_keys()
        .delete(&hash)
        .send()
        .await
        .expect("delete");
    assert!(response.deleted);
    assert_eq!(fake.key(&hash), None);
    assert_wire(
        &only_request(&fake),
        Expected::new("DELETE", &format!("/api/v1/keys/{hash}")),
    );
}

#[tokio::test]
async fn delete_with_every_optional_argument() {
    let fake = FakeOpenRouter::start().await;
    let hash = fake.seed_key("doomed");
    client(&fake)
        .api_keys()
        .delete(&hash)
        .http_referer(REFERER)
        .app_title(TITLE)
        .app_categories(CATEGORIES)
        .send()
        .await
        .expect("delete");
    assert_wire(
        &only_request(&fake),
        Expected::new("DELETE", &format!("/api/v1/keys/{hash}")).attribution(&ALL_ATTRIBUTION),
    );
}

// ---------------------------------------------------------------------------
// PATCH /keys/{hash}
// ---------------------------------------------------------------------------

#[tokio::test]
async fn update_with_required_arguments_only() {
    let fake = FakeOpenRouter::start().await;
    let hash = fake.insert_key(json!({"name": "kept", "limit": 10.0, "limit_remaining": 10.0}));
    let response = client(&fake)
        .api_keys()
        .update(&hash)
        .send()
        .await
        .expect("update");
    assert_eq!(response.data.name, "kept");
    assert_eq!(response.data.limit, Some(10.0));
    assert_wire(
        &only_request(&fake),
        Expected::new("PATCH", &format!("/api/v1/keys/{hash}")).body(json!({})),
    );
}

#[tokio::test]
async fn update_with_every_optional_argument() {
    let fake = FakeOpenRouter::start().await;
    let hash = fake.seed_key("before");
    let response = client(&fake)
        .api_keys()
        .update(&hash)
        .http_referer(REFERER)
        .app_title(TITLE)
        .app_categories(CATEGORIES)
        .disabled(true)
        .include_byok_in_limit(true)
        .limit(75.0)
        .limit_reset(UpdateApiKeyRequestLimitReset::Daily)
        .name("Updated API Key Name")
        .send()
        .await
        .expect("update");
    let data = &response.data;
    assert_eq!(data.name, "Updated API Key Name");
    assert!(data.disabled);
    assert!(data.include_byok_in_limit);
    assert_eq!(data.limit, Some(75.0));
    assert_eq!(data.limit_reset.as_deref(), Some("daily"));
    assert_wire(
        &only_request(&fake),
        Expected::new("PATCH", &format!("/api/v1/keys/{hash}"))
            .attribution(&ALL_ATTRIBUTION)
            .body(json!({
                "disabled": true,
                "include_byok_in_limit": true,
                "limit": 75.0,
                "limit_reset": "daily",
                "name": "Updated API Key Name",
            })),
    );
}

#[tokio::test]
async fn update_sends_null_for_nullable_fields_set_to_null() {
    let fake = FakeOpenRouter::start().await;
    let hash = fake.insert_key(json!({
        "name": "limited", "limit": 10.0, "limit_remaining": 10.0, "limit_reset": "weekly"
    }));
    let response = client(&fake)
        .api_keys()
        .update(&hash)
        .limit(Nullable::Null)
        .limit_reset(Nullable::Null)
        .send()
        .await
        .expect("update");
    assert_eq!(response.data.limit, None);
    assert_eq!(response.data.limit_reset, None);
    assert_wire(
        &only_request(&fake),
        Expected::new("PATCH", &format!("/api/v1/keys/{hash}"))
            .body(json!({"limit": null, "limit_reset": null})),
    );
}

// ---------------------------------------------------------------------------
// POST /auth/keys/code
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_auth_code_with_required_arguments_only() {
    let fake = FakeOpenRouter::start().await;
    let response = client(&fake)
        .oauth()
        .create_auth_code(CALLBACK)
        .send()
        .await
        .expect("create code");
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.data.id.expose_secret().starts_with("auth_code_"));
    assert_eq!(response.data.app_id, FAKE_APP_ID);
    assert_wire(
        &only_request(&fake),
        Expected::new("POST", "/api/v1/auth/keys/code").body(json!({"callback_url": CALLBACK})),
    );
}

#[tokio::test]
async fn create_auth_code_with_every_optional_argument() {
    let fake = FakeOpenRouter::start().await;
    client(&fake)
        .oauth()
        .create_auth_code(CALLBACK)
        .http_referer(REFERER)
        .app_title(TITLE)
        .app_categories(CATEGORIES)
        .code_challenge(CHALLENGE)
        .code_challenge_method(CodeChallengeMethod::S256)
        .expires_at(expiry())
        .key_label("My Custom Key")
        .limit(100.5)
        .usage_limit_type(UsageLimitType::Weekly)
        .workspace_id(workspace())
        .send()
        .await
        .expect("create code");
    assert_wire(
        &only_request(&fake),
        Expected::new("POST", "/api/v1/auth/keys/code")
            .attribution(&ALL_ATTRIBUTION)
            .body(json!({
                "callback_url": CALLBACK,
                "code_challenge": CHALLENGE,
                "code_challenge_method": "S256",
                "expires_at": "2027-12-31T23:59:59Z",
                "key_label": "My Custom Key",
                "limit": 100.5,
                "usage_limit_type": "weekly",
                "workspace_id": WORKSPACE,
            })),
    );
}

#[tokio::test]
async fn create_auth_code_sends_null_expiry() {
    let fake = FakeOpenRouter::start().await;
    client(&fake)
        .oauth()
        .create_auth_code(CALLBACK)
        .expires_at(Nullable::Null)
        .code_challenge_method(CodeChallengeMethod::from("plain"))
        .send()
        .await
        .expect("create code");
    assert_wire(
        &only_request(&fake),
        Expected::new("POST", "/api/v1/auth/keys/code").body(json!({
            "callback_url": CALLBACK,
            "code_challenge_method": "plain",
            "expires_at": null,
        })),
    );
}

// ---------------------------------------------------------------------------
// POST /auth/keys
// ---------------------------------------------------------------------------

#[tokio::test]
async fn exchange_auth_code_with_required_arguments_only() {
    let fake = FakeOpenRouter::start().await;
    let code = fake.seed_auth_code(None, None);
    let response = client(&fake)
        .oauth()
        .exchange_auth_code_for_api_key(&code)
        .send()
        .await
        .expect("exchange");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.user_id.as_deref(), Some(FAKE_USER_ID));
    assert_wire(
        &only_request(&fake),
        Expected::new("POST", "/api/v1/auth/keys").body(json!({"code": code})),
    );
}

#[tokio::test]
async fn exchange_auth_code_with_every_optional_argument() {
    let fake = FakeOpenRouter::start().await;
    let code = fake.seed_auth_code(Some(CHALLENGE), Some("S256"));
    client(&fake)
        .oauth()
        .exchange_auth_code_for_api_key(&code)
        .http_referer(REFERER)
        .app_title(TITLE)
        .app_categories(CATEGORIES)
        .code_challenge_method(ExchangeAuthCodeRequestCodeChallengeMethod::S256)
        .code_verifier(VERIFIER)
        .send()
        .await
        .expect("exchange");
    assert_wire(
        &only_request(&fake),
        Expected::new("POST", "/api/v1/auth/keys")
            .attribution(&ALL_ATTRIBUTION)
            .body(json!({
                "code": code,
                "code_challenge_method": "S256",
                "code_verifier": VERIFIER,
            })),
    );
}

#[tokio::test]
async fn exchange_auth_code_sends_null_method() {
    let fake = FakeOpenRouter::start().await;
    let code = fake.seed_auth_code(Some("plain-verifier"), Some("plain"));
    client(&fake)
        .oauth()
        .exchange_auth_code_for_api_key(&code)
        .code_challenge_method(Nullable::Null)
        .code_verifier("plain-verifier")
        .send()
        .await
        .expect("exchange");
    assert_wire(
        &only_request(&fake),
        Expected::new("POST", "/api/v1/auth/keys").body(json!({
            "code": code,
            "code_challenge_method": null,
            "code_verifier": "plain-verifier",
        })),
    );
}

// ---------------------------------------------------------------------------
// Client-wide settings
// ---------------------------------------------------------------------------

/// Calls each of the eight operations once with only its required arguments,
/// ignoring the outcome, and returns the `(method, raw path)` each should reach.
async fn call_every_operation(client: &OpenRouter, hash: &str) -> Vec<(&'static str, String)> {
    let keys = client.api_keys();
    let oauth = client.oauth();
    let _ = keys.get_current_key_metadata().send().await;
    let _ = keys.list().send().await;
    let _ = keys.create("everything").send().await;
    let _ = keys.get(hash).send().await;
    let _ = keys.update(hash).send().await;
    let _ = keys.delete(hash).send().await;
    let _ = oauth.create_auth_code(CALLBACK).send().await;
    let _ = oauth
        .exchange_auth_code_for_api_key("auth_code_x")
        .send()
        .await;
    vec![
        ("GET", "/api/v1/key".to_owned()),
        ("GET", "/api/v1/keys".to_owned()),
        ("POST", "/api/v1/keys".to_owned()),
        ("GET", format!("/api/v1/keys/{hash}")),
        ("PATCH", format!("/api/v1/keys/{hash}")),
        ("DELETE", format!("/api/v1/keys/{hash}")),
        ("POST", "/api/v1/auth/keys/code".to_owned()),
        ("POST", "/api/v1/auth/keys".to_owned()),
    ]
}

fn request_lines(requests: &[RecordedRequest]) -> Vec<(&str, String)> {
    requests
        .iter()
        .map(|r| (r.method.as_str(), r.path.clone()))
        .collect()
}

#[tokio::test]
async fn client_attribution_headers_are_sent_on_every_call() {
    let fake = FakeOpenRouter::start().await;
    let hash = fake.seed_key("attributed");
    let client = OpenRouter::builder()
        .api_key(KEY)
        .base_url(fake.base_url())
        .http_referer(REFERER)
        .app_title(TITLE)
        .app_categories(CATEGORIES)
        .build()
        .expect("client");

    let expected = call_every_operation(&client, &hash).await;
    let requests = fake.requests();
    assert_eq!(request_lines(&requests), expected);
    for request in &requests {
        assert_eq!(
            request.header_values(REFERER_HEADER),
            [REFERER],
            "{request:?}"
        );
        assert_eq!(request.header_values(TITLE_HEADER), [TITLE], "{request:?}");
        assert_eq!(
            request.header_values(CATEGORIES_HEADER),
            [CATEGORIES],
            "{request:?}"
        );
        assert_eq!(request.header_values("authorization"), [BEARER]);
    }
}

#[tokio::test]
async fn a_client_without_attribution_sends_no_attribution_headers() {
    let fake = FakeOpenRouter::start().await;
    let hash = fake.seed_key("plain");
    call_every_operation(&client(&fake), &hash).await;
    let requests = fake.requests();
    assert_eq!(requests.len(), 8);
    for request in &requests {
        for name in [REFERER_HEADER, TITLE_HEADER, CATEGORIES_HEADER] {
            assert_eq!(request.header(name), None, "{name} on {request:?}");
        }
    }
}

#[tokio::test]
async fn a_per_call_attribution_header_overrides_the_clients_value() {
    let fake = FakeOpenRouter::start().await;
    let client = OpenRouter::builder()
        .api_key(KEY)
        .base_url(fake.base_url())
        .http_referer(REFERER)
        .app_title(TITLE)
        .app_categories(CATEGORIES)
        .build()
        .expect("client");

    client
        .api_keys()
        .list()
        .http_referer("https://override.example")
        .app_categories("programming-app")
        .send()
        .await
        .expect("list");
    // The override is for that call only.
    client.api_keys().list().send().await.expect("list");

    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    assert_wire(
        &requests[0],
        Expected::new("GET", "/api/v1/keys").attribution(&[
            (REFERER_HEADER, "https://override.example"),
            (TITLE_HEADER, TITLE),
            (CATEGORIES_HEADER, "programming-app"),
        ]),
    );
    assert_wire(
        &requests[1],
        Expected::new("GET", "/api/v1/keys").attribution(&ALL_ATTRIBUTION),
    );
}

#[tokio::test]
async fn a_per_call_base_url_overrides_the_clients() {
    let home = FakeOpenRouter::start().await;
    let other = FakeOpenRouter::start().await;
    let hash = other.seed_key("elsewhere");
    let client = client(&home);
    let base = other.base_url();

    let keys = client.api_keys();
    let oauth = client.oauth();
    let _ = keys.get_current_key_metadata().base_url(&base).send().await;
    let _ = keys.list().base_url(&base).send().await;
    let _ = keys.create("everything").base_url(&base).send().await;
    let _ = keys.get(&hash).base_url(&base).send().await;
    let _ = keys.update(&hash).base_url(&base).send().await;
    let _ = keys.delete(&hash).base_url(&base).send().await;
    let _ = oauth
        .create_auth_code(CALLBACK)
        .base_url(&base)
        .send()
        .await;
    let _ = oauth
        .exchange_auth_code_for_api_key("auth_code_x")
        .base_url(&base)
        .send()
        .await;

    assert_eq!(home.requests(), [], "the client's base URL got requests");
    let requests = other.requests();
    assert_eq!(
        request_lines(&requests),
        [
            ("GET", "/api/v1/key".to_owned()),
            ("GET", "/api/v1/keys".to_owned()),
            ("POST", "/api/v1/keys".to_owned()),
            ("GET", format!("/api/v1/keys/{hash}")),
            ("PATCH", format!("/api/v1/keys/{hash}")),
            ("DELETE", format!("/api/v1/keys/{hash}")),
            ("POST", "/api/v1/auth/keys/code".to_owned()),
            ("POST", "/api/v1/auth/keys".to_owned()),
        ]
    );

    // The override is for that call only.
    client.api_keys().list().send().await.expect("list");
    assert_eq!(home.requests().len(), 1);
}

#[tokio::test]
async fn a_base_url_with_a_trailing_slash_gives_the_same_paths() {
    let fake = FakeOpenRouter::start().await;
    let hash = fake.seed_key("slashed");
    let client = OpenRouter::builder()
        .api_key(KEY)
        .base_url(format!("{}/", fake.base_url()))
        .build()
        .expect("client");
    client.api_keys().get(&hash).send().await.expect("get");
    client
        .api_keys()
        .list()
        .base_url(format!("{}/", fake.base_url()))
        .send()
        .await
        .expect("list");
    assert_eq!(
        request_lines(&fake.requests()),
        [
            ("GET", format!("/api/v1/keys/{hash}")),
            ("GET", "/api/v1/keys".to_owned()),
        ]
    );
}

#[tokio::test]
async fn a_client_without_api_key_sends_no_authorization_header() {
    let fake = FakeOpenRouter::start_open().await;
    let hash = fake.seed_key("open");
    let client = OpenRouter::builder()
        .api_key(KEY)
        .without_api_key()
        .base_url(fake.base_url())
        .build()
        .expect("client");
    call_every_operation(&client, &hash).await;
    let requests = fake.requests();
    assert_eq!(requests.len(), 8);
    for request in &requests {
        assert_eq!(request.header("authorization"), None, "{request:?}");
    }
    // Spot-check the full header set of one call.
    assert_wire(
        &requests[0],
        Expected::new("GET", "/api/v1/key").authorization(None),
    );
}

#[tokio::test]
async fn a_custom_user_agent_replaces_the_default() {
    let fake = FakeOpenRouter::start().await;
    let client = OpenRouter::builder()
        .api_key(KEY)
        .base_url(fake.base_url())
        .user_agent("my-app/2.0")
        .build()
        .expect("client");
    client.api_keys().list().send().await.expect("list");
    assert_eq!(
        only_request(&fake).header_values("user-agent"),
        ["my-app/2.0"]
    );
}

/// Restores `OPENROUTER_API_KEY` when dropped, even if an assertion failed.
struct RestoreEnv(Option<std::ffi::OsString>);

impl Drop for RestoreEnv {
    fn drop(&mut self) {
        set_env_key(self.0.as_deref());
    }
}

fn set_env_key(value: Option<&std::ffi::OsStr>) {
    // SAFETY: this is the only test in this binary that reads or writes the
    // environment through the client's defaults; every other test passes an
    // explicit key or `without_api_key`, and std serialises its own accesses.
    unsafe {
        match value {
            Some(value) => std::env::set_var(openrouter::API_KEY_ENV, value),
            None => std::env::remove_var(openrouter::API_KEY_ENV),
        }
    }
}

/// Every assertion that depends on the process environment lives in this one test.
#[tokio::test]
async fn the_api_key_defaults_to_the_openrouter_api_key_variable() {
    assert_eq!(openrouter::API_KEY_ENV, "OPENROUTER_API_KEY");
    let _restore = RestoreEnv(std::env::var_os(openrouter::API_KEY_ENV));
    let fake = FakeOpenRouter::start_open().await;
    let authorization = |client: OpenRouter| {
        let fake = &fake;
        async move {
            fake.clear_requests();
            client.api_keys().list().send().await.expect("list");
            only_request(fake)
                .header("authorization")
                .map(str::to_owned)
        }
    };
    let from_builder = || OpenRouter::builder().base_url(fake.base_url());

    set_env_key(Some("sk-or-v1-from-the-environment".as_ref()));
    assert_eq!(
        authorization(from_builder().build().expect("client")).await,
        Some("Bearer sk-or-v1-from-the-environment".to_owned())
    );
    let from_env = OpenRouter::from_env().expect("from_env");
    assert_eq!(from_env.base_url(), openrouter::DEFAULT_BASE_URL);
    assert_eq!(openrouter::DEFAULT_BASE_URL, "https://openrouter.ai/api/v1");
    assert_eq!(
        authorization(
            from_builder()
                .api_key("sk-or-v1-explicit")
                .build()
                .expect("client")
        )
        .await,
        Some("Bearer sk-or-v1-explicit".to_owned()),
        "an explicit key wins over the environment"
    );
    assert_eq!(
        authorization(from_builder().without_api_key().build().expect("client")).await,
        None,
        "without_api_key ignores the environment"
    );

    set_env_key(Some("".as_ref()));
    assert_eq!(
        authorization(from_builder().build().expect("client")).await,
        None,
        "an empty variable means no key"
    );

    set_env_key(None);
    assert_eq!(
        authorization(from_builder().build().expect("client")).await,
        None,
        "no variable means no key"
    );
}
