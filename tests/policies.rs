//! Cycle policies as data (R4.2): set by the city with an effective date,
//! previewed per district, kept as history; birthday-month cycles; and what
//! a person far behind is told about their cycle (R4).

use chrono::Datelike;
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

/// The first day of the quarter after the one containing `day`.
fn next_quarter(day: chrono::NaiveDate) -> chrono::NaiveDate {
    let start = chrono::NaiveDate::from_ymd_opt(day.year(), (day.month() - 1) / 3 * 3 + 1, 1).unwrap();
    start + chrono::Months::new(3)
}

/// The last day of the month `months` after the month of `day`.
fn month_end_after(day: chrono::NaiveDate, months: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(day.year(), day.month(), 1).unwrap() + chrono::Months::new(months + 1) - chrono::Duration::days(1)
}

#[tokio::test]
async fn r4_2_the_city_sets_a_cycle_from_a_date_after_a_preview_and_what_applied_before_stays() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    // An unemployment recipient (monthly by default) certified today; the
    // city moves unemployment benefit to quarterly from the next quarter.
    let (certified, from) = (today(), next_quarter(today()));
    let jobless = id_number("65010219800101555");
    let csv = format!("{ROSTER_HEADER}\n{jobless},古丽,unemployment,1800,2020-10-10,650102,domestic,,socialised,,,{certified},,\n");
    assert_eq!(app.upload(&city.admin, "/api/v1/roster/imports", "text/csv", csv).await.json()["created"], 1);
    let monthly = in_force(&app, &city.admin, "unemployment", &today().to_string()).await;
    assert_eq!((monthly["policy"]["period"]["unit"].as_str(), monthly["source"]["kind"].as_str()), (Some("month"), Some("default")));

    // Bad proposals change nothing: a past date, a birthday cycle that is not
    // yearly, an unknown benefit, and a clerk without the permission.
    let calendar_mode = json!({ "mode": "calendar", "collection_window": null });
    let quarterly = proposal("unemployment", &from.to_string(), json!({ "unit": "quarter" }), calendar_mode, 15);
    let mut past = quarterly.clone();
    past["effective_from"] = json!(today().pred_opt().unwrap().to_string());
    let refusals = [
        (past, "effective_from"),
        (proposal("unemployment", &from.to_string(), json!({ "unit": "quarter" }), json!({ "mode": "birthday_month" }), 15), "policy"),
        (proposal("养老", &from.to_string(), json!({ "unit": "year" }), json!({ "mode": "rolling" }), 15), "benefit_type"),
    ];
    for (body, field) in refusals {
        let r = app.call(&city.admin, "POST", "/api/v1/policies", Some(&body)).await;
        assert_eq!((r.status, r.json()["field"].as_str()), (422, Some(field)), "{}", r.text());
    }
    let clerk = app.staff_session(&city.admin, "policy-clerk", "district", "650102").await;
    assert_eq!(app.call(&clerk, "POST", "/api/v1/policies", Some(&quarterly)).await.status, 403);
    let stored = |app: &TestApp| app.database().query_row("SELECT COUNT(*) FROM cycle_policies", [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(stored(&app), 0);

    // The preview on the effective date. Monthly, the month after today's
    // is due on it, or has passed (in grace, or lapsed) when today is earlier
    // in its quarter; quarterly, the new quarter is simply due.
    let preview = app.call(&city.admin, "POST", "/api/v1/policies/preview", Some(&quarterly)).await;
    assert_eq!(preview.status, 200, "{}", preview.text());
    let district = preview.json()["districts"].as_array().unwrap().iter().find(|d| d["insured_district"] == "650102").unwrap().clone();
    let monthly_then = match (certified.month() - 1) % 3 {
        2 => json!({ "due": 1, "overdue": 0, "lapsed": 0 }),
        1 => json!({ "due": 0, "overdue": 1, "lapsed": 0 }),
        _ => json!({ "due": 0, "overdue": 0, "lapsed": 1 }),
    };
    assert_eq!(district["current"], monthly_then, "{district}");
    assert_eq!(district["proposed"], json!({ "due": 1, "overdue": 0, "lapsed": 0 }), "{district}");
    assert_eq!(stored(&app), 0, "a preview stores nothing");

    let set = app.call(&city.admin, "POST", "/api/v1/policies", Some(&quarterly)).await;
    assert_eq!(set.status, 201, "{}", set.text());
    // What applied before the effective date is still answerable.
    let day_before = from.pred_opt().unwrap();
    assert_eq!(in_force(&app, &city.admin, "unemployment", &day_before.to_string()).await["policy"]["period"]["unit"], "month");
    let after = in_force(&app, &city.admin, "unemployment", &from.to_string()).await;
    assert_eq!(after["policy"]["period"]["unit"], "quarter");
    assert_eq!(after["source"], json!({ "kind": "version", "effective_from": from }));
    let history = app.call(&clerk, "GET", "/api/v1/policies", None).await.json();
    assert_eq!(history["versions"][0]["set_by"], set.json()["set_by"], "every version is kept with who set it: {history}");
    assert_eq!(
        app.database().query_row("SELECT COUNT(*) FROM audit_log WHERE action = 'policy.set'", [], |r| r.get::<_, i64>(0)).unwrap(),
        1
    );

    // The sweep uses the rule in force on its day.
    let due = |app: &TestApp| {
        app.database()
            .query_row("SELECT cycle_due FROM benefits WHERE benefit_type = 'unemployment'", [], |r| r.get::<_, String>(0))
            .unwrap()
    };
    app.tick_until_done(&day_before.to_string()).await;
    assert_eq!(due(&app), month_end_after(certified, 1).to_string(), "monthly before the change");
    app.tick_until_done(&(from + chrono::Duration::days(4)).to_string()).await;
    assert_eq!(due(&app), month_end_after(from, 2).to_string(), "quarterly from the effective date");
}

#[tokio::test]
async fn r4_2_birthday_month_cycles_follow_each_persons_birthday() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    // Born in this month, certified today.
    let born = id_number(&format!("6501021950{:02}15777", today().month()));
    let csv = format!("{ROSTER_HEADER}\n{born},买买提,employee_pension,3000,2010-01-01,650102,domestic,,socialised,,,{},,\n", today());
    assert_eq!(app.upload(&city.admin, "/api/v1/roster/imports", "text/csv", csv).await.json()["created"], 1);
    let birthday = proposal("employee_pension", &today().to_string(), json!({ "unit": "year" }), json!({ "mode": "birthday_month" }), 30);
    assert_eq!(app.call(&city.admin, "POST", "/api/v1/policies", Some(&birthday)).await.status, 201);
    let token = app.recipient(&born).await;
    let status = app.call(&token, "GET", "/api/v1/me/status", None).await.json();
    let benefit = &status["benefits"][0];
    let month_start = chrono::NaiveDate::from_ymd_opt(today().year(), today().month(), 1).unwrap();
    assert_eq!(benefit["cycle"]["status"], "certified", "{benefit}");
    assert_eq!(benefit["cycle"]["start"], month_start.to_string(), "the window opens in the birthday month: {benefit}");
    assert_eq!(benefit["cycle"]["due"], month_end_after(month_start, 0).to_string());
    assert_eq!(benefit["next_due"], month_end_after(month_start, 12).to_string(), "next in the birthday month a year on: {benefit}");
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

#[tokio::test]
async fn r4_2_the_unemployment_assumption_is_a_variable() {
    let mut variables = zige_tests::test_variables();
    variables.push(("unemployment_cycle".into(), "quarter".into()));
    let app = zige_tests::spawn(&zige_tests::zige_manifest(), zige_tests::Spawn { variables, ..Default::default() }).await;
    let city = seed_city(&app).await;
    let jobless = id_number("65010219800101556");
    let csv = format!("{ROSTER_HEADER}\n{jobless},古丽,unemployment,1800,2020-10-10,650102,domestic,,socialised,,,{},,\n", today());
    assert_eq!(app.upload(&city.admin, "/api/v1/roster/imports", "text/csv", csv).await.json()["created"], 1);
    let policy = in_force(&app, &city.admin, "unemployment", &today().to_string()).await;
    assert_eq!((policy["policy"]["period"]["unit"].as_str(), policy["policy"]["grace_days"].as_i64()), (Some("quarter"), Some(15)));
    // Certified today: this quarter is covered, the next is due at its end.
    let token = app.recipient(&jobless).await;
    let status = app.call(&token, "GET", "/api/v1/me/status", None).await.json();
    assert_eq!(status["benefits"][0]["cycle"]["status"], "certified", "{status}");
    assert_eq!(status["benefits"][0]["next_due"], month_end_after(next_quarter(today()), 2).to_string(), "{status}");
}
