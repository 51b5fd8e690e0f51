//! The three lists of the notice (R5.4) — 具备领取待遇资格人员名单,
//! 丧失领取待遇资格人员名单, 待核实人员名单 — per benefit, filtered and paged,
//! each row with the domain's reasons; exports streamed as CSV (UTF-8 with
//! BOM, so that Excel reads it) and audited (R8.1); and the dashboard of
//! each role's scope. Everything reads the assessment snapshot that the
//! sweep and every change keep on each benefit; only persons queued by
//! partner records since the last tick are assessed again here.

mod ledgers;

use serde_json::{Value as Json, json};
use spin_sdk::http::{Request, Response};
use std::collections::BTreeMap;
use zige_domain::masking::mask_name;
use zige_domain::{BenefitType, ListKind};
use zige_http::auth::Permission::ReadPersons;
use zige_http::auth::{self, Staff};
use zige_http::problem::{Problem, json_response};
use zige_http::request::{self, Page};
use zige_http::spreadsheet::CsvFile;
use zige_http::web::{Call, Export, Route, export, staff};
use zige_store::audit::{self, Entry};
use zige_store::db::{Db, Value, int, text};
use zige_store::records;

/// Rows read per query while exporting.
const EXPORT_BATCH: i64 = 2000;

/// The lists' routes: every one reads persons within the caller's scope.
pub const ROUTES: &[Route] = &[
    Route::get("/api/v1/dashboard", staff(ReadPersons, |c, s| dashboard(c.db()?, s, catch_up(c.db()?)?))),
    Route::get(
        "/api/v1/ledgers/:kind",
        staff(ReadPersons, |c, s| {
            catch_up(c.db()?)?;
            ledgers::ledger(c.db()?, s, c.req, c.param("kind"))
        }),
    ),
    Route::get(
        "/api/v1/lists/:kind",
        staff(ReadPersons, |c, s| {
            let pending = catch_up(c.db()?)?;
            list(c.db()?, &Filter::parse(c.db()?, s, c.req, c.param("kind"))?, c.req, pending)
        }),
    ),
    Route::get("/api/v1/lists/:kind/export", export(ReadPersons, export_list)),
];

zige_http::serve_routes!(ROUTES);

/// `GET /api/v1/lists/{kind}/export`: the list as CSV, streamed, or as an
/// Excel workbook; audited (R8.1).
fn export_list<'a>(call: &'a Call<'a>, staff: &Staff) -> Result<Export<'a>, Problem> {
    let (db, kind) = (call.db()?, call.param("kind"));
    catch_up(db)?;
    let filter = Filter::parse(db, staff, call.req, kind)?;
    // Built before the audit record, so that a refused export records nothing.
    let export = match request::query_param(call.req, "format").as_deref() {
        None | Some("csv") => csv_export(db, filter),
        Some("xlsx") => {
            let mut workbook = export_xlsx(db, &filter)?;
            let body = std::mem::take(workbook.body_mut());
            Export { head: workbook, parts: Box::new(std::iter::once(Ok(body))) }
        }
        Some(_) => return Err(Problem::new(400, "invalid_query", "format应为csv或xlsx", "format: csv or xlsx").with_field("format")),
    };
    let payload = format!("{kind}?{}", call.req.query());
    let entry = Entry { actor: &staff.actor(), role: staff.role.code(), action: "list.export", object: kind, payload: payload.as_bytes() };
    db.transaction(|db| audit::append(db, &entry))?;
    Ok(export)
}

/// Queue entries renewed before a list answers; the tick renews the rest.
const CATCH_UP: usize = 1000;

/// Renews the assessments that partner records queued (R5.3), so that the
/// lists show them; returns how many queue entries still wait, which the
/// answer reports instead of passing stale rows off as current.
fn catch_up(db: &Db) -> Result<i64, Problem> {
    let today = zige_store::today();
    db.transaction(|db| records::refresh_queued(db, today, CATCH_UP))?;
    Ok(records::queued_refreshes(db)?)
}

/// A list and its filters, as SQL.
struct Filter {
    list: ListKind,
    condition: String,
    params: Vec<Value>,
    /// Whether the condition reads `persons`; counting needs the join only then.
    reads_persons: bool,
}

impl Filter {
    fn parse(db: &Db, staff: &Staff, req: &Request, kind: &str) -> Result<Filter, Problem> {
        let list = [ListKind::Eligible, ListKind::Lost, ListKind::ToVerify]
            .into_iter()
            .find(|l| l.code() == kind)
            .ok_or_else(|| Problem::not_found("该名单", "list"))?;
        let tree = auth::org_tree(db)?;
        let (scope, mut params) = auth::scope_sql(&tree, staff, "p.")?;
        // A benefit registered but never assessed is on the to-be-verified
        // list from the start (records::NOT_ASSESSED): nobody is missed.
        let mut reads_persons = scope != "1 = 1";
        let mut condition = format!("b.list_kind = ? AND {scope}");
        params.insert(0, text(list.code()));
        let filters: [(&str, &str); 7] = [
            ("district", "p.insured_district = ?"),
            ("community", "p.community_id = ?"),
            ("employer", "p.employer_id = ?"),
            ("benefit_type", "b.benefit_type = ?"),
            ("channel", "b.certified_by = ?"),
            ("certified_from", "b.certified_on >= ?"),
            ("certified_to", "b.certified_on <= ?"),
        ];
        for (name, sql) in filters {
            if let Some(value) = request::query_param(req, name).filter(|v| !v.is_empty()) {
                let valid = match name {
                    "benefit_type" => BenefitType::parse(&value).is_ok(),
                    "certified_from" | "certified_to" => chrono::NaiveDate::parse_from_str(&value, "%Y-%m-%d").is_ok(),
                    _ => value.len() <= 64,
                };
                if !valid {
                    return Err(Problem::new(400, "invalid_query", format!("筛选条件{name}有误"), format!("{name}: not a valid value"))
                        .with_field(name));
                }
                condition.push_str(" AND ");
                condition.push_str(sql);
                params.push(text(value));
                reads_persons |= sql.starts_with("p.");
            }
        }
        Ok(Filter { list, condition, params, reads_persons })
    }
}

const ROW_COLUMNS: &str =
    "b.id, b.benefit_type, b.list_kind, b.list_reasons, b.certified_on, b.certified_by, b.payment_status, b.cycle_due,
     p.id AS person_id, p.name, p.id_masked, p.community_id, p.insured_district, p.employer_id";

/// A list row as the API shows it.
fn row_json(r: &zige_store::db::Row<'_>, list: ListKind) -> Json {
    let kind = BenefitType::parse(&r.text("benefit_type")).ok();
    json!({
        "benefit_id": r.text("id"), "benefit_type": r.text("benefit_type"), "benefit_name_zh": kind.map(BenefitType::name_zh),
        "list": list.code(), "list_name_zh": list.name_zh(),
        "reasons": serde_json::from_str::<Json>(&r.opt_text("list_reasons").unwrap_or_else(|| "[]".into())).unwrap_or(Json::Null),
        "certified_on": r.opt_text("certified_on"), "certified_by": r.opt_text("certified_by"),
        "payment_status": r.text("payment_status"), "cycle_due": r.opt_text("cycle_due"),
        "person": { "person_id": r.text("person_id"), "name": mask_name(&r.text("name")), "id_number_masked": r.text("id_masked"),
            "community_id": r.opt_text("community_id"), "insured_district": r.text("insured_district"), "employer_id": r.opt_text("employer_id") },
    })
}

/// `GET /api/v1/lists/{eligible|lost|to_verify}`: one page, with the total.
/// `after=<benefit_id>` reads the page after that row without counting
/// through the earlier ones, for consoles that page forward.
fn list(db: &Db, filter: &Filter, req: &Request, pending: i64) -> Result<Response, Problem> {
    let page = Page::from_query(req)?;
    let from = "FROM benefits b JOIN persons p ON p.id = b.person_id";
    let counted = if filter.reads_persons { from } else { "FROM benefits b" };
    let total = db.one(&format!("SELECT COUNT(*) AS n {counted} WHERE {}", filter.condition), &filter.params, |r| r.int("n"))?.unwrap_or(0);
    let mut params = filter.params.clone();
    let sql = match request::query_param(req, "after") {
        Some(after) => {
            params.extend([text(after), int(page.per_page)]);
            format!("SELECT {ROW_COLUMNS} {from} WHERE {} AND b.id > ? ORDER BY b.id LIMIT ?", filter.condition)
        }
        None => {
            // The page's ids are found first, without reading persons unless
            // a filter needs them: skipping to a deep page then walks only
            // the list's index, and persons are read for one page of rows.
            params.extend([int(page.per_page), int(page.offset())]);
            format!(
                "SELECT {ROW_COLUMNS} {from} WHERE b.id IN (SELECT b.id {counted} WHERE {} ORDER BY b.id LIMIT ? OFFSET ?) ORDER BY b.id",
                filter.condition
            )
        }
    };
    let items = db.all(&sql, &params, |r| row_json(&r, filter.list))?;
    Ok(json_response(
        200,
        &json!({ "list": filter.list.code(), "list_name_zh": filter.list.name_zh(), "total": total, "items": items, "page": page.page, "per_page": page.per_page,
                 "reassessment_pending": pending }),
    ))
}

/// The export's Chinese column headers, in the notice's terms.
const HEADERS: [&str; 11] =
    ["名单", "姓名", "公民身份号码", "待遇类别", "参保地", "所在社区", "认证日期", "认证方式", "应认证日期", "待遇状态", "原因"];

/// `GET /api/v1/lists/{kind}/export` as CSV, read in batches by benefit
/// id, so memory stays flat however long the list is.
fn csv_export(db: &Db, filter: Filter) -> Export<'_> {
    let file_name = format!("{}.csv", filter.list.code());
    let head = Response::builder()
        .status(200)
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", format!("attachment; filename=\"{file_name}\""))
        .header("cache-control", "no-store")
        .build();
    let mut header = Some(());
    let mut after = Some(String::new());
    let parts = std::iter::from_fn(move || {
        if header.take().is_some() {
            let mut file = CsvFile::new();
            return Some(file.row(HEADERS).and_then(|()| file.finish()));
        }
        let part = next_batch(db, &filter, &mut after).and_then(|rows| {
            let Some(rows) = rows else { return Ok(None) };
            let mut file = CsvFile::continued();
            for row in &rows {
                file.row(export_cells(filter.list, row))?;
            }
            file.finish().map(Some)
        });
        part.transpose()
    });
    Export { head, parts: Box::new(parts) }
}

/// The next batch of an export after the benefit id `after` (empty at the
/// start), which it moves on, to `None` after the last batch.
fn next_batch(db: &Db, filter: &Filter, after: &mut Option<String>) -> anyhow::Result<Option<Vec<Json>>> {
    let Some(from) = after.as_deref() else { return Ok(None) };
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM benefits b JOIN persons p ON p.id = b.person_id WHERE {} AND b.id > ? ORDER BY b.id LIMIT ?",
        filter.condition
    );
    let mut params = filter.params.clone();
    params.extend([text(from), int(EXPORT_BATCH)]);
    let rows = db.all(&sql, &params, |r| (r.text("id"), row_json(&r, filter.list)))?;
    *after = rows.last().filter(|_| rows.len() as i64 == EXPORT_BATCH).map(|(id, _)| id.clone());
    Ok((!rows.is_empty()).then(|| rows.into_iter().map(|(_, row)| row).collect()))
}

/// One exported row, in the order of [`HEADERS`].
fn export_cells(list: ListKind, row: &Json) -> [String; 11] {
    let reasons = row["reasons"].as_array().map(|rs| rs.iter().filter_map(|r| r["message_zh"].as_str()).collect::<Vec<_>>().join("；"));
    let cell = |v: &Json| v.as_str().unwrap_or_default().to_string();
    [
        list.name_zh().to_string(),
        cell(&row["person"]["name"]),
        cell(&row["person"]["id_number_masked"]),
        cell(&row["benefit_name_zh"]),
        cell(&row["person"]["insured_district"]),
        cell(&row["person"]["community_id"]),
        cell(&row["certified_on"]),
        cell(&row["certified_by"]),
        cell(&row["cycle_due"]),
        cell(&row["payment_status"]),
        reasons.unwrap_or_default(),
    ]
}

/// The most rows an XLSX export holds: the workbook is built in memory,
/// so longer lists are exported as CSV, which streams.
const XLSX_MAX_ROWS: i64 = 50_000;

/// `GET /api/v1/lists/{kind}/export?format=xlsx`: the list as an Excel
/// workbook with the same Chinese headers, frozen and filterable.
fn export_xlsx(db: &Db, filter: &Filter) -> Result<Response, Problem> {
    let total = db
        .one(
            &format!("SELECT COUNT(*) AS n FROM benefits b JOIN persons p ON p.id = b.person_id WHERE {}", filter.condition),
            &filter.params,
            |r| r.int("n"),
        )?
        .unwrap_or(0);
    if total > XLSX_MAX_ROWS {
        return Err(Problem::new(
            422,
            "too_many_rows",
            format!("名单有{total}行，超过Excel导出上限{XLSX_MAX_ROWS}行，请缩小筛选范围或导出CSV"),
            format!("The list has {total} rows, more than the {XLSX_MAX_ROWS} an XLSX export holds; filter it or export CSV"),
        ));
    }
    let xlsx = |e: rust_xlsxwriter::XlsxError| Problem::from(anyhow::anyhow!("building the workbook: {e}"));
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(filter.list.name_zh()).map_err(xlsx)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (col, header) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *header, &bold).map_err(xlsx)?;
    }
    let mut line = 0u32;
    let mut after = Some(String::new());
    while let Some(rows) = next_batch(db, filter, &mut after)? {
        for row in &rows {
            line += 1;
            for (col, value) in export_cells(filter.list, row).iter().enumerate() {
                sheet.write_string(line, col as u16, value).map_err(xlsx)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx)?;
    sheet.autofilter(0, 0, line, (HEADERS.len() - 1) as u16).map_err(xlsx)?;
    let bytes = workbook.save_to_buffer().map_err(xlsx)?;
    Ok(Response::builder()
        .status(200)
        .header("content-type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .header("content-disposition", format!("attachment; filename=\"{}.xlsx\"", filter.list.code()))
        .header("cache-control", "no-store")
        .body(bytes)
        .build())
}

/// `GET /api/v1/dashboard`: for the caller's scope, the lists, coverage by
/// channel (silent matching versus active certification), the task backlog
/// by age, payment states and recovery totals.
fn dashboard(db: &Db, staff: &Staff, pending: i64) -> Result<Response, Problem> {
    let tree = auth::org_tree(db)?;
    let (scope, params) = auth::scope_sql(&tree, staff, "p.")?;
    // One scan counts the lists, channels and payment states together; the
    // join with persons is needed only below the city.
    let from = if scope == "1 = 1" { "benefits b" } else { "benefits b JOIN persons p ON p.id = b.person_id" };
    let sql = format!(
        "SELECT b.list_kind AS l, b.certified_by AS c, b.payment_status AS s, COUNT(*) AS n FROM {from} WHERE {scope}
         GROUP BY b.list_kind, b.certified_by, b.payment_status"
    );
    let groups = db.all(&sql, &params, |r| {
        (r.opt_text("l").unwrap_or_else(|| "unassessed".into()), r.opt_text("c").unwrap_or_else(|| "none".into()), r.text("s"), r.int("n"))
    })?;
    let tally = |pick: fn(&(String, String, String, i64)) -> &String| -> Json {
        let mut counts = serde_json::Map::new();
        for group in &groups {
            let entry = counts.entry(pick(group).clone()).or_insert(json!(0));
            *entry = json!(entry.as_i64().unwrap_or(0) + group.3);
        }
        Json::Object(counts)
    };
    let lists = tally(|g| &g.0);
    let channels = tally(|g| &g.1);
    let payments = tally(|g| &g.2);
    let total: i64 = groups.iter().map(|g| g.3).sum();
    let active: i64 = ["self_service_face", "staff_verification"].iter().filter_map(|c| channels[*c].as_i64()).sum();
    let certified: i64 = groups.iter().filter(|g| g.1 != "none").map(|g| g.3).sum();
    let today = zige_store::today();
    let backlog_sql = format!(
        "SELECT CASE WHEN julianday(?) - julianday(t.opened_on) <= 5 THEN '0-5' WHEN julianday(?) - julianday(t.opened_on) <= 15 THEN '6-15'
                WHEN julianday(?) - julianday(t.opened_on) <= 30 THEN '16-30' ELSE '31+' END AS age, COUNT(*) AS n
         FROM tasks t JOIN persons p ON p.id = t.person_id WHERE t.status = 'open' AND {scope} GROUP BY age"
    );
    let mut backlog_params = vec![text(today.to_string()), text(today.to_string()), text(today.to_string())];
    backlog_params.extend(params.iter().cloned());
    let backlog = db.all(&backlog_sql, &backlog_params, |r| (r.text("age"), r.int("n")))?;
    // Coverage and lists by district of insurance, for the city's map of work.
    let district_sql = format!(
        "SELECT b.insured_district AS d, b.list_kind AS l, COUNT(*) AS n FROM {from} WHERE {scope} GROUP BY b.insured_district, b.list_kind"
    );
    let mut by_district = serde_json::Map::new();
    for (district, list, n) in
        db.all(&district_sql, &params, |r| (r.text("d"), r.opt_text("l").unwrap_or_else(|| "unassessed".into()), r.int("n")))?
    {
        let entry = by_district.entry(district).or_insert_with(|| json!({}));
        entry[list] = json!(n);
    }
    // Suspensions, terminations and restorations by month over the last year.
    let changes_sql = format!(
        "SELECT substr(h.at, 1, 7) AS m, h.new_value AS v, COUNT(*) AS n FROM history h JOIN persons p ON p.id = h.person_id
         WHERE h.entity = 'benefit' AND h.field = 'payment_status' AND h.at >= ? AND {scope} GROUP BY m, v ORDER BY m"
    );
    let mut changes_params = vec![text((today - chrono::Days::new(365)).to_string())];
    changes_params.extend(params.iter().cloned());
    let mut by_month: BTreeMap<String, Json> = BTreeMap::new();
    for (month, state, n) in db.all(&changes_sql, &changes_params, |r| (r.text("m"), r.text("v"), r.int("n")))? {
        by_month.entry(month).or_insert_with(|| json!({}))[state] = json!(n);
    }
    let recovery_sql = format!(
        "SELECT COUNT(*) AS cases, COALESCE(SUM(o.amount_fen), 0) AS amount, COALESCE(SUM(CASE WHEN o.status = 'open' THEN o.amount_fen ELSE 0 END), 0) AS outstanding,
                COALESCE(SUM(o.paid_fen), 0) AS recovered
         FROM overpayments o JOIN persons p ON p.id = o.person_id WHERE {scope}"
    );
    let recovery = db.one(&recovery_sql, &params, |r| {
        let (amount, recovered) = (r.int("amount"), r.int("recovered"));
        json!({ "cases": r.int("cases"), "amount_fen": amount, "outstanding_fen": r.int("outstanding"), "recovered_fen": recovered,
                "recovery_rate": if amount > 0 { recovered as f64 / amount as f64 } else { 0.0 } })
    })?;
    Ok(json_response(
        200,
        &json!({
            "as_of": today, "benefits": total, "lists": lists, "payment": payments,
            "coverage": { "certified": certified, "share": if total > 0 { certified as f64 / total as f64 } else { 0.0 }, "silent": certified - active, "active": active, "by_channel": channels },
            "task_backlog_by_age_days": Json::Object(backlog.into_iter().map(|(k, n)| (k, json!(n))).collect()),
            "recovery": recovery,
            "by_district": by_district,
            "payment_changes_by_month": by_month,
            "reassessment_pending": pending,
        }),
    ))
}
