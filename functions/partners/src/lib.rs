//! Partner agencies (R5.1): city administrators register them with the
//! event types they may send, hand out webhook secrets (shown once, kept
//! sealed), rotate secrets without downtime, disable partners; city staff
//! review events that matched nobody.

use base64::Engine;
use serde::Deserialize;
use serde_json::json;
use spin_sdk::http::{Request, Response};
use zige_domain::evidence::{EVENT_TYPES, PARTNER_KINDS};
use zige_http::auth::Permission::{ImportPartnerRecords, ManagePartners, ReviewUnmatched};
use zige_http::auth::Staff;
use zige_http::problem::{Problem, json_response};
use zige_http::request::{self, Page};
use zige_http::web::{Route, staff};
use zige_services::datashare;
use zige_services::workflow::Actor;
use zige_store::audit::{self, Entry};
use zige_store::db::Db;
use zige_store::secrets;
use zige_store::tables::{partner_secrets, partners, unmatched_events};

mod imports;

/// The partners' routes; a file of partner records is the one large body.
pub const ROUTES: &[Route] = &[
    Route::get("/api/v1/partners", staff(ManagePartners, |c, _| list(c.db()?))),
    Route::post("/api/v1/partners", staff(ManagePartners, |c, s| create(c.db()?, s, c.req))),
    Route::patch("/api/v1/partners/:id", staff(ManagePartners, |c, s| update(c.db()?, s, c.req, c.param("id")))),
    Route::post("/api/v1/partners/:id/secrets", staff(ManagePartners, |c, s| add_secret(c.db()?, s, c.param("id")))),
    Route::delete(
        "/api/v1/partners/:id/secrets/:secret_id",
        staff(ManagePartners, |c, s| revoke(c.db()?, s, c.param("id"), c.param("secret_id"))),
    ),
    Route::get("/api/v1/partners/unmatched", staff(ReviewUnmatched, |c, _| unmatched(c.db()?, c.req))),
    Route::post("/api/v1/partners/unmatched/:id/rematch", staff(ReviewUnmatched, |c, s| rematch(c.db()?, s, c.param("id")))),
    Route::get("/api/v1/datashare/imports", staff(ImportPartnerRecords, |c, _| imports::list(c.db()?, c.req))),
    Route::post("/api/v1/datashare/imports", staff(ImportPartnerRecords, |c, s| imports::create(c.db()?, s, c.req)))
        .body_limit(imports::MAX_FILE),
    Route::get("/api/v1/datashare/imports/:id", staff(ImportPartnerRecords, |c, _| imports::get(c.db()?, c.param("id")))),
    Route::post("/api/v1/datashare/imports/:id/resume", staff(ImportPartnerRecords, |c, _| imports::resume(c.db()?, c.param("id")))),
    Route::get("/api/v1/datashare/imports/:id/results", staff(ImportPartnerRecords, |c, s| imports::results(c.db()?, s, c.param("id")))),
];

zige_http::serve_routes!(ROUTES);

/// A new webhook secret: `whsec_` and base64 of 32 random bytes.
fn new_secret() -> anyhow::Result<(String, Vec<u8>)> {
    let bytes = secrets::random_bytes(32)?;
    Ok((format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(&bytes)), bytes))
}

fn store_secret(db: &Db, partner_id: &str, key: &[u8]) -> anyhow::Result<String> {
    let id = secrets::new_id("sec")?;
    partner_secrets::insert(db, &id, partner_id, &secrets::seal(key)?)?;
    Ok(id)
}

fn list(db: &Db) -> Result<Response, Problem> {
    let mut items = Vec::new();
    for p in partners::list_all(db)? {
        let mut partner = json!({
            "partner_id": p.id, "name": p.name, "kind": p.kind,
            "event_types": p.event_types,
            "disabled": p.disabled, "created_at": p.created_at,
        });
        let secrets: Vec<serde_json::Value> = partner_secrets::list_for_partner(db, &p.id)?
            .into_iter()
            .map(|s| json!({ "secret_id": s.id, "created_at": s.created_at, "revoked_at": s.revoked_at }))
            .collect();
        partner["secrets"] = json!(secrets);
        items.push(partner);
    }
    Ok(json_response(200, &json!({ "items": items })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewPartner {
    partner_id: String,
    name: String,
    kind: String,
    event_types: Vec<String>,
}

fn create(db: &Db, staff: &Staff, req: &Request) -> Result<Response, Problem> {
    let new: NewPartner = request::json_body(req)?;
    if new.partner_id.is_empty()
        || new.partner_id.len() > 40
        || !new.partner_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Problem::invalid(
            "partner_id",
            "合作单位代码只能包含字母、数字、-和_，最长40位",
            "partner_id: letters, digits, - and _, at most 40",
        ));
    }
    if new.name.trim().is_empty() || new.name.chars().count() > 100 {
        return Err(Problem::invalid("name", "名称不能为空，最长100字", "name: 1 to 100 characters"));
    }
    let kinds = PARTNER_KINDS.map(|k| k.code);
    if !kinds.contains(&new.kind.as_str()) {
        return Err(Problem::invalid("kind", "未知的合作单位类型", format!("kind: one of {}", kinds.join(", "))));
    }
    if new.event_types.is_empty() || new.event_types.iter().any(|t| !EVENT_TYPES.iter().any(|e| e.code == t)) {
        return Err(Problem::invalid("event_types", "事件类型有误", "event_types: one or more of the documented event types"));
    }
    let (secret, key) = new_secret()?;
    db.transaction(|db| -> Result<(), Problem> {
        if partners::exists(db, &new.partner_id)? {
            return Err(Problem::new(409, "conflict", "该合作单位已存在", "The partner exists").with_field("partner_id"));
        }
        partners::insert(
            db,
            &partners::NewPartner { id: &new.partner_id, name: new.name.trim(), kind: &new.kind, event_types: &new.event_types },
        )?;
        let secret_id = store_secret(db, &new.partner_id, &key)?;
        audit::append(
            db,
            &Entry {
                actor: &staff.actor(),
                role: staff.role.code(),
                action: "partner.create",
                object: &new.partner_id,
                payload: secret_id.as_bytes(),
            },
        )?;
        Ok(())
    })?;
    Ok(json_response(201, &json!({ "partner_id": new.partner_id, "secret": secret })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartnerChange {
    disabled: bool,
}

fn exists(db: &Db, id: &str) -> Result<(), Problem> {
    match partners::exists(db, id)? {
        true => Ok(()),
        false => Err(Problem::not_found("该合作单位", "partner")),
    }
}

fn update(db: &Db, staff: &Staff, req: &Request, id: &str) -> Result<Response, Problem> {
    let change: PartnerChange = request::json_body(req)?;
    db.transaction(|db| -> Result<(), Problem> {
        exists(db, id)?;
        partners::set_disabled(db, id, change.disabled)?;
        let action = if change.disabled { "partner.disable" } else { "partner.enable" };
        audit::append(db, &Entry { actor: &staff.actor(), role: staff.role.code(), action, object: id, payload: b"" })?;
        Ok(())
    })?;
    Ok(json_response(200, &json!({ "partner_id": id, "disabled": change.disabled })))
}

/// Adds a secret; old and new both verify until the old one is revoked.
fn add_secret(db: &Db, staff: &Staff, id: &str) -> Result<Response, Problem> {
    let (secret, key) = new_secret()?;
    let secret_id = db.transaction(|db| -> Result<String, Problem> {
        exists(db, id)?;
        let secret_id = store_secret(db, id, &key)?;
        audit::append(
            db,
            &Entry {
                actor: &staff.actor(),
                role: staff.role.code(),
                action: "partner.secret_add",
                object: id,
                payload: secret_id.as_bytes(),
            },
        )?;
        Ok(secret_id)
    })?;
    Ok(json_response(201, &json!({ "partner_id": id, "secret_id": secret_id, "secret": secret })))
}

fn revoke(db: &Db, staff: &Staff, id: &str, secret_id: &str) -> Result<Response, Problem> {
    db.transaction(|db| -> Result<(), Problem> {
        if !partner_secrets::is_active(db, secret_id, id)? {
            return Err(Problem::not_found("该密钥", "active secret"));
        }
        partner_secrets::revoke(db, secret_id)?;
        audit::append(
            db,
            &Entry {
                actor: &staff.actor(),
                role: staff.role.code(),
                action: "partner.secret_revoke",
                object: id,
                payload: secret_id.as_bytes(),
            },
        )?;
        Ok(())
    })?;
    Ok(Response::builder().status(204).build())
}

/// Re-matches an event that named nobody, now that the person is known.
fn rematch(db: &Db, staff: &Staff, id: &str) -> Result<Response, Problem> {
    let id: i64 = id.parse().map_err(|_| Problem::not_found("该记录", "unmatched event"))?;
    let actor = staff.actor();
    let by = Actor { actor: &actor, role: staff.role.code() };
    let matched = db.transaction(|db| -> Result<bool, Problem> {
        if !unmatched_events::is_open(db, id)? {
            return Err(Problem::not_found("该待匹配记录", "open unmatched event"));
        }
        Ok(datashare::rematch(db, id, &by, zige_store::today())?)
    })?;
    if !matched {
        return Err(Problem::new(409, "still_unmatched", "花名册中仍没有此人，请先登记", "The person is still not in the registry"));
    }
    Ok(json_response(200, &json!({ "id": id, "status": "rematched" })))
}

/// Events naming nobody in the registry, for staff to review and re-match.
fn unmatched(db: &Db, req: &Request) -> Result<Response, Problem> {
    let page = Page::from_query(req)?;
    let items: Vec<serde_json::Value> = unmatched_events::list_page(db, page.per_page, page.offset())?
        .into_iter()
        .map(|e| json!({
            "id": e.id, "partner_id": e.partner_id, "event_id": e.event_id, "type": e.event_type,
            "subject_id_number_masked": e.subject_masked, "occurred_on": e.occurred_on, "status": e.status, "received_at": e.received_at,
        }))
        .collect();
    Ok(json_response(200, &json!({ "items": items, "page": page.page, "per_page": page.per_page })))
}
