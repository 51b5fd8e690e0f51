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
use zige_store::db::Db;
use zige_store::tables::{feed_acks, outbox, payroll_instructions};

/// A feed: its name, its items after a sequence number (at most a number
/// of them), and the newest item's sequence number.
struct Feed {
    name: &'static str,
    items: fn(&Db, i64, i64) -> anyhow::Result<Vec<serde_json::Value>>,
    newest: fn(&Db) -> anyhow::Result<i64>,
}

const PAYROLL: Feed = Feed {
    name: "payroll",
    items: |db, after, limit| {
        Ok(payroll_instructions::feed_after(db, after, limit)?
            .into_iter()
            .map(|i| {
                json!({
                    "seq": i.seq, "benefit_id": i.benefit_id, "action": i.action,
                    "amount_fen": i.amount.map(|a| a.as_i64()), "effective_month": i.effective_month, "reason": i.reason,
                })
            })
            .collect())
    },
    newest: payroll_instructions::newest_seq,
};

const NOTIFICATIONS: Feed = Feed {
    name: "notifications",
    items: |db, after, limit| {
        Ok(outbox::feed_after(db, after, limit)?
            .into_iter()
            .map(|m| json!({ "seq": m.seq, "kind": m.kind, "phone": m.phone, "text": m.message, "created_at": m.created_at }))
            .collect())
    },
    newest: outbox::newest_seq,
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
    Ok(feed_acks::acked_seq(db, feed.name, &staff.id)?.unwrap_or(0))
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
    let items = (feed.items)(db, after, limit)?;
    let next = items.last().and_then(|i| i["seq"].as_i64()).unwrap_or(after);
    if feed.name == "notifications" {
        // The messages carry every recipient's phone number: who read which
        // is kept (R8.1). A reader is a consumer from its first read on, so
        // another consumer's acknowledgement does not speak for it.
        let object = format!("notifications:{after}-{next}");
        db.transaction(|db| -> anyhow::Result<()> {
            feed_acks::register(db, "notifications", &staff.id, &zige_store::now_rfc3339())?;
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
        let newest = (feed.newest)(db)?;
        if ack.through < 0 || ack.through > newest {
            return Err(Problem::invalid("through", "确认的序号超出已有记录", format!("through: from 0 to {newest}")));
        }
        let before = acked(db, feed, staff)?;
        let through = ack.through.max(before);
        feed_acks::acknowledge(db, feed.name, &staff.id, through, &zige_store::now_rfc3339())?;
        if feed.name == "notifications" {
            // A message every consumer has taken is delivered, and the push
            // never sends it; one consumer's acknowledgement speaks for
            // itself only.
            let taken_by_all = feed_acks::least_acked(db, "notifications")?;
            outbox::mark_taken_by_all(db, taken_by_all.unwrap_or(0), &zige_store::now_rfc3339())?;
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
