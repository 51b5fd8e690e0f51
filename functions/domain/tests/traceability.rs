//! Keeps `TRACEABILITY.md` true: every requirement of the notice maps to the
//! domain tests that cite it (in the test's name, `r5_6_…`, or in its table
//! cases, `"R5.6 …"`) and to the HTTP tests under `tests/` that cite it (in
//! the name or the doc comment above it), and every requirement is covered
//! by one or the other. Regenerate with `ZIGE_BLESS=1 cargo test -p
//! zige-domain --test traceability`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every requirement id of `shared/spec/requirements.md`.
const REQUIREMENTS: &[&str] = &[
    "R1.1", "R1.2", "R1.3", "R2.1", "R2.2", "R2.3", "R3.1", "R3.2", "R3.3", "R3.4", "R3.5", "R3.6", "R4.1", "R4.2", "R4.3", "R5.1", "R5.2",
    "R5.3", "R5.4", "R5.5", "R5.6", "R5.7", "R5.8", "R5.9", "R6.1", "R6.2", "R6.3", "R6.4", "R6.5", "R6.6", "R6.7", "R7.1", "R7.2", "R7.3",
    "R7.4", "R7.5", "R7.6", "R8.1", "R8.2", "R9.1", "R9.2", "R9.3",
];

fn ids_in(text: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices('R') {
        let rest = &text[i + 1..];
        let major: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if major.is_empty() || i > 0 && bytes[i - 1].is_ascii_alphanumeric() {
            continue;
        }
        let after = &rest[major.len()..];
        if let Some(minor) = after.strip_prefix('.') {
            let minor: String = minor.chars().take_while(char::is_ascii_digit).collect();
            if !minor.is_empty() {
                ids.insert(format!("R{major}.{minor}"));
            }
        }
    }
    ids
}

fn ids_in_name(name: &str) -> BTreeSet<String> {
    let parts: Vec<&str> = name.split('_').collect();
    let mut ids = BTreeSet::new();
    for pair in parts.windows(2) {
        if let (Some(major), minor) = (pair[0].strip_prefix('r'), pair[1]) {
            if !major.is_empty()
                && major.chars().all(|c| c.is_ascii_digit())
                && !minor.is_empty()
                && minor.chars().all(|c| c.is_ascii_digit())
            {
                ids.insert(format!("R{major}.{minor}"));
            }
        }
    }
    ids
}

/// requirement → tests citing it, from the test sections of every source file.
fn coverage() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<_> = std::fs::read_dir(&src).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let module = file.file_stem().unwrap().to_string_lossy().replace("_tests", "");
        let tests_start = if file.to_string_lossy().ends_with("_tests.rs") { 0 } else { text.find("mod tests").unwrap_or(text.len()) };
        let mut current: Option<String> = None;
        for line in text[tests_start..].lines() {
            let trimmed = line.trim_start();
            if let Some(rest) = trimmed.strip_prefix("fn ") {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                current = Some(name.clone());
                for id in ids_in_name(&name) {
                    map.entry(id).or_default().insert(format!("{module}::{name}"));
                }
            } else if let Some(name) = &current {
                for id in ids_in(line) {
                    map.entry(id).or_default().insert(format!("{module}::{name}"));
                }
            }
        }
    }
    map
}

/// requirement → HTTP tests citing it: each `#[test]` or `#[tokio::test]`
/// function of `tests/*.rs`, by its name and the doc comment above it.
fn http_coverage() -> BTreeMap<String, BTreeSet<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests");
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "rs")).collect();
    files.sort();
    let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let module = file.file_stem().unwrap().to_string_lossy().to_string();
        let (mut doc, mut is_test) = (BTreeSet::new(), false);
        for line in text.lines() {
            let trimmed = line.trim_start();
            if let Some(comment) = trimmed.strip_prefix("///") {
                doc.extend(ids_in(comment));
            } else if trimmed.starts_with("#[tokio::test") || trimmed.starts_with("#[test]") {
                is_test = true;
            } else if trimmed.starts_with("#[") {
            } else if let Some(rest) = trimmed.strip_prefix("async fn ").or_else(|| trimmed.strip_prefix("fn ")) {
                if is_test {
                    let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    for id in ids_in_name(&name).into_iter().chain(doc.iter().cloned()) {
                        map.entry(id).or_default().insert(format!("{module}::{name}"));
                    }
                }
                (doc, is_test) = (BTreeSet::new(), false);
            } else {
                (doc, is_test) = (BTreeSet::new(), false);
            }
        }
    }
    map
}

fn render(domain: &BTreeMap<String, BTreeSet<String>>, http: &BTreeMap<String, BTreeSet<String>>) -> String {
    let mut out = String::from(
        "# Traceability: requirements → tests\n\n\
         Generated by `functions/domain/tests/traceability.rs` (`ZIGE_BLESS=1 cargo test -p zige-domain --test traceability`).\n\
         Requirement ids are those of `shared/spec/requirements.md`. Domain tests are in `functions/domain/src`;\n\
         HTTP tests are the files of `tests/`, run through the local host and real Spin.\n\n\
         | Requirement | Domain tests | HTTP tests |\n|---|---|---|\n",
    );
    let cell = |map: &BTreeMap<String, BTreeSet<String>>, id: &str| {
        map.get(id).map_or_else(|| "—".to_string(), |t| t.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", "))
    };
    for id in REQUIREMENTS {
        out.push_str(&format!("| {id} | {} | {} |\n", cell(domain, id), cell(http, id)));
    }
    out
}

#[test]
fn every_requirement_is_covered() {
    let (domain, http) = (coverage(), http_coverage());
    let uncovered: Vec<&str> = REQUIREMENTS.iter().copied().filter(|id| !domain.contains_key(*id) && !http.contains_key(*id)).collect();
    assert!(uncovered.is_empty(), "requirements with no domain test and no HTTP test: {uncovered:?}");
    let unknown: Vec<&String> = domain.keys().chain(http.keys()).filter(|id| !REQUIREMENTS.contains(&id.as_str())).collect();
    assert!(unknown.is_empty(), "tests cite ids that do not exist: {unknown:?}");
}

#[test]
fn traceability_table_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("TRACEABILITY.md");
    let expected = render(&coverage(), &http_coverage());
    if std::env::var_os("ZIGE_BLESS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(actual == expected, "TRACEABILITY.md is stale; regenerate with ZIGE_BLESS=1 cargo test -p zige-domain --test traceability");
}
