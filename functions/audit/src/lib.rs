//! The audit trail for auditors (R8.1, R9.2): `GET /api/v1/audit` lists
//! records, `GET /api/v1/audit/verify` recomputes the hash chain and reports
//! the first broken link.

use spin_sdk::http::{Request, Response};
use zige_http::auth::Permission::{FileArchives, ReadAudit};
use zige_http::problem::{Problem, json_response};
use zige_http::request;
use zige_http::web::{Route, any_staff, staff};
use zige_store::audit;
use zige_store::db::Db;

mod archives;

/// The audit trail's and the archives' routes. What an archive route shows
/// depends on the caller's scope (`archives`); a copy of an archive sent to
/// be verified is the one large body here.
pub const ROUTES: &[Route] = &[
    Route::get("/api/v1/audit", staff(ReadAudit, |c, _| list(c.db()?, c.req))),
    Route::get("/api/v1/audit/verify", staff(ReadAudit, |c, _| verify(c.db()?, c.req))),
    Route::get("/api/v1/audit/head", staff(ReadAudit, |c, _| head(c.db()?))),
    Route::post("/api/v1/archives", staff(FileArchives, |c, s| archives::create(c.db()?, s, c.req))),
    Route::get("/api/v1/archives", any_staff(|c, s| archives::list(c.db()?, s, c.req))),
    Route::get("/api/v1/archives/completeness", any_staff(|c, s| archives::completeness(c.db()?, s, c.req))),
    Route::get("/api/v1/archives/:id/download", any_staff(|c, s| archives::download(c.db()?, s, c.param("id")))),
    Route::get("/api/v1/archives/:id/verify", any_staff(|c, s| archives::verify(c.db()?, s, c.param("id"), None))),
    Route::post("/api/v1/archives/:id/verify", any_staff(|c, s| archives::verify(c.db()?, s, c.param("id"), Some(c.req.body()))))
        .body_limit(archives::MAX_COPY_BYTES),
];

zige_http::serve_routes!(ROUTES);

/// Records after `after` (a sequence number), oldest first.
fn list(db: &Db, req: &Request) -> Result<Response, Problem> {
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
    let items: Vec<serde_json::Value> = audit::records_after(db, after, limit)?
        .into_iter()
        .map(|r| {
            serde_json::json!({
                "seq": r.seq, "at": r.at, "actor": r.actor, "role": r.role,
                "action": r.action, "object": r.object, "payload_hash": r.payload_hash, "hash": r.hash,
            })
        })
        .collect();
    Ok(json_response(200, &serde_json::json!({ "items": items })))
}

/// `GET /api/v1/audit/verify[?head=SEQ:HASH]`: recomputes the chain; with
/// a head a witness kept (from `/api/v1/audit/head`, an archive's manifest
/// or the payroll feed), also reports whether the chain still reaches it:
/// records cut from the end, or replaced, leave it unreached.
fn verify(db: &Db, req: &Request) -> Result<Response, Problem> {
    let given = match request::query_param(req, "head") {
        None => None,
        Some(text) => Some(audit::Head::parse(&text).ok_or_else(|| {
            Problem::new(400, "invalid_query", "head应为“序号:哈希值”", "head: SEQ:HASH, the hash 64 hexadecimal digits").with_field("head")
        })?),
    };
    let report = audit::verify(db)?;
    let mut answer = serde_json::to_value(&report).map_err(anyhow::Error::from)?;
    answer["head"] = serde_json::to_value(audit::head(db)?).map_err(anyhow::Error::from)?;
    if let Some(given) = given {
        let reached = audit::reaches(db, &given)?;
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
fn head(db: &Db) -> Result<Response, Problem> {
    Ok(json_response(200, &serde_json::json!({ "head": audit::head(db)? })))
}
