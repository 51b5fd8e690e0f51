//! Organisations (R2.1): the tree every scope and routing rule stands on.

use crate::Ctx;
use serde::Deserialize;
use spin_sdk::http::{Request, Response};
use zige_domain::routing::OrgKind;
use zige_http::auth::{self};
use zige_http::problem::{Problem, json_response};
use zige_http::request;
use zige_store::audit::{self, Entry};

/// Lists the organisations within the caller's scope.
pub fn list(ctx: &Ctx) -> Result<Response, Problem> {
    let tree = auth::org_tree(ctx.db)?;
    let orgs: Vec<_> = zige_store::tables::orgs::list_by_id(ctx.db)?
        .into_iter()
        .map(|o| {
            serde_json::json!({
                "id": o.id, "parent_id": o.parent_id, "kind": o.kind.code(),
                "name": o.name, "division_code": o.division_code,
            })
        })
        .collect();
    let city_wide = tree.get(&ctx.staff.org_id).is_ok_and(|o| o.kind.is_city_level());
    let visible: Vec<_> =
        orgs.into_iter().filter(|o| city_wide || o["id"].as_str().is_some_and(|id| tree.is_within(id, &ctx.staff.org_id))).collect();
    Ok(json_response(200, &serde_json::json!({ "items": visible })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewOrg {
    id: String,
    parent_id: String,
    kind: OrgKind,
    name: String,
    #[serde(default)]
    division_code: Option<String>,
}

/// Creates an organisation under an existing parent (city administrators).
pub fn create(ctx: &Ctx, req: &Request) -> Result<Response, Problem> {
    let new: NewOrg = request::json_body(req)?;
    if new.id.is_empty() || new.id.len() > 40 || !new.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(Problem::invalid("id", "机构代码只能包含字母、数字、-和_，最长40位", "id: letters, digits, - and _, at most 40"));
    }
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Problem::invalid("name", "机构名称不能为空，最长100字", "name: 1 to 100 characters"));
    }
    let tree = auth::org_tree(ctx.db)?;
    let parent =
        tree.get(&new.parent_id).map_err(|_| Problem::invalid("parent_id", "上级机构不存在", "parent_id: no such organisation"))?;
    if !new.kind.may_sit_under(parent.kind) {
        return Err(Problem::invalid(
            "parent_id",
            "该类机构不能设在此上级机构下",
            "this kind of organisation cannot sit under that parent",
        ));
    }
    let code = match (new.kind, new.division_code.as_deref()) {
        (OrgKind::District, Some(code)) if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) => Some(code),
        (OrgKind::District, _) => {
            return Err(Problem::invalid("division_code", "区（县）须有6位行政区划代码", "districts need a 6-digit division code"));
        }
        (_, None) => None,
        (_, Some(_)) => {
            return Err(Problem::invalid("division_code", "只有区（县）有行政区划代码", "only districts have a division code"));
        }
    };
    let payload = req.body();
    ctx.db.transaction(|db| -> Result<(), Problem> {
        if zige_store::tables::orgs::id_or_division_code_taken(db, &new.id, code)? {
            return Err(Problem::new(409, "conflict", "机构代码或区划代码已存在", "An organisation with this id or division code exists"));
        }
        zige_store::tables::orgs::insert(
            db,
            &zige_store::tables::orgs::NewOrg {
                id: &new.id,
                parent_id: &new.parent_id,
                kind: new.kind,
                name,
                division_code: code,
                created_at: &zige_store::now_rfc3339(),
            },
        )?;
        audit::append(
            db,
            &Entry { actor: &ctx.staff.actor(), role: ctx.staff.role.code(), action: "org.create", object: &new.id, payload },
        )?;
        Ok(())
    })?;
    Ok(json_response(201, &serde_json::json!({ "id": new.id })))
}
