//! The static-file component: content types, ETags and conditional
//! requests, caching rules, security headers, the console's fallback page,
//! and 404s that neither leak paths nor escape `static/`.

use zige_tests::{TestApp, spawn_app};

/// The vendored charting library: its name carries its content hash.
const HASHED: &str = "/vendor/chart-4.5.1.48444a82d4.min.js";

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> zige_tests::TestResponse {
    app.request("GET", path, headers, "").await
}

#[tokio::test]
async fn pages_and_assets_have_their_types_and_caching() {
    let app = spawn_app().await;
    let page = get(&app, "/", &[]).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(page.header("cache-control"), Some("no-cache"), "HTML is never cached without revalidation");
    assert!(page.text().contains("<html"), "the recipients' page");

    let asset = get(&app, HASHED, &[]).await;
    assert_eq!(asset.status, 200);
    assert!(
        asset.header("content-type").is_some_and(|t| t.contains("javascript") && t.ends_with("charset=utf-8")),
        "{:?}",
        asset.header("content-type")
    );
    assert_eq!(asset.header("cache-control"), Some("public, max-age=31536000, immutable"), "hashed names are cached for a year");

    let console = get(&app, "/staff/", &[]).await;
    assert_eq!(console.status, 200);
    assert_eq!(console.header("cache-control"), Some("no-cache"));
    let head = app.request("HEAD", HASHED, &[], "").await;
    assert_eq!((head.status, head.text().len()), (200, 0));
}

#[tokio::test]
async fn an_unchanged_file_is_a_304_by_its_etag() {
    let app = spawn_app().await;
    let first = get(&app, HASHED, &[]).await;
    let etag = first.header("etag").expect("an ETag").to_string();
    let again = get(&app, HASHED, &[("if-none-match", etag.as_str())]).await;
    assert_eq!(again.status, 304);
    assert!(again.text().is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    let weak = format!("W/{etag}, \"other\"");
    assert_eq!(get(&app, HASHED, &[("if-none-match", weak.as_str())]).await.status, 304, "weak and listed tags match too");
    assert_eq!(get(&app, HASHED, &[("if-none-match", "\"stale\"")]).await.status, 200);
}

#[tokio::test]
async fn every_answer_carries_strict_security_headers() {
    let app = spawn_app().await;
    for path in ["/", "/staff/", HASHED, "/no-such-page.html"] {
        let r = get(&app, path, &[]).await;
        let csp = r.header("content-security-policy").unwrap_or_default().to_string();
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(csp.contains("object-src 'none'"), "{path}: {csp}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{path}");
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"), "{path}");
    }
    // The console may never be framed; the recipients' page may be framed by
    // itself (the mini-program's web view is not a frame).
    let console = get(&app, "/staff/", &[]).await;
    assert!(console.header("content-security-policy").unwrap().ends_with("frame-ancestors 'none'"));
    assert_eq!(console.header("x-frame-options"), Some("DENY"));
    let page = get(&app, "/", &[]).await;
    assert!(page.header("content-security-policy").unwrap().ends_with("frame-ancestors 'self'"));
    assert_eq!(page.header("x-frame-options"), None);
}

#[tokio::test]
async fn console_addresses_fall_back_to_its_page() {
    let app = spawn_app().await;
    let console = get(&app, "/staff/", &[]).await.text();
    for path in ["/staff/persons/p-123", "/staff/lists"] {
        let r = get(&app, path, &[]).await;
        assert_eq!((r.status, r.text()), (200, console.clone()), "{path}");
    }
    assert_eq!(get(&app, "/staff/missing.js", &[]).await.status, 404, "a file that is not there is not the page");
}

#[tokio::test]
async fn missing_and_forbidden_paths_are_404_without_the_path() {
    let app = spawn_app().await;
    for path in [
        "/secret-plans-2026.html",
        "/../spin.toml",
        "/..%2fspin.toml",
        "/%2e%2e/Cargo.toml",
        "/vendor/../../spin.toml",
        "/.hidden",
        "/vendor/.git/config",
        "/staff//index.html",
    ] {
        let r = get(&app, path, &[]).await;
        assert_eq!(r.status, 404, "{path}");
        let body = r.text();
        assert!(!body.contains("secret-plans") && !body.contains("spin.toml") && !body.contains(".git"), "{path}: {body}");
        assert!(
            body.contains("页面不存在") || r.header("content-type").is_some_and(|t| t.starts_with("application/problem+json")),
            "{path}"
        );
    }
    let api = get(&app, "/api/v1/no-such-thing", &[]).await;
    assert_eq!(api.status, 404);
    assert_eq!(api.header("content-type"), Some("application/problem+json; charset=utf-8"), "the API's own 404");
    let post = app.request("POST", "/", &[], "x").await;
    assert_eq!((post.status, post.header("allow")), (405, Some("GET, HEAD")));
}

/// Issue 20: the console takes the evidence catalogue from the domain
/// (`GET /api/v1/codes`) instead of typing it again, and the domain gives
/// every entry in Chinese, English and Uyghur.
#[tokio::test]
async fn the_console_retypes_no_evidence_catalogue() {
    let labels = std::fs::read_to_string(zige_tests::workspace().join("static/staff/labels.js")).unwrap();
    let catalogue = zige_domain::evidence::CATALOGUE.iter().chain([&zige_domain::evidence::STAFF_VERIFICATION]);
    for entry in catalogue.clone() {
        let typed = format!("['{}', '{}'", entry.name_zh, entry.requirement);
        assert!(!labels.contains(&typed), "labels.js types {} of the catalogue again", entry.code);
    }
    let app = spawn_app().await;
    let codes = get(&app, "/api/v1/codes", &[]).await.json();
    let served = codes["evidence"].as_array().unwrap();
    assert_eq!(served.len(), catalogue.count(), "{codes}");
    assert!(
        served.iter().all(|e| ["name_zh", "name_en", "name_ug", "requirement", "effect"]
            .iter()
            .all(|k| e[k].as_str().is_some_and(|v| !v.is_empty())))
    );
}

/// Issue 20: no table of the domain's codes is typed again in the console.
/// Every list `GET /api/v1/codes` serves comes named in the three languages,
/// and no console file pairs one of its codes with its Chinese name.
#[tokio::test]
async fn the_console_retypes_no_code_table_of_the_domain() {
    let app = spawn_app().await;
    let codes = get(&app, "/api/v1/codes", &[]).await.json();
    let staff = zige_tests::workspace().join("static/staff");
    let mut sources = String::new();
    for dir in [staff.clone(), staff.join("i18n")] {
        for file in std::fs::read_dir(dir).unwrap().map(|f| f.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "js")) {
            sources.push_str(&std::fs::read_to_string(file).unwrap());
        }
    }
    // Every code table served: each list whose entries have a code and names.
    let lists = named_lists(&codes);
    assert!(lists.len() >= 20, "the code tables are served: {lists:?}");
    for list in ["assessment_actions", "history_fields", "archive_statuses", "audit_actions"] {
        assert!(lists.contains(&list), "{list} is served as a named list: {lists:?}");
    }
    for list in lists {
        let entries = codes[list].as_array().unwrap();
        for entry in entries {
            let (code, name) = (entry["code"].as_str().unwrap(), entry["name_zh"].as_str().unwrap());
            assert!(["name_ug", "name_en"].iter().all(|k| entry[k].as_str().is_some_and(|v| !v.is_empty())), "{list}: {entry}");
            // As a plain or quoted key (`'list.export': t('…')`); a status
            // with its badge also as the array `filed: [t('已归档'), 'ok'`.
            let keys = [code.to_string(), format!("'{code}'"), format!("\"{code}\"")];
            let badge = entry["badge"].as_str();
            let typed = keys.iter().flat_map(|key| {
                let with_badge = badge.map(|badge| format!("{key}: [t('{name}'), '{badge}'"));
                [format!("{key}: t('{name}')"), format!("{key}: '{name}'")].into_iter().chain(with_badge)
            });
            for typed in typed {
                // The code as a whole key, not the end of a longer one.
                let whole =
                    sources.match_indices(&typed).any(|(at, _)| !sources[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_'));
                assert!(!whole, "static/staff types {list}'s {code} again: {typed}");
            }
        }
    }
}

/// The lists of `GET /api/v1/codes` whose entries have a code and names.
pub fn named_lists(codes: &serde_json::Value) -> Vec<&str> {
    let named = |entry: &serde_json::Value| entry["code"].is_string() && entry["name_zh"].is_string();
    codes
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, v)| v.as_array().is_some_and(|a| !a.is_empty() && a.iter().all(named)))
        .map(|(k, _)| k.as_str())
        .collect()
}
