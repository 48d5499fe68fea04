//! `GET /auth`, OpenRouter's authorization page, as the fake serves it: the user approves at
//! once, so the page issues a code bound to the challenge and redirects the browser to
//! `callback_url?code=...` (302), as OpenRouter does after the user approves.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value};

use crate::fake::{State, callback_url, parse_query};

/// The path of the authorization page, outside the API prefix like `https://openrouter.ai/auth`.
pub const AUTHORIZATION_PATH: &str = "/auth";

/// Answers `GET /auth?callback_url=...&code_challenge=...&code_challenge_method=...`.
pub(crate) fn authorize(state: &mut State, query: &str) -> Response {
    match redirect_target(state, query) {
        Ok(location) => {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::FOUND;
            match HeaderValue::try_from(location) {
                Ok(value) => {
                    response.headers_mut().insert(header::LOCATION, value);
                    response
                }
                Err(_) => error_page("the callback URL is not a valid header value"),
            }
        }
        Err(message) => error_page(&message),
    }
}

/// Issues the code and returns where the browser goes next.
fn redirect_target(state: &mut State, query: &str) -> Result<String, String> {
    let params = parse_query(query).map_err(|_| "the query is not valid".to_owned())?;
    let param = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let callback = param("callback_url").ok_or("`callback_url` is required")?;
    if !callback_url(&Value::String(callback.clone())) {
        return Err("`callback_url` must be an https or localhost URL".into());
    }
    let challenge = param("code_challenge").filter(|c| !c.is_empty());
    let method = param("code_challenge_method");
    if let Some(method) = &method
        && !matches!(method.as_str(), "S256" | "plain")
    {
        return Err("`code_challenge_method` must be S256 or plain".into());
    }
    let mut request = Map::new();
    request.insert("callback_url".into(), Value::String(callback.clone()));
    let code = state.issue_code(challenge, method, request);
    let separator = if callback.contains('?') { '&' } else { '?' };
    Ok(format!("{callback}{separator}code={code}"))
}

fn error_page(message: &str) -> Response {
    let mut response = Response::new(Body::from(format!(
        "<!doctype html><title>Authorization failed</title><p>{message}</p>"
    )));
    *response.status_mut() = StatusCode::BAD_REQUEST;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}
