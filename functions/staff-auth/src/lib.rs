//! Staff sessions: `POST /api/v1/staff/sessions` logs in (creating the city
//! administrator from the bootstrap variables while none exists),
//! `DELETE /api/v1/staff/sessions/current` logs out, `GET /api/v1/staff/me`
//! says who is logged in. Repeated failures from one address lock that
//! address out of that login name for a while (`login_guard`).

use serde::Deserialize;
use spin_sdk::http::{Request, Response};
use zige_http::auth::{self, Permission, Role, Staff};
use zige_http::problem::{Problem, json_response};
use zige_http::request;
use zige_http::web::{Route, any_staff, public};
use zige_store::audit::{self, Entry};
use zige_store::db::Db;
use zige_store::{login_guard, secrets};

/// A login is a few hundred bytes.
const LOGIN_BODY: usize = 4 << 10;

/// Staff sessions: log in, log out, who is logged in.
pub const ROUTES: &[Route] = &[
    Route::post("/api/v1/staff/sessions", public(|c| login(c.db()?, c.req))).body_limit(LOGIN_BODY),
    Route::delete("/api/v1/staff/sessions/current", any_staff(|c, s| logout(c.db()?, s, c.req))).body_limit(LOGIN_BODY),
    Route::get("/api/v1/staff/me", any_staff(|_, s| Ok(me(s)))).body_limit(LOGIN_BODY),
];

zige_http::serve_routes!(ROUTES);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Login {
    username: String,
    password: String,
}

fn wrong_credentials() -> Problem {
    Problem::new(401, "wrong_credentials", "用户名或密码错误", "Wrong username or password")
}

struct Account {
    id: String,
    username: String,
    /// `None` for a role this build does not know: such an account cannot log in.
    role: Option<Role>,
    org_id: String,
    password_hash: String,
    disabled: bool,
    /// Created for an agency and not yet confirmed by it.
    awaiting_confirmation: bool,
    session_generation: i64,
}

fn find(db: &Db, username: &str) -> anyhow::Result<Option<Account>> {
    Ok(zige_store::tables::staff::find_for_login(db, username)?.map(|a| Account {
        id: a.id,
        username: a.username,
        role: Role::parse(&a.role),
        org_id: a.org_id,
        password_hash: a.password_hash,
        disabled: a.disabled,
        awaiting_confirmation: a.awaiting_confirmation,
        session_generation: a.session_generation,
    }))
}

fn locked(seconds: i64) -> Problem {
    let minutes = (seconds + 59) / 60;
    Problem::new(
        423,
        "login_locked",
        format!("登录失败次数过多，已暂时锁定，请{minutes}分钟后再试"),
        format!("Too many failed logins; try again in {minutes} minutes"),
    )
}

/// While no city administrator exists, the bootstrap variables create one.
fn bootstrap(db: &Db, login: &Login) -> Result<Option<Account>, Problem> {
    let user = zige_store::settings::text("bootstrap_admin_user")?;
    let password = zige_store::settings::text("bootstrap_admin_password")?;
    if user.is_empty() || password.is_empty() || login.username != user || login.password != password {
        return Ok(None);
    }
    db.transaction(|db| -> Result<(), Problem> {
        if zige_store::tables::staff::count_city_admins(db)? > 0 {
            return Ok(());
        }
        let id = secrets::new_id("s")?;
        let bureau = zige_services::workflow::city_org(db, zige_domain::routing::OrgKind::HrssBureau)?;
        zige_store::tables::staff::insert(
            db,
            &zige_store::tables::staff::NewStaff {
                id: &id,
                username: &user,
                password_hash: &secrets::hash_password(&password)?,
                role: Role::CityAdmin.code(),
                org_id: &bureau,
                display_name: "系统管理员",
                created_at: &zige_store::now_rfc3339(),
                awaiting_confirmation: false,
            },
        )?;
        let entry =
            Entry { actor: "system:bootstrap", role: "system", action: "staff.bootstrap_admin", object: &id, payload: id.as_bytes() };
        audit::append(db, &entry)?;
        Ok(())
    })?;
    Ok(find(db, &login.username)?)
}

fn login(db: &Db, req: &Request) -> Result<Response, Problem> {
    let login: Login = request::json_body(req)?;
    let client = request::client_address(req);
    let now = zige_store::unix_now();
    // Counted before the password is checked, so parallel guesses cannot
    // slip past the count; known and unknown names alike.
    if let Err(seconds) = db.transaction(|db| login_guard::attempt(db, &login.username, &client, now))? {
        return Err(locked(seconds));
    }
    let account = match find(db, &login.username)? {
        Some(account) => account,
        None => match bootstrap(db, &login)? {
            Some(account) => account,
            None => {
                // Spend the same effort as a real check, so timing does not
                // reveal which usernames exist.
                let _ = secrets::verify_password(&login.password, DUMMY_HASH);
                return Err(wrong_credentials());
            }
        },
    };
    let actor = format!("staff:{}", account.id);
    let role_code = account.role.map_or("unknown", Role::code);
    if account.disabled || !secrets::verify_password(&login.password, &account.password_hash) {
        db.transaction(|db| {
            audit::append(db, &Entry { actor: &actor, role: role_code, action: "staff.login_failed", object: &account.id, payload: b"" })
        })?;
        return Err(wrong_credentials());
    }
    // Said only to whoever knows the password.
    if account.awaiting_confirmation {
        return Err(Problem::new(
            403,
            "awaiting_confirmation",
            "此账号尚待本机构确认后才能登录",
            "This account takes effect once an officer of its agency confirms it",
        ));
    }
    let Some(role) = account.role else {
        eprintln!("staff-auth: account {} has a role this build does not know; login refused", account.id);
        return Err(Problem::new(
            403,
            "unknown_role",
            "此账号的角色无效，请联系系统管理员",
            "This account's role is not valid; ask the system administrator",
        ));
    };
    let staff =
        Staff { id: account.id, username: account.username, role, org_id: account.org_id, session_generation: account.session_generation };
    let (token, expires_at) = db.transaction(|db| -> anyhow::Result<(String, i64)> {
        login_guard::succeeded(db, &login.username, &client)?;
        audit::append(
            db,
            &Entry { actor: &staff.actor(), role: staff.role.code(), action: "staff.login", object: &staff.id, payload: b"" },
        )?;
        auth::create_session(&staff)
    })?;
    Ok(json_response(
        201,
        &serde_json::json!({
            "token": token,
            "expires_at": zige_store::rfc3339_from_unix(expires_at),
            "role": staff.role.code(),
            "org": staff.org_id,
            "username": staff.username,
        }),
    ))
}

fn logout(db: &Db, staff: &Staff, req: &Request) -> Result<Response, Problem> {
    let token = request::bearer(req).ok_or_else(Problem::unauthenticated)?;
    db.transaction(|db| -> anyhow::Result<()> {
        audit::append(
            db,
            &Entry { actor: &staff.actor(), role: staff.role.code(), action: "staff.logout", object: &staff.id, payload: b"" },
        )?;
        auth::end_session(&token)
    })?;
    Ok(Response::builder().status(204).build())
}

fn me(staff: &Staff) -> Response {
    json_response(
        200,
        &serde_json::json!({ "id": staff.id, "username": staff.username, "role": staff.role.code(), "org": staff.org_id,
            "permissions": Permission::ALL.iter().filter(|p| auth::allows(staff.role, **p)).collect::<Vec<_>>() }),
    )
}

/// An argon2id hash of a random string, checked against when the username
/// is unknown.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$W7yWCmQGVjd5O6kGRFUZ8qQW5yqzj9d1i2b3h6bKv2c";
