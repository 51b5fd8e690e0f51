//! The audit trail for auditors (R8.1, R9.2): `GET /api/v1/audit` lists
//! records, `GET /api/v1/audit/verify` recomputes the hash chain and reports
//! the first broken link.

use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;
use zige_platform::audit;
use zige_platform::auth::{self, Permission};
use zige_platform::db::{Db, int};
use zige_platform::problem::{Problem, json_response};
use zige_platform::request::{self, BodyLimits, Bounded};

mod archives;

/// A copy of an archive sent to be verified is the one large body here.
struct Bodies;

impl BodyLimits for Bodies {
    fn body_limit(method: &Method, path: &str) -> usize {
        let copy = *method == Method::Post && path.starts_with("/api/v1/archives/") && path.ends_with("/verify");
        if copy { archives::MAX_COPY_BYTES } else { request::MAX_JSON_BODY }
    }
}

#[http_component]
fn handle(req: Bounded<Bodies>) -> Response {
    let path = req.path().trim_end_matches('/');
    let result = match (req.method(), path) {
        (Method::Get, "/api/v1/audit") => list(&req),
        (Method::Get, "/api/v1/audit/verify") => verify(&req),
        (Method::Get, "/api/v1/audit/head") => head(&req),
        (_, "/api/v1/audit" | "/api/v1/audit/verify" | "/api/v1/audit/head") => Err(Problem::method_not_allowed()),
        (_, p) if p == "/api/v1/archives" || p.starts_with("/api/v1/archives/") => archive_route(&req, p),
        _ => Err(Problem::not_found("该地址", "resource")),
    };
    result.unwrap_or_else(Problem::into_response)
}

/// The monthly archives (R8.2).
fn archive_route(req: &Request, path: &str) -> Result<Response, Problem> {
    let segments: Vec<&str> = path.trim_start_matches("/api/v1/archives").split('/').filter(|s| !s.is_empty()).collect();
    let known = matches!(segments.as_slice(), [] | ["completeness"] | [_, "download" | "verify"]);
    if !known {
        return Err(Problem::not_found("该地址", "resource"));
    }
    let db = Db::open()?;
    let staff = auth::staff(req, &db)?;
    match (req.method(), segments.as_slice()) {
        (Method::Post, []) => archives::create(&db, &staff, req),
        (Method::Get, []) => archives::list(&db, &staff, req),
        (Method::Get, ["completeness"]) => archives::completeness(&db, &staff, req),
        (Method::Get, [id, "download"]) => archives::download(&db, &staff, id),
        (Method::Get, [id, "verify"]) => archives::verify(&db, &staff, id, None),
        (Method::Post, [id, "verify"]) => archives::verify(&db, &staff, id, Some(req.body())),
        _ => Err(Problem::method_not_allowed()),
    }
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

/// `GET /api/v1/audit/verify[?head=SEQ:HASH]`: recomputes the chain; with
/// a head a witness kept (from `/api/v1/audit/head`, an archive's manifest
/// or the payroll feed), also reports whether the chain still reaches it:
/// records cut from the end, or replaced, leave it unreached.
fn verify(req: &Request) -> Result<Response, Problem> {
    let db = auditor(req)?;
    let given = match request::query_param(req, "head") {
        None => None,
        Some(text) => Some(audit::Head::parse(&text).ok_or_else(|| {
            Problem::new(400, "invalid_query", "head应为“序号:哈希值”", "head: SEQ:HASH, the hash 64 hexadecimal digits").with_field("head")
        })?),
    };
    let report = audit::verify(&db)?;
    let mut answer = serde_json::to_value(&report).map_err(anyhow::Error::from)?;
    answer["head"] = serde_json::to_value(audit::head(&db)?).map_err(anyhow::Error::from)?;
    if let Some(given) = given {
        let reached = audit::reaches(&db, &given)?;
        answer["head_reached"] = serde_json::json!(reached);
        if !reached {
            answer["intact"] = serde_json::json!(false);
            answer["problem"] = serde_json::json!(format!(
                "the chain no longer reaches the head given (record {}): records were cut from its end or replaced",
                given.seq
            ));
        }
    }
    Ok(json_response(200, &answer))
}

/// `GET /api/v1/audit/head`: the chain's newest record, for an outside
/// witness to keep.
fn head(req: &Request) -> Result<Response, Problem> {
    let db = auditor(req)?;
    Ok(json_response(200, &serde_json::json!({ "head": audit::head(&db)? })))
}
