//! Safety properties of the `openrouter` client: a path parameter is always
//! exactly one percent-encoded segment that reaches exactly the key it names,
//! and credentials (the client's key, keys returned by the API) are never
//! printed by `Debug` or `Display`.

use openrouter::api_keys::CreateError;
use openrouter::{OpenRouter, SecretString};
use openrouter_tests::FakeOpenRouter;
use serde_json::json;

const KEY: &str = "sk-or-v1-security-test-secret-0123456789abcdef";
/// A hash with every character that could end or leave a path segment.
const AWKWARD: &str = "a/b?c#d%e f";
const AWKWARD_ENCODED: &str = "a%2Fb%3Fc%23d%25e%20f";

fn client(fake: &FakeOpenRouter) -> OpenRouter {
    OpenRouter::builder()
        .api_key(KEY)
        .base_url(fake.base_url())
        .build()
        .expect("client")
}

/// The awkward key plus decoys a wrongly encoded path could reach instead.
fn seed_awkward_and_decoys(fake: &FakeOpenRouter) -> Vec<String> {
    fake.insert_key(json!({"hash": AWKWARD, "name": "awkward"}));
    let decoys = vec![
        "a".to_owned(),
        "a/b".to_owned(),
        "a/b?c".to_owned(),
        AWKWARD_ENCODED.to_owned(),
    ];
    for decoy in &decoys {
        fake.insert_key(json!({"hash": decoy, "name": "decoy"}));
    }
    decoys
}

fn assert_decoys_untouched(fake: &FakeOpenRouter, decoys: &[String]) {
    for decoy in decoys {
        let key = fake
            .key(decoy)
            .unwrap_or_else(|| panic!("decoy {decoy:?} was deleted"));
        assert_eq!(key["name"], "decoy", "decoy {decoy:?} was changed");
    }
}

/// The only request so far went to `/api/v1/keys/<encoded>` with no query.
fn assert_one_segment(fake: &FakeOpenRouter, method: &str, encoded: &str) {
    let request = fake.last_request().expect("a request");
    assert_eq!(request.method, method);
    assert_eq!(request.path, format!("/api/v1/keys/{encoded}"), "raw path");
    assert_eq!(request.query, None, "nothing may leak into the query");
}

// ---------------------------------------------------------------------------
// Percent-encoding of the `{hash}` path parameter
// ---------------------------------------------------------------------------

#[tokio::test]
async fn get_encodes_the_hash_as_one_segment() {
    let fake = FakeOpenRouter::start().await;
    let decoys = seed_awkward_and_decoys(&fake);
    let response = client(&fake)
        .api_keys()
        .get(AWKWARD)
        .send()
        .await
        .expect("get");
    assert_one_segment(&fake, "GET", AWKWARD_ENCODED);
    assert_eq!(response.data.hash, AWKWARD);
    assert_eq!(response.data.name, "awkward");
    assert_decoys_untouched(&fake, &decoys);
}

#[tokio::test]
async fn update_encodes_the_hash_as_one_segment() {
    let fake = FakeOpenRouter::start().await;
    let decoys = seed_awkward_and_decoys(&fake);
    let response = client(&fake)
        .api_keys()
        .update(AWKWARD)
        .name("renamed")
        .send()
        .await
        .expect("update");
    assert_one_segment(&fake, "PATCH", AWKWARD_ENCODED);
    assert_eq!(response.data.hash, AWKWARD);
    assert_eq!(fake.key(AWKWARD).expect("still there")["name"], "renamed");
    assert_decoys_untouched(&fake, &decoys);
}

#[tokio::test]
async fn delete_encodes_the_hash_as_one_segment() {
    let fake = FakeOpenRouter::start().await;
    let decoys = seed_awkward_and_decoys(&fake);
    let response = client(&fake)
        .api_keys()
        .delete(AWKWARD)
        .send()
        .await
        .expect("delete");
    assert_one_segment(&fake, "DELETE", AWKWARD_ENCODED);
    assert!(response.deleted);
    assert_eq!(fake.key(AWKWARD), None, "the named key is deleted");
    assert_decoys_untouched(&fake, &decoys);
}

#[tokio::test]
async fn an_already_encoded_looking_hash_is_encoded_again() {
    let fake = FakeOpenRouter::start().await;
    seed_awkward_and_decoys(&fake);
    let response = client(&fake)
        .api_keys()
        .get(AWKWARD_ENCODED)
        .send()
        .await
        .expect("get");
    assert_one_segment(&fake, "GET", "a%252Fb%253Fc%2523d%2525e%2520f");
    assert_eq!(response.data.hash, AWKWARD_ENCODED);
    assert_eq!(response.data.name, "decoy");
}

#[tokio::test]
async fn non_ascii_and_reserved_characters_are_encoded() {
    let fake = FakeOpenRouter::start().await;
    let hash = "ключ+&=;:@!$'()*,[]\\\"<>^`{|}";
    fake.insert_key(json!({"hash": hash, "name": "unicode"}));
    let response = client(&fake)
        .api_keys()
        .get(hash)
        .send()
        .await
        .expect("get");
    assert_eq!(response.data.hash, hash);
    let request = fake.last_request().expect("a request");
    let segment = request
        .path
        .strip_prefix("/api/v1/keys/")
        .expect("under /api/v1/keys/");
    assert!(
        segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)),
        "only unreserved characters and escapes: {segment}"
    );
    assert_eq!(request.query, None);
}

/// `.` and `..` are path segments with a meaning of their own, and an empty
/// hash leaves no segment at all: such a hash must not make a request reach
/// another endpoint. Either the request
/// reaches `/api/v1/keys/<one segment>` or the client refuses to send it.
#[tokio::test]
async fn empty_and_dot_hashes_do_not_escape_the_keys_collection() {
    let mut escapes = Vec::new();
    for hash in ["", ".", ".."] {
        for method in ["GET", "PATCH", "DELETE"] {
            let fake = FakeOpenRouter::start().await;
            fake.insert_key(json!({"hash": hash, "name": "dots"}));
            let keys = client(&fake);
            let keys = keys.api_keys();
            let refused = match method {
                "GET" => matches!(
                    keys.get(hash).send().await,
                    Err(openrouter::api_keys::GetError::InvalidRequest(_))
                ),
                "PATCH" => matches!(
                    keys.update(hash).name("x").send().await,
                    Err(openrouter::api_keys::UpdateError::InvalidRequest(_))
                ),
                _ => matches!(
                    keys.delete(hash).send().await,
                    Err(openrouter::api_keys::DeleteError::InvalidRequest(_))
                ),
            };
            match fake.last_request() {
                None if refused => {}
                None => escapes.push(format!(
                    "{method} {hash:?}: nothing sent, yet not InvalidRequest"
                )),
                Some(request) => {
                    let segment = request.path.strip_prefix("/api/v1/keys/");
                    if !segment.is_some_and(|s| !s.is_empty() && !s.contains('/')) {
                        escapes.push(format!(
                            "{method} of hash {hash:?} reached {} {}",
                            request.method, request.path
                        ));
                    }
                }
            }
        }
    }
    assert!(escapes.is_empty(), "{escapes:#?}");
}

// ---------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------

fn assert_hidden(what: &str, text: &str, secret: &str) {
    assert!(
        !text.contains(secret),
        "{what} prints the secret {secret:?}: {text}"
    );
}

#[tokio::test]
async fn the_clients_api_key_is_never_printed() {
    let fake = FakeOpenRouter::start().await;
    let builder = OpenRouter::builder().api_key(KEY).base_url(fake.base_url());
    assert_hidden("the builder's Debug", &format!("{builder:?}"), KEY);
    assert_hidden("the builder's Debug", &format!("{builder:#?}"), KEY);
    let client = builder.build().expect("client");
    assert_hidden("the client's Debug", &format!("{client:?}"), KEY);
    assert_hidden("the client's Debug", &format!("{client:#?}"), KEY);
    let request = client.api_keys().update("h").name("n");
    assert_hidden("a request builder's Debug", &format!("{request:?}"), KEY);
    let request = client.oauth().create_auth_code("https://example.com/cb");
    assert_hidden("a request builder's Debug", &format!("{request:?}"), KEY);

    // The key is still sent.
    client.api_keys().list().send().await.expect("list");
    assert_eq!(
        fake.last_request()
            .expect("a request")
            .header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

#[tokio::test]
async fn the_api_key_is_not_printed_by_errors_without_a_response() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    drop(listener);
    let client = OpenRouter::builder()
        .api_key(KEY)
        .base_url(format!("http://{addr}/api/v1"))
        .build()
        .expect("client");
    let error = client.api_keys().list().send().await.expect_err("refused");
    assert_hidden("a transport error's Debug", &format!("{error:?}"), KEY);
    assert_hidden("a transport error's Display", &error.to_string(), KEY);

    let error = client
        .api_keys()
        .list()
        .http_referer("bad\nvalue")
        .send()
        .await
        .expect_err("invalid");
    assert_hidden("an invalid request's Debug", &format!("{error:?}"), KEY);
    assert_hidden("an invalid request's Display", &error.to_string(), KEY);
}

#[test]
fn an_invalid_api_key_is_refused_without_printing_it() {
    let bad = "sk-or-v1-secret-with\nnewline";
    let error = OpenRouter::builder()
        .api_key(bad)
        .build()
        .expect_err("a newline cannot be sent in a header");
    assert_hidden("BuildError's Display", &error.to_string(), "secret-with");
    assert_hidden("BuildError's Debug", &format!("{error:?}"), "secret-with");
}

#[tokio::test]
async fn the_key_returned_by_create_is_redacted_but_exposable() {
    let fake = FakeOpenRouter::start().await;
    let client = client(&fake);
    let response = client
        .api_keys()
        .create("secretive")
        .send()
        .await
        .expect("create");
    let secret = response.key.expose_secret().to_owned();
    assert!(
        secret.starts_with("sk-or-v1-") && secret.len() > 20,
        "{secret}"
    );

    assert_hidden("the response's Debug", &format!("{response:?}"), &secret);
    assert_hidden("the response's Debug", &format!("{response:#?}"), &secret);
    assert_hidden(
        "the body's Debug",
        &format!("{:?}", response.body()),
        &secret,
    );
    assert_hidden("the key's Debug", &format!("{:?}", response.key), &secret);
    assert_eq!(response.key.to_string(), "[redacted]");
    let body = response.into_body();
    assert_hidden("the owned body's Debug", &format!("{body:#?}"), &secret);

    // What `expose_secret` returned is the real key: the fake recognises it.
    let own = OpenRouter::builder()
        .api_key(body.key.expose_secret())
        .base_url(fake.base_url())
        .build()
        .expect("client");
    let current = own
        .api_keys()
        .get_current_key_metadata()
        .send()
        .await
        .expect("current key");
    assert_eq!(current.data.label, body.data.label);
    assert!(!current.data.is_management_key);
}

#[tokio::test]
async fn the_key_returned_by_the_exchange_is_redacted_but_exposable() {
    let fake = FakeOpenRouter::start().await;
    let code = fake.seed_auth_code(None, None);
    let response = client(&fake)
        .oauth()
        .exchange_auth_code_for_api_key(&code)
        .send()
        .await
        .expect("exchange");
    let secret = response.key.expose_secret().to_owned();
    assert!(
        secret.starts_with("sk-or-v1-") && secret.len() > 20,
        "{secret}"
    );

    assert_hidden("the response's Debug", &format!("{response:?}"), &secret);
    assert_hidden("the response's Debug", &format!("{response:#?}"), &secret);
    assert_hidden(
        "the body's Debug",
        &format!("{:?}", response.body()),
        &secret,
    );
    assert_eq!(response.key.to_string(), "[redacted]");
    assert_eq!(format!("{:?}", response.key), "SecretString([redacted])");

    let stored = fake
        .keys()
        .into_iter()
        .find(|k| k["name"] == "OAuth key")
        .expect("the exchange stored a key");
    let own = OpenRouter::builder()
        .api_key(secret.as_str())
        .base_url(fake.base_url())
        .build()
        .expect("client");
    let current = own
        .api_keys()
        .get_current_key_metadata()
        .send()
        .await
        .expect("current key");
    assert_eq!(current.data.label, stored["label"].as_str().expect("label"));
}

#[test]
fn secret_strings_print_redacted() {
    let secret = SecretString::from("sk-or-v1-abc");
    assert_eq!(secret.to_string(), "[redacted]");
    assert_eq!(format!("{secret}"), "[redacted]");
    assert_hidden("SecretString's Debug", &format!("{secret:?}"), "abc");
    assert_eq!(secret.expose_secret(), "sk-or-v1-abc");
    let owned = SecretString::from(String::from("sk-or-v1-def"));
    assert_eq!(owned.expose_secret(), "sk-or-v1-def");
    assert_hidden("SecretString's Debug", &format!("{owned:#?}"), "def");
}

/// A create answered with an undeclared status still carries the new key in its body;
/// printing the resulting error must not reveal it.
#[tokio::test]
async fn errors_carrying_a_key_do_not_print_it() {
    let fake = FakeOpenRouter::start().await;
    let secret = "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";

    // An undeclared success status is decoded as the success body; this one is incomplete.
    fake.respond_next_json(
        200,
        json!({"data": {"hash": "h", "name": "n"}, "key": secret}),
    );
    let error = client(&fake)
        .api_keys()
        .create("n")
        .send()
        .await
        .expect_err("incomplete body");
    assert!(matches!(error, CreateError::Decode(_)), "{error:?}");
    assert_hidden("the error's Display", &error.to_string(), secret);
    assert_hidden("the error's Debug", &format!("{error:?}"), secret);

    // An undeclared error status keeps the body, but does not echo it.
    fake.respond_next_json(418, json!({"key": secret}));
    let error = client(&fake)
        .api_keys()
        .create("n")
        .send()
        .await
        .expect_err("418");
    assert!(matches!(error, CreateError::Unexpected(_)), "{error:?}");
    assert_hidden("the error's Display", &error.to_string(), secret);
    assert_hidden("the error's Debug", &format!("{error:?}"), secret);
    assert!(String::from_utf8_lossy(error.raw_body().expect("a body")).contains(secret));
}
