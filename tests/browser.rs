//! The pages in a real browser: Debian's headless Chromium driven by
//! playwright-core (the scenarios in tests/browser/*.mjs) against the app on
//! the local host, with the dev-only demo mode on. Needs `node`,
//! `/usr/bin/chromium` and `npm ci` in tests/browser; `.ci/run` installs
//! them. Screenshots land in target/screenshots/.

use serde_json::json;
use zige_tests::{
    ADMIN_PASSWORD, ADMIN_USER, STAFF_PASSWORD, Spawn, TestApp, seed_city, spawn, statutory_year, test_variables, workspace, zige_manifest,
};

async fn demo_app() -> TestApp {
    let mut variables = test_variables();
    variables.push(("demo_mode".into(), "true".into()));
    spawn(&zige_manifest(), Spawn { variables, ..Default::default() }).await
}

/// Seeds the city, sweeps it so that the lists are filled, and runs one
/// scenario with the city as its fixture.
async fn run(scenario: &str) {
    let modules = workspace().join("tests/browser/node_modules");
    assert!(modules.exists(), "run `npm ci` in tests/browser first (see .ci/run)");
    let app = demo_app().await;
    let city = seed_city(&app).await;
    app.database().execute("UPDATE evidence SET received_on = occurred_on WHERE source = 'roster'", []).unwrap();
    // 赵六 is on the community's service ledger (R6.3: sick or disabled).
    let acme = city.ids["acme"].clone();
    let found = app.call(&city.admin, "GET", &format!("/api/v1/persons?q={acme}"), None).await.json();
    let person = found["items"][0]["person_id"].as_str().unwrap().to_string();
    let groups = json!({ "special_groups": ["sick_or_disabled"] });
    assert_eq!(app.call(&city.admin, "PATCH", &format!("/api/v1/persons/{person}"), Some(&groups)).await.status, 200);
    let today = zige_domain::china_date(chrono::Utc::now()).to_string();
    app.tick_until_done(&today).await;
    // The city agency's report handler: the one role that sees reports (R9.1).
    app.staff_session(&city.admin, "si-reports", "city_social_insurance", "city-si").await;
    // A second officer of the agency waits for the first one's confirmation.
    let newcomer = json!({ "username": "si-new", "password": STAFF_PASSWORD, "role": "city_social_insurance", "org_id": "city-si", "display_name": "新同事" });
    assert_eq!(app.call(&city.admin, "POST", "/api/v1/staff", Some(&newcomer)).await.json()["awaiting_confirmation"], true);
    let next_year = chrono::Datelike::year(&zige_domain::china_date(chrono::Utc::now())) + 1;
    let fixture = json!({ "admin_user": ADMIN_USER, "admin_password": ADMIN_PASSWORD, "ids": city.ids, "today": today,
        "reports_user": "si-reports", "reports_password": STAFF_PASSWORD, "awaiting_user": "si-new", "next_year_statutory": statutory_year(next_year),
        "relative_id": zige_tests::id_number("65010319750303333") });
    let output = tokio::process::Command::new("node")
        .arg(format!("tests/browser/{scenario}.mjs"))
        .current_dir(workspace())
        .env("BASE_URL", app.url(""))
        .env("SHOTS_DIR", workspace().join("target/screenshots"))
        .env("FIXTURE", fixture.to_string())
        .output()
        .await
        .expect("running node");
    let log = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    println!("{log}");
    assert!(output.status.success(), "the {scenario} scenario failed:\n{log}");
}

#[tokio::test]
async fn recipients_page_in_chromium() {
    run("recipients").await;
}

#[tokio::test]
async fn staff_console_in_chromium() {
    run("staff").await;
}

#[tokio::test]
async fn every_page_at_phone_and_desktop_sizes() {
    run("tour").await;
}

/// Every text of the staff console is written for t() and has its Uyghur and
/// English, so that each clerk can read the console in their language (issue 18).
#[test]
fn every_text_of_the_staff_console_is_translated() {
    let output =
        std::process::Command::new("node").arg("tests/browser/i18n-check.mjs").current_dir(workspace()).output().expect("running node");
    let log = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "untranslated texts in static/staff:\n{log}");
}
