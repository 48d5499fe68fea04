//! The change report, one fixture pair per rule of `docs/api-changes.md`: each report is
//! snapshotted, and its counts of breaking and additive changes are asserted, so a wrong
//! snapshot cannot be accepted by accident.

use std::fs;
use std::path::{Path, PathBuf};

use codegen::{Class, Report, Source};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/changes")
}

fn report(rule: &str) -> Report {
    report_with(rule, &codegen::Settings::new())
}

/// The report between the crates the pair generates with `settings`.
fn report_with(rule: &str, settings: &codegen::Settings) -> Report {
    let read = |side: &str| {
        let path = fixtures().join(rule).join(format!("{side}.yaml"));
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let (old, new) = (read("old"), read("new"));
    let (old_name, new_name) = (format!("{rule}/old.yaml"), format!("{rule}/new.yaml"));
    codegen::diff_with(
        Source {
            name: &old_name,
            text: &old,
        },
        Source {
            name: &new_name,
            text: &new,
        },
        settings,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn count(report: &Report, class: Class) -> usize {
    report.changes.iter().filter(|c| c.class == class).count()
}

/// `rule => (breaking, additive, doc-only edits)`.
macro_rules! rules {
    ($($test:ident => $rule:literal: ($breaking:expr, $additive:expr, $docs:expr),)*) => {
        $(
            #[test]
            fn $test() {
                let report = report($rule);
                insta::assert_snapshot!(concat!("change__", $rule), report.text());
                assert_eq!(
                    (count(&report, Class::Breaking), count(&report, Class::Additive), report.doc_edits.len()),
                    ($breaking, $additive, $docs),
                    "{}",
                    report.text()
                );
            }
        )*

        #[test]
        fn every_fixture_pair_has_a_test() {
            let tested = [$($rule),*];
            for entry in fs::read_dir(fixtures()).unwrap() {
                let name = entry.unwrap().file_name().to_string_lossy().into_owned();
                assert!(tested.contains(&name.as_str()), "fixtures/changes/{name} has no test");
            }
        }
    };
}

rules! {
    parameter_retyped => "parameter-retyped": (1, 0, 0),
    request_field_added_optional => "request-field-added-optional": (0, 1, 0),
    request_field_added_required => "request-field-added-required": (1, 0, 0),
    response_field_added_required => "response-field-added-required": (0, 1, 0),
    enum_gains_null => "enum-gains-null": (1, 1, 0),
    enum_value_added => "enum-value-added": (0, 2, 0),
    enum_value_removed => "enum-value-removed": (2, 0, 0),
    field_deprecated => "field-deprecated": (0, 1, 0),
    number_became_integer => "number-became-integer": (1, 0, 0),
    field_removed => "field-removed": (1, 0, 0),
    error_status_added => "error-status-added": (0, 1, 0),
    error_status_removed => "error-status-removed": (1, 0, 0),
    operation_added => "operation-added": (0, 1, 0),
    operation_removed => "operation-removed": (1, 0, 0),
    operation_ignored => "operation-ignored": (1, 0, 0),
    retry_class_changed => "retry-class-changed": (1, 0, 0),
    secret_class_changed => "secret-class-changed": (1, 0, 0),
    doc_only => "doc-only": (0, 0, 4),
    equal_enums_diverge => "equal-enums-diverge": (0, 1, 0),
    nullability_style_and_new_status => "nullability-style-and-new-status": (0, 1, 0),
}

#[test]
fn the_markdown_report_has_each_class_under_its_heading() {
    let markdown = report("enum-gains-null").markdown();
    insta::assert_snapshot!("change__enum-gains-null__markdown", markdown);
    let breaking = markdown.find("### Breaking").unwrap();
    let additive = markdown.find("### Additive").unwrap();
    assert!(breaking < additive);
}

#[test]
fn the_semver_bump_follows_the_worst_change() {
    use codegen::Bump;
    assert_eq!(report("field-removed").bump(), Bump::Major);
    assert_eq!(report("enum-value-added").bump(), Bump::Minor);
    assert_eq!(report("doc-only").bump(), Bump::Patch);
}

/// The report compares what is generated: with only the `Notes` tag selected, the operation
/// that becomes ignored was never in the crate, so nothing changes; edits outside the selection
/// are no change either.
#[test]
fn the_report_honours_the_selection() {
    let everything = report("operation-ignored");
    assert!(
        everything.text().contains("purge_notes"),
        "{}",
        everything.text()
    );
    let notes = report_with(
        "operation-ignored",
        &codegen::Settings::new().with_tags(["Notes"]),
    );
    assert!(notes.changes.is_empty(), "{}", notes.text());
    assert_eq!(notes.bump(), codegen::Bump::None);
    // An operation whose tag moves out of the selection is removed for the crate's users.
    let path = fixtures().join("operation-ignored/old.yaml");
    let admin = fs::read_to_string(path).unwrap();
    let notes = admin.replace("tags: [Admin]", "tags: [Notes]");
    let moved = codegen::diff_with(
        Source {
            name: "notes.yaml",
            text: &notes,
        },
        Source {
            name: "admin.yaml",
            text: &admin,
        },
        &codegen::Settings::new().with_tags(["Notes"]),
    )
    .unwrap();
    assert_eq!(count(&moved, Class::Breaking), 1, "{}", moved.text());
    assert!(moved.text().contains("purge_notes"), "{}", moved.text());
}
