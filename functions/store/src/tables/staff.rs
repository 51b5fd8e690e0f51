//! Typed queries on `staff`.

use crate::db::{Db, int, text};
use anyhow::Result;

/// Whether an account may still use its sessions: disabled or not, and the
/// session generation (bumped by a password change, disabling or unlock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionStanding {
    pub disabled: bool,
    pub session_generation: i64,
}

/// The standing of the account `staff_id`, if it exists.
pub fn session_standing(db: &Db, staff_id: &str) -> Result<Option<SessionStanding>> {
    db.try_one("SELECT disabled, session_generation FROM staff WHERE id = ?", &[text(staff_id)], |r| {
        Ok(SessionStanding { disabled: r.int("disabled") != 0, session_generation: r.int("session_generation") })
    })
}

/// An account as a login checks it.
#[derive(Debug, Clone)]
pub struct LoginAccount {
    pub id: String,
    pub username: String,
    pub password_hash: String,
    /// The role's code (the edge parses it; an unknown role cannot log in).
    pub role: String,
    pub org_id: String,
    pub disabled: bool,
    /// Created for an agency and not yet confirmed by it.
    pub awaiting_confirmation: bool,
    pub session_generation: i64,
}

/// The account with the login name `username`.
pub fn find_for_login(db: &Db, username: &str) -> Result<Option<LoginAccount>> {
    db.try_one(
        "SELECT id, username, password_hash, role, org_id, disabled, awaiting_confirmation, session_generation FROM staff WHERE username = ?",
        &[text(username)],
        |r| {
            Ok(LoginAccount {
                id: r.text("id"),
                username: r.text("username"),
                password_hash: r.text("password_hash"),
                role: r.text("role"),
                org_id: r.text("org_id"),
                disabled: r.int("disabled") != 0,
                awaiting_confirmation: r.int("awaiting_confirmation") != 0,
                session_generation: r.int("session_generation"),
            })
        },
    )
}

/// How many city administrator accounts exist (disabled ones included).
pub fn count_city_admins(db: &Db) -> Result<i64> {
    Ok(db.try_one("SELECT COUNT(*) AS n FROM staff WHERE role = 'city_admin'", &[], |r| Ok(r.int("n")))?.unwrap_or(0))
}

/// A new staff account.
pub struct NewStaff<'a> {
    pub id: &'a str,
    pub username: &'a str,
    pub password_hash: &'a str,
    /// The role's code.
    pub role: &'a str,
    pub org_id: &'a str,
    pub display_name: &'a str,
    pub created_at: &'a str,
    /// Whether it takes effect only once an officer of its agency confirms it.
    pub awaiting_confirmation: bool,
}

/// Creates a staff account.
pub fn insert(db: &Db, s: &NewStaff<'_>) -> Result<()> {
    use crate::db::{int, text};
    db.exec(
        "INSERT INTO staff (id, username, password_hash, role, org_id, display_name, created_at, awaiting_confirmation) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(s.id),
            text(s.username),
            text(s.password_hash),
            text(s.role),
            text(s.org_id),
            text(s.display_name),
            text(s.created_at),
            int(i64::from(s.awaiting_confirmation)),
        ],
    )
}

/// A staff account as the administrators' list shows it.
#[derive(Debug, Clone)]
pub struct StaffListing {
    pub id: String,
    pub username: String,
    /// The role's code.
    pub role: String,
    pub org_id: String,
    pub display_name: String,
    pub disabled: bool,
    pub awaiting_confirmation: bool,
}

/// Every staff account, by login name.
pub fn list_by_username(db: &Db) -> Result<Vec<StaffListing>> {
    db.try_all("SELECT id, username, role, org_id, display_name, disabled, awaiting_confirmation FROM staff ORDER BY username", &[], |r| {
        Ok(StaffListing {
            id: r.text("id"),
            username: r.text("username"),
            role: r.text("role"),
            org_id: r.text("org_id"),
            display_name: r.text("display_name"),
            disabled: r.int("disabled") != 0,
            awaiting_confirmation: r.int("awaiting_confirmation") != 0,
        })
    })
}

/// Whether an account has the login name `username`.
pub fn username_taken(db: &Db, username: &str) -> Result<bool> {
    Ok(db.try_one("SELECT 1 AS x FROM staff WHERE username = ?", &[text(username)], |_| Ok(()))?.is_some())
}

/// Whether the account `staff_id` exists.
pub fn exists(db: &Db, staff_id: &str) -> Result<bool> {
    Ok(db.try_one("SELECT 1 AS x FROM staff WHERE id = ?", &[text(staff_id)], |_| Ok(()))?.is_some())
}

/// How many enabled, confirmed accounts of `role` (a code) `org_id` has:
/// an agency's officers who could confirm a new one.
pub fn count_confirmed_officers(db: &Db, role: &str, org_id: &str) -> Result<i64> {
    Ok(db
        .try_one(
            "SELECT COUNT(*) AS n FROM staff WHERE role = ? AND org_id = ? AND disabled = 0 AND awaiting_confirmation = 0",
            &[text(role), text(org_id)],
            |r| Ok(r.int("n")),
        )?
        .unwrap_or(0))
}

/// A new account waiting for its agency's confirmation.
#[derive(Debug, Clone)]
pub struct AwaitingAccount {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub created_at: String,
}

/// The enabled accounts of `role` (a code) in `org_id` awaiting
/// confirmation, oldest first.
pub fn awaiting_confirmation_in(db: &Db, role: &str, org_id: &str) -> Result<Vec<AwaitingAccount>> {
    db.try_all(
        "SELECT id, username, display_name, created_at FROM staff WHERE awaiting_confirmation = 1 AND disabled = 0 AND role = ? AND org_id = ? ORDER BY created_at",
        &[text(role), text(org_id)],
        |r| {
            Ok(AwaitingAccount {
                id: r.text("id"),
                username: r.text("username"),
                display_name: r.text("display_name"),
                created_at: r.text("created_at"),
            })
        },
    )
}

/// What confirming an account checks: its role (a code), organisation,
/// and whether it still awaits confirmation.
#[derive(Debug, Clone)]
pub struct ConfirmationState {
    pub role: String,
    pub org_id: String,
    pub awaiting_confirmation: bool,
}

/// The confirmation state of the account `staff_id`, if it exists.
pub fn confirmation_state(db: &Db, staff_id: &str) -> Result<Option<ConfirmationState>> {
    db.try_one("SELECT role, org_id, awaiting_confirmation FROM staff WHERE id = ?", &[text(staff_id)], |r| {
        Ok(ConfirmationState { role: r.text("role"), org_id: r.text("org_id"), awaiting_confirmation: r.int("awaiting_confirmation") != 0 })
    })
}

/// Marks the account `staff_id` confirmed by `confirmed_by`.
pub fn confirm(db: &Db, staff_id: &str, confirmed_by: &str) -> Result<()> {
    db.exec("UPDATE staff SET awaiting_confirmation = 0, confirmed_by = ? WHERE id = ?", &[text(confirmed_by), text(staff_id)])
}

/// Disables or enables the account `staff_id`.
pub fn set_disabled(db: &Db, staff_id: &str, disabled: bool) -> Result<()> {
    db.exec("UPDATE staff SET disabled = ? WHERE id = ?", &[int(i64::from(disabled)), text(staff_id)])
}

/// Sets the password hash of the account `staff_id`.
pub fn set_password_hash(db: &Db, staff_id: &str, password_hash: &str) -> Result<()> {
    db.exec("UPDATE staff SET password_hash = ? WHERE id = ?", &[text(password_hash), text(staff_id)])
}

/// Ends every open session of the account `staff_id` (a new generation).
pub fn end_sessions(db: &Db, staff_id: &str) -> Result<()> {
    db.exec("UPDATE staff SET session_generation = session_generation + 1 WHERE id = ?", &[text(staff_id)])
}
