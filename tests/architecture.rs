//! The invariants of ARCHITECTURE.md that the source itself can show
//! (issue 20): checked over `functions/*/src`, so that a change breaking
//! one fails here rather than in review.

use std::path::{Path, PathBuf};

/// Every Rust source file of the functions, with its path from the repository root.
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()) {
            if entry.is_dir() {
                walk(&entry, out);
            } else if entry.extension().is_some_and(|e| e == "rs") {
                out.push(entry);
            }
        }
    }
    let root = zige_tests::workspace();
    let mut files = Vec::new();
    for function in std::fs::read_dir(root.join("functions")).unwrap().map(|e| e.unwrap().path()) {
        if function.join("src").is_dir() {
            walk(&function.join("src"), &mut files);
        }
    }
    files.iter().map(|f| (f.strip_prefix(&root).unwrap().display().to_string(), std::fs::read_to_string(f).unwrap())).collect()
}

/// Only the executor (`workflow::carry_out` and its helpers) changes a
/// payment state, opens a task, issues a payroll instruction, opens a
/// recovery case or files an escalation: each statement is written once, in
/// its table's typed query, and only the executor calls that query.
#[test]
fn only_the_executor_changes_payments_and_opens_work() {
    // The statement, the table module that holds it, and its typed
    // queries: a task is opened with the others of its transaction when the
    // executor read the person's open tasks, or else by itself.
    let writes: [(&str, &str, &[&str]); 5] = [
        ("SET payment_status", "benefits", &["benefits::set_payment_state("]),
        ("INTO tasks ", "tasks", &["tasks::open(", "tasks::open_unless_open("]),
        ("INTO payroll_instructions", "payroll_instructions", &["payroll_instructions::insert("]),
        ("INTO overpayments", "overpayments", &["overpayments::open_case("]),
        ("INTO escalations", "escalations", &["escalations::file("]),
    ];
    let sources = sources();
    assert!(sources.len() > 30, "found the sources");
    let executor = "functions/services/src/workflow.rs";
    for (path, text) in &sources {
        for (statement, table, queries) in writes {
            let home = format!("functions/store/src/tables/{table}.rs");
            let written = text.matches(statement).count();
            if *path == home {
                assert_eq!(written, queries.len(), "{path} writes `{statement}` once for each of {queries:?}");
            } else {
                assert_eq!(written, 0, "{path} does what only the executor may: {statement}");
            }
            for query in queries.iter().filter(|_| path != executor) {
                assert!(!text.contains(query), "{path} calls {query}..), which only the executor may");
            }
        }
    }
    let executor = &sources.iter().find(|(p, _)| p == executor).unwrap().1;
    assert!(writes.iter().flat_map(|(_, _, queries)| queries.iter()).all(|query| executor.contains(query)), "the executor still does each");
}

/// No code names an organisation by its id: the city's own organisations
/// are found by their kind (`OrgTree::city_org`, `workflow::city_org`),
/// because an operator chooses the ids.
#[test]
fn no_code_names_an_organisation_by_id() {
    let seeded = ["\"city-hrss\"", "\"city-si\"", "\"city-retiree\"", "'city-hrss'", "'city-si'", "'city-retiree'"];
    for (path, text) in sources() {
        for id in seeded {
            assert!(!text.contains(id), "{path} names the organisation {id}");
        }
    }
}

/// The shared crates are layered: the store knows nothing of HTTP, the web
/// edge nothing of the services, and none of them of a component.
#[test]
fn the_shared_crates_depend_only_downwards() {
    let layers = ["zige-domain", "zige-store", "zige-http", "zige-services"];
    let root = zige_tests::workspace();
    for (level, name) in layers.iter().enumerate().skip(1) {
        let dir = name.trim_start_matches("zige-");
        let manifest: toml::Table = std::fs::read_to_string(root.join(format!("functions/{dir}/Cargo.toml"))).unwrap().parse().unwrap();
        let mut zige: Vec<&str> = Vec::new();
        for section in ["dependencies", "dev-dependencies"] {
            if let Some(deps) = manifest.get(section).and_then(|d| d.as_table()) {
                zige.extend(deps.keys().map(String::as_str).filter(|d| d.starts_with("zige-")));
            }
        }
        for dependency in zige {
            let below = layers[..level].contains(&dependency);
            assert!(below, "{name} depends on {dependency}, which is not below it");
        }
    }
}

/// Every statement lives in the store (issue 20): outside `functions/store`
/// no string begins with SQL and nothing runs a statement on a `Db`;
/// handlers and the executor open transactions and call the typed queries
/// of `zige_store::tables`.
#[test]
fn no_sql_outside_the_store() {
    let verbs = ["SELECT ", "INSERT ", "UPDATE ", "DELETE ", "WITH ", "REPLACE ", "CREATE ", "PRAGMA "];
    let calls = [".one(", ".all(", ".exec(", ".query(", ".try_one(", ".try_all("];
    for (path, text) in sources() {
        if path.starts_with("functions/store/") || path.starts_with("functions/domain/") {
            continue;
        }
        // A string literal whose text (after blanks and line continuations) begins with a verb.
        for (at, _) in text.match_indices('"') {
            let opening = text[at + 1..].trim_start_matches(|c: char| c.is_whitespace() || c == '\\');
            let verb = verbs.iter().find(|v| opening.starts_with(*v));
            assert!(verb.is_none(), "{path} holds SQL ({}…): move it to zige_store::tables", verb.unwrap_or(&"").trim());
        }
        // A statement run on the database handle, whatever the handle is called.
        for call in calls {
            for (at, _) in text.match_indices(call) {
                let receiver = text[..at].trim_end();
                let on_db = receiver.ends_with("db") || receiver.ends_with("db()?") || receiver.ends_with("conn");
                assert!(!on_db, "{path} runs a statement itself ({call}): call a typed query of zige_store::tables");
            }
        }
    }
}

/// Rows a write transaction keeps until its commit (`Db::defer_row`) are
/// invisible to its own statements until written: every query of the store
/// that reads such a table, or refers to its rows, writes them first
/// (`write_deferred`, or the table's `write_kept`). Checked function by
/// function over the store's source.
#[test]
fn every_query_of_a_table_with_kept_rows_writes_them_first() {
    // What a statement says when it reads a table whose rows may be kept, or
    // refers to them, and the table whose kept rows it must write first.
    let reads = [
        ("FROM evidence ", "evidence"),
        ("JOIN evidence ", "evidence"),
        ("INTO evidence_files ", "evidence"),
        ("FROM partner_events ", "partner_events"),
        ("UPDATE partner_events ", "partner_events"),
        ("FROM reassessments ", "reassessments"),
        ("FROM audit_log ", "audit_log"),
        ("FROM history ", "history"),
        ("FROM benefits ", "benefits"),
        ("JOIN benefits ", "benefits"),
        ("dashboard_benefits(scope)", "benefits"),
        // A trigger on benefits' payment states fills it.
        ("FROM review_requests", "benefits"),
        ("FROM outbox ", "outbox"),
        ("UPDATE outbox ", "outbox"),
        ("FROM unmatched_events ", "unmatched_events"),
        ("UPDATE unmatched_events ", "unmatched_events"),
        ("FROM tasks ", "tasks"),
        ("JOIN tasks ", "tasks"),
        ("UPDATE tasks ", "tasks"),
        ("FROM overpayments ", "overpayments"),
        ("JOIN overpayments ", "overpayments"),
        ("UPDATE overpayments ", "overpayments"),
        // Rows that refer to a case.
        ("INTO instalments ", "overpayments"),
        ("INTO recovery_payments ", "overpayments"),
        ("FROM payroll_instructions ", "payroll_instructions"),
        ("JOIN payroll_instructions ", "payroll_instructions"),
    ];
    // Tables whose module writes its kept rows with its own `write_kept`.
    let own_writer = ["evidence", "history", "benefits", "tasks", "overpayments", "payroll_instructions"];
    let mut checked = 0;
    let mut unwritten = Vec::new();
    for (path, text) in sources().into_iter().filter(|(p, _)| p.starts_with("functions/store/src/")) {
        // Each piece begins at a function's signature and runs to the next.
        for piece in text.split("fn ").skip(1) {
            let name = piece.split('(').next().unwrap_or_default();
            // The kept rows' own writers, and the chain's own reads, which
            // run when nothing of it is kept (see audit.rs).
            if name == "write_kept" || (path.ends_with("audit.rs") && piece.contains("audit_tail")) {
                continue;
            }
            for (read, table) in reads.iter().filter(|(read, _)| piece.contains(read)) {
                checked += 1;
                let writes = match own_writer.contains(table) {
                    true => {
                        piece.contains(&format!("{table}::write_kept("))
                            || (path.ends_with(&format!("tables/{table}.rs")) && piece.contains("write_kept("))
                    }
                    false => piece.contains("write_deferred(") || piece.contains("write_kept(") || piece.contains("write_pending("),
                };
                if !writes {
                    unwritten.push(format!("{path}: {name} reads `{}` without writing {table}'s kept rows first", read.trim()));
                }
            }
        }
    }
    assert!(checked >= 10, "found the queries of the tables with kept rows ({checked})");
    assert!(unwritten.is_empty(), "queries that do not write the kept rows first:\n{}", unwritten.join("\n"));
}
