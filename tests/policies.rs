//! Cycle policies as data (R4.2): set by the city with an effective date,
//! previewed per district, kept as history; birthday-month cycles; and what
//! a person far behind is told about their cycle (R4).

use serde_json::{Value, json};
use zige_tests::{ROSTER_HEADER, TestApp, id_number, seed_city, spawn_app};

fn today() -> chrono::NaiveDate {
    zige_domain::china_date(chrono::Utc::now())
}

/// A proposal for `benefit` from `from`.
fn proposal(benefit: &str, from: &str, period: Value, mode: Value, grace: u16) -> Value {
    json!({ "benefit_type": benefit, "effective_from": from, "period": period, "mode": mode, "grace_days": grace,
            "reminder_days_before_due": [14, 0], "note": "试行" })
}

async fn in_force(app: &TestApp, token: &str, benefit: &str, on: &str) -> Value {
    let all = app.call(token, "GET", &format!("/api/v1/policies?on={on}"), None).await.json();
    all["in_force"].as_array().unwrap().iter().find(|p| p["benefit_type"] == benefit).unwrap().clone()
}

#[tokio::test]
async fn r4_2_the_city_sets_a_cycle_from_a_date_after_a_preview_and_what_applied_before_stays() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    // An unemployment recipient (monthly by default) certified in November.
    let jobless = id_number("65010219800101555");
    let csv = format!("{ROSTER_HEADER}\n{jobless},古丽,unemployment,1800,2026-10-10,650102,domestic,,socialised,,,2026-11-05,,\n");
    assert_eq!(app.upload(&city.admin, "/api/v1/roster/imports", "text/csv", csv).await.json()["created"], 1);
    let monthly = in_force(&app, &city.admin, "unemployment", &today().to_string()).await;
    assert_eq!((monthly["policy"]["period"]["unit"].as_str(), monthly["source"]["kind"].as_str()), (Some("month"), Some("default")));

    // Bad proposals change nothing: a past date, a birthday cycle that is not
    // yearly, an unknown benefit, and a clerk without the permission.
    let quarterly =
        proposal("unemployment", "2027-01-01", json!({ "unit": "quarter" }), json!({ "mode": "calendar", "collection_window": null }), 15);
    let yesterday = today().pred_opt().unwrap().to_string();
    let mut past = quarterly.clone();
    past["effective_from"] = json!(yesterday);
    let refusals = [
        (past, 422, "effective_from"),
        (proposal("unemployment", "2027-01-01", json!({ "unit": "quarter" }), json!({ "mode": "birthday_month" }), 15), 422, "policy"),
        (proposal("养老", "2027-01-01", json!({ "unit": "year" }), json!({ "mode": "rolling" }), 15), 422, "benefit_type"),
    ];
    for (body, status, field) in refusals {
        let r = app.call(&city.admin, "POST", "/api/v1/policies", Some(&body)).await;
        assert_eq!((r.status, r.json()["field"].as_str()), (status, Some(field)), "{}", r.text());
    }
    let clerk = app.staff_session(&city.admin, "policy-clerk", "district", "650102").await;
    assert_eq!(app.call(&clerk, "POST", "/api/v1/policies", Some(&quarterly)).await.status, 403);
    assert_eq!(app.database().query_row("SELECT COUNT(*) FROM cycle_policies", [], |r| r.get::<_, i64>(0)).unwrap(), 0);

    // The preview on 2027-01-01: monthly, December has passed unconfirmed
    // (overdue, in grace); quarterly, the first quarter is simply due.
    let preview = app.call(&city.admin, "POST", "/api/v1/policies/preview", Some(&quarterly)).await;
    assert_eq!(preview.status, 200, "{}", preview.text());
    let district = preview.json()["districts"].as_array().unwrap().iter().find(|d| d["insured_district"] == "650102").unwrap().clone();
    assert_eq!(district["current"], json!({ "due": 0, "overdue": 1, "lapsed": 0 }), "{district}");
    assert_eq!(district["proposed"], json!({ "due": 1, "overdue": 0, "lapsed": 0 }), "{district}");
    assert_eq!(
        app.database().query_row("SELECT COUNT(*) FROM cycle_policies", [], |r| r.get::<_, i64>(0)).unwrap(),
        0,
        "a preview stores nothing"
    );

    let set = app.call(&city.admin, "POST", "/api/v1/policies", Some(&quarterly)).await;
    assert_eq!(set.status, 201, "{}", set.text());
    // What applied before the effective date is still answerable.
    assert_eq!(in_force(&app, &city.admin, "unemployment", "2026-12-31").await["policy"]["period"]["unit"], "month");
    let from_january = in_force(&app, &city.admin, "unemployment", "2027-01-02").await;
    assert_eq!(from_january["policy"]["period"]["unit"], "quarter");
    assert_eq!(from_january["source"], json!({ "kind": "version", "effective_from": "2027-01-01" }));
    let history = app.call(&clerk, "GET", "/api/v1/policies", None).await.json();
    assert_eq!(history["versions"][0]["set_by"], set.json()["set_by"], "every version is kept with who set it: {history}");
    assert_eq!(
        app.database().query_row("SELECT COUNT(*) FROM audit_log WHERE action = 'policy.set'", [], |r| r.get::<_, i64>(0)).unwrap(),
        1
    );

    // The sweep uses the rule in force on its day.
    let person = app
        .database()
        .query_row("SELECT person_id FROM benefits WHERE benefit_type = 'unemployment'", [], |r| r.get::<_, String>(0))
        .unwrap();
    let due = |app: &TestApp| {
        app.database()
            .query_row(&format!("SELECT cycle_due FROM benefits WHERE person_id = '{person}'"), [], |r| r.get::<_, String>(0))
            .unwrap()
    };
    app.tick_until_done("2026-12-20").await;
    assert_eq!(due(&app), "2026-12-31", "monthly in December");
    app.tick_until_done("2027-01-05").await;
    assert_eq!(due(&app), "2027-03-31", "quarterly from January");
}

#[tokio::test]
async fn r4_2_birthday_month_cycles_follow_each_persons_birthday() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let may = id_number("65010219500515777");
    let csv = format!("{ROSTER_HEADER}\n{may},买买提,employee_pension,3000,2010-01-01,650102,domestic,,socialised,,,2026-05-10,,\n");
    assert_eq!(app.upload(&city.admin, "/api/v1/roster/imports", "text/csv", csv).await.json()["created"], 1);
    let birthday = proposal("employee_pension", &today().to_string(), json!({ "unit": "year" }), json!({ "mode": "birthday_month" }), 30);
    assert_eq!(app.call(&city.admin, "POST", "/api/v1/policies", Some(&birthday)).await.status, 201);
    let token = app.recipient(&may).await;
    let status = app.call(&token, "GET", "/api/v1/me/status", None).await.json();
    let benefit = &status["benefits"][0];
    assert_eq!(benefit["cycle"]["status"], "certified", "{benefit}");
    assert_eq!((benefit["cycle"]["start"].as_str(), benefit["cycle"]["due"].as_str()), (Some("2026-05-01"), Some("2026-05-31")));
    assert_eq!(benefit["next_due"], "2027-05-31", "next in the birthday month: {benefit}");
}

#[tokio::test]
async fn r4_a_person_who_never_certified_is_told_the_current_cycle_and_since_when() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    // 李四: resident pension since 2015-07-01, never certified.
    let token = app.recipient(&city.ids["sy_local"]).await;
    let status = app.call(&token, "GET", "/api/v1/me/status", None).await.json();
    let benefit = &status["benefits"][0];
    let quarter_start =
        chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&today()), (chrono::Datelike::month(&today()) - 1) / 3 * 3 + 1, 1).unwrap();
    assert_eq!(benefit["cycle"]["start"], quarter_start.to_string(), "the cycle containing today, not 2015's: {benefit}");
    assert!(benefit["next_due"].as_str().unwrap() >= today().to_string().as_str(), "{benefit}");
    assert_eq!(benefit["overdue_since"], "2015-07-31", "due in the month the benefit began: {benefit}");
    assert_eq!(benefit["last_certified_on"], Value::Null);
    // Staff see the same in the dossier.
    let found = app.call(&city.admin, "GET", &format!("/api/v1/persons?q={}", city.ids["sy_local"]), None).await.json();
    let dossier =
        app.call(&city.admin, "GET", &format!("/api/v1/persons/{}", found["items"][0]["person_id"].as_str().unwrap()), None).await.json();
    let cycle = &dossier["benefits"][0]["cycle"];
    assert_eq!(
        (cycle["current"]["start"].as_str(), cycle["overdue_since"].as_str()),
        (Some(quarter_start.to_string().as_str()), Some("2015-07-31"))
    );
    assert_eq!(cycle["last_certified"], Value::Null);
}
