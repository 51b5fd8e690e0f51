//! The audit trail for auditors (R8.1, R9.2): `GET /api/v1/audit` lists
//! records, `GET /api/v1/audit/verify` recomputes the hash chain and reports
//! the first broken link.

use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;
use zige_platform::audit;
use zige_platform::auth::{self, Permission};
use zige_platform::db::{Db, int};
use zige_platform::problem::{Problem, json_response};
use zige_platform::request;

#[http_component]
fn handle(req: Request) -> Response {
    let result = match (req.method(), req.path().trim_end_matches('/')) {
        (Method::Get, "/api/v1/audit") => list(&req),
        (Method::Get, "/api/v1/audit/verify") => verify(&req),
        (_, "/api/v1/audit" | "/api/v1/audit/verify") => Err(Problem::method_not_allowed()),
        _ => Err(Problem::not_found("该地址", "resource")),
    };
    result.unwrap_or_else(Problem::into_response)
}

fn auditor(req: &Request) -> Result<Db, Problem> {
    let db = Db::open()?;
    auth::staff(req, &db)?.require(Permission::ReadAudit)?;
    Ok(db)
}

/// Records after `after` (a sequence number), oldest first.
fn list(req: &Request) -> Result<Response, Problem> {
    let db = auditor(req)?;
    let number = |name: &str, default: i64, max: i64| -> Result<i64, Problem> {
        request::query_param(req, name).map_or(Ok(default), |v| {
            v.parse::<i64>().ok().filter(|n| (0..=max).contains(n)).ok_or_else(|| {
                Problem::new(
                    400,
                    "invalid_query",
                    format!("参数{name}应为0到{max}之间的整数"),
                    format!("{name} must be an integer from 0 to {max}"),
                )
                .with_field(name)
            })
        })
    };
    let after = number("after", 0, i64::MAX)?;
    let limit = number("limit", 100, 1000)?;
    let items = db.all(
        "SELECT seq, at, actor, role, action, object, payload_hash, hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
        &[int(after), int(limit)],
        |r| {
            serde_json::json!({
                "seq": r.int("seq"), "at": r.text("at"), "actor": r.text("actor"), "role": r.text("role"),
                "action": r.text("action"), "object": r.text("object"), "payload_hash": r.text("payload_hash"), "hash": r.text("hash"),
            })
        },
    )?;
    Ok(json_response(200, &serde_json::json!({ "items": items })))
}

fn verify(req: &Request) -> Result<Response, Problem> {
    let db = auditor(req)?;
    let report = audit::verify(&db)?;
    Ok(json_response(200, &serde_json::to_value(report).map_err(anyhow::Error::from)?))
}
