//! Recovery of overpayments end to end (R7.2–R7.6, R9.3): a death reported
//! by a partner months late, payment stopped at once, no objection, the
//! benefit terminated by the rule, the notice served, an instalment
//! agreement approved by the agency, a missed instalment escalated, the rest
//! paid; the deduction for an employer-managed retiree; the blacklist.

use serde_json::{Value, json};
use zige_tests::{City, TestApp, seed_city, spawn_app};

fn today() -> chrono::NaiveDate {
    zige_domain::china_date(chrono::Utc::now())
}

async fn died(app: &TestApp, city: &City, who: &str, on: &str) {
    let partner = json!({ "partner_id": "police", "name": "公安局", "kind": "police", "event_types": ["death"] });
    let _ = app.call(&city.admin, "POST", "/api/v1/partners", Some(&partner)).await;
    let file = format!("event_id,type,id_number,occurred_on,source\nd-{who},death,{},{on},household_cancellation\n", city.ids[who]);
    let r = app.upload(&city.admin, "/api/v1/datashare/imports?partner_id=police", "text/csv", file).await;
    assert_eq!(r.json()["counts"]["applied"], 1, "{}", r.text());
}

async fn case_of(app: &TestApp, token: &str) -> Value {
    let list = app.call(token, "GET", "/api/v1/recoveries", None).await;
    assert_eq!(list.status, 200, "{}", list.text());
    let id = list.json()["items"][0]["recovery_id"].as_str().expect("a case").to_string();
    app.call(token, "GET", &format!("/api/v1/recoveries/{id}"), None).await.json()
}

fn months_since_august() -> i64 {
    i64::from(chrono::Datelike::year(&today()) * 12 + chrono::Datelike::month(&today()) as i32 - (2026 * 12 + 8))
}

/// R7.2–R7.6, R9.3: from a late death record to termination, the notice,
/// instalments, escalation in writing and the blacklist and its lifting.
#[tokio::test]
async fn r7_3_r7_6_a_late_death_report_ends_in_termination_and_a_recovery_paid_by_instalments() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    died(&app, &city, "ts_local", "2026-08-10").await;
    let district = app.staff_session(&city.admin, "ts-district", "district", "650102").await;
    let case = case_of(&app, &district).await;
    let id = case["recovery_id"].as_str().unwrap().to_string();
    let owed = months_since_august() * 320_050;
    assert_eq!(case["amount_fen"], owed, "every month after August was overpaid: {case}");
    assert_eq!(case["status"], "open");
    let other = app.staff_session(&city.admin, "sy-district", "district", "650103").await;
    assert_eq!(app.call(&other, "GET", &format!("/api/v1/recoveries/{id}"), None).await.status, 404, "R7.3: the responsible district only");

    let draft = app.call(&district, "GET", &format!("/api/v1/recoveries/{id}/notice"), None).await;
    assert!(draft.header("content-type").unwrap().starts_with("text/html"));
    let text = draft.text();
    assert!(text.contains("限期退还多领社会保险待遇通知书") && text.contains("草稿") && text.contains("size: A4"), "{text}");
    assert!(text.contains(&zige_domain::Fen::new(owed).to_string()), "the amount in yuan");
    let served = app.call(&district, "POST", &format!("/api/v1/recoveries/{id}/notice"), Some(&json!({ "refund_days": 30 }))).await;
    assert_eq!(served.status, 200, "{}", served.text());
    let deadline = (today() + chrono::Duration::days(30)).to_string();
    assert_eq!(served.json()["refund_deadline"], deadline.as_str());
    let notice = |lang: &str| {
        let path = format!("/api/v1/recoveries/{id}/notice{lang}");
        let district = district.clone();
        let app = &app;
        async move { app.call(&district, "GET", &path, None).await }
    };
    let zh = notice("").await.text();
    assert!(!zh.contains("草稿") && zh.contains(&deadline), "served, with its deadline");
    // The notice cites the notice's real title and the part on overpayments (R7.3).
    assert!(zh.contains("《关于进一步做好乌鲁木齐市领取社会保险待遇资格认证工作的通知》（乌人社规〔2022〕3号）第八部分"), "{zh}");
    assert!(!zh.contains("经办规程") && !zh.contains("第七条"), "no document or article that does not exist");
    // In the person's language: Uyghur right to left, and English.
    let ug = notice("?lang=ug").await.text();
    assert!(ug.contains(r#"lang="ug" dir="rtl""#) && ug.contains("مۆھلەت ئىچىدە قايتۇرۇش") && ug.contains(&deadline), "{ug}");
    let en = notice("?lang=en").await.text();
    assert!(en.contains("Notice to refund overpaid") && en.contains(&zige_domain::Fen::new(owed).to_string()), "{en}");
    assert_eq!(notice("?lang=fr").await.status, 400);

    // R7.5: only the agency approves an instalment agreement.
    let first_due = today() + chrono::Duration::days(10);
    let plan = json!({ "count": 3, "first_due": first_due });
    assert_eq!(app.call(&district, "POST", &format!("/api/v1/recoveries/{id}/instalments"), Some(&plan)).await.status, 403);
    let agency = app.staff_session(&city.admin, "si-clerk", "city_social_insurance", "city-si").await;
    let approved = app.call(&agency, "POST", &format!("/api/v1/recoveries/{id}/instalments"), Some(&plan)).await;
    assert_eq!(approved.status, 201, "{}", approved.text());
    let instalments = approved.json()["instalments"].clone();
    assert_eq!(instalments.as_array().unwrap().len(), 3);
    let first = instalments[0]["amount_fen"].as_i64().unwrap();
    let paid = app
        .call(&district, "POST", &format!("/api/v1/recoveries/{id}/payments"), Some(&json!({ "amount_fen": first, "paid_on": today() })))
        .await;
    assert_eq!(paid.status, 201, "{}", paid.text());
    assert_eq!(paid.json()["instalments"][0]["paid_fen"], first);
    let too_much = json!({ "amount_fen": owed, "paid_on": today() });
    assert_eq!(
        app.call(&district, "POST", &format!("/api/v1/recoveries/{id}/payments"), Some(&too_much)).await.status,
        422,
        "no more than owed"
    );

    // Unanswered, the suspension becomes a termination (R7.2); the second
    // instalment is missed and escalated once (R7.6).
    let second_due: chrono::NaiveDate = instalments[1]["due_on"].as_str().unwrap().parse().unwrap();
    let termination = today().checked_add_months(chrono::Months::new(3)).unwrap();
    let later = second_due.max(termination) + chrono::Duration::days(1);
    app.tick_until_done(&later.to_string()).await;
    app.tick_until_done(&later.succ_opt().unwrap().to_string()).await;
    let case = app.call(&district, "GET", &format!("/api/v1/recoveries/{id}"), None).await.json();
    let escalations: Vec<&str> = case["escalations"].as_array().unwrap().iter().map(|e| e["level"].as_str().unwrap()).collect();
    assert!(escalations.contains(&"missed"), "{case}");
    assert!(escalations.contains(&"refund_overdue"), "the refund deadline passed too: {case}");
    assert_eq!(case["instalments"][1]["missed_on"], later.to_string());
    let payroll = app.staff_session(&city.admin, "payroll", "integration", "city-si").await;
    let feed = app.call(&payroll, "GET", "/api/v1/payroll/instructions?after=0", None).await.json();
    let actions: Vec<&str> = feed["items"].as_array().unwrap().iter().map(|i| i["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["suspend", "terminate"]);

    let written = json!({ "evidence": "三次电话催缴、上门送达催缴函，家属拒绝缴纳", "refused": true });
    assert_eq!(app.call(&district, "POST", &format!("/api/v1/recoveries/{id}/escalation"), Some(&written)).await.status, 201);
    let listed = json!({ "action": "list", "decision": "乌人社失信〔2027〕1号" });
    assert_eq!(app.call(&district, "POST", &format!("/api/v1/recoveries/{id}/blacklist"), Some(&listed)).await.status, 403);
    let r = app.call(&agency, "POST", &format!("/api/v1/recoveries/{id}/blacklist"), Some(&listed)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["refusals"], 1);
    assert_eq!(app.call(&agency, "POST", &format!("/api/v1/recoveries/{id}/blacklist"), Some(&listed)).await.status, 409);

    let rest = owed - first;
    let settled = app
        .call(&district, "POST", &format!("/api/v1/recoveries/{id}/payments"), Some(&json!({ "amount_fen": rest, "paid_on": today() })))
        .await;
    assert_eq!(settled.json()["status"], "recovered", "{}", settled.text());
    let lift = json!({ "action": "lift", "decision": "已全额退还，乌人社失信〔2027〕2号" });
    assert_eq!(app.call(&agency, "POST", &format!("/api/v1/recoveries/{id}/blacklist"), Some(&lift)).await.status, 200);
    let audited: i64 = app.database().query_row("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'recovery.%'", [], |r| r.get(0)).unwrap();
    assert_eq!(audited, 7, "notice, plan, two payments, escalation, listing, lifting");
    let dashboard = app.call(&city.admin, "GET", "/api/v1/dashboard", None).await.json();
    assert_eq!(dashboard["recovery"]["recovered_fen"], owed, "{dashboard}");
    assert_eq!(dashboard["recovery"]["recovery_rate"], 1.0, "{dashboard}");
}

#[tokio::test]
async fn r7_4_an_employer_managed_retiree_is_deducted_from_funeral_grant_and_survivor_pension() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    died(&app, &city, "acme", "2026-08-10").await;
    let agency = app.staff_session(&city.admin, "si-clerk", "city_social_insurance", "city-si").await;
    let case = case_of(&app, &agency).await;
    let id = case["recovery_id"].as_str().unwrap();
    let owed = months_since_august() * 510_000;
    assert_eq!(case["amount_fen"], owed);
    let body = json!({ "funeral_grant_fen": 300_000, "survivor_pension_fen": 200_000 });
    let r = app.call(&agency, "POST", &format!("/api/v1/recoveries/{id}/deduction"), Some(&body)).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let deducted = owed.min(500_000);
    assert_eq!(r.json()["paid_fen"], deducted);
    assert_eq!(r.json()["employer_remainder_fen"], owed - deducted, "the employer recovers the rest");
    assert_eq!(app.call(&agency, "POST", &format!("/api/v1/recoveries/{id}/deduction"), Some(&body)).await.status, 409, "once");
    let payroll = app.staff_session(&city.admin, "payroll", "integration", "city-si").await;
    let feed = app.call(&payroll, "GET", "/api/v1/payroll/instructions?after=0", None).await.json();
    let recover = feed["items"].as_array().unwrap().iter().find(|i| i["action"] == "recover").cloned().expect("a recover instruction");
    assert_eq!(recover["amount_fen"], deducted);
    let employer = app.staff_session(&city.admin, "acme-hr", "employer", "acme").await;
    assert_eq!(
        app.call(&employer, "GET", &format!("/api/v1/recoveries/{id}"), None).await.status,
        200,
        "the employer sees its retiree's case"
    );
}
