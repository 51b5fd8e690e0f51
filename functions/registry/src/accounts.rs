//! Staff accounts: created and disabled by city administrators; each has a
//! role and an organisation whose subtree is its scope (R2.3).

use crate::Ctx;
use serde::Deserialize;
use spin_sdk::http::{Request, Response};
use zige_platform::audit::{self, Entry};
use zige_platform::auth::{self, Permission, Role};
use zige_platform::db::{int, text};
use zige_platform::problem::{Problem, json_response};
use zige_platform::{request, secrets};

/// The shortest password accepted.
const MIN_PASSWORD: usize = 10;

/// Lists every staff account.
pub fn list(ctx: &Ctx) -> Result<Response, Problem> {
    ctx.staff.require(Permission::ManageStaff)?;
    let rows = ctx.db.all("SELECT id, username, role, org_id, display_name, disabled FROM staff ORDER BY username", &[], |r| {
        serde_json::json!({
            "id": r.text("id"), "username": r.text("username"), "role": r.text("role"), "org": r.text("org_id"),
            "display_name": r.text("display_name"), "disabled": r.int("disabled") != 0,
        })
    })?;
    // Locked from some address: failures are counted per login name and address.
    let names: Vec<String> = rows.iter().filter_map(|r| r["username"].as_str().map(String::from)).collect();
    let locked = zige_platform::login_guard::locked(&ctx.db, &names, zige_platform::unix_now())?;
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
    ctx.staff.require(Permission::ManageStaff)?;
    let new: NewAccount = request::json_body(req)?;
    let username = new.username.trim();
    if !(3..=40).contains(&username.len()) || !username.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
        return Err(Problem::invalid("username", "用户名为3到40位字母、数字或._-", "username: 3 to 40 letters, digits or ._-"));
    }
    check_password(&new.password)?;
    let role = Role::parse(&new.role).ok_or_else(|| Problem::invalid("role", "未知的角色", "unknown role"))?;
    let tree = auth::org_tree(&ctx.db)?;
    let org = tree.get(&new.org_id).map_err(|_| Problem::invalid("org_id", "机构不存在", "no such organisation"))?;
    if !role.fits(org.kind) {
        return Err(Problem::invalid("role", "该角色与所属机构类型不符", "the role does not fit the organisation's kind"));
    }
    let display_name = new.display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > 50 {
        return Err(Problem::invalid("display_name", "姓名不能为空，最长50字", "display_name: 1 to 50 characters"));
    }
    let id = zige_platform::secrets::new_id("s")?;
    let hash = secrets::hash_password(&new.password)?;
    ctx.db.transaction(|db| -> Result<(), Problem> {
        if db.one("SELECT 1 AS x FROM staff WHERE username = ?", &[text(username)], |_| ())?.is_some() {
            return Err(Problem::new(409, "conflict", "用户名已存在", "The username is taken").with_field("username"));
        }
        db.exec(
            "INSERT INTO staff (id, username, password_hash, role, org_id, display_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            &[
                text(id.as_str()),
                text(username),
                text(hash),
                text(role.code()),
                text(new.org_id.as_str()),
                text(display_name),
                text(zige_platform::now_rfc3339()),
            ],
        )?;
        audit::append(
            db,
            &Entry { actor: &ctx.staff.actor(), role: ctx.staff.role.code(), action: "staff.create", object: &id, payload: id.as_bytes() },
        )?;
        Ok(())
    })?;
    Ok(json_response(201, &serde_json::json!({ "id": id, "username": username, "role": role.code(), "org": new.org_id })))
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
    ctx.staff.require(Permission::ManageStaff)?;
    let change: AccountChange = request::json_body(req)?;
    if let Some(p) = &change.password {
        check_password(p)?;
    }
    let hash = change.password.as_deref().map(secrets::hash_password).transpose()?;
    ctx.db.transaction(|db| -> Result<(), Problem> {
        if db.one("SELECT 1 AS x FROM staff WHERE id = ?", &[text(id)], |_| ())?.is_none() {
            return Err(Problem::not_found("该账号", "account"));
        }
        if id == ctx.staff.id && change.disabled == Some(true) {
            return Err(Problem::invalid("disabled", "不能停用自己的账号", "you cannot disable your own account"));
        }
        if let Some(disabled) = change.disabled {
            db.exec("UPDATE staff SET disabled = ? WHERE id = ?", &[int(i64::from(disabled)), text(id)])?;
        }
        if change.unlock {
            zige_platform::login_guard::unlock(db, id)?;
        }
        if let Some(hash) = &hash {
            db.exec("UPDATE staff SET password_hash = ? WHERE id = ?", &[text(hash.as_str()), text(id)])?;
        }
        // Any of these changes ends the account's open sessions.
        if change.disabled.is_some() || change.unlock || hash.is_some() {
            db.exec("UPDATE staff SET session_generation = session_generation + 1 WHERE id = ?", &[text(id)])?;
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
