//! Staff case work (R6, R7.1, R7.2) end to end: a false death report
//! objected to, re-verified in the field and restored with back-pay; an
//! unreachable person suspended by the 3-working-day rule when the city does
//! not act; an outcome sent back; and the scope of every new endpoint.

use serde_json::{Value, json};
use zige_tests::{City, TestApp, death_reported, photo, seed_city, spawn_app};

fn count(app: &TestApp, sql: &str) -> i64 {
    app.database().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn today() -> chrono::NaiveDate {
    zige_domain::china_date(chrono::Utc::now())
}

async fn task_of(app: &TestApp, token: &str, kind: &str) -> Value {
    let r = app.call(token, "GET", &format!("/api/v1/tasks?kind={kind}"), None).await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["items"][0].clone()
}

async fn payroll(app: &TestApp, city: &City) -> Vec<Value> {
    let token = app.staff_session(&city.admin, &format!("payroll{}", rand_suffix()), "integration", "city-si").await;
    app.call(&token, "GET", "/api/v1/payroll/instructions?after=0", None).await.json()["items"].as_array().unwrap().clone()
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

#[tokio::test]
async fn r7_2_a_false_death_report_objected_to_is_reverified_and_restored_with_back_pay() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    death_reported(&app, &city, "sy_local").await;
    let person = city.person_id(&app, "sy_local").await;
    // The suspension began in September, as if the report had come then.
    app.database().execute("UPDATE benefits SET payment_since = '2026-09-15' WHERE person_id = ?1", [&person]).unwrap();
    app.database()
        .execute(
            "UPDATE payroll_instructions SET effective_month = '2026-10' WHERE benefit_id IN (SELECT id FROM benefits WHERE person_id = ?1)",
            [&person],
        )
        .unwrap();

    let recipient = app.recipient(&city.ids["sy_local"]).await;
    let status = app.call(&recipient, "GET", "/api/v1/me/status", None).await.json();
    let benefit = status["benefits"][0]["benefit_id"].as_str().unwrap().to_string();
    let objection = json!({ "benefit_id": benefit, "text": "我还健在，社区可以上门核实。" });
    assert_eq!(app.call(&recipient, "POST", "/api/v1/me/objections", Some(&objection)).await.status, 201);

    // The community of the person's residence finds the re-verification in its queue (R2.2).
    let community = app.staff_session(&city.admin, "sy-community", "community", "sy-c1").await;
    let task = task_of(&app, &community, "reverify_objection").await;
    assert_eq!(task["person"]["name"], "李*", "names are masked in queues");
    let path = format!("/api/v1/tasks/{}/outcome", task["task_id"].as_str().unwrap());
    let bad = app.call(&community, "POST", &path, Some(&json!({ "outcome": "eligible", "channel": "carrier_pigeon" }))).await;
    assert_eq!(bad.status, 422, "{}", bad.text());
    let recorded = app
        .call(
            &community,
            "POST",
            &path,
            Some(&json!({ "outcome": "eligible", "channel": "home_visit", "note": "本人在家，精神良好", "files": [photo()] })),
        )
        .await;
    assert_eq!(recorded.status, 201, "{}", recorded.text());
    assert_eq!(recorded.json()["pending_review"], true, "restoring needs the city (R7.2)");
    assert_eq!(
        app.call(&community, "POST", &path, Some(&json!({ "outcome": "eligible", "channel": "window", "files": [photo()] }))).await.status,
        409,
        "closed"
    );

    let city_clerk = app.staff_session(&city.admin, "city-clerk", "city_retiree", "city-retiree").await;
    let queue = app.call(&city_clerk, "GET", "/api/v1/decisions", None).await.json();
    let decision = queue["items"][0]["decision_id"].as_str().unwrap().to_string();
    assert_eq!(queue["items"][0]["channel"], "home_visit");
    assert_eq!(
        app.call(&community, "POST", &format!("/api/v1/decisions/{decision}/review"), Some(&json!({ "action": "confirm" }))).await.status,
        403
    );
    let confirmed =
        app.call(&city_clerk, "POST", &format!("/api/v1/decisions/{decision}/review"), Some(&json!({ "action": "confirm" }))).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text());
    let again = app.call(&city_clerk, "POST", &format!("/api/v1/decisions/{decision}/review"), Some(&json!({ "action": "confirm" }))).await;
    assert_eq!(again.status, 409, "reviewed once");

    let status = app.call(&recipient, "GET", "/api/v1/me/status", None).await.json();
    assert_eq!(status["benefits"][0]["payment_status"], "active", "paid again: {status}");
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM benefits WHERE id = '{benefit}' AND payment_status = 'restored'")), 1);
    // Back-pay: every month from October through this month, 180 yuan each.
    let months = i64::from(chrono::Datelike::year(&today()) * 12 + chrono::Datelike::month(&today()) as i32 - (2026 * 12 + 9));
    let instructions = payroll(&app, &city).await;
    let mine: Vec<(String, Value)> = instructions
        .iter()
        .filter(|i| i["benefit_id"] == benefit.as_str())
        .map(|i| (i["action"].as_str().unwrap().to_string(), i["amount_fen"].clone()))
        .collect();
    assert_eq!(
        mine,
        [("suspend".to_string(), Value::Null), ("resume".to_string(), Value::Null), ("back_pay".to_string(), json!(months * 18_000))]
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action IN ('decision.record', 'decision.review', 'benefit.restore')"), 3);
}

#[tokio::test]
async fn r7_1_an_unreachable_outcome_the_city_leaves_is_suspended_after_3_working_days() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let person = city.person_id(&app, "sy_local").await;
    // sy_local never certified: the sweep opens a verification task (R6.1).
    app.tick_until_done(&today().to_string()).await;
    let district = app.staff_session(&city.admin, "sy-district", "district", "650103").await;
    let task = task_of(&app, &district, "verify_cycle_lapsed").await;
    assert_eq!(task["person"]["person_id"], person.as_str());
    let path = format!("/api/v1/tasks/{}/outcome", task["task_id"].as_str().unwrap());
    let r = app
        .call(&district, "POST", &path, Some(&json!({ "outcome": "unreachable", "channel": "home_visit", "note": "三次上门无人" })))
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["pending_review"], true);

    let calendar = zige_domain::WorkingCalendar::embedded();
    let deadline = zige_domain::deadlines::city_suspension_deadline(&calendar, today()).unwrap().on;
    let city_clerk = app.staff_session(&city.admin, "city-clerk", "city_retiree", "city-retiree").await;
    let queue = app.call(&city_clerk, "GET", "/api/v1/decisions", None).await.json();
    assert_eq!(queue["items"][0]["suspends_automatically_after"], deadline.to_string());

    let suspended = format!("SELECT COUNT(*) FROM benefits WHERE person_id = '{person}' AND payment_reason = 'unreachable'");
    app.tick_until_done(&deadline.to_string()).await;
    assert_eq!(count(&app, &suspended), 0, "the city still has the day");
    app.tick_until_done(&deadline.succ_opt().unwrap().to_string()).await;
    assert_eq!(count(&app, &suspended), 1);
    let queue = app.call(&city_clerk, "GET", "/api/v1/decisions", None).await.json();
    assert_eq!(queue["items"], json!([]), "acted on by the rule");
}

#[tokio::test]
async fn r7_1_an_outcome_sent_back_reopens_verification_and_no_longer_counts() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    death_reported(&app, &city, "ts_local").await;
    let district = app.staff_session(&city.admin, "ts-district", "district", "650102").await;
    let task = task_of(&app, &district, "verify_loss").await;
    let path = format!("/api/v1/tasks/{}/outcome", task["task_id"].as_str().unwrap());
    let missing = app.call(&district, "POST", &path, Some(&json!({ "outcome": "not_eligible", "channel": "visit" }))).await;
    assert_eq!(missing.status, 422, "R6.6: the reason and date are required");
    assert_eq!(missing.json()["field"], "loss");
    let body = json!({ "outcome": "not_eligible", "channel": "visit", "loss": { "type": "death", "details": { "source": "unit_or_community" } }, "loss_date": today() });
    assert_eq!(app.call(&district, "POST", &path, Some(&body)).await.status, 201);

    let city_clerk = app.staff_session(&city.admin, "city-clerk", "city_retiree", "city-retiree").await;
    let decision =
        app.call(&city_clerk, "GET", "/api/v1/decisions", None).await.json()["items"][0]["decision_id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/decisions/{decision}/review");
    let silent = app.call(&city_clerk, "POST", &path, Some(&json!({ "action": "send_back" }))).await;
    assert_eq!(silent.status, 422, "a reason is required");
    let sent = app.call(&city_clerk, "POST", &path, Some(&json!({ "action": "send_back", "note": "死亡证明不清晰，请补充" }))).await;
    assert_eq!(sent.status, 200, "{}", sent.text());
    let reopened = task_of(&app, &district, "reverify_sent_back").await;
    assert!(reopened["reason"].as_str().unwrap().contains("死亡证明不清晰"));
    let person = city.person_id(&app, "ts_local").await;
    let dossier = app.call(&city.admin, "GET", &format!("/api/v1/persons/{person}"), None).await.json();
    let decisions = dossier["decisions"].as_array().map_or(0, Vec::len);
    assert_eq!(decisions, 0, "a decision sent back no longer counts: {dossier}");
}

#[tokio::test]
async fn r2_3_task_and_review_endpoints_keep_to_each_scope() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    death_reported(&app, &city, "ts_local").await;
    let own = app.staff_session(&city.admin, "ts-community", "community", "ts-c1").await;
    let other = app.staff_session(&city.admin, "sy-community", "community", "sy-c1").await;
    let auditor = app.staff_session(&city.admin, "auditor", "auditor", "city-hrss").await;
    let task = task_of(&app, &own, "verify_loss").await;
    assert!(task["task_id"].is_string(), "the responsible community sees the task");
    assert_eq!(app.call(&other, "GET", "/api/v1/tasks", None).await.json()["items"], json!([]), "another district's community does not");
    let path = format!("/api/v1/tasks/{}/outcome", task["task_id"].as_str().unwrap());
    let body = json!({ "outcome": "eligible", "channel": "window", "files": [photo()] });
    assert_eq!(app.call(&other, "POST", &path, Some(&body)).await.status, 404);
    assert_eq!(app.call(&auditor, "POST", &path, Some(&body)).await.status, 403);
    assert_eq!(app.call(&auditor, "GET", "/api/v1/tasks", None).await.status, 403);
    assert_eq!(app.call(&own, "GET", "/api/v1/decisions", None).await.status, 403);
    assert_eq!(app.call(&city.admin, "GET", "/api/v1/tasks?status=nonsense", None).await.status, 400);
    assert_eq!(app.request("GET", "/api/v1/tasks", &[], "").await.status, 401);
}

#[tokio::test]
async fn r7_1_a_bulk_review_acts_on_each_outcome_alone() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    app.tick_until_done(&today().to_string()).await;
    // sy_local's task is in the community of sy-c1; acme's with its employer (R2.2).
    let district = app.staff_session(&city.admin, "sy-district", "district", "650103").await;
    let employer = app.staff_session(&city.admin, "acme-hr", "employer", "acme").await;
    let mut ids = Vec::new();
    for token in [&district, &employer] {
        let task = task_of(&app, token, "verify_cycle_lapsed").await;
        let path = format!("/api/v1/tasks/{}/outcome", task["task_id"].as_str().unwrap());
        let r = app.call(token, "POST", &path, Some(&json!({ "outcome": "unreachable", "channel": "home_visit" }))).await;
        assert_eq!(r.status, 201, "{}", r.text());
        ids.push(r.json()["decision_id"].as_str().unwrap().to_string());
    }
    ids.push("dec-nope".into());
    let city_clerk = app.staff_session(&city.admin, "city-clerk", "city_retiree", "city-retiree").await;
    let r = app.call(&city_clerk, "POST", "/api/v1/decisions/reviews", Some(&json!({ "decision_ids": ids, "action": "confirm" }))).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let outcomes: Vec<String> =
        r.json()["results"].as_array().unwrap().iter().map(|x| x["outcome"].as_str().unwrap().to_string()).collect();
    assert_eq!(outcomes, ["done", "done", "refused"]);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM benefits WHERE payment_reason = 'unreachable'"), 2);
}

#[tokio::test]
async fn r6_4_an_activity_sign_in_sheet_certifies_everyone_listed_in_scope() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let community = app.staff_session(&city.admin, "ts-community", "community", "ts-c1").await;
    let sheet = format!("序号,公民身份号码\n1,{}\n2,{}\n3,12345\n", city.ids["ts_local"], city.ids["sy_local"]);
    // Percent-encoded, as browsers send it (both runtimes refuse raw UTF-8 in a request target).
    let path = format!("/api/v1/sign-ins?activity=%E9%87%8D%E9%98%B3%E8%8A%82%E5%BA%A7%E8%B0%88%E4%BC%9A&held_on={}", today());
    let r = app.upload(&community, &path, "text/csv", sheet).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let outcomes: Vec<String> =
        r.json()["results"].as_array().unwrap().iter().map(|x| x["outcome"].as_str().unwrap().to_string()).collect();
    assert_eq!(outcomes, ["certified", "unknown", "rejected"], "another district's resident is not this community's to certify");
    let person = city.person_id(&app, "ts_local").await;
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM evidence WHERE person_id = '{person}' AND source = 'activity_sign_in'")), 1);
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM benefits WHERE person_id = '{person}' AND certified_by = 'activity_participation'")),
        1
    );
    let missing = app.upload(&community, "/api/v1/sign-ins?held_on=2026-01-01", "text/csv", "id_number\n").await;
    assert_eq!(missing.status, 422);
}

#[tokio::test]
async fn r6_1_tasks_pass_down_and_back_within_scope() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    death_reported(&app, &city, "ts_local").await;
    let district = app.staff_session(&city.admin, "ts-district", "district", "650102").await;
    let task = task_of(&app, &district, "verify_loss").await;
    let id = task["task_id"].as_str().unwrap();
    let path = format!("/api/v1/tasks/{id}/assignment");
    assert_eq!(app.call(&district, "POST", &path, Some(&json!({ "org_id": "sy-c1" }))).await.status, 422, "not below");
    assert_eq!(
        app.call(&district, "POST", &path, Some(&json!({ "org_id": "ts-s1" }))).await.status,
        422,
        "the task is at ts-c1, below ts-s1"
    );
    // The community hands it back up to the sub-district only if it came from there.
    let community = app.staff_session(&city.admin, "ts-community", "community", "ts-c1").await;
    assert_eq!(app.call(&community, "POST", &path, Some(&json!({ "org_id": "ts-s1" }))).await.status, 422);
    let sub = app.staff_session(&city.admin, "ts-street", "sub_district", "ts-s1").await;
    app.database().execute("UPDATE tasks SET org_id = 'ts-s1' WHERE id = ?1", [id]).unwrap();
    let down = app.call(&sub, "POST", &path, Some(&json!({ "org_id": "ts-c1" }))).await;
    assert_eq!(down.status, 200, "{}", down.text());
    let back = app.call(&community, "POST", &path, Some(&json!({ "org_id": "ts-s1" }))).await;
    assert_eq!(back.status, 200, "{}", back.text());
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'task.assign'"), 2);
}

#[tokio::test]
async fn r6_3_the_community_schedules_a_home_visit_within_5_working_days() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let token = app.recipient(&city.ids["ts_local"]).await;
    let body = json!({ "reason": "very_old", "address": "天山区某路1号", "phone": "13800000001", "preferred_days": ["周一上午"] });
    assert_eq!(app.call(&token, "POST", "/api/v1/me/home-visits", Some(&body)).await.status, 201);
    let community = app.staff_session(&city.admin, "ts-community", "community", "ts-c1").await;
    let queue = app.call(&community, "GET", "/api/v1/home-visits", None).await.json();
    let visit = &queue["items"][0];
    assert_eq!(visit["address"], "天山区某路1号", "the community sees where to go");
    let path = format!("/api/v1/home-visits/{}/schedule", visit["home_visit_id"].as_str().unwrap());
    let late = (chrono::NaiveDate::parse_from_str(visit["deadline"].as_str().unwrap(), "%Y-%m-%d").unwrap() + chrono::Duration::days(1))
        .to_string();
    assert_eq!(app.call(&community, "POST", &path, Some(&json!({ "visit_on": late }))).await.status, 422);
    let other = app.staff_session(&city.admin, "sy-community", "community", "sy-c1").await;
    assert_eq!(app.call(&other, "POST", &path, Some(&json!({ "visit_on": today() }))).await.status, 404);
    let r = app.call(&community, "POST", &path, Some(&json!({ "visit_on": today() }))).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(app.call(&community, "POST", &path, Some(&json!({ "visit_on": today() }))).await.status, 409);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outbox WHERE kind = 'appointment'"), 1, "the person is told");
}

#[tokio::test]
async fn r6_1_the_city_dispatches_the_to_be_verified_list_with_a_deadline_routed_per_r2_2() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let deadline = (today() + chrono::Days::new(15)).to_string();
    let district = app.staff_session(&city.admin, "ts-district", "district", "650102").await;
    let body = json!({ "deadline": deadline });
    assert_eq!(app.call(&district, "POST", "/api/v1/tasks/dispatch", Some(&body)).await.status, 403, "the city dispatches");
    for bad in [json!({ "deadline": today().to_string() }), json!({ "deadline": "soon" })] {
        let r = app.call(&city.admin, "POST", "/api/v1/tasks/dispatch", Some(&bad)).await;
        assert_eq!(r.status, 422, "{bad}: {}", r.text());
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM tasks"), 0, "refusals open nothing");

    // Newly registered, nobody is assessed yet: all four are to be verified.
    let r = app.call(&city.admin, "POST", "/api/v1/tasks/dispatch", Some(&body)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let answer = r.json();
    assert_eq!((answer["dispatched"].as_i64(), answer["already_open"].as_i64()), (Some(4), Some(0)), "{answer}");
    // Residents go to their community, employer-managed retirees to the
    // employer, those living elsewhere to the district of insurance (R2.2).
    let routed: Vec<(String, String)> = app
        .database()
        .prepare("SELECT org_id, deadline FROM tasks WHERE kind = 'verify_dispatched' ORDER BY org_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let orgs: Vec<&str> = routed.iter().map(|(o, _)| o.as_str()).collect();
    assert_eq!(orgs, ["650102", "acme", "sy-c1", "ts-c1"], "{routed:?}");
    assert!(routed.iter().all(|(_, d)| *d == deadline));
    let community = app.staff_session(&city.admin, "ts-worker", "community", "ts-c1").await;
    let queue = task_of(&app, &community, "verify_dispatched").await;
    assert_eq!(queue["deadline"], deadline.as_str(), "{queue}");

    // Sent again, it opens nothing twice.
    let again = app.call(&city.admin, "POST", "/api/v1/tasks/dispatch", Some(&body)).await.json();
    assert_eq!((again["dispatched"].as_i64(), again["already_open"].as_i64()), (Some(0), Some(4)), "{again}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'tasks.dispatch'"), 1);
}

#[tokio::test]
async fn r7_2_the_agency_terminates_after_three_months_and_reinstates_a_wrong_termination_with_back_pay() {
    use zige_domain::money::YearMonth;
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    death_reported(&app, &city, "ts_local").await;
    let benefit: String = app.database().query_row("SELECT id FROM benefits WHERE payment_status = 'suspended'", [], |r| r.get(0)).unwrap();
    let terminate = format!("/api/v1/benefits/{benefit}/termination");
    let reinstate = format!("/api/v1/benefits/{benefit}/reinstatement");
    let note = json!({ "note": "停发满三个月，本人及家属未提出异议" });

    // Only the social-insurance agency decides (R7.2).
    let retiree = app.staff_session(&city.admin, "retiree-office", "city_retiree", "city-retiree").await;
    assert_eq!(app.call(&retiree, "POST", &terminate, Some(&note)).await.status, 403);
    let agency = app.staff_session(&city.admin, "si-agency", "city_social_insurance", "city-si").await;
    assert_eq!(app.call(&agency, "POST", &terminate, Some(&json!({ "note": " " }))).await.status, 422, "a decision says why");
    let early = app.call(&agency, "POST", &terminate, Some(&note)).await;
    assert_eq!(early.status, 409, "not before three months: {}", early.text());
    assert_eq!(app.call(&agency, "POST", "/api/v1/benefits/b-none/termination", Some(&note)).await.status, 404);

    // Four months later (the suspension and its payroll stop moved back).
    let today = today();
    let stopped = YearMonth::of(today).plus(-4);
    let db = app.database();
    db.execute("UPDATE benefits SET payment_since = date('now', '-4 months') WHERE id = ?1", [&benefit]).unwrap();
    db.execute(
        "UPDATE payroll_instructions SET effective_month = ?1 WHERE benefit_id = ?2 AND action = 'suspend'",
        [stopped.to_string(), benefit.clone()],
    )
    .unwrap();
    let done = app.call(&agency, "POST", &terminate, Some(&note)).await;
    assert_eq!(done.status, 200, "{}", done.text());
    assert_eq!(done.json()["payment_status"], "terminated");
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM payroll_instructions WHERE benefit_id = '{benefit}' AND action = 'terminate'")),
        1
    );
    assert_eq!(app.call(&agency, "POST", &terminate, Some(&note)).await.status, 409, "terminated once");

    // The death record was wrong: reinstated, with every unpaid month back.
    let wrong = json!({ "note": "死亡信息系误报，本人到窗口当面核实" });
    let back = app.call(&agency, "POST", &reinstate, Some(&wrong)).await;
    assert_eq!(back.status, 200, "{}", back.text());
    let months = stopped.months_until(YearMonth::of(today).plus(1));
    assert_eq!(back.json()["back_pay_fen"], 320_050 * months, "{}", back.text());
    assert_eq!(back.json()["payment_status"], "restored");
    let resumed: (String, i64) = db
        .query_row("SELECT action, amount_fen FROM payroll_instructions WHERE benefit_id = ?1 AND action = 'back_pay'", [&benefit], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(resumed.1, 320_050 * months);
    assert_eq!(app.call(&agency, "POST", &reinstate, Some(&wrong)).await.status, 409, "only a terminated benefit is reinstated");
    let audited = count(
        &app,
        &format!("SELECT COUNT(*) FROM audit_log WHERE object = '{benefit}' AND action IN ('benefit.terminate', 'benefit.reinstate')"),
    );
    assert_eq!(audited, 2);
}

#[tokio::test]
async fn r6_3_r6_4_a_home_visit_outcome_with_photos_fills_the_service_and_verification_ledgers() {
    use base64::Engine;
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let token = app.recipient(&city.ids["ts_local"]).await;
    let request = json!({ "reason": "very_old", "address": "天山区某路1号", "phone": "13800000001", "preferred_days": ["周一上午"] });
    app.call(&token, "POST", "/api/v1/me/home-visits", Some(&request)).await;
    let community = app.staff_session(&city.admin, "ts-community", "community", "ts-c1").await;
    let visit =
        app.call(&community, "GET", "/api/v1/home-visits", None).await.json()["items"][0]["home_visit_id"].as_str().unwrap().to_string();
    app.call(&community, "POST", &format!("/api/v1/home-visits/{visit}/schedule"), Some(&json!({ "visit_on": today() }))).await;

    let photo = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];
    let encoded = base64::engine::general_purpose::STANDARD.encode(photo);
    let outcome = |files: Value| json!({ "outcome": "eligible", "channel": "home_visit", "note": "本人在家，精神尚可", "files": files });
    let path = format!("/api/v1/home-visits/{visit}/outcome");
    // A file whose bytes are not what it claims is refused, and nothing is kept.
    let lying = json!([{ "file_name": "合影.jpg", "content_type": "image/jpeg", "data_base64": "JVBERi0xLjc=" }]);
    let r = app.call(&community, "POST", &path, Some(&outcome(lying))).await;
    assert_eq!((r.status, r.json()["field"].as_str()), (422, Some("files[0]")), "{}", r.text());
    assert_eq!(count(&app, "SELECT COUNT(*) FROM decisions") + count(&app, "SELECT COUNT(*) FROM tasks"), 0, "a refusal changes nothing");
    let other = app.staff_session(&city.admin, "sy-community", "community", "sy-c1").await;
    let photos = json!([{ "file_name": "上门照片.jpg", "content_type": "image/jpeg", "data_base64": encoded }]);
    assert_eq!(app.call(&other, "POST", &path, Some(&outcome(photos.clone()))).await.status, 404, "another community's visit");

    let r = app.call(&community, "POST", &path, Some(&outcome(photos.clone()))).await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["files"], 1);
    let (sha, size): (String, i64) =
        app.database().query_row("SELECT sha256, size FROM decision_files", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((sha.len(), size), (64, photo.len() as i64));
    assert_eq!(app.call(&community, "POST", &path, Some(&outcome(photos))).await.status, 409, "the visit is done");

    // The service ledger (R6.3) and the verification ledger (R5.4).
    let service = app.call(&community, "GET", "/api/v1/ledgers/service", None).await;
    assert_eq!(service.status, 200, "{}", service.text());
    let row = &service.json()["items"][0];
    assert_eq!((row["status"].as_str(), row["visited_on"].as_str()), (Some("done"), Some(today().to_string().as_str())), "{row}");
    assert_eq!(row["outcome"]["outcome"], "eligible");
    assert!(row["name"].as_str().unwrap().contains('*') && row.get("address").is_none() && row.get("phone").is_none(), "{row}");
    let verification = app.call(&community, "GET", "/api/v1/ledgers/verification", None).await.json();
    assert_eq!(verification["items"][0]["channel"], "home_visit", "{verification}");
    let csv = app.call(&community, "GET", "/api/v1/ledgers/service?format=csv", None).await;
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let text = csv.text();
    assert!(text.starts_with("\u{feff}申请编号,姓名,公民身份号码"), "{text}");
    assert!(text.contains("已办结") && text.contains("符合领取条件") && !text.contains(&city.ids["ts_local"]), "{text}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'ledger.export'"), 1);
    assert_eq!(app.call(&other, "GET", "/api/v1/ledgers/service", None).await.json()["total"], 0, "scope (R2.3)");
    assert_eq!(app.call(&community, "GET", "/api/v1/ledgers/unknown", None).await.status, 404);
    assert_eq!(app.call(&community, "GET", "/api/v1/ledgers/service?from=2026-13-01", None).await.status, 400);
}

/// A household survey's remarks column as verification evidence (R6.5): a
/// remark that the person was seen certifies them, one that they died opens
/// a verification while payment goes on, anything else records nothing;
/// every other column is ignored and said so.
#[tokio::test]
async fn r6_5_a_household_survey_s_remarks_certify_or_open_a_verification() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let district = app.staff_session(&city.admin, "ts-district", "district", "650102").await;
    let today = today();
    let survey = format!(
        "序号,姓名,公民身份号码,性别,备注\n1,张三,{},男,入户见到本人，身体尚好\n2,王五,{},男,家属称本人已去世\n3,李四,{},女,本人健在\n4,某人,12345,男,本人健在\n5,张三,{},男,已登记\n",
        city.ids["ts_local"], city.ids["abroad"], city.ids["sy_local"], city.ids["ts_local"]
    );
    let missing = app.upload(&district, &format!("/api/v1/surveys?surveyed_on={today}"), "text/csv", "公民身份号码\n1\n").await;
    assert_eq!((missing.status, missing.json()["field"].as_str()), (422, Some("remarks")), "{}", missing.text());
    let r = app.upload(&district, &format!("/api/v1/surveys?surveyed_on={today}"), "text/csv", survey).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let outcomes: Vec<String> =
        r.json()["results"].as_array().unwrap().iter().map(|x| x["outcome"].as_str().unwrap().to_string()).collect();
    assert_eq!(outcomes, ["certified", "to_verify", "unknown", "rejected", "ignored"], "{}", r.text());
    assert_eq!(r.json()["columns_ignored"], json!(["序号", "姓名", "性别"]));

    let dossier = |who: &'static str| {
        let app = &app;
        let admin = city.admin.clone();
        let city = &city;
        async move {
            let person = city.person_id(app, who).await;
            app.call(&admin, "GET", &format!("/api/v1/persons/{person}"), None).await.json()
        }
    };
    let seen = dossier("ts_local").await;
    assert_eq!(seen["benefits"][0]["cycle"]["status"], "certified", "{seen}");
    let died = dossier("abroad").await;
    assert_eq!(died["benefits"][0]["payment_status"], "active", "a remark never stops payment on its own");
    let task = task_of(&app, &district, "verify_death_report").await;
    assert!(task["reason"].as_str().unwrap().contains("R6.5"), "{task}");
}
