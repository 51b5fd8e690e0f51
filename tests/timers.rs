//! The deadline timers (R4, R6.1, R6.3, R6.7, R7.1–R7.6) through
//! `POST /internal/tick`, with the date moved across each deadline —
//! including working-day deadlines spanning the 2026 Spring Festival, with
//! its make-up workdays — and the outbound feeds. Idempotency is proven
//! under concurrent ticks and a host killed mid-sweep.

use serde_json::{Value, json};
use zige_tests::{
    City, ROSTER_HEADER, SCHEDULER_TOKEN, Spawn, TestApp, id_number, seed_city, spawn, spawn_app, spawn_process, statutory_year,
    test_variables, zige_manifest,
};

fn count(app: &TestApp, sql: &str) -> i64 {
    app.database().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn text(app: &TestApp, sql: &str) -> String {
    use rusqlite::OptionalExtension;
    app.database().query_row(sql, [], |r| r.get::<_, Option<String>>(0)).optional().unwrap().flatten().unwrap_or_default()
}

/// Dates a roster's certifications as received when they happened, so that
/// a sweep run as of an earlier day than the real one knows them.
fn backdate_roster(app: &TestApp) {
    app.execute_behind("UPDATE evidence SET received_on = occurred_on WHERE source = 'roster'");
}

/// Adds recipients through the roster: (ID number, benefit type, last certified).
async fn enrol(app: &TestApp, admin: &str, rows: &[(String, &str, &str)]) {
    let lines: Vec<String> = rows
        .iter()
        .map(|(id, kind, certified)| format!("{id},某某某,{kind},2000,2015-01-01,650102,local,ts-c1,socialised,,13800000009,{certified},,"))
        .collect();
    let r = app.upload(admin, "/api/v1/roster/imports", "text/csv", format!("{ROSTER_HEADER}\n{}\n", lines.join("\n"))).await;
    assert_eq!(r.status, 200, "{}", r.text());
    backdate_roster(app);
}

async fn person_of(app: &TestApp, admin: &str, id: &str) -> String {
    let r = app.call(admin, "GET", &format!("/api/v1/persons?q={id}"), None).await.json();
    r["items"][0]["person_id"].as_str().expect("found").to_string()
}

#[tokio::test]
async fn the_tick_needs_the_scheduler_token_and_refuses_as_of_unless_enabled() {
    let app = spawn_app().await;
    let none = app.request("POST", "/internal/tick", &[], "").await;
    assert_eq!(none.status, 401);
    let wrong = app.request("POST", "/internal/tick", &[("authorization", "Bearer nope")], "").await;
    assert_eq!(wrong.status, 401);
    let auth = format!("Bearer {SCHEDULER_TOKEN}");
    let today = app.request("POST", "/internal/tick", &[("authorization", auth.as_str())], "").await;
    assert_eq!(today.status, 200, "{}", today.text());
    assert_eq!(today.json()["done"], true);
    let bad = app.request("POST", "/internal/tick", &[("authorization", auth.as_str())], r#"{"as_of":"2026-02-30"}"#).await;
    assert_eq!(bad.status, 400);

    let app = spawn(&zige_manifest(), Spawn { variables: zige_tests::production_variables(), ..Default::default() }).await;
    let r = app.tick("2026-12-01").await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(r.json()["field"], "as_of");
}

#[tokio::test]
async fn r4_r6_1_r6_7_cycles_remind_once_open_tasks_after_grace_and_escalate_late_tasks() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    // Unemployment benefit: monthly cycles, 7 days of grace. Certified in
    // October, so November's certification is due by 2026-11-30.
    let jobless = id_number("65010219800101777");
    enrol(&app, &city.admin, &[(jobless.clone(), "unemployment", "2026-10-10")]).await;
    let person = person_of(&app, &city.admin, &jobless).await;
    // Deadlines reach into 2027, which no notice covers yet: derived, provisional.
    let outbox = |app: &TestApp| count(app, &format!("SELECT COUNT(*) FROM outbox WHERE person_id = '{person}'"));

    let first = app.tick_until_done("2026-11-23").await;
    assert!(first["processed"]["cycles"].as_i64().unwrap() >= 5, "{first}");
    assert_eq!(
        text(&app, &format!("SELECT cycle_status || ' ' || cycle_due FROM benefits WHERE person_id = '{person}'")),
        "due 2026-11-30"
    );
    assert_eq!(outbox(&app), 1, "the 7-day reminder");
    let message = text(&app, &format!("SELECT message FROM outbox WHERE person_id = '{person}'"));
    assert!(message.contains("2026-11-30") && message.starts_with("某*某"), "plain Chinese, name masked: {message}");
    app.tick_until_done("2026-11-23").await;
    app.tick_until_done("2026-11-25").await;
    assert_eq!(outbox(&app), 1, "repeated sweeps queue nothing twice");
    app.tick_until_done("2026-11-30").await;
    assert_eq!(outbox(&app), 2, "on the due date");
    app.tick_until_done("2026-12-03").await;
    assert_eq!(outbox(&app), 3, "once overdue, within grace");
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM tasks WHERE person_id = '{person}'")), 0, "no task within grace");

    app.tick_until_done("2026-12-08").await;
    assert_eq!(text(&app, &format!("SELECT cycle_status FROM benefits WHERE person_id = '{person}'")), "overdue");
    let task = text(&app, &format!("SELECT org_id || ' ' || kind || ' ' || deadline FROM tasks WHERE person_id = '{person}'"));
    // 15 working days from 2026-12-08 (R6.1), routed to the community (R2.2).
    assert_eq!(task, "ts-c1 verify_cycle_lapsed 2026-12-29");
    app.tick_until_done("2026-12-09").await;
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM tasks WHERE person_id = '{person}'")), 1, "one task per lapse");

    // R6.7: past its deadline the task escalates to the district and the city, once.
    app.tick_until_done("2026-12-29").await;
    let escalated = format!("SELECT COUNT(*) FROM escalations e JOIN tasks t ON t.id = e.subject_id WHERE t.person_id = '{person}'");
    assert_eq!(count(&app, &escalated), 0, "not before the deadline has passed");
    app.tick_until_done("2026-12-30").await;
    app.tick_until_done("2026-12-31").await;
    let levels = text(
        &app,
        &format!(
            "SELECT group_concat(level || ':' || org_id, ' ') FROM (SELECT e.level, e.org_id FROM escalations e JOIN tasks t ON t.id = e.subject_id WHERE t.person_id = '{person}' ORDER BY e.level)"
        ),
    );
    assert_eq!(levels, "city:city-retiree district:650102");
    assert!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'timers.task_escalate'") >= 1);
    assert!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'timers.cycles'") >= 1, "cycle changes are audited");
}

/// Days from `from` to `to`, inclusive, as tick dates.
fn days(from: &str, to: &str) -> Vec<String> {
    let (from, to): (chrono::NaiveDate, chrono::NaiveDate) = (from.parse().unwrap(), to.parse().unwrap());
    from.iter_days().take_while(|d| *d <= to).map(|d| d.to_string()).collect()
}

#[tokio::test]
async fn dates_calendar_the_tick_never_stops_for_an_unannounced_year_and_the_notice_wins_once_loaded() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    // One resident pensioner certified in the third quarter: overdue in 2027,
    // when the verification task's deadline needs 2027's working days.
    let resident = id_number("65010219500101333");
    let csv = format!("{ROSTER_HEADER}\n{resident},玉素甫,resident_pension,300,2020-01-01,650102,domestic,,socialised,,,2026-08-01,,\n");
    assert_eq!(app.upload(&city.admin, "/api/v1/roster/imports", "text/csv", csv).await.json()["created"], 1);
    let person = person_of(&app, &city.admin, &resident).await;
    // Across the year end and the Spring Festival of 2027, every tick answers.
    for day in days("2026-12-20", "2027-01-20").into_iter().chain(days("2027-02-01", "2027-02-12")) {
        let r = app.tick(&day).await;
        assert_eq!(r.status, 200, "{day}: {}", r.text());
    }
    let task = |app: &TestApp| {
        text(
            app,
            &format!(
                "SELECT opened_on || ' ' || deadline || ' ' || deadline_provisional FROM tasks WHERE person_id = '{person}' AND kind = 'verify_cycle_lapsed'"
            ),
        )
    };
    // Q4 2026 was due 2026-12-31 and its 15 days of grace ended 2027-01-15
    // (R4.1): the task opened on the next day, 15 working days to go (R6.1).
    let opened = task(&app);
    let opened_on = chrono::NaiveDate::from_ymd_opt(2027, 1, 16).unwrap();
    let derived = zige_domain::WorkingCalendar::embedded().deadline(opened_on, 15).unwrap();
    assert!(derived.provisional);
    assert_eq!(opened, format!("{opened_on} {} 1", derived.on), "a provisional deadline on the derived 2027");
    let queue = app.call(&city.admin, "GET", "/api/v1/tasks?kind=verify_cycle_lapsed", None).await.json();
    assert_eq!(queue["items"][0]["deadline_provisional"], true, "staff see that it is provisional: {queue}");

    // The notice for 2027 is loaded with a bridging week after the Spring
    // Festival: the open deadline moves, and is final.
    let mut notice = statutory_year(2027);
    for day in days("2027-02-09", "2027-02-12") {
        notice.push_str(&format!("{day} holiday 春节\n"));
    }
    let loaded = app.request("PUT", "/api/v1/calendar/2027", &[("authorization", &format!("Bearer {}", city.admin))], notice.clone()).await;
    assert_eq!(loaded.status, 200, "{}", loaded.text());
    assert!(loaded.json()["deadlines_recomputed"].as_i64().unwrap() >= 1, "{}", loaded.text());
    let announced = zige_domain::WorkingCalendar::parse(&notice).unwrap();
    let mut calendar = zige_domain::WorkingCalendar::embedded();
    calendar.merge(&announced);
    let moved = calendar.deadline(opened_on, 15).unwrap();
    assert!(!moved.provisional && moved.on > derived.on, "{moved:?} after {derived:?}");
    assert_eq!(task(&app), format!("{opened_on} {} 0", moved.on));
}

/// A roster CSV of one unemployment recipient, and a partner file with their death.
async fn suspended_by_a_death(app: &TestApp, city: &City, who: &str, died: &str) -> String {
    let id = id_number(who);
    enrol(app, &city.admin, &[(id.clone(), "employee_pension", "2026-03-01")]).await;
    let partner = json!({ "partner_id": "civil", "name": "民政局", "kind": "civil_affairs", "event_types": ["death"] });
    let _ = app.call(&city.admin, "POST", "/api/v1/partners", Some(&partner)).await;
    let file = format!("event_id,type,id_number,occurred_on,source\nd-{who},death,{id},{died},population_registry\n");
    let r = app.upload(&city.admin, "/api/v1/datashare/imports?partner_id=civil", "text/csv", file).await;
    assert_eq!(r.json()["counts"]["applied"], 1, "{}", r.text());
    person_of(app, &city.admin, &id).await
}

#[tokio::test]
async fn r7_2_three_months_suspended_without_objection_terminates_once_with_payroll_instructions() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let person = suspended_by_a_death(&app, &city, "65010219400101888", "2026-08-10").await;
    let benefit = text(&app, &format!("SELECT id FROM benefits WHERE person_id = '{person}'"));
    let since = text(&app, &format!("SELECT payment_since FROM benefits WHERE id = '{benefit}'"));
    // R7.3, R7.4: every month after the death in August was paid, through this month.
    let now = zige_domain::china_date(chrono::Utc::now());
    let months = i64::from(chrono::Datelike::year(&now) * 12 + chrono::Datelike::month(&now) as i32 - (2026 * 12 + 8));
    assert_eq!(count(&app, &format!("SELECT amount_fen FROM overpayments WHERE benefit_id = '{benefit}'")), months * 200_000);

    let due = chrono::NaiveDate::parse_from_str(&since, "%Y-%m-%d").unwrap().checked_add_months(chrono::Months::new(3)).unwrap();
    let day_before = due.pred_opt().unwrap().to_string();
    app.tick_until_done(&day_before).await;
    assert_eq!(text(&app, &format!("SELECT payment_status FROM benefits WHERE id = '{benefit}'")), "suspended");
    app.tick_until_done(&due.to_string()).await;
    app.tick_until_done(&due.succ_opt().unwrap().to_string()).await;
    assert_eq!(text(&app, &format!("SELECT payment_status FROM benefits WHERE id = '{benefit}'")), "terminated");
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM tasks WHERE person_id = '{person}' AND kind = 'file_termination' AND org_id = 'city-si'")
        ),
        1
    );
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM outbox WHERE key LIKE 'terminated:%' AND person_id = '{person}'")), 1);

    // The payroll feed: suspension then termination, once each, in order.
    let payroll = app.staff_session(&city.admin, "payroll", "integration", "city-si").await;
    let feed = app.call(&payroll, "GET", "/api/v1/payroll/instructions", None).await;
    assert_eq!(feed.status, 200, "{}", feed.text());
    let items: Vec<Value> = feed.json()["items"].as_array().unwrap().iter().filter(|i| i["benefit_id"] == benefit).cloned().collect();
    let actions: Vec<&str> = items.iter().map(|i| i["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["suspend", "terminate"]);
    assert!(items[0]["reason"].as_str().unwrap().contains("R5.9"), "{}", items[0]);
    let last = feed.json()["next_after"].as_i64().unwrap();
    let ack = app.call(&payroll, "POST", "/api/v1/payroll/acknowledgements", Some(&json!({ "through": last }))).await;
    assert_eq!(ack.status, 200, "{}", ack.text());
    let after = app.call(&payroll, "GET", "/api/v1/payroll/instructions", None).await.json();
    assert_eq!(after["items"], json!([]), "reading resumes after the acknowledgement");
    let beyond = app.call(&payroll, "POST", "/api/v1/payroll/acknowledgements", Some(&json!({ "through": last + 10 }))).await;
    assert_eq!(beyond.status, 422);
    assert_eq!(app.call(&payroll, "GET", "/api/v1/persons", None).await.status, 403, "an integration account reads feeds only");
    let district = app.staff_session(&city.admin, "ts-clerk", "district", "650102").await;
    assert_eq!(app.call(&district, "GET", "/api/v1/payroll/instructions", None).await.status, 403);
}

#[tokio::test]
async fn r7_1_an_unreachable_outcome_left_3_working_days_over_spring_festival_is_suspended() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let person = city.person_id(&app, "ts_local").await;
    // The district's outcome as the case-work endpoints record it: decided on
    // Friday 2026-02-13. Working days: 02-14 (a make-up Saturday), then the
    // holiday to 02-23, then 02-24 and 02-25. The city has until 02-25.
    app.database()
        .execute(
            "INSERT INTO decisions (id, person_id, outcome, decided_on, decided_by, created_at, org_id) VALUES ('d1', ?1, '{\"outcome\":\"unreachable\"}', '2026-02-13', 'staff:x', '2026-02-13T10:00:00Z', '650102')",
            [&person],
        )
        .unwrap();
    app.tick_until_done("2026-02-25").await;
    assert_eq!(text(&app, &format!("SELECT payment_status FROM benefits WHERE person_id = '{person}'")), "active");
    app.tick_until_done("2026-02-26").await;
    assert_eq!(
        text(&app, &format!("SELECT payment_status || ' ' || payment_reason FROM benefits WHERE person_id = '{person}'")),
        "suspended unreachable"
    );
    assert_eq!(text(&app, "SELECT auto_suspended_on FROM decisions WHERE id = 'd1'"), "2026-02-26", "marked as suspended by the rule");
    let history =
        text(&app, &format!("SELECT actor FROM history WHERE person_id = '{person}' AND field = 'payment_status' ORDER BY id DESC"));
    assert_eq!(history, "system:timers");
    app.tick_until_done("2026-02-27").await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM payroll_instructions WHERE action = 'suspend'"), 1, "once");
    assert_eq!(text(&app, "SELECT effective_month FROM payroll_instructions WHERE action = 'suspend'"), "2026-03");
}

#[tokio::test]
async fn r6_3_a_home_visit_not_scheduled_in_5_working_days_over_spring_festival_escalates_once() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let token = app.recipient(&city.ids["ts_local"]).await;
    let body = json!({ "reason": "very_old", "address": "天山区某路1号", "phone": "13800000001", "preferred_days": ["周一上午"] });
    assert_eq!(app.call(&token, "POST", "/api/v1/me/home-visits", Some(&body)).await.status, 201);
    // Moved back to Thursday 2026-02-12: 02-13, 02-14 (make-up), 02-24, 02-25, 02-26.
    app.database().execute("UPDATE home_visits SET requested_on = '2026-02-12'", []).unwrap();
    app.tick_until_done("2026-02-26").await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM escalations WHERE subject_kind = 'home_visit'"), 0);
    app.tick_until_done("2026-02-27").await;
    app.tick_until_done("2026-03-02").await;
    assert_eq!(text(&app, "SELECT level || ' ' || org_id FROM escalations WHERE subject_kind = 'home_visit'"), "district 650102");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM escalations WHERE subject_kind = 'home_visit'"), 1);
}

#[tokio::test]
async fn r7_3_r7_6_a_passed_refund_deadline_and_a_missed_instalment_are_escalated_once_each() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let person = suspended_by_a_death(&app, &city, "65010219400101999", "2026-08-10").await;
    let overpayment = text(&app, &format!("SELECT id FROM overpayments WHERE person_id = '{person}'"));
    // The served notice's deadline and an instalment agreement, as the
    // recovery endpoints record them.
    let db = app.database();
    db.execute("UPDATE overpayments SET refund_deadline = '2026-12-15' WHERE id = ?1", [&overpayment]).unwrap();
    db.execute("INSERT INTO instalments (overpayment_id, number, due_on, amount_fen, paid_fen) VALUES (?1, 1, '2026-12-20', 300000, 300000), (?1, 2, '2027-01-20', 300000, 100000)", [&overpayment]).unwrap();
    // R7.5 one rule: what counts is what was paid by each due date.
    db.execute(
        "INSERT INTO recovery_payments (id, overpayment_id, kind, amount_fen, paid_on, recorded_by, created_at)
         VALUES ('rp1', ?1, 'refund', 300000, '2026-12-10', 'staff:test', '2026-12-10'), ('rp2', ?1, 'refund', 100000, '2027-01-10', 'staff:test', '2027-01-10')",
        [&overpayment],
    )
    .unwrap();
    app.tick_until_done("2026-12-15").await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM escalations WHERE subject_kind = 'overpayment'"), 0);
    app.tick_until_done("2026-12-16").await;
    assert_eq!(
        text(
            &app,
            "SELECT group_concat(level || ':' || org_id, ' ') FROM (SELECT * FROM escalations WHERE subject_kind = 'overpayment' ORDER BY level)"
        ),
        "agency:city-si refund_overdue:650102"
    );
    app.tick_until_done("2027-01-21").await;
    app.tick_until_done("2027-01-22").await;
    assert_eq!(
        text(&app, "SELECT subject_id || ' ' || org_id FROM escalations WHERE subject_kind = 'instalment'"),
        format!("{overpayment}#2 city-si")
    );
    assert_eq!(text(&app, "SELECT group_concat(number) FROM instalments WHERE missed_on IS NOT NULL"), "2", "the paid one is not missed");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM escalations WHERE subject_kind IN ('overpayment', 'instalment')"), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_ticks_never_double_a_reminder_a_task_or_an_instruction() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let rows: Vec<(String, &str, &str)> = (0..600)
        .map(|i| (id_number(&format!("6501021975{:02}{:02}{:03}", 1 + i % 12, 1 + i / 12 % 28, i)), "unemployment", "2026-10-10"))
        .collect();
    enrol(&app, &city.admin, &rows).await;
    for day in ["2026-11-23", "2026-12-08"] {
        let mut done = false;
        while !done {
            let calls: Vec<_> = (0..4)
                .map(|_| {
                    let addr = app.addr;
                    let body = json!({ "as_of": day, "rows": 150 }).to_string();
                    tokio::spawn(async move {
                        let auth = format!("Bearer {SCHEDULER_TOKEN}");
                        zige_tests::send(addr, "POST", "/internal/tick", &[("authorization", auth.as_str())], body.into()).await.unwrap()
                    })
                })
                .collect();
            done = true;
            for call in calls {
                let r = call.await.unwrap();
                assert_eq!(r.status, 200, "{}", r.text());
                done &= r.json()["done"] == true;
            }
        }
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outbox WHERE key LIKE 'remind:%:2026-11-23'"), 600, "one 7-day reminder each");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outbox"), count(&app, "SELECT COUNT(DISTINCT key) FROM outbox"));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM tasks WHERE kind = 'verify_cycle_lapsed'"),
        600 + 2,
        "one task per lapsed person (and the two of the seeded city)"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM (SELECT person_id FROM tasks GROUP BY person_id, kind HAVING COUNT(*) > 1)"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_host_killed_mid_sweep_loses_nothing_and_the_next_tick_finishes() {
    const PEOPLE: usize = 20_000;
    let app = spawn_process(tempfile::Builder::new().prefix("zige-sweep").tempdir().unwrap());
    let city = seed_city(&app).await;
    let rows: Vec<(String, &str, &str)> = (0..PEOPLE)
        .map(|i| (id_number(&format!("6501021960{:02}{:02}{:03}", 1 + i % 12, 1 + i / 12 % 28, i % 1000)), "unemployment", "2026-10-10"))
        .collect();
    for chunk in rows.chunks(10_000) {
        enrol(&app, &city.admin, chunk).await;
    }
    let addr = app.addr;
    let sweep = tokio::spawn(async move {
        let auth = format!("Bearer {SCHEDULER_TOKEN}");
        zige_tests::send(
            addr,
            "POST",
            "/internal/tick",
            &[("authorization", auth.as_str())],
            json!({ "as_of": "2026-12-08" }).to_string().into(),
        )
        .await
    });
    let mut cursor = String::new();
    for _ in 0..4000 {
        cursor = text(&app, "SELECT cursor FROM timer_jobs WHERE job = 'cycles' AND done = 0");
        if !cursor.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    let state = app.kill();
    assert!(!cursor.is_empty(), "the kill came mid-sweep");
    assert!(sweep.await.unwrap().is_err(), "the tick's answer is lost with the host");

    let app = spawn_process(state);
    let marked_before = count(&app, "SELECT COUNT(*) FROM benefits WHERE cycle_status = 'overdue'");
    assert!(marked_before > 0 && marked_before < PEOPLE as i64, "part of the sweep was committed: {marked_before}");
    app.tick_until_done("2026-12-08").await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM benefits WHERE cycle_status = 'overdue'"), PEOPLE as i64 + 2);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM tasks WHERE kind = 'verify_cycle_lapsed'"), PEOPLE as i64 + 2, "one task each");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outbox"), count(&app, "SELECT COUNT(DISTINCT key) FROM outbox"));
    let verified = app.call(&city.admin, "GET", "/api/v1/audit/verify", None).await;
    assert_eq!(verified.status, 200, "{}", verified.text());
}

#[tokio::test]
async fn messages_are_pushed_to_the_gateway_once_and_retried_after_a_failure() {
    let (gateway, mut heads) = zige_tests::recording_server("{\"ok\":true}").await;
    let mut variables = test_variables();
    variables.push(("notify_gateway_url".into(), format!("http://{gateway}/sms")));
    variables.push(("notify_gateway_origin".into(), format!("http://{gateway}")));
    let app = spawn(&zige_manifest(), Spawn { variables, ..Default::default() }).await;
    let city = seed_city(&app).await;
    let jobless = id_number("65010219800101666");
    enrol(&app, &city.admin, &[(jobless, "unemployment", "2026-10-10")]).await;
    app.tick_until_done("2026-11-23").await;
    let head = tokio::time::timeout(std::time::Duration::from_secs(30), heads.recv()).await.expect("the gateway is called").unwrap();
    assert!(head.starts_with("POST /sms "), "{head}");
    assert!(head.to_ascii_lowercase().contains("idempotency-key: zige-outbox-"), "{head}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'"), count(&app, "SELECT COUNT(*) FROM outbox"));
    let sent = count(&app, "SELECT COUNT(*) FROM outbox");
    while heads.try_recv().is_ok() {}
    app.tick_until_done("2026-11-23").await;
    assert!(heads.try_recv().is_err(), "nothing is sent twice");

    // A gateway that cannot be reached: the message stays queued, retried later.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let mut variables = test_variables();
    variables.push(("notify_gateway_url".into(), format!("http://{closed}/sms")));
    variables.push(("notify_gateway_origin".into(), format!("http://{closed}")));
    let app = spawn(&zige_manifest(), Spawn { variables, ..Default::default() }).await;
    let city = seed_city(&app).await;
    enrol(&app, &city.admin, &[(id_number("65010219800101555"), "unemployment", "2026-10-10")]).await;
    app.tick_until_done("2026-11-23").await;
    assert!(sent > 0);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND attempts = 1 AND last_error IS NOT NULL"),
        count(&app, "SELECT COUNT(*) FROM outbox")
    );
    app.tick_until_done("2026-11-23").await;
    assert_eq!(count(&app, "SELECT MAX(attempts) FROM outbox"), 1, "the next attempt waits for its backoff");
}

#[tokio::test]
async fn without_a_gateway_messages_are_a_feed_read_and_acknowledged_by_cursor() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let two =
        [(id_number("65010219800101444"), "unemployment", "2026-10-10"), (id_number("65010219800101333"), "unemployment", "2026-10-10")];
    enrol(&app, &city.admin, &two).await;
    app.tick_until_done("2026-11-23").await;
    let gateway = app.staff_session(&city.admin, "sms", "integration", "city-si").await;
    let feed = app.call(&gateway, "GET", "/api/v1/notifications/messages?limit=2", None).await;
    assert_eq!(feed.status, 200, "{}", feed.text());
    let items = feed.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2);
    assert!(items[0]["text"].as_str().unwrap().contains("认证"));
    let through = feed.json()["next_after"].as_i64().unwrap();
    assert_eq!(
        app.call(&gateway, "POST", "/api/v1/notifications/acknowledgements", Some(&json!({ "through": through }))).await.status,
        200
    );
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND seq <= {through}")), 2);
    let rest = app.call(&gateway, "GET", "/api/v1/notifications/messages", None).await.json();
    assert!(rest["items"].as_array().unwrap().iter().all(|i| i["seq"].as_i64().unwrap() > through));
    // Every read of the messages (they carry phone numbers) is audited (R8.1).
    assert!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'feed.read'") >= 1);
    // A second consumer's messages are its own: the first one's
    // acknowledgement does not mark them sent for it.
    let wechat = app.staff_session(&city.admin, "wechat", "integration", "city-si").await;
    let its = app.call(&wechat, "GET", "/api/v1/notifications/messages?after=0", None).await.json();
    let newest = its["next_after"].as_i64().unwrap();
    app.call(&gateway, "POST", "/api/v1/notifications/acknowledgements", Some(&json!({ "through": newest }))).await;
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND seq > {through}")),
        0,
        "the other consumer has not taken them"
    );
    app.call(&wechat, "POST", "/api/v1/notifications/acknowledgements", Some(&json!({ "through": newest }))).await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outbox WHERE status = 'pending'"), 0, "taken by every consumer, they are delivered");
}

/// The tick prunes the key-value store (sessions, challenges and rate
/// counters never expire by themselves there): what has run out goes, the
/// rest stays.
#[tokio::test]
async fn the_tick_prunes_sessions_challenges_and_counters_that_have_run_out() {
    if !zige_tests::local_stores() {
        return; // The entries are written into Spin's local key-value file below.
    }
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let kv = rusqlite::Connection::open(app.state_dir.path().join(".spin/sqlite_key_value.db")).unwrap();
    let expired = serde_json::to_vec(&json!({ "holder": "staff:gone", "expires_at": 1 })).unwrap();
    for (key, value) in
        [("staff-session:old", expired.clone()), ("face-challenge:old", expired), ("rate:addr:10.0.0.1:1", 5i64.to_le_bytes().to_vec())]
    {
        kv.execute("INSERT INTO spin_key_value (store, key, value) VALUES ('default', ?1, ?2)", (key, value)).unwrap();
    }
    let tick = app.tick(&zige_domain::china_date(chrono::Utc::now()).to_string()).await.json();
    assert!(tick["processed"]["key_value_pruned"].as_i64().unwrap() >= 3, "{tick}");
    let left: Vec<String> = kv
        .prepare("SELECT key FROM spin_key_value WHERE key LIKE '%old%' OR key LIKE 'rate:addr:10.0.0.1:%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(app.call(&city.admin, "GET", "/api/v1/staff/me", None).await.status, 200, "a live session stays");
}

/// Issue 20: a stored value that no longer reads stops the sweep with an
/// error in the log naming the record, instead of being dropped (a death
/// record left unread would be a pension paid on). The answer says nothing
/// of it; once the row is mended, the sweep goes on.
#[tokio::test]
async fn a_stored_value_that_no_longer_reads_stops_the_sweep_loudly() {
    let app = spawn_app().await;
    seed_city(&app).await;
    let today = zige_domain::china_date(chrono::Utc::now()).to_string();
    let (id, kind) = app
        .database()
        .query_row("SELECT id, kind FROM evidence ORDER BY id LIMIT 1", [], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap();
    app.database().execute("UPDATE evidence SET kind = '\"no_such_kind\"' WHERE id = ?", [&id]).unwrap();
    let refused = app.tick(&today).await;
    assert_eq!(refused.status, 500, "{}", refused.text());
    assert!(refused.header("content-type").is_some_and(|t| t.starts_with("application/problem+json")));
    assert!(!refused.text().contains("no_such_kind") && !refused.text().contains(&id), "internals stay in the log: {}", refused.text());
    app.database().execute("UPDATE evidence SET kind = ? WHERE id = ?", [&kind, &id]).unwrap();
    assert_eq!(app.tick_until_done(&today).await["done"], true);
}
