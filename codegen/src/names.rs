//! Rust identifiers for names the document supplies, and the rule that keeps them apart.
//!
//! [`snake`] and [`camel`] are total: any string becomes a valid identifier of edition 2024.
//! 1. Every character that is not an ASCII letter or digit separates words (`API-Keys`, emoji).
//! 2. Words are joined in snake case or upper camel case, split at case changes as `heck` does.
//! 3. No word left (`""`, `_`, `🚀`): the name is `unnamed` / `Unnamed`.
//! 4. A leading digit gets a `v` / `V` in front (`1st` → `v1st`, `1h` → `V1h`).
//! 5. A keyword becomes a raw identifier (`type` → `r#type`); the ones that cannot be raw
//!    (`self`, `Self`, `super`, `crate`) get a trailing `_`. Weak keywords (`union`, `raw`, `safe`,
//!    `macro_rules`) are valid identifiers where names appear and stay as they are.
//!
//! [`Namespace`] resolves collisions: names are claimed in document order, and a name already
//! taken (by an earlier name or by the emitted crate itself) gets the first free suffix
//! `_2`, `_3`, ... in snake case or `2`, `3`, ... in camel case.
//!
//! A type's name comes from its own place in the document, never from what other schemas look
//! like, so an edit to one schema renames nothing elsewhere. A component keeps its name (claimed
//! before any inline type). An inline schema is named after its parent and field
//! (`ApiKey.limit_reset` → `ApiKeyLimitReset`); an operation's inline body, response, error and
//! parameter types after the operation (`CreateKeyRequest`, `CreateKeyResponse`,
//! `CreateKeyError404`, `ListKeysOrder`); array items and map values add `Item` and `Value`;
//! union members add their tag value or `Variant1`, `Variant2`, .... Equal schemas in two places
//! are two types: a type shared on purpose comes from a shared component.
//! An operation without an `operationId` is named from its method and path before any of this
//! (`get /users/{id}/posts` → `get_users_id_posts`; the rule is on `load::name_operations`): the
//! method, then the path's segments without the braces of parameters, through [`snake`]; a name
//! whose snake case is already taken by another operation gets `_2`, `_3`, ... in the order of
//! the sorted paths.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Strict and reserved keywords of edition 2024.
const KEYWORDS: [&str; 52] = [
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that `r#` cannot make into identifiers.
const NOT_RAW: [&str; 4] = ["self", "Self", "super", "crate"];

/// A snake-case identifier for a field, parameter, method or module (`HTTP-Referer` →
/// `http_referer`).
pub fn snake(name: &str) -> String {
    finish(words(name).to_snake_case(), "unnamed", "v")
}

/// An upper-camel-case identifier for a type or variant (`api_key` → `ApiKey`).
pub fn camel(name: &str) -> String {
    finish(words(name).to_upper_camel_case(), "Unnamed", "V")
}

/// Group names read tags as people do: `API Keys` → `api_keys`, `OAuth` → `oauth`.
pub fn group(tag: &str) -> String {
    snake(&tag.to_lowercase())
}

/// The name without the `r#` of a raw identifier: what collisions are decided on.
pub fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Rule 1: keep ASCII letters and digits, turn everything else into a word break. A `r#` in
/// front is the raw form of a name this module made, not part of the name.
fn words(name: &str) -> String {
    bare(name)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// Rules 3 to 5.
fn finish(joined: String, empty: &str, digit_prefix: &str) -> String {
    let name = if joined.is_empty() {
        empty.to_owned()
    } else if joined.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{digit_prefix}{joined}")
    } else {
        joined
    };
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// Names the emitted crate gives itself, so that no document name may take them. Each list says
/// where the names live; keep them in step with `templates/` and `runtime/`.
pub mod reserved {
    /// Modules and re-exports at the crate root (`src/<name>.rs` files included: `lib` and `main`
    /// would replace the crate root or add a binary), and the crates the emitted code names.
    pub const MODULES: &[&str] = &[
        "client",
        "crate_error",
        "error",
        "global_headers",
        "nullable",
        "operation",
        "payload",
        "bytes",
        "redact",
        "response",
        "retry",
        "secret",
        "text_values",
        "transport",
        "models",
        "pkce",
        "login",
        "loopback",
        "callback_page",
        "browser",
        "raw",
        "lib",
        "main",
        "chrono",
        "reqwest",
        "uuid",
        "serde",
        "serde_json",
        "percent_encoding",
        "progenitor_client",
        "httpdate",
        "rustls",
        "serde_path_to_error",
        "tokio",
        "tracing",
        "getrandom",
        "sha2",
        "form_urlencoded",
        "std",
        "core",
        "alloc",
    ];
    /// Methods of `OpenRouter` (runtime/client.rs), beside which the group accessors live.
    pub const CLIENT_METHODS: &[&str] = &["builder", "from_env", "base_url", "request", "plan"];
    /// Methods of `OpenRouterBuilder` (runtime/client.rs), beside the global-header setters.
    pub const BUILDER_METHODS: &[&str] = &[
        "api_key",
        "without_api_key",
        "base_url",
        "user_agent",
        "timeout",
        "deadline",
        "connect_timeout",
        "retry",
        "max_response_bytes",
        "header",
        "http_client",
        "default_header",
        "build",
    ];
    /// Fields, locals and methods of every request builder (templates/operations.rs), beside
    /// the setters and constructor arguments made from parameters and body fields.
    pub const REQUEST_MEMBERS: &[&str] = &[
        "client",
        "options",
        "body",
        "new",
        "send",
        "base_url",
        "timeout",
        "deadline",
        "retry",
        "header",
        "user_agent_suffix",
        "into_future",
    ];
    /// Methods of std traits: an inherent method of that name on a group would shadow them.
    pub const TRAIT_METHODS: &[&str] = &[
        "clone",
        "clone_from",
        "fmt",
        "eq",
        "ne",
        "hash",
        "default",
        "from",
        "into",
        "drop",
        "deref",
        "as_ref",
        "borrow",
        "to_owned",
        "to_string",
        "from_str",
        "into_iter",
        "next",
    ];
    /// Types the templates name without a path, from the prelude.
    pub const PRELUDE_TYPES: &[&str] = &[
        "String",
        "Option",
        "Vec",
        "Box",
        "Result",
        "Some",
        "None",
        "Ok",
        "Err",
        "From",
        "Into",
        // Derive macros and traits share their names: a type called `Default` makes rustdoc
        // links ambiguous.
        "Default",
        "Clone",
        "Copy",
        "Debug",
        "Hash",
        "PartialEq",
        "Eq",
        "PartialOrd",
        "Ord",
        "Send",
        "Sync",
        "Sized",
        "Drop",
        "Fn",
        "FnMut",
        "FnOnce",
        "Iterator",
        "IntoIterator",
    ];
    /// Types a group module imports (templates/operations.rs), beside its request and error
    /// types.
    pub const GROUP_IMPORTS: &[&str] = &[
        "CallOptions",
        "ApiError",
        "DecodeError",
        "InvalidRequest",
        "OpenRouter",
        "Response",
        "UnexpectedResponse",
        "TransportError",
        "Idempotency",
        "transport",
    ];
    /// The variant every open enum has for values it does not know.
    pub const ENUM_VARIANTS: &[&str] = &["Unknown"];
    /// A union's variants: `Other` holds a value of no known shape.
    pub const UNION_VARIANTS: &[&str] = &["Other", "Self"];
}

/// The identifier `name` plus a collision suffix `n`, in snake case (`foo_bar_2`).
pub fn snake_suffixed(base: &str, n: usize) -> String {
    snake(&format!("{base}_{n}"))
}

/// Variant names for an enum's values: camel case, apart from `Unknown` and from each other.
pub fn variants(values: &[String]) -> Vec<String> {
    let mut taken = Namespace::with_reserved(reserved::ENUM_VARIANTS);
    values
        .iter()
        .map(|v| taken.claim_camel(&camel(v)))
        .collect()
}

/// Identifiers already given out in one scope (a module, an impl block, a struct).
#[derive(Debug, Clone, Default)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// A scope in which `reserved` names already exist (items of the emitted crate).
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namespace {
            taken: reserved.iter().map(|r| (*r).to_owned()).collect(),
        }
    }

    /// Whether `ident` is still free.
    pub fn is_free(&self, ident: &str) -> bool {
        !self.taken.contains(bare(ident))
    }

    /// Takes `ident` (made by [`snake`]), or `ident_2`, `ident_3`, ... when it is taken.
    pub fn claim_snake(&mut self, ident: &str) -> String {
        self.claim_with(ident, snake_suffixed, |_| true)
    }

    /// Takes `ident` (made by [`camel`]), or `ident2`, `ident3`, ... when it is taken.
    pub fn claim_camel(&mut self, ident: &str) -> String {
        self.claim_with(ident, |base, n| format!("{base}{n}"), |_| true)
    }

    /// The first of `ident`, then its suffixed forms, that is free and that `also_free` accepts
    /// (for names that bring derived names along, like `GetRequest` for `get`).
    pub fn claim_with(
        &mut self,
        ident: &str,
        suffixed: impl Fn(&str, usize) -> String,
        also_free: impl Fn(&str) -> bool,
    ) -> String {
        let base = bare(ident).trim_end_matches('_');
        let mut candidate = ident.to_owned();
        let mut n = 2;
        while !(self.is_free(&candidate) && also_free(&candidate)) {
            candidate = suffixed(base, n);
            n += 1;
        }
        self.taken.insert(bare(&candidate).to_owned());
        candidate
    }

    /// Marks `ident` as taken without checking (a name that must stay as it is).
    pub fn insert(&mut self, ident: &str) {
        self.taken.insert(bare(ident).to_owned());
    }
}

/// Whether `text` is an identifier `proc_macro2` accepts as is or in raw form (`r#type`).
pub fn is_ident(text: &str) -> bool {
    let (raw, name) = match text.strip_prefix("r#") {
        Some(name) => (true, name),
        None => (false, text),
    };
    let mut chars = name.chars();
    let valid = matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
        && name != "_";
    valid && !(raw && (NOT_RAW.contains(&name) || !KEYWORDS.contains(&name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every output must be an identifier that syn parses, in raw form where needed.
    fn assert_ident(name: &str) {
        assert!(is_ident(name), "{name:?} is not an identifier");
        let parsed: Result<proc_macro2::Ident, _> = syn::parse_str(name);
        assert!(parsed.is_ok(), "syn refuses {name:?}");
    }

    #[test]
    fn every_keyword_becomes_an_identifier() {
        for keyword in KEYWORDS {
            let s = snake(keyword);
            let c = camel(keyword);
            assert_ident(&s);
            assert_ident(&c);
            assert_ne!(s, keyword, "{keyword} must not stay a bare keyword");
        }
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("gen"), "r#gen");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("crate"), "crate_");
        assert_eq!(snake("super"), "super_");
        assert_eq!(camel("self"), "Self_");
        assert_eq!(camel("Self"), "Self_");
        assert_eq!(snake("Self"), "self_");
        assert_eq!(camel("type"), "Type");
    }

    #[test]
    fn weak_keywords_stay_as_they_are() {
        for weak in ["union", "raw", "safe", "macro_rules"] {
            assert_eq!(snake(weak), weak);
            assert_ident(weak);
        }
    }

    #[test]
    fn symbols_digits_emoji_and_empty_names() {
        assert_eq!(snake("API-Keys"), "api_keys");
        assert_eq!(snake("HTTP-Referer"), "http_referer");
        assert_eq!(camel("API-Keys"), "ApiKeys");
        assert_eq!(snake("1st"), "v1st");
        assert_eq!(camel("1h"), "V1h");
        assert_eq!(snake("42"), "v42");
        assert_eq!(snake(""), "unnamed");
        assert_eq!(camel(""), "Unnamed");
        assert_eq!(snake("_"), "unnamed");
        assert_eq!(snake("__"), "unnamed");
        assert_eq!(snake("🚀"), "unnamed");
        assert_eq!(snake("rocket🚀launch"), "rocket_launch");
        assert_eq!(camel("🚀 go"), "Go");
        assert_eq!(snake("café"), "caf");
        assert_eq!(snake("a\nb\r\"c"), "a_b_c");
        assert_eq!(snake("r#type"), "r#type");
        for name in [
            "", "_", "1", "🚀", "-", "ß", "日本", "a-", "9lives", "x y z", "\u{0}",
        ] {
            assert_ident(&snake(name));
            assert_ident(&camel(name));
        }
    }

    #[test]
    fn group_names_split_on_spaces_only() {
        assert_eq!(group("API Keys"), "api_keys");
        assert_eq!(group("OAuth"), "oauth");
        assert_eq!(group("Error"), "error");
        assert_eq!(group("self"), "self_");
    }

    #[test]
    fn collisions_get_the_first_free_suffix() {
        let mut ns = Namespace::with_reserved(&["send", "client"]);
        assert_eq!(ns.claim_snake(&snake("fooBar")), "foo_bar");
        assert_eq!(ns.claim_snake(&snake("foo_bar")), "foo_bar_2");
        assert_eq!(ns.claim_snake(&snake("FOO-BAR")), "foo_bar_3");
        assert_eq!(ns.claim_snake(&snake("send")), "send_2");
        assert_eq!(ns.claim_snake(&snake("type")), "r#type");
        assert_eq!(ns.claim_snake(&snake("type")), "type_2");
        assert_eq!(ns.claim_snake(&snake("self")), "self_");
        assert_eq!(ns.claim_snake(&snake("self")), "self_2");
        let mut types = Namespace::with_reserved(&["String"]);
        assert_eq!(types.claim_camel(&camel("string")), "String2");
        assert_eq!(types.claim_camel(&camel("foo")), "Foo");
        assert_eq!(types.claim_camel(&camel("FOO")), "Foo2");
        assert_eq!(types.claim_camel(&camel("Self")), "Self_");
        assert_eq!(types.claim_camel(&camel("self")), "Self2");
    }

    #[test]
    fn enum_variants_are_distinct() {
        let values: Vec<String> = ["a-b", "a_b", "AB", "unknown", "1h", "", "🚀"]
            .iter()
            .map(|v| (*v).to_owned())
            .collect();
        assert_eq!(
            variants(&values),
            ["AB", "AB2", "Ab", "Unknown2", "V1h", "Unnamed", "Unnamed2"]
        );
    }

    #[test]
    fn derived_names_are_checked_too() {
        let mut ns = Namespace::with_reserved(&["ApiError"]);
        let taken = ns.clone();
        let name = ns.claim_with(&snake("api"), snake_suffixed, |n| {
            taken.is_free(&format!("{}Error", camel(n)))
        });
        assert_eq!(name, "api_2");
    }
}
