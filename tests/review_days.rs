//! Review days (issue 19): the daily sweep reads only the persons with a
//! benefit whose review day has come. The domain sets the day (R4, R6.1);
//! whatever changes what a person is assessed on asks for their review at
//! the next sweep, whichever path writes it; a change of the cycle
//! policies (R4.2) brings everyone's.

use serde_json::json;
use zige_tests::{ROSTER_HEADER, TestApp, id_number, spawn_app};

fn review_days(app: &TestApp) -> Vec<String> {
    stored(app).into_iter().map(|(_, review)| review).collect()
}

/// Each benefit's id and review day.
fn stored(app: &TestApp) -> Vec<(String, String)> {
    let db = app.database();
    let mut statement = db.prepare("SELECT id, review_on FROM benefits ORDER BY person_id").unwrap();
    statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

/// The review days the domain sets after a sweep on `as_of` for benefits
/// whose dates turn next on `turns`: that day, or the benefit's monthly
/// review when it comes first.
fn expected(app: &TestApp, as_of: &str, turns: &str) -> Vec<String> {
    let (as_of, turns): (chrono::NaiveDate, chrono::NaiveDate) = (as_of.parse().unwrap(), turns.parse().unwrap());
    stored(app).iter().map(|(id, _)| turns.min(zige_domain::effects::monthly_review(id, as_of)).to_string()).collect()
}

/// How many benefits (one a person here) are due for review by `day`:
/// their review day has come, or their person asked for a review.
fn due_by(app: &TestApp, day: &str) -> i64 {
    let asked = requested(app);
    stored(app).iter().filter(|(id, review)| review.as_str() <= day || asked.contains(&person_of(app, id))).count() as i64
}

/// The persons the database's triggers asked the next sweep to review.
fn requested(app: &TestApp) -> std::collections::BTreeSet<String> {
    let db = app.database();
    let mut statement = db.prepare("SELECT DISTINCT person_id FROM review_requests").unwrap();
    statement.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

fn person_of(app: &TestApp, benefit: &str) -> String {
    app.database().query_row("SELECT person_id FROM benefits WHERE id = ?", [benefit], |r| r.get(0)).unwrap()
}

/// Persons the cycles job read on `as_of`.
async fn reviewed(app: &TestApp, as_of: &str) -> i64 {
    let answer = app.tick_until_done(as_of).await;
    answer["processed"]["cycles"].as_i64().unwrap_or_else(|| panic!("{answer}"))
}

async fn enrol(app: &TestApp, admin: &str, rows: &[(&str, &str)]) {
    let lines: Vec<String> = rows
        .iter()
        .map(|(id, certified)| {
            format!("{id},某某某,employee_pension,2000,2015-01-01,650102,local,ts-c1,socialised,,13800000009,{certified},,")
        })
        .collect();
    let r = app.upload(admin, "/api/v1/roster/imports", "text/csv", format!("{ROSTER_HEADER}\n{}\n", lines.join("\n"))).await;
    assert_eq!(r.status, 200, "{}", r.text());
}

#[tokio::test]
async fn the_sweep_reads_a_person_on_their_review_day_when_their_records_change_and_when_the_rules_do() {
    let app = spawn_app().await;
    // Only these two are on file, so the sweep's count is theirs.
    let admin = app.admin().await;
    app.create_org(&admin, "ts-s1", "650102", "sub_district", "天山区某街道").await;
    app.create_org(&admin, "ts-c1", "ts-s1", "community", "天山区某社区").await;
    let (first, second) = (id_number("65010219500101331"), id_number("65010219500101332"));
    // Both certified this year: their yearly cycle turns on 1 January (R4.1).
    enrol(&app, &admin, &[(&first, "2026-03-01"), (&second, "2026-03-01")]).await;

    assert_eq!(reviewed(&app, "2026-12-07").await, 2, "new benefits are reviewed at the next sweep");
    assert_eq!(review_days(&app), expected(&app, "2026-12-07", "2027-01-01"), "the day the new cycle starts, or the monthly review");
    // Each day only those whose review day has come are read.
    let read = due_by(&app, "2026-12-08");
    assert_eq!(reviewed(&app, "2026-12-08").await, read);

    // A new record about the first person: read again at the next sweep (R5.3).
    enrol(&app, &admin, &[(&first, "2026-12-05")]).await;
    let found = app.call(&admin, "GET", &format!("/api/v1/persons?q={first}"), None).await.json();
    let person = found["items"][0]["person_id"].as_str().expect("registered").to_string();
    assert!(requested(&app).contains(&person), "the database's trigger on new records");
    let read = due_by(&app, "2026-12-09");
    assert!(read >= 1);
    assert_eq!(reviewed(&app, "2026-12-09").await, read);

    // Any path that changes a payment state, even one outside zige's code,
    // brings the review forward: the database's triggers see to it.
    app.database().execute("UPDATE benefits SET payment_status = 'active', payment_since = '2026-12-10'", []).unwrap();
    assert_eq!(requested(&app).len(), 2);
    assert_eq!(reviewed(&app, "2026-12-10").await, 2);
    assert!(requested(&app).is_empty(), "the sweep took the requests");
    assert_eq!(review_days(&app), expected(&app, "2026-12-10", "2027-01-01"));
    for day in ["2026-12-11", "2026-12-20", "2026-12-31"] {
        let read = due_by(&app, day);
        assert_eq!(reviewed(&app, day).await, read, "{day}: {:?}", review_days(&app));
    }

    // The cycle turns on 1 January: both are read and due again (R4.1).
    assert_eq!(reviewed(&app, "2027-01-01").await, 2);
    let status = app.database().query_row("SELECT group_concat(cycle_status, ' ') FROM benefits", [], |r| r.get::<_, String>(0)).unwrap();
    assert_eq!(status, "due due");
    assert_eq!(review_days(&app), expected(&app, "2027-01-01", "2027-12-01"), "nothing turns before December's reminder");
    assert!(review_days(&app).iter().all(|r| r.as_str() <= "2027-02-01"), "nobody waits over a month");

    // A new version of the pension's cycle policy (R4.2): everyone is read
    // at the next sweep, and the version's first day is a review day.
    let quarterly = json!({ "benefit_type": "employee_pension", "effective_from": "2027-01-15", "period": { "unit": "quarter" },
        "mode": { "mode": "calendar" }, "grace_days": 15, "reminder_days_before_due": [14, 0], "note": "试行" });
    let set = app.call(&admin, "POST", "/api/v1/policies", Some(&quarterly)).await;
    assert_eq!(set.status, 201, "{}", set.text());
    assert_eq!(reviewed(&app, "2027-01-02").await, 2, "the rules changed");
    assert_eq!(review_days(&app), expected(&app, "2027-01-02", "2027-01-15"));
}
