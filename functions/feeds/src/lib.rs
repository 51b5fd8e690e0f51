//! The outbound feeds (R7.1, R7.2, R7.5): payroll instructions for the
//! benefits-payment system — every suspension, resumption, termination,
//! back-pay and recovery, in order, exactly once — and the queued messages
//! for a message system that pulls instead of being pushed to. A consumer
//! reads after a cursor and acknowledges how far it has applied; reading
//! without a cursor starts after its last acknowledgement, so a consumer
//! that crashes between reading and applying reads the same items again.

use serde::Deserialize;
use serde_json::json;
use spin_sdk::http::{Request, Response};
use zige_http::auth::Permission::ReadFeeds;
use zige_http::auth::Staff;
use zige_http::problem::{Problem, json_response};
use zige_http::request;
use zige_http::web::{Route, staff};
use zige_store::audit::{self, Entry};
use zige_store::db::{Db, Row, int, text};

/// A feed: its name, its items after a sequence number, and how an item reads.
struct Feed {
    name: &'static str,
    select: &'static str,
    newest: &'static str,
    item: fn(&Row<'_>) -> serde_json::Value,
}

const PAYROLL: Feed = Feed {
    name: "payroll",
    select: "SELECT seq, benefit_id, action, amount_fen, effective_month, reason FROM payroll_instructions WHERE seq > ? ORDER BY seq LIMIT ?",
    newest: "SELECT COALESCE(MAX(seq), 0) AS seq FROM payroll_instructions",
    item: |r| {
        json!({
            "seq": r.int("seq"), "benefit_id": r.text("benefit_id"), "action": r.text("action"),
            "amount_fen": r.opt_int("amount_fen"), "effective_month": r.text("effective_month"), "reason": r.text("reason"),
        })
    },
};

const NOTIFICATIONS: Feed = Feed {
    name: "notifications",
    select:
        "SELECT o.seq, o.kind, o.message, o.created_at, COALESCE(p.phone, '') AS phone FROM outbox o JOIN persons p ON p.id = o.person_id
             WHERE o.seq > ? ORDER BY o.seq LIMIT ?",
    newest: "SELECT COALESCE(MAX(seq), 0) AS seq FROM outbox",
    item: |r| json!({ "seq": r.int("seq"), "kind": r.text("kind"), "phone": r.text("phone"), "text": r.text("message"), "created_at": r.text("created_at") }),
};

/// The feeds' routes: each feed is read and acknowledged.
pub const ROUTES: &[Route] = &[
    Route::get("/api/v1/payroll/instructions", staff(ReadFeeds, |c, s| read(c.db()?, s, c.req, &PAYROLL))),
    Route::post("/api/v1/payroll/acknowledgements", staff(ReadFeeds, |c, s| acknowledge(c.db()?, s, c.req, &PAYROLL))),
    Route::get("/api/v1/notifications/messages", staff(ReadFeeds, |c, s| read(c.db()?, s, c.req, &NOTIFICATIONS))),
    Route::post("/api/v1/notifications/acknowledgements", staff(ReadFeeds, |c, s| acknowledge(c.db()?, s, c.req, &NOTIFICATIONS))),
];

zige_http::serve_routes!(ROUTES);

fn acked(db: &Db, feed: &Feed, staff: &Staff) -> anyhow::Result<i64> {
    Ok(db
        .one("SELECT acked_seq FROM feed_acks WHERE feed = ? AND consumer = ?", &[text(feed.name), text(staff.id.as_str())], |r| {
            r.int("acked_seq")
        })?
        .unwrap_or(0))
}

/// `GET …?after=<seq>&limit=<n>`: items after the cursor (default: after the
/// consumer's last acknowledgement), oldest first.
fn read(db: &Db, staff: &Staff, req: &Request, feed: &Feed) -> Result<Response, Problem> {
    let number = |name: &str, max: i64| -> Result<Option<i64>, Problem> {
        request::query_param(req, name)
            .map(|v| {
                v.parse::<i64>().ok().filter(|n| (0..=max).contains(n)).ok_or_else(|| {
                    Problem::new(
                        400,
                        "invalid_query",
                        format!("参数{name}应为0到{max}之间的整数"),
                        format!("{name}: an integer from 0 to {max}"),
                    )
                    .with_field(name)
                })
            })
            .transpose()
    };
    let after = match number("after", i64::MAX)? {
        Some(after) => after,
        None => acked(db, feed, staff)?,
    };
    let limit = number("limit", 1000)?.unwrap_or(500).max(1);
    let items = db.all(feed.select, &[int(after), int(limit)], |r| (feed.item)(&r))?;
    let next = items.last().and_then(|i| i["seq"].as_i64()).unwrap_or(after);
    if feed.name == "notifications" {
        // The messages carry every recipient's phone number: who read which
        // is kept (R8.1). A reader is a consumer from its first read on, so
        // another consumer's acknowledgement does not speak for it.
        let object = format!("notifications:{after}-{next}");
        db.transaction(|db| -> anyhow::Result<()> {
            db.exec(
                "INSERT OR IGNORE INTO feed_acks (feed, consumer, acked_seq, acked_at) VALUES ('notifications', ?, 0, ?)",
                &[text(staff.id.as_str()), text(zige_store::now_rfc3339())],
            )?;
            if !items.is_empty() {
                audit::append(
                    db,
                    &Entry { actor: &staff.actor(), role: staff.role.code(), action: "feed.read", object: &object, payload: b"" },
                )?;
            }
            Ok(())
        })?;
    }
    let mut answer = json!({ "items": items, "next_after": next, "acknowledged": acked(db, feed, staff)? });
    if feed.name == "payroll" {
        // The payroll system keeps the audit chain's head as an outside witness (R8.1).
        answer["audit_head"] = serde_json::to_value(audit::head(db)?).map_err(anyhow::Error::from)?;
    }
    Ok(json_response(200, &answer))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Acknowledgement {
    /// Every item up to and including this sequence number has been applied.
    through: i64,
}

/// `POST …/acknowledgements {"through": seq}`: the consumer has applied
/// everything up to `through`. Acknowledgements only move forward.
fn acknowledge(db: &Db, staff: &Staff, req: &Request, feed: &Feed) -> Result<Response, Problem> {
    let ack: Acknowledgement = request::json_body(req)?;
    let acked = db.transaction(|db| -> Result<i64, Problem> {
        let newest = db.one(feed.newest, &[], |r| r.int("seq"))?.unwrap_or(0);
        if ack.through < 0 || ack.through > newest {
            return Err(Problem::invalid("through", "确认的序号超出已有记录", format!("through: from 0 to {newest}")));
        }
        let before = acked(db, feed, staff)?;
        let through = ack.through.max(before);
        db.exec(
            "INSERT INTO feed_acks (feed, consumer, acked_seq, acked_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (feed, consumer) DO UPDATE SET acked_seq = ?3, acked_at = ?4",
            &[text(feed.name), text(staff.id.as_str()), int(through), text(zige_store::now_rfc3339())],
        )?;
        if feed.name == "notifications" {
            // A message every consumer has taken is delivered, and the push
            // never sends it; one consumer's acknowledgement speaks for
            // itself only.
            let taken_by_all = db.one("SELECT MIN(acked_seq) AS seq FROM feed_acks WHERE feed = 'notifications'", &[], |r| r.int("seq"))?;
            db.exec(
                "UPDATE outbox SET status = 'sent', sent_at = ? WHERE status = 'pending' AND seq <= ?",
                &[text(zige_store::now_rfc3339()), int(taken_by_all.unwrap_or(0))],
            )?;
        }
        let object = format!("{}:{through}", feed.name);
        audit::append(
            db,
            &Entry { actor: &staff.actor(), role: staff.role.code(), action: "feed.acknowledge", object: &object, payload: b"" },
        )?;
        Ok(through)
    })?;
    Ok(json_response(200, &json!({ "acknowledged": acked })))
}
