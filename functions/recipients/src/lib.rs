//! Recipients' front door (尽可能让群众不用跑): sessions from the identity
//! assertion of the mini-program or social-security card, home-visit
//! requests (R6.3), objections to a suspension (R7.2) and deaths reported by
//! relatives (R5.6, 先停 R5.2/R5.9).

use anyhow::Context;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;
use spin_sdk::http::{Request, Response};
use zige_domain::IdNumber;
use zige_domain::evidence::EvidenceKind;
use zige_domain::language::Language;
use zige_http::problem::{Problem, json_response};
use zige_http::recipient::{self, Recipient};
use zige_http::web::{Route, public, recipient};
use zige_http::{jws, request};
use zige_services::front_desk::{self, Lodged, VisitRequest};
use zige_services::workflow::{self, Actor};
use zige_store::audit::{self, Entry};
use zige_store::db::Db;
use zige_store::tables::{death_report_limits, death_reports, persons, relations};
use zige_store::{records, secrets};

/// A request of a few fields.
const SMALL_BODY: usize = 16 << 10;

/// The recipients' routes. An objection carries up to three attachments of
/// 1 MiB (base64); the rest are a few fields.
pub const ROUTES: &[Route] = &[
    Route::post("/api/v1/sessions", public(|c| login(c.db()?, c.req))).body_limit(SMALL_BODY),
    Route::delete("/api/v1/sessions/current", recipient(|c, who| logout(c.db()?, who, c.req))).body_limit(SMALL_BODY),
    Route::post("/api/v1/me/home-visits", recipient(|c, who| home_visit(c.db()?, who, c.req))).body_limit(SMALL_BODY),
    Route::post("/api/v1/me/objections", recipient(|c, who| objection(c.db()?, who, c.req))).body_limit(4 << 20),
    Route::put("/api/v1/me/language", recipient(|c, who| language(c.db()?, who, c.req))).body_limit(SMALL_BODY),
    Route::post("/api/v1/death-reports", recipient(|c, who| death_report(c.db()?, who, c.req))).body_limit(SMALL_BODY),
];

zige_http::serve_routes!(ROUTES);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionRequest {
    assertion: String,
}

/// Opens a session from an identity assertion (HS256 with `idp_secret`).
fn login(db: &Db, req: &Request) -> Result<Response, Problem> {
    let body: SessionRequest = request::json_body(req)?;
    let secret = zige_store::settings::text("idp_secret")?;
    let refused = |code: &str| {
        Problem::new(401, "assertion_refused", "身份验证未通过，请重新登录", "The identity assertion was refused")
            .with_reason(code.to_string())
    };
    if secret.is_empty() {
        return Err(refused("login_disabled"));
    }
    let claims = jws::verify(&body.assertion, secret.as_bytes(), zige_store::unix_now()).map_err(|e| refused(e.code()))?;
    let id = IdNumber::parse(&claims.sub).map_err(|_| refused("assertion_bad_subject"))?;
    let id_index = id.blind_index(&secrets::pii_key()?);
    let person_id = persons::id_by_index(db, &id_index)?;
    let who = Recipient { id_index, id_masked: id.masked(), name: claims.name.chars().take(50).collect(), person_id };
    let (token, expires_at) = db.transaction(|db| -> anyhow::Result<(String, i64)> {
        let actor = who.actor();
        audit::append(db, &Entry { actor: &actor, role: "recipient", action: "recipient.login", object: &actor, payload: b"" })?;
        recipient::create_session(&who)
    })?;
    Ok(json_response(
        201,
        &json!({ "token": token, "expires_at": zige_store::rfc3339_from_unix(expires_at), "is_recipient": who.person_id.is_some() }),
    ))
}

/// Logs out: the session ends at once, so a shared or borrowed phone
/// (often a relative's) does not stay signed in as the person.
fn logout(db: &Db, who: &Recipient, req: &Request) -> Result<Response, Problem> {
    let token = request::bearer(req).ok_or_else(Problem::unauthenticated)?;
    db.transaction(|db| -> anyhow::Result<()> {
        let actor = who.actor();
        audit::append(db, &Entry { actor: &actor, role: "recipient", action: "recipient.logout", object: &actor, payload: b"" })?;
        recipient::end_session(&token)
    })?;
    Ok(Response::builder().status(204).build())
}

/// Asks for a home visit (R6.3): routed to the responsible community or
/// district (R2.2), to be scheduled within 5 working days. A second request
/// while one is open is merged into it.
fn home_visit(db: &Db, who: &Recipient, req: &Request) -> Result<Response, Problem> {
    let person_id = who.person()?.to_string();
    let body: VisitRequest = request::json_body(req)?;
    let actor = who.actor();
    let by = Actor { actor: &actor, role: "recipient" };
    let visit = front_desk::request_home_visit(db, &person_id, &body, zige_store::today(), &Lodged::online(&by))?;
    Ok(json_response(
        if visit.merged { 200 } else { 201 },
        &json!({ "home_visit_id": visit.id, "org_id": visit.org_id, "deadline": visit.deadline, "deadline_provisional": visit.provisional, "status": "open", "merged": visit.merged }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguageChoice {
    language: String,
}

/// `PUT /api/v1/me/language {"language": "ug"}`: the language the person
/// reads zige in, chosen on the page; their messages and status reasons are
/// given in it (issue 18).
fn language(db: &Db, who: &Recipient, req: &Request) -> Result<Response, Problem> {
    let person_id = who.person()?.to_string();
    let choice: LanguageChoice = request::json_body(req)?;
    let language = Language::parse(&choice.language)
        .map_err(|e| Problem::invalid("language", "语言应为中文、维吾尔语或英语（zh、ug、en）", e.to_string()))?;
    let actor = who.actor();
    db.transaction(|db| -> Result<(), Problem> {
        let before = records::language(db, &person_id)?;
        if before != language {
            persons::set_language(db, &person_id, language)?;
            let payload = format!("{}>{}", before.code(), language.code());
            audit::append(
                db,
                &Entry { actor: &actor, role: "recipient", action: "person.language", object: &person_id, payload: payload.as_bytes() },
            )?;
        }
        Ok(())
    })?;
    Ok(json_response(200, &json!({ "language": language.code() })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ObjectionRequest {
    benefit_id: String,
    text: String,
    #[serde(default)]
    attachments: Vec<Attachment>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Attachment {
    content_type: String,
    data: String,
}

/// Objects to a suspension within three months (R7.2): the clock towards
/// termination stops and re-verification opens.
fn objection(db: &Db, who: &Recipient, req: &Request) -> Result<Response, Problem> {
    let person_id = who.person()?.to_string();
    let body: ObjectionRequest = request::json_body(req)?;
    let files = decode_attachments(&body.attachments)?;
    let actor = who.actor();
    let by = Actor { actor: &actor, role: "recipient" };
    let today = zige_store::today();
    let lodged = front_desk::lodge_objection(db, &person_id, &body.benefit_id, &body.text, &files, &Lodged::online(&by), today)?;
    Ok(json_response(
        201,
        &json!({ "objection_id": lodged.id, "benefit_id": body.benefit_id, "objection_on": today, "task_id": lodged.task_id }),
    ))
}

/// The largest attachment, decoded.
const MAX_FILE: usize = 1 << 20;

fn decode_attachments(attachments: &[Attachment]) -> Result<Vec<(String, Vec<u8>)>, Problem> {
    use base64::Engine;
    if attachments.len() > 3 {
        return Err(Problem::invalid("attachments", "附件最多3个", "at most 3 attachments"));
    }
    attachments
        .iter()
        .map(|a| {
            if !["image/jpeg", "image/png", "application/pdf"].contains(&a.content_type.as_str()) {
                return Err(Problem::invalid(
                    "attachments",
                    "附件应为JPEG、PNG图片或PDF",
                    "attachments: image/jpeg, image/png or application/pdf",
                ));
            }
            let data = base64::engine::general_purpose::STANDARD
                .decode(a.data.trim())
                .map_err(|_| Problem::invalid("attachments", "附件内容无法读取", "attachments: data is not base64"))?;
            if data.len() > MAX_FILE {
                return Err(
                    Problem::new(413, "file_too_large", "附件不能超过1MB", "An attachment is larger than 1 MiB").with_field("attachments")
                );
            }
            if !zige_http::attachments::matches_bytes(&a.content_type, &data) {
                return Err(Problem::invalid("attachments", "附件内容与所选类型不符", "attachments: the bytes are not the type declared"));
            }
            Ok((a.content_type.clone(), data))
        })
        .collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeathReport {
    id_number: String,
    date_of_death: String,
    relation: String,
    /// The death certificate (死亡医学证明) or cremation certificate number.
    #[serde(default)]
    certificate_number: Option<String>,
}

const RELATIONS: [&str; 6] = ["spouse", "child", "parent", "sibling", "grandchild", "other"];

/// Death reports one reporter may make in a day (R5.6).
const DAILY_DEATH_REPORTS: i64 = 3;

/// `POST /api/v1/death-reports`: a death reported by a person (R5.6 家属主动申报死亡).
/// A relative registered for the deceased, or a reporter who gives the
/// death or cremation certificate number, stops payment at once (先停) and
/// opens verification; anyone else's report is recorded and opens an
/// urgent verification while payment goes on. A reporter who is not a
/// registered relative gets the same answer whether or not the ID number
/// belongs to a recipient (it depends only on whether a certificate number
/// was given), and every reporter makes at most three reports a day.
fn death_report(db: &Db, reporter: &Recipient, req: &Request) -> Result<Response, Problem> {
    let body: DeathReport = request::json_body(req)?;
    let id = IdNumber::parse(&body.id_number).map_err(|e| Problem::invalid("id_number", e.message_zh(), e.to_string()))?;
    let today = zige_store::today();
    let died =
        NaiveDate::parse_from_str(body.date_of_death.trim(), "%Y-%m-%d").ok().filter(|d| *d <= today && *d >= id.birth_date()).ok_or_else(
            || Problem::invalid("date_of_death", "死亡日期应为不晚于今天的日期，如2026-11-01", "date_of_death: a date no later than today"),
        )?;
    if !RELATIONS.contains(&body.relation.as_str()) {
        return Err(Problem::invalid(
            "relation",
            "关系应为配偶、子女、父母、兄弟姐妹、孙子女或其他",
            "relation: spouse, child, parent, sibling, grandchild or other",
        ));
    }
    let certificate = match body.certificate_number.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) if (6..=40).contains(&c.len()) && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-') => Some(c.to_string()),
        Some(_) => {
            return Err(Problem::invalid(
                "certificate_number",
                "证明编号应为6到40位字母、数字或连字符",
                "certificate_number: 6 to 40 letters, digits or hyphens",
            ));
        }
    };
    let id_index = id.blind_index(&secrets::pii_key()?);
    if id_index == reporter.id_index {
        return Err(Problem::invalid("id_number", "不能为本人申报死亡", "you cannot report your own death"));
    }
    let actor = reporter.actor();
    let by = Actor { actor: &actor, role: "relative" };
    let report_id = secrets::new_id("dr")?;
    let answer = db.transaction(|db| -> Result<Response, Problem> {
        let made = death_report_limits::reports_on(db, &reporter.id_index, today)?;
        if made >= DAILY_DEATH_REPORTS {
            return Err(Problem::new(
                429,
                "too_many_reports",
                "今天的申报次数已达上限，请明天再试，或到社区、经办窗口办理",
                "Too many reports today; try tomorrow or report at a community office",
            ));
        }
        death_report_limits::count_report(db, &reporter.id_index, today)?;
        let person = persons::id_by_index(db, &id_index)?;
        let relative = match &person {
            Some(person) => relations::is_registered_relative(db, person, &reporter.id_index)?,
            None => false,
        };
        // What a reporter who is not a registered relative hears depends on
        // what they sent, never on whether the ID number is a recipient's.
        let recorded = match certificate {
            Some(_) => json!({
                "report_id": report_id, "status": "recorded_with_certificate",
                "detail": "已收到您的申报和证明编号。如确有此人领取待遇，待遇会暂停发放，工作人员会尽快核实。",
                "detail_en": "Your report and certificate number are recorded. If the person receives a benefit, it is suspended and staff verify soon.",
            }),
            None => json!({
                "report_id": report_id, "status": "recorded",
                "detail": "已收到您的申报。工作人员会尽快核实；核实之前，待遇照常发放。",
                "detail_en": "Your report is recorded. Staff will verify it soon; until then, payment goes on.",
            }),
        };
        let Some(person) = person else {
            // Nothing to record about someone who receives nothing; the
            // answer is the one a stranger gets about anyone.
            audit::append(db, &Entry { actor: &actor, role: "relative", action: "death.report", object: "-", payload: req.body() })?;
            return Ok(json_response(202, &recorded));
        };
        let evidence_id = format!("death-report:{report_id}");
        let kind = EvidenceKind::reported_death(relative, certificate.is_some());
        death_reports::insert(
            db,
            &death_reports::NewDeathReport {
                id: &report_id,
                person_id: &person,
                reporter_index: &reporter.id_index,
                relation: &body.relation,
                date_of_death: died,
                evidence_id: &evidence_id,
                certificate_number: certificate.as_deref(),
                created_at: &zige_store::now_rfc3339(),
            },
        )?;
        audit::append(db, &Entry { actor: &actor, role: "relative", action: "death.report", object: &person, payload: req.body() })?;
        let done = workflow::file_record(db, &evidence_id, &person, &kind, died, today, "family_report", &by, workflow::Filing::UnlessOnFile)?
            .context("a new report is a new record")?;
        if relative {
            let answer = json!({ "report_id": report_id, "status": "suspended", "suspended": done.suspended(), "task_id": done.tasks.first() });
            Ok(json_response(201, &answer))
        } else {
            Ok(json_response(202, &recorded))
        }
    })?;
    Ok(answer)
}
