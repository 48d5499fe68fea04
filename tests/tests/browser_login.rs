//! Signing in with a real browser: headless Chromium opens the fake's authorization page,
//! follows its redirect to the loopback listener and renders the page the listener answers.
//!
//! Built only with `--features browser` (`.ci/run` installs Chromium and runs it); without a
//! Chromium these tests fail, they never skip. Chromium is `$CHROMIUM` or the first of
//! `chromium`, `chromium-browser`, `google-chrome` on the `PATH`. Screenshots go to
//! `target/tmp/browser_login/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use openrouter::OpenRouter;
use openrouter::login::{LoginError, LoopbackLogin};
use openrouter_tests::{FAKE_USER_ID, FakeOpenRouter};
use reqwest::Url;
use tokio::sync::oneshot;

/// How long Chromium may take to load, redirect and render.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(90);

fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return PathBuf::from(path);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "no Chromium found: install it (on Debian: apt-get install chromium) or set CHROMIUM \
         to its path; .ci/run does both"
    );
}

fn output_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser_login");
    std::fs::create_dir_all(&dir).expect("create the screenshot directory");
    dir
}

/// What Chromium showed after following `url`: the final page's DOM. Also saves a screenshot.
fn browse(url: &Url, screenshot: &Path) -> String {
    let _ = std::fs::remove_file(screenshot);
    let profile = output_dir().join(format!(
        "profile-{}",
        screenshot.file_stem().unwrap().to_string_lossy()
    ));
    let mut child = Command::new(chromium())
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--window-size=800,500",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg(url.as_str())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start Chromium");
    let started = Instant::now();
    while child.try_wait().expect("wait for Chromium").is_none() {
        if started.elapsed() > BROWSER_TIMEOUT {
            let _ = child.kill();
            panic!("Chromium did not finish within {BROWSER_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().expect("Chromium's output");
    assert!(
        output.status.success(),
        "Chromium failed: {}",
        output.status
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs the one-call login with Chromium as the browser; returns the result and the DOM.
async fn login_in_chromium(
    fake: &FakeOpenRouter,
    screenshot: PathBuf,
    tamper: fn(Url) -> Url,
) -> (
    Result<openrouter::models::ExchangeAuthCodeResponse, LoginError>,
    String,
) {
    let client = OpenRouter::builder()
        .without_api_key()
        .base_url(fake.base_url())
        .build()
        .unwrap();
    let (sender, receiver) = oneshot::channel();
    let run = LoopbackLogin::new()
        .authorization_url(fake.authorization_url())
        .timeout(BROWSER_TIMEOUT)
        .open_browser(false)
        .on_url(move |url| {
            let url = tamper(url.clone());
            let _ = sender.send(tokio::task::spawn_blocking(move || {
                browse(&url, &screenshot)
            }));
        })
        .run(&client);
    tokio::pin!(run);
    let mut browser = tokio::select! {
        result = &mut run => panic!("the login ended before the browser started: {result:?}"),
        browser = receiver => browser.expect("on_url was called"),
    };
    // A browser that fails ends the test at once rather than at the login's time limit.
    tokio::select! {
        result = &mut run => (result, browser.await.expect("the browser")),
        dom = &mut browser => {
            let dom = dom.expect("the browser");
            (run.await, dom)
        }
    }
}

fn assert_png(path: &Path) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is not a PNG",
        path.display()
    );
    assert!(bytes.len() > 1000, "{} is nearly empty", path.display());
}

fn exchanges(fake: &FakeOpenRouter) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/api/v1/auth/keys")
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn chromium_signs_in_and_sees_the_success_page() {
    let fake = FakeOpenRouter::start().await;
    let screenshot = output_dir().join("signed-in.png");
    let (result, dom) = login_in_chromium(&fake, screenshot.clone(), |url| url).await;

    let signed_in = result.expect("login");
    assert_eq!(signed_in.user_id.as_deref(), Some(FAKE_USER_ID));
    assert!(signed_in.key.expose_secret().starts_with("sk-or-v1-"));
    assert!(dom.contains("Signed in to OpenRouter"), "{dom}");
    assert!(dom.contains("You can close this window"), "{dom}");
    assert_eq!(exchanges(&fake), 1);
    assert_png(&screenshot);
    println!("screenshot of the success page: {}", screenshot.display());
}

#[tokio::test(flavor = "multi_thread")]
async fn chromium_with_a_wrong_state_sees_the_error_page() {
    let fake = FakeOpenRouter::start().await;
    let screenshot = output_dir().join("wrong-state.png");
    let (result, dom) = login_in_chromium(&fake, screenshot.clone(), wrong_state).await;

    assert!(
        matches!(result, Err(LoginError::StateMismatch)),
        "{result:?}"
    );
    assert!(dom.contains("Sign-in failed"), "{dom}");
    assert!(dom.contains("does not belong"), "{dom}");
    assert_eq!(exchanges(&fake), 0, "nothing may be exchanged");
    assert_png(&screenshot);
    println!("screenshot of the error page: {}", screenshot.display());
}

/// The URL with another state in its callback's path, as a forged redirect would have.
fn wrong_state(url: Url) -> Url {
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let mut url = url;
    url.query_pairs_mut()
        .clear()
        .extend_pairs(pairs.into_iter().map(|(name, value)| {
            if name == "callback_url" {
                let (base, _) = value.rsplit_once('/').expect("a state segment");
                (name, format!("{base}/forged-state"))
            } else {
                (name, value)
            }
        }));
    url
}
