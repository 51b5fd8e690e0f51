//! The two ledgers of the notice, as views and CSV exports within each
//! role's scope: the verification ledger (信息核实台账, R5.4): every
//! verification task of a period with its outcome; and the service ledger
//! of persons with limited mobility (服务台账, R6.3): every home-visit
//! request with its scheduling and result; and the register behind it
//! (服务对象名册, R6.3): the people the community keeps on it, with their
//! groups and the visits against them. Names and ID numbers are masked;
//! addresses and phones stay out.

use serde_json::{Value as Json, json};
use spin_sdk::http::{Request, Response};
use zige_domain::benefit::SPECIAL_GROUPS;
use zige_domain::casework::{LEDGER_STATUSES, REVIEW_RESULTS};
use zige_domain::evidence::FIELD_OUTCOMES;
use zige_domain::masking::mask_name;
use zige_domain::names::CodeName;
use zige_http::auth::{self, Staff};
use zige_http::problem::{Problem, json_response};
use zige_http::request::{self, Page};
use zige_store::audit::{self, Entry};
use zige_store::db::Db;
use zige_store::tables::{Scope, home_visits, persons, tasks};

/// One ledger: its lines (read from the store) and their fields with
/// their Chinese headers.
struct Ledger {
    code: &'static str,
    name_zh: &'static str,
    /// Which lines it holds.
    lines: Lines,
    /// (JSON field, Chinese header) in export order.
    fields: &'static [(&'static str, &'static str)],
}

/// What a ledger lists.
#[derive(Clone, Copy)]
enum Lines {
    /// Verification tasks opened in the period.
    Tasks,
    /// Home-visit requests made in the period.
    HomeVisits,
    /// The persons on the register today, whatever the period.
    Register,
}

const VERIFICATION: Ledger = Ledger {
    code: "verification",
    name_zh: "信息核实台账",
    lines: Lines::Tasks,
    fields: &[
        ("ref", "任务编号"),
        ("name", "姓名"),
        ("id_number_masked", "公民身份号码"),
        ("reason", "核实事项"),
        ("org_name", "承办单位"),
        ("on_day", "下发日期"),
        ("deadline", "办结期限"),
        ("status", "状态"),
        ("closed_on", "办结日期"),
        ("outcome", "核实结果"),
        ("channel", "核实方式"),
        ("decided_on", "核实日期"),
        ("review", "市级复核"),
    ],
};

const SERVICE: Ledger = Ledger {
    code: "service",
    name_zh: "服务台账",
    lines: Lines::HomeVisits,
    fields: &[
        ("ref", "申请编号"),
        ("name", "姓名"),
        ("id_number_masked", "公民身份号码"),
        ("reason", "申请事由"),
        ("org_name", "服务单位"),
        ("on_day", "申请日期"),
        ("deadline", "上门期限"),
        ("scheduled_for", "预约上门日期"),
        ("status", "状态"),
        ("escalated_on", "逾期督办日期"),
        ("visited_on", "上门日期"),
        ("outcome", "核实结果"),
    ],
};

const REGISTER: Ledger = Ledger {
    code: "register",
    name_zh: "服务对象名册",
    lines: Lines::Register,
    fields: &[
        ("ref", "人员编号"),
        ("name", "姓名"),
        ("id_number_masked", "公民身份号码"),
        ("special_groups", "服务类别"),
        ("org_name", "所在社区"),
        ("last_visit", "最近上门日期"),
        ("visits", "上门次数"),
        ("visit_due", "待上门期限"),
    ],
};

/// Plain words for stored codes, as the exports show them: the domain's
/// Chinese names of ledger statuses, review results and special groups,
/// and field outcomes (a finding stated in full for the two that decide).
fn words(field: &str, value: &str) -> String {
    let named = |table: &[CodeName], code: &str| table.iter().find(|c| c.code == code).map_or(code.to_string(), |c| c.name_zh.to_string());
    match field {
        "status" => named(&LEDGER_STATUSES.map(|s| s.name), value),
        // The ledger states a finding in full, where the console's label is short.
        "outcome" => match serde_json::from_str::<Json>(value).ok().and_then(|o| o["outcome"].as_str().map(str::to_string)).as_deref() {
            Some("eligible") => "符合领取条件".into(),
            Some("not_eligible") => "不符合领取条件".into(),
            Some(other) => named(&FIELD_OUTCOMES, other),
            None => value.into(),
        },
        "review" => named(&REVIEW_RESULTS, value),
        "special_groups" => serde_json::from_str::<Vec<String>>(value)
            .unwrap_or_default()
            .iter()
            .map(|code| named(&SPECIAL_GROUPS, code))
            .collect::<Vec<_>>()
            .join("、"),
        _ => value.into(),
    }
}

/// A stored text as JSON: null when NULL.
fn stored(value: Option<String>) -> Json {
    value.map_or(Json::Null, Json::String)
}

/// A stored outcome (its JSON) as JSON: null when NULL or unreadable.
fn stored_outcome(outcome: Option<String>) -> Json {
    outcome.and_then(|o| serde_json::from_str(&o).ok()).unwrap_or(Json::Null)
}

/// A line as JSON: its fields in the ledger's order, names masked.
fn line_json(fields: Vec<(&'static str, Json)>) -> Json {
    Json::Object(fields.into_iter().map(|(field, value)| (field.to_string(), value)).collect())
}

/// The lines of `ledger` for the persons in `scope` in the period from
/// `from` to `to`, as JSON: one page (limit, offset), or all of them.
fn lines(
    db: &Db,
    ledger: &Ledger,
    scope: &Scope,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    page: Option<(i64, i64)>,
) -> anyhow::Result<Vec<Json>> {
    Ok(match ledger.lines {
        Lines::Tasks => tasks::verification_ledger(db, scope, from, to, page)?
            .into_iter()
            .map(|l| {
                line_json(vec![
                    ("ref", stored(l.task_id)),
                    ("name", Json::String(mask_name(&l.name))),
                    ("id_number_masked", Json::String(l.id_masked)),
                    ("reason", stored(l.reason)),
                    ("org_name", stored(l.org_name)),
                    ("on_day", stored(l.opened_on)),
                    ("deadline", stored(l.deadline)),
                    ("status", stored(l.status)),
                    ("closed_on", stored(l.closed_on)),
                    ("outcome", stored_outcome(l.outcome)),
                    ("channel", stored(l.channel)),
                    ("decided_on", stored(l.decided_on)),
                    ("review", stored(l.review)),
                ])
            })
            .collect(),
        Lines::HomeVisits => home_visits::service_ledger(db, scope, from, to, page)?
            .into_iter()
            .map(|l| {
                line_json(vec![
                    ("ref", stored(l.visit_id)),
                    ("name", Json::String(mask_name(&l.name))),
                    ("id_number_masked", Json::String(l.id_masked)),
                    ("reason", stored(l.reason)),
                    ("org_name", stored(l.org_name)),
                    ("on_day", stored(l.requested_on)),
                    ("deadline", stored(l.deadline)),
                    ("scheduled_for", stored(l.scheduled_for)),
                    ("status", stored(l.status)),
                    ("escalated_on", stored(l.escalated_on)),
                    ("visited_on", stored(l.visited_on)),
                    ("outcome", stored_outcome(l.outcome)),
                ])
            })
            .collect(),
        Lines::Register => persons::service_register(db, scope, page)?
            .into_iter()
            .map(|l| {
                line_json(vec![
                    ("ref", stored(l.person_id)),
                    ("name", Json::String(mask_name(&l.name))),
                    ("id_number_masked", Json::String(l.id_masked)),
                    ("special_groups", serde_json::from_str(&l.special_groups).unwrap_or(Json::Null)),
                    ("org_name", stored(l.org_name)),
                    ("last_visit", stored(l.last_visit)),
                    ("visits", Json::from(l.visits)),
                    ("visit_due", stored(l.visit_due)),
                ])
            })
            .collect(),
    })
}

/// How many lines `ledger` has for the persons in `scope` in the period.
fn count(db: &Db, ledger: &Ledger, scope: &Scope, from: chrono::NaiveDate, to: chrono::NaiveDate) -> anyhow::Result<i64> {
    match ledger.lines {
        Lines::Tasks => tasks::verification_ledger_count(db, scope, from, to),
        Lines::HomeVisits => home_visits::service_ledger_count(db, scope, from, to),
        Lines::Register => persons::service_register_count(db, scope),
    }
}

/// A day from the query, or the default.
fn day(req: &Request, name: &str, default: chrono::NaiveDate) -> Result<chrono::NaiveDate, Problem> {
    match request::query_param(req, name).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|_| {
            Problem::new(400, "invalid_query", format!("{name}应为日期，如2026-01-31"), format!("{name}: a date such as 2026-01-31"))
                .with_field(name)
        }),
    }
}

/// `GET /api/v1/ledgers/{verification|service|register}?from&to[&format=csv]`:
/// the ledger of a period (by default the last year to today; the register
/// as of today), paged as JSON or whole as CSV (UTF-8 with BOM, Chinese
/// headers, audited, R8.1).
pub fn ledger(db: &Db, staff: &Staff, req: &Request, kind: &str) -> Result<Response, Problem> {
    let ledger =
        [&VERIFICATION, &SERVICE, &REGISTER].into_iter().find(|l| l.code == kind).ok_or_else(|| Problem::not_found("该台账", "ledger"))?;
    let today = zige_store::today();
    let to = day(req, "to", today)?;
    let from = day(req, "from", to - chrono::Days::new(365))?;
    if from > to {
        return Err(Problem::new(400, "invalid_query", "起始日期晚于截止日期", "from is after to").with_field("from"));
    }
    let tree = auth::org_tree(db)?;
    let scope = auth::scope(&tree, staff)?;
    let csv = request::query_param(req, "format").as_deref() == Some("csv");
    if csv {
        let rows = lines(db, ledger, &scope, from, to, None)?;
        let payload = format!("{kind}?{}", req.query());
        db.transaction(|db| {
            audit::append(
                db,
                &Entry {
                    actor: &staff.actor(),
                    role: staff.role.code(),
                    action: "ledger.export",
                    object: kind,
                    payload: payload.as_bytes(),
                },
            )
        })?;
        return csv_response(ledger, &rows, from, to);
    }
    let page = Page::from_query(req)?;
    let total = count(db, ledger, &scope, from, to)?;
    let items = lines(db, ledger, &scope, from, to, Some((page.per_page, page.offset())))?;
    Ok(json_response(
        200,
        &json!({ "ledger": kind, "name_zh": ledger.name_zh, "from": from, "to": to, "total": total, "items": items, "page": page.page, "per_page": page.per_page }),
    ))
}

fn csv_response(ledger: &Ledger, rows: &[Json], from: chrono::NaiveDate, to: chrono::NaiveDate) -> Result<Response, Problem> {
    let mut file = zige_http::spreadsheet::CsvFile::new();
    file.row(ledger.fields.iter().map(|(_, header)| *header))?;
    for row in rows {
        file.row(ledger.fields.iter().map(|(field, _)| match &row[*field] {
            Json::Null => String::new(),
            Json::String(s) => words(field, s),
            other => words(field, &other.to_string()),
        }))?;
    }
    let body = file.finish()?;
    let file_name = format!("{}-{from}-{to}.csv", ledger.code);
    Ok(Response::builder()
        .status(200)
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", format!("attachment; filename=\"{file_name}\""))
        .header("cache-control", "no-store")
        .body(body)
        .build())
}
