//! The authorisation matrix (R2.3): every role against every registry and
//! audit endpoint, in and out of scope. Out-of-scope persons are 404, so
//! their existence does not leak; forbidden actions are 403.

use serde_json::json;
use std::collections::BTreeMap;
use zige_tests::{City, ROSTER_HEADER, TestApp, seed_city, spawn_app};

const ROLES: [&str; 8] =
    ["city_admin", "city_social_insurance", "city_retiree", "district", "sub_district", "community", "employer", "auditor"];

/// A session for each role, at an organisation of the seeded city.
async fn sessions(app: &TestApp, city: &City) -> BTreeMap<&'static str, String> {
    let orgs = [
        ("city_social_insurance", "city-si"),
        ("city_retiree", "city-retiree"),
        ("district", "650102"),
        ("sub_district", "ts-s1"),
        ("community", "ts-c1"),
        ("employer", "acme"),
        ("auditor", "city-hrss"),
    ];
    let mut tokens = BTreeMap::from([("city_admin", city.admin.clone())]);
    for (role, org) in orgs {
        tokens.insert(role, app.staff_session(&city.admin, &format!("u_{role}"), role, org).await);
    }
    tokens
}

#[tokio::test]
async fn r2_3_role_by_endpoint_by_scope() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let tokens = sessions(&app, &city).await;
    let mut persons = BTreeMap::new();
    for nickname in ["ts_local", "sy_local", "abroad", "acme"] {
        persons.insert(nickname, city.person_id(&app, nickname).await);
    }

    // (endpoint, expected status per role in ROLES order)
    let reimport = format!(
        "{ROSTER_HEADER}\n{},张三,employee_pension,3200.50,2010-01-01,650102,local,ts-c1,socialised,,13800000001,2026-03-01,高龄,\n",
        city.ids["ts_local"]
    );
    let read = |who: &str| format!("/api/v1/persons/{}", persons[who]);
    // A second account of the social-insurance agency waits for its officer.
    let second = json!({ "username": "u_si2", "password": zige_tests::STAFF_PASSWORD, "role": "city_social_insurance", "org_id": "city-si", "display_name": "x" });
    let waiting = app.call(&city.admin, "POST", "/api/v1/staff", Some(&second)).await.json()["id"].as_str().unwrap().to_string();
    let matrix: Vec<(String, &str, Option<serde_json::Value>, [u16; 8])> = vec![
        ("/api/v1/staff/confirmations".into(), "GET", None, [200, 200, 200, 200, 200, 200, 200, 200]),
        (format!("/api/v1/staff/{waiting}/confirmation"), "POST", None, [403, 200, 403, 403, 403, 403, 403, 403]),
        ("/api/v1/orgs".into(), "GET", None, [200, 200, 200, 200, 200, 200, 200, 200]),
        (
            "/api/v1/orgs".into(),
            "POST",
            Some(json!({ "id": "x-{role}", "parent_id": "650102", "kind": "sub_district", "name": "x" })),
            [201, 403, 403, 403, 403, 403, 403, 403],
        ),
        ("/api/v1/staff".into(), "GET", None, [200, 403, 403, 403, 403, 403, 403, 403]),
        ("/api/v1/audit/verify".into(), "GET", None, [200, 403, 403, 403, 403, 403, 403, 200]),
        ("/api/v1/audit".into(), "GET", None, [200, 403, 403, 403, 403, 403, 403, 200]),
        (read("ts_local"), "GET", None, [200, 200, 200, 200, 200, 200, 404, 200]),
        (read("sy_local"), "GET", None, [200, 200, 200, 404, 404, 404, 404, 200]),
        (read("abroad"), "GET", None, [200, 200, 200, 200, 404, 404, 404, 200]),
        (read("acme"), "GET", None, [200, 200, 200, 404, 404, 404, 200, 200]),
        (format!("{}/history", read("sy_local")), "GET", None, [200, 200, 200, 404, 404, 404, 404, 200]),
        (read("ts_local"), "PATCH", Some(json!({ "address": "某路{role}号" })), [200, 200, 200, 200, 200, 200, 404, 403]),
        (read("sy_local"), "PATCH", Some(json!({ "address": "某路{role}号" })), [200, 200, 200, 404, 404, 404, 404, 403]),
    ];
    for (path, method, body, expected) in &matrix {
        for (role, want) in ROLES.iter().zip(expected) {
            let body = body.as_ref().map(|b| serde_json::from_str(&b.to_string().replace("{role}", role)).unwrap());
            let r = app.call(&tokens[role], method, path, body.as_ref()).await;
            assert_eq!(r.status, *want, "{role} {method} {path}: {}", r.text());
            if r.status == 404 {
                assert!(!r.text().contains("张") && !r.text().contains("李"), "no data in a refusal");
            }
        }
    }
    for (role, want) in ROLES.iter().zip([200, 200, 200, 403, 403, 403, 403, 403]) {
        let r = app.upload(&tokens[role], "/api/v1/roster/imports", "text/csv", reimport.clone()).await;
        assert_eq!(r.status, want, "{role} roster import: {}", r.text());
    }
    for (role, visible) in ROLES.iter().zip([4, 4, 4, 2, 1, 1, 1, 4]) {
        let r = app.call(&tokens[role], "GET", "/api/v1/persons", None).await.json();
        assert_eq!(r["total"], visible, "{role} sees {visible}: {r}");
    }
}

/// The case-work, list, recovery, report and archive endpoints (R2.3): what
/// each role may do. Requests that a role may make carry input that is
/// refused (422) or names nothing (404), so the matrix changes no state.
#[tokio::test]
async fn r2_3_case_work_endpoints_by_role() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let tokens = sessions(&app, &city).await;
    let bad_month = json!({ "district": "650102", "month": "someday" });
    let visit = json!({ "person_id": "p-none", "reason": "illness", "address": "某路1号", "phone": "13800000000", "channel": "phone" });
    let objection = json!({ "person_id": "p-none", "benefit_id": "b-none", "text": "有异议", "channel": "window" });
    let certification = json!({ "person_id": "p-none", "channel": "window", "files": [zige_tests::photo()] });
    let opening = json!({ "benefit_id": "b-none", "loss": { "type": "death", "details": { "source": "other" } }, "loss_date": "2026-01-01", "note": "x" });
    let matrix: Vec<(&str, &str, Option<serde_json::Value>, [u16; 8])> = vec![
        ("/api/v1/lists/to_verify", "GET", None, [200; 8]),
        ("/api/v1/dashboard", "GET", None, [200; 8]),
        ("/api/v1/ledgers/verification", "GET", None, [200; 8]),
        ("/api/v1/ledgers/service", "GET", None, [200; 8]),
        ("/api/v1/ledgers/register", "GET", None, [200; 8]),
        ("/api/v1/tasks", "GET", None, [200, 200, 200, 200, 200, 200, 200, 403]),
        ("/api/v1/home-visits", "GET", None, [200, 200, 200, 200, 200, 200, 200, 403]),
        ("/api/v1/home-visits", "POST", Some(visit), [404, 404, 404, 404, 404, 404, 404, 403]),
        ("/api/v1/objections", "POST", Some(objection), [404, 404, 404, 404, 404, 404, 404, 403]),
        ("/api/v1/certifications", "POST", Some(certification), [404, 404, 404, 404, 404, 404, 404, 403]),
        ("/api/v1/decisions", "GET", None, [200, 200, 200, 403, 403, 403, 403, 403]),
        ("/api/v1/tasks/dispatch", "POST", Some(json!({ "deadline": "x" })), [422, 422, 422, 403, 403, 403, 403, 403]),
        ("/api/v1/benefits/b-none/termination", "POST", Some(json!({ "note": "x" })), [404, 404, 403, 403, 403, 403, 403, 403]),
        ("/api/v1/benefits/b-none/reinstatement", "POST", Some(json!({ "note": "x" })), [404, 404, 403, 403, 403, 403, 403, 403]),
        ("/api/v1/recoveries", "GET", None, [200, 200, 200, 200, 403, 403, 200, 403]),
        ("/api/v1/recoveries", "POST", Some(opening), [404, 404, 403, 403, 403, 403, 403, 403]),
        ("/api/v1/reports", "GET", None, [403, 200, 403, 403, 403, 403, 403, 403]),
        ("/api/v1/archives", "GET", None, [200, 200, 200, 200, 403, 403, 403, 200]),
        ("/api/v1/archives/completeness", "GET", None, [200, 200, 200, 200, 403, 403, 403, 200]),
        ("/api/v1/archives", "POST", Some(bad_month), [422, 422, 422, 422, 403, 403, 403, 403]),
        ("/api/v1/payroll/instructions?after=0", "GET", None, [200, 403, 403, 403, 403, 403, 403, 403]),
    ];
    for (path, method, body, expected) in &matrix {
        for (role, want) in ROLES.iter().zip(expected) {
            let r = app.call(&tokens[role], method, path, body.as_ref()).await;
            assert_eq!(r.status, *want, "{role} {method} {path}: {}", r.text());
        }
    }
    // Each scope sees only its own: the district sees 天山区's two, the
    // community its one resident, the employer its one retiree.
    for (role, visible) in ROLES.iter().zip([4, 4, 4, 2, 1, 1, 1, 4]) {
        let r = app.call(&tokens[role], "GET", "/api/v1/dashboard", None).await.json();
        assert_eq!(r["benefits"], visible, "{role}: {r}");
    }
}
