//! Bulk imports of partner records (R5.1, R5.2) and the re-matching of
//! events that named nobody: the same outcomes as the webhook, CSV and JSON
//! lines, progress and a result file, refusals that store nothing, and a
//! crash mid-file (the host killed and started again) that loses and
//! duplicates nothing.

use serde_json::{Value, json};
use zige_tests::{City, TestApp, id_number, seed_city, spawn_app, spawn_process};

const TYPES: [&str; 5] = ["death", "bank_in_person", "travel_record", "hospital_stay", "retraction"];

async fn register(app: &TestApp, city: &City, id: &str) {
    let body = json!({ "partner_id": id, "name": "国家社会保险公共服务平台", "kind": "national_monitoring", "event_types": TYPES });
    let r = app.call(&city.admin, "POST", "/api/v1/partners", Some(&body)).await;
    assert_eq!(r.status, 201, "{}", r.text());
}

async fn import(app: &TestApp, token: &str, partner: &str, content_type: &str, file: &str) -> zige_tests::TestResponse {
    app.upload(token, &format!("/api/v1/datashare/imports?partner_id={partner}&file_name=f.csv"), content_type, file.to_string()).await
}

async fn payment_status(app: &TestApp, city: &City, who: &str) -> Value {
    let id = city.person_id(app, who).await;
    let dossier = app.call(&city.admin, "GET", &format!("/api/v1/persons/{id}"), None).await.json();
    dossier["benefits"][0]["payment_status"].clone()
}

fn results_by_event(csv: &str) -> Vec<(String, String, String)> {
    csv.trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.splitn(4, ',').collect();
            (cells[1].to_string(), cells[2].to_string(), cells.get(3).unwrap_or(&"").to_string())
        })
        .collect()
}

/// A partner's text reaches the result file staff open in Excel: a cell
/// that Excel would run as a formula is written as plain text (R8.1).
#[tokio::test]
async fn r8_1_a_formula_in_a_partner_record_is_plain_text_in_the_result_file() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    register(&app, &city, "national").await;
    let sy = &city.ids["sy_local"];
    let file = format!(
        "event_id,type,id_number,name,occurred_on,reference,source,mode\n\
         \"=HYPERLINK(\"\"http://x.invalid\"\",\"\"点此\"\")\",bank_in_person,{sy},李四,2026-11-20,R1,,\n\
         -1+1,bank_in_person,{sy},李四,2026-11-21,R2,,\n"
    );
    let r = import(&app, &city.admin, "national", "text/csv", &file).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    let results = app.call(&city.admin, "GET", &format!("/api/v1/datashare/imports/{id}/results"), None).await;
    let text = results.text();
    let cells: Vec<Vec<String>> = text
        .trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .map(|line| line.split(',').map(|c| c.trim_matches('"').to_string()).collect())
        .collect();
    assert!(cells[0][1].starts_with("'=HYPERLINK"), "{text}");
    assert_eq!(cells[1][1], "'-1+1", "{text}");
    assert!(cells.iter().all(|row| !row[1].starts_with('=') && !row[1].starts_with('-')), "{text}");
}

#[tokio::test]
async fn r5_1_a_csv_import_gives_each_row_the_webhook_outcome_and_a_result_file() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    register(&app, &city, "national").await;
    let (sy, ts) = (&city.ids["sy_local"], &city.ids["ts_local"]);
    let stranger = id_number("65010219990101555");
    let file = format!(
        "event_id,type,id_number,name,occurred_on,reference,source,mode\n\
         n1,bank_in_person,{sy},李四,2026-11-20,R1,,\n\
         n2,travel_record,{stranger},某人,2026-11-20,R2,,rail\n\
         n3,travel_record,{sy},李四,2026-11-21,R3,,boat\n\
         n4,death,{ts},张三,2026-11-02,R4,population_registry,\n\
         n1,bank_in_person,{sy},李四,2026-11-20,R1,,\n\
         n5,bank_in_person,{sy},李四,2026-02-30,R5,,\n"
    );
    let r = import(&app, &city.admin, "national", "text/csv", &file).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let created = r.json();
    assert_eq!(created["status"], "done", "a small file finishes in the first request");
    assert_eq!(created["total_rows"], 6);
    assert_eq!(created["counts"], json!({ "applied": 2, "duplicate": 1, "unmatched": 1, "rejected": 2 }));
    let id = created["id"].as_str().unwrap();
    assert_eq!(r.header("location"), Some(format!("/api/v1/datashare/imports/{id}").as_str()));

    let results = app.call(&city.admin, "GET", &format!("/api/v1/datashare/imports/{id}/results"), None).await;
    assert_eq!(results.status, 200);
    assert!(results.body.starts_with(b"\xEF\xBB\xBF"), "a BOM so that Excel reads UTF-8");
    let rows = results_by_event(&results.text());
    let outcomes: Vec<(&str, &str)> = rows.iter().map(|(e, o, _)| (e.as_str(), o.as_str())).collect();
    assert_eq!(
        outcomes,
        [("n1", "applied"), ("n2", "unmatched"), ("n3", "rejected"), ("n4", "applied"), ("n1", "duplicate"), ("n5", "rejected")]
    );
    assert!(rows[2].2.contains("mode"), "the reason names the detail: {}", rows[2].2);
    assert!(rows[5].2.contains("occurred_on"), "{}", rows[5].2);
    assert!(!results.text().contains(sy.as_str()), "the result file holds no ID numbers");

    // R5.2, R5.9: the imported death stops payment at once, as a webhook would.
    assert_eq!(payment_status(&app, &city, "ts_local").await, "suspended");
    // The same file again is the same import, applied once.
    let again = import(&app, &city.admin, "national", "text/csv", &file).await;
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json()["id"], created["id"]);
    assert_eq!(again.json()["counts"], created["counts"]);
    let listed = app.call(&city.admin, "GET", "/api/v1/datashare/imports", None).await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn r5_1_json_lines_share_the_outcomes_and_an_unreadable_line_is_rejected_alone() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    register(&app, &city, "national").await;
    let sy = &city.ids["sy_local"];
    let lines = [
        json!({ "event_id": "j1", "type": "hospital_stay", "subject": { "id_number": sy }, "occurred_on": "2026-11-03", "details": { "critical": false } }).to_string(),
        "{not json".to_string(),
        String::new(),
        json!({ "event_id": "j2", "type": "hospital_stay", "subject": { "id_number": sy }, "occurred_on": "2026-11-03", "details": {} }).to_string(),
    ];
    let r = import(&app, &city.admin, "national", "application/x-ndjson", &lines.join("\n")).await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["counts"], json!({ "applied": 1, "duplicate": 0, "unmatched": 0, "rejected": 2 }));
    let id = r.json()["id"].as_str().unwrap().to_string();
    let results = app.call(&city.admin, "GET", &format!("/api/v1/datashare/imports/{id}/results"), None).await.text();
    let lines_reported: Vec<&str> = results.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(lines_reported, ["1", "2", "4"], "rows keep their line numbers in the file");
    assert!(results.contains("details.critical") || results.contains("critical"), "{results}");
}

#[tokio::test]
async fn bad_uploads_are_refused_and_store_nothing() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    register(&app, &city, "national").await;
    let sy = &city.ids["sy_local"];
    let row = format!("n1,bank_in_person,{sy},2026-11-20\n");
    let cases = [
        ("national", "text/csv", format!("event_id,type,id_number\n{row}"), 400, Some("occurred_on")),
        ("national", "text/plain", format!("event_id,type,id_number,occurred_on\n{row}"), 415, None),
        ("nobody", "text/csv", format!("event_id,type,id_number,occurred_on\n{row}"), 422, Some("partner_id")),
        ("national", "text/csv", "event_id,type,id_number,occurred_on\n".to_string(), 400, None),
    ];
    for (partner, content_type, file, status, field) in cases {
        let r = import(&app, &city.admin, partner, content_type, &file).await;
        assert_eq!(r.status, status, "{partner} {content_type}: {}", r.text());
        assert!(r.header("content-type").unwrap_or_default().starts_with("application/problem+json"));
        if let Some(field) = field {
            assert_eq!(r.json()["field"], field, "{}", r.text());
        }
    }
    let db = app.database();
    let stored: i64 = db.query_row("SELECT COUNT(*) FROM datashare_imports", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, 0);
    // Only city-level staff import partner files (R2.3).
    let district = app.staff_session(&city.admin, "ts-clerk", "district", "650102").await;
    let r = import(&app, &district, "national", "text/csv", &format!("event_id,type,id_number,occurred_on\n{row}")).await;
    assert_eq!(r.status, 403, "{}", r.text());
    let r = app.call(&district, "GET", "/api/v1/datashare/imports", None).await;
    assert_eq!(r.status, 403);
    let r = app.call(&city.admin, "GET", "/api/v1/datashare/imports/imp-nope", None).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn r5_1_an_unmatched_event_is_rematched_once_the_person_is_registered() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    register(&app, &city, "national").await;
    let newcomer = id_number("65010219470505005");
    let file = format!("event_id,type,id_number,occurred_on,source\nd1,death,{newcomer},2026-11-05,population_registry\n");
    let r = import(&app, &city.admin, "national", "text/csv", &file).await;
    assert_eq!(r.json()["counts"]["unmatched"], 1, "{}", r.text());
    let queue = app.call(&city.admin, "GET", "/api/v1/partners/unmatched", None).await.json();
    let item = &queue["items"][0];
    assert_eq!(item["event_id"], "d1");
    let path = format!("/api/v1/partners/unmatched/{}/rematch", item["id"]);

    let still = app.call(&city.admin, "POST", &path, None).await;
    assert_eq!(still.status, 409, "nobody to match yet: {}", still.text());

    let roster =
        format!("{}\n{newcomer},孙七,employee_pension,2800,2012-01-01,650102,local,ts-c1,socialised,,,,,\n", zige_tests::ROSTER_HEADER);
    assert_eq!(app.upload(&city.admin, "/api/v1/roster/imports", "text/csv", roster).await.status, 200);
    let district = app.staff_session(&city.admin, "ts-clerk", "district", "650102").await;
    assert_eq!(app.call(&district, "POST", &path, None).await.status, 403, "re-matching is city work");
    let r = app.call(&city.admin, "POST", &path, None).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let found = app.call(&city.admin, "GET", &format!("/api/v1/persons?q={newcomer}"), None).await.json();
    let person = found["items"][0]["person_id"].as_str().unwrap().to_string();
    let dossier = app.call(&city.admin, "GET", &format!("/api/v1/persons/{person}"), None).await.json();
    assert_eq!(dossier["benefits"][0]["payment_status"], "suspended", "the death stops payment once matched (R5.9)");
    assert_eq!(app.call(&city.admin, "POST", &path, None).await.status, 404, "a rematched event is not open any more");
    let queue = app.call(&city.admin, "GET", "/api/v1/partners/unmatched", None).await.json();
    assert_eq!(queue["items"][0]["status"], "rematched");
}

/// A file of `rows` rows, a quarter each applied, unmatched, rejected and duplicate.
fn large_file(city: &City, rows: usize) -> String {
    let mut file = String::from("event_id,type,id_number,occurred_on\n");
    let known = [&city.ids["sy_local"], &city.ids["ts_local"]];
    for i in 0..rows {
        let line = match i % 4 {
            0 => format!("e{i},bank_in_person,{},2026-11-20", known[i / 4 % 2]),
            1 => format!(
                "e{i},bank_in_person,{},2026-11-20",
                id_number(&format!("1101051980{:02}{:02}{:03}", 1 + i / 1000 % 12, 1 + i / 12_000 % 28, i % 1000))
            ),
            2 => format!("e{i},bank_in_person,{},2026-11-31", known[0]),
            _ => format!("e{},bank_in_person,{},2026-11-20", i - 3, known[0]),
        };
        file.push_str(&line);
        file.push('\n');
    }
    file
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn r5_1_a_crash_mid_import_loses_and_duplicates_nothing() {
    const ROWS: usize = 24_000;
    let app = spawn_process(tempfile::Builder::new().prefix("zige-crash").tempdir().unwrap());
    let city = seed_city(&app).await;
    register(&app, &city, "national").await;
    let file = large_file(&city, ROWS);
    let (addr, token) = (app.addr, city.admin.clone());
    let upload = tokio::spawn(async move {
        let auth = format!("Bearer {token}");
        let headers = [("authorization", auth.as_str()), ("content-type", "text/csv")];
        zige_tests::send(addr, "POST", "/api/v1/datashare/imports?partner_id=national", &headers, file.into()).await
    });
    // Kill the host (SIGKILL) once some chunks are committed and many are not.
    let mut seen = Value::Null;
    for _ in 0..3000 {
        let listed = app.call(&city.admin, "GET", "/api/v1/datashare/imports", None).await.json();
        if listed["items"][0]["processed"].as_i64().unwrap_or(0) >= 1000 {
            seen = listed["items"][0].clone();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let state = app.kill();
    assert!(upload.await.unwrap().is_err(), "the upload's answer is lost with the host");
    assert_eq!(seen["status"], "running", "the kill came mid-file: {seen}");

    let app = spawn_process(state);
    let id = seen["id"].as_str().unwrap().to_string();
    let after = app.call(&city.admin, "GET", &format!("/api/v1/datashare/imports/{id}"), None).await.json();
    let processed = after["processed"].as_i64().unwrap();
    assert!(processed >= seen["processed"].as_i64().unwrap() && processed < ROWS as i64, "{after}");
    // Whole chunks only: the counters and the rows' outcomes committed together.
    let with_outcome: i64 = app
        .database()
        .query_row("SELECT COUNT(*) FROM datashare_import_rows WHERE import_id = ?1 AND outcome IS NOT NULL", [&id], |r| r.get(0))
        .unwrap();
    assert_eq!(with_outcome, processed, "{after}");
    assert_eq!(
        app.call(&city.admin, "GET", &format!("/api/v1/datashare/imports/{id}/results"), None).await.status,
        409,
        "no partial result file"
    );
    // One resume by hand, then the timers finish what is left.
    let resumed = app.call(&city.admin, "POST", &format!("/api/v1/datashare/imports/{id}/resume"), None).await;
    assert_eq!(resumed.status, 200, "{}", resumed.text());
    assert!(resumed.json()["processed"].as_i64().unwrap() > processed, "{}", resumed.text());
    let auth = format!("Bearer {}", zige_tests::SCHEDULER_TOKEN);
    loop {
        let tick = app.request("POST", "/internal/tick", &[("authorization", auth.as_str())], "").await;
        assert_eq!(tick.status, 200, "{}", tick.text());
        if tick.json()["done"] == true {
            break;
        }
    }
    let done = app.call(&city.admin, "GET", &format!("/api/v1/datashare/imports/{id}"), None).await.json();
    assert_eq!(done["status"], "done");
    let quarter = ROWS as i64 / 4;
    assert_eq!(done["counts"], json!({ "applied": quarter, "duplicate": quarter, "unmatched": quarter, "rejected": quarter }));

    let results = app.call(&city.admin, "GET", &format!("/api/v1/datashare/imports/{id}/results"), None).await.text();
    assert_eq!(results.lines().count(), ROWS + 1, "one result per row");
    let db = app.database();
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT COUNT(*) FROM partner_events WHERE partner_id = 'national'"), 3 * quarter, "each event recorded once");
    assert_eq!(count("SELECT COUNT(*) FROM evidence WHERE id LIKE 'partner:national:%'"), quarter, "each applied row is evidence once");
    assert_eq!(count("SELECT COUNT(*) FROM unmatched_events"), quarter, "each unmatched row is queued once");
    assert_eq!(count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'import.event.%'"), ROWS as i64, "each row audited once");
    assert_eq!(count("SELECT COUNT(*) FROM datashare_import_rows WHERE sealed_event IS NOT NULL"), 0, "no row left unprocessed");
    let verified = app.call(&city.admin, "GET", "/api/v1/audit/verify", None).await;
    assert_eq!(verified.status, 200, "{}", verified.text());
}
