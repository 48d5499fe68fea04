//! Doc text from the document never runs as code. rustdoc compiles and runs every code block in
//! a doc comment whose language is Rust: an unlabelled or ```` ```rust ```` fence, and an
//! indented block. [`inert`] turns each of them into a ```` ```text ```` block (keeping the
//! fence labels the templates use themselves) and line ends into `\n`.
//!
//! Prose from the document is also made acceptable to rustdoc with warnings denied ([`prose`]):
//! a bare URL (`https://...`, which rustdoc's `bare_urls` lint refuses) is wrapped in `<...>`,
//! and brackets that are not a Markdown link (`[EMAIL]`, `options[slug]`, which rustdoc reads as
//! intra-doc links it cannot resolve) are escaped as `\[...\]`. Inline links (`[text](url)`),
//! images, reference links whose definition is present, autolinks, closed HTML elements, code
//! spans and code blocks stay as they are; any other `<tag>` (`<owner>`) is escaped as `\<`.

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

/// Prose from the document, for rustdoc: [`inert`] (no code block runs) and, outside code, bare
/// URLs wrapped and brackets that are not links escaped (see the module documentation).
pub fn prose(text: &str) -> String {
    outside_code(&inert(text, &[]), |run| {
        escape(&indent_list_continuations(run), false)
    })
}

/// A list item's text continued on the next line without indentation (`* see the [Git Trees`
/// then `API](...)`) is indented under the item: Markdown reads both the same, and clippy's
/// `doc_lazy_continuation` refuses the lazy form.
fn indent_list_continuations(run: &str) -> String {
    let mut out = Vec::new();
    let mut item_indent: Option<usize> = None;
    for line in run.split('\n') {
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        if trimmed.is_empty() {
            item_indent = None;
            out.push(line.to_owned());
        } else if let Some(content) = list_item_content(trimmed) {
            item_indent = Some(indent + content);
            out.push(line.to_owned());
        } else if let Some(wanted) = item_indent.filter(|wanted| indent < *wanted) {
            out.push(format!("{}{trimmed}", " ".repeat(wanted)));
        } else {
            out.push(line.to_owned());
        }
    }
    out.join("\n")
}

/// Where a list item's text starts (`*   text` → 4, `12. text` → 4), if `line` starts one.
fn list_item_content(line: &str) -> Option<usize> {
    let marker = if line.starts_with(['*', '-', '+']) {
        1
    } else {
        let digits = line.chars().take_while(char::is_ascii_digit).count();
        let after = line[digits..].chars().next();
        if (1..=9).contains(&digits) && matches!(after, Some('.' | ')')) {
            digits + 1
        } else {
            return None;
        }
    };
    let spaces = line[marker..].chars().take_while(|c| *c == ' ').count();
    // A marker must be followed by a space and some text; five spaces or more start code.
    ((1..=4).contains(&spaces) && line.len() > marker + spaces).then_some(marker + spaces)
}

/// One line of the document's text (a title, a tag) placed in prose: as [`prose`], without
/// the code-block rules.
pub fn inline(text: &str) -> String {
    escape(text, false)
}

/// Doc text in which the shortcut links of the form ``[`path`]`` are made by a generator
/// (progenitor's, to its own items) and kept; everything else as in [`prose`].
pub fn prose_keeping_code_links(text: &str) -> String {
    outside_code(text, |run| escape(run, true))
}

/// Applies `f` to every run of lines outside fenced code blocks (as [`inert`] leaves them).
fn outside_code(text: &str, f: impl Fn(&str) -> String) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let flush = |run: &mut Vec<&str>, out: &mut Vec<String>| {
        if !run.is_empty() {
            out.push(f(&run.join("\n")));
            run.clear();
        }
    };
    for line in text.split('\n') {
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let marker = trimmed
            .chars()
            .next()
            .filter(|c| indent < 4 && (*c == '`' || *c == '~'));
        let run_len = marker.map_or(0, |c| trimmed.chars().take_while(|x| *x == c).count());
        match (fence, marker) {
            (Some((c, len)), _) => {
                out.push(line.to_owned());
                if marker == Some(c) && run_len >= len && trimmed[run_len..].trim().is_empty() {
                    fence = None;
                }
            }
            (None, Some(c)) if run_len >= 3 && !(c == '`' && trimmed[run_len..].contains('`')) => {
                flush(&mut run, &mut out);
                out.push(line.to_owned());
                fence = Some((c, run_len));
            }
            (None, _) => run.push(line),
        }
    }
    flush(&mut run, &mut out);
    out.join("\n")
}

/// Labels of the reference definitions (`[label]: target`) in `text`, lowercased.
fn definitions(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let rest = line.trim_start().strip_prefix('[')?;
            let (label, after) = rest.split_once(']')?;
            after.starts_with(':').then(|| label.trim().to_lowercase())
        })
        .collect()
}

/// Characters rustdoc's `bare_urls` lint counts as part of a URL after its host.
fn is_url_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-@:%_+.~#?&/=".contains(c)
}

/// Where the code span opening with the backtick run at `start` ends (exclusive), if it closes
/// before a blank line.
fn code_span_end(chars: &[char], start: usize) -> Option<usize> {
    let n = chars[start..].iter().take_while(|c| **c == '`').count();
    let mut i = start + n;
    while i < chars.len() {
        if chars[i] == '\n' && chars.get(i + 1) == Some(&'\n') {
            return None;
        }
        if chars[i] == '`' {
            let m = chars[i..].iter().take_while(|c| **c == '`').count();
            if m == n {
                return Some(i + m);
            }
            i += m;
        } else {
            i += 1;
        }
    }
    None
}

/// The index of the `close` that balances the `open` at `start`, skipping escapes and code
/// spans, before a blank line.
fn matching(chars: &[char], start: usize, open: char, close: char) -> Option<usize> {
    let mut depth = 0;
    let mut i = start;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '`' => {
                if let Some(end) = code_span_end(chars, i) {
                    i = end;
                    continue;
                }
            }
            '\n' if chars.get(i + 1) == Some(&'\n') => return None,
            c if c == open => depth += 1,
            c if c == close => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Escapes one run of prose (no fenced code in it).
fn escape(text: &str, keep_code_links: bool) -> String {
    let defs = definitions(text);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    escape_chars(&chars, &defs, keep_code_links, &mut out);
    out
}

fn escape_chars(chars: &[char], defs: &[String], keep_code_links: bool, out: &mut String) {
    let copy = |out: &mut String, from: usize, to: usize| out.extend(&chars[from..to]);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                copy(out, i, (i + 2).min(chars.len()));
                i += 2;
            }
            '`' => {
                let end = code_span_end(chars, i)
                    .unwrap_or(i + chars[i..].iter().take_while(|c| **c == '`').count());
                copy(out, i, end);
                i = end;
            }
            // An autolink or an HTML tag, on one line.
            '<' if chars
                .get(i + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == '/' || *c == '!') =>
            {
                match chars[i..].iter().position(|c| *c == '>' || *c == '\n') {
                    Some(len)
                        if chars[i + len] == '>'
                            && kept_angle(&chars[i + 1..i + len], &chars[i + len..]) =>
                    {
                        copy(out, i, i + len + 1);
                        i += len + 1;
                    }
                    // `<owner>`, `<b>` without `</b>`: rustdoc would read an unclosed tag.
                    _ => {
                        out.push_str("\\<");
                        i += 1;
                    }
                }
            }
            '[' => {
                let Some(close) = matching(chars, i, '[', ']') else {
                    out.push_str("\\[");
                    i += 1;
                    continue;
                };
                let label: String = chars[i + 1..close].iter().collect();
                let next = chars.get(close + 1);
                // `[text](target)`: an inline link, kept whole; but a target that is a Rust path
                // (`omicron::api::Disk`, from another crate's docs) is an intra-doc link rustdoc
                // cannot resolve here, so only its text stays.
                if next == Some(&'(')
                    && let Some(end) = matching(chars, close + 1, '(', ')')
                {
                    let target: String = chars[close + 2..end].iter().collect();
                    let ours = keep_code_links && target.starts_with("super::");
                    if is_rust_path(target.trim()) && !ours {
                        copy(out, i + 1, close);
                    } else {
                        copy(out, i, end + 1);
                    }
                    i = end + 1;
                    continue;
                }
                // `[text][ref]` / `[text][]` with a definition in the text.
                if next == Some(&'[')
                    && let Some(end) = matching(chars, close + 1, '[', ']')
                {
                    let reference: String = chars[close + 2..end].iter().collect();
                    let reference = if reference.trim().is_empty() {
                        &label
                    } else {
                        &reference
                    };
                    if defs.contains(&reference.trim().to_lowercase()) {
                        copy(out, i, end + 1);
                        i = end + 1;
                        continue;
                    }
                }
                // A definition line `[label]: target`, or a shortcut reference to one.
                let at_line_start = chars[..i]
                    .iter()
                    .rev()
                    .take_while(|c| **c != '\n')
                    .all(|c| *c == ' ');
                let definition = next == Some(&':') && at_line_start;
                let shortcut = defs.contains(&label.trim().to_lowercase());
                let code_link = keep_code_links
                    && label.len() >= 2
                    && label.starts_with('`')
                    && code_span_end(&chars[i + 1..close], 0) == Some(close - i - 1);
                if definition {
                    let end = chars[i..]
                        .iter()
                        .position(|c| *c == '\n')
                        .map_or(chars.len(), |n| i + n);
                    copy(out, i, end);
                    i = end;
                    continue;
                }
                if shortcut || code_link {
                    copy(out, i, close + 1);
                    i = close + 1;
                    continue;
                }
                out.push_str("\\[");
                escape_chars(&chars[i + 1..close], defs, keep_code_links, out);
                out.push_str("\\]");
                i = close + 1;
            }
            'h' if (i == 0 || !chars[i - 1].is_ascii_alphanumeric())
                && (starts_with(chars, i, "https://") || starts_with(chars, i, "http://")) =>
            {
                let mut end = i;
                let mut parens = 0i32;
                while end < chars.len() {
                    match chars[end] {
                        '(' => parens += 1,
                        ')' if parens > 0 => parens -= 1,
                        c if is_url_char(c) => {}
                        _ => break,
                    }
                    end += 1;
                }
                while end > i && matches!(chars[end - 1], '.' | ':' | '?' | ',' | '(') {
                    end -= 1;
                }
                out.push('<');
                copy(out, i, end);
                out.push('>');
                i = end;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
}

fn starts_with(chars: &[char], at: usize, prefix: &str) -> bool {
    prefix
        .chars()
        .enumerate()
        .all(|(k, p)| chars.get(at + k) == Some(&p))
}

/// One line of plain text: whitespace and control characters become single spaces.
pub fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a link target is a Rust path (`Disk`, `crate::views::Disk`, `f()`) rather than a URL.
fn is_rust_path(target: &str) -> bool {
    !target.is_empty()
        && target
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | '!' | '(' | ')'))
}

/// Whether `<inner>` stays as written: an autolink (`<https://x.test>`, `<a@b.test>`), a
/// comment, an HTML element rustdoc knows that needs no end tag (`<br>`) or whose end tag
/// follows in `rest` (`<b>..</b>`), or such an end tag. Anything else (`<owner>`, `<num>`) is
/// shown as text: rustdoc would refuse it as an unclosed tag.
fn kept_angle(inner: &[char], rest: &[char]) -> bool {
    const ELEMENTS: [&str; 40] = [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "kbd",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "td",
        "th",
        "tr",
        "u",
        "ul",
    ];
    let text: String = inner.iter().collect();
    if text.starts_with("!--") {
        return true;
    }
    if !text.contains(char::is_whitespace) && (text.contains(':') || text.contains('@')) {
        return true;
    }
    let (closing, tag) = match text.strip_prefix('/') {
        Some(tag) => (true, tag),
        None => (false, text.as_str()),
    };
    let name = tag
        .trim_end_matches('/')
        .split(char::is_whitespace)
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if !ELEMENTS.contains(&name.as_str()) {
        return false;
    }
    if closing || matches!(name.as_str(), "br" | "hr" | "img") || tag.ends_with('/') {
        return true;
    }
    let rest: String = rest.iter().collect::<String>().to_ascii_lowercase();
    rest.contains(&format!("</{name}>"))
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
    fn bare_urls_are_wrapped() {
        assert_eq!(
            prose("See https://example.com/docs/guide for more."),
            "See <https://example.com/docs/guide> for more."
        );
        assert_eq!(
            prose("(http://a.example/x?y=1&z=2), then"),
            "(<http://a.example/x?y=1&z=2>), then"
        );
        assert_eq!(
            prose("wiki https://w.example/A_(b) end"),
            "wiki <https://w.example/A_(b)> end"
        );
        // Already links, code or HTML: untouched.
        for kept in [
            "<https://example.com>",
            "[docs](https://example.com/a_(b))",
            "`https://example.com`",
            "<a href=\"https://example.com\">x</a>",
            "<b>bold</b> and<br>a break",
            "[https://example.com](https://example.com)",
            "![logo](https://example.com/logo.png)",
        ] {
            assert_eq!(prose(kept), kept);
        }
        assert_eq!(
            prose("a\n```\nhttps://example.com\n```\nb"),
            "a\n```text\nhttps://example.com\n```\nb"
        );
    }

    #[test]
    fn list_items_continued_without_indentation_are_indented() {
        assert_eq!(
            prose(
                "**Note**:\n*   short item\n*   a long item that goes on\nto the next line\n*   last"
            ),
            "**Note**:\n*   short item\n*   a long item that goes on\n    to the next line\n*   last"
        );
        assert_eq!(prose("1. one\ntwo\n\nafter"), "1. one\n   two\n\nafter");
        // Not list items: emphasis, a rule, a paragraph.
        for kept in ["*emphasis*\nnext", "---\nnext", "plain\nnext"] {
            assert_eq!(prose(kept), kept);
        }
    }

    #[test]
    fn links_to_rust_paths_of_other_crates_keep_only_their_text() {
        assert_eq!(
            prose("Parameters for a [`Disk`](omicron_common::api::external::Disk) to attach"),
            "Parameters for a `Disk` to attach"
        );
        assert_eq!(prose("see [Cert](crate::views::Cert)."), "see Cert.");
        for kept in [
            "[guide](docs/guide.md)",
            "[top](#top)",
            "[x](https://x.test/a)",
        ] {
            assert_eq!(prose(kept), kept);
        }
    }

    #[test]
    fn tags_rustdoc_would_call_unclosed_become_text() {
        assert_eq!(
            prose("The URL must contain <num> for the number; LFS is off for <owner>."),
            "The URL must contain \\<num> for the number; LFS is off for \\<owner>."
        );
        assert_eq!(prose("<b>never closed"), "\\<b>never closed");
        assert_eq!(prose("a <span>b</span> c"), "a <span>b</span> c");
    }

    #[test]
    fn brackets_that_are_not_links_are_escaped() {
        assert_eq!(
            prose(r#"e.g. "[EMAIL]", "[PHONE]"."#),
            r#"e.g. "\[EMAIL\]", "\[PHONE\]"."#
        );
        assert_eq!(
            prose("under provider.options[provider_slug]."),
            "under provider.options\\[provider_slug\\]."
        );
        assert_eq!(
            prose("- [x] done\n- [ ] open"),
            "- \\[x\\] done\n- \\[ \\] open"
        );
        assert_eq!(prose("a [ alone"), "a \\[ alone");
        assert_eq!(
            prose("[see https://e.example]"),
            "\\[see <https://e.example>\\]"
        );
        assert_eq!(prose("[`Client`]"), "\\[`Client`\\]");
        assert_eq!(
            prose_keeping_code_links("[`Client::get`]"),
            "[`Client::get`]"
        );
        assert_eq!(prose("`a[0]` and \\[b\\]"), "`a[0]` and \\[b\\]");
        // Links and their definitions stay.
        for kept in [
            "[docs](https://example.com)",
            "[docs][d]\n\n[d]: https://example.com",
            "[d][]\n\n[d]: https://example.com",
            "[d]\n\n[d]: https://example.com",
        ] {
            assert_eq!(prose(kept), kept);
        }
        // A reference without a definition is no link.
        assert_eq!(prose("[a][b]"), "\\[a\\]\\[b\\]");
    }

    #[test]
    fn line_ends_become_newlines() {
        assert_eq!(inert("a\r\nb\rc", &[]), "a\nb\nc");
        assert_eq!(one_line("a\r\n  b\t\"c\"\u{0}d"), "a b \"c\" d");
    }
}
