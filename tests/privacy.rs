//! What staff see never gives back what a mask hides (R8.1). A masked ID
//! number keeps its first six and last four characters and hides exactly
//! the eight digits of the birth date, so no staff response or export may
//! carry a birth date; the dossier shows the age instead.

use zige_tests::{seed_city, spawn_app};

#[tokio::test]
async fn r8_1_no_staff_response_or_export_carries_a_birth_date() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    // The sweep puts everyone on a list.
    app.tick_until_done(&zige_store::today().to_string()).await;
    // Each person's birth date as the ID number's digits and as a date.
    let hidden: Vec<String> = city
        .ids
        .values()
        .flat_map(|id| {
            let digits = &id[6..14];
            [digits.to_string(), format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..])]
        })
        .collect();
    let openapi = app.get("/api/v1/openapi.json").await.json();
    let mut paths: Vec<String> = openapi["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .filter(|(path, item)| item.get("get").is_some() && !path.contains('{') && !path.starts_with("/api/v1/me/"))
        .map(|(path, _)| path.clone())
        .collect();
    for kind in ["eligible", "lost", "to_verify"] {
        paths.push(format!("/api/v1/lists/{kind}"));
        paths.push(format!("/api/v1/lists/{kind}/export"));
        paths.push(format!("/api/v1/lists/{kind}/export?format=xlsx"));
    }
    for kind in ["verification", "service"] {
        paths.push(format!("/api/v1/ledgers/{kind}"));
        paths.push(format!("/api/v1/ledgers/{kind}?format=csv"));
    }
    for nickname in city.ids.keys() {
        let person = city.person_id(&app, nickname).await;
        paths.push(format!("/api/v1/persons/{person}"));
        paths.push(format!("/api/v1/persons/{person}/history"));
    }
    let mut read = 0;
    for path in &paths {
        let response = app.call(&city.admin, "GET", path, None).await;
        if response.status != 200 {
            continue;
        }
        read += 1;
        // Excel files are zipped XML: read their cells as text.
        let text = if response.header("content-type").is_some_and(|t| t.contains("spreadsheetml")) {
            cells(&response.body)
        } else {
            response.text()
        };
        for date in &hidden {
            assert!(!text.contains(date.as_str()), "{path} carries a birth date beside masked ID numbers");
        }
    }
    assert!(read > 30, "only {read} of {} reads answered", paths.len());

    let person = city.person_id(&app, "ts_local").await;
    let dossier = app.call(&city.admin, "GET", &format!("/api/v1/persons/{person}"), None).await.json();
    let born = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).unwrap();
    assert_eq!(dossier["person"]["age"], zige_domain::masking::age_on(born, zige_store::today()), "{dossier}");
    assert!(dossier["person"]["id_number_masked"].as_str().unwrap().contains('*'));
}

/// Every cell of every sheet of a workbook, as text.
fn cells(workbook: &[u8]) -> String {
    use calamine::Reader;
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(workbook.to_vec())).expect("a workbook");
    let sheets = workbook.sheet_names();
    sheets
        .iter()
        .filter_map(|name| workbook.worksheet_range(name).ok())
        .flat_map(|range| range.rows().flat_map(|row| row.iter().map(|c| c.to_string())).collect::<Vec<_>>())
        .collect::<Vec<_>>()
        .join("\n")
}
