//! Rotates an API key: creates its successor, checks that the successor works, then deletes
//! the old key. Run with a management key in OPENROUTER_API_KEY and the old key's hash:
//!
//! ```sh
//! cargo run -p openrouter --example rotate_key -- <hash of the old key>
//! ```

use openrouter::OpenRouter;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let old_hash = std::env::args()
        .nth(1)
        .ok_or("usage: rotate_key <hash of the key to replace>")?;
    let management = OpenRouter::from_env()?;

    // Create the successor with the old key's name and limit.
    let old = management.api_keys().get(&old_hash).send().await?;
    let mut create = management
        .api_keys()
        .create(format!("{} (rotated)", old.data.name));
    if let Some(limit) = old.data.limit {
        create = create.limit(limit);
    }
    let created = create.send().await?;
    println!("created {} ({})", created.data.hash, created.data.name);

    // Switch: from here on the app uses the new key. Make sure it is accepted first.
    let app = OpenRouter::builder().api_key(created.key.clone()).build()?;
    let current = app.api_keys().get_current_key_metadata().send().await?;
    println!("the new key works: {}", current.data.label);
    // A real app stores `created.key.expose_secret()` in its secret store here.

    // Only then remove the old key.
    management.api_keys().delete(&old_hash).send().await?;
    println!("deleted {old_hash}");
    Ok(())
}
