//! Recovery of overpayments (R7.3–R7.6, R9.3): each overpayment computed
//! from a loss date is a case of the responsible district. Staff serve the
//! notice to refund within a time limit (限期退还多领社会保险待遇通知书, a
//! printable A4 page), record payments, and for retirees of employers outside
//! socialised management deduct from the funeral grant and survivor pension
//! with the remainder assigned to the employer (R7.4). The social-insurance
//! agency approves instalment plans (R7.5), receives escalations in writing
//! (R7.6) and decides blacklisting (社保失信黑名单) and its lifting (R9.3).
//! Every change is audited in its transaction.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value as Json, json};
use spin_sdk::http::{Method, Request, Response};
use std::collections::BTreeMap;
use zige_domain::BenefitType;
use zige_domain::benefit::ManagementMode;
use zige_domain::casework::RECOVERY_STATUSES;
use zige_domain::effects::survivor_deduction;
use zige_domain::money::{Blacklist, BlacklistDecision, Fen, allocate, instalment_plan, missed_instalments};
use zige_domain::names::is_one_of;
use zige_domain::routing::{OrgTree, Placement};
use zige_http::auth::Permission::{self, RecoverOverpayments};
use zige_http::auth::{self, Staff};
use zige_http::problem::{Problem, json_response};
use zige_http::request::{self, Page};
use zige_http::web::{Call, Route, staff};
use zige_services::workflow;
use zige_services::workflow::{Actor, AtHand};
use zige_store::audit::{self, Entry};
use zige_store::db::{Db, int, text};
use zige_store::{records, secrets};

/// The recovery routes. Every one needs [`RecoverOverpayments`]; opening a
/// case, instalments, deductions and blacklisting need the agency's
/// `DecideRecovery` as well, checked after the case is found in scope.
pub const ROUTES: &[Route] = &[
    Route::get(
        "/api/v1/recoveries",
        staff(RecoverOverpayments, |c, s| {
            let (ctx, tree) = ctx(c, s)?;
            list(&ctx, &tree, c.req)
        }),
    ),
    Route::post(
        "/api/v1/recoveries",
        staff(RecoverOverpayments, |c, s| {
            let (ctx, tree) = ctx(c, s)?;
            open(&ctx, &tree, c.req)
        }),
    ),
    Route::get("/api/v1/recoveries/:id", staff(RecoverOverpayments, |c, s| Ok(json_response(200, &case(&ctx(c, s)?.0, c.param("id"))?)))),
    Route::get("/api/v1/recoveries/:id/notice", staff(RecoverOverpayments, |c, s| notice(&ctx(c, s)?.0, c.req, c.param("id")))),
    Route::post("/api/v1/recoveries/:id/notice", staff(RecoverOverpayments, |c, s| serve(&ctx(c, s)?.0, c.req, c.param("id")))),
    Route::post("/api/v1/recoveries/:id/payments", staff(RecoverOverpayments, |c, s| pay(&ctx(c, s)?.0, c.req, c.param("id")))),
    Route::post("/api/v1/recoveries/:id/instalments", staff(RecoverOverpayments, |c, s| plan(&ctx(c, s)?.0, c.req, c.param("id")))),
    Route::post("/api/v1/recoveries/:id/deduction", staff(RecoverOverpayments, |c, s| deduct(&ctx(c, s)?.0, c.req, c.param("id")))),
    Route::post("/api/v1/recoveries/:id/escalation", staff(RecoverOverpayments, |c, s| escalate(&ctx(c, s)?.0, c.req, c.param("id")))),
    Route::post("/api/v1/recoveries/:id/blacklist", staff(RecoverOverpayments, |c, s| blacklist(&ctx(c, s)?.0, c.req, c.param("id")))),
];

zige_http::serve_routes!(ROUTES);

/// The handlers' context and the organisation tree. A route on one case
/// refuses a case outside the caller's scope (404) and, except to read it,
/// a withdrawn case (409).
fn ctx<'a>(call: &'a Call, staff: &'a Staff) -> Result<(Ctx<'a>, OrgTree), Problem> {
    let db = call.db()?;
    let tree = auth::org_tree(db)?;
    let id = call.param("id");
    if !id.is_empty() {
        visible(db, &tree, staff, id)?;
        let withdrawn = db.one("SELECT 1 AS x FROM overpayments WHERE id = ? AND status = 'withdrawn'", &[text(id)], |_| ())?.is_some();
        if withdrawn && *call.req.method() != Method::Get {
            return Err(Problem::new(409, "case_withdrawn", "该追回案件已撤销，不能再办理", "The recovery case was withdrawn"));
        }
    }
    Ok((Ctx { db, staff, today: zige_store::today() }, tree))
}

struct Ctx<'a> {
    db: &'a Db,
    staff: &'a Staff,
    today: NaiveDate,
}

impl Ctx<'_> {
    fn audit(&self, db: &Db, action: &str, object: &str, payload: &[u8]) -> anyhow::Result<()> {
        audit::append(db, &Entry { actor: &self.staff.actor(), role: self.staff.role.code(), action, object, payload })?;
        Ok(())
    }
}

const PLACEMENT: &str = "p.residence, p.community_id, p.management, p.employer_id, p.insured_district";

/// Refuses (404) a case outside the staff member's scope (R2.3).
fn visible(db: &Db, tree: &OrgTree, staff: &Staff, id: &str) -> Result<Placement, Problem> {
    let sql = format!("SELECT {PLACEMENT} FROM overpayments o JOIN persons p ON p.id = o.person_id WHERE o.id = ?");
    let placement =
        db.try_one(&sql, &[text(id)], |r| records::placement(&r))?.ok_or_else(|| Problem::not_found("该追回案件", "recovery case"))?;
    if auth::covers(tree, staff, &placement) { Ok(placement) } else { Err(Problem::not_found("该追回案件", "recovery case")) }
}

/// `GET /api/v1/recoveries?status=open|recovered`: cases in scope.
fn list(ctx: &Ctx<'_>, tree: &OrgTree, req: &Request) -> Result<Response, Problem> {
    let page = Page::from_query(req)?;
    let (scope, mut params) = auth::scope_sql(tree, ctx.staff, "p.")?;
    let status = request::query_param(req, "status").unwrap_or_else(|| "open".into());
    if !is_one_of(&RECOVERY_STATUSES, &status) {
        return Err(Problem::new(400, "invalid_query", "status应为open、recovered或withdrawn", "status: open, recovered or withdrawn")
            .with_field("status"));
    }
    params.extend([text(status), int(page.per_page), int(page.offset())]);
    let sql = format!(
        "SELECT o.id, o.amount_fen, o.paid_fen, o.loss_date, o.refund_deadline, o.status, o.withdrawn_on, o.withdrawn_reason, p.name, p.id_masked
         FROM overpayments o JOIN persons p ON p.id = o.person_id WHERE {scope} AND o.status = ? ORDER BY o.created_at, o.id LIMIT ? OFFSET ?"
    );
    let items = ctx.db.all(&sql, &params, |r| {
        json!({ "recovery_id": r.text("id"), "amount_fen": r.int("amount_fen"), "paid_fen": r.int("paid_fen"), "loss_date": r.text("loss_date"),
                "refund_deadline": r.opt_text("refund_deadline"), "status": r.text("status"),
                "withdrawn_on": r.opt_text("withdrawn_on"), "withdrawn_reason": r.opt_text("withdrawn_reason"),
                "person": { "name": zige_domain::masking::mask_name(&r.text("name")), "id_number_masked": r.text("id_masked") } })
    })?;
    Ok(json_response(200, &json!({ "items": items, "page": page.page, "per_page": page.per_page })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Opening {
    benefit_id: String,
    loss: workflow::LossRequest,
    loss_date: Option<NaiveDate>,
    note: String,
}

/// `POST /api/v1/recoveries` `{"benefit_id", "loss": {"type", "details"},
/// "loss_date", "note"}`: the agency records a loss it found itself (a
/// death known from a letter, say) as its decision, in force at once. The
/// domain decides the rest as for any loss: payment stops and every
/// benefit the loss concerns gets its recovery case (R7.3).
fn open(ctx: &Ctx<'_>, tree: &OrgTree, req: &Request) -> Result<Response, Problem> {
    ctx.staff.require(Permission::DecideRecovery)?;
    let body: Opening = request::json_body(req)?;
    let note = body.note.trim();
    if note.is_empty() || note.chars().count() > 500 {
        return Err(Problem::invalid("note", "请写明依据（500字以内）", "note: the basis of the decision, up to 500 characters"));
    }
    let kind = workflow::loss_finding(&body.loss, body.loss_date, ctx.today)?;
    let sql = format!("SELECT b.person_id, {PLACEMENT} FROM benefits b JOIN persons p ON p.id = b.person_id WHERE b.id = ?");
    let found = ctx.db.try_one(&sql, &[text(body.benefit_id.as_str())], |r| Ok((r.text("person_id"), records::placement(&r)?)))?;
    let person = match found {
        Some((person, placement)) if auth::covers(tree, ctx.staff, &placement) => person,
        _ => return Err(Problem::not_found("该待遇", "benefit").with_field("benefit_id")),
    };
    let actor = ctx.staff.actor();
    let by = Actor { actor: &actor, role: ctx.staff.role.code() };
    let today = ctx.today;
    let answer = ctx.db.transaction(|db| -> Result<Json, Problem> {
        let id = secrets::new_id("dec")?;
        db.exec(
            "INSERT INTO decisions (id, person_id, outcome, decided_on, decided_by, created_at, org_id, reviewed_on, channel, note, review)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'agency', ?, 'decided')",
            &[
                text(id.as_str()),
                text(person.as_str()),
                text(serde_json::to_string(&kind).map_err(anyhow::Error::from)?),
                text(today.to_string()),
                text(actor.as_str()),
                text(zige_store::now_rfc3339()),
                text(ctx.staff.org_id.as_str()),
                text(today.to_string()),
                text(note),
            ],
        )?;
        ctx.audit(db, "recovery.open", &id, req.body())?;
        let done = workflow::decide(db, &person, AtHand::Decision(&id), today, &by)?.map_err(anyhow::Error::from)?;
        if done.cases.is_empty() {
            return Err(Problem::new(
                422,
                "nothing_overpaid",
                "按此丧失资格日期，没有多领的待遇，或该待遇已有追回案件",
                "Nothing was paid after this date, or the benefit has a recovery case already",
            )
            .with_field("loss_date"));
        }
        records::refresh(db, &person, today)?;
        Ok(json!({ "decision_id": id, "recovery_ids": done.cases, "suspended": done.suspended() }))
    })?;
    Ok(json_response(201, &answer))
}

/// A case with its facts, instalments, payments and escalations.
fn case(ctx: &Ctx<'_>, id: &str) -> Result<Json, Problem> {
    let db = ctx.db;
    let mut case = db
        .one(
            "SELECT o.*, b.benefit_type, p.name, p.id_masked, p.management, p.employer_id, p.insured_district FROM overpayments o
             JOIN benefits b ON b.id = o.benefit_id JOIN persons p ON p.id = o.person_id WHERE o.id = ?",
            &[text(id)],
            |r| {
                json!({
                    "recovery_id": r.text("id"), "person_id": r.text("person_id"), "benefit_id": r.text("benefit_id"), "benefit_type": r.text("benefit_type"),
                    "benefit_name_zh": BenefitType::parse(&r.text("benefit_type")).map(BenefitType::name_zh).unwrap_or_default(),
                    "loss_date": r.text("loss_date"), "paid_through": r.text("paid_through"), "monthly_fen": r.int("monthly_fen"),
                    "amount_fen": r.int("amount_fen"), "paid_fen": r.int("paid_fen"), "outstanding_fen": r.int("amount_fen") - r.int("paid_fen"),
                    "served_on": r.opt_text("served_on"), "refund_deadline": r.opt_text("refund_deadline"), "status": r.text("status"),
                    "employer_remainder_fen": r.opt_int("employer_remainder_fen"), "refusals": r.int("refusals"),
                    "blacklisted_on": r.opt_text("blacklisted_on"), "blacklist_lifted_on": r.opt_text("blacklist_lifted_on"),
                    "withdrawn_on": r.opt_text("withdrawn_on"), "withdrawn_reason": r.opt_text("withdrawn_reason"),
                    "management": r.text("management"), "employer_id": r.opt_text("employer_id"), "insured_district": r.text("insured_district"),
                    "person": { "name": r.text("name"), "id_number_masked": r.text("id_masked") },
                })
            },
        )?
        .ok_or_else(|| Problem::not_found("该追回案件", "recovery case"))?;
    case["instalments"] = json!(db.all(
        "SELECT number, due_on, amount_fen, paid_fen, missed_on FROM instalments WHERE overpayment_id = ? ORDER BY number",
        &[text(id)],
        |r| json!({ "number": r.int("number"), "due_on": r.text("due_on"), "amount_fen": r.int("amount_fen"), "paid_fen": r.int("paid_fen"), "missed_on": r.opt_text("missed_on") }),
    )?);
    case["payments"] = json!(db.all(
        "SELECT kind, amount_fen, paid_on FROM recovery_payments WHERE overpayment_id = ? ORDER BY paid_on, created_at",
        &[text(id)],
        |r| json!({ "kind": r.text("kind"), "amount_fen": r.int("amount_fen"), "paid_on": r.text("paid_on") }),
    )?);
    case["escalations"] = json!(db.all(
        "SELECT level, org_id, reason, created_on FROM escalations WHERE (subject_kind = 'overpayment' AND subject_id = ?1) OR (subject_kind = 'instalment' AND subject_id LIKE ?1 || '#%') ORDER BY id",
        &[text(id)],
        |r| json!({ "level": r.text("level"), "org_id": r.text("org_id"), "reason": r.text("reason"), "created_on": r.text("created_on") }),
    )?);
    Ok(case)
}

fn yuan(fen: i64) -> String {
    Fen::new(fen).to_string()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The notice's words in one language. The citation is the notice's own
/// title and the part of it on overpayments (八、资格认证结果处理（二）).
struct NoticeText {
    lang: &'static str,
    dir: &'static str,
    font: &'static str,
    title: &'static str,
    draft: &'static str,
    /// Greets `{name}` with `{id}`.
    greeting: &'static str,
    /// Says what was overpaid: `{loss}`, `{benefit}`, `{through}`, `{amount}`, `{deadline}`.
    body: &'static str,
    not_yet_served: &'static str,
    monthly: &'static str,
    overpaid: &'static str,
    refunded: &'static str,
    outstanding: &'static str,
    yuan: &'static str,
    hardship: &'static str,
    served: &'static str,
    blank_date: &'static str,
    seal: &'static str,
}

const NOTICES: [NoticeText; 3] = [
    NoticeText {
        lang: "zh-CN",
        dir: "ltr",
        font: r#""Noto Serif CJK SC", "Songti SC", serif"#,
        title: "限期退还多领社会保险待遇通知书",
        draft: "草稿：尚未送达",
        greeting: "{name}（公民身份号码 {id}）：",
        body: "经核实，您（或您的亲属）自 {loss} 起已不再符合领取{benefit}的条件，但待遇继续发放至 {through}，共多领取社会保险待遇人民币 <strong>{amount} 元</strong>。依据《关于进一步做好乌鲁木齐市领取社会保险待遇资格认证工作的通知》（乌人社规〔2022〕3号）第八部分“资格认证结果处理”第（二）项，请于 <strong>{deadline}</strong> 前全额退还。",
        not_yet_served: "（送达后确定）",
        monthly: "每月待遇",
        overpaid: "多领金额",
        refunded: "已退还",
        outstanding: "尚欠",
        yuan: "元",
        hardship: "确有困难的，可申请分期退还，经社会保险经办机构同意后签订分期还款协议。逾期不退还的，将依法追缴，并可纳入社会保险领域失信名单。",
        served: "送达日期",
        blank_date: "　　年　月　日",
        seal: "（经办机构盖章）",
    },
    NoticeText {
        lang: "ug",
        dir: "rtl",
        font: r#""Noto Naskh Arabic", "UKIJ Tuz Tom", serif"#,
        title: "ئارتۇق ئالغان ئىجتىمائىي سۇغۇرتا تەمىناتىنى مۆھلەت ئىچىدە قايتۇرۇش توغرىسىدا ئۇقتۇرۇش",
        draft: "لايىھە: تېخى يەتكۈزۈلمىگەن",
        greeting: "{name} (كىملىك نومۇرى {id}):",
        body: "تەكشۈرۈپ ئېنىقلىنىشىچە، سىز (ياكى ئائىلە تاۋابىئاتىڭىز) {loss} دىن باشلاپ {benefit} ئېلىش شەرتىگە توشمىغان، ئەمما تەمىنات {through} غىچە داۋاملىق تارقىتىلغان، جەمئىي <strong>{amount} يۈەن</strong> ئىجتىمائىي سۇغۇرتا تەمىناتى ئارتۇق ئېلىنغان. «ئۈرۈمچى شەھىرىنىڭ ئىجتىمائىي سۇغۇرتا تەمىناتى ئېلىش سالاھىيىتىنى دەلىللەش خىزمىتىنى تېخىمۇ ياخشى ئىشلەش توغرىسىدىكى ئۇقتۇرۇش» (乌人社规〔2022〕3号) نىڭ سەككىزىنچى قىسمى «سالاھىيەت دەلىللەش نەتىجىسىنى بىر تەرەپ قىلىش» نىڭ (2)-تارمىقىغا ئاساسەن، <strong>{deadline}</strong> دىن بۇرۇن تولۇق قايتۇرۇڭ.",
        not_yet_served: "(يەتكۈزۈلگەندىن كېيىن بېكىتىلىدۇ)",
        monthly: "ئايلىق تەمىنات",
        overpaid: "ئارتۇق ئېلىنغان سومما",
        refunded: "قايتۇرۇلغىنى",
        outstanding: "قايتۇرۇلمىغىنى",
        yuan: "يۈەن",
        hardship: "بىراقلا قايتۇرۇشتا قىيىنچىلىقىڭىز بولسا، بۆلۈپ قايتۇرۇشنى ئىلتىماس قىلسىڭىز بولىدۇ؛ ئىجتىمائىي سۇغۇرتا بېجىرىش ئورگىنى قوشۇلغاندىن كېيىن بۆلۈپ قايتۇرۇش كېلىشىمى تۈزۈلىدۇ. مۆھلىتىدە قايتۇرمىسىڭىز، قانۇن بويىچە ئۈندۈرۈۋېلىنىدۇ ھەمدە ئىجتىمائىي سۇغۇرتا ساھەسىدىكى ئىناۋەتسىزلەر تىزىملىكىگە كىرگۈزۈلۈشى مۇمكىن.",
        served: "يەتكۈزۈلگەن ۋاقتى",
        blank_date: "____-__-__",
        seal: "(بېجىرىش ئورگىنىنىڭ تامغىسى)",
    },
    NoticeText {
        lang: "en",
        dir: "ltr",
        font: "serif",
        title: "Notice to refund overpaid social-insurance benefits within a time limit",
        draft: "Draft: not yet served",
        greeting: "To {name} (citizen ID number {id}):",
        body: "Our verification found that from {loss} you (or your relative) no longer met the conditions for the {benefit}, but it went on being paid until {through}: <strong>{amount} yuan</strong> of social-insurance benefits were overpaid in all. Under part VIII (handling the results of certification), item (2), of the Notice on Further Improving the Certification of Eligibility for Social-Insurance Benefits in Urumqi (乌人社规〔2022〕3号), please refund the full amount by <strong>{deadline}</strong>.",
        not_yet_served: "(set when the notice is served)",
        monthly: "Monthly benefit",
        overpaid: "Overpaid",
        refunded: "Refunded",
        outstanding: "Outstanding",
        yuan: "yuan",
        hardship: "If you cannot refund it at once, you may apply to refund it in instalments; with the social-insurance agency's consent an instalment agreement is signed. An amount not refunded in time is recovered as the law provides, and you may be placed on the social-insurance list of dishonest persons.",
        served: "Served on",
        blank_date: "____-__-__",
        seal: "(Seal of the agency)",
    },
];

/// `GET /api/v1/recoveries/{id}/notice?lang=zh|ug|en`: the notice to refund
/// within a time limit as a printable A4 page (R7.3), in Chinese by default,
/// or in Uyghur (right to left) or English for the person who reads it.
/// Served notices carry the deadline; an unserved one is marked as a draft.
fn notice(ctx: &Ctx<'_>, req: &Request, id: &str) -> Result<Response, Problem> {
    let words = match request::query_param(req, "lang").as_deref() {
        None | Some("zh") => &NOTICES[0],
        Some("ug") => &NOTICES[1],
        Some("en") => &NOTICES[2],
        Some(_) => return Err(Problem::new(400, "invalid_query", "lang应为zh、ug或en", "lang: zh, ug or en").with_field("lang")),
    };
    let c = case(ctx, id)?;
    let s = |v: &Json| escape(v.as_str().unwrap_or_default());
    let benefit = BenefitType::parse(c["benefit_type"].as_str().unwrap_or_default()).ok();
    let benefit = match (words.lang, benefit) {
        ("ug", Some(b)) => b.name_ug().to_string(),
        ("en", Some(b)) => b.name_en().to_string(),
        _ => s(&c["benefit_name_zh"]),
    };
    let deadline = c["refund_deadline"].as_str().map_or_else(|| words.not_yet_served.to_string(), escape);
    let draft = if c["served_on"].is_null() { format!("<p class=\"draft\">{}</p>", words.draft) } else { String::new() };
    let amount = yuan(c["amount_fen"].as_i64().unwrap_or_default());
    let greeting = words.greeting.replace("{name}", &s(&c["person"]["name"])).replace("{id}", &s(&c["person"]["id_number_masked"]));
    let body = words
        .body
        .replace("{loss}", &s(&c["loss_date"]))
        .replace("{benefit}", &benefit)
        .replace("{through}", &s(&c["paid_through"]))
        .replace("{amount}", &amount)
        .replace("{deadline}", &deadline);
    let html = format!(
        r#"<!doctype html>
<html lang="{lang}" dir="{dir}"><head><meta charset="utf-8"><title>{title}</title>
<style>@page {{ size: A4; margin: 25mm 20mm; }} body {{ font-family: {font}; font-size: 16pt; line-height: 1.8; color: #000; }}
h1 {{ text-align: center; font-size: 22pt; }} table {{ border-collapse: collapse; width: 100%; }} td, th {{ border: 1px solid #000; padding: 4pt 8pt; text-align: start; }}
.draft {{ color: #b00; font-weight: bold; }} .sign {{ margin-top: 40pt; text-align: end; }} bdi {{ unicode-bidi: isolate; }}</style></head>
<body><h1>{title}</h1>{draft}
<p>{greeting}</p>
<p>{body}</p>
<table><tr><th>{monthly_label}</th><td><bdi>{monthly}</bdi> {yuan_word}</td></tr><tr><th>{overpaid_label}</th><td><bdi>{amount}</bdi> {yuan_word}</td></tr><tr><th>{refunded_label}</th><td><bdi>{paid}</bdi> {yuan_word}</td></tr><tr><th>{outstanding_label}</th><td><bdi>{outstanding}</bdi> {yuan_word}</td></tr></table>
<p>{hardship}</p>
<p class="sign">{served_label}: <bdi>{served}</bdi><br>{seal}</p></body></html>"#,
        lang = words.lang,
        dir = words.dir,
        font = words.font,
        title = words.title,
        monthly_label = words.monthly,
        overpaid_label = words.overpaid,
        refunded_label = words.refunded,
        outstanding_label = words.outstanding,
        yuan_word = words.yuan,
        hardship = words.hardship,
        served_label = words.served,
        seal = words.seal,
        monthly = yuan(c["monthly_fen"].as_i64().unwrap_or_default()),
        paid = yuan(c["paid_fen"].as_i64().unwrap_or_default()),
        outstanding = yuan(c["outstanding_fen"].as_i64().unwrap_or_default()),
        served = c["served_on"].as_str().map_or_else(|| words.blank_date.to_string(), escape),
    );
    Ok(Response::builder()
        .status(200)
        .header("content-type", "text/html; charset=utf-8")
        .header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'")
        .header("cache-control", "no-store")
        .body(html)
        .build())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Serve {
    /// Days from service to the refund deadline.
    refund_days: u32,
}

/// `POST /api/v1/recoveries/{id}/notice`: records the notice as served today,
/// with its deadline; the timers escalate once the deadline passes.
fn serve(ctx: &Ctx<'_>, req: &Request, id: &str) -> Result<Response, Problem> {
    let body: Serve = request::json_body(req)?;
    let deadline = zige_domain::money::refund_deadline(ctx.today, body.refund_days)
        .ok_or_else(|| Problem::invalid("refund_days", "退还期限应为7到90天", "refund_days: 7 to 90"))?;
    ctx.db.transaction(|db| -> Result<(), Problem> {
        db.exec(
            "UPDATE overpayments SET served_on = ?, refund_deadline = ? WHERE id = ?",
            &[text(ctx.today.to_string()), text(deadline.to_string()), text(id)],
        )?;
        ctx.audit(db, "recovery.notice_served", id, deadline.to_string().as_bytes())?;
        Ok(())
    })?;
    Ok(json_response(200, &case(ctx, id)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Payment {
    amount_fen: i64,
    paid_on: NaiveDate,
}

/// Records money received in one transaction: the payment, the instalments
/// it covers in order, the case's total, and the case closing when paid.
fn receive(ctx: &Ctx<'_>, db: &Db, id: &str, kind: &str, amount: i64, paid_on: NaiveDate) -> Result<(), Problem> {
    let (owed, paid) = db
        .one("SELECT amount_fen, paid_fen FROM overpayments WHERE id = ?", &[text(id)], |r| (r.int("amount_fen"), r.int("paid_fen")))?
        .ok_or_else(|| Problem::not_found("该追回案件", "recovery case"))?;
    if amount <= 0 || amount > owed - paid {
        return Err(Problem::invalid("amount_fen", "金额应大于0且不超过尚欠金额", format!("amount_fen: 1 to {}", owed - paid)));
    }
    db.exec(
        "INSERT INTO recovery_payments (id, overpayment_id, kind, amount_fen, paid_on, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        &[
            text(secrets::new_id("rp")?),
            text(id),
            text(kind),
            int(amount),
            text(paid_on.to_string()),
            text(ctx.staff.actor()),
            text(zige_store::now_rfc3339()),
        ],
    )?;
    let owing = db.all(
        "SELECT number, amount_fen, paid_fen FROM instalments WHERE overpayment_id = ? AND paid_fen < amount_fen ORDER BY number",
        &[text(id)],
        |r| (r.int("number") as u32, Fen::new(r.int("amount_fen")), Fen::new(r.int("paid_fen"))),
    )?;
    for (number, share) in allocate(Fen::new(amount), &owing) {
        db.exec(
            "UPDATE instalments SET paid_fen = paid_fen + ? WHERE overpayment_id = ? AND number = ?",
            &[int(share.as_i64()), text(id), int(i64::from(number))],
        )?;
    }
    let status = if paid + amount >= owed { "recovered" } else { "open" };
    db.exec("UPDATE overpayments SET paid_fen = paid_fen + ?, status = ? WHERE id = ?", &[int(amount), text(status), text(id)])?;
    ctx.audit(db, "recovery.payment", id, format!("{kind}:{amount}:{paid_on}").as_bytes())?;
    Ok(())
}

/// `POST /api/v1/recoveries/{id}/payments`: a refund or an instalment paid.
fn pay(ctx: &Ctx<'_>, req: &Request, id: &str) -> Result<Response, Problem> {
    let body: Payment = request::json_body(req)?;
    if body.paid_on > ctx.today {
        return Err(Problem::invalid("paid_on", "缴款日期不能晚于今天", "paid_on: not after today"));
    }
    ctx.db.transaction(|db| receive(ctx, db, id, "refund", body.amount_fen, body.paid_on))?;
    Ok(json_response(201, &case(ctx, id)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Plan {
    count: u32,
    first_due: NaiveDate,
}

/// `POST /api/v1/recoveries/{id}/instalments`: the agency approves an
/// instalment agreement over what is outstanding (R7.5).
fn plan(ctx: &Ctx<'_>, req: &Request, id: &str) -> Result<Response, Problem> {
    ctx.staff.require(Permission::DecideRecovery)?;
    let body: Plan = request::json_body(req)?;
    if !(2..=60).contains(&body.count) {
        return Err(Problem::invalid("count", "分期期数应为2到60", "count: 2 to 60"));
    }
    if body.first_due < ctx.today {
        return Err(Problem::invalid("first_due", "首期还款日不能早于今天", "first_due: today or later"));
    }
    ctx.db.transaction(|db| -> Result<(), Problem> {
        if db.one("SELECT 1 AS x FROM instalments WHERE overpayment_id = ?", &[text(id)], |_| ())?.is_some() {
            return Err(Problem::new(409, "plan_exists", "该案件已有分期协议", "The case has an instalment agreement already"));
        }
        let outstanding =
            db.one("SELECT amount_fen - paid_fen AS n FROM overpayments WHERE id = ?", &[text(id)], |r| r.int("n"))?.unwrap_or(0);
        let plan = instalment_plan(Fen::new(outstanding), body.count, body.first_due)
            .map_err(|e| Problem::invalid("count", "无法按此分期", e.to_string()))?;
        for instalment in &plan {
            db.exec(
                "INSERT INTO instalments (overpayment_id, number, due_on, amount_fen) VALUES (?, ?, ?, ?)",
                &[text(id), int(i64::from(instalment.number)), text(instalment.due_on.to_string()), int(instalment.amount.as_i64())],
            )?;
        }
        ctx.audit(db, "recovery.instalments_approved", id, format!("{}:{}", body.count, body.first_due).as_bytes())?;
        Ok(())
    })?;
    Ok(json_response(201, &case(ctx, id)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeductionRequest {
    funeral_grant_fen: i64,
    survivor_pension_fen: i64,
}

/// `POST /api/v1/recoveries/{id}/deduction`: for a retiree of an employer
/// outside socialised management, deducts from the funeral grant and the
/// survivor pension, and assigns the remainder to the employer (R7.4). The
/// deduction is a payroll instruction.
fn deduct(ctx: &Ctx<'_>, req: &Request, id: &str) -> Result<Response, Problem> {
    ctx.staff.require(Permission::DecideRecovery)?;
    let body: DeductionRequest = request::json_body(req)?;
    if body.funeral_grant_fen < 0 || body.survivor_pension_fen < 0 {
        return Err(Problem::invalid("funeral_grant_fen", "金额不能为负", "amounts must not be negative"));
    }
    let actor = ctx.staff.actor();
    let by = Actor { actor: &actor, role: ctx.staff.role.code() };
    ctx.db.transaction(|db| -> Result<(), Problem> {
        let (person, benefit, management, owed, paid, done) = db
            .one(
                "SELECT o.person_id, o.benefit_id, p.management, o.amount_fen, o.paid_fen, o.employer_remainder_fen FROM overpayments o JOIN persons p ON p.id = o.person_id WHERE o.id = ?",
                &[text(id)],
                |r| (r.text("person_id"), r.text("benefit_id"), r.text("management"), r.int("amount_fen"), r.int("paid_fen"), r.opt_int("employer_remainder_fen")),
            )?
            .ok_or_else(|| Problem::not_found("该追回案件", "recovery case"))?;
        if done.is_some() {
            return Err(Problem::new(409, "already_deducted", "已经抵扣过", "The deduction has been made"));
        }
        let management = ManagementMode::parse(&management).map_err(|e| anyhow::anyhow!("case {id}: management {e}"))?;
        let owed = Fen::new(owed - paid);
        let (funeral_grant, survivor_pension) = (Fen::new(body.funeral_grant_fen), Fen::new(body.survivor_pension_fen));
        let Some((split, effects)) = survivor_deduction(management, &benefit, owed, funeral_grant, survivor_pension, ctx.today) else {
            return Err(Problem::new(409, "not_employer_managed", "仅适用于未纳入社会化管理的企业退休人员", "Only for retirees managed by their employer (R7.4)"));
        };
        let deducted = split.from_funeral_grant.as_i64() + split.from_survivor_pension.as_i64();
        if deducted > 0 {
            receive(ctx, db, id, "deduction", deducted, ctx.today)?;
        }
        workflow::carry_out(db, &person, None, &mut BTreeMap::new(), effects, ctx.today, &by)?;
        db.exec("UPDATE overpayments SET employer_remainder_fen = ? WHERE id = ?", &[int(split.remainder_for_employer.as_i64()), text(id)])?;
        ctx.audit(db, "recovery.deduction", id, format!("{deducted}:{}", split.remainder_for_employer.as_i64()).as_bytes())?;
        Ok(())
    })?;
    Ok(json_response(201, &case(ctx, id)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Escalation {
    /// What was tried and collected, in writing.
    evidence: String,
    /// Whether the person refused to pay.
    #[serde(default)]
    refused: bool,
}

/// `POST /api/v1/recoveries/{id}/escalation`: reports a refusal or a broken
/// agreement in writing to the social-insurance agency with the evidence
/// collected (R7.6).
fn escalate(ctx: &Ctx<'_>, req: &Request, id: &str) -> Result<Response, Problem> {
    let body: Escalation = request::json_body(req)?;
    if body.evidence.trim().chars().count() < 10 {
        return Err(Problem::invalid("evidence", "请写明催缴经过和收集的证据", "evidence: describe what was done and collected"));
    }
    ctx.db.transaction(|db| -> Result<(), Problem> {
        let agreement = records::Agreement::load(db, id)?;
        let missed = missed_instalments(&agreement.plan, &agreement.payments, ctx.today);
        let reason = format!("书面报告：{}（未按期缴纳期次：{:?}）", body.evidence.trim(), missed);
        let level = format!("written:{}", ctx.today);
        let agency = workflow::city_org(db, zige_domain::routing::OrgKind::SocialInsuranceAgency)?;
        workflow::escalate(db, "overpayment", id, &level, &agency, &reason, ctx.today)?;
        if body.refused {
            db.exec("UPDATE overpayments SET refusals = refusals + 1 WHERE id = ?", &[text(id)])?;
        }
        ctx.audit(db, "recovery.escalated", id, body.evidence.as_bytes())?;
        Ok(())
    })?;
    Ok(json_response(201, &case(ctx, id)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BlacklistRequest {
    /// `list` or `lift`.
    action: String,
    /// The decision's reference and reason.
    decision: String,
}

/// `POST /api/v1/recoveries/{id}/blacklist`: the agency's decision to put the
/// person on the social-insurance blacklist, or to lift it (R9.3).
fn blacklist(ctx: &Ctx<'_>, req: &Request, id: &str) -> Result<Response, Problem> {
    ctx.staff.require(Permission::DecideRecovery)?;
    let body: BlacklistRequest = request::json_body(req)?;
    if body.decision.trim().is_empty() {
        return Err(Problem::invalid("decision", "须写明决定文号和理由", "decision: the reference and reason are required"));
    }
    ctx.db.transaction(|db| -> Result<(), Problem> {
        let (listed, lifted) = db
            .one("SELECT blacklisted_on, blacklist_lifted_on FROM overpayments WHERE id = ?", &[text(id)], |r| {
                (r.opt_text("blacklisted_on"), r.opt_text("blacklist_lifted_on"))
            })?
            .ok_or_else(|| Problem::not_found("该追回案件", "recovery case"))?;
        let state = Blacklist::of(listed.as_deref().and_then(records::date), lifted.as_deref().and_then(records::date));
        let decision = match body.action.as_str() {
            "list" => BlacklistDecision::List,
            "lift" => BlacklistDecision::Lift,
            _ => return Err(Problem::invalid("action", "操作应为list或lift", "action: list or lift")),
        };
        let (sql, action) = match state.after(decision) {
            Some(Blacklist::On) => {
                ("UPDATE overpayments SET blacklisted_on = ?, blacklist_lifted_on = NULL WHERE id = ?", "recovery.blacklisted")
            }
            Some(Blacklist::Off) => ("UPDATE overpayments SET blacklist_lifted_on = ? WHERE id = ?", "recovery.blacklist_lifted"),
            None => return Err(Problem::new(409, "blacklist_state", "当前状态下不能这样操作", "Not possible in the current state")),
        };
        db.exec(sql, &[text(ctx.today.to_string()), text(id)])?;
        ctx.audit(db, action, id, body.decision.as_bytes())?;
        Ok(())
    })?;
    Ok(json_response(200, &case(ctx, id)?))
}
