//! Monthly archives per district (R8.2, 按月装订): the records received
//! about the district's recipients in the month, the results (decisions,
//! payment changes, verification tasks) and the evidence files, bound as
//! one ZIP file with `manifest.json` listing every file and its SHA-256 —
//! the electronic counterpart of the notice's discs. Binding, downloading
//! and verifying are audited; an archive can be verified as stored or as a
//! copy sent back (a disc read years later). The completeness view tells
//! the city which district-months are filed, missing or outdated by records
//! that arrived after binding.

use serde_json::{Value as Json, json};
use spin_sdk::http::{Request, Response};
use std::io::{Cursor, Read, Write};
use zige_domain::masking::mask_name;
use zige_domain::money::YearMonth;
use zige_http::auth::{self, Permission, Staff};
use zige_http::problem::{Problem, json_response};
use zige_http::request;
use zige_store::audit::{self, Entry};
use zige_store::db::Db;
use zige_store::secrets::{new_id, sha256_hex};
use zige_store::tables::archives::{ArchiveDistricts, ArchiveFilter, ArchiveSummary, NewArchive};
use zige_store::tables::{Scope, archives, decisions, evidence, history, orgs, tasks};

/// The most bytes one archive may bind: it is built in the component's memory.
const MAX_ARCHIVE_BYTES: usize = 128 << 20;
/// The largest copy of an archive sent to be verified: what it binds and
/// the zip's own records.
pub(crate) const MAX_COPY_BYTES: usize = MAX_ARCHIVE_BYTES + (16 << 20);
/// The most files a copy to verify may hold.
const MAX_ENTRIES: usize = 100_000;
/// The largest file an archive holds: an upload is at most 5 MiB, a sheet 4.
const MAX_ENTRY_BYTES: usize = 8 << 20;

/// The persons a district binds (R8.2): those it is responsible for under
/// R2.3, living in its communities or, living elsewhere, insured there. Not
/// everyone insured there: a district never receives the files of people
/// who live in another.
fn in_district(db: &Db, district: &str) -> Result<Scope, Problem> {
    Ok(Scope::of(&auth::org_tree(db)?, district)?)
}

/// May read, download and verify archives: those who bind them, and auditors.
fn may_read(staff: &Staff) -> Result<(), Problem> {
    if auth::allows(staff.role, Permission::FileArchives) || auth::allows(staff.role, Permission::ReadAudit) {
        Ok(())
    } else {
        Err(Problem::forbidden())
    }
}

/// The district a request names, refused unless it is a district within the
/// staff member's scope (auditors and the city see every district).
fn district_in_scope(db: &Db, staff: &Staff, district: &str) -> Result<String, Problem> {
    let tree = auth::org_tree(db)?;
    let known = tree.get(district).ok().filter(|o| o.kind == zige_domain::routing::OrgKind::District);
    let Some(org) = known else { return Err(Problem::not_found("该区（县）", "district")) };
    let city = tree.get(&staff.org_id).is_ok_and(|o| o.kind.is_city_level());
    if city || tree.is_within(&org.id, &staff.org_id) { Ok(org.id.clone()) } else { Err(Problem::not_found("该区（县）", "district")) }
}

fn month_of(text: &str) -> Result<YearMonth, Problem> {
    text.parse::<YearMonth>().map_err(|_| Problem::invalid("month", "月份应如2026-11", "month: a month such as 2026-11"))
}

/// One file of an archive.
struct Part {
    path: String,
    data: Vec<u8>,
}

/// A CSV file with a BOM (Excel reads it) from a header and rows.
fn csv_part(path: &str, header: &[&str], rows: Vec<Vec<String>>) -> Result<Part, Problem> {
    let mut file = zige_http::spreadsheet::CsvFile::new();
    file.row(header)?;
    for row in rows {
        file.row(row)?;
    }
    let data = file.finish()?;
    Ok(Part { path: path.to_string(), data })
}

/// One CSV file of an archive: its path, and the Chinese headers of its
/// columns; every row starts with the record's id and the person.
struct Sheet {
    path: &'static str,
    id_header: &'static str,
    headers: &'static [&'static str],
}

const RECORDS: Sheet =
    Sheet { path: "data/records.csv", id_header: "记录编号", headers: &["记录内容", "发生日期", "接收日期", "来源"] };
const DECISIONS: Sheet = Sheet {
    path: "results/decisions.csv",
    id_header: "决定编号",
    headers: &["核实结果", "决定日期", "决定人", "单位", "核实方式", "说明", "复核"],
};
const PAYMENT_CHANGES: Sheet =
    Sheet {
        path: "results/payment-changes.csv", id_header: "变更编号", headers: &["待遇编号", "原状态", "新状态", "操作人", "时间"]
    };
const TASKS: Sheet = Sheet {
    path: "results/tasks.csv",
    id_header: "任务编号",
    headers: &["类别", "事由", "承办单位", "下发日期", "期限", "状态", "办结日期"],
};

/// A sheet's row: the record's id, the person's id, name (masked here) and
/// masked ID number, then the sheet's columns.
fn row<const N: usize>([id, person_id, name, id_masked]: [String; 4], columns: [String; N]) -> Vec<String> {
    [id, person_id, mask_name(&name), id_masked].into_iter().chain(columns).collect()
}

/// A sheet's CSV file from its rows.
fn sheet_part(sheet: &Sheet, rows: Vec<Vec<String>>) -> Result<Part, Problem> {
    let header: Vec<&str> =
        [sheet.id_header, "person_id", "姓名", "公民身份号码"].into_iter().chain(sheet.headers.iter().copied()).collect();
    csv_part(sheet.path, &header, rows)
}

/// Everything the month holds for the district, as files, and the number of
/// records and files.
fn gather(db: &Db, district: &str, month: YearMonth) -> Result<(Vec<Part>, i64), Problem> {
    let (first, last) = (month.first_day(), month.last_day());
    let scope = in_district(db, district)?;
    let mut parts = Vec::new();
    let mut count = 0;
    let records = evidence::received_in_month(db, &scope, first, last)?;
    count += records.len() as i64;
    let rows = records.into_iter().map(|e| row([e.id, e.person_id, e.name, e.id_masked], [e.kind, e.occurred_on, e.received_on, e.source]));
    parts.push(sheet_part(&RECORDS, rows.collect())?);
    let decided = decisions::decided_in_month(db, &scope, first, last)?;
    count += decided.len() as i64;
    let rows = decided.into_iter().map(|d| {
        row([d.id, d.person_id, d.name, d.id_masked], [d.outcome, d.decided_on, d.decided_by, d.org_id, d.channel, d.note, d.review])
    });
    parts.push(sheet_part(&DECISIONS, rows.collect())?);
    let changes = history::payment_changes_in_month(db, &scope, first, last)?;
    count += changes.len() as i64;
    let rows =
        changes.into_iter().map(|h| row([h.id, h.person_id, h.name, h.id_masked], [h.entity_id, h.old_value, h.new_value, h.actor, h.at]));
    parts.push(sheet_part(&PAYMENT_CHANGES, rows.collect())?);
    let opened = tasks::opened_in_month(db, &scope, first, last)?;
    count += opened.len() as i64;
    let rows = opened.into_iter().map(|t| {
        row([t.id, t.person_id, t.name, t.id_masked], [t.kind, t.reason, t.org_id, t.opened_on, t.deadline, t.status, t.closed_on])
    });
    parts.push(sheet_part(&TASKS, rows.collect())?);
    // Stored files are named by their id and type, never by the name the
    // uploader gave them, which may name a person.
    let files: Vec<Part> = archives::files_in_month(db, &scope, first, last)?
        .into_iter()
        .map(|f| Part {
            path: format!("evidence/{}/{}{}", f.source, f.id, zige_http::attachments::extension(&f.content_type)),
            data: f.data,
        })
        .collect();
    count += files.len() as i64;
    parts.extend(files);
    Ok((parts, count))
}

/// Writes the parts and their manifest as a ZIP file (stored: photos and
/// videos are compressed already).
fn bind(parts: &[Part], header: &Json) -> Result<(Vec<u8>, Json), Problem> {
    let listed: Vec<Json> = parts.iter().map(|p| json!({ "path": p.path, "sha256": sha256_hex(&p.data), "size": p.data.len() })).collect();
    let mut manifest = header.clone();
    manifest["files"] = Json::Array(listed);
    let zip_error = |e: zip::result::ZipError| Problem::from(anyhow::anyhow!("binding the archive: {e}"));
    let io_error = |e: std::io::Error| Problem::from(anyhow::anyhow!("binding the archive: {e}"));
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    writer.start_file("manifest.json", options).map_err(zip_error)?;
    writer.write_all(serde_json::to_string_pretty(&manifest).unwrap_or_default().as_bytes()).map_err(io_error)?;
    for part in parts {
        writer.start_file(part.path.as_str(), options).map_err(zip_error)?;
        writer.write_all(&part.data).map_err(io_error)?;
    }
    let bytes = writer.finish().map_err(zip_error)?.into_inner();
    Ok((bytes, manifest))
}

/// `POST /api/v1/archives` `{"district","month"}`: binds a past or current
/// month of a district; binding it again makes the next version.
pub fn create(db: &Db, staff: &Staff, req: &Request) -> Result<Response, Problem> {
    #[derive(serde::Deserialize)]
    struct Body {
        district: String,
        month: String,
    }
    let body: Body = request::json_body(req)?;
    let month = month_of(&body.month)?;
    let today = zige_store::today();
    if month > YearMonth::of(today) {
        return Err(Problem::invalid("month", "不能装订尚未到来的月份", "month: not a month still to come"));
    }
    let district = district_in_scope(db, staff, &body.district)?;
    let (parts, records) = gather(db, &district, month)?;
    if parts.iter().map(|p| p.data.len()).sum::<usize>() > MAX_ARCHIVE_BYTES {
        return Err(Problem::new(
            422,
            "archive_too_large",
            "本月证据文件过多，超过单卷128MB上限",
            "The month's files exceed the 128 MiB of one archive",
        ));
    }
    let actor = staff.actor();
    let answer = db.transaction(|db| -> Result<Json, Problem> {
        let version = archives::next_version(db, &district, month)?;
        let id = new_id("arc")?;
        let created_at = zige_store::now_rfc3339();
        // The audit chain's head as it stands, before this binding's own record.
        let audit_head = audit::head(db)?;
        let header = json!({ "archive_id": id, "district": district, "month": month.to_string(), "version": version, "created_at": created_at, "created_by": actor, "records": records, "requirement": "R8.2", "audit_head": audit_head });
        let (bytes, manifest) = bind(&parts, &header)?;
        let sha = sha256_hex(&bytes);
        archives::insert(
            db,
            NewArchive {
                id: &id,
                district: &district,
                month,
                version,
                created_at: &created_at,
                created_by: &actor,
                records,
                files: parts.len() as i64 + 1,
                sha256: &sha,
                manifest: &manifest.to_string(),
                data: bytes,
            },
        )?;
        audit::append(db, &Entry { actor: &actor, role: staff.role.code(), action: "archive.bind", object: &id, payload: sha.as_bytes() })?;
        Ok(json!({ "archive_id": id, "district": district, "month": month.to_string(), "version": version, "records": records, "files": parts.len() + 1, "sha256": sha }))
    })?;
    Ok(json_response(201, &answer))
}

/// An archive's description as the API shows it.
fn summary(a: ArchiveSummary) -> Json {
    json!({
        "archive_id": a.id, "district": a.district, "month": a.month, "version": a.version,
        "created_at": a.created_at, "created_by": a.created_by, "records": a.records, "files": a.files,
        "sha256": a.sha256, "size": a.size,
    })
}

/// `GET /api/v1/archives?district=&month=`: the archives in scope, newest first.
pub fn list(db: &Db, staff: &Staff, req: &Request) -> Result<Response, Problem> {
    may_read(staff)?;
    let districts = if let Some(district) = request::query_param(req, "district").filter(|d| !d.is_empty()) {
        ArchiveDistricts::One(district_in_scope(db, staff, &district)?)
    } else if !tree_is_city(db, staff)? {
        let tree = auth::org_tree(db)?;
        ArchiveDistricts::Among(tree.subtree(&staff.org_id).map(|o| o.id.clone()).collect())
    } else {
        ArchiveDistricts::All
    };
    let month = match request::query_param(req, "month").filter(|m| !m.is_empty()) {
        Some(month) => Some(month_of(&month)?),
        None => None,
    };
    let items: Vec<Json> = archives::list(db, &ArchiveFilter { districts, month })?.into_iter().map(summary).collect();
    Ok(json_response(200, &json!({ "items": items })))
}

fn tree_is_city(db: &Db, staff: &Staff) -> Result<bool, Problem> {
    Ok(auth::org_tree(db)?.get(&staff.org_id).is_ok_and(|o| o.kind.is_city_level()))
}

/// An archive in scope, with its bytes.
fn load(db: &Db, staff: &Staff, id: &str) -> Result<(Json, Vec<u8>), Problem> {
    may_read(staff)?;
    let Some((summary, data)) = archives::find_with_data(db, id)?.map(|(a, data)| (summary(a), data)) else {
        return Err(Problem::not_found("该档案", "archive"));
    };
    district_in_scope(db, staff, summary["district"].as_str().unwrap_or_default()).map_err(|_| Problem::not_found("该档案", "archive"))?;
    Ok((summary, data))
}

/// `GET /api/v1/archives/{id}/download`: the ZIP file, audited.
pub fn download(db: &Db, staff: &Staff, id: &str) -> Result<Response, Problem> {
    let (summary, data) = load(db, staff, id)?;
    let actor = staff.actor();
    db.transaction(|db| {
        audit::append(db, &Entry { actor: &actor, role: staff.role.code(), action: "archive.download", object: id, payload: b"" })
    })?;
    let name = format!(
        "zige-{}-{}-v{}.zip",
        summary["district"].as_str().unwrap_or_default(),
        summary["month"].as_str().unwrap_or_default(),
        summary["version"]
    );
    Ok(Response::builder()
        .status(200)
        .header("content-type", "application/zip")
        .header("content-disposition", format!("attachment; filename=\"{name}\""))
        .header("cache-control", "no-store")
        .body(data)
        .build())
}

/// What checking an archive found.
fn check(bytes: &[u8]) -> Json {
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut archive_id = Json::Null;
    let mut audit_head = Json::Null;
    match zip::ZipArchive::new(Cursor::new(bytes)) {
        Err(e) => problems.push(format!("not a readable ZIP file: {e}")),
        Ok(_) if bytes.is_empty() => problems.push("the file is empty".to_string()),
        Ok(zip) if zip.len() > MAX_ENTRIES => problems.push(format!("{} files: more than an archive holds ({MAX_ENTRIES})", zip.len())),
        Ok(mut zip) => {
            // A copy is read within the bounds of what zige binds: no entry,
            // nor all of them together, may unpack to more than an archive
            // holds, whatever their headers claim (a zip bomb stops here).
            let mut unpacked = 0usize;
            let mut read = |name: &str| -> Option<Vec<u8>> {
                let entry = zip.by_name(name).ok()?;
                let mut data = Vec::new();
                let room = MAX_ENTRY_BYTES.min(MAX_ARCHIVE_BYTES.saturating_sub(unpacked));
                entry.take(room as u64 + 1).read_to_end(&mut data).ok()?;
                unpacked += data.len();
                (data.len() <= room).then_some(data)
            };
            match read("manifest.json").and_then(|m| serde_json::from_slice::<Json>(&m).ok()) {
                None => problems.push("manifest.json is missing or unreadable".to_string()),
                Some(manifest) => {
                    archive_id = manifest["archive_id"].clone();
                    audit_head = manifest["audit_head"].clone();
                    for file in manifest["files"].as_array().into_iter().flatten() {
                        let path = file["path"].as_str().unwrap_or_default();
                        match read(path) {
                            None => problems.push(format!("{path}: missing, unreadable or larger than any file zige archives")),
                            Some(data) if Some(sha256_hex(&data).as_str()) != file["sha256"].as_str() => {
                                problems.push(format!("{path}: SHA-256 differs from the manifest"))
                            }
                            Some(_) => checked += 1,
                        }
                    }
                    let listed = manifest["files"].as_array().map_or(0, Vec::len) + 1;
                    if zip.len() != listed {
                        problems.push(format!("{} files in the archive, {listed} in the manifest", zip.len()));
                    }
                }
            }
        }
    }
    json!({ "archive_id": archive_id, "intact": problems.is_empty(), "files_checked": checked, "problems": problems, "sha256": sha256_hex(bytes), "audit_head": audit_head })
}

/// `GET /api/v1/archives/{id}/verify`: the stored archive against its
/// manifest and its recorded SHA-256; `POST …/verify` with a copy (the
/// ZIP file as the body) checks the copy against the manifest and the
/// stored record.
pub fn verify(db: &Db, staff: &Staff, id: &str, copy: Option<&[u8]>) -> Result<Response, Problem> {
    let (summary, stored) = load(db, staff, id)?;
    let bytes = copy.unwrap_or(&stored);
    let mut report = check(bytes);
    let (sha, manifest_id) = (report["sha256"].clone(), report["archive_id"].clone());
    // The head the archive recorded must still be in the audit chain.
    let head_lost = match report.get("audit_head").cloned().and_then(|h| serde_json::from_value::<audit::Head>(h).ok()) {
        Some(head) if !audit::reaches(db, &head)? => Some(head.seq),
        _ => None,
    };
    let mut broken = |problem: String| {
        report["intact"] = json!(false);
        if let Some(problems) = report["problems"].as_array_mut() {
            problems.push(json!(problem));
        }
    };
    if sha != summary["sha256"] {
        broken("the file's SHA-256 differs from the one recorded when it was bound".into());
    }
    if let Some(seq) = head_lost {
        broken(format!("the audit chain no longer reaches the head this archive recorded (record {seq})"));
    }
    if copy.is_some() && manifest_id != summary["archive_id"] {
        broken("the copy's manifest names another archive".into());
    }
    let actor = staff.actor();
    let outcome = if report["intact"] == true { "intact" } else { "broken" };
    db.transaction(|db| {
        audit::append(
            db,
            &Entry { actor: &actor, role: staff.role.code(), action: "archive.verify", object: id, payload: outcome.as_bytes() },
        )
    })?;
    Ok(json_response(200, &report))
}

/// `GET /api/v1/archives/completeness?year=`: for each district in scope
/// and each month of the year up to now, whether it is filed, missing
/// (records but no archive), outdated (records arrived after binding) or
/// has nothing to file — the city's inspection view of R8.2.
pub fn completeness(db: &Db, staff: &Staff, req: &Request) -> Result<Response, Problem> {
    may_read(staff)?;
    let today = zige_store::today();
    let year = match request::query_param(req, "year") {
        None => chrono::Datelike::year(&today),
        Some(y) => y.parse::<i32>().ok().filter(|y| (2000..=chrono::Datelike::year(&today)).contains(y)).ok_or_else(|| {
            Problem::new(400, "invalid_query", "year应为2000年至今的年份", "year: a year from 2000 to now").with_field("year")
        })?,
    };
    let tree = auth::org_tree(db)?;
    let city = tree.get(&staff.org_id).is_ok_and(|o| o.kind.is_city_level());
    let districts: Vec<String> = orgs::district_ids(db)?.into_iter().filter(|d| city || tree.is_within(d, &staff.org_id)).collect();
    let last_month = if year == chrono::Datelike::year(&today) { chrono::Datelike::month(&today) } else { 12 };
    let mut rows = Vec::new();
    for district in &districts {
        let scope = Scope::of(&tree, district)?;
        for m in 1..=last_month {
            let month = YearMonth::new(year, m).expect("1 to 12");
            let latest = archives::latest(db, district, month)?.map(|l| (l.version, l.created_at));
            let since = latest.as_ref().map_or(String::new(), |(_, at)| at.clone());
            // Records and results about the district's persons in the month;
            // those created after the latest binding make it outdated.
            let counts = archives::month_counts(db, &scope, month.first_day(), month.last_day(), &since)?;
            let counts = (counts.total, counts.late);
            let status = match (&latest, counts) {
                (None, (0, _)) => "nothing_to_file",
                (None, _) => "missing",
                (Some(_), (_, late)) if late > 0 => "outdated",
                (Some(_), _) => "filed",
            };
            rows.push(json!({ "district": district, "month": month.to_string(), "status": status, "records": counts.0,
                "records_after_binding": if latest.is_some() { counts.1 } else { 0 }, "latest_version": latest.map(|(v, _)| v) }));
        }
    }
    let missing = rows.iter().filter(|r| r["status"] == "missing" || r["status"] == "outdated").count();
    Ok(json_response(200, &json!({ "year": year, "districts": districts, "months": rows, "to_file": missing })))
}
