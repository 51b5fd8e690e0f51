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
use zige_store::db::Db;
use zige_store::records;
use zige_store::tables::benefits::{self, ListFilter, ListRow};
use zige_store::tables::{history, overpayments, tasks};

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
            list(c.db()?, &parse_filter(c.db()?, s, c.req, c.param("kind"))?, c.req, pending)
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
    let filter = parse_filter(db, staff, call.req, kind)?;
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

/// The list a request names and its filters within the caller's scope
/// (R2.3), each checked.
fn parse_filter(db: &Db, staff: &Staff, req: &Request, kind: &str) -> Result<ListFilter, Problem> {
    let list = [ListKind::Eligible, ListKind::Lost, ListKind::ToVerify]
        .into_iter()
        .find(|l| l.code() == kind)
        .ok_or_else(|| Problem::not_found("该名单", "list"))?;
    let tree = auth::org_tree(db)?;
    let scope = auth::scope(&tree, staff)?;
    let value = |name: &str| -> Result<Option<String>, Problem> {
        let Some(value) = request::query_param(req, name).filter(|v| !v.is_empty()) else { return Ok(None) };
        let valid = match name {
            "benefit_type" => BenefitType::parse(&value).is_ok(),
            "certified_from" | "certified_to" => chrono::NaiveDate::parse_from_str(&value, "%Y-%m-%d").is_ok(),
            _ => value.len() <= 64,
        };
        if !valid {
            return Err(
                Problem::new(400, "invalid_query", format!("筛选条件{name}有误"), format!("{name}: not a valid value")).with_field(name)
            );
        }
        Ok(Some(value))
    };
    Ok(ListFilter {
        list,
        scope,
        district: value("district")?,
        community: value("community")?,
        employer: value("employer")?,
        benefit_type: value("benefit_type")?,
        channel: value("channel")?,
        certified_from: value("certified_from")?,
        certified_to: value("certified_to")?,
    })
}

/// A list row as the API shows it.
fn row_json(r: ListRow, list: ListKind) -> Json {
    let kind = BenefitType::parse(&r.benefit_type).ok();
    json!({
        "benefit_id": r.id, "benefit_type": r.benefit_type, "benefit_name_zh": kind.map(BenefitType::name_zh),
        "list": list.code(), "list_name_zh": list.name_zh(),
        "reasons": serde_json::from_str::<Json>(r.list_reasons.as_deref().unwrap_or("[]")).unwrap_or(Json::Null),
        "certified_on": r.certified_on, "certified_by": r.certified_by,
        "payment_status": r.payment_status, "cycle_due": r.cycle_due,
        "person": { "person_id": r.person_id, "name": mask_name(&r.name), "id_number_masked": r.id_masked,
            "community_id": r.community_id, "insured_district": r.insured_district, "employer_id": r.employer_id },
    })
}

/// `GET /api/v1/lists/{eligible|lost|to_verify}`: one page, with the total.
/// `after=<benefit_id>` reads the page after that row without counting
/// through the earlier ones, for consoles that page forward.
fn list(db: &Db, filter: &ListFilter, req: &Request, pending: i64) -> Result<Response, Problem> {
    let page = Page::from_query(req)?;
    let total = benefits::count_listed(db, filter)?;
    let rows = match request::query_param(req, "after") {
        Some(after) => benefits::listed_after(db, filter, &after, page.per_page)?,
        None => benefits::listed_page(db, filter, page.per_page, page.offset())?,
    };
    let items: Vec<Json> = rows.into_iter().map(|r| row_json(r, filter.list)).collect();
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
fn csv_export(db: &Db, filter: ListFilter) -> Export<'_> {
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
fn next_batch(db: &Db, filter: &ListFilter, after: &mut Option<String>) -> anyhow::Result<Option<Vec<Json>>> {
    let Some(from) = after.as_deref() else { return Ok(None) };
    let rows = benefits::listed_after(db, filter, from, EXPORT_BATCH)?;
    *after = rows.last().filter(|_| rows.len() as i64 == EXPORT_BATCH).map(|r| r.id.clone());
    Ok((!rows.is_empty()).then(|| rows.into_iter().map(|r| row_json(r, filter.list)).collect()))
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
fn export_xlsx(db: &Db, filter: &ListFilter) -> Result<Response, Problem> {
    let total = benefits::count_listed(db, filter)?;
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
    let scope = auth::scope(&tree, staff)?;
    // One scan counts the lists, channels and payment states together.
    let groups: Vec<(String, String, String, i64)> = benefits::count_by_list_channel_and_payment(db, &scope)?
        .into_iter()
        .map(|g| {
            (g.list_kind.unwrap_or_else(|| "unassessed".into()), g.certified_by.unwrap_or_else(|| "none".into()), g.payment_status, g.count)
        })
        .collect();
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
    let backlog = tasks::open_backlog_by_age(db, &scope, today)?;
    // Coverage and lists by district of insurance, for the city's map of work.
    let mut by_district = serde_json::Map::new();
    for count in benefits::count_by_district_and_list(db, &scope)? {
        let entry = by_district.entry(count.district).or_insert_with(|| json!({}));
        entry[count.list_kind.unwrap_or_else(|| "unassessed".into())] = json!(count.count);
    }
    // Suspensions, terminations and restorations by month over the last year.
    let mut by_month: BTreeMap<String, Json> = BTreeMap::new();
    for change in history::payment_changes_by_month(db, &scope, today - chrono::Days::new(365))? {
        by_month.entry(change.month).or_insert_with(|| json!({}))[change.state] = json!(change.count);
    }
    let recovery = overpayments::recovery_totals(db, &scope)?.map(|totals| {
        let (amount, recovered) = (totals.amount.as_i64(), totals.recovered.as_i64());
        json!({ "cases": totals.cases, "amount_fen": amount, "outstanding_fen": totals.outstanding.as_i64(), "recovered_fen": recovered,
                "recovery_rate": if amount > 0 { recovered as f64 / amount as f64 } else { 0.0 } })
    });
    Ok(json_response(
        200,
        &json!({
            "as_of": today, "benefits": total, "lists": lists, "payment": payments,
            "coverage": { "certified": certified, "share": if total > 0 { certified as f64 / total as f64 } else { 0.0 }, "silent": certified - active, "active": active, "by_channel": channels },
            "task_backlog_by_age_days": Json::Object(backlog.into_iter().map(|b| (b.age, json!(b.count))).collect()),
            "recovery": recovery,
            "by_district": by_district,
            "payment_changes_by_month": by_month,
            "reassessment_pending": pending,
        }),
    ))
}
