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
use zige_domain::masking::mask_name;
use zige_http::auth::{self, Staff};
use zige_http::problem::{Problem, json_response};
use zige_http::request::{self, Page};
use zige_store::audit::{self, Entry};
use zige_store::db::{Db, Row, Value, int, text};

/// One ledger: its SQL, its columns and their Chinese headers.
struct Ledger {
    code: &'static str,
    name_zh: &'static str,
    /// The period filters this date column; a register lists everyone on it today.
    dated_by: Option<&'static str>,
    /// Which rows belong, beyond the scope.
    only: &'static str,
    /// Everything after SELECT's columns: FROM, joins; `{scope}` and
    /// `{period}` are filled in.
    from: &'static str,
    columns: &'static str,
    order: &'static str,
    /// (JSON field, Chinese header) in export order.
    fields: &'static [(&'static str, &'static str)],
}

const VERIFICATION: Ledger = Ledger {
    code: "verification",
    name_zh: "信息核实台账",
    dated_by: Some("t.opened_on"),
    only: "1 = 1",
    from: "FROM tasks t JOIN persons p ON p.id = t.person_id JOIN orgs o ON o.id = t.org_id LEFT JOIN decisions d ON d.task_id = t.id",
    columns: "t.id AS ref, p.name, p.id_masked, t.reason, o.name AS org_name, t.opened_on AS on_day, t.deadline, t.status, t.closed_on,
              d.outcome, d.channel, d.decided_on, d.review",
    order: "t.opened_on, t.id",
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
    dated_by: Some("h.requested_on"),
    only: "1 = 1",
    from: "FROM home_visits h JOIN persons p ON p.id = h.person_id JOIN orgs o ON o.id = h.org_id LEFT JOIN decisions d ON d.id = h.decision_id",
    columns: "h.id AS ref, p.name, p.id_masked, h.reason, o.name AS org_name, h.requested_on AS on_day, h.deadline, h.scheduled_for,
              h.status, h.escalated_on, h.visited_on, d.outcome",
    order: "h.requested_on, h.id",
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
    dated_by: None,
    only: "p.special_groups <> '[]'",
    from: "FROM persons p LEFT JOIN orgs o ON o.id = p.community_id",
    columns: "p.id AS ref, p.name, p.id_masked, p.special_groups, o.name AS org_name,
              (SELECT MAX(h.visited_on) FROM home_visits h WHERE h.person_id = p.id) AS last_visit,
              (SELECT COUNT(*) FROM home_visits h WHERE h.person_id = p.id AND h.status = 'done') AS visits,
              (SELECT MIN(h.deadline) FROM home_visits h WHERE h.person_id = p.id AND h.status IN ('open', 'scheduled')) AS visit_due",
    order: "o.name, p.id",
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

/// Plain words for stored codes, as the exports show them.
fn words(field: &str, value: &str) -> String {
    let outcome = || serde_json::from_str::<Json>(value).ok().and_then(|o| o["outcome"].as_str().map(str::to_string));
    match (field, value) {
        ("status", "open") => "办理中".into(),
        ("status", "done" | "closed") => "已办结".into(),
        ("status", "scheduled") => "已预约".into(),
        ("outcome", _) => match outcome().as_deref() {
            Some("eligible") => "符合领取条件".into(),
            Some("not_eligible") => "不符合领取条件".into(),
            Some("unreachable") => "联系不上".into(),
            _ => value.into(),
        },
        ("review", "confirmed") => "已确认".into(),
        ("review", "sent_back") => "退回重核".into(),
        ("review", "overridden") => "市级改判".into(),
        ("special_groups", _) => serde_json::from_str::<Vec<String>>(value)
            .unwrap_or_default()
            .iter()
            .map(|code| SPECIAL_GROUPS.iter().find(|g| g.code == code).map_or(code.as_str(), |g| g.name_zh))
            .collect::<Vec<_>>()
            .join("、"),
        _ => value.into(),
    }
}

fn row_json(r: &Row<'_>, ledger: &Ledger) -> Json {
    let mut item = serde_json::Map::new();
    for (field, _) in ledger.fields {
        let value = match *field {
            "name" => Json::String(mask_name(&r.text("name"))),
            "id_number_masked" => Json::String(r.text("id_masked")),
            "outcome" => r.opt_text("outcome").and_then(|o| serde_json::from_str(&o).ok()).unwrap_or(Json::Null),
            "special_groups" => serde_json::from_str(&r.text("special_groups")).unwrap_or(Json::Null),
            "visits" => Json::from(r.int("visits")),
            other => r.opt_text(other).map_or(Json::Null, Json::String),
        };
        item.insert((*field).to_string(), value);
    }
    Json::Object(item)
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
    let (scope, scope_params) = auth::scope_sql(&tree, staff, "p.")?;
    let mut params: Vec<Value> = scope_params;
    let condition = match ledger.dated_by {
        Some(column) => {
            params.extend([text(from.to_string()), text(to.to_string())]);
            format!("{scope} AND {} AND {column} BETWEEN ? AND ?", ledger.only)
        }
        None => format!("{scope} AND {}", ledger.only),
    };
    let csv = request::query_param(req, "format").as_deref() == Some("csv");
    if csv {
        let rows =
            db.all(&format!("SELECT {} {} WHERE {condition} ORDER BY {}", ledger.columns, ledger.from, ledger.order), &params, |r| {
                row_json(&r, ledger)
            })?;
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
    let total = db.one(&format!("SELECT COUNT(*) AS n {} WHERE {condition}", ledger.from), &params, |r| r.int("n"))?.unwrap_or(0);
    params.extend([int(page.per_page), int(page.offset())]);
    let items = db.all(
        &format!("SELECT {} {} WHERE {condition} ORDER BY {} LIMIT ? OFFSET ?", ledger.columns, ledger.from, ledger.order),
        &params,
        |r| row_json(&r, ledger),
    )?;
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
