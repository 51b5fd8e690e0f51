//! The keys zige runs on (R8.1): in production (no `demo_mode`, no test
//! clock) it touches no personal data until every key and secret is strong,
//! and says which variable to set; the development switches run only with
//! the development keys.

use serde_json::json;
use zige_tests::{Spawn, TestApp, production_variables, seed_city, spawn, test_variables, zige_manifest};

async fn app_with(variables: Vec<(String, String)>) -> TestApp {
    spawn(&zige_manifest(), Spawn { variables, ..Default::default() }).await
}

fn with(mut variables: Vec<(String, String)>, name: &str, value: &str) -> Vec<(String, String)> {
    variables.retain(|(k, _)| k != name);
    variables.push((name.into(), value.into()));
    variables
}

/// Health, and a request to a component given `variable`, both answer 503
/// naming it. Spin grants variables per component: a component refuses
/// over the secrets it is given, and health (given all) names any.
async fn refused_naming(app: &TestApp, variable: &str) {
    let health = app.get("/api/health").await;
    assert_eq!(health.status, 503, "{}", health.text());
    assert_eq!(health.json()["field"], variable, "{}", health.text());
    assert!(health.json()["detail_en"].as_str().unwrap().contains(variable));
    // The weak scheduler token of r8_1_a_weak_secret_is_named, so that the tick gets past its check.
    let (path, authorization, body) = match variable {
        "scheduler_token" => ("/internal/tick", "Bearer short-token", String::new()),
        "secrets_key" => ("/hooks/v1/civil/events", "", "{}".to_string()),
        _ => ("/api/v1/staff/sessions", "", json!({ "username": "admin", "password": zige_tests::ADMIN_PASSWORD }).to_string()),
    };
    let (method, headers) = ("POST", [("content-type", "application/json"), ("authorization", authorization)]);
    let refused = app.request(method, path, &headers, body).await;
    assert_eq!(refused.status, 503, "{method} {path} touches no records: {}", refused.text());
}

#[tokio::test]
async fn r8_1_development_keys_in_production_stop_zige_and_health_names_the_variable() {
    let production_with_development_keys: Vec<(String, String)> =
        test_variables().into_iter().filter(|(k, _)| k != "tick_as_of_enabled").collect();
    let app = app_with(production_with_development_keys).await;
    refused_naming(&app, "pii_key").await;
}

#[tokio::test]
async fn r8_1_strong_keys_serve_in_production() {
    let app = app_with(production_variables()).await;
    assert_eq!(app.get("/api/health").await.status, 200);
    let city = seed_city(&app).await;
    let found = app.call(&city.admin, "GET", &format!("/api/v1/persons?q={}", city.ids["ts_local"]), None).await;
    assert_eq!(found.json()["items"].as_array().map(Vec::len), Some(1), "{}", found.text());
}

#[tokio::test]
async fn r8_1_a_weak_secret_is_named() {
    for (variable, value) in [("scheduler_token", "short-token"), ("secrets_key", "zige-development-secrets-key-change-me")] {
        let app = app_with(with(production_variables(), variable, value)).await;
        refused_naming(&app, variable).await;
    }
}

#[tokio::test]
async fn r8_1_development_switches_refuse_production_keys() {
    for switch in ["demo_mode", "tick_as_of_enabled"] {
        let app = app_with(with(production_variables(), switch, "true")).await;
        refused_naming(&app, "pii_key").await;
        let health = app.get("/api/health").await.json();
        assert!(health["detail_en"].as_str().unwrap().contains("demo_mode"), "{health}");
    }
}
