//! What the client for `tests/fixtures/whole-bodies.yaml` puts on the wire: bodies given whole
//! and lists in the query. `.ci/fixture-crates` copies this file into the generated crate.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use openrouter::OpenRouter;
use openrouter::models::{Circle, CircleKind, Shape, State};

/// One request as the server read it.
struct Seen {
    request_line: String,
    headers: String,
    body: String,
}

/// Answers one request with `status` and `body`, and hands over what it read.
fn serve_once(status: u16, body: &'static str) -> (OpenRouter, mpsc::Receiver<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("a connection");
        let mut data = Vec::new();
        let mut buf = [0u8; 4096];
        let (head, length) = loop {
            let n = stream.read(&mut buf).expect("read");
            assert!(n > 0, "connection closed before the head ended");
            data.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&data).into_owned();
            if let Some(end) = text.find("\r\n\r\n") {
                let head = text[..end].to_owned();
                let length = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().expect("length"))
                    })
                    .unwrap_or(0);
                data.drain(..end + 4);
                break (head, length);
            }
        };
        while data.len() < length {
            let n = stream.read(&mut buf).expect("read body");
            data.extend_from_slice(&buf[..n]);
        }
        let (request_line, headers) = head.split_once("\r\n").unwrap_or((&head, ""));
        let content_type = if body.is_empty() {
            ""
        } else {
            "content-type: application/json\r\n"
        };
        let reply = format!(
            "HTTP/1.1 {status} X\r\n{content_type}content-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(reply.as_bytes()).expect("reply");
        sender
            .send(Seen {
                request_line: request_line.to_owned(),
                headers: headers.to_ascii_lowercase(),
                body: String::from_utf8(data).expect("a text body"),
            })
            .expect("the test is waiting");
    });
    let client = OpenRouter::builder().base_url(url).build().expect("client");
    (client, receiver)
}

#[tokio::test]
async fn a_list_body_is_sent_as_a_json_array() {
    let (client, seen) = serve_once(204, "");
    client
        .default_2()
        .replace_tags(vec!["a".to_owned(), "b \"c\"".to_owned()])
        .await
        .expect("204");
    let seen = seen.recv().expect("one request");
    assert_eq!(seen.request_line, "PUT /tags HTTP/1.1");
    assert!(
        seen.headers.contains("content-type: application/json"),
        "{}",
        seen.headers
    );
    assert_eq!(seen.body, r#"["a","b \"c\""]"#);
}

#[tokio::test]
async fn an_enum_body_and_an_integer_path_segment() {
    let (client, seen) = serve_once(204, "");
    client
        .default_2()
        .set_state(42, State::Stopped)
        .await
        .expect("204");
    let seen = seen.recv().expect("one request");
    assert_eq!(seen.request_line, "PUT /state/42 HTTP/1.1");
    assert_eq!(seen.body, r#""stopped""#);
}

#[tokio::test]
async fn a_union_body_goes_out_and_comes_back_tagged() {
    let (client, seen) = serve_once(201, r#"{"kind":"circle","radius":2.5}"#);
    let circle = Shape::Circle(Circle::new(CircleKind::Circle, 2.5));
    let response = client.default_2().add_shape(circle).await.expect("201");
    let seen = seen.recv().expect("one request");
    let sent: serde_json::Value = serde_json::from_str(&seen.body).expect("JSON");
    assert_eq!(sent, serde_json::json!({"kind": "circle", "radius": 2.5}));
    assert!(
        matches!(response.body(), Shape::Circle(c) if c.radius == 2.5),
        "{:?}",
        response.body()
    );
}

#[tokio::test]
async fn an_optional_whole_body_is_left_out_until_set() {
    let (client, seen) = serve_once(200, r#"{"a":1}"#);
    client.default_2().patch_settings().await.expect("200");
    let seen = seen.recv().expect("one request");
    assert_eq!(seen.request_line, "PATCH /settings HTTP/1.1");
    assert_eq!(seen.body, "");

    let (client, seen) = serve_once(200, r#"{"a":1}"#);
    let mut settings = serde_json::Map::new();
    settings.insert("theme".to_owned(), serde_json::json!("dark"));
    let response = client
        .default_2()
        .patch_settings()
        .body(settings)
        .await
        .expect("200");
    assert_eq!(
        seen.recv().expect("one request").body,
        r#"{"theme":"dark"}"#
    );
    assert_eq!(response.body().get("a"), Some(&1));
}

#[tokio::test]
async fn query_lists_repeat_the_name_unless_explode_is_false() {
    let (client, seen) = serve_once(200, "[]");
    client
        .default_2()
        .search(vec!["x y".to_owned(), "z".to_owned()], 5)
        .ids(vec![1, 2])
        .state(vec![State::Running, State::Stopped])
        .fields(vec!["a".to_owned(), "b".to_owned()])
        .await
        .expect("200");
    let seen = seen.recv().expect("one request");
    assert_eq!(
        seen.request_line,
        "GET /search?limit=5&tag=x+y&tag=z&ids=1&ids=2&state=running&state=stopped&fields=a%2Cb HTTP/1.1"
    );
}

#[tokio::test]
async fn an_empty_list_sends_no_pair() {
    let (client, seen) = serve_once(200, "[]");
    client
        .default_2()
        .search(Vec::<String>::new(), 1)
        .await
        .expect("200");
    assert_eq!(
        seen.recv().expect("one request").request_line,
        "GET /search?limit=1 HTTP/1.1"
    );
}
