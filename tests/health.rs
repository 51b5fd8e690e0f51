//! `GET /api/health`: touches the key-value store and the database, applies
//! the migrations on first use, and says 503 when either is unavailable.

use zige_tests::{Spawn, concurrently, migration_files, spawn, spawn_app, zige_manifest};

#[tokio::test]
async fn health_is_ok_with_version_and_schema() {
    let app = spawn_app().await;
    let response = app.get("/api/health").await;
    assert_eq!(response.status, 200, "{}", response.text());
    let body = response.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert!(body["schema_version"].as_i64().unwrap() >= 1);
    if zige_tests::local_stores() {
        assert!(app.state_dir.path().join(".spin/sqlite_db.db").exists(), "state lives where real Spin keeps it");
        assert!(app.state_dir.path().join(".spin/sqlite_key_value.db").exists());
    }
}

/// libSQL's server drops a stream left idle for 10 s. zige keeps none open
/// between requests (each opens its own connection), so a quiet spell longer
/// than that changes nothing; on local SQLite the same wait is harmless.
#[tokio::test]
async fn a_quiet_spell_longer_than_a_libsql_stream_lives_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    assert_eq!(app.call(&admin, "GET", "/api/v1/orgs", None).await.status, 200);
    tokio::time::sleep(std::time::Duration::from_secs(11)).await;
    let after = app.call(&admin, "GET", "/api/v1/orgs", None).await;
    assert_eq!(after.status, 200, "{}", after.text());
    assert_eq!(app.get("/api/health").await.status, 200);
}

#[tokio::test]
async fn health_rejects_other_methods_with_problem_json() {
    let app = spawn_app().await;
    let response = app.request("POST", "/api/health", &[], "").await;
    assert_eq!(response.status, 405);
    assert_eq!(response.header("content-type"), Some("application/problem+json; charset=utf-8"));
    assert!(response.json()["detail"].as_str().unwrap().contains("不支持"));
}

#[tokio::test]
async fn concurrent_first_requests_apply_migrations_once() {
    let app = spawn_app().await;
    let responses = concurrently(16, app.addr, "GET", "/api/health").await;
    for r in &responses {
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let db = app.database();
    let applied: i64 = db.query_row("SELECT COUNT(*) FROM schema_migrations", [], |r| r.get(0)).unwrap();
    let created: i64 = db.query_row("SELECT COUNT(*) FROM app_meta WHERE key = 'created_at'", [], |r| r.get(0)).unwrap();
    assert_eq!((applied, created), (migration_files(), 1), "each migration exactly once");
}

#[tokio::test]
async fn health_is_503_when_the_database_is_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    let db_dir = dir.path().join("db");
    std::fs::create_dir(&db_dir).unwrap();
    let config = format!("[sqlite_database.default]\ntype = \"spin\"\npath = \"{}\"\n", db_dir.join("zige.db").display());
    let app = spawn(&zige_manifest(), Spawn { runtime_config: Some(config), variables: zige_tests::test_variables() }).await;
    // Put a plain file where the database's folder was: nothing can open it.
    std::fs::remove_dir_all(&db_dir).unwrap();
    std::fs::write(&db_dir, b"not a folder").unwrap();
    let response = app.get("/api/health").await;
    assert_eq!(response.status, 503, "{}", response.text());
    let body = response.json();
    assert!(body["detail_en"].as_str().unwrap().contains("database"));
    assert!(!response.text().contains("unable to open"), "internals are logged, not sent");
}

#[tokio::test]
async fn health_is_503_when_the_key_value_store_is_unavailable() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/health").await.status, 200);
    // Destroy the key-value file, its write-ahead log and index under the host's
    // open connection.
    let spin = app.state_dir.path().join(".spin");
    for file in ["sqlite_key_value.db", "sqlite_key_value.db-wal", "sqlite_key_value.db-shm"] {
        let len = std::fs::metadata(spin.join(file)).map(|m| m.len() as usize).unwrap_or(0).max(8192);
        std::fs::write(spin.join(file), vec![0x55u8; len]).unwrap();
    }
    let response = app.get("/api/health").await;
    assert_eq!(response.status, 503, "{}", response.text());
    assert!(response.json()["detail_en"].as_str().unwrap().contains("key-value"));
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status, 200);
    let doc = response.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    // Which routes it documents is checked against the route tables
    // (routes::openapi_documents_each_declared_route_and_nothing_else).
    for (path, item) in paths {
        for (_, operation) in item.as_object().unwrap() {
            assert!(operation["summary"].is_string() && operation["responses"].is_object(), "{path}");
            for (code, response) in operation["responses"].as_object().unwrap() {
                assert!(
                    response["description"].is_string() || response["$ref"].is_string(),
                    "{path} {code}: a response needs a description"
                );
            }
        }
    }
}
