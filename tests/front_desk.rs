//! The front desk (R5.5, R6.2, R6.3, R7.2): what staff record for a person
//! who comes to the window, phones, or sends a relative. An objection by
//! phone stops the clock to termination as the person's own does; a home
//! visit asked for by phone runs its five working days from the call; a
//! walk-in is certified at the window with or without a task, and an
//! "eligible" keeps a photo or video of the person.

use serde_json::{Value, json};
use zige_tests::{TestApp, death_reported, photo, seed_city, spawn_app};

fn count(app: &TestApp, sql: &str) -> i64 {
    app.database().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn today() -> chrono::NaiveDate {
    zige_domain::china_date(chrono::Utc::now())
}

async fn dossier(app: &TestApp, token: &str, person: &str) -> Value {
    let r = app.call(token, "GET", &format!("/api/v1/persons/{person}"), None).await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

#[tokio::test]
async fn r7_2_an_objection_a_son_makes_by_phone_stops_the_clock_as_the_persons_own() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    death_reported(&app, &city, "sy_local").await;
    let person = city.person_id(&app, "sy_local").await;
    let community = app.staff_session(&city.admin, "sy-community", "community", "sy-c1").await;
    let benefit = dossier(&app, &community, &person).await["benefits"][0]["benefit_id"].as_str().unwrap().to_string();
    let objection = |channel: &str, relative: Value| json!({ "person_id": person, "benefit_id": benefit, "text": "我母亲还健在，请社区上门核实。", "channel": channel, "relative": relative });

    // Refusals change nothing: a family channel names the relative, a
    // relation is one of the registry's, and another community's resident
    // is not found (R2.3).
    for (body, status, field) in [
        (objection("family", Value::Null), 422, "relative"),
        (objection("phone", json!({ "relation": "neighbour", "name": "王五" })), 422, "relative.relation"),
        (objection("carrier_pigeon", Value::Null), 422, "channel"),
    ] {
        let r = app.call(&community, "POST", "/api/v1/objections", Some(&body)).await;
        assert_eq!((r.status, r.json()["field"].as_str()), (status, Some(field)), "{}", r.text());
    }
    let elsewhere = app.staff_session(&city.admin, "ts-community", "community", "ts-c1").await;
    let son = json!({ "relation": "child", "name": "李小明" });
    let r = app.call(&elsewhere, "POST", "/api/v1/objections", Some(&objection("phone", son.clone()))).await;
    assert_eq!(r.status, 404, "{}", r.text());
    assert_eq!(count(&app, "SELECT COUNT(*) FROM objections"), 0, "a refusal changes nothing");

    let r = app.call(&community, "POST", "/api/v1/objections", Some(&objection("phone", son.clone()))).await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["channel"], "phone");
    let task = r.json()["task_id"].as_str().unwrap().to_string();
    let again = app.call(&community, "POST", "/api/v1/objections", Some(&objection("phone", son))).await;
    assert_eq!((again.status, again.json()["reason"].as_str()), (422, Some("already_objected")), "{}", again.text());

    // The dossier says how it came and who made it, the relative masked.
    let requests = &dossier(&app, &community, &person).await["requests"]["objections"];
    let made = &requests[0]["made"];
    assert_eq!((made["channel"].as_str(), made["relative"]["relation"].as_str()), (Some("phone"), Some("child")), "{requests}");
    assert_eq!(made["relative"]["name_masked"], "李*明");
    assert!(made["recorded_by"].as_str().unwrap().starts_with("staff:"), "who wrote it down: {made}");
    assert!(!requests.to_string().contains("李小明"), "the relative's name is masked: {requests}");

    // The re-verification is in the community's queue, and three months on
    // the benefit is still suspended, not terminated (R7.2).
    let tasks = app.call(&community, "GET", "/api/v1/tasks?kind=reverify_objection", None).await.json();
    assert_eq!(tasks["items"][0]["task_id"], task.as_str(), "{tasks}");
    app.tick_until_done(&(today() + chrono::Duration::days(100)).to_string()).await;
    let benefit = &dossier(&app, &community, &person).await["benefits"][0];
    assert_eq!(benefit["payment_status"], "suspended", "{benefit}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'objection.lodge'"), 1);
}

#[tokio::test]
async fn r6_3_a_home_visit_asked_for_by_phone_runs_five_working_days_from_the_call() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let person = city.person_id(&app, "ts_local").await;
    let community = app.staff_session(&city.admin, "ts-community", "community", "ts-c1").await;
    let called_on = today() - chrono::Duration::days(3);
    let visit = |requested_on: chrono::NaiveDate| {
        json!({
            "person_id": person, "reason": "very_old", "address": "天山区某路1号", "phone": "13800000001",
            "channel": "phone", "requested_on": requested_on,
        })
    };
    let r = app.call(&community, "POST", "/api/v1/home-visits", Some(&visit(today() + chrono::Duration::days(1)))).await;
    assert_eq!((r.status, r.json()["field"].as_str()), (422, Some("requested_on")), "{}", r.text());
    let other = app.staff_session(&city.admin, "sy-community", "community", "sy-c1").await;
    assert_eq!(app.call(&other, "POST", "/api/v1/home-visits", Some(&visit(called_on))).await.status, 404);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM home_visits"), 0, "a refusal changes nothing");

    let r = app.call(&community, "POST", "/api/v1/home-visits", Some(&visit(called_on))).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let calendar = zige_domain::WorkingCalendar::embedded();
    let deadline = zige_domain::deadlines::home_visit_deadline(&calendar, called_on).unwrap().on;
    assert_eq!(r.json()["deadline"], deadline.to_string(), "five working days from the call: {}", r.text());
    let open = app.call(&community, "GET", "/api/v1/home-visits", None).await.json();
    assert_eq!(open["items"][0]["requested_on"], called_on.to_string(), "{open}");
    let requests = &dossier(&app, &community, &person).await["requests"]["home_visits"];
    assert_eq!(requests[0]["made"]["channel"], "phone", "{requests}");
}

#[tokio::test]
async fn r5_5_r6_2_a_walk_in_is_certified_at_the_window_with_a_photo_with_or_without_a_task() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let person = city.person_id(&app, "ts_local").await;
    let community = app.staff_session(&city.admin, "ts-community", "community", "ts-c1").await;
    let certify =
        |channel: &str, files: Value| json!({ "person_id": person, "channel": channel, "note": "本人到社区窗口", "files": files });

    // No photo, or a video call without its recording, is refused (R6.2).
    for (body, field) in
        [(certify("window", json!([])), "files"), (certify("video", json!([photo()])), "files"), (certify("phone", json!([])), "channel")]
    {
        let r = app.call(&community, "POST", "/api/v1/certifications", Some(&body)).await;
        assert_eq!((r.status, r.json()["field"].as_str()), (422, Some(field)), "{}", r.text());
    }
    let other = app.staff_session(&city.admin, "sy-community", "community", "sy-c1").await;
    assert_eq!(app.call(&other, "POST", "/api/v1/certifications", Some(&certify("window", json!([photo()])))).await.status, 404);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM decisions") + count(&app, "SELECT COUNT(*) FROM tasks"), 0, "a refusal changes nothing");

    // Without a task: the certification is recorded and in force at once.
    let r = app.call(&community, "POST", "/api/v1/certifications", Some(&certify("window", json!([photo()])))).await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!((r.json()["pending_review"].as_bool(), r.json()["files"].as_i64()), (Some(false), Some(1)), "{}", r.text());
    let benefit = &dossier(&app, &community, &person).await["benefits"][0];
    assert_eq!(benefit["cycle"]["status"], "certified", "{benefit}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM tasks WHERE status = 'open'"), 0, "nothing left open");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM decision_files"), 1, "the photo is kept");

    // With a task: a person whose death was reported comes to the window;
    // the certification is the outcome of their task, and restoring waits
    // for the city (R7.1).
    death_reported(&app, &city, "sy_local").await;
    let walk_in = city.person_id(&app, "sy_local").await;
    let body = json!({ "person_id": walk_in, "channel": "window", "files": [photo()] });
    let r = app.call(&other, "POST", "/api/v1/certifications", Some(&body)).await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["pending_review"], true, "{}", r.text());
    let open: i64 =
        app.database().query_row("SELECT COUNT(*) FROM tasks WHERE person_id = ?1 AND status = 'open'", [&walk_in], |r| r.get(0)).unwrap();
    assert_eq!(open, 0, "the task is closed by the certification");

    // A field outcome "eligible" on a task keeps a photo or video too (R6.2).
    death_reported(&app, &city, "ts_local").await;
    let task = app.call(&community, "GET", "/api/v1/tasks", None).await.json()["items"][0]["task_id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/tasks/{task}/outcome");
    let r = app.call(&community, "POST", &path, Some(&json!({ "outcome": "eligible", "channel": "window" }))).await;
    assert_eq!((r.status, r.json()["field"].as_str()), (422, Some("files")), "{}", r.text());
}
