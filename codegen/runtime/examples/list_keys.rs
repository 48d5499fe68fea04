//! Lists every API key of the account, disabled ones too, page by page. Run with a management
//! key in OPENROUTER_API_KEY:
//!
//! ```sh
//! cargo run -p openrouter --example list_keys
//! ```

use openrouter::OpenRouter;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = OpenRouter::from_env()?;
    let mut offset = 0;
    loop {
        let page = client
            .api_keys()
            .list()
            .include_disabled(true)
            .offset(offset)
            .send()
            .await?;
        if page.data.is_empty() {
            break;
        }
        for key in &page.data {
            let state = if key.disabled { "disabled" } else { "enabled" };
            println!("{}  {:<8}  {}  {}", key.hash, state, key.label, key.name);
        }
        offset += page.data.len() as i64;
    }
    println!("{offset} keys");
    Ok(())
}
