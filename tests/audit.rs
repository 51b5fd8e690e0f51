//! The audit trail (R8.1, R9.2): every change leaves a record in the same
//! transaction, records are append-only and hash-chained, and a direct edit
//! of a row is detected with the first broken link.

use zige_tests::{seed_city, spawn_app};

/// R8.1, R9.2: every change leaves a record naming who made it (staff
/// actions are attributable), without personal data.
#[tokio::test]
async fn r8_1_changes_and_exchanges_leave_records_without_personal_data() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let items = app.call(&city.admin, "GET", "/api/v1/audit?limit=1000", None).await.json()["items"].as_array().unwrap().clone();
    let actions: Vec<&str> = items.iter().map(|i| i["action"].as_str().unwrap()).collect();
    for action in ["staff.bootstrap_admin", "staff.login", "org.create", "roster.import_chunk", "roster.import"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    let text = serde_json::to_string(&items).unwrap();
    for id in city.ids.values() {
        assert!(!text.contains(id.as_str()), "no ID number in the audit trail");
    }
    assert!(!text.contains("张三"), "no names in the audit trail");
    let seqs: Vec<i64> = items.iter().map(|i| i["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>());
    let anonymous: Vec<&serde_json::Value> = items.iter().filter(|i| i["actor"].as_str().is_none_or(str::is_empty)).collect();
    assert!(anonymous.is_empty(), "every record names its actor: {anonymous:?}");
}

/// Issue 17: a record keeps a keyed hash of its payload, so an auditor who
/// guesses a payload (here the account id the bootstrap record names) cannot
/// confirm the guess by hashing it.
#[tokio::test]
async fn r8_1_payload_hashes_are_keyed_so_a_guess_cannot_be_confirmed() {
    use sha2::Digest;
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let items = app.call(&city.admin, "GET", "/api/v1/audit?limit=1000", None).await.json()["items"].as_array().unwrap().clone();
    let bootstrap = items.iter().find(|i| i["action"] == "staff.bootstrap_admin").expect("the bootstrap record");
    let object = bootstrap["object"].as_str().unwrap();
    let plain: String = sha2::Sha256::digest(object.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    let kept = bootstrap["payload_hash"].as_str().unwrap();
    assert_eq!(kept.len(), 64, "{bootstrap}");
    assert_ne!(kept, plain, "the payload (the account id) is not confirmed by a plain hash");
    let empty: String = sha2::Sha256::digest(b"").iter().map(|b| format!("{b:02x}")).collect();
    assert!(items.iter().all(|i| i["payload_hash"] != empty.as_str()), "not even an empty payload");
}

#[tokio::test]
async fn r8_1_the_chain_verifies_and_direct_edits_are_detected() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let report = app.call(&city.admin, "GET", "/api/v1/audit/verify", None).await.json();
    assert_eq!(report["intact"], true, "{report}");
    let records = report["records"].as_i64().unwrap();
    assert!(records >= 6);

    let db = app.database();
    let refused = db.execute("UPDATE audit_log SET actor = 'staff:someone-else' WHERE seq = 3", []);
    assert!(refused.is_err(), "the table refuses updates");
    assert!(db.execute("DELETE FROM audit_log WHERE seq = 3", []).is_err(), "and deletes");

    // A tamperer with file access drops the guard and rewrites a record.
    db.execute_batch("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'staff:someone-else' WHERE seq = 3;").unwrap();
    let report = app.call(&city.admin, "GET", "/api/v1/audit/verify", None).await.json();
    assert_eq!(report["intact"], false);
    assert_eq!(report["first_broken_seq"], 3, "{report}");
}

#[tokio::test]
async fn r8_1_a_deleted_record_breaks_the_chain() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let db = app.database();
    db.execute_batch("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 2;").unwrap();
    let report = app.call(&city.admin, "GET", "/api/v1/audit/verify", None).await.json();
    assert_eq!((report["intact"].as_bool(), report["first_broken_seq"].as_i64()), (Some(false), Some(2)), "{report}");
}

/// The chain alone cannot see records cut from its end; a head kept by an
/// outside witness can (R8.1). The head is published at
/// `GET /api/v1/audit/head`, in the payroll feed and in each monthly
/// archive's manifest, and verification reports a head the chain no longer
/// reaches.
#[tokio::test]
async fn r8_1_records_cut_from_the_end_are_seen_against_a_published_head() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let head = app.call(&city.admin, "GET", "/api/v1/audit/head", None).await;
    assert_eq!(head.status, 200, "{}", head.text());
    let head = head.json()["head"].clone();
    let kept = format!("{}:{}", head["seq"], head["hash"].as_str().unwrap());
    let report = app.call(&city.admin, "GET", &format!("/api/v1/audit/verify?head={kept}"), None).await.json();
    assert_eq!((report["intact"].as_bool(), report["head_reached"].as_bool()), (Some(true), Some(true)), "{report}");
    assert_eq!(app.call(&city.admin, "GET", "/api/v1/audit/verify?head=nonsense", None).await.status, 400);

    // The payroll system receives the head with every read of its feed.
    let payroll = app.staff_session(&city.admin, "payroll", "integration", "city-si").await;
    let feed = app.call(&payroll, "GET", "/api/v1/payroll/instructions?after=0", None).await.json();
    assert!(feed["audit_head"]["seq"].as_i64().unwrap() >= head["seq"].as_i64().unwrap(), "{feed}");

    // A tamperer with file access cuts the newest records: what is left
    // still links up, but no longer reaches the head the witness kept.
    let db = app.database();
    let cut_from = head["seq"].as_i64().unwrap() - 1;
    db.execute_batch(&format!("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq >= {cut_from};")).unwrap();
    let alone = app.call(&city.admin, "GET", "/api/v1/audit/verify", None).await.json();
    assert_eq!(alone["intact"], true, "the chain alone cannot see the cut: {alone}");
    let report = app.call(&city.admin, "GET", &format!("/api/v1/audit/verify?head={kept}"), None).await.json();
    assert_eq!((report["intact"].as_bool(), report["head_reached"].as_bool()), (Some(false), Some(false)), "{report}");
    assert!(report["problem"].as_str().unwrap().contains("no longer reaches"), "{report}");
}

/// Each monthly archive records the chain's head when it was bound, and its
/// verification fails once the chain no longer reaches it (R8.1, R8.2).
#[tokio::test]
async fn r8_2_an_archive_keeps_the_audit_head_it_was_bound_at() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let month = zige_domain::china_date(chrono::Utc::now()).format("%Y-%m").to_string();
    let bound = app.call(&city.admin, "POST", "/api/v1/archives", Some(&serde_json::json!({ "district": "650102", "month": month }))).await;
    assert_eq!(bound.status, 201, "{}", bound.text());
    let id = bound.json()["archive_id"].as_str().unwrap().to_string();
    let report = app.call(&city.admin, "GET", &format!("/api/v1/archives/{id}/verify"), None).await.json();
    assert_eq!(report["intact"], true, "{report}");
    let head = report["audit_head"]["seq"].as_i64().expect("the manifest names the head");
    app.database().execute_batch(&format!("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq >= {head};")).unwrap();
    let report = app.call(&city.admin, "GET", &format!("/api/v1/archives/{id}/verify"), None).await.json();
    assert_eq!(report["intact"], false, "{report}");
    assert!(report["problems"].to_string().contains("no longer reaches the head"), "{report}");
}
