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
use zige_store::db::Db;
use zige_store::records;
use zige_store::secrets;
use zige_store::tables::persons::{self, PersonField, PersonSearch};

/// Loads a person the caller may see; 404 when absent or out of scope, so
/// existence itself does not leak (R2.3).
pub fn visible_person(ctx: &Ctx, tree: &OrgTree, id: &str) -> Result<Json, Problem> {
    match persons::find_registered(ctx.db, id)? {
        Some(p) if auth::covers(tree, ctx.staff, &p.placement) => Ok(person_json(p)),
        _ => Err(Problem::not_found("此人", "person")),
    }
}

fn person_json(p: persons::RegisteredPerson) -> Json {
    json!({
        "person_id": p.id,
        "id_number_masked": p.id_masked,
        // The age, not the birth date: the masked ID number hides exactly that (R8.1).
        "age": zige_domain::masking::age_on(p.birth_date, zige_store::today()),
        "name": p.name,
        "phone": p.phone,
        "address": p.address,
        "residence": p.residence,
        "community_id": p.community_id,
        "insured_district": p.insured_district,
        "management": p.management,
        "employer_id": p.employer_id,
        "special_groups": p.special_groups,
        // The language the person reads messages in (issue 18).
        "language": p.language,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    })
}

/// Finds persons within scope by ID number, phone or name; lists are masked.
pub fn search(ctx: &Ctx, req: &Request) -> Result<Response, Problem> {
    let page = Page::from_query(req)?;
    let q = request::query_param(req, "q").unwrap_or_default();
    let q = q.trim();
    let tree = auth::org_tree(ctx.db)?;
    let scope = auth::scope(&tree, ctx.staff)?;
    let key = secrets::pii_key()?;
    let search = if q.is_empty() {
        PersonSearch::Everyone
    } else if let Ok(id) = IdNumber::parse(q) {
        PersonSearch::IdIndex(id.blind_index(&key))
    } else if q.chars().filter(char::is_ascii_digit).count() >= 7 && q.chars().all(|c| c.is_ascii_digit() || " -+".contains(c)) {
        PersonSearch::PhoneIndex(secrets::phone_index(&key, q))
    } else {
        PersonSearch::NameStartsWith(q.to_string())
    };
    let total = persons::count_search_in_scope(ctx.db, &scope, &search)?;
    let hits = persons::search_in_scope(ctx.db, &scope, &search, page.per_page, page.offset())?;
    let items: Vec<Json> = hits
        .into_iter()
        .filter(|hit| auth::covers(&tree, ctx.staff, &hit.placement))
        .map(|hit| {
            json!({
                "person_id": hit.id,
                "name_masked": mask_name(&hit.name),
                "id_number_masked": hit.id_masked,
                "phone_masked": hit.phone.map(|p| mask_phone(&p)),
                "residence": hit.residence,
                "community_id": hit.community_id,
                "insured_district": hit.insured_district,
                "management": hit.management,
                "benefit_types": hit.benefit_types,
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
    let helpers: std::collections::BTreeMap<String, Json> = zige_store::tables::certification_helpers::of_person(ctx.db, id)?
        .into_iter()
        .map(|h| (h.evidence_id, json!({ "relation": h.relation, "name_masked": mask_name(&h.name) })))
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
    let relations: Vec<Json> = zige_store::tables::relations::of_person(ctx.db, id)?
        .into_iter()
        .map(|r| json!({ "relative_id_number_masked": r.relative_masked, "relation": r.relation, "since": r.created_at }))
        .collect();
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
    let made = |channel: String, relation: Option<String>, name: Option<String>, recorded_by: Option<String>| {
        json!({
            "channel": channel,
            "relative": relation.map(|relation| json!({
                "relation": relation, "name_masked": name.map(|n| mask_name(&n)),
            })),
            "recorded_by": recorded_by,
        })
    };
    let objections: Vec<Json> = zige_store::tables::objections::list_for_dossier(ctx.db, id)?
        .into_iter()
        .map(|o| {
            let made = made(o.channel, o.made_by_relation, o.made_by_name, o.recorded_by);
            json!({ "kind": "objection", "id": o.id, "benefit_id": o.benefit_id, "on": o.lodged_on, "task_id": o.task_id, "made": made })
        })
        .collect();
    let visits: Vec<Json> = zige_store::tables::home_visits::list_for_dossier(ctx.db, id)?
        .into_iter()
        .map(|v| {
            let made = made(v.channel, v.made_by_relation, v.made_by_name, v.recorded_by);
            json!({ "kind": "home_visit", "id": v.id, "on": v.requested_on, "deadline": v.deadline, "status": v.status, "made": made })
        })
        .collect();
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
    let mut fields: Vec<(PersonField, Option<String>)> = Vec::new();
    if let Some(name) = &change.name {
        fields.push((PersonField::Name, Some(crate::roster::check_name(name).map_err(|e| Problem::invalid("name", e.clone(), e))?)));
    }
    if let Some(phone) = &change.phone {
        let phone = crate::roster::check_phone(phone).map_err(|e| Problem::invalid("phone", e.clone(), e))?;
        fields.push((PersonField::Phone, phone));
    }
    if let Some(address) = &change.address {
        if address.chars().count() > 200 {
            return Err(Problem::invalid("address", "地址最长200字", "address: at most 200 characters"));
        }
        fields.push((PersonField::Address, Some(address.trim().to_string()).filter(|a| !a.is_empty())));
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
        fields.push((PersonField::Residence, Some(kind.code().to_string())));
        fields.push((PersonField::CommunityId, community));
    }
    if let Some(groups) = &change.special_groups {
        let groups =
            crate::roster::check_special_groups(&groups.join(";")).map_err(|e| Problem::invalid("special_groups", e.clone(), e))?;
        fields.push((PersonField::SpecialGroups, Some(serde_json::to_string(&groups).map_err(anyhow::Error::from)?)));
    }
    if let Some(language) = &change.language {
        let language = zige_domain::language::Language::parse(language)
            .map_err(|e| Problem::invalid("language", "语言应为中文、维吾尔语或英语（zh、ug、en）", e.to_string()))?;
        fields.push((PersonField::Language, Some(language.code().to_string())));
    }
    let key = secrets::pii_key()?;
    let actor = ctx.staff.actor();
    ctx.db.transaction(|db| -> Result<(), Problem> {
        let now = zige_store::now_rfc3339();
        for (field, new) in &fields {
            let old = current[field.column()]
                .as_str()
                .map(String::from)
                .or_else(|| (*field == PersonField::SpecialGroups).then(|| current[field.column()].to_string()));
            if old.as_deref() == new.as_deref() {
                continue;
            }
            persons::set_field(db, id, *field, new.as_deref(), &now)?;
            if *field == PersonField::Phone {
                let index = new.as_deref().map(|p| secrets::phone_index(&key, p));
                persons::set_phone_index(db, id, index.as_deref())?;
            }
            record_history(db, "person", id, id, field.column(), old.as_deref(), new.as_deref(), &actor, &now)?;
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
    let own = persons::id_index_of(ctx.db, id)?;
    if own.as_deref() == Some(index.as_str()) {
        return Err(Problem::invalid("id_number", "不能登记本人为家属", "id_number: a relative, not the person"));
    }
    let actor = ctx.staff.actor();
    ctx.db.transaction(|db| -> Result<(), Problem> {
        let now = zige_store::now_rfc3339();
        zige_store::tables::relations::insert_if_new(db, id, &index, &relative.masked(), &body.relation, &now)?;
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
fn record_history(
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
    zige_store::tables::history::record(
        db,
        &zige_store::tables::history::NewHistoryLine { entity, entity_id, person_id, field, old, new, actor, at },
    )
}

/// The history of a person and their benefits, newest first.
pub fn history(ctx: &Ctx, req: &Request, id: &str) -> Result<Response, Problem> {
    let page = Page::from_query(req)?;
    let tree = auth::org_tree(ctx.db)?;
    visible_person(ctx, &tree, id)?;
    let items: Vec<Json> = zige_store::tables::history::page_for_person(ctx.db, id, page.per_page, page.offset())?
        .into_iter()
        .map(|h| {
            json!({
                "entity": h.entity, "entity_id": h.entity_id, "field": h.field,
                "old": h.old_value, "new": h.new_value, "actor": h.actor, "at": h.at,
            })
        })
        .collect();
    Ok(json_response(200, &json!({ "items": items, "page": page.page, "per_page": page.per_page })))
}
