//! Doc text from the document never runs as code. rustdoc compiles and runs every code block in
//! a doc comment whose language is Rust: an unlabelled or ```` ```rust ```` fence, and an
//! indented block. [`inert`] turns each of them into a ```` ```text ```` block (keeping the
//! fence labels the templates use themselves) and line ends into `\n`.

/// `text` with line ends normalised to `\n`, every opening fence whose label is not in `keep`
/// relabelled `text`, and indented code blocks fenced as `text`.
pub fn inert(text: &str, keep: &[&str]) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out: Vec<String> = Vec::new();
    // The fence that opened the block we are in: its character and length.
    let mut fence: Option<(char, usize)> = None;
    let mut indented = false;
    let mut previous_blank = true;
    for line in text.split('\n') {
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        if let Some((c, len)) = fence {
            out.push(line.to_owned());
            let run = trimmed.chars().take_while(|x| *x == c).count();
            if indent < 4 && run >= len && trimmed[run..].trim().is_empty() {
                fence = None;
            }
            continue;
        }
        let is_code_line = indent >= 4 || line.starts_with('\t');
        if indented && !is_code_line && !line.trim().is_empty() {
            out.push("```".to_owned());
            indented = false;
        }
        if indented {
            out.push(line.trim_start().to_owned());
            continue;
        }
        if is_code_line && previous_blank && !line.trim().is_empty() {
            out.push("```text".to_owned());
            out.push(line.trim_start().to_owned());
            indented = true;
            previous_blank = false;
            continue;
        }
        if indent < 4
            && let Some(c) = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')
        {
            let run = trimmed.chars().take_while(|x| *x == c).count();
            let label = trimmed[run..].trim();
            if run >= 3 && !(c == '`' && label.contains('`')) {
                fence = Some((c, run));
                let word = label.split([',', ' ']).next().unwrap_or_default();
                let label = if keep.contains(&word) { label } else { "text" };
                out.push(format!(
                    "{}{}{label}",
                    &line[..indent],
                    c.to_string().repeat(run)
                ));
                continue;
            }
        }
        previous_blank = line.trim().is_empty();
        out.push(line.to_owned());
    }
    if indented {
        // Trailing blank lines belong after the block.
        let blanks = out.iter().rev().take_while(|l| l.is_empty()).count();
        out.insert(out.len() - blanks, "```".to_owned());
    }
    out.join("\n")
}

/// One line of plain text: whitespace and control characters become single spaces.
pub fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_and_unlabelled_fences_become_text() {
        assert_eq!(
            inert("a\n```rust\nstd::process::exit(1);\n```\nb", &[]),
            "a\n```text\nstd::process::exit(1);\n```\nb"
        );
        assert_eq!(inert("```\nx\n```", &[]), "```text\nx\n```");
        assert_eq!(inert("~~~~\nx\n~~~~", &[]), "~~~~text\nx\n~~~~");
        assert_eq!(inert("```rust,no_run\nx\n```", &[]), "```text\nx\n```");
        assert_eq!(inert("```no_run\nx\n```", &["no_run"]), "```no_run\nx\n```");
        assert_eq!(inert("```no_run\nx\n```", &[]), "```text\nx\n```");
        // A closing fence is not an opening one.
        assert_eq!(
            inert("```text\nx\n```\n```\ny\n```", &[]),
            "```text\nx\n```\n```text\ny\n```"
        );
    }

    #[test]
    fn indented_code_becomes_fenced_text() {
        assert_eq!(
            inert("Example:\n\n    exit(2);\n    more();\n\nafter", &[]),
            "Example:\n\n```text\nexit(2);\nmore();\n\n```\nafter"
        );
        assert_eq!(inert("    only", &[]), "```text\nonly\n```");
        // A continuation line of a paragraph is not code.
        assert_eq!(inert("para\n    still para", &[]), "para\n    still para");
    }

    #[test]
    fn line_ends_become_newlines() {
        assert_eq!(inert("a\r\nb\rc", &[]), "a\nb\nc");
        assert_eq!(one_line("a\r\n  b\t\"c\"\u{0}d"), "a b \"c\" d");
    }
}
