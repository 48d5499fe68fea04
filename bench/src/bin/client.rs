//! The client's cost per call: `client.api_keys().list().await` against the same request made by
//! hand with reqwest and serde, on a loopback server that answers every request with the same
//! ~1 KB JSON list. Rounds interleave the variants; each reports requests/s and the client
//! thread's CPU per request (getrusage), and the table gives medians and ratios to the
//! hand-written call.
//!
//! `cargo run --release -p openrouter-bench --bin client [-- --rounds N --requests N]`

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Instant;

use openrouter::models::ListApiKeysResponse;
use openrouter::{OpenRouter, RetryPolicy};
use openrouter_bench::{median, rounds_arg, thread_cpu};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const KEY: &str = "sk-or-v1-0000000000000000000000000000000000000000000000000000000000000000";

/// One key, as OpenRouter lists it.
fn body() -> String {
    let key = serde_json::json!({
        "byok_usage": 17.38, "byok_usage_daily": 17.38, "byok_usage_monthly": 17.38,
        "byok_usage_weekly": 17.38, "created_at": "2025-08-24T10:30:00Z",
        "creator_user_id": "user_2dHFtVWx2n56w6HkM0000000000", "disabled": false,
        "expires_at": "2027-12-31T23:59:59Z",
        "hash": "f01d52606dc8f0a8303a7b5cc3fa07109c2e346cec7c0a16b40de462992ce943",
        "include_byok_in_limit": false, "label": "sk-or-v1-0e6...1c96", "limit": 100,
        "limit_remaining": 74.5, "limit_reset": "monthly", "name": "My Production Key",
        "updated_at": "2025-08-24T15:45:00Z", "usage": 25.5, "usage_daily": 25.5,
        "usage_monthly": 25.5, "usage_weekly": 25.5,
        "workspace_id": "0df9e665-d932-5740-b2c7-b52af166bc11"
    });
    serde_json::json!({ "data": [key, key] }).to_string()
}

/// A keep-alive HTTP/1.1 server on its own thread: each request (a GET, so no body) gets the
/// same response. Written by hand so that the server costs as little as possible.
fn serve() -> SocketAddr {
    let body = body();
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let response: &'static [u8] = Box::leak(response.into_bytes().into_boxed_slice());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    listener.set_nonblocking(true).expect("nonblocking");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            loop {
                let (mut socket, _) = listener.accept().await.expect("accept");
                socket.set_nodelay(true).ok();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 8192];
                    let mut filled = 0;
                    loop {
                        let Ok(n) = socket.read(&mut buf[filled..]).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        filled += n;
                        // Answer each complete request head in the buffer.
                        while let Some(end) = find_head_end(&buf[..filled]) {
                            if socket.write_all(response).await.is_err() {
                                return;
                            }
                            buf.copy_within(end..filled, 0);
                            filled -= end;
                        }
                    }
                });
            }
        });
    });
    eprintln!("response: {} bytes of JSON", body.len());
    addr
}

fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4)
}

/// The hand-written call: the same headers as the crate sends, the same struct decoded.
struct Hand {
    http: reqwest::Client,
    base: String,
    /// A time limit per request, as the crate sets one for every attempt.
    timeout: Option<std::time::Duration>,
}

impl Hand {
    fn new(base: &str, timeout: Option<std::time::Duration>) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(openrouter::DEFAULT_USER_AGENT),
        );
        let mut auth = HeaderValue::from_str(&format!("Bearer {KEY}")).expect("header");
        auth.set_sensitive(true);
        headers.insert(AUTHORIZATION, auth);
        // The crate's TLS feature leaves reqwest without a crypto provider of its own.
        openrouter::install_tls_provider();
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .expect("client");
        Hand {
            http,
            base: base.to_owned(),
            timeout,
        }
    }

    async fn list(&self) -> ListApiKeysResponse {
        let mut request = self.http.get(format!("{}/keys", self.base));
        if let Some(timeout) = self.timeout {
            request = request.timeout(timeout);
        }
        let response = request.send().await.expect("response");
        assert!(response.status().is_success());
        let bytes = response.bytes().await.expect("body");
        serde_json::from_slice(&bytes).expect("decodes")
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Variant {
    Hand,
    HandTimeout,
    Ours,
    OursNoRetry,
    OursSend,
}

impl Variant {
    const ALL: [Variant; 5] = [
        Variant::Hand,
        Variant::HandTimeout,
        Variant::Ours,
        Variant::OursNoRetry,
        Variant::OursSend,
    ];

    fn name(self) -> &'static str {
        match self {
            Variant::Hand => "hand-written reqwest+serde",
            Variant::HandTimeout => "hand-written, 30 s timeout",
            Variant::Ours => "openrouter .await (retries on)",
            Variant::OursNoRetry => "openrouter .await (retries off)",
            Variant::OursSend => "openrouter .send().await (no Box)",
        }
    }
}

struct Clients {
    hand: Hand,
    hand_timeout: Hand,
    ours: OpenRouter,
    ours_no_retry: OpenRouter,
}

type Call<'a> = Pin<Box<dyn Future<Output = ()> + 'a>>;

impl Clients {
    /// One call of the variant. The outer box is the same for every variant.
    fn call(&self, variant: Variant) -> Call<'_> {
        match variant {
            Variant::Hand => Box::pin(async { drop(self.hand.list().await) }),
            Variant::HandTimeout => Box::pin(async { drop(self.hand_timeout.list().await) }),
            Variant::Ours => Box::pin(async {
                let r = self.ours.api_keys().list().await.expect("list");
                assert_eq!(r.body().data.len(), 2);
            }),
            Variant::OursNoRetry => Box::pin(async {
                let r = self.ours_no_retry.api_keys().list().await.expect("list");
                assert_eq!(r.body().data.len(), 2);
            }),
            Variant::OursSend => Box::pin(async {
                let r = self.ours.api_keys().list().send().await.expect("list");
                assert_eq!(r.body().data.len(), 2);
            }),
        }
    }
}

/// Requests/s and CPU µs per request of `requests` calls, `concurrency` at a time.
async fn run(
    clients: &Clients,
    variant: Variant,
    requests: usize,
    concurrency: usize,
) -> (f64, f64) {
    let cpu = thread_cpu();
    let start = Instant::now();
    let per_task = requests / concurrency;
    let tasks = (0..concurrency).map(|_| async move {
        for _ in 0..per_task {
            clients.call(variant).await;
        }
    });
    futures_join_all(tasks).await;
    let wall = start.elapsed().as_secs_f64();
    let cpu = (thread_cpu() - cpu).as_secs_f64();
    let done = (per_task * concurrency) as f64;
    (done / wall, cpu / done * 1e6)
}

/// Polls all futures on this task (no spawning, so all client work stays on this thread).
async fn futures_join_all<F: Future<Output = ()>>(futures: impl Iterator<Item = F>) {
    let mut futures: Vec<Pin<Box<F>>> = futures.map(Box::pin).collect();
    std::future::poll_fn(|cx| {
        futures.retain_mut(|f| f.as_mut().poll(cx).is_pending());
        if futures.is_empty() {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await
}

fn main() {
    let rounds = rounds_arg(9);
    let requests = {
        let args: Vec<String> = std::env::args().collect();
        args.iter()
            .position(|a| a == "--requests")
            .and_then(|i| args.get(i + 1))
            .and_then(|n| n.parse().ok())
            .unwrap_or(3000)
    };
    let addr = serve();
    let base = format!("http://{addr}/api/v1");
    // The client runs on this thread only, so the thread's CPU time is the client's.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let ours = |retry: RetryPolicy| {
            OpenRouter::builder()
                .base_url(&base)
                .api_key(KEY)
                .retry(retry)
                .build()
                .expect("client")
        };
        let clients = Clients {
            hand: Hand::new(&base, None),
            hand_timeout: Hand::new(&base, Some(std::time::Duration::from_secs(30))),
            ours: ours(RetryPolicy::default()),
            ours_no_retry: ours(RetryPolicy::disabled()),
        };
        for concurrency in [1, 16] {
            // Warm up: connections, allocator, caches.
            for v in Variant::ALL {
                run(&clients, v, requests / 4, concurrency).await;
            }
            let mut rps = vec![Vec::new(); Variant::ALL.len()];
            let mut cpu = vec![Vec::new(); Variant::ALL.len()];
            for round in 0..rounds {
                // Rotate the order so that no variant always runs first or last.
                for k in 0..Variant::ALL.len() {
                    let i = (k + round) % Variant::ALL.len();
                    let (r, c) = run(&clients, Variant::ALL[i], requests, concurrency).await;
                    rps[i].push(r);
                    cpu[i].push(c);
                }
            }
            report(concurrency, rounds, requests, &rps, &cpu);
        }
    });
}

fn report(concurrency: usize, rounds: usize, requests: usize, rps: &[Vec<f64>], cpu: &[Vec<f64>]) {
    println!(
        "\nconcurrency {concurrency} ({}): {rounds} rounds of {requests} requests, medians",
        if concurrency == 1 {
            "sequential, one connection"
        } else {
            "one connection each"
        }
    );
    println!(
        "{:<38} {:>10} {:>8} {:>12} {:>8}",
        "variant", "req/s", "ratio", "CPU µs/req", "ratio"
    );
    let base_rps = median(&rps[0]);
    let base_cpu = median(&cpu[0]);
    for (i, v) in Variant::ALL.iter().enumerate() {
        let (r, c) = (median(&rps[i]), median(&cpu[i]));
        println!(
            "{:<38} {:>10.0} {:>8.3} {:>12.2} {:>8.3}",
            v.name(),
            r,
            r / base_rps,
            c,
            c / base_cpu
        );
    }
}
