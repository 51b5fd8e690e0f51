//! Every text a person reads, in the person's language (issue 18): the
//! language is chosen on the recipients' page or told to staff, and the
//! person's messages and status reasons follow it; Chinese stays the
//! default and the original is kept beside a translation.

use serde_json::json;
use zige_tests::{seed_city, spawn_app};

/// Han characters, which a reader of Uyghur or English may not read.
fn han(text: &str) -> usize {
    text.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count()
}

/// Letters of the Arabic script, in which Uyghur is written.
fn arabic_script(text: &str) -> usize {
    text.chars().filter(|c| ('\u{0600}'..='\u{06ff}').contains(c)).count()
}

fn today() -> String {
    zige_domain::china_date(chrono::Utc::now()).to_string()
}

#[tokio::test]
async fn a_person_who_chose_uyghur_reads_status_reasons_and_messages_in_uyghur() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let token = app.recipient(&city.ids["ts_local"]).await;
    let status = app.call(&token, "GET", "/api/v1/me/status", None).await.json();
    assert_eq!(status["language"], "zh", "Chinese unless chosen");
    assert!(han(status["benefits"][0]["reasons"][0].as_str().unwrap()) > 0, "{status}");

    assert_eq!(app.call(&token, "PUT", "/api/v1/me/language", Some(&json!({ "language": "kk" }))).await.status, 422);
    let chosen = app.call(&token, "PUT", "/api/v1/me/language", Some(&json!({ "language": "ug" }))).await;
    assert_eq!(chosen.status, 200, "{}", chosen.text());

    // The reasons come in Uyghur, the Chinese original beside them.
    let status = app.call(&token, "GET", "/api/v1/me/status", None).await.json();
    assert_eq!(status["language"], "ug");
    for benefit in status["benefits"].as_array().unwrap() {
        for reason in benefit["reasons"].as_array().unwrap() {
            let reason = reason.as_str().unwrap();
            assert!(arabic_script(reason) > 5 && han(reason) == 0, "in Uyghur: {reason}");
        }
        assert!(han(benefit["reasons_zh"][0].as_str().unwrap()) > 0, "the original: {benefit}");
    }
    // A page may ask for another language without changing the choice.
    let english = app.call(&token, "GET", "/api/v1/me/status?lang=en", None).await.json();
    let reason = english["benefits"][0]["reasons"][0].as_str().unwrap();
    assert!(han(reason) == 0 && arabic_script(reason) == 0 && !reason.is_empty(), "{reason}");
    assert_eq!(app.call(&token, "GET", "/api/v1/me/status?lang=xx", None).await.status, 422);

    // The message that fixes the day of a home visit (R6.3) is in Uyghur.
    let body = json!({ "reason": "very_old", "address": "天山区某路1号", "phone": "13800000001", "preferred_days": [] });
    assert_eq!(app.call(&token, "POST", "/api/v1/me/home-visits", Some(&body)).await.status, 201);
    let community = app.staff_session(&city.admin, "ts-community", "community", "ts-c1").await;
    let queue = app.call(&community, "GET", "/api/v1/home-visits", None).await.json();
    let path = format!("/api/v1/home-visits/{}/schedule", queue["items"][0]["home_visit_id"].as_str().unwrap());
    assert_eq!(app.call(&community, "POST", &path, Some(&json!({ "visit_on": today() }))).await.status, 200);
    let message: String = app.database().query_row("SELECT message FROM outbox WHERE kind = 'appointment'", [], |r| r.get(0)).unwrap();
    assert!(arabic_script(&message) > 20 && han(&message) == 0 && message.contains(&today()), "{message}");
}

#[tokio::test]
async fn staff_record_the_language_a_person_asks_for() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let person = city.person_id(&app, "sy_local").await;
    let path = format!("/api/v1/persons/{person}");
    let dossier = app.call(&city.admin, "GET", &path, None).await.json();
    assert_eq!(dossier["person"]["language"], "zh", "{dossier}");
    assert_eq!(app.call(&city.admin, "PATCH", &path, Some(&json!({ "language": "klingon" }))).await.status, 422);
    // As agency files and clerks write it: the Chinese name of the language.
    let changed = app.call(&city.admin, "PATCH", &path, Some(&json!({ "language": "英语" }))).await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    assert_eq!(changed.json()["person"]["language"], "en");
    let history = app.call(&city.admin, "GET", &format!("{path}/history"), None).await.json();
    assert!(history.to_string().contains("\"language\""), "kept in the history: {history}");
    let token = app.recipient(&city.ids["sy_local"]).await;
    let status = app.call(&token, "GET", "/api/v1/me/status", None).await.json();
    assert_eq!(status["language"], "en");
    let codes = app.request("GET", "/api/v1/codes", &[], "").await.json();
    assert_eq!(codes["languages"].as_array().unwrap().len(), 3, "the console's list comes from the domain: {codes}");
}

/// The console shows the domain's code tables in the reader's language, so
/// each name is there in all three, and the Uyghur is not Chinese.
#[tokio::test]
async fn every_code_the_console_shows_is_named_in_each_language() {
    let app = spawn_app().await;
    let codes = app.request("GET", "/api/v1/codes", &[], "").await.json();
    let lists = crate::static_files::named_lists(&codes);
    assert!(lists.len() >= 20, "the code tables are served: {lists:?}");
    for list in lists {
        let entries = codes[list].as_array().unwrap();
        assert!(!entries.is_empty(), "{list}");
        for entry in entries {
            for name in ["name_zh", "name_ug", "name_en"] {
                let text = entry[name].as_str().unwrap_or_default();
                assert!(!text.trim().is_empty(), "{list}: {name} of {entry}");
                if name != "name_zh" {
                    assert_eq!(han(text), 0, "{list}: {name} of {entry} is Chinese");
                }
            }
            // Any other text given in the three languages (an archive status's explanation).
            let fields = entry.as_object().unwrap().keys().filter_map(|k| k.strip_suffix("_zh")).filter(|f| *f != "name");
            for field in fields {
                for language in ["zh", "ug", "en"] {
                    let text = entry[format!("{field}_{language}")].as_str().unwrap_or_default();
                    assert!(!text.trim().is_empty(), "{list}: {field}_{language} of {entry}");
                    assert!(language == "zh" || han(text) == 0, "{list}: {field}_{language} of {entry} is Chinese");
                }
            }
        }
    }
}
