//! Reports of improper receipt or staff misconduct (R9.1): public, with the
//! hotline published; the reporter's identity only for the city role that
//! handles reports; handling tracked to closure.

use serde_json::json;
use zige_tests::{seed_city, spawn_app};

#[tokio::test]
async fn r9_1_anyone_reports_only_the_handling_role_sees_the_reporter_and_handling_ends_in_closure() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let hotline = app.get("/api/v1/reports/hotline").await.json();
    assert_eq!(hotline["hotline"], "12333");

    let named = json!({ "kind": "improper_receipt", "subject": "某小区王某", "details": "其父已去世两年，仍在领取养老金。", "district": "650102",
                        "reporter": { "name": "李某某", "phone": "13900000000" } });
    let r = app.post_json("/api/v1/reports", &named).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let reference = r.json()["reference"].as_str().unwrap().to_string();
    let anonymous = json!({ "kind": "staff_misconduct", "subject": "某社区工作人员", "details": "代人认证收取费用。" });
    assert_eq!(app.post_json("/api/v1/reports", &anonymous).await.status, 201);
    let bad = app.post_json("/api/v1/reports", &json!({ "kind": "gossip", "subject": "x", "details": "y" })).await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.json()["field"], "kind");

    let stored: String =
        app.database().query_row("SELECT reporter_sealed FROM reports WHERE reference = ?1", [&reference], |r| r.get(0)).unwrap();
    assert!(!stored.contains("李某某") && !stored.contains("13900000000"), "sealed at rest");
    let district = app.staff_session(&city.admin, "ts-district", "district", "650102").await;
    assert_eq!(app.call(&district, "GET", "/api/v1/reports", None).await.status, 403, "never to the district reported on");
    assert_eq!(app.call(&city.admin, "GET", "/api/v1/reports", None).await.status, 403);
    let handler = app.staff_session(&city.admin, "si-inspector", "city_social_insurance", "city-si").await;
    let queue = app.call(&handler, "GET", "/api/v1/reports", None).await.json();
    let items = queue["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let first = items.iter().find(|i| i["reference"] == reference.as_str()).unwrap();
    assert_eq!(first["reporter"]["name"], "李某某");
    assert!(items.iter().any(|i| i["anonymous"] == true));

    let path = format!("/api/v1/reports/{}", first["report_id"].as_str().unwrap());
    assert_eq!(app.call(&handler, "PATCH", &path, Some(&json!({ "status": "investigating" }))).await.status, 200);
    assert_eq!(app.get(&format!("/api/v1/reports/by-reference/{reference}")).await.json()["status"], "investigating");
    assert_eq!(app.call(&handler, "PATCH", &path, Some(&json!({ "status": "closed" }))).await.status, 422, "closing needs the resolution");
    let closed = app.call(&handler, "PATCH", &path, Some(&json!({ "status": "closed", "resolution": "查实，已停发并追回" }))).await;
    assert_eq!(closed.status, 200);
    assert_eq!(app.call(&handler, "PATCH", &path, Some(&json!({ "status": "investigating" }))).await.status, 409);
    let progress = app.get(&format!("/api/v1/reports/by-reference/{reference}")).await.json();
    assert_eq!(progress["status"], "closed");
    assert!(progress.get("reporter").is_none() && progress.get("details").is_none(), "the reference shows progress only");
    let audited: i64 = app.database().query_row("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'report.%'", [], |r| r.get(0)).unwrap();
    assert_eq!(audited, 5, "two received, one read, two handled");
}

/// Anyone may report, and each report is a permanent row: reports are
/// limited per client address (R9.1, R8.1), high enough for a city behind
/// one carrier's address.
#[tokio::test]
async fn r9_1_reports_are_limited_per_address() {
    let app = spawn_app().await;
    let report = json!({ "kind": "improper_receipt", "subject": "某人冒领养老金", "details": "其父已去世多年仍在领取。" });
    let mut statuses = Vec::new();
    for _ in 0..31 {
        statuses.push(app.post_json("/api/v1/reports", &report).await.status);
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 30, "{statuses:?}");
    assert_eq!(statuses.last(), Some(&429));
    let rows: i64 = app.database().query_row("SELECT COUNT(*) FROM reports", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 30, "the refused one wrote nothing");
}
