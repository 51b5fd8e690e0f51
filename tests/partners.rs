//! Partner data sharing over signed webhooks (R5.1, R5.2, R5.3, R5.9, R8.1):
//! each event outcome, each cause of a 401, redeliveries, key rotation, loss
//! records that stop payment at once, retractions that reopen verification
//! and never restore, and conflicts that go to the to-be-verified list.

use base64::Engine;
use serde_json::{Value, json};
use zige_tests::{City, TestApp, TestResponse, id_number, seed_city, spawn_app, unix_now};

const TYPES: [&str; 8] =
    ["death", "retraction", "bank_in_person", "travel_record", "monitoring_flag", "hospital_stay", "remarriage", "imprisonment"];

async fn register(app: &TestApp, city: &City, id: &str) -> String {
    let body = json!({ "partner_id": id, "name": "民政局", "kind": "civil_affairs", "event_types": TYPES });
    let r = app.call(&city.admin, "POST", "/api/v1/partners", Some(&body)).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let secret = r.json()["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"));
    secret
}

fn sign(secret: &str, webhook_id: &str, timestamp: i64, body: &str) -> String {
    use hmac::Mac;
    let key = base64::engine::general_purpose::STANDARD.decode(secret.trim_start_matches("whsec_")).unwrap();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{webhook_id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

async fn deliver_signed(
    app: &TestApp,
    partner: &str,
    webhook_id: &str,
    timestamp: i64,
    signature: Option<&str>,
    body: &str,
) -> TestResponse {
    let ts = timestamp.to_string();
    let mut headers = vec![("content-type", "application/json"), ("webhook-id", webhook_id), ("webhook-timestamp", ts.as_str())];
    if let Some(signature) = signature {
        headers.push(("webhook-signature", signature));
    }
    app.request("POST", &format!("/hooks/v1/{partner}/events"), &headers, body.to_string()).await
}

async fn deliver(app: &TestApp, partner: &str, secret: &str, webhook_id: &str, events: Value) -> TestResponse {
    let body = json!({ "events": events }).to_string();
    let now = unix_now();
    deliver_signed(app, partner, webhook_id, now, Some(&sign(secret, webhook_id, now, &body)), &body).await
}

fn event(id: &str, kind: &str, subject: &str, occurred: &str, details: Value) -> Value {
    json!({ "event_id": id, "type": kind, "subject": { "id_number": subject, "name": "某人" }, "occurred_on": occurred, "reference": "REF-1", "details": details })
}

async fn dossier(app: &TestApp, city: &City, who: &str) -> Value {
    let id = city.person_id(app, who).await;
    app.call(&city.admin, "GET", &format!("/api/v1/persons/{id}"), None).await.json()
}

#[tokio::test]
async fn r5_1_each_event_outcome_and_one_bad_event_does_not_sink_the_batch() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let secret = register(&app, &city, "civil").await;
    let sy = city.ids["sy_local"].clone();
    let stranger = id_number("65010219990101555");
    let mistyped = format!("{}{}", &stranger[..17], if stranger.ends_with('1') { '2' } else { '1' });
    let events = json!([
        event("e1", "bank_in_person", &sy, "2026-11-20", json!({})),
        event("e2", "bank_in_person", &stranger, "2026-11-20", json!({})),
        event("e3", "bank_in_person", &mistyped, "2026-11-20", json!({})),
        event("e4", "alien_abduction", &sy, "2026-11-20", json!({})),
        event("e5", "missing", &sy, "2026-11-20", json!({})),
        event("e6", "bank_in_person", &sy, "2026-13-01", json!({})),
        event("e7", "death", &sy, "2026-11-20", json!({})),
        event("e1", "bank_in_person", &sy, "2026-11-20", json!({})),
    ]);
    let r = deliver(&app, "civil", &secret, "msg-1", events).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let results = r.json()["results"].as_array().unwrap().clone();
    let outcomes: Vec<&str> = results.iter().map(|r| r["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["applied", "unmatched", "rejected", "rejected", "rejected", "rejected", "rejected", "duplicate"]);
    let reasons: Vec<String> = results.iter().map(|r| r["reason"].as_str().unwrap_or_default().to_string()).collect();
    assert!(reasons[2].contains("id_number"), "{reasons:?}");
    assert!(reasons[3].contains("unknown event type"), "{reasons:?}");
    assert!(reasons[4].contains("not allowed for this partner"), "{reasons:?}");
    assert!(reasons[5].contains("occurred_on"), "{reasons:?}");
    assert!(reasons[6].contains("details.source"), "{reasons:?}");
    let person = dossier(&app, &city, "sy_local").await;
    assert_eq!(person["benefits"][0]["cycle"]["status"], "certified", "R5.3 deemed certified: {person}");
    assert_eq!(person["benefits"][0]["certified_by"], "bank_in_person");
    let queue = app.call(&city.admin, "GET", "/api/v1/partners/unmatched", None).await.json();
    assert_eq!(queue["items"][0]["event_id"], "e2", "never dropped");
    assert!(!queue.to_string().contains(&stranger), "masked in the queue");
    let again = deliver(&app, "civil", &secret, "msg-2", json!([event("e1", "bank_in_person", &sy, "2026-11-20", json!({}))])).await;
    assert_eq!(again.json()["results"][0]["outcome"], "duplicate");
}

/// A rejected event does not use up its id: the partner's corrected resend
/// is applied, and only then is the id seen.
#[tokio::test]
async fn r5_1_a_rejected_event_can_be_sent_again_corrected() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let secret = register(&app, &city, "civil").await;
    let sy = city.ids["sy_local"].clone();
    let bad = deliver(&app, "civil", &secret, "msg-1", json!([event("e6", "bank_in_person", &sy, "2026-13-01", json!({}))])).await;
    assert_eq!(bad.json()["results"][0]["outcome"], "rejected", "{}", bad.text());
    let again = deliver(&app, "civil", &secret, "msg-2", json!([event("e6", "bank_in_person", &sy, "2026-13-01", json!({}))])).await;
    assert_eq!(again.json()["results"][0]["outcome"], "rejected", "still wrong, still rejected: {}", again.text());
    let fixed = deliver(&app, "civil", &secret, "msg-3", json!([event("e6", "bank_in_person", &sy, "2026-11-20", json!({}))])).await;
    assert_eq!(fixed.json()["results"][0]["outcome"], "applied", "{}", fixed.text());
    let person = dossier(&app, &city, "sy_local").await;
    assert_eq!(person["benefits"][0]["certified_by"], "bank_in_person", "{person}");
    let resent = deliver(&app, "civil", &secret, "msg-4", json!([event("e6", "bank_in_person", &sy, "2026-11-20", json!({}))])).await;
    assert_eq!(resent.json()["results"][0]["outcome"], "duplicate");
}

/// On a remote backend a delivery goes in several transactions. When a
/// crash cuts one short after its first transactions, the partner's retry
/// (same webhook-id) reports the events already applied as applied, not as
/// duplicates, and applies nothing twice.
#[tokio::test]
async fn r5_1_a_delivery_cut_short_by_a_crash_is_finished_by_its_retry() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let secret = register(&app, &city, "civil").await;
    let (sy, ts) = (city.ids["sy_local"].clone(), city.ids["ts_local"].clone());
    let first = deliver(&app, "civil", &secret, "msg-1", json!([event("e1", "bank_in_person", &sy, "2026-11-20", json!({}))])).await;
    assert_eq!(first.json()["results"][0]["outcome"], "applied");
    // What a crash before the delivery's last transaction leaves: its first
    // events applied, no stored answer.
    app.database().execute("DELETE FROM webhook_deliveries WHERE webhook_id = 'msg-1'", []).unwrap();
    let events =
        json!([event("e1", "bank_in_person", &sy, "2026-11-20", json!({})), event("e2", "bank_in_person", &ts, "2026-11-20", json!({}))]);
    let retry = deliver(&app, "civil", &secret, "msg-1", events).await;
    let outcomes: Vec<Value> = retry.json()["results"].as_array().unwrap().iter().map(|r| r["outcome"].clone()).collect();
    assert_eq!(outcomes, [json!("applied"), json!("applied")], "{}", retry.text());
    let db = app.database();
    let kept: i64 = db.query_row("SELECT COUNT(*) FROM evidence WHERE id LIKE 'partner:civil:%'", [], |r| r.get(0)).unwrap();
    assert_eq!(kept, 2, "each event's evidence once");
    let other = deliver(&app, "civil", &secret, "msg-2", json!([event("e1", "bank_in_person", &sy, "2026-11-20", json!({}))])).await;
    assert_eq!(other.json()["results"][0]["outcome"], "duplicate", "another delivery still sees a duplicate");
}

#[tokio::test]
async fn r8_1_every_cause_of_refusal_is_401_applies_nothing_and_is_audited() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let secret = register(&app, &city, "civil").await;
    let body =
        json!({ "events": [event("x1", "death", &city.ids["ts_local"], "2026-11-20", json!({ "source": "cremation" }))] }).to_string();
    let now = unix_now();
    let good = sign(&secret, "m1", now, &body);
    let cases = [
        (
            "wrong signature",
            "civil",
            now,
            Some(sign("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "m1", now, &body)),
            "bad_signature",
        ),
        ("missing signature", "civil", now, None, "missing_signature"),
        // Well past the 5 minutes either way, so that a slow run cannot bring them back inside.
        ("stale timestamp", "civil", now - 360, Some(sign(&secret, "m1", now - 360, &body)), "stale_timestamp"),
        ("future timestamp", "civil", now + 360, Some(sign(&secret, "m1", now + 360, &body)), "stale_timestamp"),
        ("unknown partner", "nobody", now, Some(good.clone()), "unknown_partner"),
        ("signed for another body", "civil", now, Some(sign(&secret, "m1", now, "{}")), "bad_signature"),
    ];
    for (what, partner, ts, signature, reason) in cases {
        let r = deliver_signed(&app, partner, "m1", ts, signature.as_deref(), &body).await;
        assert_eq!((r.status, r.json()["reason"].as_str()), (401, Some(reason)), "{what}");
    }
    let r = app.call(&city.admin, "PATCH", "/api/v1/partners/civil", Some(&json!({ "disabled": true }))).await;
    assert_eq!(r.status, 200);
    let disabled = deliver_signed(&app, "civil", "m1", now, Some(&good), &body).await;
    assert_eq!((disabled.status, disabled.json()["reason"].as_str()), (401, Some("partner_disabled")));
    assert_eq!(dossier(&app, &city, "ts_local").await["benefits"][0]["payment_status"], "active", "nothing applied");
    let audit = app.call(&city.admin, "GET", "/api/v1/audit?limit=1000", None).await.json();
    let refused = audit["items"].as_array().unwrap().iter().filter(|i| i["action"] == "webhook.refused").count() as i64;
    // Each refusal is counted; the audit trail holds the first of each
    // partner, reason and hour (five here, unless the hour turned).
    let (buckets, total): (i64, i64) =
        app.database().query_row("SELECT COUNT(*), SUM(refused) FROM refused_deliveries", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((refused, total), (buckets, 7), "audited once per bucket, every refusal counted");
    assert!((5..=10).contains(&buckets), "{buckets}");
}

/// Refused deliveries cost an outsider nothing to send, so they must not
/// write a permanent row each (R8.1): a flood of deliveries for made-up
/// partners is one counter and one audit record.
#[tokio::test]
async fn r8_1_a_flood_of_refused_deliveries_writes_one_record_not_one_each() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let before: i64 = app.database().query_row("SELECT COUNT(*) FROM audit_log", [], |r| r.get(0)).unwrap();
    let body = json!({ "events": [] }).to_string();
    for n in 0..40 {
        let r = deliver_signed(&app, &format!("made-up-{n}"), "m1", unix_now(), Some("v1,AAAA"), &body).await;
        assert_eq!(r.status, 401);
    }
    let after: i64 = app.database().query_row("SELECT COUNT(*) FROM audit_log", [], |r| r.get(0)).unwrap();
    assert!(after - before <= 2, "at most one record per hour: {} new", after - before);
    let total: i64 =
        app.database().query_row("SELECT SUM(refused) FROM refused_deliveries WHERE partner = 'unknown'", [], |r| r.get(0)).unwrap();
    assert_eq!(total, 40, "every refusal is counted");
    let _ = city;
}

#[tokio::test]
async fn a_redelivery_gets_the_original_answer_and_changes_nothing() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let secret = register(&app, &city, "civil").await;
    let events = json!([event("d1", "death", &city.ids["ts_local"], "2026-11-10", json!({ "source": "cremation" }))]);
    let first = deliver(&app, "civil", &secret, "same-id", events.clone()).await;
    let second = deliver(&app, "civil", &secret, "same-id", events).await;
    assert_eq!((first.status, second.status), (200, 200));
    assert_eq!(first.json(), second.json());
    let db = app.database();
    let suspensions: i64 = db.query_row("SELECT COUNT(*) FROM history WHERE field = 'payment_status'", [], |r| r.get(0)).unwrap();
    assert_eq!(suspensions, 1, "applied once");
    let raw: Vec<u8> = db.query_row("SELECT body FROM webhook_deliveries", [], |r| r.get(0)).unwrap();
    assert!(!String::from_utf8_lossy(&raw).contains(&city.ids["ts_local"]), "the raw delivery is kept sealed");
}

#[tokio::test]
async fn secrets_rotate_without_downtime() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let old = register(&app, &city, "civil").await;
    let added = app.call(&city.admin, "POST", "/api/v1/partners/civil/secrets", None).await.json();
    let new = added["secret"].as_str().unwrap().to_string();
    let sy = city.ids["sy_local"].clone();
    for (n, secret) in [&old, &new].iter().enumerate() {
        let r = deliver(
            &app,
            "civil",
            secret,
            &format!("r{n}"),
            json!([event(&format!("b{n}"), "bank_in_person", &sy, "2026-11-01", json!({}))]),
        )
        .await;
        assert_eq!(r.status, 200, "both secrets verify during rotation");
    }
    let listed = app.call(&city.admin, "GET", "/api/v1/partners", None).await.json();
    assert!(!listed.to_string().contains(old.trim_start_matches("whsec_")), "secrets are shown once");
    let old_id = listed["items"][0]["secrets"][0]["secret_id"].as_str().unwrap().to_string();
    assert_eq!(app.call(&city.admin, "DELETE", &format!("/api/v1/partners/civil/secrets/{old_id}"), None).await.status, 204);
    assert_eq!(deliver(&app, "civil", &old, "r9", json!([])).await.status, 401, "the revoked secret no longer verifies");
    assert_eq!(deliver(&app, "civil", &new, "r10", json!([])).await.status, 200);
    let district = app.staff_session(&city.admin, "pclerk", "district", "650102").await;
    assert_eq!(app.call(&district, "POST", "/api/v1/partners/civil/secrets", None).await.status, 403);
}

#[tokio::test]
async fn r5_2_r5_9_losses_and_flags_suspend_in_the_same_delivery() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let secret = register(&app, &city, "civil").await;
    let events = json!([
        event("d1", "death", &city.ids["ts_local"], "2026-10-31", json!({ "source": "cremation" })),
        event("f1", "monitoring_flag", &city.ids["abroad"], "2026-11-01", json!({ "flag": "death_fraud" })),
        event("m1", "remarriage", &city.ids["sy_local"], "2026-11-01", json!({})),
    ]);
    let r = deliver(&app, "civil", &secret, "loss-1", events).await;
    assert!(r.json()["results"].as_array().unwrap().iter().all(|e| e["outcome"] == "applied"), "{}", r.text());
    let dead = dossier(&app, &city, "ts_local").await;
    assert_eq!((dead["benefits"][0]["payment_status"].as_str(), dead["benefits"][0]["list"].as_str()), (Some("suspended"), Some("lost")));
    assert_eq!(dead["benefits"][0]["loss_date"], "2026-10-31");
    let flagged = dossier(&app, &city, "abroad").await;
    assert_eq!(
        (flagged["benefits"][0]["payment_status"].as_str(), flagged["benefits"][0]["list"].as_str()),
        (Some("suspended"), Some("to_verify"))
    );
    let remarried = dossier(&app, &city, "sy_local").await;
    assert_eq!(remarried["benefits"][0]["payment_status"], "active", "R5.7: remarriage ends only a dependant's pension");
    let tasks: Vec<(String, String)> = {
        let db = app.database();
        let mut stmt = db.prepare("SELECT kind, org_id FROM tasks ORDER BY kind").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    };
    assert_eq!(tasks, vec![("verify_loss".to_string(), "ts-c1".to_string()), ("verify_monitoring_flag".to_string(), "650102".to_string())]);
    // Each task opened is audited under its id (R8.1), on every backend.
    let audited: i64 = app
        .database()
        .query_row("SELECT COUNT(*) FROM audit_log a JOIN tasks t ON t.id = a.object WHERE a.action = 'task.open'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(audited, 2, "each task opened is audited");
}

#[tokio::test]
async fn r5_4_a_retraction_reopens_verification_and_never_restores() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let secret = register(&app, &city, "civil").await;
    let ts = city.ids["ts_local"].clone();
    deliver(&app, "civil", &secret, "a", json!([event("d1", "death", &ts, "2026-10-31", json!({ "source": "family_report" }))])).await;
    let r = deliver(
        &app,
        "civil",
        &secret,
        "b",
        json!([
            event("r1", "retraction", &ts, "2026-11-02", json!({ "retracts": "d1" })),
            event("r2", "retraction", &ts, "2026-11-02", json!({ "retracts": "never-sent" })),
        ]),
    )
    .await;
    let results = r.json()["results"].clone();
    assert_eq!((results[0]["outcome"].as_str(), results[1]["outcome"].as_str()), (Some("applied"), Some("rejected")));
    let person = dossier(&app, &city, "ts_local").await;
    let benefit = &person["benefits"][0];
    assert_eq!(
        (benefit["payment_status"].as_str(), benefit["list"].as_str(), benefit["action"].as_str()),
        (Some("suspended"), Some("to_verify"), Some("verify"))
    );
    assert!(benefit["reasons"].to_string().contains("retraction"));
    let reopened: i64 =
        app.database().query_row("SELECT COUNT(*) FROM tasks WHERE kind = 'reverify_retraction'", [], |r| r.get(0)).unwrap();
    assert_eq!(reopened, 1);
}

#[tokio::test]
async fn r5_4_a_trip_after_a_recorded_death_is_a_named_conflict() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let secret = register(&app, &city, "civil").await;
    let ts = city.ids["ts_local"].clone();
    deliver(&app, "civil", &secret, "a", json!([event("d1", "death", &ts, "2026-10-01", json!({ "source": "cremation" }))])).await;
    deliver(&app, "civil", &secret, "b", json!([event("t1", "travel_record", &ts, "2026-11-15", json!({ "mode": "rail" }))])).await;
    let benefit = dossier(&app, &city, "ts_local").await["benefits"][0].clone();
    assert_eq!(benefit["list"], "to_verify");
    let conflict = benefit["reasons"].as_array().unwrap().iter().find(|r| r["code"] == "conflict").expect("named").clone();
    assert_eq!(conflict["evidence"], json!(["partner:civil:d1", "partner:civil:t1"]));
    let tasks: i64 = app.database().query_row("SELECT COUNT(*) FROM tasks WHERE kind = 'verify_conflict'", [], |r| r.get(0)).unwrap();
    assert_eq!(tasks, 1);
}

#[tokio::test]
async fn malformed_and_oversized_deliveries_apply_nothing() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let secret = register(&app, &city, "civil").await;
    let now = unix_now();
    for body in ["not json", "{\"no_events\": []}"] {
        let r = deliver_signed(&app, "civil", "bad", now, Some(&sign(&secret, "bad", now, body)), body).await;
        assert_eq!(r.status, 400, "{body}");
    }
    let many: Vec<Value> =
        (0..1001).map(|n| event(&format!("n{n}"), "bank_in_person", &city.ids["sy_local"], "2026-11-01", json!({}))).collect();
    assert_eq!(deliver(&app, "civil", &secret, "big", json!(many)).await.status, 413);
    let applied: i64 = app.database().query_row("SELECT COUNT(*) FROM partner_events", [], |r| r.get(0)).unwrap();
    assert_eq!(applied, 0);
}

// The example runs in a process that calls back into the app, so the app
// needs a runtime thread of its own while this one waits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_example_of_the_partner_guide_delivers() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let secret = register(&app, &city, "civil").await;
    let guide = std::fs::read_to_string(zige_tests::workspace().join("docs/partners.md")).unwrap();
    let script = guide.split("```python\n").nth(1).and_then(|rest| rest.split("```").next()).expect("a Python example");
    let output = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .env("ZIGE_URL", app.url("/hooks/v1/civil/events"))
        .env("ZIGE_SECRET", &secret)
        .env("ZIGE_SUBJECT", &city.ids["sy_local"])
        .output();
    let Ok(output) = output else {
        panic!("python3 is needed to check the partner guide's example");
    };
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "applied", "{}", String::from_utf8_lossy(&output.stderr));
}
