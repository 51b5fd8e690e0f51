//! Conformance of the local host's key-value and SQLite interfaces with
//! Spin's: every operation and value type, errors as Spin reports them,
//! access denied for labels a component was not granted, state files that
//! real Spin can read, and concurrent writers that never fail.

use serde_json::{Value, json};
use zige_tests::{Spawn, TestApp, probe_manifest, spawn};

async fn probe() -> TestApp {
    spawn(&probe_manifest(), Spawn { variables: vec![("required_secret".into(), "s".into())], ..Default::default() }).await
}

async fn kv(app: &TestApp, route: &str, query: &str, body: &str) -> Value {
    app.request("POST", &format!("{route}?op=kv&{query}"), &[], body.to_string()).await.json()
}

async fn sql(app: &TestApp, route: &str, statements: Value) -> Value {
    app.post_json(&format!("{route}?op=sql"), &json!({ "database": "default", "statements": statements })).await.json()
}

#[tokio::test]
async fn key_value_operations() {
    let app = probe().await;
    assert_eq!(kv(&app, "/echo", "action=get&key=a", "").await, json!({ "ok": null }), "missing key is none");
    assert_eq!(kv(&app, "/echo", "action=set&key=a", "one").await, json!({ "ok": null }));
    assert_eq!(kv(&app, "/echo", "action=set&key=b", "two").await, json!({ "ok": null }));
    assert_eq!(kv(&app, "/echo", "action=get&key=a", "").await, json!({ "ok": "one" }));
    assert_eq!(kv(&app, "/echo", "action=set&key=a", "uno").await, json!({ "ok": null }), "set overwrites");
    assert_eq!(kv(&app, "/echo", "action=get&key=a", "").await, json!({ "ok": "uno" }));
    assert_eq!(kv(&app, "/echo", "action=exists&key=b", "").await, json!({ "ok": true }));
    assert_eq!(kv(&app, "/echo", "action=keys", "").await, json!({ "ok": ["a", "b"] }));
    assert_eq!(kv(&app, "/echo", "action=delete&key=b", "").await, json!({ "ok": null }));
    assert_eq!(kv(&app, "/echo", "action=delete&key=never", "").await, json!({ "ok": null }), "deleting a missing key is fine");
    assert_eq!(kv(&app, "/echo", "action=exists&key=b", "").await, json!({ "ok": false }));
}

#[tokio::test]
async fn key_value_access_is_denied_for_labels_not_granted() {
    let app = probe().await;
    assert_eq!(kv(&app, "/echo", "label=other&action=get&key=a", "").await, json!({ "error": "Error::AccessDenied" }));
    assert_eq!(kv(&app, "/bare", "action=get&key=a", "").await, json!({ "error": "Error::AccessDenied" }));
}

#[tokio::test]
async fn key_value_file_uses_spins_schema() {
    let app = probe().await;
    kv(&app, "/echo", "action=set&key=shared", "v").await;
    let db = rusqlite::Connection::open(app.state_dir.path().join(".spin/sqlite_key_value.db")).unwrap();
    let value: Vec<u8> =
        db.query_row("SELECT value FROM spin_key_value WHERE store = 'default' AND key = 'shared'", [], |r| r.get(0)).unwrap();
    assert_eq!(value, b"v");
}

#[tokio::test]
async fn sqlite_round_trips_every_value_type() {
    let app = probe().await;
    let result = sql(
        &app,
        "/echo",
        json!([
            { "sql": "CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)" },
            { "sql": "INSERT INTO t VALUES (?, ?, ?, ?, ?)", "params": [
                { "integer": -9007199254740993i64 }, { "real": 2.5 }, { "text": "资格 ✓" }, { "blob": [0, 255, 7] }, { "null": null }
            ]},
            { "sql": "SELECT i, r, s, b, n FROM t" },
            { "sql": "SELECT i FROM t WHERE i > 0" },
        ]),
    )
    .await;
    let results = result["results"].as_array().unwrap();
    assert_eq!(results[1], json!({ "columns": [], "rows": [] }), "statements without results return nothing");
    assert_eq!(results[2]["columns"], json!(["i", "r", "s", "b", "n"]));
    assert_eq!(
        results[2]["rows"],
        json!([[{ "integer": -9007199254740993i64 }, { "real": 2.5 }, { "text": "资格 ✓" }, { "blob": [0, 255, 7] }, { "null": null }]])
    );
    assert_eq!(results[3], json!({ "columns": ["i"], "rows": [] }), "columns even when no row matches");
}

#[tokio::test]
async fn sqlite_errors_are_reported_as_spin_does() {
    let app = probe().await;
    let result = sql(&app, "/echo", json!([{ "sql": "SELECT * FROM missing_table" }, { "sql": "SELEC 1" }])).await;
    for r in result["results"].as_array().unwrap() {
        assert!(r["error"].as_str().unwrap().starts_with("Error::Io("), "{r}");
    }
    let denied = app.post_json("/bare?op=sql", &json!({ "database": "default", "statements": [] })).await.json();
    assert_eq!(denied, json!({ "error": "Error::AccessDenied" }));
    let other = app.post_json("/echo?op=sql", &json!({ "database": "analytics", "statements": [] })).await.json();
    assert_eq!(other, json!({ "error": "Error::AccessDenied" }));
}

#[tokio::test]
async fn sqlite_runs_only_the_first_statement() {
    let app = probe().await;
    let result = sql(
        &app,
        "/echo",
        json!([{ "sql": "CREATE TABLE a (x); CREATE TABLE b (x)" }, { "sql": "SELECT name FROM sqlite_master ORDER BY name" }]),
    )
    .await;
    let names = &result["results"][1]["rows"];
    assert!(names.to_string().contains("\"a\"") && !names.to_string().contains("\"b\""), "{result}");
}

#[tokio::test]
async fn concurrent_writers_never_see_database_is_locked() {
    let app = probe().await;
    sql(&app, "/echo", json!([{ "sql": "CREATE TABLE c (n INTEGER)" }])).await;
    let body = json!({ "database": "default", "statements": [
        { "sql": "BEGIN IMMEDIATE" },
        { "sql": "INSERT INTO c VALUES (1)" },
        { "sql": "INSERT INTO c SELECT COUNT(*) FROM c" },
        { "sql": "COMMIT" },
    ]})
    .to_string();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..40 {
        set.spawn(zige_tests::send(app.addr, "POST", "/echo?op=sql", &[], body.clone().into()));
    }
    while let Some(done) = set.join_next().await {
        let response = done.unwrap().unwrap();
        assert!(!response.text().contains("error"), "{}", response.text());
    }
    let count = sql(&app, "/echo", json!([{ "sql": "SELECT COUNT(*) AS n FROM c" }])).await;
    assert_eq!(count["results"][0]["rows"][0][0]["integer"], 80);
}

#[tokio::test]
async fn an_unfinished_transaction_is_rolled_back_when_the_instance_ends() {
    let app = probe().await;
    sql(&app, "/echo", json!([{ "sql": "CREATE TABLE u (n INTEGER)" }])).await;
    sql(&app, "/echo", json!([{ "sql": "BEGIN" }, { "sql": "INSERT INTO u VALUES (1)" }])).await;
    let after = sql(&app, "/echo", json!([{ "sql": "SELECT COUNT(*) FROM u" }, { "sql": "BEGIN IMMEDIATE" }, { "sql": "COMMIT" }])).await;
    assert_eq!(after["results"][0]["rows"][0][0]["integer"], 0);
    assert!(after["results"][1].get("error").is_none(), "no transaction leaks into the next request: {after}");
}
