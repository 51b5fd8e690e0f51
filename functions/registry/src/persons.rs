//! Recipients: search within scope, the dossier with the assessment and its
//! reasons, changes with their history (R3.1), and the history itself.

use crate::Ctx;
use serde::Deserialize;
use serde_json::{Value as Json, json};
use spin_sdk::http::{Request, Response};
use zige_domain::IdNumber;
use zige_domain::benefit::ResidenceKind;
use zige_domain::masking::{mask_name, mask_phone};
use zige_domain::routing::{OrgKind, OrgTree};
use zige_http::auth::{self};
use zige_http::problem::{Problem, json_response};
use zige_http::request::{self, Page};
use zige_store::audit::{self, Entry};
use zige_store::db::{Db, Row, int, opt_text, text};
use zige_store::records::{self, placement};
use zige_store::secrets;

const PERSON_COLUMNS: &str = "id, id_masked, birth_date, name, phone, address, residence, community_id, insured_district, management, employer_id, special_groups, language, created_at, updated_at";

/// Loads a person the caller may see; 404 when absent or out of scope, so
/// existence itself does not leak (R2.3).
pub fn visible_person(ctx: &Ctx, tree: &OrgTree, id: &str) -> Result<Json, Problem> {
    let found = ctx.db.try_one(&format!("SELECT {PERSON_COLUMNS} FROM persons WHERE id = ?"), &[text(id)], |r| {
        Ok((auth::covers(tree, ctx.staff, &placement(&r)?), person_json(&r)))
    })?;
    match found {
        Some((true, person)) => Ok(person),
        _ => Err(Problem::not_found("此人", "person")),
    }
}

fn person_json(r: &Row<'_>) -> Json {
    json!({
        "person_id": r.text("id"),
        "id_number_masked": r.text("id_masked"),
        // The age, not the birth date: the masked ID number hides exactly that (R8.1).
        "age": records::date(&r.text("birth_date")).map(|birth| zige_domain::masking::age_on(birth, zige_store::today())),
        "name": r.text("name"),
        "phone": r.opt_text("phone"),
        "address": r.opt_text("address"),
        "residence": r.text("residence"),
        "community_id": r.opt_text("community_id"),
        "insured_district": r.text("insured_district"),
        "management": r.text("management"),
        "employer_id": r.opt_text("employer_id"),
        "special_groups": serde_json::from_str::<Json>(&r.text("special_groups")).unwrap_or(json!([])),
        // The language the person reads messages in (issue 18).
        "language": r.text("language"),
        "created_at": r.text("created_at"),
        "updated_at": r.text("updated_at"),
    })
}

/// Finds persons within scope by ID number, phone or name; lists are masked.
pub fn search(ctx: &Ctx, req: &Request) -> Result<Response, Problem> {
    let page = Page::from_query(req)?;
    let q = request::query_param(req, "q").unwrap_or_default();
    let q = q.trim();
    let tree = auth::org_tree(ctx.db)?;
    let (scope, mut params) = auth::scope_sql(&tree, ctx.staff, "")?;
    let key = secrets::pii_key()?;
    let filter = if q.is_empty() {
        "1 = 1".to_string()
    } else if let Ok(id) = IdNumber::parse(q) {
        params.push(text(id.blind_index(&key)));
        "id_index = ?".to_string()
    } else if q.chars().filter(char::is_ascii_digit).count() >= 7 && q.chars().all(|c| c.is_ascii_digit() || " -+".contains(c)) {
        params.push(text(secrets::phone_index(&key, q)));
        "phone_index = ?".to_string()
    } else {
        params.push(text(format!("{}%", q.replace(['%', '_'], ""))));
        "name LIKE ?".to_string()
    };
    let where_clause = format!("{scope} AND {filter}");
    let total = ctx.db.one(&format!("SELECT COUNT(*) AS n FROM persons WHERE {where_clause}"), &params, |r| r.int("n"))?.unwrap_or(0);
    let mut page_params = params.clone();
    page_params.push(int(page.per_page));
    page_params.push(int(page.offset()));
    let rows = ctx.db.query(
        &format!(
            "SELECT p.*, (SELECT group_concat(benefit_type) FROM benefits b WHERE b.person_id = p.id) AS benefit_types
             FROM persons p WHERE {where_clause} ORDER BY p.name, p.id LIMIT ? OFFSET ?"
        ),
        &page_params,
    )?;
    let placed = zige_store::db::rows(&rows).map(|r| Ok((placement(&r)?, r))).collect::<anyhow::Result<Vec<_>>>()?;
    let items: Vec<Json> = placed
        .into_iter()
        .filter(|(placed, _)| auth::covers(&tree, ctx.staff, placed))
        .map(|(_, r)| {
            json!({
                "person_id": r.text("id"),
                "name_masked": mask_name(&r.text("name")),
                "id_number_masked": r.text("id_masked"),
                "phone_masked": r.opt_text("phone").map(|p| mask_phone(&p)),
                "residence": r.text("residence"),
                "community_id": r.opt_text("community_id"),
                "insured_district": r.text("insured_district"),
                "management": r.text("management"),
                "benefit_types": r.opt_text("benefit_types").map(|t| t.split(',').map(String::from).collect::<Vec<_>>()).unwrap_or_default(),
            })
        })
        .collect();
    Ok(json_response(200, &json!({ "items": items, "page": page.page, "per_page": page.per_page, "total": total })))
}

/// The dossier: the person, relations, each benefit with its payment state,
/// cycle and assessment (with reasons), the records and decisions on file.
pub fn dossier(ctx: &Ctx, id: &str) -> Result<Response, Problem> {
    let tree = auth::org_tree(ctx.db)?;
    let person = visible_person(ctx, &tree, id)?;
    let today = zige_store::today();
    let assessed = records::assess_person(ctx.db, id, today)?;
    let benefits: Vec<Json> = assessed.iter().map(|(b, a)| benefit_json(b, a)).collect();
    // Who helped the person through a face check, beside their own result (R6.3).
    let helpers: std::collections::BTreeMap<String, Json> = ctx
        .db
        .all("SELECT evidence_id, relation, name FROM certification_helpers WHERE person_id = ?", &[text(id)], |r| {
            (r.text("evidence_id"), json!({ "relation": r.text("relation"), "name_masked": mask_name(&r.text("name")) }))
        })?
        .into_iter()
        .collect();
    let evidence: Vec<Json> = records::evidence(ctx.db, id)?
        .into_iter()
        .map(|(e, source)| {
            let entry = e.kind.entry();
            json!({
                "id": e.id, "code": entry.code, "name_zh": entry.name_zh, "name_en": entry.name_en,
                "requirement": entry.requirement, "effect": entry.effect, "occurred_on": e.occurred_on,
                "received_on": e.received_on, "source": source, "helper": helpers.get(&e.id),
            })
        })
        .collect();
    let decisions: Vec<Json> = records::decisions(ctx.db, id)?
        .into_iter()
        .map(|(d, by)| json!({ "id": d.id, "outcome": d.outcome, "decided_on": d.decided_on, "decided_by": by }))
        .collect();
    let relations = ctx.db.all(
        "SELECT relative_masked, relation, created_at FROM relations WHERE person_id = ? ORDER BY created_at",
        &[text(id)],
        |r| json!({ "relative_id_number_masked": r.text("relative_masked"), "relation": r.text("relation"), "since": r.text("created_at") }),
    )?;
    let requests = requests(ctx, id)?;
    Ok(json_response(
        200,
        &json!({
            "person": person, "relations": relations, "benefits": benefits, "evidence": evidence, "decisions": decisions,
            "requests": requests, "as_of": today,
        }),
    ))
}

/// The person's objections (R7.2) and home-visit requests (R6.3), newest
/// first, with how each came and who made it; a relative's name is masked.
fn requests(ctx: &Ctx, id: &str) -> Result<Json, Problem> {
    let made = |r: &Row| {
        json!({
            "channel": r.text("channel"),
            "relative": r.opt_text("made_by_relation").map(|relation| json!({
                "relation": relation, "name_masked": r.opt_text("made_by_name").map(|n| mask_name(&n)),
            })),
            "recorded_by": r.opt_text("recorded_by"),
        })
    };
    let objections = ctx.db.all(
        "SELECT id, benefit_id, lodged_on, task_id, channel, made_by_relation, made_by_name, recorded_by FROM objections
         WHERE person_id = ? ORDER BY lodged_on DESC, created_at DESC",
        &[text(id)],
        |r| json!({ "kind": "objection", "id": r.text("id"), "benefit_id": r.text("benefit_id"), "on": r.text("lodged_on"), "task_id": r.text("task_id"), "made": made(&r) }),
    )?;
    let visits = ctx.db.all(
        "SELECT id, requested_on, deadline, status, channel, made_by_relation, made_by_name, recorded_by FROM home_visits
         WHERE person_id = ? ORDER BY requested_on DESC, created_at DESC",
        &[text(id)],
        |r| json!({ "kind": "home_visit", "id": r.text("id"), "on": r.text("requested_on"), "deadline": r.text("deadline"), "status": r.text("status"), "made": made(&r) }),
    )?;
    Ok(json!({ "objections": objections, "home_visits": visits }))
}

/// A benefit with its assessment, as shown to staff.
pub fn benefit_json(b: &records::BenefitRow, a: &zige_domain::Assessment) -> Json {
    json!({
        "benefit_id": b.id,
        "benefit_type": b.benefit_type.code(),
        "benefit_name_zh": b.benefit_type.name_zh(),
        "monthly_amount_fen": b.monthly_amount.as_i64(),
        "start_date": b.start,
        "insured_district": b.insured_district,
        "payment": b.payment,
        "payment_status": b.payment.name(),
        "list": a.list,
        "list_name_zh": a.list.name_zh(),
        "cycle": a.cycle,
        "certified_on": a.certified_on,
        "certified_by": a.certified_by,
        "action": a.action,
        "loss_date": a.loss_date,
        "reasons": a.reasons,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonChange {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    address: Option<String>,
    #[serde(default)]
    residence: Option<String>,
    #[serde(default)]
    community_id: Option<String>,
    #[serde(default)]
    special_groups: Option<Vec<String>>,
    /// The language the person reads zige in, as they told staff.
    #[serde(default)]
    language: Option<String>,
}

/// Changes personal data (R3.1) and keeps the old and new values.
pub fn update(ctx: &Ctx, req: &Request, id: &str) -> Result<Response, Problem> {
    let change: PersonChange = request::json_body(req)?;
    let tree = auth::org_tree(ctx.db)?;
    let current = visible_person(ctx, &tree, id)?;
    let mut fields: Vec<(&str, Option<String>)> = Vec::new();
    if let Some(name) = &change.name {
        fields.push(("name", Some(crate::roster::check_name(name).map_err(|e| Problem::invalid("name", e.clone(), e))?)));
    }
    if let Some(phone) = &change.phone {
        let phone = crate::roster::check_phone(phone).map_err(|e| Problem::invalid("phone", e.clone(), e))?;
        fields.push(("phone", phone));
    }
    if let Some(address) = &change.address {
        if address.chars().count() > 200 {
            return Err(Problem::invalid("address", "地址最长200字", "address: at most 200 characters"));
        }
        fields.push(("address", Some(address.trim().to_string()).filter(|a| !a.is_empty())));
    }
    if change.residence.is_some() || change.community_id.is_some() {
        let residence = change.residence.as_deref().or(current["residence"].as_str()).unwrap_or_default();
        let kind =
            ResidenceKind::parse(residence).map_err(|e| Problem::invalid("residence", "居住地类型应为本地、异地或境外", e.to_string()))?;
        let community = if kind == ResidenceKind::Local {
            let community = change.community_id.as_deref().or(current["community_id"].as_str()).unwrap_or_default();
            let is_community = tree.get(community).is_ok_and(|o| o.kind == OrgKind::Community);
            if !is_community {
                return Err(Problem::invalid("community_id", "本地居住须填写所在社区（村）", "local residents need their community"));
            }
            Some(community.to_string())
        } else {
            None
        };
        fields.push(("residence", Some(kind.code().to_string())));
        fields.push(("community_id", community));
    }
    if let Some(groups) = &change.special_groups {
        let groups =
            crate::roster::check_special_groups(&groups.join(";")).map_err(|e| Problem::invalid("special_groups", e.clone(), e))?;
        fields.push(("special_groups", Some(serde_json::to_string(&groups).map_err(anyhow::Error::from)?)));
    }
    if let Some(language) = &change.language {
        let language = zige_domain::language::Language::parse(language)
            .map_err(|e| Problem::invalid("language", "语言应为中文、维吾尔语或英语（zh、ug、en）", e.to_string()))?;
        fields.push(("language", Some(language.code().to_string())));
    }
    let key = secrets::pii_key()?;
    let actor = ctx.staff.actor();
    ctx.db.transaction(|db| -> Result<(), Problem> {
        let now = zige_store::now_rfc3339();
        for (field, new) in &fields {
            let old =
                current[*field].as_str().map(String::from).or_else(|| (*field == "special_groups").then(|| current[*field].to_string()));
            if old.as_deref() == new.as_deref() {
                continue;
            }
            db.exec(
                &format!("UPDATE persons SET {field} = ?, updated_at = ? WHERE id = ?"),
                &[opt_text(new.clone()), text(now.as_str()), text(id)],
            )?;
            if *field == "phone" {
                let index = new.as_deref().map(|p| secrets::phone_index(&key, p));
                db.exec("UPDATE persons SET phone_index = ? WHERE id = ?", &[opt_text(index), text(id)])?;
            }
            record_history(db, "person", id, id, field, old.as_deref(), new.as_deref(), &actor, &now)?;
        }
        audit::append(db, &Entry { actor: &actor, role: ctx.staff.role.code(), action: "person.update", object: id, payload: req.body() })?;
        Ok(())
    })?;
    dossier(ctx, id)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RelativeRequest {
    id_number: String,
    relation: String,
}

/// `POST /api/v1/persons/{id}/relatives` `{"id_number", "relation"}`:
/// records a family member of the person (R3.1), kept as a blind index and
/// a masked number like every ID number.
pub fn add_relative(ctx: &Ctx, req: &Request, id: &str) -> Result<Response, Problem> {
    let body: RelativeRequest = request::json_body(req)?;
    let relative =
        zige_domain::IdNumber::parse(&body.id_number).map_err(|e| Problem::invalid("id_number", e.message_zh(), e.to_string()))?;
    if !zige_domain::names::is_one_of(&zige_domain::relations::FAMILY, &body.relation) {
        return Err(Problem::invalid(
            "relation",
            "关系应为配偶、子女、父母、兄弟姐妹或孙子女",
            "relation: spouse, child, parent, sibling or grandchild",
        ));
    }
    let tree = auth::org_tree(ctx.db)?;
    visible_person(ctx, &tree, id)?;
    let key = secrets::pii_key()?;
    let index = relative.blind_index(&key);
    let own = ctx.db.one("SELECT id_index FROM persons WHERE id = ?", &[text(id)], |r| r.text("id_index"))?;
    if own.as_deref() == Some(index.as_str()) {
        return Err(Problem::invalid("id_number", "不能登记本人为家属", "id_number: a relative, not the person"));
    }
    let actor = ctx.staff.actor();
    ctx.db.transaction(|db| -> Result<(), Problem> {
        let now = zige_store::now_rfc3339();
        db.exec(
            "INSERT OR IGNORE INTO relations (person_id, relative_index, relative_masked, relation, created_at) VALUES (?, ?, ?, ?, ?)",
            &[text(id), text(index.as_str()), text(relative.masked()), text(body.relation.as_str()), text(now.as_str())],
        )?;
        let line = format!("{} {}", body.relation, relative.masked());
        record_history(db, "person", id, id, "relatives", None, Some(&line), &actor, &now)?;
        audit::append(
            db,
            &Entry { actor: &actor, role: ctx.staff.role.code(), action: "person.relative_add", object: id, payload: req.body() },
        )?;
        Ok(())
    })?;
    dossier(ctx, id)
}

/// Appends one line of history (R3.1).
#[allow(clippy::too_many_arguments)]
pub fn record_history(
    db: &Db,
    entity: &str,
    entity_id: &str,
    person_id: &str,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
    actor: &str,
    at: &str,
) -> anyhow::Result<()> {
    db.exec(
        "INSERT INTO history (entity, entity_id, person_id, field, old_value, new_value, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        &[text(entity), text(entity_id), text(person_id), text(field), opt_text(old), opt_text(new), text(actor), text(at)],
    )
}

/// The history of a person and their benefits, newest first.
pub fn history(ctx: &Ctx, req: &Request, id: &str) -> Result<Response, Problem> {
    let page = Page::from_query(req)?;
    let tree = auth::org_tree(ctx.db)?;
    visible_person(ctx, &tree, id)?;
    let items = ctx.db.all(
        "SELECT entity, entity_id, field, old_value, new_value, actor, at FROM history WHERE person_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
        &[text(id), int(page.per_page), int(page.offset())],
        |r| {
            json!({
                "entity": r.text("entity"), "entity_id": r.text("entity_id"), "field": r.text("field"),
                "old": r.opt_text("old_value"), "new": r.opt_text("new_value"), "actor": r.text("actor"), "at": r.text("at"),
            })
        },
    )?;
    Ok(json_response(200, &json!({ "items": items, "page": page.page, "per_page": page.per_page })))
}
