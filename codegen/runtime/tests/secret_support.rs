//! Support for the generated secret tests: a canned HTTP server on 127.0.0.1 that counts
//! requests, and the check that no output form of a value carries a secret.

use std::error::Error;
use std::fmt::Debug;
use std::future::Future;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use openrouter::OpenRouter;

/// A key-shaped secret: the client's key, and the key in response bodies.
pub const KEY: &str = "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";
/// A secret of no particular shape: a code, a verifier, a URL password.
pub const OTHER: &str = "Vq8Lm3Zx7Rt2Pw9Kc4Nb6Hy1Jd5Gf0Sa";

/// One canned answer and what the call must make of it.
pub struct Case {
    /// The status the server answers with.
    pub status: u16,
    /// Its content type.
    pub content_type: &'static str,
    /// The body; `{KEY}` and `{OTHER}` are replaced by the secrets.
    pub body: &'static str,
    /// `Ok`, or the name of the error variant the call must return.
    pub expect: &'static str,
}

/// The cases of a declared error status whose body is not the declared JSON: the call keeps
/// it as `Unexpected`.
pub fn undeclared_bodies(statuses: &[u16]) -> impl Iterator<Item = Case> + '_ {
    statuses.iter().map(|&status| Case {
        status,
        content_type: "text/html",
        body: "<p>{KEY} {OTHER}</p>",
        expect: "Unexpected",
    })
}

/// The cases of a status the operation does not declare (when it declares no `default`), as
/// JSON and as text: the call keeps them as `Unexpected`.
pub fn undeclared_statuses() -> [Case; 2] {
    [
        Case {
            status: 418,
            content_type: "application/json",
            body: r#"{"error":{"code":418,"message":"{KEY}"},"key":"{KEY}"}"#,
            expect: "Unexpected",
        },
        Case {
            status: 418,
            content_type: "text/plain",
            body: "{KEY} {OTHER}",
            expect: "Unexpected",
        },
    ]
}

/// A client for building requests whose `Debug` is checked; it is never sent. (A document
/// without servers has no default base URL.)
pub fn request_client() -> OpenRouter {
    OpenRouter::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:9/api")
        .build()
        .expect("client")
}

/// Answers every connection with one canned response; counts the requests.
struct Server {
    addr: SocketAddr,
    requests: Arc<AtomicUsize>,
}

fn serve(status: u16, content_type: &'static str, body: String) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("address");
    let requests = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&requests);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            read_request(&mut stream);
            count.fetch_add(1, Ordering::SeqCst);
            let head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
    });
    Server { addr, requests }
}

/// Reads the head and a `content-length` body, so the client sees the whole request taken.
fn read_request(stream: &mut std::net::TcpStream) {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let Ok(n) = stream.read(&mut buf) else { return };
        if n == 0 {
            return;
        }
        data.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&data);
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return;
            }
        }
    }
}

/// A client whose key is [`KEY`] and whose base URL carries [`OTHER`] as a password. One
/// attempt per call, so each case reaches the server once.
fn client(addr: SocketAddr) -> OpenRouter {
    OpenRouter::builder()
        .api_key(KEY)
        .retry(openrouter::RetryPolicy::disabled())
        .base_url(format!("http://user:{OTHER}@{addr}/api/v1"))
        .build()
        .expect("client")
}

/// Calls one operation against each case, and once against a closed port, and checks every
/// output form of what comes back.
pub async fn check_operation<T, E, F, Fut>(operation: &str, cases: &[Case], call: F)
where
    T: Debug,
    E: Error + Into<openrouter::Error> + 'static,
    F: Fn(OpenRouter) -> Fut,
    Fut: Future<Output = Result<openrouter::Response<T>, E>>,
{
    for case in cases {
        let what = format!("{operation} answered {} {}", case.status, case.body);
        let body = case.body.replace("{KEY}", KEY).replace("{OTHER}", OTHER);
        let server = serve(case.status, case.content_type, body);
        let client = client(server.addr);
        assert_hidden(&format!("{what}: the client"), &format!("{client:?}"));
        assert_hidden(&format!("{what}: the client"), &format!("{client:#?}"));
        let outcome = call(client).await;
        assert_eq!(
            server.requests.load(Ordering::SeqCst),
            1,
            "{what}: requests that reached the server"
        );
        match outcome {
            Ok(response) if case.expect == "Ok" => {
                assert_hidden(&what, &format!("{response:?}"));
                assert_hidden(&what, &format!("{response:#?}"));
            }
            Ok(_) => panic!("{what}: expected {}, got a success", case.expect),
            Err(error) => {
                let debug = format!("{error:?}");
                assert!(
                    debug.starts_with(&format!("{}(", case.expect)),
                    "{what}: expected {}, got {}",
                    case.expect,
                    debug.split('(').next().unwrap_or_default()
                );
                check_error(&what, &error);
                let error: openrouter::Error = error.into();
                assert_eq!(error.status().map(|s| s.as_u16()), Some(case.status));
                check_error(&format!("{what}, as openrouter::Error"), &error);
            }
        }
    }

    // No server: the connection is refused.
    let closed = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = closed.local_addr().expect("address");
    drop(closed);
    match call(client(addr)).await {
        Ok(_) => panic!("{operation}: a refused connection succeeded"),
        Err(error) => {
            check_error(&format!("{operation} refused"), &error);
            let error: openrouter::Error = error.into();
            check_error(
                &format!("{operation} refused, as openrouter::Error"),
                &error,
            );
        }
    }
}

/// Every form of an error and of each error in its `source()` chain.
pub fn check_error(what: &str, error: &(dyn Error + 'static)) {
    let mut next = Some(error);
    while let Some(error) = next {
        assert_hidden(what, &format!("{error:?}"));
        assert_hidden(what, &format!("{error:#?}"));
        assert_hidden(what, &error.to_string());
        next = error.source();
    }
}

/// `{:?}` and `{:#?}` of a value.
pub fn check_debug(what: &str, value: &dyn Debug) {
    assert_hidden(what, &format!("{value:?}"));
    assert_hidden(what, &format!("{value:#?}"));
}

/// Fails when `text` holds either secret as text, or any 8-byte window of it as decimal
/// bytes (`[115, 107, ...]`, in any layout), hex or base64.
pub fn assert_hidden(what: &str, text: &str) {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for secret in [KEY, OTHER] {
        assert!(!text.contains(secret), "{what}: prints a secret: {text}");
        let bytes = secret.as_bytes();
        for window in bytes.windows(8) {
            let decimal: Vec<String> = window.iter().map(u8::to_string).collect();
            let hex: String = window.iter().map(|b| format!("{b:02x}")).collect();
            for form in [decimal.join(","), hex.clone(), hex.to_uppercase()] {
                assert!(
                    !compact.contains(&form),
                    "{what}: prints a secret as {form}: {text}"
                );
            }
        }
        // Base64 runs of 12 characters cover 9 bytes; three offsets cover every alignment.
        for offset in 0..3 {
            for alphabet in [STANDARD, URL_SAFE] {
                let encoded = base64(&bytes[offset..], alphabet);
                let encoded = encoded.as_bytes();
                for chunk in encoded.chunks_exact(12).filter(|c| !c.contains(&b'=')) {
                    let chunk = std::str::from_utf8(chunk).unwrap_or_default();
                    assert!(
                        !compact.contains(chunk),
                        "{what}: prints a secret as base64 {chunk}: {text}"
                    );
                }
            }
        }
    }
}

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64(bytes: &[u8], alphabet: &[u8; 64]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(alphabet[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
        out.extend(std::iter::repeat_n('=', 3 - chunk.len()));
    }
    out
}
