//! Signs in with OpenRouter in the browser and shows which key was made, without showing it.
//!
//! ```sh
//! cargo run -p openrouter --example login
//! ```

use openrouter::OpenRouter;
use openrouter::login::LoopbackLogin;
use sha2::{Digest, Sha256};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Exchanging the code needs no key: the code and the verifier are the proof.
    let client = OpenRouter::builder().without_api_key().build()?;
    let signed_in = LoopbackLogin::new()
        .on_url(|url| eprintln!("Opening your browser. If it does not open, visit:\n{url}"))
        .run(&client)
        .await?;

    // A real app would now keep the key in the system's keychain. This one only proves that
    // it has it: a SHA-256 of the key identifies it without revealing it.
    let fingerprint: String = Sha256::digest(signed_in.key.expose_secret().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    println!("signed in as {:?}", signed_in.user_id);
    println!("key sha256: {fingerprint}");

    let client = OpenRouter::builder().api_key(signed_in.key).build()?;
    let current = client.api_keys().get_current_key_metadata().send().await?;
    println!("key label: {}", current.data.label);
    Ok(())
}
