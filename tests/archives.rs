//! Monthly archives per district (R8.2): bound with a manifest of SHA-256
//! sums, downloaded, verified as stored and as a copy, kept to each
//! district's scope, and the city's view of filing completeness.

use serde_json::{Value, json};
use std::io::Read;
use zige_tests::{City, TestApp, seed_city, spawn_app};

fn month() -> String {
    zige_domain::china_date(chrono::Utc::now()).format("%Y-%m").to_string()
}

/// A death in 天山区 (650102) this month: a record, a suspension, a task.
async fn a_month_of_work(app: &TestApp, city: &City) {
    let partner = json!({ "partner_id": "civil", "name": "民政局", "kind": "civil_affairs", "event_types": ["death"] });
    app.call(&city.admin, "POST", "/api/v1/partners", Some(&partner)).await;
    let today = zige_domain::china_date(chrono::Utc::now());
    let file = format!("event_id,type,id_number,occurred_on,source\nd1,death,{},{today},population_registry\n", city.ids["ts_local"]);
    let r = app.upload(&city.admin, "/api/v1/datashare/imports?partner_id=civil", "text/csv", file).await;
    assert_eq!(r.json()["counts"]["applied"], 1, "{}", r.text());
}

fn entries(zip_bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).expect("a ZIP file");
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            (entry.name().to_string(), data)
        })
        .collect()
}

fn sha256(data: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// A district binds the persons it is responsible for (R2.3): 赵六 is
/// insured in 水磨沟区 (650104) but lives in a community of 沙依巴克区
/// (650103), so his records go to 650103's archive and never to 650104's.
#[tokio::test]
async fn r8_2_r2_3_a_district_binds_the_persons_it_is_responsible_for() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let partner = json!({ "partner_id": "bank", "name": "某银行", "kind": "bank", "event_types": ["bank_in_person"] });
    app.call(&city.admin, "POST", "/api/v1/partners", Some(&partner)).await;
    let today = zige_domain::china_date(chrono::Utc::now());
    let file = format!("event_id,type,id_number,occurred_on\nb1,bank_in_person,{},{today}\n", city.ids["acme"]);
    let r = app.upload(&city.admin, "/api/v1/datashare/imports?partner_id=bank", "text/csv", file).await;
    assert_eq!(r.json()["counts"]["applied"], 1, "{}", r.text());
    let person = city.person_id(&app, "acme").await;
    let records_of = |district: &'static str| {
        let app = &app;
        let admin = city.admin.clone();
        async move {
            let bound = app.call(&admin, "POST", "/api/v1/archives", Some(&json!({ "district": district, "month": month() }))).await;
            assert_eq!(bound.status, 201, "{}", bound.text());
            let id = bound.json()["archive_id"].as_str().unwrap().to_string();
            let download = app.call(&admin, "GET", &format!("/api/v1/archives/{id}/download"), None).await;
            String::from_utf8(entries(&download.body)["data/records.csv"].clone()).unwrap()
        }
    };
    assert!(records_of("650103").await.contains(&person), "where he lives");
    assert!(!records_of("650104").await.contains(&person), "where he is only insured");
    let completeness = app.call(&city.admin, "GET", "/api/v1/archives/completeness", None).await.json();
    let row = |district: &str| {
        completeness["months"].as_array().unwrap().iter().find(|r| r["district"] == district && r["month"] == month()).cloned().unwrap()
    };
    assert_eq!(row("650104")["records"], 0, "{completeness}");
    assert!(row("650103")["records"].as_i64().unwrap() >= 1, "{completeness}");
}

#[tokio::test]
async fn r8_2_a_district_binds_its_month_with_a_manifest_that_verifies() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    a_month_of_work(&app, &city).await;
    let district = app.staff_session(&city.admin, "ts-district", "district", "650102").await;
    let body = json!({ "district": "650102", "month": month() });

    // Refusals bind nothing.
    let community = app.staff_session(&city.admin, "ts-community", "community", "ts-c1").await;
    assert_eq!(app.call(&community, "POST", "/api/v1/archives", Some(&body)).await.status, 403);
    let other = app.staff_session(&city.admin, "sy-district", "district", "650103").await;
    assert_eq!(app.call(&other, "POST", "/api/v1/archives", Some(&body)).await.status, 404, "another district's month");
    for bad in [json!({ "district": "650102", "month": "2026-13" }), json!({ "district": "650102", "month": "2999-01" })] {
        assert_eq!(app.call(&district, "POST", "/api/v1/archives", Some(&bad)).await.status, 422, "{bad}");
    }

    let bound = app.call(&district, "POST", "/api/v1/archives", Some(&body)).await;
    assert_eq!(bound.status, 201, "{}", bound.text());
    let bound = bound.json();
    let id = bound["archive_id"].as_str().unwrap().to_string();
    assert_eq!(bound["version"], 1);
    assert!(bound["records"].as_i64().unwrap() >= 2, "the death record, the suspension, the task: {bound}");

    let download = app.call(&district, "GET", &format!("/api/v1/archives/{id}/download"), None).await;
    assert_eq!((download.status, download.header("content-type")), (200, Some("application/zip")));
    assert_eq!(sha256(&download.body), bound["sha256"].as_str().unwrap());
    let files = entries(&download.body);
    let manifest: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    assert_eq!(manifest["district"], "650102");
    for file in manifest["files"].as_array().unwrap() {
        let path = file["path"].as_str().unwrap();
        assert_eq!(sha256(&files[path]), file["sha256"].as_str().unwrap(), "{path}");
    }
    assert_eq!(files.len(), manifest["files"].as_array().unwrap().len() + 1);
    let records = String::from_utf8(files["data/records.csv"].clone()).unwrap();
    assert!(records.starts_with('\u{feff}') && records.contains("death") && records.contains("population_registry"), "{records}");
    assert!(String::from_utf8(files["results/payment-changes.csv"].clone()).unwrap().contains("suspended"));
    for id_number in city.ids.values() {
        assert!(!files.values().any(|f| f.windows(18).any(|w| w == id_number.as_bytes())), "no full ID numbers in archives");
    }
    assert_eq!(app.call(&other, "GET", &format!("/api/v1/archives/{id}/download"), None).await.status, 404, "scope (R2.3)");

    // Verified as stored, and as a copy: a changed byte is found.
    let auditor = app.staff_session(&city.admin, "auditor", "auditor", "city-hrss").await;
    let report = app.call(&auditor, "GET", &format!("/api/v1/archives/{id}/verify"), None).await.json();
    assert_eq!((report["intact"].as_bool(), report["files_checked"].as_u64()), (Some(true), Some(files.len() as u64 - 1)), "{report}");
    assert_eq!(app.call(&auditor, "POST", "/api/v1/archives", Some(&body)).await.status, 403, "auditors verify, they do not bind");
    let mut copy = download.body.to_vec();
    let at = copy.windows(19).position(|w| w == b"population_registry").expect("stored uncompressed");
    copy[at] = b'P';
    let r = app.request("POST", &format!("/api/v1/archives/{id}/verify"), &[("authorization", &format!("Bearer {auditor}"))], copy).await;
    let report = r.json();
    assert_eq!(report["intact"], false, "{report}");
    assert!(report["problems"].as_array().unwrap().iter().any(|p| p.as_str().unwrap().contains("records.csv")), "{report}");
    let audited: i64 = app
        .database()
        .query_row("SELECT COUNT(*) FROM audit_log WHERE action IN ('archive.bind', 'archive.download', 'archive.verify')", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(audited, 4);
}

#[tokio::test]
async fn r8_2_the_city_sees_which_months_are_filed_missing_or_outdated() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    a_month_of_work(&app, &city).await;
    let year = &month()[..4];
    let status = |view: &Value, district: &str| -> String {
        view["months"].as_array().unwrap().iter().find(|m| m["district"] == district && m["month"] == month().as_str()).unwrap()["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let view = app.call(&city.admin, "GET", &format!("/api/v1/archives/completeness?year={year}"), None).await.json();
    assert_eq!(status(&view, "650102"), "missing", "{view}");
    assert!(view["to_file"].as_i64().unwrap() >= 1);
    let body = json!({ "district": "650102", "month": month() });
    app.call(&city.admin, "POST", "/api/v1/archives", Some(&body)).await;
    let view = app.call(&city.admin, "GET", &format!("/api/v1/archives/completeness?year={year}"), None).await.json();
    assert_eq!(status(&view, "650102"), "filed");

    // A record arriving after binding makes the month outdated until it is
    // bound again as version 2.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let today = zige_domain::china_date(chrono::Utc::now());
    let file = format!("event_id,type,id_number,occurred_on,source\nd2,death,{},{today},cremation\n", city.ids["abroad"]);
    app.upload(&city.admin, "/api/v1/datashare/imports?partner_id=civil", "text/csv", file).await;
    let view = app.call(&city.admin, "GET", &format!("/api/v1/archives/completeness?year={year}"), None).await.json();
    assert_eq!(status(&view, "650102"), "outdated", "{view}");
    let again = app.call(&city.admin, "POST", "/api/v1/archives", Some(&body)).await.json();
    assert_eq!(again["version"], 2);
    let view = app.call(&city.admin, "GET", &format!("/api/v1/archives/completeness?year={year}"), None).await.json();
    assert_eq!(status(&view, "650102"), "filed");
    let listed = app.call(&city.admin, "GET", "/api/v1/archives?district=650102", None).await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    assert_eq!(app.call(&city.admin, "GET", "/api/v1/archives/completeness?year=1999", None).await.status, 400);
}

/// The evidence the notice says to keep goes into the month's archive (R6.4,
/// R8.2): an activity's sign-in sheet, masked, with its photos, and the
/// files of the city's review and of a termination.
#[tokio::test]
async fn r6_4_r8_2_sign_in_sheets_their_photos_and_the_files_of_payment_decisions_are_bound() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let community = app.staff_session(&city.admin, "ts-community", "community", "ts-c1").await;
    let today = zige_domain::china_date(chrono::Utc::now());
    let sheet = format!("姓名,公民身份号码\n张三,{}\n", city.ids["ts_local"]);
    let r = app.upload(&community, &format!("/api/v1/sign-ins?activity=chongyang-tea&held_on={today}"), "text/csv", sheet.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let sign_in = r.json()["sign_in_id"].as_str().unwrap().to_string();
    let again = app.upload(&community, &format!("/api/v1/sign-ins?activity=chongyang-tea&held_on={today}"), "text/csv", sheet).await;
    assert_eq!(again.json()["sign_in_id"], sign_in.as_str(), "the same sheet is the same sign-in");
    let photos = json!({ "files": [zige_tests::photo()] });
    let other = app.staff_session(&city.admin, "sy-community", "community", "sy-c1").await;
    let path = format!("/api/v1/sign-ins/{sign_in}/files");
    assert_eq!(app.call(&other, "POST", &path, Some(&photos)).await.status, 404, "another community's sign-in");
    let r = app.call(&community, "POST", &path, Some(&photos)).await;
    assert_eq!((r.status, r.json()["files"].as_i64()), (201, Some(1)), "{}", r.text());

    // The city terminates a benefit with the letter it rests on, after
    // reviewing an outcome with its scan.
    a_month_of_work(&app, &city).await;
    let person = city.person_id(&app, "sy_local").await;
    let benefit: String = app.database().query_row("SELECT id FROM benefits WHERE person_id = ?1", [&person], |r| r.get(0)).unwrap();
    app.database()
        .execute(
            "UPDATE benefits SET payment_status = 'suspended', payment_since = '2026-01-05', payment_reason = 'unreachable' WHERE id = ?1",
            [&benefit],
        )
        .unwrap();
    let ending = json!({ "note": "暂停满三个月无异议", "files": [zige_tests::photo()] });
    let r = app.call(&city.admin, "POST", &format!("/api/v1/benefits/{benefit}/termination"), Some(&ending)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let task = app.call(&community, "GET", "/api/v1/tasks", None).await.json()["items"][0]["task_id"].as_str().unwrap().to_string();
    let outcome = json!({ "outcome": "unreachable", "channel": "home_visit", "note": "多次上门无人" });
    let decision = app.call(&community, "POST", &format!("/api/v1/tasks/{task}/outcome"), Some(&outcome)).await.json()["decision_id"]
        .as_str()
        .unwrap()
        .to_string();
    let review = json!({ "action": "confirm", "files": [zige_tests::photo()] });
    let r = app.call(&city.admin, "POST", &format!("/api/v1/decisions/{decision}/review"), Some(&review)).await;
    assert_eq!(r.status, 200, "{}", r.text());

    let bind = |district: &str| {
        let body = json!({ "district": district, "month": month() });
        let app = &app;
        let admin = city.admin.clone();
        async move {
            let bound = app.call(&admin, "POST", "/api/v1/archives", Some(&body)).await;
            assert_eq!(bound.status, 201, "{}", bound.text());
            let id = bound.json()["archive_id"].as_str().unwrap().to_string();
            entries(&app.call(&admin, "GET", &format!("/api/v1/archives/{id}/download"), None).await.body)
        }
    };
    let tianshan = bind("650102").await;
    let sheet_path = format!("evidence/sign-in/{sign_in}.csv");
    let kept = String::from_utf8(tianshan[&sheet_path].clone()).unwrap();
    assert!(kept.contains("张*") && !kept.contains(&city.ids["ts_local"]), "the sheet is kept masked: {kept}");
    assert!(
        tianshan.keys().any(|k| k.starts_with(&format!("evidence/sign-in/{sign_in}-")) && k.ends_with(".jpg")),
        "{:?}",
        tianshan.keys()
    );
    let shayibake = bind("650103").await;
    assert!(tianshan.keys().any(|k| k.starts_with("evidence/case/decision.review-")), "{:?}", tianshan.keys());
    assert!(!shayibake.contains_key(&sheet_path), "no one of 沙依巴克区 signed it");
    assert!(shayibake.keys().any(|k| k.starts_with("evidence/case/benefit.termination-")), "{:?}", shayibake.keys());
    assert!(
        !tianshan.keys().chain(shayibake.keys()).any(|k| k.contains("本人照片")),
        "no uploader's file name is kept: {:?}",
        tianshan.keys()
    );
}

/// A copy sent for verification is read within bounds (R8.2): an entry
/// larger than any file zige archives is reported, not unpacked into memory.
/// (The component carries no decompressor, so a compressed "zip bomb" is
/// unreadable to begin with.)
#[tokio::test]
async fn r8_2_a_copy_with_an_oversized_entry_is_reported_not_unpacked() {
    use std::io::Write;
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let bound = app.call(&city.admin, "POST", "/api/v1/archives", Some(&json!({ "district": "650102", "month": month() }))).await;
    let id = bound.json()["archive_id"].as_str().unwrap().to_string();
    let big = vec![0u8; 9 << 20];
    let manifest = json!({ "archive_id": id, "files": [{ "path": "evidence/big.bin", "sha256": sha256(&big), "size": big.len() }] });
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    writer.start_file("manifest.json", stored).unwrap();
    writer.write_all(manifest.to_string().as_bytes()).unwrap();
    writer.start_file("evidence/big.bin", stored).unwrap();
    writer.write_all(&big).unwrap();
    let copy = writer.finish().unwrap().into_inner();
    let r =
        app.request("POST", &format!("/api/v1/archives/{id}/verify"), &[("authorization", &format!("Bearer {}", city.admin))], copy).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let report = r.json();
    assert_eq!(report["intact"], false, "{report}");
    assert!(report["problems"].to_string().contains("larger than any file zige archives"), "{report}");
}
