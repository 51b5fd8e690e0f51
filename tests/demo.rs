//! The demo front door and face provider: off unless the dev-only
//! `demo_mode` is set; when on, its assertion opens a session and its face
//! result certifies, through the same checks as a real provider's.

use serde_json::json;
use zige_tests::{Spawn, TestApp, seed_city, spawn, spawn_app, test_variables, zige_manifest};

async fn demo_app() -> TestApp {
    let mut variables = test_variables();
    variables.push(("demo_mode".into(), "true".into()));
    spawn(&zige_manifest(), Spawn { variables, ..Default::default() }).await
}

#[tokio::test]
async fn without_demo_mode_nothing_answers() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/v1/demo").await.status, 404);
    let r = app.post_json("/api/v1/demo/assertion", &json!({ "id_number": "11010519491231002X" })).await;
    assert_eq!(r.status, 404, "a production deployment signs nothing");
}

#[tokio::test]
async fn r5_5_the_demo_provider_logs_in_and_certifies_through_the_real_checks() {
    let app = demo_app().await;
    let city = seed_city(&app).await;
    let id = &city.ids["sy_local"];
    assert_eq!(app.get("/api/v1/demo").await.json()["enabled"], true);
    let assertion = app.post_json("/api/v1/demo/assertion", &json!({ "id_number": id })).await;
    assert_eq!(assertion.status, 200, "{}", assertion.text());
    let session = app.post_json("/api/v1/sessions", &json!({ "assertion": assertion.json()["assertion"] })).await;
    assert_eq!(session.status, 201, "{}", session.text());
    let token = session.json()["token"].as_str().unwrap().to_string();

    let challenge = app.call(&token, "POST", "/api/v1/me/certifications/challenges", None).await.json();
    let face = app.post_json("/api/v1/demo/face", &json!({ "nonce": challenge["nonce"], "subject": id })).await.json();
    let body = json!({ "challenge_id": challenge["challenge_id"], "provider": face["provider"], "result": face["result"], "signature": face["signature"] });
    let certified = app.call(&token, "POST", "/api/v1/me/certifications", Some(&body)).await;
    assert_eq!(certified.status, 201, "{}", certified.text());

    // Bad input is a 4xx that signs nothing.
    let bad = app.post_json("/api/v1/demo/assertion", &json!({ "id_number": "123" })).await;
    assert_eq!(bad.status, 422, "{}", bad.text());
    assert!(bad.header("content-type").unwrap().starts_with("application/problem+json"));
    assert_eq!(app.post_json("/api/v1/demo/face", &json!({ "nonce": "n" })).await.status, 400);
}
