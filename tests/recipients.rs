//! Recipients' own pages: status with reasons and actions (R4, R5.4),
//! home-visit requests (R6.3), objections within three months (R7.2),
//! deaths reported by relatives (R5.6, 先停), and that nobody reaches
//! anyone else's data.

use serde_json::json;
use zige_tests::{City, TestApp, id_number, seed_city, spawn_app};

async fn report_death(app: &TestApp, city: &City, who: &str) -> serde_json::Value {
    let relative = zige_tests::registered_relative(app, city, who, &id_number("65010219750101999")).await;
    let body = json!({ "id_number": city.ids[who], "date_of_death": "2026-10-20", "relation": "spouse" });
    let r = app.call(&relative, "POST", "/api/v1/death-reports", Some(&body)).await;
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()
}

/// A recipient can log out, and the session ends on the server at once: a
/// borrowed phone does not stay signed in as the person.
#[tokio::test]
async fn a_recipient_logs_out_and_the_session_ends() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let token = app.recipient(&city.ids["ts_local"]).await;
    assert_eq!(app.call(&token, "GET", "/api/v1/me/status", None).await.status, 200);
    assert_eq!(app.call(&token, "DELETE", "/api/v1/sessions/current", None).await.status, 204);
    assert_eq!(app.call(&token, "GET", "/api/v1/me/status", None).await.status, 401);
    assert_eq!(app.call(&token, "DELETE", "/api/v1/sessions/current", None).await.status, 401);
    assert_eq!(app.request("GET", "/api/v1/sessions/current", &[], "").await.status, 405);
}

#[tokio::test]
async fn r5_4_status_explains_in_plain_words_with_requirement_ids() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let token = app.recipient(&city.ids["ts_local"]).await;
    let status = app.call(&token, "GET", "/api/v1/me/status", None).await.json();
    assert_eq!(status["person"]["name_masked"], "张*");
    assert!(status["person"]["id_number_masked"].as_str().unwrap().contains("****"));
    let benefit = &status["benefits"][0];
    for key in
        ["benefit_id", "benefit_type", "payment_status", "list", "cycle", "certified_on", "channel", "next_due", "reasons", "actions"]
    {
        assert!(benefit.get(key).is_some(), "{key} in {benefit}");
    }
    assert_eq!(benefit["payment_status"], "active");
    assert_eq!(benefit["cycle"]["start"], "2026-01-01");
    assert_eq!(benefit["cycle"]["end"], "2026-12-31");
    assert_eq!(benefit["next_due"], "2027-12-31", "certified in 2026: next due at the end of 2027");
    let reason = benefit["reasons"][0].as_str().unwrap();
    assert!(reason.contains("已认证") && reason.contains("R5.3"), "{reason}");
}

#[tokio::test]
async fn r6_3_home_visits_are_routed_with_a_five_working_day_deadline_and_merged() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let token = app.recipient(&city.ids["ts_local"]).await;
    let body = json!({ "reason": "very_old", "address": "天山区某路1号", "phone": "13800000001", "preferred_days": ["周一上午"] });
    let first = app.call(&token, "POST", "/api/v1/me/home-visits", Some(&body)).await;
    assert_eq!(first.status, 201, "{}", first.text());
    let first = first.json();
    assert_eq!(first["org_id"], "ts-c1", "R2.2: the community of residence");
    let calendar = zige_domain::WorkingCalendar::embedded();
    let today = zige_domain::china_date(chrono::Utc::now());
    assert_eq!(first["deadline"], calendar.add_working_days(today, 5).unwrap().to_string());
    let again = app
        .call(&token, "POST", "/api/v1/me/home-visits", Some(&json!({ "reason": "illness", "address": "新地址", "phone": "13800000001" })))
        .await;
    assert_eq!(
        (again.status, again.json()["home_visit_id"].clone()),
        (200, first["home_visit_id"].clone()),
        "merged into the open request"
    );
    let status = app.call(&token, "GET", "/api/v1/me/status", None).await.json();
    assert_eq!(status["home_visit"]["home_visit_id"], first["home_visit_id"]);
    let abroad = app.recipient(&city.ids["abroad"]).await;
    let routed = app.call(&abroad, "POST", "/api/v1/me/home-visits", Some(&body)).await.json();
    assert_eq!(routed["org_id"], "650102", "R2.2: living abroad, the district of insurance");
    let bad = [
        (json!({ "reason": "bored", "address": "x", "phone": "13800000001" }), "reason"),
        (json!({ "reason": "illness", "address": "", "phone": "13800000001" }), "address"),
        (json!({ "reason": "illness", "address": "x", "phone": "12" }), "phone"),
        (json!({ "reason": "illness", "address": "x" }), "phone"),
    ];
    for (body, field) in bad {
        let r = app.call(&token, "POST", "/api/v1/me/home-visits", Some(&body)).await;
        assert!(r.status == 400 || r.status == 422, "{body}");
        assert_eq!(r.json()["field"], field, "{body}");
    }
}

#[tokio::test]
async fn r5_6_a_relatives_death_report_suspends_every_benefit_at_once() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let report = report_death(&app, &city, "ts_local").await;
    assert_eq!(report["suspended"].as_array().unwrap().len(), 1);
    assert!(report["task_id"].as_str().unwrap().starts_with("t_"));
    let id = city.person_id(&app, "ts_local").await;
    let dossier = app.call(&city.admin, "GET", &format!("/api/v1/persons/{id}"), None).await.json();
    let benefit = &dossier["benefits"][0];
    assert_eq!(benefit["payment_status"], "suspended");
    assert_eq!(benefit["list"], "lost");
    assert_eq!(benefit["loss_date"], "2026-10-20");
    assert_eq!(dossier["evidence"].as_array().unwrap().last().unwrap()["code"], "death.family_report");
    let (org, kind): (String, String) =
        app.database().query_row("SELECT org_id, kind FROM tasks", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((org.as_str(), kind.as_str()), ("ts-c1", "verify_death_report"));
    let relative = app.recipient(&id_number("65010219750101999")).await;
    let cases = [
        (json!({ "id_number": "123", "date_of_death": "2026-10-20", "relation": "spouse" }), "id_number"),
        (json!({ "id_number": city.ids["sy_local"], "date_of_death": "2099-01-01", "relation": "spouse" }), "date_of_death"),
        (json!({ "id_number": city.ids["sy_local"], "date_of_death": "2026-10-20", "relation": "friend" }), "relation"),
        (json!({ "id_number": id_number("65010219750101999"), "date_of_death": "2026-10-20", "relation": "spouse" }), "id_number"),
    ];
    for (body, field) in cases {
        let r = app.call(&relative, "POST", "/api/v1/death-reports", Some(&body)).await;
        assert!((400..500).contains(&r.status), "{body}");
        assert_eq!(r.json()["field"], field, "{body}: {}", r.text());
    }
    let untouched = city.person_id(&app, "sy_local").await;
    let dossier = app.call(&city.admin, "GET", &format!("/api/v1/persons/{untouched}"), None).await.json();
    assert_eq!(dossier["benefits"][0]["payment_status"], "active", "bad reports change nothing");
}

/// R5.6: a death reported by someone who is not a registered relative
/// stops nothing on its own word: it opens an urgent verification while
/// payment goes on, unless the reporter gives the death or cremation
/// certificate number. The answer does not tell whether the ID number is a
/// recipient's, and a reporter makes at most three reports a day.
#[tokio::test]
async fn r5_6_a_stranger_s_death_report_stops_nothing_and_tells_nothing() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let stranger = app.recipient(&id_number("65010219800808888")).await;
    let report = |who: &str| json!({ "id_number": who, "date_of_death": "2026-10-20", "relation": "other" });
    let about_recipient = app.call(&stranger, "POST", "/api/v1/death-reports", Some(&report(&city.ids["ts_local"]))).await;
    assert_eq!(about_recipient.status, 202, "{}", about_recipient.text());
    assert!(about_recipient.json()["detail"].as_str().unwrap().contains("照常发放"), "told in plain words");
    let person = city.person_id(&app, "ts_local").await;
    let dossier = app.call(&city.admin, "GET", &format!("/api/v1/persons/{person}"), None).await.json();
    assert_eq!(dossier["benefits"][0]["payment_status"], "active", "payment goes on: {dossier}");
    let reason: String = app
        .database()
        .query_row("SELECT reason FROM tasks WHERE kind = 'verify_death_report' AND person_id = ?1", [&person], |r| r.get(0))
        .unwrap();
    assert!(reason.contains("尽快核实"), "an urgent verification: {reason}");

    let about_nobody = app.call(&stranger, "POST", "/api/v1/death-reports", Some(&report(&id_number("65010219700707777")))).await;
    let without_id = |mut answer: serde_json::Value| {
        answer.as_object_mut().unwrap().remove("report_id");
        answer
    };
    assert_eq!(
        (about_nobody.status, without_id(about_nobody.json())),
        (about_recipient.status, without_id(about_recipient.json())),
        "the same answer whether or not the ID number is a recipient's"
    );

    let mut certified = report(&city.ids["sy_local"]);
    certified["certificate_number"] = json!("HZ-2026-004512");
    let r = app.call(&stranger, "POST", "/api/v1/death-reports", Some(&certified)).await;
    assert_eq!((r.status, r.json()["status"].clone()), (202, json!("recorded_with_certificate")), "{}", r.text());
    let sy = city.person_id(&app, "sy_local").await;
    let dossier = app.call(&city.admin, "GET", &format!("/api/v1/persons/{sy}"), None).await.json();
    assert_eq!(dossier["benefits"][0]["payment_status"], "suspended", "a certificate stops payment at once");

    let fourth = app.call(&stranger, "POST", "/api/v1/death-reports", Some(&report(&city.ids["acme"]))).await;
    assert_eq!(fourth.status, 429, "{}", fourth.text());
}

/// R5.4, R5.6: the city retracts a false death report with its reason: the
/// recovery it opened is withdrawn and verification reopens, through the
/// same effects as a partner's retraction; payment resumes only with a
/// decision that the person is eligible.
#[tokio::test]
async fn r5_6_a_false_death_report_is_retracted_by_the_city() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let report = report_death(&app, &city, "ts_local").await;
    let path = format!("/api/v1/death-reports/{}/retraction", report["report_id"].as_str().unwrap());
    let body = json!({ "reason": "经社区上门核实，本人健在，系家属误报" });
    let district = app.staff_session(&city.admin, "ts-district", "district", "650102").await;
    assert_eq!(app.call(&district, "POST", &path, Some(&body)).await.status, 403, "the city decides (R7.1)");
    let clerk = app.staff_session(&city.admin, "city-clerk", "city_retiree", "city-retiree").await;
    assert_eq!(app.call(&clerk, "POST", &path, Some(&json!({ "reason": " " }))).await.status, 422);
    assert_eq!(app.call(&clerk, "POST", "/api/v1/death-reports/dr_nobody/retraction", Some(&body)).await.status, 404);
    let retracted = app.call(&clerk, "POST", &path, Some(&body)).await;
    assert_eq!(retracted.status, 200, "{}", retracted.text());
    assert_eq!(retracted.json()["recoveries_withdrawn"], 1, "{}", retracted.text());
    assert_eq!(app.call(&clerk, "POST", &path, Some(&body)).await.status, 409, "once");
    let withdrawn = app.call(&clerk, "GET", "/api/v1/recoveries?status=withdrawn", None).await.json();
    assert_eq!(withdrawn["items"].as_array().unwrap().len(), 1, "{withdrawn}");
    let person = city.person_id(&app, "ts_local").await;
    let dossier = app.call(&city.admin, "GET", &format!("/api/v1/persons/{person}"), None).await.json();
    assert_eq!(dossier["benefits"][0]["payment_status"], "suspended", "a retraction never restores by itself (R5.4)");
    let reopened: i64 = app
        .database()
        .query_row("SELECT COUNT(*) FROM tasks WHERE person_id = ?1 AND kind = 'reverify_retraction' AND status = 'open'", [&person], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(reopened, 1);
}

#[tokio::test]
async fn r7_2_objections_only_for_suspended_benefits_within_three_months() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let token = app.recipient(&city.ids["ts_local"]).await;
    let benefit_id =
        app.call(&token, "GET", "/api/v1/me/status", None).await.json()["benefits"][0]["benefit_id"].as_str().unwrap().to_string();
    let object = json!({ "benefit_id": benefit_id, "text": "我还健在，家属申报有误" });
    let active = app.call(&token, "POST", "/api/v1/me/objections", Some(&object)).await;
    assert_eq!((active.status, active.json()["reason"].as_str()), (422, Some("not_suspended")));
    report_death(&app, &city, "ts_local").await;
    let status = app.call(&token, "GET", "/api/v1/me/status", None).await.json();
    let actions = status["benefits"][0]["actions"].to_string();
    assert!(actions.contains("object"), "{actions}");
    let lodged = app.call(&token, "POST", "/api/v1/me/objections", Some(&object)).await;
    assert_eq!(lodged.status, 201, "{}", lodged.text());
    let again = app.call(&token, "POST", "/api/v1/me/objections", Some(&object)).await;
    assert_eq!(again.json()["reason"], "already_objected");
    let (objection_on, tasks): (String, i64) = app
        .database()
        .query_row("SELECT objection_on, (SELECT COUNT(*) FROM tasks WHERE kind = 'reverify_objection') FROM benefits", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert!(!objection_on.is_empty());
    assert_eq!(tasks, 1, "re-verification opened");
    // Four months after a suspension the window has closed.
    let late_token = app.recipient(&city.ids["sy_local"]).await;
    report_death(&app, &city, "sy_local").await;
    let late_benefit =
        app.call(&late_token, "GET", "/api/v1/me/status", None).await.json()["benefits"][0]["benefit_id"].as_str().unwrap().to_string();
    app.database().execute("UPDATE benefits SET payment_since = date('now', '-4 months') WHERE id = ?1", [&late_benefit]).unwrap();
    let late = app.call(&late_token, "POST", "/api/v1/me/objections", Some(&json!({ "benefit_id": late_benefit, "text": "有误" }))).await;
    assert_eq!((late.status, late.json()["reason"].as_str()), (422, Some("objection_window_closed")), "{}", late.text());
}

#[tokio::test]
async fn nobody_reaches_anyone_elses_data() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let mine = app.recipient(&city.ids["ts_local"]).await;
    let theirs = app.recipient(&city.ids["sy_local"]).await;
    let their_benefit =
        app.call(&theirs, "GET", "/api/v1/me/status", None).await.json()["benefits"][0]["benefit_id"].as_str().unwrap().to_string();
    report_death(&app, &city, "sy_local").await;
    let r = app.call(&mine, "POST", "/api/v1/me/objections", Some(&json!({ "benefit_id": their_benefit, "text": "x" }))).await;
    assert_eq!(r.status, 404, "another person's benefit id is not found: {}", r.text());
    let status = app.call(&mine, "GET", "/api/v1/me/status", None).await.text();
    assert!(!status.contains(&their_benefit) && !status.contains("李"));
    assert_eq!(app.call(&mine, "GET", "/api/v1/persons", None).await.status, 401, "a recipient session is no staff session");
    let staff = app.admin().await;
    assert_eq!(app.call(&staff, "GET", "/api/v1/me/status", None).await.status, 401, "and the other way round");
}
