//! Staff accounts: created and disabled by city administrators; each has a
//! role and an organisation whose subtree is its scope (R2.3). An account
//! with an agency's own powers takes effect when an officer of that agency
//! confirms it, unless it is the agency's first (`Role::confirmed_by_agency`).

use crate::Ctx;
use serde::Deserialize;
use spin_sdk::http::{Request, Response};
use zige_http::auth::{self, Role};
use zige_http::problem::{Problem, json_response};
use zige_http::request;
use zige_store::audit::{self, Entry};
use zige_store::secrets;

/// The shortest password accepted.
const MIN_PASSWORD: usize = 10;

/// Lists every staff account.
pub fn list(ctx: &Ctx) -> Result<Response, Problem> {
    let rows: Vec<serde_json::Value> = zige_store::tables::staff::list_by_username(ctx.db)?
        .into_iter()
        .map(|a| {
            serde_json::json!({
                "id": a.id, "username": a.username, "role": a.role, "org": a.org_id,
                "display_name": a.display_name, "disabled": a.disabled,
                "awaiting_confirmation": a.awaiting_confirmation,
            })
        })
        .collect();
    // Locked from some address: failures are counted per login name and address.
    let names: Vec<String> = rows.iter().filter_map(|r| r["username"].as_str().map(String::from)).collect();
    let locked = zige_store::login_guard::locked(ctx.db, &names, zige_store::unix_now())?;
    let items: Vec<serde_json::Value> = rows
        .into_iter()
        .map(|mut r| {
            r["locked"] = serde_json::json!(r["username"].as_str().is_some_and(|n| locked.contains(n)));
            r
        })
        .collect();
    Ok(json_response(200, &serde_json::json!({ "items": items })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewAccount {
    username: String,
    password: String,
    role: String,
    org_id: String,
    display_name: String,
}

fn check_password(password: &str) -> Result<(), Problem> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(Problem::invalid(
            "password",
            format!("密码至少{MIN_PASSWORD}位"),
            format!("passwords have at least {MIN_PASSWORD} characters"),
        ));
    }
    Ok(())
}

/// Creates an account whose role fits its organisation.
pub fn create(ctx: &Ctx, req: &Request) -> Result<Response, Problem> {
    let new: NewAccount = request::json_body(req)?;
    let username = new.username.trim();
    if !(3..=40).contains(&username.len()) || !username.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
        return Err(Problem::invalid("username", "用户名为3到40位字母、数字或._-", "username: 3 to 40 letters, digits or ._-"));
    }
    check_password(&new.password)?;
    let role = Role::parse(&new.role).ok_or_else(|| Problem::invalid("role", "未知的角色", "unknown role"))?;
    let tree = auth::org_tree(ctx.db)?;
    let org = tree.get(&new.org_id).map_err(|_| Problem::invalid("org_id", "机构不存在", "no such organisation"))?;
    if !role.fits(org.kind) {
        return Err(Problem::invalid("role", "该角色与所属机构类型不符", "the role does not fit the organisation's kind"));
    }
    let display_name = new.display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > 50 {
        return Err(Problem::invalid("display_name", "姓名不能为空，最长50字", "display_name: 1 to 50 characters"));
    }
    let id = zige_store::secrets::new_id("s")?;
    let hash = secrets::hash_password(&new.password)?;
    let awaiting = ctx.db.transaction(|db| -> Result<bool, Problem> {
        if zige_store::tables::staff::username_taken(db, username)? {
            return Err(Problem::new(409, "conflict", "用户名已存在", "The username is taken").with_field("username"));
        }
        // The agency's first officer takes effect at once: nobody there
        // could confirm them.
        let officers = zige_store::tables::staff::count_confirmed_officers(db, role.code(), &new.org_id)?;
        let awaiting = role.confirmed_by_agency() && officers > 0;
        zige_store::tables::staff::insert(
            db,
            &zige_store::tables::staff::NewStaff {
                id: &id,
                username,
                password_hash: &hash,
                role: role.code(),
                org_id: &new.org_id,
                display_name,
                created_at: &zige_store::now_rfc3339(),
                awaiting_confirmation: awaiting,
            },
        )?;
        audit::append(
            db,
            &Entry { actor: &ctx.staff.actor(), role: ctx.staff.role.code(), action: "staff.create", object: &id, payload: id.as_bytes() },
        )?;
        Ok(awaiting)
    })?;
    Ok(json_response(
        201,
        &serde_json::json!({ "id": id, "username": username, "role": role.code(), "org": new.org_id, "awaiting_confirmation": awaiting }),
    ))
}

/// `GET /api/v1/staff/confirmations`: the new accounts of the caller's
/// agency and role that wait for the caller's confirmation.
pub fn awaiting(ctx: &Ctx) -> Result<Response, Problem> {
    let items = if ctx.staff.role.confirmed_by_agency() {
        zige_store::tables::staff::awaiting_confirmation_in(ctx.db, ctx.staff.role.code(), &ctx.staff.org_id)?
            .into_iter()
            .map(|a| {
                serde_json::json!({
                    "id": a.id, "username": a.username, "display_name": a.display_name, "created_at": a.created_at,
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(json_response(200, &serde_json::json!({ "items": items })))
}

/// `POST /api/v1/staff/{id}/confirmation`: an officer of the agency confirms
/// a new account of their own role and agency, which may then log in.
pub fn confirm(ctx: &Ctx, id: &str) -> Result<Response, Problem> {
    ctx.db.transaction(|db| -> Result<(), Problem> {
        let account = zige_store::tables::staff::confirmation_state(db, id)?.ok_or_else(|| Problem::not_found("该账号", "account"))?;
        let (role, org_id, awaiting) = (account.role, account.org_id, account.awaiting_confirmation);
        let role = Role::parse(&role).ok_or_else(Problem::forbidden)?;
        if !ctx.staff.may_confirm(role, &org_id) {
            return Err(Problem::forbidden());
        }
        if !awaiting {
            return Err(Problem::new(409, "conflict", "此账号无需确认", "This account is not awaiting confirmation"));
        }
        zige_store::tables::staff::confirm(db, id, &ctx.staff.id)?;
        audit::append(
            db,
            &Entry { actor: &ctx.staff.actor(), role: ctx.staff.role.code(), action: "staff.confirm", object: id, payload: id.as_bytes() },
        )?;
        Ok(())
    })?;
    Ok(json_response(200, &serde_json::json!({ "id": id, "awaiting_confirmation": false })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountChange {
    #[serde(default)]
    disabled: Option<bool>,
    #[serde(default)]
    unlock: bool,
    #[serde(default)]
    password: Option<String>,
}

/// Disables or enables an account, lifts a lock, or sets a new password.
pub fn update(ctx: &Ctx, req: &Request, id: &str) -> Result<Response, Problem> {
    let change: AccountChange = request::json_body(req)?;
    if let Some(p) = &change.password {
        check_password(p)?;
    }
    let hash = change.password.as_deref().map(secrets::hash_password).transpose()?;
    ctx.db.transaction(|db| -> Result<(), Problem> {
        if !zige_store::tables::staff::exists(db, id)? {
            return Err(Problem::not_found("该账号", "account"));
        }
        if id == ctx.staff.id && change.disabled == Some(true) {
            return Err(Problem::invalid("disabled", "不能停用自己的账号", "you cannot disable your own account"));
        }
        if let Some(disabled) = change.disabled {
            zige_store::tables::staff::set_disabled(db, id, disabled)?;
        }
        if change.unlock {
            zige_store::login_guard::unlock(db, id)?;
        }
        if let Some(hash) = &hash {
            zige_store::tables::staff::set_password_hash(db, id, hash)?;
        }
        // Any of these changes ends the account's open sessions.
        if change.disabled.is_some() || change.unlock || hash.is_some() {
            zige_store::tables::staff::end_sessions(db, id)?;
        }
        // What changed, never the password itself.
        let changed = format!("disabled={:?} unlock={} password_changed={}", change.disabled, change.unlock, hash.is_some());
        audit::append(
            db,
            &Entry {
                actor: &ctx.staff.actor(),
                role: ctx.staff.role.code(),
                action: "staff.update",
                object: id,
                payload: changed.as_bytes(),
            },
        )?;
        Ok(())
    })?;
    Ok(json_response(200, &serde_json::json!({ "id": id })))
}
