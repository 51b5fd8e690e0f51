//! Reports (举报) of improper receipt of benefits or of staff misconduct
//! (R9.1): anyone may report, with the hotline published, anonymously or
//! not. The reporter's identity is sealed at rest and shown only to the city
//! role that handles reports — never in lists for others, never to the
//! district reported on. Handling is tracked to closure and audited; the
//! reporter follows progress with the reference given.

use serde::Deserialize;
use serde_json::{Value as Json, json};
use spin_sdk::http::{Request, Response};
use zige_domain::casework::REPORT_KINDS;
use zige_domain::names::is_one_of;
use zige_http::auth::Permission::HandleReports;
use zige_http::auth::Staff;
use zige_http::problem::{Problem, json_response};
use zige_http::request::{self, Page};
use zige_http::web::{Route, public, staff};
use zige_store::audit::{self, Entry};
use zige_store::db::Db;
use zige_store::secrets::{self, Sealer};
use zige_store::tables::reports;

/// A public report is a short text.
const REPORT_BODY: usize = 64 << 10;

/// Anyone may report and follow a report; the role that handles reports
/// reads and works the queue.
pub const ROUTES: &[Route] = &[
    Route::get("/api/v1/reports/hotline", public(|_| hotline())).body_limit(REPORT_BODY),
    Route::post("/api/v1/reports", public(|c| submit(c.db()?, c.req))).body_limit(REPORT_BODY),
    Route::get("/api/v1/reports/by-reference/:reference", public(|c| progress(c.db()?, c.param("reference")))).body_limit(REPORT_BODY),
    Route::get("/api/v1/reports", staff(HandleReports, |c, s| list(c.db()?, s, c.req))).body_limit(REPORT_BODY),
    Route::patch("/api/v1/reports/:id", staff(HandleReports, |c, s| update(c.db()?, s, c.req, c.param("id")))).body_limit(REPORT_BODY),
];

zige_http::serve_routes!(ROUTES);

/// `GET /api/v1/reports/hotline`: where to report by phone.
fn hotline() -> Result<Response, Problem> {
    let number = zige_store::settings::text("report_hotline")?;
    Ok(json_response(
        200,
        &json!({ "hotline": number, "text_zh": format!("举报电话：{number}"), "text_en": format!("Report line: {number}") }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Reporter {
    name: String,
    phone: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewReport {
    /// `improper_receipt` or `staff_misconduct`.
    kind: String,
    /// Who or what the report is about, in the reporter's words.
    subject: String,
    details: String,
    /// The district concerned, when known.
    district: Option<String>,
    /// Left out for an anonymous report.
    reporter: Option<Reporter>,
}

fn bounded(field: &'static str, value: &str, max: usize) -> Result<String, Problem> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(Problem::invalid(field, format!("请填写，最多{max}字"), format!("{field}: 1 to {max} characters")));
    }
    Ok(value.to_string())
}

/// `POST /api/v1/reports`: anyone reports; the answer gives a reference to
/// follow progress with.
fn submit(db: &Db, req: &Request) -> Result<Response, Problem> {
    let body: NewReport = request::json_body(req)?;
    // Anyone may report, so reports are limited per client address: each
    // one is a permanent row. The limit is high enough for a city behind
    // one carrier's address to report what it sees.
    let address = request::client_address(req);
    zige_http::rate::hourly(&format!("report:{address}"), zige_store::settings::positive("hourly_reports_per_address")?)?;
    if !is_one_of(&REPORT_KINDS, &body.kind) {
        return Err(Problem::invalid("kind", "请选择举报类别", "kind: improper_receipt or staff_misconduct"));
    }
    let subject = bounded("subject", &body.subject, 200)?;
    let details = bounded("details", &body.details, 4000)?;
    let district = body.district.map(|d| d.trim().to_string()).filter(|d| !d.is_empty());
    if district.as_deref().is_some_and(|d| d.len() != 6 || !d.chars().all(|c| c.is_ascii_digit())) {
        return Err(Problem::invalid("district", "区县代码应为6位数字", "district: a 6-digit division code"));
    }
    let reporter = match &body.reporter {
        Some(r) => {
            let identity = json!({ "name": bounded("reporter.name", &r.name, 50)?, "phone": bounded("reporter.phone", &r.phone, 20)? });
            Some(Sealer::from_variable()?.seal(identity.to_string().as_bytes())?)
        }
        None => None,
    };
    let id = secrets::new_id("rep")?;
    let reference = secrets::random_token()?.chars().filter(char::is_ascii_alphanumeric).take(12).collect::<String>().to_uppercase();
    db.transaction(|db| -> anyhow::Result<()> {
        reports::insert(
            db,
            &reports::NewReport {
                id: &id,
                reference: &reference,
                kind: &body.kind,
                district: district.as_deref(),
                subject: &subject,
                details: &details,
                reporter_sealed: reporter.as_deref(),
                received_on: zige_store::today(),
            },
        )?;
        // The audit trail records the report, never who made it.
        audit::append(
            db,
            &Entry { actor: "public", role: "public", action: "report.receive", object: &id, payload: body.kind.as_bytes() },
        )?;
        Ok(())
    })?;
    Ok(json_response(201, &json!({ "reference": reference, "status": "received" })))
}

/// `GET /api/v1/reports/by-reference/{reference}`: the status only.
fn progress(db: &Db, reference: &str) -> Result<Response, Problem> {
    let found = reports::progress_by_reference(db, reference)?
        .map(|p| json!({ "status": p.status, "received_on": p.received_on, "closed_on": p.closed_on }));
    Ok(json_response(200, &found.ok_or_else(|| Problem::not_found("该举报编号", "report reference"))?))
}

/// `GET /api/v1/reports?status=…`: the handling role's queue, reporters
/// opened for it alone.
fn list(db: &Db, staff: &Staff, req: &Request) -> Result<Response, Problem> {
    let page = Page::from_query(req)?;
    let status = request::query_param(req, "status").unwrap_or_else(|| "received".into());
    let sealer = Sealer::from_variable()?;
    let items: Vec<Json> = reports::list_by_status(db, &status, page.per_page, page.offset())?
        .into_iter()
        .map(|r| {
            let reporter =
                r.reporter_sealed.as_deref().and_then(|s| sealer.open(s).ok()).and_then(|b| serde_json::from_slice::<Json>(&b).ok());
            json!({
                "report_id": r.id, "reference": r.reference, "kind": r.kind, "district": r.district,
                "subject": r.subject, "details": r.details, "reporter": reporter, "anonymous": reporter.is_none(),
                "status": r.status, "resolution": r.resolution, "received_on": r.received_on, "closed_on": r.closed_on,
            })
        })
        .collect();
    db.transaction(|db| {
        audit::append(db, &Entry { actor: &staff.actor(), role: staff.role.code(), action: "report.read", object: "queue", payload: b"" })
    })?;
    Ok(json_response(200, &json!({ "items": items, "page": page.page, "per_page": page.per_page })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Handling {
    /// `investigating` or `closed`.
    status: String,
    resolution: Option<String>,
}

/// `PATCH /api/v1/reports/{id}`: handling moves forward to closure; closing
/// needs the resolution.
fn update(db: &Db, staff: &Staff, req: &Request, id: &str) -> Result<Response, Problem> {
    let body: Handling = request::json_body(req)?;
    let resolution = body.resolution.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_string);
    if !matches!(body.status.as_str(), "investigating" | "closed") {
        return Err(Problem::invalid("status", "状态应为调查中或已办结", "status: investigating or closed"));
    }
    if body.status == "closed" && resolution.is_none() {
        return Err(Problem::invalid("resolution", "办结须写明处理结果", "resolution: required to close"));
    }
    db.transaction(|db| -> Result<(), Problem> {
        let current = reports::status(db, id)?;
        match current.as_deref() {
            None => return Err(Problem::not_found("该举报", "report")),
            Some("closed") => return Err(Problem::new(409, "report_closed", "该举报已办结", "The report is closed")),
            _ => {}
        }
        let closed_on = (body.status == "closed").then(zige_store::today);
        reports::record_handling(db, id, &body.status, resolution.as_deref(), closed_on, &staff.actor())?;
        audit::append(
            db,
            &Entry { actor: &staff.actor(), role: staff.role.code(), action: "report.handle", object: id, payload: body.status.as_bytes() },
        )?;
        Ok(())
    })?;
    Ok(json_response(200, &json!({ "report_id": id, "status": body.status })))
}
