//! Opening a URL in the system browser.

use std::io;
use std::process::{Command, Stdio};

/// Asks the desktop to open `url` in the user's browser. The URL is one argument of a launcher,
/// never part of a shell command line, so its `&` and `?` stay as they are.
pub(crate) fn open(url: &str) -> io::Result<()> {
    let mut command = launcher();
    command
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = command.spawn()?;
    // The launcher exits at once; reap it so that it does not linger as a zombie.
    std::thread::spawn(move || child.wait());
    Ok(())
}

#[cfg(target_os = "macos")]
fn launcher() -> Command {
    Command::new("open")
}

/// `cmd /c start` would parse the URL's `&` as a command separator; rundll32 takes it whole.
#[cfg(windows)]
fn launcher() -> Command {
    let mut command = Command::new("rundll32");
    command.arg("url.dll,FileProtocolHandler");
    command
}

#[cfg(not(any(target_os = "macos", windows)))]
fn launcher() -> Command {
    Command::new("xdg-open")
}
