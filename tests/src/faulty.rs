//! A server on 127.0.0.1 that misbehaves on cue: it answers each request with the next fault
//! of its script (then with its success answer), and counts the requests that reached it.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Fault {
    /// A complete response.
    Respond {
        /// The status.
        status: u16,
        /// Extra headers, such as `("retry-after", "1")`.
        headers: Vec<(String, String)>,
        /// The content type.
        content_type: String,
        /// The body.
        body: Vec<u8>,
    },
    /// Reads the request and never answers.
    Hang,
    /// Answers the head, then one byte of the body every 100 ms.
    Trickle,
    /// Reads the request and closes the connection without a word.
    CloseAfterRequest,
    /// Promises 100 bytes of body, sends 10 and closes.
    Truncated,
    /// Streams `bytes` of body with no length announced, then closes.
    Stream {
        /// How much.
        bytes: usize,
    },
}

impl Fault {
    /// A JSON response.
    pub fn json(status: u16, body: &str) -> Self {
        Fault::Respond {
            status,
            headers: Vec::new(),
            content_type: "application/json".into(),
            body: body.as_bytes().to_vec(),
        }
    }

    /// The same response with one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let Fault::Respond { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }

    /// A response with another content type.
    pub fn text(status: u16, content_type: &str, body: &str) -> Self {
        Fault::Respond {
            status,
            headers: Vec::new(),
            content_type: content_type.into(),
            body: body.as_bytes().to_vec(),
        }
    }
}

/// The running server; it stops when dropped.
pub struct FaultyServer {
    addr: SocketAddr,
    requests: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultyServer {
    /// Starts a server that plays `script` in order, then answers `success` to every request.
    pub async fn start(script: Vec<Fault>, success: Fault) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let requests = Arc::new(AtomicUsize::new(0));
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let count = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let count = Arc::clone(&count);
                let script = Arc::clone(&script);
                let success = success.clone();
                tokio::spawn(async move {
                    let mut stream = stream;
                    if !read_request(&mut stream).await {
                        return;
                    }
                    count.fetch_add(1, Ordering::SeqCst);
                    let fault = script
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .pop_front()
                        .unwrap_or(success);
                    play(stream, fault).await;
                });
            }
        });
        FaultyServer {
            addr,
            requests,
            task,
        }
    }

    /// `http://127.0.0.1:PORT/api/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many complete requests reached it.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for FaultyServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one request (head and `content-length` body); `false` when the client went away.
async fn read_request(stream: &mut TcpStream) -> bool {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let Ok(n) = stream.read(&mut buf).await else {
            return false;
        };
        if n == 0 {
            return false;
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
                return true;
            }
        }
    }
}

async fn play(mut stream: TcpStream, fault: Fault) {
    match fault {
        Fault::Respond {
            status,
            headers,
            content_type,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n",
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&body).await;
            let _ = stream.shutdown().await;
        }
        Fault::Hang => tokio::time::sleep(Duration::from_secs(30)).await,
        Fault::Trickle => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\nconnection: close\r\n\r\n";
            let _ = stream.write_all(head.as_bytes()).await;
            for _ in 0..1000 {
                if stream.write_all(b" ").await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        Fault::CloseAfterRequest => drop(stream),
        Fault::Truncated => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\nconnection: close\r\n\r\n{\"data\":";
            let _ = stream.write_all(head.as_bytes()).await;
        }
        Fault::Stream { bytes } => {
            let head =
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n";
            let _ = stream.write_all(head.as_bytes()).await;
            let chunk = vec![b' '; 16 * 1024];
            let mut sent = 0;
            while sent < bytes {
                if stream.write_all(&chunk).await.is_err() {
                    return;
                }
                sent += chunk.len();
            }
        }
    }
}
