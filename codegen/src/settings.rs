//! What to generate: the operations a run selects, read from a small YAML file or set in code.

use serde_json::Value;

use crate::Source;
use crate::error::{Error, join};

/// What a run generates. By default, every operation of the document, and no `raw` module.
///
/// An operation is selected when one of its tags is in [`Settings::with_tags`] or its
/// `operationId` is in [`Settings::with_operations`]; with neither list given, all are.
/// [`Settings::with_raw`] adds progenitor's client for the same operations (the `raw` feature
/// of the crate); progenitor runs only then.
///
/// ```
/// let settings = codegen::Settings::new()
///     .with_tags(["API Keys"])
///     .with_operations(["exchangeAuthCodeForAPIKey"])
///     .with_raw(true);
/// # let _ = settings;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    tags: Vec<String>,
    operations: Vec<String>,
    raw: bool,
}

impl Settings {
    /// Everything selected.
    pub fn new() -> Self {
        Settings::default()
    }

    /// Selects the operations carrying any of these tags (as written in the document).
    pub fn with_tags<I: IntoIterator<Item = S>, S: Into<String>>(mut self, tags: I) -> Self {
        self.tags.extend(tags.into_iter().map(Into::into));
        self
    }

    /// Selects these operations by `operationId`.
    pub fn with_operations<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.operations.extend(ids.into_iter().map(Into::into));
        self
    }

    /// Whether the crate gets progenitor's client as its `raw` module (behind the `raw`
    /// feature). Off by default: progenitor then does not run at all.
    pub fn with_raw(mut self, raw: bool) -> Self {
        self.raw = raw;
        self
    }

    /// Whether progenitor's client is asked for.
    pub fn raw(&self) -> bool {
        self.raw
    }

    /// Reads settings written as YAML: `tags: [..]`, `operations: [..]` and `raw: true|false`,
    /// all optional.
    pub fn parse(source: Source<'_>) -> Result<Self, Error> {
        let value: Value = serde_yaml::from_str(source.text)
            .map_err(|e| Error::at(source.name, "", format!("invalid YAML: {e}")))?;
        let map = match &value {
            Value::Null => return Ok(Settings::new()),
            Value::Object(map) => map,
            _ => return Err(Error::at(source.name, "", "settings must be a mapping")),
        };
        let mut settings = Settings::new();
        for (key, list) in map {
            let at = join("", key);
            let target = match key.as_str() {
                "tags" => &mut settings.tags,
                "operations" => &mut settings.operations,
                "raw" => {
                    settings.raw = match list {
                        Value::Null => false,
                        Value::Bool(raw) => *raw,
                        _ => return Err(Error::at(source.name, &at, "must be true or false")),
                    };
                    continue;
                }
                _ => {
                    return Err(Error::at(
                        source.name,
                        &at,
                        "unknown setting; the settings are `tags`, `operations` and `raw`",
                    ));
                }
            };
            let items = match list {
                Value::Null => continue,
                Value::Array(items) => items,
                _ => return Err(Error::at(source.name, &at, "must be a list of names")),
            };
            for (i, item) in items.iter().enumerate() {
                let name = item.as_str().ok_or_else(|| {
                    Error::at(source.name, &join(&at, &i.to_string()), "must be a string")
                })?;
                target.push(name.to_owned());
            }
        }
        Ok(settings)
    }

    /// Whether an operation with this id and these tags is generated.
    pub(crate) fn selects(&self, id: Option<&str>, tags: &[&str]) -> bool {
        (self.tags.is_empty() && self.operations.is_empty())
            || tags.iter().any(|t| self.tags.iter().any(|s| s == t))
            || id.is_some_and(|id| self.operations.iter().any(|s| s == id))
    }
}
