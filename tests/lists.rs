//! The three lists (R5.4), their filters, scope (R2.3) and streamed CSV
//! export (audited, R8.1), the dashboard, and the service register (R6.3).

use serde_json::{Value, json};
use zige_tests::{City, TestApp, seed_city, spawn_app};

async fn list(app: &TestApp, token: &str, path: &str) -> Value {
    let r = app.call(token, "GET", path, None).await;
    assert_eq!(r.status, 200, "{path}: {}", r.text());
    r.json()
}

fn names(page: &Value) -> Vec<String> {
    let mut names: Vec<String> =
        page["items"].as_array().unwrap().iter().map(|i| i["person"]["name"].as_str().unwrap().to_string()).collect();
    names.sort();
    names.dedup();
    names
}

async fn swept(app: &TestApp) -> City {
    let city = seed_city(app).await;
    app.database().execute("UPDATE evidence SET received_on = occurred_on WHERE source = 'roster'", []).unwrap();
    app.tick_until_done(&zige_domain::china_date(chrono::Utc::now()).to_string()).await;
    city
}

#[tokio::test]
async fn r5_4_three_lists_with_reasons_filters_and_scope() {
    let app = spawn_app().await;
    let city = swept(&app).await;
    let to_verify = list(&app, &city.admin, "/api/v1/lists/to_verify").await;
    assert_eq!(to_verify["list_name_zh"], "待核实人员名单");
    assert_eq!(names(&to_verify), ["李*", "赵*"], "never certified: {to_verify}");
    let reasons = &to_verify["items"][0]["reasons"];
    assert!(
        reasons.as_array().is_some_and(|r| !r.is_empty() && r[0]["requirement"].is_string()),
        "each row has the domain's reasons: {reasons}"
    );
    let eligible = list(&app, &city.admin, "/api/v1/lists/eligible").await;
    assert!(names(&eligible).contains(&"张*".to_string()), "{eligible}");
    assert_eq!(eligible["items"][0]["person"]["id_number_masked"].as_str().unwrap().contains('*'), true);

    let filtered = list(&app, &city.admin, "/api/v1/lists/to_verify?benefit_type=resident_pension").await;
    assert_eq!(names(&filtered), ["李*"]);
    let filtered = list(&app, &city.admin, "/api/v1/lists/eligible?district=650102").await;
    assert!(filtered["items"].as_array().unwrap().iter().all(|i| i["person"]["insured_district"] == "650102"));
    assert_eq!(app.call(&city.admin, "GET", "/api/v1/lists/to_verify?benefit_type=spaceship", None).await.status, 400);
    assert_eq!(app.call(&city.admin, "GET", "/api/v1/lists/unknown", None).await.status, 404);

    // R2.3: a community sees its residents; an employer its retirees.
    let ts = app.staff_session(&city.admin, "ts-community", "community", "ts-c1").await;
    assert_eq!(names(&list(&app, &ts, "/api/v1/lists/to_verify").await), Vec::<String>::new());
    let employer = app.staff_session(&city.admin, "acme-hr", "employer", "acme").await;
    assert_eq!(names(&list(&app, &employer, "/api/v1/lists/to_verify").await), ["赵*"]);
    let integration = app.staff_session(&city.admin, "payroll", "integration", "city-si").await;
    assert_eq!(app.call(&integration, "GET", "/api/v1/lists/eligible", None).await.status, 403);
}

#[tokio::test]
async fn r5_9_a_loss_moves_a_person_to_the_lost_list_at_once() {
    let app = spawn_app().await;
    let city = swept(&app).await;
    let partner = json!({ "partner_id": "civil", "name": "民政局", "kind": "civil_affairs", "event_types": ["death"] });
    app.call(&city.admin, "POST", "/api/v1/partners", Some(&partner)).await;
    let today = zige_domain::china_date(chrono::Utc::now());
    let file = format!("event_id,type,id_number,occurred_on,source\nd1,death,{},{today},population_registry\n", city.ids["ts_local"]);
    app.upload(&city.admin, "/api/v1/datashare/imports?partner_id=civil", "text/csv", file).await;
    let lost = list(&app, &city.admin, "/api/v1/lists/lost").await;
    assert_eq!(names(&lost), ["张*"], "{lost}");
}

#[tokio::test]
async fn r5_3_silent_certification_shows_on_the_lists_and_the_tick_renews_the_rest() {
    let app = spawn_app().await;
    let city = swept(&app).await;
    let partner = json!({ "partner_id": "bank", "name": "某银行", "kind": "bank", "event_types": ["bank_in_person"] });
    app.call(&city.admin, "POST", "/api/v1/partners", Some(&partner)).await;
    let today = zige_domain::china_date(chrono::Utc::now());
    let import = |n: usize, who: &str| format!("event_id,type,id_number,occurred_on\nb{n},bank_in_person,{},{today}\n", city.ids[who]);
    // A sign of life queues the person; the list renews queued persons
    // before it answers, so 李四 is certified on it at once.
    app.upload(&city.admin, "/api/v1/datashare/imports?partner_id=bank", "text/csv", import(1, "sy_local")).await;
    let queued: i64 = app.database().query_row("SELECT COUNT(*) FROM reassessments", [], |r| r.get(0)).unwrap();
    assert_eq!(queued, 1, "the import queued one reassessment");
    let eligible = list(&app, &city.admin, "/api/v1/lists/eligible").await;
    assert!(names(&eligible).contains(&"李*".to_string()), "{eligible}");
    let row = eligible["items"].as_array().unwrap().iter().find(|i| i["person"]["name"] == "李*").unwrap().clone();
    assert_eq!((row["certified_on"].as_str(), row["certified_by"].as_str()), (Some(today.to_string().as_str()), Some("bank_in_person")));
    assert_eq!(eligible["reassessment_pending"], 0);
    assert_eq!(names(&list(&app, &city.admin, "/api/v1/lists/to_verify").await), ["赵*"]);

    // Without a list read, the tick drains the queue.
    app.upload(&city.admin, "/api/v1/datashare/imports?partner_id=bank", "text/csv", import(2, "acme")).await;
    let tick = app.tick_until_done(&today.to_string()).await;
    assert!(tick["processed"]["reassessments"].as_i64().is_some(), "{tick}");
    let (queued, list_kind): (i64, String) = app
        .database()
        .query_row(
            "SELECT (SELECT COUNT(*) FROM reassessments), list_kind FROM benefits WHERE benefit_type = 'government_pension'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((queued, list_kind.as_str()), (0, "eligible"));
}

#[tokio::test]
async fn r8_1_exports_stream_csv_for_excel_and_are_audited() {
    let app = spawn_app().await;
    let city = swept(&app).await;
    let r = app.call(&city.admin, "GET", "/api/v1/lists/to_verify/export", None).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.header("content-type").unwrap().starts_with("text/csv"));
    assert!(r.body.starts_with(b"\xEF\xBB\xBF"), "a BOM so that Excel reads UTF-8");
    let text = r.text();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    assert_eq!(lines.next().unwrap(), "名单,姓名,公民身份号码,待遇类别,参保地,所在社区,认证日期,认证方式,应认证日期,待遇状态,原因");
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(rows.iter().all(|r| r.starts_with("待核实人员名单,")));
    for id in city.ids.values() {
        assert!(!text.contains(id.as_str()), "no full ID numbers in exports");
    }
    let audited: i64 = app.database().query_row("SELECT COUNT(*) FROM audit_log WHERE action = 'list.export'", [], |r| r.get(0)).unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn r5_4_exports_as_an_excel_workbook_with_the_same_headers() {
    use calamine::Reader;
    let app = spawn_app().await;
    let city = swept(&app).await;
    let r = app.call(&city.admin, "GET", "/api/v1/lists/to_verify/export?format=xlsx", None).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("content-type"), Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(r.body.to_vec())).expect("a workbook Excel opens");
    let sheet = workbook.worksheet_range("待核实人员名单").expect("the list's sheet");
    let rows: Vec<Vec<String>> = sheet.rows().map(|row| row.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows[0][..3], ["名单", "姓名", "公民身份号码"]);
    assert_eq!(rows.len(), 3, "a header and the two persons to verify: {rows:?}");
    assert!(rows[1..].iter().all(|row| row[2].contains('*')), "masked ID numbers: {rows:?}");
    let bad = app.call(&city.admin, "GET", "/api/v1/lists/to_verify/export?format=pdf", None).await;
    assert_eq!(bad.status, 400);
    let audited: i64 = app.database().query_row("SELECT COUNT(*) FROM audit_log WHERE action = 'list.export'", [], |r| r.get(0)).unwrap();
    assert_eq!(audited, 1, "the refused export is not recorded");
}

#[tokio::test]
async fn the_dashboard_counts_within_each_scope() {
    let app = spawn_app().await;
    let city = swept(&app).await;
    let all = list(&app, &city.admin, "/api/v1/dashboard").await;
    assert_eq!(all["benefits"], 4);
    let lists: i64 = all["lists"].as_object().unwrap().values().map(|v| v.as_i64().unwrap()).sum();
    assert_eq!(lists, 4, "{all}");
    assert_eq!(all["lists"]["to_verify"], 2);
    assert!(all["task_backlog_by_age_days"]["0-5"].as_i64().unwrap() >= 2, "{all}");
    assert_eq!(all["by_district"]["650103"]["to_verify"], 1, "李四 by district of insurance: {all}");
    assert!(all["payment_changes_by_month"].is_object(), "{all}");
    let ts = app.staff_session(&city.admin, "ts-community", "community", "ts-c1").await;
    let mine = list(&app, &ts, "/api/v1/dashboard").await;
    assert_eq!(mine["benefits"], 1, "{mine}");
}

/// The register behind the service ledger (R6.3): the people with limited
/// mobility in the community's scope, with their groups and the visits
/// against them, names masked; its CSV says the groups in words.
#[tokio::test]
async fn r6_3_the_service_register_lists_the_people_with_limited_mobility_and_their_visits() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let community = app.staff_session(&city.admin, "ts-community", "community", "ts-c1").await;
    let register = app.call(&community, "GET", "/api/v1/ledgers/register", None).await;
    assert_eq!(register.status, 200, "{}", register.text());
    let register = register.json();
    // 张三 (高龄) is the one person on 天山区某社区's register.
    assert_eq!(register["total"], 1, "{register}");
    let row = &register["items"][0];
    assert_eq!((row["name"].as_str(), row["special_groups"].clone()), (Some("张*"), serde_json::json!(["very_old"])), "{row}");
    assert_eq!(row["visits"], 0);
    let elsewhere = app.staff_session(&city.admin, "sy-community", "community", "sy-c1").await;
    assert_eq!(app.call(&elsewhere, "GET", "/api/v1/ledgers/register", None).await.json()["total"], 0, "another community's register");

    // A visit asked for by phone shows as due on the register.
    let person = city.person_id(&app, "ts_local").await;
    let visit = serde_json::json!({ "person_id": person, "reason": "very_old", "address": "天山区某路1号", "phone": "13800000001", "channel": "phone" });
    assert_eq!(app.call(&community, "POST", "/api/v1/home-visits", Some(&visit)).await.status, 201);
    let row = app.call(&community, "GET", "/api/v1/ledgers/register", None).await.json()["items"][0].clone();
    assert!(row["visit_due"].is_string(), "{row}");
    let csv = app.call(&community, "GET", "/api/v1/ledgers/register?format=csv", None).await.text();
    assert!(csv.contains("服务类别") && csv.contains("高龄") && !csv.contains(&city.ids["ts_local"]), "{csv}");
}
