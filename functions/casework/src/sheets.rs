//! Sheets of people staff bring back from the field: an activity's sign-in
//! sheet (R5.5-3, R6.4) and a universal-enrolment household survey with its
//! remarks column (R6.5). Each line names a person by ID number; a person in
//! the clerk's scope gets the sheet's record, filed through the one path
//! every record takes, and the answer says what became of each line.

use super::attachments;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value as Json, json};
use spin_sdk::http::{Request, Response};
use zige_domain::IdNumber;
use zige_domain::evidence::EvidenceKind;
use zige_domain::masking::mask_name;
use zige_http::attachments::Upload;
use zige_http::auth::{self, Staff};
use zige_http::problem::{Problem, json_response};
use zige_http::request;
use zige_services::workflow::{self, Actor};
use zige_store::audit::{self, Entry};
use zige_store::db::Db;
use zige_store::records;
use zige_store::tables::{persons, sign_in_files, sign_ins};

/// The largest sheet.
pub(crate) const MAX_SHEET: usize = 4 << 20;

/// A sheet: its header and its lines, with the ID-number column found.
struct Sheet<'a> {
    header: Vec<&'a str>,
    id_column: usize,
    /// (line number in the file, the line), blank lines left out.
    lines: Vec<(usize, &'a str)>,
}

impl<'a> Sheet<'a> {
    fn parse(text: &'a str, what_zh: &str) -> Result<Self, Problem> {
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap_or_default().split(',').map(str::trim).collect();
        let id_column = header.iter().position(|h| *h == "id_number" || *h == "公民身份号码").ok_or_else(|| {
            Problem::invalid("id_number", format!("{what_zh}须有id_number（公民身份号码）列"), "the sheet needs an id_number column")
        })?;
        let lines = lines.enumerate().filter(|(_, l)| !l.trim().is_empty()).map(|(n, l)| (n + 2, l)).collect();
        Ok(Self { header, id_column, lines })
    }

    fn column(&self, names: &[&str]) -> Option<usize> {
        self.header.iter().position(|h| names.contains(h))
    }

    /// The sheet with what would identify a person beyond what staff see
    /// masked: the ID number and the name.
    fn masked(&self) -> String {
        let name = self.column(&["name", "姓名"]);
        let mut kept = vec![self.header.join(",")];
        for (_, line) in &self.lines {
            let row: Vec<String> = line
                .split(',')
                .enumerate()
                .map(|(i, v)| match i {
                    i if i == self.id_column => {
                        IdNumber::parse(v.trim()).map_or_else(|_| "*".repeat(v.trim().chars().count().min(18)), |id| id.masked())
                    }
                    i if Some(i) == name => mask_name(v.trim()),
                    _ => v.trim().to_string(),
                })
                .collect();
            kept.push(row.join(","));
        }
        format!("{}\n", kept.join("\n"))
    }

    /// Goes through the lines: a malformed ID number is rejected, a person
    /// unknown or outside the clerk's scope is reported as such (the same
    /// answer for both), and `act` decides for each person in scope, given
    /// the line's cells, and returns the line's outcome.
    fn each_person(
        &self,
        db: &Db,
        staff: &Staff,
        mut act: impl FnMut(&[&str], &str) -> Result<Json, Problem>,
    ) -> Result<Vec<Json>, Problem> {
        let key = zige_store::secrets::pii_key()?;
        let tree = auth::org_tree(db)?;
        let mut results = Vec::new();
        for (line, text_line) in &self.lines {
            let cells: Vec<&str> = text_line.split(',').map(str::trim).collect();
            let cell = cells.get(self.id_column).copied().unwrap_or_default();
            let outcome = match IdNumber::parse(cell) {
                Err(e) => json!({ "outcome": "rejected", "reason": e.to_string() }),
                Ok(id) => {
                    let found = persons::find_placement_by_id_index(db, &id.blind_index(&key))?;
                    let mut outcome = match found {
                        Some(person) if auth::covers(&tree, staff, &person.placement) => act(&cells, &person.id)?,
                        _ => json!({ "outcome": "unknown", "reason": "不在本单位服务范围内或未登记" }),
                    };
                    outcome["id_number_masked"] = json!(id.masked());
                    outcome
                }
            };
            let mut outcome = outcome;
            outcome["line"] = json!(line);
            results.push(outcome);
        }
        Ok(results)
    }
}

/// A day from the query, no later than today.
fn day_before_now(req: &Request, name: &str, what_zh: &str) -> Result<NaiveDate, Problem> {
    request::query_param(req, name)
        .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
        .filter(|d| *d <= zige_store::today())
        .ok_or_else(|| Problem::invalid(name, format!("{what_zh}有误"), format!("{name}: a date no later than today")))
}

/// What a sheet's line records: the evidence's id and kind, the day, the
/// record's source and the audit action.
struct Line<'a> {
    evidence: &'a str,
    kind: &'a EvidenceKind,
    on: NaiveDate,
    source: &'a str,
    action: &'a str,
}

/// Files one record for a person of a sheet, with its audit record and the
/// person's lists renewed, in one transaction.
fn file_line(db: &Db, staff: &Staff, person: &str, line: &Line<'_>, payload: &[u8]) -> Result<(), Problem> {
    let actor = staff.actor();
    let today = zige_store::today();
    db.transaction(|db| -> anyhow::Result<()> {
        let by = Actor { actor: &actor, role: staff.role.code() };
        workflow::file_record(db, line.evidence, person, line.kind, line.on, today, line.source, &by, workflow::Filing::UnlessOnFile)?;
        audit::append(db, &Entry { actor: &actor, role: staff.role.code(), action: line.action, object: line.evidence, payload })?;
        // The clerk sees the sheet on the lists at once.
        records::refresh(db, person, today).map(drop)
    })?;
    Ok(())
}

/// `POST /api/v1/sign-ins?activity=…&held_on=YYYY-MM-DD`: an activity's
/// sign-in sheet (CSV with an `id_number` column) certifies every listed
/// person in scope at once, each with the activity as evidence (R5.5-3,
/// R6.4); the sheet is kept with the sign-in, masked, and the answer gives
/// each line's outcome and the sign-in's id for its photos.
pub fn sign_in(db: &Db, staff: &Staff, req: &Request) -> Result<Response, Problem> {
    let activity: String = request::query_param(req, "activity").unwrap_or_default().trim().chars().take(100).collect();
    if activity.is_empty() {
        return Err(Problem::invalid("activity", "请填写活动名称", "activity: the activity's name is required"));
    }
    let held_on = day_before_now(req, "held_on", "活动日期")?;
    let text_sheet = request::decode_text(req.body());
    let sheet = Sheet::parse(&text_sheet, "签到表")?;
    let digest = zige_store::secrets::sha256_hex(activity.as_bytes());
    let prefix = format!("activity:{held_on}:{digest}:");
    let results = sheet.each_person(db, staff, |_, person| {
        let evidence = format!("{prefix}{person}");
        let kind = EvidenceKind::ActivityParticipation;
        let line = Line { evidence: &evidence, kind: &kind, on: held_on, source: "activity_sign_in", action: "certification.activity" };
        file_line(db, staff, person, &line, activity.as_bytes())?;
        Ok(json!({ "outcome": "certified" }))
    })?;
    let certified = results.iter().filter(|r| r["outcome"] == "certified").count() as i64;
    let id = format!("si_{}", &zige_store::secrets::sha256_hex(&[staff.org_id.as_bytes(), prefix.as_bytes(), req.body()].concat())[..20]);
    let actor = staff.actor();
    db.transaction(|db| -> anyhow::Result<()> {
        sign_ins::insert_if_new(
            db,
            &sign_ins::NewSignIn {
                id: &id,
                org_id: &staff.org_id,
                evidence_prefix: &prefix,
                activity: &activity,
                held_on,
                sheet: sheet.masked().as_bytes(),
                sheet_sha256: &zige_store::secrets::sha256_hex(req.body()),
                certified,
                not_matched: results.len() as i64 - certified,
                recorded_by: &actor,
                created_at: &zige_store::now_rfc3339(),
            },
        )?;
        audit::append(db, &Entry { actor: &actor, role: staff.role.code(), action: "sign_in.record", object: &id, payload: req.body() })
            .map(drop)
    })?;
    Ok(json_response(200, &json!({ "sign_in_id": id, "activity": activity, "held_on": held_on, "results": results })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignInFiles {
    files: Vec<Upload>,
}

/// `POST /api/v1/sign-ins/{id}/files`: the activity's photos, kept with its
/// sign-in sheet and bound into the monthly archive (R6.4, R8.2).
pub fn sign_in_files(db: &Db, staff: &Staff, req: &Request, id: &str) -> Result<Response, Problem> {
    let body: SignInFiles = request::json_body(req)?;
    let files = attachments(&body.files)?;
    if files.is_empty() {
        return Err(Problem::invalid("files", "请选择活动照片", "files: at least one"));
    }
    let tree = auth::org_tree(db)?;
    let org = sign_ins::org_of(db, id)?;
    if !org.is_some_and(|org| tree.is_within(&org, &staff.org_id)) {
        return Err(Problem::not_found("该签到记录", "sign-in"));
    }
    let actor = staff.actor();
    let kept = db.transaction(|db| -> anyhow::Result<i64> {
        for file in &files {
            sign_in_files::insert(
                db,
                &sign_in_files::NewSignInFile {
                    id: &zige_store::secrets::new_id("f")?,
                    sign_in_id: id,
                    file_name: &file.file_name,
                    content_type: file.content_type,
                    data: &file.data,
                },
            )?;
        }
        audit::append(db, &Entry { actor: &actor, role: staff.role.code(), action: "sign_in.files", object: id, payload: req.body() })?;
        sign_in_files::count_for_sign_in(db, id)
    })?;
    Ok(json_response(201, &json!({ "sign_in_id": id, "files": kept })))
}

/// `POST /api/v1/surveys?surveyed_on=YYYY-MM-DD`: a universal-enrolment
/// household survey (《全民参保登记个人信息汇总表》) with its remarks column
/// (`备注` or `remarks`) as verification evidence (R6.5): a remark that the
/// person was seen certifies them, one that they died opens a verification
/// while payment goes on, and any other remark records nothing, which the
/// answer says line by line. Every other column is ignored.
pub fn survey(db: &Db, staff: &Staff, req: &Request) -> Result<Response, Problem> {
    let surveyed_on = day_before_now(req, "surveyed_on", "调查日期")?;
    let text_sheet = request::decode_text(req.body());
    let sheet = Sheet::parse(&text_sheet, "调查表")?;
    let remarks = sheet
        .column(&["备注", "remarks"])
        .ok_or_else(|| Problem::invalid("remarks", "调查表须有备注（remarks）列", "the survey needs a remarks column (备注)"))?;
    let results = sheet.each_person(db, staff, |cells, person| {
        let remark = cells.get(remarks).copied().unwrap_or_default();
        let Some(kind) = EvidenceKind::from_survey_remark(remark) else {
            return Ok(json!({ "outcome": "ignored", "reason": "备注未写明见到本人或死亡，不作为认证依据" }));
        };
        let evidence = format!("survey:{surveyed_on}:{person}");
        let line = Line { evidence: &evidence, kind: &kind, on: surveyed_on, source: "household_survey", action: "certification.survey" };
        file_line(db, staff, person, &line, remark.as_bytes())?;
        Ok(json!({ "outcome": if kind == EvidenceKind::SurveyRemark { "certified" } else { "to_verify" }, "code": kind.code() }))
    })?;
    let ignored: Vec<&str> =
        sheet.header.iter().enumerate().filter(|(i, _)| *i != sheet.id_column && *i != remarks).map(|(_, h)| *h).collect();
    Ok(json_response(200, &json!({ "surveyed_on": surveyed_on, "results": results, "columns_ignored": ignored })))
}
