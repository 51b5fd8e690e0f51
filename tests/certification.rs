//! Self-service certification by face verification (R5.5-2, R6.2): identity
//! assertions, the challenge and signed result, every rejection reason,
//! replays, daily attempts, rate limits, evidence files, and suspended
//! benefits that are not restored by a certification alone (R7.2).

use serde_json::json;
use zige_tests::{FACE_SECRET, IDP_SECRET, TestApp, assertion, claims_for, face_result, id_number, seed_city, spawn_app, unix_now};

async fn session_status(app: &TestApp, assertion_text: &str) -> u16 {
    app.post_json("/api/v1/sessions", &json!({ "assertion": assertion_text })).await.status
}

#[tokio::test]
async fn identity_assertions_are_checked() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let id = &city.ids["ts_local"];
    assert_eq!(session_status(&app, &assertion(&claims_for(id), IDP_SECRET)).await, 201);
    let mut expired = claims_for(id);
    expired["exp"] = json!(unix_now() - 3600);
    let mut audience = claims_for(id);
    audience["aud"] = json!("someone-else");
    let cases = [
        ("expired", assertion(&expired, IDP_SECRET)),
        ("wrongly signed", assertion(&claims_for(id), "another secret")),
        ("wrong audience", assertion(&audience, IDP_SECRET)),
        ("garbage", "a.b.c".to_string()),
        ("not a JWS", "hello".to_string()),
    ];
    for (what, text) in cases {
        let r = app.post_json("/api/v1/sessions", &json!({ "assertion": text })).await;
        assert_eq!(r.status, 401, "{what}: {}", r.text());
        assert_eq!(r.header("content-type"), Some("application/problem+json; charset=utf-8"));
    }
    let stranger = id_number("11010519800101123");
    let token = app.recipient(&stranger).await;
    assert_eq!(app.call(&token, "GET", "/api/v1/me/status", None).await.status, 403, "a session, but no benefits here");
    assert_eq!(app.get("/api/v1/me/status").await.status, 401);
}

#[tokio::test]
async fn r5_5_2_a_face_certification_certifies_every_benefit() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let id = &city.ids["sy_local"];
    let token = app.recipient(id).await;
    let before = app.call(&token, "GET", "/api/v1/me/status", None).await.json();
    assert_ne!(before["benefits"][0]["cycle"]["status"], "certified", "{before}");
    assert!(before["benefits"][0]["actions"].to_string().contains("certify"));
    let r = app.certify(&token, id).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let body = r.json();
    assert_eq!(body["channel"], "self_service_face");
    assert_eq!(body["benefits"][0]["cycle_status"], "certified");
    let after = app.call(&token, "GET", "/api/v1/me/status", None).await.json();
    let benefit = &after["benefits"][0];
    assert_eq!((benefit["cycle"]["status"].as_str(), benefit["channel"].as_str()), (Some("certified"), Some("self_service_face")));
    assert_eq!(benefit["list"], "eligible");
    assert!(benefit["reasons"][0].as_str().unwrap().contains("R5.3"), "{benefit}");
    let history = app.call(&token, "GET", "/api/v1/me/history", None).await.json();
    assert_eq!(history["items"][0]["channel"], "self_service_face");
}

/// Submits a tampered or edited provider result for a fresh challenge.
async fn submit(
    app: &TestApp,
    token: &str,
    edit: impl Fn(&mut serde_json::Value),
    secret: &str,
    challenge_id: Option<&str>,
) -> serde_json::Value {
    let challenge = app.call(token, "POST", "/api/v1/me/certifications/challenges", None).await.json();
    let mut result = json!({ "nonce": challenge["nonce"], "subject": "", "liveness": true, "score": 0.95, "verified_at": unix_now() });
    edit(&mut result);
    let (result, signature) = face_result(&result, secret);
    let id = challenge_id.map(String::from).unwrap_or_else(|| challenge["challenge_id"].as_str().unwrap().to_string());
    let body = json!({ "challenge_id": id, "provider": "demo-face", "result": result, "signature": signature });
    let r = app.call(token, "POST", "/api/v1/me/certifications", Some(&body)).await;
    let mut out = r.json();
    out["status"] = json!(r.status);
    out
}

#[tokio::test]
async fn each_rejection_reason_and_the_daily_limit() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let mut rows = Vec::new();
    for n in 0..3 {
        rows.push(id_number(&format!("6501021950010110{n}")));
    }
    let csv = rows
        .iter()
        .enumerate()
        .map(|(i, id)| format!("{id},人{i},employee_pension,1000,2010-01-01,650102,domestic,,socialised,,,,,"))
        .collect::<Vec<_>>()
        .join("\n");
    let r = app.upload(&city.admin, "/api/v1/roster/imports", "text/csv", format!("{}\n{csv}\n", zige_tests::ROSTER_HEADER)).await;
    assert_eq!(r.json()["created"], 3, "{}", r.text());
    let other = city.ids["ts_local"].clone();
    // Each reason on some person; at most three failures per person per day.
    let plan: Vec<(usize, &str, Box<dyn Fn(&mut serde_json::Value)>, &str, Option<&str>)> = vec![
        (0, "signature_invalid", Box::new(|_| {}), "not the provider's secret", None),
        (0, "challenge_unknown", Box::new(|_| {}), FACE_SECRET, Some("no-such-challenge")),
        (0, "subject_mismatch", Box::new(move |r| r["subject"] = json!(other.clone())), FACE_SECRET, None),
        (1, "liveness_failed", Box::new(|r| r["liveness"] = json!(false)), FACE_SECRET, None),
        (1, "score_below_threshold", Box::new(|r| r["score"] = json!(0.79)), FACE_SECRET, None),
        (1, "challenge_expired", Box::new(|r| r["verified_at"] = json!(unix_now() - 3600)), FACE_SECRET, None),
    ];
    let tokens = [app.recipient(&rows[0]).await, app.recipient(&rows[1]).await];
    let mut left = [3, 3];
    for (who, reason, edit, secret, challenge) in &plan {
        let subject = rows[*who].clone();
        let result = submit(
            &app,
            &tokens[*who],
            |r| {
                r["subject"] = json!(subject.clone());
                edit(r);
            },
            secret,
            *challenge,
        )
        .await;
        left[*who] -= 1;
        assert_eq!(result["status"], 422, "{reason}: {result}");
        assert_eq!(result["reason"], *reason, "{result}");
        assert_eq!(result["attempts_left"], left[*who], "{reason}");
        assert!(!result["detail"].as_str().unwrap().is_empty());
    }
    // Three failures today: told to use another channel, even with a good result.
    let refused = app.call(&tokens[0], "POST", "/api/v1/me/certifications/challenges", None).await;
    assert_eq!(refused.status, 429, "{}", refused.text());
    assert_eq!(refused.json()["reason"], "attempts_exhausted");
    assert!(refused.json()["detail"].as_str().unwrap().contains("上门"));
    let status = app.call(&tokens[0], "GET", "/api/v1/me/status", None).await.json();
    assert_ne!(status["benefits"][0]["cycle"]["status"], "certified", "nothing certified by failures");
    // Another person is unaffected.
    let token = app.recipient(&rows[2]).await;
    assert_eq!(app.certify(&token, &rows[2]).await.status, 201);
}

#[tokio::test]
async fn a_used_result_cannot_be_replayed() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let id = city.ids["sy_local"].clone();
    let token = app.recipient(&id).await;
    let challenge = app.call(&token, "POST", "/api/v1/me/certifications/challenges", None).await.json();
    let (result, signature) = face_result(
        &json!({ "nonce": challenge["nonce"], "subject": id, "liveness": true, "score": 0.9, "verified_at": unix_now() }),
        FACE_SECRET,
    );
    let body = json!({ "challenge_id": challenge["challenge_id"], "provider": "demo-face", "result": result, "signature": signature });
    assert_eq!(app.call(&token, "POST", "/api/v1/me/certifications", Some(&body)).await.status, 201);
    let replay = app.call(&token, "POST", "/api/v1/me/certifications", Some(&body)).await;
    assert_eq!((replay.status, replay.json()["reason"].as_str()), (422, Some("nonce_reused")), "{}", replay.text());
    let evidence: i64 =
        app.database().query_row("SELECT COUNT(*) FROM evidence WHERE kind LIKE '%self_service_face%'", [], |r| r.get(0)).unwrap();
    assert_eq!(evidence, 1, "certified once");
}

#[tokio::test]
async fn challenges_are_rate_limited_per_person() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let token = app.recipient(&city.ids["sy_local"]).await;
    let mut statuses = Vec::new();
    for _ in 0..22 {
        statuses.push(app.call(&token, "POST", "/api/v1/me/certifications/challenges", None).await.status);
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 20, "{statuses:?}");
    assert_eq!(statuses.last(), Some(&429));
}

/// A city behind one carrier's NAT (all from one address) is not locked
/// out: the limits are the person's and the device's, and the address is
/// only a flood guard set far higher. One device is limited whoever uses it.
#[tokio::test]
async fn one_address_for_a_whole_city_locks_nobody_out_but_a_device_is_limited() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let people: Vec<String> = (0..70).map(|n| id_number(&format!("650102195001{:02}0{:02}", n % 28 + 1, n % 100))).collect();
    let rows: Vec<String> = people
        .iter()
        .enumerate()
        .map(|(i, id)| format!("{id},人{i},employee_pension,1000,2010-01-01,650102,domestic,,socialised,,,,,"))
        .collect();
    let r = app
        .upload(&city.admin, "/api/v1/roster/imports", "text/csv", format!("{}\n{}\n", zige_tests::ROSTER_HEADER, rows.join("\n")))
        .await;
    assert_eq!(r.json()["created"], 70, "{}", r.text());
    // Seventy people, one challenge each, all from this test's one address.
    let mut statuses = Vec::new();
    for id in &people {
        let token = app.recipient(id).await;
        statuses.push(app.call(&token, "POST", "/api/v1/me/certifications/challenges", None).await.status);
    }
    assert!(statuses.iter().all(|s| *s == 201), "nobody is locked out by the shared address: {statuses:?}");
    // One phone handed round: its 21st challenge of the hour is refused.
    let mut on_one_device = Vec::new();
    for id in people.iter().take(21) {
        let token = app.recipient(id).await;
        let auth = format!("Bearer {token}");
        let headers = [("authorization", auth.as_str()), ("x-zige-device", "phone-of-the-community-office")];
        on_one_device.push(app.request("POST", "/api/v1/me/certifications/challenges", &headers, Vec::new()).await.status);
    }
    assert_eq!(on_one_device.iter().filter(|s| **s == 201).count(), 20, "{on_one_device:?}");
    assert_eq!(on_one_device.last(), Some(&429));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_challenges_cannot_slip_past_the_limit() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let token = app.recipient(&city.ids["ts_local"]).await;
    // 40 at once against a limit of 20: the count is the store's atomic
    // increment, so exactly 20 get through, however they interleave.
    let auth = format!("Bearer {token}");
    let calls = (0..40).map(|_| {
        let (addr, auth) = (app.addr, auth.clone());
        tokio::spawn(async move {
            zige_tests::send(addr, "POST", "/api/v1/me/certifications/challenges", &[("authorization", auth.as_str())], Default::default())
                .await
                .unwrap()
                .status
        })
    });
    let mut statuses = Vec::new();
    for call in calls.collect::<Vec<_>>() {
        statuses.push(call.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 20, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 20, "{statuses:?}");
    if zige_tests::local_stores() {
        // Spin's local store keeps a counter as an 8-byte little-endian integer.
        let kv = rusqlite::Connection::open(app.state_dir.path().join(".spin/sqlite_key_value.db")).unwrap();
        let value: Vec<u8> = kv.query_row("SELECT value FROM spin_key_value WHERE key LIKE 'rate:person:%'", [], |r| r.get(0)).unwrap();
        assert_eq!(i64::from_le_bytes(value.try_into().unwrap()), 40, "every attempt counted");
    }
}

#[tokio::test]
async fn r6_2_evidence_photos_are_kept_with_their_hash_checked_against_their_bytes_and_size_limited() {
    use base64::Engine;
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let id = city.ids["sy_local"].clone();
    let token = app.recipient(&id).await;
    let photo = vec![0xFFu8, 0xD8, 0xFF, 0xE0, 1, 2, 3];
    // Too large; a PDF that says it is a JPEG (its bytes are checked); a photo.
    for (data, status) in [(vec![0u8; (1 << 20) + 1], 413), (b"%PDF-1.7 not a photo".to_vec(), 422), (photo.clone(), 201)] {
        let challenge = app.call(&token, "POST", "/api/v1/me/certifications/challenges", None).await.json();
        let (result, signature) = face_result(
            &json!({ "nonce": challenge["nonce"], "subject": id, "liveness": true, "score": 0.9, "verified_at": unix_now() }),
            FACE_SECRET,
        );
        let evidence = json!({ "content_type": "image/jpeg", "data": base64::engine::general_purpose::STANDARD.encode(&data) });
        let body = json!({ "challenge_id": challenge["challenge_id"], "provider": "demo-face", "result": result, "signature": signature, "evidence": evidence });
        let r = app.call(&token, "POST", "/api/v1/me/certifications", Some(&body)).await;
        assert_eq!(r.status, status, "{}", r.text());
    }
    let (sha, size): (String, i64) =
        app.database().query_row("SELECT sha256, size FROM evidence_files", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!(size, photo.len() as i64);
    use sha2::Digest;
    assert_eq!(sha, sha2::Sha256::digest(&photo).iter().map(|b| format!("{b:02x}")).collect::<String>());
}

#[tokio::test]
async fn r7_2_certifying_a_suspended_benefit_opens_reverification_only() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let relative = zige_tests::registered_relative(&app, &city, "sy_local", &id_number("65010219750101999")).await;
    let deceased = city.ids["sy_local"].clone();
    let report = json!({ "id_number": deceased, "date_of_death": "2026-11-01", "relation": "child" });
    assert_eq!(app.call(&relative, "POST", "/api/v1/death-reports", Some(&report)).await.status, 201);
    let token = app.recipient(&deceased).await;
    let r = app.certify(&token, &deceased).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let benefit = &r.json()["benefits"][0];
    assert_eq!(benefit["payment_status"], "suspended", "not restored by itself");
    assert!(benefit["note"].as_str().unwrap().contains("核实"));
    let status = app.call(&token, "GET", "/api/v1/me/status", None).await.json();
    assert_eq!(status["benefits"][0]["list"], "to_verify", "a sign of life after a reported death is a conflict: {status}");
    let tasks: i64 =
        app.database().query_row("SELECT COUNT(*) FROM tasks WHERE kind = 'reverify_after_certification'", [], |r| r.get(0)).unwrap();
    assert_eq!(tasks, 1);
}

#[tokio::test]
async fn r6_3_an_assisted_certification_keeps_the_helper_beside_the_persons_own_result() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let id = city.ids["sy_local"].clone();
    let token = app.recipient(&id).await;
    let assisted = |helper: serde_json::Value| {
        let (app, token, id) = (&app, &token, &id);
        async move {
            let challenge = app.call(token, "POST", "/api/v1/me/certifications/challenges", None).await.json();
            let result = json!({ "nonce": challenge["nonce"], "subject": id, "liveness": true, "score": 0.91, "verified_at": unix_now() });
            let (result, signature) = face_result(&result, FACE_SECRET);
            let body = json!({ "challenge_id": challenge["challenge_id"], "provider": "demo-face", "result": result, "signature": signature, "helper": helper });
            app.call(token, "POST", "/api/v1/me/certifications", Some(&body)).await
        }
    };
    let r = assisted(json!({ "relation": "neighbour_of_a_friend", "name": "李小红" })).await;
    assert_eq!((r.status, r.json()["field"].as_str()), (422, Some("helper.relation")), "{}", r.text());
    let count = |sql: &str| -> i64 { app.database().query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        count("SELECT COUNT(*) FROM evidence WHERE source = 'self_service_face'") + count("SELECT COUNT(*) FROM certification_helpers"),
        0
    );

    let r = assisted(json!({ "relation": "child", "name": "李小红" })).await;
    assert_eq!(r.status, 201, "{}", r.text());
    // The person is the one certified; the helper stands beside the result.
    let certification = r.json()["certification_id"].as_str().unwrap().to_string();
    let person = city.person_id(&app, "sy_local").await;
    let dossier = app.call(&city.admin, "GET", &format!("/api/v1/persons/{person}"), None).await.json();
    assert_eq!(dossier["benefits"][0]["cycle"]["status"], "certified", "{dossier}");
    let evidence = dossier["evidence"].as_array().unwrap().iter().find(|e| e["id"] == certification.as_str()).unwrap().clone();
    assert_eq!(evidence["helper"], json!({ "relation": "child", "name_masked": "李*红" }), "{evidence}");
    assert!(!dossier.to_string().contains("李小红"), "the helper's name is masked");
}

#[tokio::test]
async fn r6_3_failed_face_checks_of_someone_on_the_service_ledger_open_a_home_visit_not_a_dead_end() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    // 张三 is on the service ledger (高龄); 李四, 74 and on no register, is
    // not, until the community puts her on it. (The age rule is the
    // domain's table test.)
    let (frail, other) = (city.person_id(&app, "ts_local").await, city.person_id(&app, "sy_local").await);
    let fail = |who: &'static str, times: usize| {
        let (app, id) = (&app, city.ids[who].clone());
        async move {
            let token = app.recipient(&id).await;
            let mut last = json!(null);
            for _ in 0..times {
                last = submit(
                    app,
                    &token,
                    |r| {
                        r["subject"] = json!(id.clone());
                        r["liveness"] = json!(false);
                    },
                    FACE_SECRET,
                    None,
                )
                .await;
            }
            last
        }
    };
    let visits = |person: &str| -> i64 {
        app.database()
            .query_row(
                "SELECT COUNT(*) FROM home_visits WHERE person_id = ?1 AND status = 'open' AND channel = 'face_check'",
                [person],
                |r| r.get(0),
            )
            .unwrap()
    };
    let answer = fail("sy_local", 2).await;
    assert_eq!((answer["status"].clone(), answer.get("next_step")), (json!(422), None), "{answer}");
    assert_eq!(visits(&other), 0);

    let answer = fail("ts_local", 2).await;
    assert_eq!(answer["next_step"], "home_visit", "{answer}");
    assert!(answer["detail"].as_str().unwrap().contains("上门"), "{answer}");
    assert_eq!(visits(&frail), 1, "a home visit is requested by itself");
    let (org, deadline): (String, String) = app
        .database()
        .query_row("SELECT org_id, deadline FROM home_visits WHERE person_id = ?1", [&frail], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!(org, "ts-c1", "routed to the person's community (R2.2)");
    let calendar = zige_domain::WorkingCalendar::embedded();
    let today = zige_domain::china_date(chrono::Utc::now());
    assert_eq!(deadline, zige_domain::deadlines::home_visit_deadline(&calendar, today).unwrap().on.to_string(), "five working days (R6.3)");
    let told: i64 = app
        .database()
        .query_row("SELECT COUNT(*) FROM outbox WHERE person_id = ?1 AND key LIKE 'face_visit:%'", [&frail], |r| r.get(0))
        .unwrap();
    assert_eq!(told, 1, "the person is told someone will come");

    // The community puts 李四 on its register (sick or disabled): one more
    // failure today, and she is visited too.
    let groups = json!({ "special_groups": ["sick_or_disabled"] });
    assert_eq!(app.call(&city.admin, "PATCH", &format!("/api/v1/persons/{other}"), Some(&groups)).await.status, 200);
    let answer = fail("sy_local", 1).await;
    assert_eq!(answer["next_step"], "home_visit", "on the service ledger now: {answer}");
    assert_eq!(visits(&other), 1);
}

/// Issue 20: a setting that does not read is an error naming it in the log,
/// not a default of the code's own: a limit set to "many" does not quietly
/// become 20.
#[tokio::test]
async fn a_setting_that_does_not_read_is_an_error_not_a_default() {
    let mut variables = zige_tests::test_variables();
    variables.push(("hourly_limit_per_person".into(), "many".into()));
    let app = zige_tests::spawn(&zige_tests::zige_manifest(), zige_tests::Spawn { variables, ..Default::default() }).await;
    let city = seed_city(&app).await;
    let token = app.recipient(&city.ids["ts_local"]).await;
    let refused = app.call(&token, "POST", "/api/v1/me/certifications/challenges", None).await;
    assert_eq!(refused.status, 500, "{}", refused.text());
    assert!(refused.header("content-type").is_some_and(|t| t.starts_with("application/problem+json")));
    assert!(!refused.text().contains("many") && !refused.text().contains("hourly_limit"), "internals stay in the log: {}", refused.text());
}
