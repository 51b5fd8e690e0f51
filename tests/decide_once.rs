//! Decide once (R3–R7, R9.3): the money and payment outcomes every path
//! reaches through the domain's one decision. Payment stops first, the
//! recovery follows the records whatever the payment state, a recovery
//! whose basis falls away is withdrawn, and a loss of one benefit is lifted
//! only by a decision about that benefit.

use chrono::{Datelike, NaiveDate};
use serde_json::{Value, json};
use zige_tests::{City, ROSTER_HEADER, TestApp, id_number, photo, register_two_benefits, seed_city, spawn_app};

fn today() -> NaiveDate {
    zige_domain::china_date(chrono::Utc::now())
}

/// Months from the month after `loss` through this month: what was paid
/// after a loss while the benefit was paid.
fn months_after(loss: NaiveDate, through: NaiveDate) -> i64 {
    i64::from((through.year() * 12 + through.month() as i32) - (loss.year() * 12 + loss.month() as i32))
}

fn d(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

const EVENTS: [&str; 4] = ["monitoring_flag", "death", "retraction", "remarriage"];

/// Sends partner records as an import, `rows` in the columns
/// `event_id,type,id_number,occurred_on,source,flag,retracts`.
async fn records(app: &TestApp, city: &City, rows: &[String]) {
    let partner = json!({ "partner_id": "national", "name": "全国联网监测", "kind": "national_monitoring", "event_types": EVENTS });
    let _ = app.call(&city.admin, "POST", "/api/v1/partners", Some(&partner)).await;
    let file = format!("event_id,type,id_number,occurred_on,source,flag,retracts\n{}\n", rows.join("\n"));
    let r = app.upload(&city.admin, "/api/v1/datashare/imports?partner_id=national", "text/csv", file).await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["counts"]["applied"], rows.len(), "{}", r.text());
}

async fn cases(app: &TestApp, token: &str, status: &str) -> Vec<Value> {
    let list = app.call(token, "GET", &format!("/api/v1/recoveries?status={status}"), None).await;
    assert_eq!(list.status, 200, "{}", list.text());
    list.json()["items"].as_array().unwrap().clone()
}

async fn dossier(app: &TestApp, city: &City, person: &str) -> Value {
    app.call(&city.admin, "GET", &format!("/api/v1/persons/{person}"), None).await.json()
}

fn payroll_actions(app: &TestApp) -> Vec<String> {
    let db = app.database();
    let mut statement = db.prepare("SELECT action FROM payroll_instructions ORDER BY seq").unwrap();
    statement.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

/// 先停、再查、后追 (R5.2, R7.3): a person flagged by national monitoring is
/// suspended at once; when the death is confirmed later, dated months
/// back, what was paid after the month of death up to the suspension is
/// recovered, although the benefit was no longer paid when the death
/// arrived.
#[tokio::test]
async fn r5_2_r7_3_a_death_confirmed_after_a_monitoring_flag_opens_the_recovery() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let ts = city.ids["ts_local"].clone();
    records(&app, &city, &[format!("f1,monitoring_flag,{ts},{},,death_fraud,", today())]).await;
    let person = city.person_id(&app, "ts_local").await;
    assert_eq!(dossier(&app, &city, &person).await["benefits"][0]["payment_status"], "suspended", "stopped first");
    assert!(cases(&app, &city.admin, "open").await.is_empty(), "a flag proves no loss: nothing to recover yet");

    let died = d("2026-06-10");
    records(&app, &city, &[format!("d1,death,{ts},{died},household_cancellation,,")]).await;
    let open = cases(&app, &city.admin, "open").await;
    assert_eq!(open.len(), 1, "the death opens the recovery: {open:?}");
    assert_eq!(open[0]["amount_fen"], months_after(died, today()) * 320_050, "July through the month payment stopped");
    assert_eq!(payroll_actions(&app), ["suspend"], "stopped once");
}

/// R5.6, R7.3: a death reported by a relative stops payment and opens the
/// recovery of what was paid after it; the agency can open a recovery by
/// hand for a loss it found itself.
#[tokio::test]
async fn r5_6_r7_3_a_relative_s_report_and_the_agency_by_hand_open_recoveries() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let relative = zige_tests::registered_relative(&app, &city, "sy_local", &id_number("65010319800101999")).await;
    let died = d("2026-10-01");
    let report = json!({ "id_number": city.ids["sy_local"], "date_of_death": died, "relation": "child" });
    let r = app.call(&relative, "POST", "/api/v1/death-reports", Some(&report)).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let open = cases(&app, &city.admin, "open").await;
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["amount_fen"], months_after(died, today()) * 18_000);

    let acme = city.person_id(&app, "acme").await;
    let benefit = dossier(&app, &city, &acme).await["benefits"][0]["benefit_id"].as_str().unwrap().to_string();
    let lost = d("2026-09-15");
    let opening = json!({
        "benefit_id": benefit, "loss": { "type": "death", "details": { "source": "unit_or_community" } },
        "loss_date": lost, "note": "单位来函告知，本人已于9月去世",
    });
    let district = app.staff_session(&city.admin, "ts-district", "district", "650102").await;
    assert_eq!(app.call(&district, "POST", "/api/v1/recoveries", Some(&opening)).await.status, 403, "R7.3: the agency decides");
    let agency = app.staff_session(&city.admin, "si-clerk", "city_social_insurance", "city-si").await;
    let mut too_late = opening.clone();
    too_late["loss_date"] = json!(today() + chrono::Duration::days(3));
    let refused = app.call(&agency, "POST", "/api/v1/recoveries", Some(&too_late)).await;
    assert_eq!((refused.status, refused.json()["field"].clone()), (422, json!("loss_date")), "{}", refused.text());
    let opened = app.call(&agency, "POST", "/api/v1/recoveries", Some(&opening)).await;
    assert_eq!(opened.status, 201, "{}", opened.text());
    assert_eq!(opened.json()["suspended"], json!([benefit]), "payment stops with the decision");
    let id = opened.json()["recovery_ids"][0].as_str().unwrap().to_string();
    let case = app.call(&agency, "GET", &format!("/api/v1/recoveries/{id}"), None).await.json();
    assert_eq!(case["amount_fen"], months_after(lost, today()) * 510_000, "{case}");
    let again = app.call(&agency, "POST", "/api/v1/recoveries", Some(&opening)).await;
    assert_eq!(again.status, 422, "one case per benefit: {}", again.text());
}

/// R7.3: a recovery opened on a death record is withdrawn, kept with why,
/// when the death is retracted; what was recovered is paid back through
/// the payroll, the person is told, and the case takes no more payments.
#[tokio::test]
async fn r7_3_a_retracted_death_withdraws_its_recovery() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let ts = city.ids["ts_local"].clone();
    records(&app, &city, &[format!("d1,death,{ts},2026-08-10,household_cancellation,,")]).await;
    let district = app.staff_session(&city.admin, "ts-district", "district", "650102").await;
    let id = cases(&app, &district, "open").await[0]["recovery_id"].as_str().unwrap().to_string();
    let paid = json!({ "amount_fen": 10_000, "paid_on": today() });
    assert_eq!(app.call(&district, "POST", &format!("/api/v1/recoveries/{id}/payments"), Some(&paid)).await.status, 201);

    records(&app, &city, &[format!("r1,retraction,{ts},{},,,d1", today())]).await;
    assert!(cases(&app, &district, "open").await.is_empty());
    let withdrawn = cases(&app, &district, "withdrawn").await;
    assert_eq!(withdrawn.len(), 1);
    assert_eq!(withdrawn[0]["withdrawn_on"], today().to_string());
    assert!(withdrawn[0]["withdrawn_reason"].as_str().unwrap().contains("撤回"), "{withdrawn:?}");
    let feed = app
        .call(
            &app.staff_session(&city.admin, "payroll", "integration", "city-si").await,
            "GET",
            "/api/v1/payroll/instructions?after=0",
            None,
        )
        .await;
    let last = feed.json()["items"].as_array().unwrap().last().cloned().unwrap();
    assert_eq!((last["action"].clone(), last["amount_fen"].clone()), (json!("recovery_withdrawn"), json!(10_000)), "{last}");
    let told: i64 =
        app.database().query_row("SELECT COUNT(*) FROM outbox WHERE key = ?1", [format!("withdrawn:{id}")], |r| r.get(0)).unwrap();
    assert_eq!(told, 1, "the person is told");
    let more = app.call(&district, "POST", &format!("/api/v1/recoveries/{id}/payments"), Some(&paid)).await;
    assert_eq!(more.status, 409, "{}", more.text());
}

/// R7.2, R7.3: a death disproved by the field (the person found alive and
/// the city confirming) restores payment with back-pay and withdraws the
/// recovery.
#[tokio::test]
async fn r7_3_a_death_disproved_in_the_field_withdraws_its_recovery() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let sy = city.ids["sy_local"].clone();
    records(&app, &city, &[format!("d1,death,{sy},2026-07-01,household_cancellation,,")]).await;
    assert_eq!(cases(&app, &city.admin, "open").await.len(), 1);
    let clerk = app.staff_session(&city.admin, "city-clerk", "city_retiree", "city-retiree").await;
    let tasks = app.call(&clerk, "GET", "/api/v1/tasks?kind=verify_loss", None).await.json();
    let task = tasks["items"][0]["task_id"].as_str().unwrap().to_string();
    let outcome = json!({ "outcome": "eligible", "channel": "window", "note": "本人到窗口，户籍注销系误录", "files": [photo()] });
    let r = app.call(&clerk, "POST", &format!("/api/v1/tasks/{task}/outcome"), Some(&outcome)).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let person = city.person_id(&app, "sy_local").await;
    assert_eq!(dossier(&app, &city, &person).await["benefits"][0]["payment_status"], "restored");
    assert!(cases(&app, &city.admin, "open").await.is_empty());
    assert_eq!(cases(&app, &city.admin, "withdrawn").await.len(), 1);
    let actions = payroll_actions(&app);
    assert_eq!(actions[..2], ["suspend", "resume"], "{actions:?}");
    assert!(actions.contains(&"recovery_withdrawn".to_string()), "{actions:?}");
}

/// R1.3, R5.7: a dependant's remarriage stops that benefit alone; a
/// person-wide "eligible" from the field does not lift it, and only a
/// decision about that benefit resumes it.
#[tokio::test]
async fn r1_3_r5_7_a_loss_of_one_benefit_is_lifted_only_by_a_decision_about_it() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let (id, person) = register_two_benefits(&app, &city).await;
    records(&app, &city, &[format!("m1,remarriage,{id},2026-11-01,,,")]).await;
    let states = |dossier: &Value| -> Vec<(String, String)> {
        dossier["benefits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| (b["benefit_type"].as_str().unwrap().to_string(), b["payment_status"].as_str().unwrap().to_string()))
            .collect()
    };
    let before = dossier(&app, &city, &person).await;
    assert_eq!(states(&before), [("employee_pension".into(), "active".into()), ("work_injury_dependant".into(), "suspended".into())]);
    let dependant = before["benefits"][1]["benefit_id"].as_str().unwrap().to_string();

    let clerk = app.staff_session(&city.admin, "city-clerk", "city_retiree", "city-retiree").await;
    let task =
        app.call(&clerk, "GET", "/api/v1/tasks?kind=verify_loss", None).await.json()["items"][0]["task_id"].as_str().unwrap().to_string();
    let alive = json!({ "outcome": "eligible", "channel": "home_visit", "note": "本人健在", "files": [photo()] });
    assert_eq!(app.call(&clerk, "POST", &format!("/api/v1/tasks/{task}/outcome"), Some(&alive)).await.status, 201);
    let after = dossier(&app, &city, &person).await;
    assert_eq!(states(&after)[1].1, "suspended", "alive is not 'not remarried': {after}");

    let recipient = app.recipient(&id).await;
    let objection = json!({ "benefit_id": dependant, "text": "我没有再婚，民政记录有误。" });
    assert_eq!(app.call(&recipient, "POST", "/api/v1/me/objections", Some(&objection)).await.status, 201);
    let task = app.call(&clerk, "GET", "/api/v1/tasks?kind=reverify_objection", None).await.json()["items"][0]["task_id"]
        .as_str()
        .unwrap()
        .to_string();
    let other = json!({ "outcome": "eligible", "channel": "window", "benefit_id": "b_nobody", "files": [photo()] });
    assert_eq!(app.call(&clerk, "POST", &format!("/api/v1/tasks/{task}/outcome"), Some(&other)).await.status, 422);
    let entitled = json!({ "outcome": "eligible", "channel": "window", "benefit_id": dependant, "note": "婚姻登记系统核实未再婚", "files": [photo()] });
    let r = app.call(&clerk, "POST", &format!("/api/v1/tasks/{task}/outcome"), Some(&entitled)).await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(states(&dossier(&app, &city, &person).await)[1].1, "restored");
}

/// R7.3: a benefit's overpayment never counts months before the benefit
/// began, however old the loss date a record carries.
#[tokio::test]
async fn r7_3_an_old_loss_date_recovers_only_what_was_paid() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let id = id_number("65010219580808008");
    let start = d("2026-06-01");
    let row = format!("{id},孙八,employee_pension,1000,{start},650102,local,ts-c1,socialised,,,,,");
    assert_eq!(app.upload(&city.admin, "/api/v1/roster/imports", "text/csv", format!("{ROSTER_HEADER}\n{row}\n")).await.status, 200);
    records(&app, &city, &[format!("d1,death,{id},2016-03-05,household_cancellation,,")]).await;
    let open = cases(&app, &city.admin, "open").await;
    assert_eq!(open[0]["amount_fen"], (months_after(start, today()) + 1) * 100_000, "June through this month, not since 2016");
}

/// R7.5, R7.6: one rule for a missed instalment, the domain's: an
/// instalment not covered by what was paid by its due date is missed, even
/// when the money came later.
#[tokio::test]
async fn r7_5_an_instalment_paid_after_its_due_date_was_missed() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let ts = city.ids["ts_local"].clone();
    records(&app, &city, &[format!("d1,death,{ts},2026-08-10,household_cancellation,,")]).await;
    let agency = app.staff_session(&city.admin, "si-clerk", "city_social_insurance", "city-si").await;
    let id = cases(&app, &agency, "open").await[0]["recovery_id"].as_str().unwrap().to_string();
    let first_due = today() + chrono::Duration::days(10);
    let plan = app
        .call(&agency, "POST", &format!("/api/v1/recoveries/{id}/instalments"), Some(&json!({ "count": 2, "first_due": first_due })))
        .await;
    assert_eq!(plan.status, 201, "{}", plan.text());
    let first = plan.json()["instalments"][0]["amount_fen"].as_i64().unwrap();
    let paid = json!({ "amount_fen": first, "paid_on": today() });
    assert_eq!(app.call(&agency, "POST", &format!("/api/v1/recoveries/{id}/payments"), Some(&paid)).await.status, 201);
    // The money came five days late (the clock cannot run ahead in a test).
    let late = (first_due + chrono::Duration::days(5)).to_string();
    app.database().execute("UPDATE recovery_payments SET paid_on = ?1", [&late]).unwrap();
    app.tick_until_done(&(first_due + chrono::Duration::days(6)).to_string()).await;
    let case = app.call(&agency, "GET", &format!("/api/v1/recoveries/{id}"), None).await.json();
    assert_eq!(case["instalments"][0]["missed_on"], (first_due + chrono::Duration::days(6)).to_string(), "{case}");
}

/// R7.2: an objection and the termination sweep on the day the three
/// months end cannot overwrite each other: either the objection stopped
/// the clock, or the benefit was terminated and the objection refused.
#[tokio::test]
async fn r7_2_an_objection_and_the_termination_on_the_last_day_do_not_overwrite_each_other() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let relative = zige_tests::registered_relative(&app, &city, "sy_local", &id_number("65010319800101999")).await;
    let report = json!({ "id_number": city.ids["sy_local"], "date_of_death": today(), "relation": "child" });
    assert_eq!(app.call(&relative, "POST", "/api/v1/death-reports", Some(&report)).await.status, 201);
    let person = city.person_id(&app, "sy_local").await;
    let since = today().checked_sub_months(chrono::Months::new(3)).unwrap();
    app.database().execute("UPDATE benefits SET payment_since = ?1 WHERE person_id = ?2", [since.to_string(), person.clone()]).unwrap();
    let recipient = app.recipient(&city.ids["sy_local"]).await;
    let benefit = dossier(&app, &city, &person).await["benefits"][0]["benefit_id"].as_str().unwrap().to_string();
    let objection = json!({ "benefit_id": benefit, "text": "我还健在。" });
    let as_of = today().to_string();
    let (objected, _) = tokio::join!(app.call(&recipient, "POST", "/api/v1/me/objections", Some(&objection)), app.tick_until_done(&as_of));
    let benefit = dossier(&app, &city, &person).await["benefits"][0].clone();
    let terminated = payroll_actions(&app).contains(&"terminate".to_string());
    match objected.status {
        201 => assert_eq!((benefit["payment_status"].as_str(), terminated), (Some("suspended"), false), "{benefit}"),
        422 => assert_eq!((benefit["payment_status"].as_str(), terminated), (Some("terminated"), true), "{benefit}"),
        other => panic!("{other}: {}", objected.text()),
    }
}

/// R7.1, kept from the model check: a district's "unreachable" waits for
/// the city; the city then verifies the person itself and restores payment.
/// Months later the district's outcome must not come into force at its
/// three-working-day deadline and stop payment again: it was superseded.
#[tokio::test]
async fn r7_1_an_outcome_the_city_overtook_never_comes_into_force() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let sy = city.ids["sy_local"].clone();
    records(&app, &city, &[format!("d1,death,{sy},{},household_cancellation,,", today())]).await;
    let district = app.staff_session(&city.admin, "sy-district", "district", "650103").await;
    let task = app.call(&district, "GET", "/api/v1/tasks?kind=verify_loss", None).await.json()["items"][0]["task_id"]
        .as_str()
        .unwrap()
        .to_string();
    let unreachable = json!({ "outcome": "unreachable", "channel": "home_visit" });
    let r = app.call(&district, "POST", &format!("/api/v1/tasks/{task}/outcome"), Some(&unreachable)).await;
    assert_eq!(r.json()["pending_review"], true, "{}", r.text());
    let recipient = app.recipient(&sy).await;
    let person = city.person_id(&app, "sy_local").await;
    let benefit = dossier(&app, &city, &person).await["benefits"][0]["benefit_id"].as_str().unwrap().to_string();
    let objection = json!({ "benefit_id": benefit, "text": "我还健在。" });
    assert_eq!(app.call(&recipient, "POST", "/api/v1/me/objections", Some(&objection)).await.status, 201);
    let clerk = app.staff_session(&city.admin, "city-clerk", "city_retiree", "city-retiree").await;
    let task = app.call(&clerk, "GET", "/api/v1/tasks?kind=reverify_objection", None).await.json()["items"][0]["task_id"]
        .as_str()
        .unwrap()
        .to_string();
    let alive = json!({ "outcome": "eligible", "channel": "window", "files": [photo()] });
    assert_eq!(app.call(&clerk, "POST", &format!("/api/v1/tasks/{task}/outcome"), Some(&alive)).await.status, 201);
    assert_eq!(dossier(&app, &city, &person).await["benefits"][0]["payment_status"], "restored");
    app.tick_until_done(&(today() + chrono::Duration::days(100)).to_string()).await;
    assert_eq!(dossier(&app, &city, &person).await["benefits"][0]["payment_status"], "restored", "not stopped again");
    let review: String =
        app.database().query_row("SELECT review FROM decisions WHERE outcome LIKE '%unreachable%'", [], |r| r.get(0)).unwrap();
    assert_eq!(review, "superseded");
}
