//! The registry over HTTP: organisations, staff accounts, the roster import
//! (English and Chinese headers, UTF-8 with or without BOM, GB18030), search,
//! the dossier with its assessment, changes with history, and bad input.

use serde_json::json;
use zige_tests::{ROSTER_HEADER, id_number, seed_city, spawn_app, statutory_year};

#[tokio::test]
async fn r2_1_districts_are_seeded_and_organisations_nest_by_kind() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let orgs = app.call(&admin, "GET", "/api/v1/orgs", None).await.json();
    let codes: Vec<&str> = orgs["items"].as_array().unwrap().iter().filter_map(|o| o["division_code"].as_str()).collect();
    for code in ["650102", "650103", "650104", "650105", "650106", "650107", "650109", "650121"] {
        assert!(codes.contains(&code), "{code} seeded");
    }
    let cases = [
        (json!({ "id": "c1", "parent_id": "city-si", "kind": "community", "name": "x" }), 422, "parent_id"),
        (json!({ "id": "d9", "parent_id": "city-retiree", "kind": "district", "name": "x" }), 422, "division_code"),
        (json!({ "id": "bad id!", "parent_id": "650102", "kind": "sub_district", "name": "x" }), 422, "id"),
        (json!({ "id": "s1", "parent_id": "nowhere", "kind": "sub_district", "name": "x" }), 422, "parent_id"),
        (json!({ "id": "s1", "parent_id": "650102", "kind": "planet", "name": "x" }), 400, "kind"),
    ];
    for (body, status, field) in cases {
        let r = app.call(&admin, "POST", "/api/v1/orgs", Some(&body)).await;
        assert_eq!((r.status, r.json()["field"].as_str().unwrap_or_default()), (status, field), "{body}: {}", r.text());
    }
    app.create_org(&admin, "s1", "650102", "sub_district", "某街道").await;
    let again = app
        .call(&admin, "POST", "/api/v1/orgs", Some(&json!({ "id": "s1", "parent_id": "650102", "kind": "sub_district", "name": "y" })))
        .await;
    assert_eq!(again.status, 409);
}

#[tokio::test]
async fn r2_3_staff_roles_must_fit_their_organisation() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let cases = [
        (
            json!({ "username": "dd1", "password": "long enough pw", "role": "district", "org_id": "city-si", "display_name": "x" }),
            422,
            "role",
        ),
        (json!({ "username": "dd1", "password": "short", "role": "district", "org_id": "650102", "display_name": "x" }), 422, "password"),
        (json!({ "username": "dd1", "password": "long enough pw", "role": "mayor", "org_id": "650102", "display_name": "x" }), 422, "role"),
        (
            json!({ "username": "dd1", "password": "long enough pw", "role": "district", "org_id": "nowhere", "display_name": "x" }),
            422,
            "org_id",
        ),
    ];
    for (body, status, field) in cases {
        let r = app.call(&admin, "POST", "/api/v1/staff", Some(&body)).await;
        assert_eq!((r.status, r.json()["field"].as_str().unwrap_or_default()), (status, field), "{body}");
    }
    app.staff_session(&admin, "dd1", "district", "650102").await;
    let dup = json!({ "username": "dd1", "password": "long enough pw", "role": "district", "org_id": "650102", "display_name": "x" });
    assert_eq!(app.call(&admin, "POST", "/api/v1/staff", Some(&dup)).await.status, 409);
}

#[tokio::test]
async fn roster_import_reports_each_bad_row_and_keeps_the_good_ones() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let good = id_number("65010219600101005");
    let rows = [
        format!("{good},孙七,unemployment,1800.00,2026-01-01,650102,domestic,,socialised,,,,,"),
        "65010219600101006X,周八,employee_pension,100,2020-01-01,650102,domestic,,socialised,,,,,".to_string(),
        format!("{},吴九,employee_pension,1.234,2020-01-01,650102,domestic,,socialised,,,,,", id_number("65010219600101007")),
        format!("{},郑十,employee_pension,100,2020-01-01,659999,domestic,,socialised,,,,,", id_number("65010219600101008")),
        format!("{},钱一,employee_pension,100,2020-01-01,650102,local,,socialised,,,,,", id_number("65010219600101009")),
        format!("{},陈二,work_injury_dependant,900,2020-01-01,650102,domestic,,socialised,,,,,", id_number("65010219600101010")),
        format!("{},冯三,养老,100,2020-01-01,650102,domestic,,socialised,,,,,", id_number("65010219600101011")),
    ];
    let csv = format!("{ROSTER_HEADER}\n{}\n", rows.join("\n"));
    let r = app.upload(&city.admin, "/api/v1/roster/imports", "text/csv", csv.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    assert_eq!((body["created"].as_i64(), body["updated"].as_i64(), body["unchanged"].as_i64()), (Some(1), Some(0), Some(0)));
    let rejected: Vec<(i64, String)> = body["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["line"].as_i64().unwrap(), r["reason"].as_str().unwrap().to_string()))
        .collect();
    let expected =
        [(3, "id_number"), (4, "monthly_amount"), (5, "insured_district"), (6, "community"), (7, "depends_on"), (8, "benefit_type")];
    assert_eq!(rejected.len(), expected.len(), "{rejected:?}");
    for ((line, reason), (want_line, field)) in rejected.iter().zip(expected) {
        assert_eq!(*line, want_line, "{reason}");
        assert!(reason.contains(field), "line {line}: {reason} should name {field}");
    }
    let again = app.upload(&city.admin, "/api/v1/roster/imports", "text/csv", csv).await.json();
    assert_eq!((again["created"].as_i64(), again["unchanged"].as_i64()), (Some(0), Some(1)), "importing twice changes nothing");
    let fetched = app.call(&city.admin, "GET", &format!("/api/v1/roster/imports/{}", body["import_id"].as_str().unwrap()), None).await;
    assert_eq!(fetched.json()["rejected"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn roster_import_applies_a_person_who_comes_again_in_the_same_file_as_the_rows_say() {
    // The rows of a chunk are read and written together: a person who comes
    // again (a second benefit, then a change) is applied row after row.
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let id = id_number("65010219500101021");
    let rows = [
        format!("{id},孙七,employee_pension,3000,2015-01-01,650102,domestic,,socialised,,13800000001,2026-05-01,,"),
        format!("{id},孙七,work_injury,800,2016-01-01,650102,domestic,,socialised,,13800000001,2026-05-01,,"),
        format!("{id},孙七,employee_pension,3100,2015-01-01,650102,domestic,,socialised,,13800000002,2026-05-01,,"),
    ];
    let csv = format!("{ROSTER_HEADER}\n{}\n", rows.join("\n"));
    let body = app.upload(&city.admin, "/api/v1/roster/imports", "text/csv", csv.clone()).await.json();
    assert_eq!((body["created"].as_i64(), body["updated"].as_i64(), body["unchanged"].as_i64()), (Some(2), Some(1), Some(0)), "{body}");
    let db = app.database();
    let person: String = db.query_row("SELECT person_id FROM benefits WHERE monthly_amount_fen = 310000", [], |r| r.get(0)).unwrap();
    let count = |sql: &str| -> i64 { db.query_row(sql, [&person], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT COUNT(*) FROM benefits WHERE person_id = ?1"), 2, "one person, two benefits");
    assert_eq!(count("SELECT COUNT(*) FROM persons WHERE id = ?1 AND phone = '13800000002'"), 1, "the last row's phone");
    assert_eq!(count("SELECT COUNT(*) FROM history WHERE person_id = ?1 AND field = 'created'"), 3, "the person and two benefits");
    assert_eq!(count("SELECT COUNT(*) FROM history WHERE person_id = ?1 AND field IN ('phone', 'monthly_amount_fen')"), 2, "the changes");
    assert_eq!(count("SELECT COUNT(*) FROM evidence WHERE person_id = ?1"), 1, "the carried-over certification once");
    let again = app.upload(&city.admin, "/api/v1/roster/imports", "text/csv", csv).await.json();
    assert_eq!(
        (again["created"].as_i64(), again["updated"].as_i64()),
        (Some(0), Some(2)),
        "the first row differs from the file's last again: {again}"
    );
}

#[tokio::test]
async fn roster_import_reads_chinese_headers_bom_and_gb18030() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let header = "公民身份号码,姓名,待遇类型,月待遇金额,待遇开始日期,参保地,居住地类型,管理方式,联系电话";
    let first = format!(
        "{header}\n{},古丽,城乡居民养老保险待遇,210.5,2019/03/01,650105,异地,社会化,0991-1234567\n",
        id_number("65010519590301012")
    );
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), first.as_bytes()].concat();
    let r = app.upload(&admin, "/api/v1/roster/imports", "text/csv", with_bom).await;
    assert_eq!(r.json()["created"], 1, "{}", r.text());
    let second = format!("{header}\n{},阿依努尔,失业保险金,1500,2026-02-01,650106,境外,社会化,\n", id_number("65010619800301013"));
    let (gbk, _, unmappable) = encoding_rs::GB18030.encode(&second);
    assert!(!unmappable);
    let r = app.upload(&admin, "/api/v1/roster/imports", "text/csv", gbk.into_owned()).await;
    assert_eq!(r.json()["created"], 1, "{}", r.text());
    let found = app.call(&admin, "GET", "/api/v1/persons?q=%E9%98%BF%E4%BE%9D", None).await.json();
    assert_eq!(found["items"][0]["name_masked"], "阿**尔", "GB18030 decoded: {found}");
    let without_required = app.upload(&admin, "/api/v1/roster/imports", "text/csv", "身份证,姓名\n1,2\n").await;
    assert_eq!((without_required.status, without_required.json()["field"].as_str()), (422, Some("id_number")));
    let missing = app.upload(&admin, "/api/v1/roster/imports", "text/csv", "id_number,name\n").await;
    assert_eq!(missing.status, 422);
}

#[tokio::test]
async fn r1_1_roster_import_reads_national_codes_standard_names_and_ignores_unused_columns() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    // An agency export: national insurance-type codes and standard names,
    // the benefit item beside work injury, columns zige does not use, and a
    // cell with a line break (still one spreadsheet row).
    let header = "序号,身份证号码,姓名,性别,出生日期,险种类型,待遇项目,月待遇金额,待遇开始日期,参保地,居住地类型,管理方式,备注";
    let rows = [
        format!("1,{},艾力,男,1950-01-01,110,,3200,2010-01-01,650102,异地,社会化,", id_number("65010219500101401")),
        format!(
            "2,{},热娜,女,1955-02-02,城乡居民社会养老保险,,210,2015-02-01,650102,异地,社会化,\"两行\n备注\"",
            id_number("65010219550202402")
        ),
        format!("3,{},买买提,男,1960-03-03,410,供养亲属抚恤金,900,2020-03-01,650102,异地,社会化,", id_number("65010219600303403")),
        format!("4,{},阿依古丽,女,1961-04-04,310,,100,2020-03-01,650102,异地,社会化,", id_number("65010219610404404")),
        format!("5,{},吐尔逊,男,1962-05-05,新型农村社会养老保险,,150,2016-01-01,650102,异地,社会化,", id_number("65010219620505405")),
    ];
    let csv = format!("{header}\n{}\n", rows.join("\n"));
    let r = app.upload(&admin, "/api/v1/roster/imports", "text/csv", csv).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    assert_eq!(body["ignored_columns"], json!(["序号", "性别", "出生日期", "备注"]), "{body}");
    assert_eq!(body["created"], 3, "{body}");
    // Row 4 (110, 170 and a variant name went in): 310 is medical insurance,
    // outside the notice; the dependant's row needs the deceased worker.
    let rejected: Vec<(i64, String)> =
        body["rejected"].as_array().unwrap().iter().map(|r| (r["line"].as_i64().unwrap(), r["reason"].as_str().unwrap().into())).collect();
    assert_eq!(rejected.len(), 2, "{rejected:?}");
    assert_eq!(rejected[0].0, 4, "the row number a spreadsheet shows: {rejected:?}");
    assert!(rejected[0].1.contains("供养关系人"), "{rejected:?}");
    assert_eq!(rejected[1].0, 5, "{rejected:?}");
    assert!(rejected[1].1.contains("职工基本医疗保险"), "{rejected:?}");
    let found = app.call(&admin, "GET", "/api/v1/persons?q=%E5%90%90%E5%B0%94%E9%80%8A", None).await.json();
    assert_eq!(found["items"][0]["benefit_types"], json!(["resident_pension"]), "新型农村社会养老保险: {found}");
    // The console labels with the same table.
    let codes = app.get("/api/v1/codes").await.json();
    let resident = codes["benefit_types"].as_array().unwrap().iter().find(|b| b["code"] == "resident_pension").unwrap().clone();
    assert_eq!(resident["national_code"], "170");
    assert!(resident["designations"].as_array().unwrap().iter().any(|d| d["text"] == "新型农村社会养老保险"), "{resident}");
}

#[tokio::test]
async fn r3_1_reimport_updates_and_keeps_history() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let row = format!(
        "{},张三,employee_pension,3350.00,2010-01-01,650102,local,ts-c1,socialised,,13900000009,2026-03-01,高龄;孤寡,",
        city.ids["ts_local"]
    );
    let r = app.upload(&city.admin, "/api/v1/roster/imports", "text/csv", format!("{ROSTER_HEADER}\n{row}\n")).await.json();
    assert_eq!(r["updated"], 1, "{r}");
    let id = city.person_id(&app, "ts_local").await;
    let history = app.call(&city.admin, "GET", &format!("/api/v1/persons/{id}/history"), None).await.json();
    let fields: Vec<&str> = history["items"].as_array().unwrap().iter().map(|h| h["field"].as_str().unwrap()).collect();
    for field in ["monthly_amount_fen", "phone", "special_groups"] {
        assert!(fields.contains(&field), "{field} in {fields:?}");
    }
    let amount = history["items"].as_array().unwrap().iter().find(|h| h["field"] == "monthly_amount_fen").unwrap();
    assert_eq!((amount["old"].as_str(), amount["new"].as_str()), (Some("320050"), Some("335000")));
    assert!(amount["actor"].as_str().unwrap().starts_with("staff:"));
}

#[tokio::test]
async fn search_finds_by_id_number_phone_and_name_with_masked_lists() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    for q in [city.ids["ts_local"].clone(), "13800000001".to_string(), "%E5%BC%A0".to_string()] {
        let r = app.call(&city.admin, "GET", &format!("/api/v1/persons?q={q}"), None).await.json();
        assert_eq!(r["total"], 1, "{q}: {r}");
        let item = &r["items"][0];
        assert_eq!(item["name_masked"], "张*");
        assert_eq!(item["phone_masked"], "138****0001");
        assert!(item["id_number_masked"].as_str().unwrap().contains("********"));
        assert!(item.get("name").is_none() && item.get("phone").is_none(), "lists are masked");
    }
    let all = app.call(&city.admin, "GET", "/api/v1/persons?per_page=2&page=2", None).await.json();
    assert_eq!((all["total"].as_i64(), all["items"].as_array().unwrap().len()), (Some(4), 2));
    assert_eq!(app.call(&city.admin, "GET", "/api/v1/persons?per_page=0", None).await.status, 400);
}

#[tokio::test]
async fn identity_numbers_are_never_stored_in_clear() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let path = app.database_path();
    let bytes = std::fs::read(&path).unwrap();
    let wal = std::fs::read(format!("{}-wal", path.display())).unwrap_or_default();
    for id in city.ids.values() {
        let needle = id.as_bytes();
        assert!(!bytes.windows(needle.len()).any(|w| w == needle), "ID number in the database file");
        assert!(!wal.windows(needle.len()).any(|w| w == needle), "ID number in the write-ahead log");
    }
}

#[tokio::test]
async fn the_dossier_explains_each_benefit() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let id = city.person_id(&app, "ts_local").await;
    let dossier = app.call(&city.admin, "GET", &format!("/api/v1/persons/{id}"), None).await.json();
    assert_eq!(dossier["person"]["name"], "张三", "staff in scope see the full name");
    let benefit = &dossier["benefits"][0];
    assert_eq!(benefit["benefit_type"], "employee_pension");
    assert_eq!(benefit["monthly_amount_fen"], 320050);
    assert_eq!(benefit["payment_status"], "active");
    assert_eq!(benefit["list"], "eligible");
    assert_eq!(benefit["cycle"]["status"], "certified", "certified on 2026-03-01 per the roster");
    let reason = &benefit["reasons"][0];
    assert_eq!((reason["code"].as_str(), reason["requirement"].as_str()), (Some("certified"), Some("R5.3")));
    assert_eq!(dossier["evidence"][0]["code"], "other_proof_of_life");
    assert_eq!(dossier["evidence"][0]["source"], "roster");
    let abroad = city.person_id(&app, "abroad").await;
    let lapsed = app.call(&city.admin, "GET", &format!("/api/v1/persons/{abroad}"), None).await.json();
    assert!(["certified", "due", "overdue"].contains(&lapsed["benefits"][0]["cycle"]["status"].as_str().unwrap()));
}

#[tokio::test]
async fn r3_1_changes_keep_old_and_new_values_and_bad_input_changes_nothing() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let id = city.person_id(&app, "sy_local").await;
    let path = format!("/api/v1/persons/{id}");
    let r = app.call(&city.admin, "PATCH", &path, Some(&json!({ "phone": "13912345678", "address": "友好北路1号" }))).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["person"]["phone"], "13912345678");
    let found = app.call(&city.admin, "GET", "/api/v1/persons?q=13912345678", None).await.json();
    assert_eq!(found["total"], 1, "the new phone is searchable");
    let bad = [
        (json!({ "phone": "12" }), 422, "phone"),
        (json!({ "residence": "local", "community_id": "650102" }), 422, "community_id"),
        (json!({ "special_groups": ["rich"] }), 422, "special_groups"),
        (json!({ "id_number": "x" }), 400, "id_number"),
        (json!({ "phone": 5 }), 400, "phone"),
    ];
    for (body, status, field) in bad {
        let r = app.call(&city.admin, "PATCH", &path, Some(&body)).await;
        assert_eq!((r.status, r.json()["field"].as_str().unwrap_or_default()), (status, field), "{body}: {}", r.text());
        assert!(r.json()["detail_en"].as_str().is_some());
    }
    let history = app.call(&city.admin, "GET", &format!("{path}/history"), None).await.json();
    let changes: Vec<(String, Option<String>, Option<String>)> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["field"] == "phone")
        .map(|h| (h["field"].as_str().unwrap().into(), h["old"].as_str().map(String::from), h["new"].as_str().map(String::from)))
        .collect();
    assert_eq!(changes, vec![("phone".into(), Some("13800000002".into()), Some("13912345678".into()))], "only the good change");
    assert_eq!(app.call(&city.admin, "GET", "/api/v1/persons/p_nobody", None).await.status, 404);
}

#[tokio::test]
async fn working_day_calendar_years_load_at_run_time() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let years = app.call(&city.admin, "GET", "/api/v1/calendar", None).await.json();
    let source = |years: &serde_json::Value, year: i64| {
        years["years"].as_array().unwrap().iter().find(|y| y["year"] == year).map(|y| y["source"].as_str().unwrap().to_string())
    };
    assert_eq!(source(&years, 2026).as_deref(), Some("embedded"), "{years}");
    assert_eq!(source(&years, 2027).as_deref(), Some("provisional"), "next year is derived until its notice is loaded: {years}");
    // A year with a statutory day missing is refused, naming the days.
    let partial = "2027-01-01 holiday 元旦\n2027-02-06 holiday 春节\n";
    let refused = app.request("PUT", "/api/v1/calendar/2027", &[("authorization", &format!("Bearer {}", city.admin))], partial).await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert!(refused.json()["detail"].as_str().unwrap().contains("2027-02-05（春节）"), "{}", refused.text());
    let year_2027 = statutory_year(2027) + "2027-10-04 holiday 国庆节\n2027-09-26 workday 调休上班\n";
    let loaded =
        app.request("PUT", "/api/v1/calendar/2027", &[("authorization", &format!("Bearer {}", city.admin))], year_2027.clone()).await;
    assert_eq!(loaded.status, 200, "{}", loaded.text());
    let years = app.call(&city.admin, "GET", "/api/v1/calendar", None).await.json();
    assert!(years["years"].as_array().unwrap().iter().any(|y| y["year"] == 2027 && y["source"] == "loaded"), "{years}");
    let wrong_year = app
        .request("PUT", "/api/v1/calendar/2027", &[("authorization", &format!("Bearer {}", city.admin))], "2028-01-01 holiday 元旦\n")
        .await;
    assert_eq!(wrong_year.status, 422);
    let malformed =
        app.request("PUT", "/api/v1/calendar/2027", &[("authorization", &format!("Bearer {}", city.admin))], "tomorrow holiday\n").await;
    assert_eq!(malformed.status, 422);
    let clerk = app.staff_session(&city.admin, "calclerk", "district", "650102").await;
    let refused = app.request("PUT", "/api/v1/calendar/2027", &[("authorization", &format!("Bearer {clerk}"))], year_2027.clone()).await;
    assert_eq!(refused.status, 403);
    // Replacing the current year moves deadlines at once: make the next ten days holidays.
    let today = zige_domain::china_date(chrono::Utc::now());
    let mut text = statutory_year(chrono::Datelike::year(&today));
    for offset in 1..=10 {
        let day = today + chrono::Duration::days(offset);
        if day.format("%Y").to_string() == today.format("%Y").to_string() {
            text.push_str(&format!("{day} holiday 测试\n"));
        }
    }
    {
        let year = today.format("%Y").to_string();
        let r =
            app.request("PUT", &format!("/api/v1/calendar/{year}"), &[("authorization", &format!("Bearer {}", city.admin))], text).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let token = app.recipient(&city.ids["ts_local"]).await;
        let visit = app
            .call(&token, "POST", "/api/v1/me/home-visits", Some(&json!({ "reason": "illness", "address": "x", "phone": "13800000001" })))
            .await;
        let deadline = visit.json()["deadline"].as_str().map(String::from);
        let embedded = zige_domain::WorkingCalendar::embedded().add_working_days(today, 5).ok().map(|d| d.to_string());
        // Ten days off in a row move the 5-working-day deadline, unless the
        // year ends within them (then the next year decides).
        assert_ne!(deadline, embedded, "the loaded year is used");
    }
}
