//! The HTTP side of the loopback listener: reading one request line and answering with a page.
//!
//! Only `GET <path>` matters, so this is a minimal HTTP/1.1 reader rather than a server.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The most a request head may take; a browser's GET is far smaller.
const MAX_HEAD: usize = 16 * 1024;

/// How long one connection may take to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// A request's method and target (`/path?query`).
pub(crate) struct RequestLine {
    pub(crate) method: String,
    pub(crate) target: String,
}

impl RequestLine {
    /// The path, without the query.
    pub(crate) fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The query, without the `?` (empty when there is none).
    pub(crate) fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }
}

/// Reads the request head and returns its request line; `None` for anything that is not an
/// HTTP/1.x request within the limits.
pub(crate) async fn read_request_line(stream: &mut TcpStream) -> Option<RequestLine> {
    let mut head = Vec::with_capacity(1024);
    let read = async {
        let mut buffer = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buffer).await.ok()?;
            if n == 0 || head.len() + n > MAX_HEAD {
                return None;
            }
            head.extend_from_slice(&buffer[..n]);
        }
        Some(())
    };
    tokio::time::timeout(HEAD_TIMEOUT, read).await.ok()??;
    parse_request_line(&head)
}

fn parse_request_line(head: &[u8]) -> Option<RequestLine> {
    let line = head.split(|b| *b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?.trim_end_matches('\r');
    let mut parts = line.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !version.starts_with("HTTP/1.") || !target.starts_with('/') {
        return None;
    }
    Some(RequestLine {
        method: method.to_owned(),
        target: target.to_owned(),
    })
}

/// What the browser is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Page {
    SignedIn,
    WrongState,
    Failed,
    NotFound,
    MethodNotAllowed,
}

impl Page {
    fn status(self) -> &'static str {
        match self {
            Page::SignedIn => "200 OK",
            Page::WrongState | Page::Failed => "400 Bad Request",
            Page::NotFound => "404 Not Found",
            Page::MethodNotAllowed => "405 Method Not Allowed",
        }
    }

    /// Title and message. Fixed texts: nothing from the request is echoed into the page.
    fn text(self) -> (&'static str, &'static str) {
        match self {
            Page::SignedIn => (
                "Signed in to OpenRouter",
                "You are signed in. You can close this window and return to the app.",
            ),
            Page::WrongState => (
                "Sign-in failed",
                "This sign-in link does not belong to the sign-in the app is waiting for, \
                 so it was refused. Start the sign-in again from the app.",
            ),
            Page::Failed => (
                "Sign-in failed",
                "OpenRouter's answer could not be used to sign you in. \
                 Return to the app to see why and try again.",
            ),
            Page::NotFound => ("Not found", "This address is not the sign-in callback."),
            Page::MethodNotAllowed => ("Method not allowed", "Only GET is served here."),
        }
    }

    fn html(self) -> String {
        let (title, message) = self.text();
        let colour = match self {
            Page::SignedIn => "#1a7f37",
            _ => "#cf222e",
        };
        format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>{title}</title></head>\
             <body style=\"font-family:sans-serif;max-width:32em;margin:4em auto;text-align:center\">\
             <h1 style=\"color:{colour}\">{title}</h1><p>{message}</p></body></html>\n"
        )
    }
}

/// Sends `page` and closes the connection. Errors are ignored: the browser may be gone, and
/// the sign-in's outcome does not depend on it.
pub(crate) async fn respond(mut stream: TcpStream, page: Page) {
    let body = page.html();
    let response = format!(
        "HTTP/1.1 {}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n{body}",
        page.status(),
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_request_lines() {
        let line =
            parse_request_line(b"GET /callback/s?code=1 HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        assert_eq!(
            (line.method.as_str(), line.path(), line.query()),
            ("GET", "/callback/s", "code=1")
        );
        let line = parse_request_line(b"POST / HTTP/1.0\r\n\r\n").unwrap();
        assert_eq!(
            (line.method.as_str(), line.path(), line.query()),
            ("POST", "/", "")
        );
        for bad in [
            &b"GET /a b HTTP/1.1\r\n\r\n"[..],
            b"GET http://evil/ HTTP/1.1\r\n\r\n",
            b"GET / HTTP/2\r\n\r\n",
            b"GET /\r\n\r\n",
            b"\xff / HTTP/1.1\r\n\r\n",
        ] {
            assert!(
                parse_request_line(bad).is_none(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn pages_say_what_happened() {
        assert!(Page::SignedIn.html().contains("You can close this window"));
        assert!(Page::WrongState.html().contains("does not belong"));
        assert_eq!(Page::SignedIn.status(), "200 OK");
        assert_eq!(Page::WrongState.status(), "400 Bad Request");
    }
}
