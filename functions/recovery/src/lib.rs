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
use zige_store::db::Db;
use zige_store::tables::{benefits, decisions, escalations, instalments, overpayments, recovery_payments};
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
        let withdrawn = overpayments::is_withdrawn(db, id)?;
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

/// Refuses (404) a case outside the staff member's scope (R2.3).
fn visible(db: &Db, tree: &OrgTree, staff: &Staff, id: &str) -> Result<Placement, Problem> {
    let placement = overpayments::placement(db, id)?.ok_or_else(|| Problem::not_found("该追回案件", "recovery case"))?;
    if auth::covers(tree, staff, &placement) { Ok(placement) } else { Err(Problem::not_found("该追回案件", "recovery case")) }
}

/// `GET /api/v1/recoveries?status=open|recovered`: cases in scope.
fn list(ctx: &Ctx<'_>, tree: &OrgTree, req: &Request) -> Result<Response, Problem> {
    let page = Page::from_query(req)?;
    let scope = auth::scope(tree, ctx.staff)?;
    let status = request::query_param(req, "status").unwrap_or_else(|| "open".into());
    if !is_one_of(&RECOVERY_STATUSES, &status) {
        return Err(Problem::new(400, "invalid_query", "status应为open、recovered或withdrawn", "status: open, recovered or withdrawn")
            .with_field("status"));
    }
    let items: Vec<Json> = overpayments::list_in_scope(ctx.db, &scope, &status, page.per_page, page.offset())?
        .into_iter()
        .map(|c| {
            json!({ "recovery_id": c.id, "amount_fen": c.amount, "paid_fen": c.paid, "loss_date": c.loss_date,
                    "refund_deadline": c.refund_deadline, "status": c.status,
                    "withdrawn_on": c.withdrawn_on, "withdrawn_reason": c.withdrawn_reason,
                    "person": { "name": zige_domain::masking::mask_name(&c.name), "id_number_masked": c.id_masked } })
        })
        .collect();
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
    let found = benefits::owner_with_placement(ctx.db, &body.benefit_id)?;
    let person = match found {
        Some((person, placement)) if auth::covers(tree, ctx.staff, &placement) => person,
        _ => return Err(Problem::not_found("该待遇", "benefit").with_field("benefit_id")),
    };
    let actor = ctx.staff.actor();
    let by = Actor { actor: &actor, role: ctx.staff.role.code() };
    let today = ctx.today;
    let answer = ctx.db.transaction(|db| -> Result<Json, Problem> {
        let id = secrets::new_id("dec")?;
        // The agency's own decision, in force at once (R7.3).
        decisions::insert_staff_decision(
            db,
            &decisions::NewStaffDecision {
                id: &id,
                person_id: &person,
                outcome: &kind,
                decided_on: today,
                decided_by: &actor,
                created_at: &zige_store::now_rfc3339(),
                org_id: &ctx.staff.org_id,
                reviewed_on: Some(today),
                channel: Some("agency"),
                note,
                task_id: None,
                review: Some("decided"),
            },
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
    let c = overpayments::case_detail(db, id)?.ok_or_else(|| Problem::not_found("该追回案件", "recovery case"))?;
    let mut case = json!({
        "recovery_id": c.id, "person_id": c.person_id, "benefit_id": c.benefit_id, "benefit_type": c.benefit_type.code(),
        "benefit_name_zh": c.benefit_type.name_zh(),
        "loss_date": c.loss_date, "paid_through": c.paid_through, "monthly_fen": c.monthly,
        "amount_fen": c.amount, "paid_fen": c.paid, "outstanding_fen": c.amount.as_i64() - c.paid.as_i64(),
        "served_on": c.served_on, "refund_deadline": c.refund_deadline, "status": c.status,
        "employer_remainder_fen": c.employer_remainder, "refusals": c.refusals,
        "blacklisted_on": c.blacklisted_on, "blacklist_lifted_on": c.blacklist_lifted_on,
        "withdrawn_on": c.withdrawn_on, "withdrawn_reason": c.withdrawn_reason,
        "management": c.management, "employer_id": c.employer_id, "insured_district": c.insured_district,
        "person": { "name": c.name, "id_number_masked": c.id_masked },
    });
    case["instalments"] =
        json!(instalments::of_case(db, id)?
        .into_iter()
        .map(|i| json!({ "number": i.number, "due_on": i.due_on, "amount_fen": i.amount, "paid_fen": i.paid, "missed_on": i.missed_on }))
        .collect::<Vec<_>>());
    case["payments"] = json!(
        recovery_payments::of_case(db, id)?
            .into_iter()
            .map(|p| json!({ "kind": p.kind, "amount_fen": p.amount, "paid_on": p.paid_on }))
            .collect::<Vec<_>>()
    );
    case["escalations"] = json!(
        escalations::of_recovery_case(db, id)?
            .into_iter()
            .map(|e| json!({ "level": e.level, "org_id": e.org_id, "reason": e.reason, "created_on": e.created_on }))
            .collect::<Vec<_>>()
    );
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
        overpayments::set_served(db, id, ctx.today, deadline)?;
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
    let (owed, paid) = overpayments::amounts(db, id)?.ok_or_else(|| Problem::not_found("该追回案件", "recovery case"))?;
    let (owed, paid) = (owed.as_i64(), paid.as_i64());
    if amount <= 0 || amount > owed - paid {
        return Err(Problem::invalid("amount_fen", "金额应大于0且不超过尚欠金额", format!("amount_fen: 1 to {}", owed - paid)));
    }
    recovery_payments::insert(
        db,
        &recovery_payments::NewRecoveryPayment {
            id: &secrets::new_id("rp")?,
            case_id: id,
            kind,
            amount: Fen::new(amount),
            paid_on,
            recorded_by: &ctx.staff.actor(),
            created_at: &zige_store::now_rfc3339(),
        },
    )?;
    let owing = instalments::owing(db, id)?;
    for (number, share) in allocate(Fen::new(amount), &owing) {
        instalments::add_paid(db, id, number, share)?;
    }
    let status = if paid + amount >= owed { "recovered" } else { "open" };
    overpayments::add_paid(db, id, Fen::new(amount), status)?;
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
        if instalments::exist_for_case(db, id)? {
            return Err(Problem::new(409, "plan_exists", "该案件已有分期协议", "The case has an instalment agreement already"));
        }
        let outstanding = overpayments::outstanding(db, id)?.unwrap_or(Fen::ZERO);
        let plan = instalment_plan(outstanding, body.count, body.first_due)
            .map_err(|e| Problem::invalid("count", "无法按此分期", e.to_string()))?;
        for instalment in &plan {
            instalments::insert(db, id, instalment)?;
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
        let facts = overpayments::deduction_facts(db, id)?.ok_or_else(|| Problem::not_found("该追回案件", "recovery case"))?;
        let (person, benefit, management) = (facts.person_id, facts.benefit_id, facts.management);
        if facts.employer_remainder.is_some() {
            return Err(Problem::new(409, "already_deducted", "已经抵扣过", "The deduction has been made"));
        }
        let owed = Fen::new(facts.amount.as_i64() - facts.paid.as_i64());
        let (funeral_grant, survivor_pension) = (Fen::new(body.funeral_grant_fen), Fen::new(body.survivor_pension_fen));
        let Some((split, effects)) = survivor_deduction(management, &benefit, owed, funeral_grant, survivor_pension, ctx.today) else {
            return Err(Problem::new(
                409,
                "not_employer_managed",
                "仅适用于未纳入社会化管理的企业退休人员",
                "Only for retirees managed by their employer (R7.4)",
            ));
        };
        let deducted = split.from_funeral_grant.as_i64() + split.from_survivor_pension.as_i64();
        if deducted > 0 {
            receive(ctx, db, id, "deduction", deducted, ctx.today)?;
        }
        workflow::carry_out(db, &person, workflow::Known::default(), &mut BTreeMap::new(), effects, ctx.today, &by)?;
        overpayments::set_employer_remainder(db, id, split.remainder_for_employer)?;
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
            overpayments::count_refusal(db, id)?;
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
        let (listed, lifted) = overpayments::blacklist_days(db, id)?.ok_or_else(|| Problem::not_found("该追回案件", "recovery case"))?;
        let state = Blacklist::of(listed, lifted);
        let decision = match body.action.as_str() {
            "list" => BlacklistDecision::List,
            "lift" => BlacklistDecision::Lift,
            _ => return Err(Problem::invalid("action", "操作应为list或lift", "action: list or lift")),
        };
        let action = match state.after(decision) {
            Some(Blacklist::On) => {
                overpayments::set_blacklisted(db, id, ctx.today)?;
                "recovery.blacklisted"
            }
            Some(Blacklist::Off) => {
                overpayments::lift_blacklist(db, id, ctx.today)?;
                "recovery.blacklist_lifted"
            }
            None => return Err(Problem::new(409, "blacklist_state", "当前状态下不能这样操作", "Not possible in the current state")),
        };
        ctx.audit(db, action, id, body.decision.as_bytes())?;
        Ok(())
    })?;
    Ok(json_response(200, &case(ctx, id)?))
}
