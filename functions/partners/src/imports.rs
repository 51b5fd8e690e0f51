//! Bulk imports of partner records (R5.1, R5.2): city staff upload files
//! downloaded from the national certification system or the regional
//! platform, as CSV or JSON lines, with the same events as the webhook. The
//! upload is stored whole in one transaction; its rows are then applied in
//! chunks, each chunk one transaction with its cursor, within a time budget
//! per request. Whatever is left is resumed by `POST …/resume` (or the next
//! upload of the same file), so a crash or restart mid-file loses and
//! duplicates nothing.

use serde_json::{Value as Json, json};
use spin_sdk::http::{Request, Response};
use std::time::{Duration, Instant};
use zige_http::auth::Staff;
use zige_http::problem::{Problem, json_response};
use zige_http::request::{self, Page};
use zige_services::datashare::{self, ImportRow, Partner};
use zige_store::audit::{self, Entry};
use zige_store::db::Db;
use zige_store::secrets::{self, Sealer};
use zige_store::tables::{datashare_import_rows, datashare_imports};

/// The largest file accepted.
pub(crate) const MAX_FILE: usize = 32 << 20;
/// How long one request keeps applying chunks before answering; well under
/// the request limits of hosted Spin.
const BUDGET: Duration = Duration::from_secs(8);
/// CSV columns with a place in the event; every other column is a detail.
const CSV_FIELDS: [&str; 6] = ["event_id", "type", "id_number", "name", "occurred_on", "reference"];
/// CSV columns a file must have.
const CSV_REQUIRED: [&str; 4] = ["event_id", "type", "id_number", "occurred_on"];

fn format_of(req: &Request) -> Result<&'static str, Problem> {
    let content_type = req.header("content-type").and_then(|v| v.as_str()).unwrap_or_default();
    match content_type.split(';').next().unwrap_or_default().trim() {
        "text/csv" => Ok("csv"),
        "application/x-ndjson" | "application/jsonl" | "application/x-jsonlines" => Ok("jsonl"),
        _ => Err(Problem::new(
            415,
            "unsupported_media_type",
            "请上传CSV（text/csv）或JSON Lines（application/x-ndjson）文件",
            "Upload CSV (text/csv) or JSON lines (application/x-ndjson)",
        )),
    }
}

/// Splits a file into numbered rows: the file line each row starts on, and
/// the row. A CSV header that lacks a required column refuses the file.
fn parse_rows(format: &str, text: &str) -> Result<Vec<(i64, ImportRow)>, Problem> {
    if format == "jsonl" {
        return Ok(text
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(i, line)| {
                let row = match serde_json::from_str::<Json>(line) {
                    Ok(event) if event.is_object() => ImportRow::Event(event),
                    _ => ImportRow::Unreadable { event_id: String::new(), reason: "line: not a JSON object".into() },
                };
                (i as i64 + 1, row)
            })
            .collect());
    }
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|_| Problem::new(400, "invalid_file", "无法读取CSV表头", "The CSV header cannot be read"))?
        .iter()
        .map(str::to_string)
        .collect();
    if let Some(missing) = CSV_REQUIRED.iter().find(|c| !header.iter().any(|h| h == *c)) {
        return Err(Problem::new(400, "invalid_file", format!("CSV缺少列：{missing}"), format!("The CSV has no column {missing}"))
            .with_field(*missing));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let row = match record {
            Ok(record) => {
                let line = record.position().map_or(0, |p| p.line() as i64);
                let get = |name: &str| header.iter().position(|h| h == name).and_then(|i| record.get(i)).unwrap_or_default();
                let details: serde_json::Map<String, Json> = header
                    .iter()
                    .zip(record.iter())
                    .filter(|(h, v)| !CSV_FIELDS.contains(&h.as_str()) && !v.is_empty())
                    .map(|(h, v)| (h.clone(), Json::String(v.to_string())))
                    .collect();
                let event = json!({
                    "event_id": get("event_id"), "type": get("type"),
                    "subject": { "id_number": get("id_number"), "name": get("name") },
                    "occurred_on": get("occurred_on"), "reference": get("reference"), "details": details,
                });
                (line, ImportRow::Event(event))
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as i64);
                (line, ImportRow::Unreadable { event_id: String::new(), reason: "row: not readable as CSV".into() })
            }
        };
        rows.push(row);
    }
    Ok(rows)
}

/// `POST /api/v1/datashare/imports?partner_id=…&file_name=…`: stores the
/// file and starts applying it. The same file again is the same import.
pub fn create(db: &Db, staff: &Staff, req: &Request) -> Result<Response, Problem> {
    let format = format_of(req)?;
    let body = req.body();
    let partner_id = request::query_param(req, "partner_id").unwrap_or_default();
    let partner = match Partner::load(db, &partner_id)? {
        Some(p) if !p.disabled => p,
        _ => return Err(Problem::invalid("partner_id", "没有此合作单位，或已停用", "partner_id: no such active partner")),
    };
    let file_name: String =
        request::query_param(req, "file_name").unwrap_or_else(|| format!("import.{format}")).chars().take(200).collect();
    let rows = parse_rows(format, &request::decode_text(body))?;
    if rows.is_empty() {
        return Err(Problem::new(400, "invalid_file", "文件中没有记录", "The file holds no records"));
    }
    let sealer = Sealer::from_variable()?;
    let sha256 = secrets::sha256_hex(body);
    let existing = |db: &Db| datashare_imports::find_by_file(db, &partner.id, &sha256);
    let (id, created) = match existing(db)? {
        Some(id) => (id, false),
        None => {
            let sealed_rows =
                rows.iter().map(|(line, row)| Ok((*line, sealer.seal(&serde_json::to_vec(row)?)?))).collect::<anyhow::Result<Vec<_>>>()?;
            let sealed_body = sealer.seal(body)?;
            db.transaction(|db| -> anyhow::Result<(String, bool)> {
                // A concurrent upload of the same file may have won the race.
                if let Some(id) = existing(db)? {
                    return Ok((id, false));
                }
                let id = secrets::new_id("imp")?;
                datashare_imports::insert(
                    db,
                    datashare_imports::NewImport {
                        id: &id,
                        partner_id: &partner.id,
                        format,
                        file_name: &file_name,
                        sha256: &sha256,
                        size: body.len() as i64,
                        sealed_body: &sealed_body,
                        total_rows: rows.len() as i64,
                        created_by: &staff.actor(),
                    },
                )?;
                for (line, sealed) in &sealed_rows {
                    datashare_import_rows::insert(db, &id, *line, sealed)?;
                }
                audit::append(
                    db,
                    &Entry {
                        actor: &staff.actor(),
                        role: staff.role.code(),
                        action: "datashare.import.create",
                        object: &id,
                        payload: body,
                    },
                )?;
                Ok((id, true))
            })?
        }
    };
    run(db, &id, &sealer)?;
    let status = if created { 201 } else { 200 };
    let mut response = json_response(status, &describe(db, &id)?);
    response.set_header("location", format!("/api/v1/datashare/imports/{id}"));
    Ok(response)
}

/// Applies chunks until the import is done or the time budget is spent.
fn run(db: &Db, id: &str, sealer: &Sealer) -> Result<(), Problem> {
    let started = Instant::now();
    let key = secrets::pii_key()?;
    let today = zige_store::today();
    while started.elapsed() < BUDGET {
        if datashare::import_chunk(db, id, sealer, &key, today)? {
            break;
        }
    }
    Ok(())
}

fn describe(db: &Db, id: &str) -> Result<Json, Problem> {
    let i = datashare_imports::summary(db, id)?.ok_or_else(|| Problem::not_found("该导入批次", "import"))?;
    let counts = [i.applied, i.duplicate, i.unmatched, i.rejected];
    Ok(json!({
        "id": i.id, "partner_id": i.partner_id, "format": i.format, "file_name": i.file_name,
        "sha256": i.sha256, "size": i.size, "status": i.status,
        "total_rows": i.total_rows, "processed": counts.iter().sum::<i64>(),
        "counts": { "applied": counts[0], "duplicate": counts[1], "unmatched": counts[2], "rejected": counts[3] },
        "created_by": i.created_by, "created_at": i.created_at, "finished_at": i.finished_at,
        "links": {
            "self": format!("/api/v1/datashare/imports/{id}"),
            "resume": format!("/api/v1/datashare/imports/{id}/resume"),
            "results": format!("/api/v1/datashare/imports/{id}/results"),
        },
    }))
}

/// `GET /api/v1/datashare/imports/{id}`: progress.
pub fn get(db: &Db, id: &str) -> Result<Response, Problem> {
    Ok(json_response(200, &describe(db, id)?))
}

/// `GET /api/v1/datashare/imports`: the newest imports first.
pub fn list(db: &Db, req: &Request) -> Result<Response, Problem> {
    let page = Page::from_query(req)?;
    let ids = datashare_imports::page_ids(db, page.per_page, page.offset())?;
    let items = ids.iter().map(|id| describe(db, id)).collect::<Result<Vec<_>, _>>()?;
    Ok(json_response(200, &json!({ "items": items, "page": page.page, "per_page": page.per_page })))
}

/// `POST /api/v1/datashare/imports/{id}/resume`: applies more chunks.
pub fn resume(db: &Db, id: &str) -> Result<Response, Problem> {
    describe(db, id)?;
    run(db, id, &Sealer::from_variable()?)?;
    Ok(json_response(200, &describe(db, id)?))
}

/// `GET /api/v1/datashare/imports/{id}/results`: each row's outcome as CSV
/// (UTF-8 with BOM, for Excel), once the import is finished.
pub fn results(db: &Db, staff: &Staff, id: &str) -> Result<Response, Problem> {
    let status = describe(db, id)?["status"].as_str().unwrap_or_default().to_string();
    if status != "done" {
        return Err(Problem::new(409, "import_running", "导入尚未完成，请先继续处理", "The import is still running; resume it first"));
    }
    let mut file = zige_http::spreadsheet::CsvFile::new();
    file.row(["line", "event_id", "outcome", "reason"])?;
    for row in datashare_import_rows::results(db, id)? {
        file.row([row.line.to_string(), row.event_id, row.outcome, row.reason.unwrap_or_default()])?;
    }
    let body = file.finish()?;
    db.transaction(|db| {
        audit::append(
            db,
            &Entry { actor: &staff.actor(), role: staff.role.code(), action: "datashare.import.results", object: id, payload: &body },
        )
    })?;
    Ok(Response::builder()
        .status(200)
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", format!("attachment; filename=\"{id}-results.csv\""))
        .body(body)
        .build())
}
