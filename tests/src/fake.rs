//! The state and the request logic of the fake, free of any HTTP plumbing.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasher;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::{API_PREFIX, RecordedRequest, Scripted};

/// The workspace of keys created or listed without a `workspace_id`.
pub const DEFAULT_WORKSPACE_ID: &str = "0df9e665-d932-5740-b2c7-b52af166bc11";

/// The `user_id` returned by `POST /auth/keys` and the creator of the calling key.
pub const FAKE_USER_ID: &str = "user_2yOPcMpKoQhcd4bVgSMlELRaIah";

/// The `app_id` of every authorization code the fake issues.
pub const FAKE_APP_ID: i64 = 12345;

type Object = Map<String, Value>;

/// A status and a JSON body.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: Value,
}

impl Reply {
    fn ok(status: u16, body: Value) -> Self {
        Reply { status, body }
    }

    /// The error body every declared error status of the document uses.
    pub(crate) fn error(status: u16, message: impl Into<String>) -> Self {
        let message: String = message.into();
        Reply {
            status,
            body: json!({ "error": { "code": status, "message": message } }),
        }
    }
}

fn bad_request(message: impl Into<String>) -> Reply {
    Reply::error(400, message)
}

fn not_found() -> Reply {
    Reply::error(404, "Resource not found")
}

struct StoredKey {
    /// The `sk-or-v1-...` string, when the fake made it (so `GET /key` can find the key).
    secret: Option<String>,
    data: Object,
}

struct AuthCode {
    /// The code challenge and its method.
    challenge: Option<(String, String)>,
    /// The validated body of `POST /auth/keys/code`.
    request: Object,
    issued: Instant,
}

/// How long an authorization code can be exchanged unless a test sets otherwise.
const CODE_LIFETIME: Duration = Duration::from_secs(600);

/// Everything the fake remembers.
pub(crate) struct State {
    pub(crate) require_auth: bool,
    pub(crate) requests: Vec<RecordedRequest>,
    pub(crate) scripted: VecDeque<Scripted>,
    pub(crate) code_lifetime: Duration,
    keys: Vec<StoredKey>,
    codes: HashMap<String, AuthCode>,
    random: RandomState,
    counter: u64,
}

enum Endpoint {
    ExchangeCode,
    CreateCode,
    CurrentKey,
    Keys,
    Key(String),
}

impl State {
    pub(crate) fn new(require_auth: bool) -> Self {
        State {
            require_auth,
            requests: Vec::new(),
            scripted: VecDeque::new(),
            code_lifetime: CODE_LIFETIME,
            keys: Vec::new(),
            codes: HashMap::new(),
            random: RandomState::new(),
            counter: 0,
        }
    }

    /// Answers one request with the fake's logic.
    pub(crate) fn handle(&mut self, request: &RecordedRequest) -> Reply {
        self.route(request).unwrap_or_else(|reply| reply)
    }

    fn route(&mut self, request: &RecordedRequest) -> Result<Reply, Reply> {
        let rest = request
            .path
            .strip_prefix(API_PREFIX)
            .ok_or_else(not_found)?;
        let endpoint = match rest {
            "/auth/keys" => Endpoint::ExchangeCode,
            "/auth/keys/code" => Endpoint::CreateCode,
            "/key" => Endpoint::CurrentKey,
            "/keys" => Endpoint::Keys,
            _ => {
                let segment = rest.strip_prefix("/keys/").ok_or_else(not_found)?;
                if segment.is_empty() || segment.contains('/') {
                    return Err(not_found());
                }
                let hash = percent_decode(segment, false)
                    .ok_or_else(|| bad_request("the path is not valid percent-encoded UTF-8"))?;
                Endpoint::Key(hash)
            }
        };
        let method = request.method.as_str();
        let allowed = matches!(
            (&endpoint, method),
            (Endpoint::ExchangeCode | Endpoint::CreateCode, "POST")
                | (Endpoint::CurrentKey, "GET")
                | (Endpoint::Keys, "GET" | "POST")
                | (Endpoint::Key(_), "GET" | "PATCH" | "DELETE")
        );
        if !allowed {
            return Err(Reply::error(405, format!("{method} is not allowed here")));
        }
        let token = bearer(request);
        // `POST /auth/keys` declares no 401: the caller has no key yet.
        if self.require_auth && token.is_none() && !matches!(endpoint, Endpoint::ExchangeCode) {
            return Err(Reply::error(401, "Missing Authentication header"));
        }
        match (endpoint, method) {
            (Endpoint::ExchangeCode, _) => self.exchange_code(&json_object(request)?),
            (Endpoint::CreateCode, _) => self.create_code(json_object(request)?),
            (Endpoint::CurrentKey, _) => {
                Ok(Reply::ok(200, json!({ "data": self.current_key(token) })))
            }
            (Endpoint::Keys, "GET") => self.list_keys(request.query.as_deref()),
            (Endpoint::Keys, _) => self.create_key(&json_object(request)?),
            (Endpoint::Key(hash), "GET") => {
                let key = self.key(&hash).ok_or_else(not_found)?;
                Ok(Reply::ok(200, json!({ "data": key })))
            }
            (Endpoint::Key(hash), "DELETE") => {
                let index = self.index(&hash).ok_or_else(not_found)?;
                self.keys.remove(index);
                Ok(Reply::ok(200, json!({ "deleted": true })))
            }
            (Endpoint::Key(hash), _) => self.update_key(&hash, &json_object(request)?),
        }
    }

    fn index(&self, hash: &str) -> Option<usize> {
        self.keys
            .iter()
            .position(|k| k.data.get("hash").and_then(Value::as_str) == Some(hash))
    }

    pub(crate) fn key(&self, hash: &str) -> Option<Value> {
        self.index(hash)
            .map(|i| Value::Object(self.keys[i].data.clone()))
    }

    pub(crate) fn keys(&self) -> Vec<Value> {
        self.keys
            .iter()
            .map(|k| Value::Object(k.data.clone()))
            .collect()
    }

    /// A full `ApiKey` object with defaults, overridden by `fields`, stored under its hash.
    fn store(&mut self, secret: Option<String>, fields: Object) -> String {
        let hash = match fields.get("hash") {
            Some(Value::String(hash)) => hash.clone(),
            Some(other) => panic!("the hash of a key must be a string, got {other}"),
            None => self.random_hex(32),
        };
        let label = label_for(secret.as_deref().unwrap_or(&hash));
        let mut data = default_key(&hash, &label);
        data.extend(fields);
        match self.index(&hash) {
            Some(i) => self.keys[i] = StoredKey { secret, data },
            None => self.keys.push(StoredKey { secret, data }),
        }
        hash
    }

    pub(crate) fn insert_key(&mut self, fields: Object) -> String {
        let secret = format!("sk-or-v1-{}", self.random_hex(32));
        self.store(Some(secret), fields)
    }

    fn create_key(&mut self, body: &Object) -> Result<Reply, Reply> {
        let name = check(body, "name", false, "a non-empty string", non_empty)?
            .ok_or_else(|| bad_request("`name` is required"))?;
        let limit = check(body, "limit", true, "a number or null", Value::is_number)?;
        let limit_reset = check(
            body,
            "limit_reset",
            true,
            "daily, weekly, monthly or null",
            reset,
        )?;
        let byok = check(
            body,
            "include_byok_in_limit",
            false,
            "a boolean",
            Value::is_boolean,
        )?;
        let expires_at = check(
            body,
            "expires_at",
            true,
            "a UTC date-time or null",
            utc_time,
        )?;
        let creator = check(
            body,
            "creator_user_id",
            true,
            "a non-empty string or null",
            non_empty,
        )?;
        let workspace = check(body, "workspace_id", false, "a UUID", uuid)?;

        let mut fields = Object::new();
        fields.insert("name".into(), name);
        let limit = limit.unwrap_or(Value::Null);
        fields.insert("limit".into(), limit.clone());
        fields.insert("limit_remaining".into(), limit);
        fields.insert("limit_reset".into(), limit_reset.unwrap_or(Value::Null));
        fields.insert(
            "include_byok_in_limit".into(),
            byok.unwrap_or(Value::Bool(false)),
        );
        fields.insert("expires_at".into(), expires_at.unwrap_or(Value::Null));
        fields.insert("creator_user_id".into(), creator.unwrap_or(Value::Null));
        if let Some(workspace) = workspace {
            fields.insert("workspace_id".into(), workspace);
        }
        let secret = format!("sk-or-v1-{}", self.random_hex(32));
        let hash = self.store(Some(secret.clone()), fields);
        let data = self.key(&hash).unwrap_or(Value::Null);
        Ok(Reply::ok(201, json!({ "data": data, "key": secret })))
    }

    fn list_keys(&self, query: Option<&str>) -> Result<Reply, Reply> {
        let mut include_disabled = false;
        let mut offset = 0usize;
        let mut workspace = DEFAULT_WORKSPACE_ID.to_owned();
        for (name, value) in parse_query(query.unwrap_or(""))? {
            match name.as_str() {
                "include_disabled" => {
                    include_disabled = match value.as_str() {
                        "true" => true,
                        "false" => false,
                        _ => return Err(bad_request("`include_disabled` must be true or false")),
                    }
                }
                "offset" if value.is_empty() => offset = 0,
                "offset" => {
                    offset = value
                        .parse()
                        .map_err(|_| bad_request("`offset` must be a non-negative integer"))?
                }
                "workspace_id" if uuid(&Value::String(value.clone())) => workspace = value,
                "workspace_id" => return Err(bad_request("`workspace_id` must be a UUID")),
                _ => {}
            }
        }
        let data: Vec<Value> = self
            .keys
            .iter()
            .filter(|k| {
                k.data.get("workspace_id").and_then(Value::as_str) == Some(workspace.as_str())
            })
            .filter(|k| include_disabled || k.data.get("disabled") != Some(&Value::Bool(true)))
            .skip(offset)
            .map(|k| Value::Object(k.data.clone()))
            .collect();
        Ok(Reply::ok(200, json!({ "data": data })))
    }

    fn update_key(&mut self, hash: &str, body: &Object) -> Result<Reply, Reply> {
        let index = self.index(hash).ok_or_else(not_found)?;
        let changes = [
            (
                "name",
                check(body, "name", false, "a string", Value::is_string)?,
            ),
            (
                "disabled",
                check(body, "disabled", false, "a boolean", Value::is_boolean)?,
            ),
            (
                "include_byok_in_limit",
                check(
                    body,
                    "include_byok_in_limit",
                    false,
                    "a boolean",
                    Value::is_boolean,
                )?,
            ),
            (
                "limit",
                check(body, "limit", true, "a number or null", Value::is_number)?,
            ),
            (
                "limit_reset",
                check(
                    body,
                    "limit_reset",
                    true,
                    "daily, weekly, monthly or null",
                    reset,
                )?,
            ),
        ];
        let data = &mut self.keys[index].data;
        for (name, value) in changes {
            if let Some(value) = value {
                data.insert(name.into(), value);
            }
        }
        if body.contains_key("limit") {
            let usage = data.get("usage").and_then(Value::as_f64).unwrap_or(0.0);
            let remaining = match data.get("limit").and_then(Value::as_f64) {
                Some(limit) => json!(limit - usage),
                None => Value::Null,
            };
            data.insert("limit_remaining".into(), remaining);
        }
        data.insert("updated_at".into(), Value::String(now()));
        Ok(Reply::ok(200, json!({ "data": data })))
    }

    /// The `CurrentApiKey` of the calling token: a key the fake made when the
    /// token is one of its secrets, otherwise a management key without limits.
    fn current_key(&self, token: Option<&str>) -> Value {
        let rate_limit = json!({
            "requests": -1,
            "interval": "10s",
            "note": "This field is deprecated and safe to ignore."
        });
        let stored = token.and_then(|t| self.keys.iter().find(|k| k.secret.as_deref() == Some(t)));
        let Some(stored) = stored else {
            return json!({
                "label": label_for(token.unwrap_or("")),
                "limit": null,
                "limit_remaining": null,
                "limit_reset": null,
                "include_byok_in_limit": false,
                "usage": 0.0, "usage_daily": 0.0, "usage_weekly": 0.0, "usage_monthly": 0.0,
                "byok_usage": 0.0, "byok_usage_daily": 0.0, "byok_usage_weekly": 0.0,
                "byok_usage_monthly": 0.0,
                "is_free_tier": false,
                "is_management_key": true,
                "is_provisioning_key": true,
                "creator_user_id": FAKE_USER_ID,
                "expires_at": null,
                "rate_limit": rate_limit,
            });
        };
        let mut data = Object::new();
        for field in [
            "label",
            "limit",
            "limit_remaining",
            "limit_reset",
            "include_byok_in_limit",
            "usage",
            "usage_daily",
            "usage_weekly",
            "usage_monthly",
            "byok_usage",
            "byok_usage_daily",
            "byok_usage_weekly",
            "byok_usage_monthly",
            "creator_user_id",
            "expires_at",
        ] {
            data.insert(
                field.into(),
                stored.data.get(field).cloned().unwrap_or(Value::Null),
            );
        }
        data.insert("is_free_tier".into(), Value::Bool(false));
        data.insert("is_management_key".into(), Value::Bool(false));
        data.insert("is_provisioning_key".into(), Value::Bool(false));
        data.insert("rate_limit".into(), rate_limit);
        Value::Object(data)
    }

    fn create_code(&mut self, body: Object) -> Result<Reply, Reply> {
        let callback = check(
            &body,
            "callback_url",
            false,
            "an https or localhost URL",
            callback_url,
        )?;
        if callback.is_none() {
            return Err(bad_request("`callback_url` is required"));
        }
        let challenge = check(
            &body,
            "code_challenge",
            false,
            "a non-empty string",
            non_empty,
        )?;
        let method = check(
            &body,
            "code_challenge_method",
            false,
            "S256 or plain",
            |v| matches!(v.as_str(), Some("S256" | "plain")),
        )?;
        check(
            &body,
            "expires_at",
            true,
            "a UTC date-time or null",
            utc_time,
        )?;
        check(
            &body,
            "key_label",
            false,
            "a string of at most 100 characters",
            |v| v.as_str().is_some_and(|s| s.chars().count() <= 100),
        )?;
        check(&body, "limit", false, "a number", Value::is_number)?;
        check(
            &body,
            "usage_limit_type",
            false,
            "daily, weekly or monthly",
            reset,
        )?;
        check(&body, "workspace_id", false, "a UUID", uuid)?;
        check(&body, "spawn_agent", false, "a string", Value::is_string)?;
        check(&body, "spawn_cloud", false, "a string", Value::is_string)?;

        let challenge = challenge.and_then(|c| c.as_str().map(str::to_owned));
        let method = method.and_then(|m| m.as_str().map(str::to_owned));
        let id = self.issue_code(challenge, method, body);
        Ok(Reply::ok(
            200,
            json!({ "data": { "id": id, "app_id": FAKE_APP_ID, "created_at": now() } }),
        ))
    }

    pub(crate) fn issue_code(
        &mut self,
        challenge: Option<String>,
        method: Option<String>,
        request: Object,
    ) -> String {
        let id = format!("auth_code_{}", self.random_hex(12));
        let challenge = challenge.map(|c| (c, method.unwrap_or_else(|| "plain".into())));
        self.codes.insert(
            id.clone(),
            AuthCode {
                challenge,
                request,
                issued: Instant::now(),
            },
        );
        id
    }

    pub(crate) fn seed_auth_code(
        &mut self,
        challenge: Option<&str>,
        method: Option<&str>,
    ) -> String {
        let mut request = Object::new();
        request.insert("callback_url".into(), json!("https://example.com/callback"));
        self.issue_code(
            challenge.map(str::to_owned),
            method.map(str::to_owned),
            request,
        )
    }

    fn exchange_code(&mut self, body: &Object) -> Result<Reply, Reply> {
        let code = check(body, "code", false, "a string", Value::is_string)?
            .ok_or_else(|| bad_request("`code` is required"))?;
        let verifier = check(body, "code_verifier", false, "a string", Value::is_string)?;
        let method = check(
            body,
            "code_challenge_method",
            true,
            "S256, plain or null",
            |v| matches!(v.as_str(), Some("S256" | "plain")),
        )?;
        let code = code.as_str().unwrap_or_default();
        let issued = self
            .codes
            .get(code)
            .ok_or_else(|| bad_request("Invalid or already used authorization code"))?;
        if issued.issued.elapsed() > self.code_lifetime {
            self.codes.remove(code);
            return Err(bad_request("The authorization code has expired"));
        }
        if let Some((challenge, stored_method)) = &issued.challenge {
            let verifier = verifier
                .as_ref()
                .and_then(Value::as_str)
                .ok_or_else(|| bad_request("`code_verifier` is required for this code"))?;
            if let Some(Value::String(method)) = &method
                && method != stored_method
            {
                return Err(bad_request(
                    "`code_challenge_method` differs from the one of the code",
                ));
            }
            let derived = match stored_method.as_str() {
                "S256" => URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
                _ => verifier.to_owned(),
            };
            if &derived != challenge {
                return Err(bad_request(
                    "`code_verifier` does not match the code challenge",
                ));
            }
        }
        let Some(issued) = self.codes.remove(code) else {
            return Err(bad_request("Invalid or already used authorization code"));
        };
        let request = issued.request;
        let mut fields = Object::new();
        let name = request
            .get("key_label")
            .cloned()
            .unwrap_or_else(|| json!("OAuth key"));
        fields.insert("name".into(), name);
        if let Some(limit) = request.get("limit") {
            fields.insert("limit".into(), limit.clone());
            fields.insert("limit_remaining".into(), limit.clone());
        }
        for (from, to) in [
            ("usage_limit_type", "limit_reset"),
            ("expires_at", "expires_at"),
            ("workspace_id", "workspace_id"),
        ] {
            if let Some(value) = request.get(from) {
                fields.insert(to.into(), value.clone());
            }
        }
        fields.insert("creator_user_id".into(), json!(FAKE_USER_ID));
        let secret = format!("sk-or-v1-{}", self.random_hex(32));
        self.store(Some(secret.clone()), fields);
        Ok(Reply::ok(
            200,
            json!({ "key": secret, "user_id": FAKE_USER_ID }),
        ))
    }

    /// `bytes` (at most 32) unpredictable bytes as lower-case hex.
    fn random_hex(&mut self, bytes: usize) -> String {
        self.counter += 1;
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let seed = self.random.hash_one((self.counter, nanos));
        let digest = Sha256::digest(format!("{seed}:{}:{nanos}", self.counter).as_bytes());
        digest
            .iter()
            .take(bytes)
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

fn default_key(hash: &str, label: &str) -> Object {
    let value = json!({
        "hash": hash,
        "name": label,
        "label": label,
        "disabled": false,
        "limit": null,
        "limit_remaining": null,
        "limit_reset": null,
        "include_byok_in_limit": false,
        "usage": 0.0, "usage_daily": 0.0, "usage_weekly": 0.0, "usage_monthly": 0.0,
        "byok_usage": 0.0, "byok_usage_daily": 0.0, "byok_usage_weekly": 0.0,
        "byok_usage_monthly": 0.0,
        "created_at": now(),
        "updated_at": null,
        "creator_user_id": null,
        "expires_at": null,
        "workspace_id": DEFAULT_WORKSPACE_ID,
    });
    match value {
        Value::Object(map) => map,
        _ => Object::new(),
    }
}

/// `sk-or-v1-0e6...1c96` for a long secret; a short one is shown whole.
fn label_for(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() <= 16 {
        return secret.to_owned();
    }
    let head: String = chars[..12].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}...{tail}")
}

fn bearer(request: &RecordedRequest) -> Option<&str> {
    let value = request.header("authorization")?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn json_object(request: &RecordedRequest) -> Result<Object, Reply> {
    match serde_json::from_slice(&request.body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(bad_request("the request body must be a JSON object")),
        Err(e) => Err(bad_request(format!(
            "the request body is not valid JSON: {e}"
        ))),
    }
}

/// The value of `name` in `body` if present and valid (`Some(Null)` for an
/// allowed null), `None` if absent, a 400 if present and invalid.
fn check(
    body: &Object,
    name: &str,
    nullable: bool,
    expected: &str,
    valid: impl Fn(&Value) -> bool,
) -> Result<Option<Value>, Reply> {
    match body.get(name) {
        None => Ok(None),
        Some(Value::Null) if nullable => Ok(Some(Value::Null)),
        Some(value) if valid(value) => Ok(Some(value.clone())),
        Some(_) => Err(bad_request(format!("`{name}` must be {expected}"))),
    }
}

fn non_empty(value: &Value) -> bool {
    value.as_str().is_some_and(|s| !s.is_empty())
}

fn reset(value: &Value) -> bool {
    matches!(value.as_str(), Some("daily" | "weekly" | "monthly"))
}

fn uuid(value: &Value) -> bool {
    let Some(s) = value.as_str() else {
        return false;
    };
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+00:00)`: the document accepts UTC only.
fn utc_time(value: &Value) -> bool {
    let Some(s) = value.as_str() else {
        return false;
    };
    let Some(base) = s.get(..19) else {
        return false;
    };
    let shape = base.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'-',
        10 => b == b'T',
        13 | 16 => b == b':',
        _ => b.is_ascii_digit(),
    });
    let rest = &s[19..];
    let zone = rest
        .strip_prefix('.')
        .map(|r| r.trim_start_matches(|c: char| c.is_ascii_digit()))
        .unwrap_or(rest);
    shape && (zone == "Z" || zone == "+00:00")
}

pub(crate) fn callback_url(value: &Value) -> bool {
    let Some(url) = value.as_str() else {
        return false;
    };
    if let Some(rest) = url.strip_prefix("https://") {
        return !rest.is_empty();
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once(':')
        .map_or(authority, |(host, _)| host);
    host == "localhost" || host == "127.0.0.1"
}

pub(crate) fn parse_query(query: &str) -> Result<Vec<(String, String)>, Reply> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            match (percent_decode(name, true), percent_decode(value, true)) {
                (Some(name), Some(value)) => Ok((name, value)),
                _ => Err(bad_request(
                    "the query string is not valid percent-encoded UTF-8",
                )),
            }
        })
        .collect()
}

/// Decodes `%XX` escapes (and `+` as a space in a query); `None` on a bad
/// escape or invalid UTF-8.
pub(crate) fn percent_decode(text: &str, plus_is_space: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = |j: usize| bytes.get(j).and_then(|b| (*b as char).to_digit(16));
                out.push((hex(i + 1)? * 16 + hex(i + 2)?) as u8);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The current time as `YYYY-MM-DDTHH:MM:SSZ`.
fn now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, secs_of_day) = ((secs / 86_400) as i64, secs % 86_400);
    // Civil date from days since 1970-01-01 (proleptic Gregorian calendar).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs_of_day / 3_600,
        secs_of_day % 3_600 / 60,
        secs_of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(
            percent_decode("a%2Fb%3Fc%23d%25e%20f", false).as_deref(),
            Some("a/b?c#d%e f")
        );
        assert_eq!(percent_decode("a+b", true).as_deref(), Some("a b"));
        assert_eq!(percent_decode("a+b", false).as_deref(), Some("a+b"));
        assert_eq!(percent_decode("%zz", false), None);
        assert_eq!(percent_decode("%4", false), None);
        assert_eq!(percent_decode("%ff", false), None);
    }

    #[test]
    fn formats_the_time_as_rfc3339() {
        assert!(utc_time(&json!(now())), "{}", now());
        assert!(utc_time(&json!("2027-12-31T23:59:59.123Z")));
        assert!(!utc_time(&json!("2027-12-31T23:59:59+02:00")));
    }

    #[test]
    fn checks_callback_urls() {
        assert!(callback_url(&json!("https://myapp.com/auth/callback")));
        assert!(callback_url(&json!("http://localhost:3000/cb")));
        assert!(callback_url(&json!("http://127.0.0.1/cb")));
        assert!(!callback_url(&json!("http://localhost.evil.com/cb")));
        assert!(!callback_url(&json!("ftp://x")));
    }
}
