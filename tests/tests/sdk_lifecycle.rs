//! End-to-end flows of the `openrouter` client against the stateful fake: the
//! life of an API key (create, list, get, update in its three states, delete)
//! and the OAuth PKCE flow (issue a code, exchange it with the verifier).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openrouter::api_keys::GetError;
use openrouter::models::CreateAuthCodeRequestCodeChallengeMethod;
use openrouter::models::ExchangeAuthCodeRequestCodeChallengeMethod;
use openrouter::oauth::ExchangeAuthCodeForApiKeyError;
use openrouter::{Nullable, OpenRouter};
use openrouter_tests::{FAKE_APP_ID, FAKE_USER_ID, FakeOpenRouter};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const MANAGEMENT_KEY: &str = "sk-or-v1-lifecycle-management-key";

fn client_with_key(fake: &FakeOpenRouter, key: &str) -> OpenRouter {
    OpenRouter::builder()
        .api_key(key)
        .base_url(fake.base_url())
        .build()
        .expect("client")
}

fn client(fake: &FakeOpenRouter) -> OpenRouter {
    client_with_key(fake, MANAGEMENT_KEY)
}

/// The S256 code challenge of a PKCE verifier (RFC 7636, section 4.2).
fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The body of the last request, which must be a `PATCH`.
fn last_patch_body(fake: &FakeOpenRouter) -> Value {
    let request = fake.last_request().expect("a request");
    assert_eq!(request.method, "PATCH");
    request.json()
}

#[tokio::test]
async fn an_api_key_from_creation_to_deletion() {
    let fake = FakeOpenRouter::start().await;
    let client = client(&fake);
    let keys = client.api_keys();

    // Create.
    let created = keys
        .create("CI key")
        .include_byok_in_limit(true)
        .send()
        .await
        .expect("create");
    assert_eq!(created.status().as_u16(), 201);
    let hash = created.data.hash.clone();
    assert_eq!(created.data.name, "CI key");
    assert_eq!(created.data.limit, None);
    assert!(created.data.include_byok_in_limit);
    assert!(created.key.expose_secret().starts_with("sk-or-v1-"));
    assert_eq!(
        fake.key(&hash).expect("stored")["name"],
        "CI key",
        "the fake stored what the client created"
    );

    // List.
    let listed = keys.list().send().await.expect("list");
    let hashes: Vec<&str> = listed.data.iter().map(|k| k.hash.as_str()).collect();
    assert_eq!(hashes, [hash.as_str()]);
    assert_eq!(listed.data[0], created.data);

    // Get.
    let fetched = keys.get(&hash).send().await.expect("get");
    assert_eq!(fetched.data, created.data);

    // Update with a value.
    let updated = keys.update(&hash).limit(75.0).send().await.expect("update");
    assert_eq!(updated.data.limit, Some(75.0));
    assert_eq!(last_patch_body(&fake), json!({"limit": 75.0}));
    let fetched = keys.get(&hash).send().await.expect("get");
    assert_eq!(fetched.data.limit, Some(75.0));
    assert_eq!(fetched.data.limit_remaining, Some(75.0));
    assert_eq!(fetched.data.name, "CI key");

    // Update without `limit`: the limit stays as it was.
    keys.update(&hash)
        .name("Renamed key")
        .send()
        .await
        .expect("rename");
    assert_eq!(last_patch_body(&fake), json!({"name": "Renamed key"}));
    let fetched = keys.get(&hash).send().await.expect("get");
    assert_eq!(fetched.data.name, "Renamed key");
    assert_eq!(fetched.data.limit, Some(75.0), "an absent limit is kept");

    // Update with null: the limit is removed, nothing else changes.
    let before = fetched.data.clone();
    keys.update(&hash)
        .limit(Nullable::Null)
        .send()
        .await
        .expect("remove limit");
    assert_eq!(last_patch_body(&fake), json!({"limit": null}));
    let after = keys.get(&hash).send().await.expect("get").into_body().data;
    assert_eq!(after.limit, None, "a null limit removes it");
    assert_eq!(after.limit_remaining, None);
    assert_eq!(after.name, before.name);
    assert_eq!(after.label, before.label);
    assert_eq!(after.disabled, before.disabled);
    assert_eq!(after.include_byok_in_limit, before.include_byok_in_limit);
    assert_eq!(after.limit_reset, before.limit_reset);
    assert_eq!(after.workspace_id, before.workspace_id);
    assert_eq!(after.created_at, before.created_at);

    // Delete.
    let deleted = keys.delete(&hash).send().await.expect("delete");
    assert!(deleted.deleted);
    assert_eq!(fake.key(&hash), None);
    assert_eq!(keys.list().send().await.expect("list").data, []);

    // Get after delete: the declared 404, decoded.
    let error = keys.get(&hash).send().await.expect_err("the key is gone");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.code(), Some(404));
    assert_eq!(error.message(), Some("Resource not found"));
    let GetError::NotFound(not_found) = &error else {
        panic!("expected GetError::NotFound, got {error:?}");
    };
    assert_eq!(not_found.status().as_u16(), 404);
    assert_eq!(not_found.code(), Some(404));
    assert_eq!(not_found.message(), Some("Resource not found"));
    assert_eq!(not_found.body().error.code, 404);
    let raw: Value = serde_json::from_slice(not_found.raw_body()).expect("raw body is JSON");
    assert_eq!(
        raw,
        json!({"error": {"code": 404, "message": "Resource not found"}})
    );
    assert_eq!(error.raw_body(), Some(not_found.raw_body()));
}

#[tokio::test]
async fn the_oauth_pkce_flow_yields_a_working_key() {
    let fake = FakeOpenRouter::start().await;
    let client = client(&fake);
    let verifier = "a-verifier-of-at-least-43-characters-0123456789-abcdef";
    let challenge = s256_challenge(verifier);

    let code = client
        .oauth()
        .create_auth_code("http://localhost:3000/callback")
        .code_challenge(&challenge)
        .code_challenge_method(CreateAuthCodeRequestCodeChallengeMethod::S256)
        .key_label("PKCE key")
        .limit(12.5)
        .send()
        .await
        .expect("create code")
        .into_body()
        .data;
    assert!(
        code.id.expose_secret().starts_with("auth_code_"),
        "the code is {} characters long",
        code.id.expose_secret().len()
    );
    assert_eq!(code.app_id, FAKE_APP_ID);
    assert_eq!(
        fake.last_request().expect("request").json()["code_challenge"],
        challenge.as_str()
    );

    // A wrong verifier is the declared 400, and leaves the code usable.
    let error = client
        .oauth()
        .exchange_auth_code_for_api_key(&code.id)
        .code_challenge_method(ExchangeAuthCodeRequestCodeChallengeMethod::S256)
        .code_verifier("not-the-verifier")
        .send()
        .await
        .expect_err("a wrong verifier is refused");
    let ExchangeAuthCodeForApiKeyError::BadRequest(bad) = &error else {
        panic!("expected ExchangeAuthCodeForApiKeyError::BadRequest, got {error:?}");
    };
    assert_eq!(bad.status().as_u16(), 400);
    assert_eq!(bad.code(), Some(400));
    assert!(
        bad.message().is_some_and(|m| m.contains("code_verifier")),
        "{:?}",
        bad.message()
    );

    // The right verifier gets a key.
    let exchanged = client
        .oauth()
        .exchange_auth_code_for_api_key(&code.id)
        .code_challenge_method(ExchangeAuthCodeRequestCodeChallengeMethod::S256)
        .code_verifier(verifier)
        .send()
        .await
        .expect("exchange");
    assert_eq!(exchanged.status().as_u16(), 200);
    assert_eq!(exchanged.user_id.as_deref(), Some(FAKE_USER_ID));
    let new_key = exchanged.key.expose_secret().to_owned();
    assert!(new_key.starts_with("sk-or-v1-"), "{new_key}");

    // The key works: the fake recognises it as the one the code described.
    let current = client_with_key(&fake, &new_key)
        .api_keys()
        .get_current_key_metadata()
        .send()
        .await
        .expect("current key")
        .into_body()
        .data;
    assert!(!current.is_management_key);
    assert_eq!(current.limit, Some(12.5));
    assert_eq!(
        fake.last_request()
            .expect("request")
            .header("authorization"),
        Some(format!("Bearer {new_key}").as_str())
    );

    // A code is good for one exchange only.
    let again = client
        .oauth()
        .exchange_auth_code_for_api_key(&code.id)
        .code_verifier(verifier)
        .send()
        .await;
    assert!(
        matches!(again, Err(ExchangeAuthCodeForApiKeyError::BadRequest(_))),
        "{again:?}"
    );
}
