//! Staff accounts and sessions: the bootstrap administrator, login, lockout
//! after repeated failures, logout, expiry and disabled accounts.

use serde_json::json;
use zige_tests::{ADMIN_PASSWORD, ADMIN_USER, STAFF_PASSWORD, TestApp, TestResponse, send_from, spawn_app};

/// A login attempt from another loopback address.
async fn login_from(app: &TestApp, from: [u8; 4], username: &str, password: &str) -> TestResponse {
    let body = json!({ "username": username, "password": password }).to_string();
    send_from(Some(from.into()), app.addr, "POST", "/api/v1/staff/sessions", &[("content-type", "application/json")], body.into())
        .await
        .expect("a login attempt")
}

#[tokio::test]
async fn bootstrap_variables_create_the_first_administrator() {
    let app = spawn_app().await;
    let response = app.post_json("/api/v1/staff/sessions", &json!({ "username": ADMIN_USER, "password": ADMIN_PASSWORD })).await;
    assert_eq!(response.status, 201, "{}", response.text());
    let body = response.json();
    assert_eq!(body["role"], "city_admin");
    assert_eq!(body["org"], "city-hrss");
    assert_eq!(body["token"].as_str().unwrap().len(), 64);
    assert!(body["expires_at"].as_str().unwrap().ends_with('Z'));
    let me = app.call(body["token"].as_str().unwrap(), "GET", "/api/v1/staff/me", None).await;
    assert_eq!(me.json()["username"], ADMIN_USER);
    let permissions = me.json()["permissions"].clone();
    assert!(
        permissions.as_array().is_some_and(|p| p.contains(&json!("manage_staff")) && !p.contains(&json!("handle_reports"))),
        "{permissions}"
    );
    let stored: String = app.database().query_row("SELECT password_hash FROM staff", [], |r| r.get(0)).unwrap();
    assert!(stored.starts_with("$argon2id$"), "passwords are hashed with argon2id");
}

#[tokio::test]
async fn wrong_passwords_and_unknown_users_get_the_same_answer() {
    let app = spawn_app().await;
    app.admin().await;
    let wrong = app.post_json("/api/v1/staff/sessions", &json!({ "username": ADMIN_USER, "password": "nope" })).await;
    let unknown = app.post_json("/api/v1/staff/sessions", &json!({ "username": "ghost", "password": "nope" })).await;
    assert_eq!((wrong.status, unknown.status), (401, 401));
    assert_eq!(wrong.json()["detail"], unknown.json()["detail"]);
    assert_eq!(wrong.header("content-type"), Some("application/problem+json; charset=utf-8"));
}

#[tokio::test]
async fn five_failures_lock_the_account() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let clerk = app.staff_session(&admin, "clerk", "city_retiree", "city-retiree").await;
    assert!(!clerk.is_empty());
    for _ in 0..5 {
        let r = app.post_json("/api/v1/staff/sessions", &json!({ "username": "clerk", "password": "wrong password!" })).await;
        assert_eq!(r.status, 401);
    }
    let locked = app.post_json("/api/v1/staff/sessions", &json!({ "username": "clerk", "password": "a long enough password" })).await;
    assert_eq!(locked.status, 423, "locked even with the right password: {}", locked.text());
    assert!(locked.json()["detail"].as_str().unwrap().contains("锁定"));
    let list = app.call(&admin, "GET", "/api/v1/staff", None).await.json();
    let entry = list["items"].as_array().unwrap().iter().find(|s| s["username"] == "clerk").unwrap().clone();
    assert_eq!(entry["locked"], true);
    let id = entry["id"].as_str().unwrap();
    let unlock = app.call(&admin, "PATCH", &format!("/api/v1/staff/{id}"), Some(&json!({ "unlock": true }))).await;
    assert_eq!(unlock.status, 200);
    app.login("clerk", "a long enough password").await;
}

/// The lock is per login name and client address: a guesser elsewhere locks
/// only their own address out, never the real user.
#[tokio::test]
async fn a_guesser_elsewhere_does_not_lock_the_user_out() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.staff_session(&admin, "clerk", "city_retiree", "city-retiree").await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(login_from(&app, [127, 0, 0, 2], "clerk", "wrong password!").await.status);
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 423]);
    let refused = login_from(&app, [127, 0, 0, 2], "clerk", STAFF_PASSWORD).await;
    assert_eq!(refused.status, 423, "the guesser's address stays locked even with the right password");
    app.login("clerk", STAFF_PASSWORD).await;
}

/// Unknown login names are counted and locked like known ones, so the
/// answers never tell which names exist.
#[tokio::test]
async fn unknown_names_lock_like_known_ones() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.staff_session(&admin, "clerk", "city_retiree", "city-retiree").await;
    let mut last = Vec::new();
    for name in ["clerk", "ghost"] {
        let mut answers = Vec::new();
        for _ in 0..6 {
            answers.push(login_from(&app, [127, 0, 0, 3], name, "wrong password!").await);
        }
        let statuses: Vec<u16> = answers.iter().map(|r| r.status).collect();
        assert_eq!(statuses, [401, 401, 401, 401, 401, 423], "{name}");
        last.push(answers.pop().unwrap().json());
    }
    assert_eq!(last[0], last[1], "the same answer for a known and an unknown name");
}

/// Attempts are counted before the password is checked, inside a write
/// transaction: guesses sent all at once cannot slip past the count.
#[tokio::test]
async fn parallel_guesses_do_not_slip_past_the_count() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.staff_session(&admin, "clerk", "city_retiree", "city-retiree").await;
    let mut guesses = tokio::task::JoinSet::new();
    let body = json!({ "username": "clerk", "password": "wrong password!" }).to_string();
    for _ in 0..20 {
        let body = body.clone();
        let addr = app.addr;
        guesses.spawn(async move {
            zige_tests::send(addr, "POST", "/api/v1/staff/sessions", &[("content-type", "application/json")], body.into())
                .await
                .unwrap()
                .status
        });
    }
    let statuses = guesses.join_all().await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert!(checked <= 5, "{checked} guesses were checked: {statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 423).count(), 20 - checked, "{statuses:?}");
}

/// A password change, a disabling or an unlock ends the account's sessions.
#[tokio::test]
async fn a_password_change_ends_the_accounts_sessions() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let clerk = app.staff_session(&admin, "clerk", "city_retiree", "city-retiree").await;
    assert_eq!(app.call(&clerk, "GET", "/api/v1/staff/me", None).await.status, 200);
    let list = app.call(&admin, "GET", "/api/v1/staff", None).await.json();
    let id = list["items"].as_array().unwrap().iter().find(|s| s["username"] == "clerk").unwrap()["id"].as_str().unwrap().to_string();
    let changed = app.call(&admin, "PATCH", &format!("/api/v1/staff/{id}"), Some(&json!({ "password": "another long password" }))).await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    assert_eq!(app.call(&clerk, "GET", "/api/v1/staff/me", None).await.status, 401, "the old session ended");
    let fresh = app.login("clerk", "another long password").await;
    assert_eq!(app.call(&fresh, "GET", "/api/v1/staff/me", None).await.status, 200);
    assert_eq!(app.call(&admin, "GET", "/api/v1/staff/me", None).await.status, 200, "other accounts keep theirs");
}

/// An account whose stored role this build does not know cannot log in
/// (it used to log in as an auditor).
#[tokio::test]
async fn an_unknown_role_cannot_log_in() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.staff_session(&admin, "clerk", "city_retiree", "city-retiree").await;
    app.database().execute("UPDATE staff SET role = 'wizard' WHERE username = 'clerk'", []).unwrap();
    let refused = app.post_json("/api/v1/staff/sessions", &json!({ "username": "clerk", "password": STAFF_PASSWORD })).await;
    assert_eq!(refused.status, 403, "{}", refused.text());
    assert!(refused.json()["type"].as_str().unwrap().ends_with("/unknown_role"), "{}", refused.text());
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_app().await;
    let token = app.admin().await;
    assert_eq!(app.call(&token, "GET", "/api/v1/staff/me", None).await.status, 200);
    assert_eq!(app.call(&token, "DELETE", "/api/v1/staff/sessions/current", None).await.status, 204);
    assert_eq!(app.call(&token, "GET", "/api/v1/staff/me", None).await.status, 401);
    assert_eq!(app.call("not-a-token", "GET", "/api/v1/persons", None).await.status, 401);
    assert_eq!(app.get("/api/v1/persons").await.status, 401);
}

#[tokio::test]
async fn expired_sessions_are_refused() {
    let app = spawn_app().await;
    let token = app.admin().await;
    let kv = rusqlite::Connection::open(app.state_dir.path().join(".spin/sqlite_key_value.db")).unwrap();
    let (key, value): (String, Vec<u8>) =
        kv.query_row("SELECT key, value FROM spin_key_value WHERE key LIKE 'staff-session:%'", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    let mut record: serde_json::Value = serde_json::from_slice(&value).unwrap();
    record["expires_at"] = json!(1);
    kv.execute("UPDATE spin_key_value SET value = ?1 WHERE key = ?2", (serde_json::to_vec(&record).unwrap(), key)).unwrap();
    assert_eq!(app.call(&token, "GET", "/api/v1/staff/me", None).await.status, 401);
    assert!(!String::from_utf8_lossy(&value).contains(&token), "the key-value store holds no raw token");
}

#[tokio::test]
async fn disabled_accounts_lose_their_sessions_at_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let clerk = app.staff_session(&admin, "clerk2", "district", "650102").await;
    let id = app.call(&clerk, "GET", "/api/v1/staff/me", None).await.json()["id"].as_str().unwrap().to_string();
    let r = app.call(&admin, "PATCH", &format!("/api/v1/staff/{id}"), Some(&json!({ "disabled": true }))).await;
    assert_eq!(r.status, 200);
    assert_eq!(app.call(&clerk, "GET", "/api/v1/persons", None).await.status, 401);
    let again = app.post_json("/api/v1/staff/sessions", &json!({ "username": "clerk2", "password": "a long enough password" })).await;
    assert_eq!(again.status, 401);
}

#[tokio::test]
async fn bad_login_bodies_are_4xx_and_name_the_field() {
    let app = spawn_app().await;
    let cases = [
        ("{not json", 400, None),
        (r#"{"username": "a"}"#, 400, Some("password")),
        (r#"{"username": 1, "password": "x"}"#, 400, None),
        (r#"{"username": "a", "password": "b", "extra": 1}"#, 400, Some("extra")),
    ];
    for (body, status, field) in cases {
        let r = app.request("POST", "/api/v1/staff/sessions", &[("content-type", "application/json")], body.to_string()).await;
        assert_eq!(r.status, status, "{body}: {}", r.text());
        if let Some(field) = field {
            assert_eq!(r.json()["field"], field, "{body}");
        }
    }
    let huge = "x".repeat(10_000);
    assert_eq!(app.request("POST", "/api/v1/staff/sessions", &[], huge).await.status, 413);
}

/// Issue 17 (separation of duties): the bureau's administrator appoints an
/// agency's first officer; a later account of the agency's own role takes
/// effect when an officer of that agency confirms it. Until then it cannot
/// log in (said only to whoever knows its password), and nobody else may
/// confirm it.
#[tokio::test]
async fn an_agencys_later_accounts_take_effect_when_the_agency_confirms_them() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let first = app.staff_session(&admin, "si_first", "city_social_insurance", "city-si").await;
    let retiree = app.staff_session(&admin, "re_first", "city_retiree", "city-retiree").await;
    let body = json!({ "username": "si_second", "password": STAFF_PASSWORD, "role": "city_social_insurance", "org_id": "city-si", "display_name": "新同事" });
    let created = app.call(&admin, "POST", "/api/v1/staff", Some(&body)).await;
    assert_eq!((created.status, created.json()["awaiting_confirmation"].as_bool()), (201, Some(true)), "{}", created.text());
    let id = created.json()["id"].as_str().unwrap().to_string();

    let login = |password: &'static str| json!({ "username": "si_second", "password": password });
    let waiting = app.post_json("/api/v1/staff/sessions", &login(STAFF_PASSWORD)).await;
    assert_eq!(waiting.status, 403, "{}", waiting.text());
    assert!(waiting.json()["type"].as_str().unwrap().ends_with("/awaiting_confirmation"), "{}", waiting.text());
    assert_eq!(app.post_json("/api/v1/staff/sessions", &login("a wrong password here")).await.status, 401, "a guess learns nothing");

    let confirmation = format!("/api/v1/staff/{id}/confirmation");
    assert_eq!(app.call(&admin, "POST", &confirmation, None).await.status, 403, "the administrator cannot confirm alone");
    assert_eq!(app.call(&retiree, "POST", &confirmation, None).await.status, 403, "nor another agency");
    let listed = app.call(&first, "GET", "/api/v1/staff/confirmations", None).await.json();
    assert_eq!(listed["items"][0]["username"], "si_second", "{listed}");
    assert_eq!(app.call(&retiree, "GET", "/api/v1/staff/confirmations", None).await.json()["items"], json!([]));
    assert_eq!(app.call(&first, "POST", &confirmation, None).await.status, 200);
    assert_eq!(app.call(&first, "POST", &confirmation, None).await.status, 409, "once");
    assert_eq!(app.post_json("/api/v1/staff/sessions", &login(STAFF_PASSWORD)).await.status, 201);
    let audit = app.call(&admin, "GET", "/api/v1/audit?limit=1000", None).await.json();
    assert!(audit["items"].as_array().unwrap().iter().any(|i| i["action"] == "staff.confirm" && i["object"] == id.as_str()));
}
