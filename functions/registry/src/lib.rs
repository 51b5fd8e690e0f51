//! The registry (R2.1, R3.1): organisations, staff accounts, recipients and
//! their benefits, the roster import, search and the dossier, and the
//! working-day calendar and the cycle policies. Every route needs a staff session; what each role
//! may do is decided by `zige_http::auth` alone.

mod accounts;
mod calendar;
mod orgs;
mod persons;
mod policies;
mod roster;

use zige_http::Problem;
use zige_http::auth::Permission::{EditPersons, ImportRoster, ManageOrgs, ManageStaff, ReadPersons};
use zige_http::auth::Staff;
use zige_http::web::{Call, Route, any_staff, staff};
use zige_store::db::Db;

/// What every handler gets: the database and the logged-in staff member.
pub(crate) struct Ctx<'a> {
    pub db: &'a Db,
    pub staff: &'a Staff,
}

fn ctx<'a>(call: &'a Call, staff: &'a Staff) -> Result<Ctx<'a>, Problem> {
    Ok(Ctx { db: call.db()?, staff })
}

/// The registry's routes; the roster file is its one large body.
pub const ROUTES: &[Route] = &[
    Route::get("/api/v1/orgs", staff(ReadPersons, |c, s| orgs::list(&ctx(c, s)?))),
    Route::post("/api/v1/orgs", staff(ManageOrgs, |c, s| orgs::create(&ctx(c, s)?, c.req))),
    Route::get("/api/v1/staff", staff(ManageStaff, |c, s| accounts::list(&ctx(c, s)?))),
    Route::post("/api/v1/staff", staff(ManageStaff, |c, s| accounts::create(&ctx(c, s)?, c.req))),
    Route::get("/api/v1/staff/confirmations", any_staff(|c, s| accounts::awaiting(&ctx(c, s)?))),
    Route::patch("/api/v1/staff/:id", staff(ManageStaff, |c, s| accounts::update(&ctx(c, s)?, c.req, c.param("id")))),
    Route::post("/api/v1/staff/:id/confirmation", any_staff(|c, s| accounts::confirm(&ctx(c, s)?, c.param("id")))),
    Route::get("/api/v1/persons", staff(ReadPersons, |c, s| persons::search(&ctx(c, s)?, c.req))),
    Route::get("/api/v1/persons/:id", staff(ReadPersons, |c, s| persons::dossier(&ctx(c, s)?, c.param("id")))),
    Route::patch("/api/v1/persons/:id", staff(EditPersons, |c, s| persons::update(&ctx(c, s)?, c.req, c.param("id")))),
    Route::get("/api/v1/persons/:id/history", staff(ReadPersons, |c, s| persons::history(&ctx(c, s)?, c.req, c.param("id")))),
    Route::post("/api/v1/persons/:id/relatives", staff(EditPersons, |c, s| persons::add_relative(&ctx(c, s)?, c.req, c.param("id")))),
    Route::get("/api/v1/roster/columns", staff(ImportRoster, |_, _| roster::columns())),
    Route::post("/api/v1/roster/imports", staff(ImportRoster, |c, s| roster::import(&ctx(c, s)?, c.req))).body_limit(roster::MAX_BODY),
    Route::get("/api/v1/roster/imports/:id", staff(ImportRoster, |c, s| roster::get(&ctx(c, s)?, c.param("id")))),
    Route::get("/api/v1/calendar", staff(ReadPersons, |c, s| calendar::list(&ctx(c, s)?))),
    Route::put("/api/v1/calendar/:year", staff(ManageOrgs, |c, s| calendar::put_year(&ctx(c, s)?, c.req, c.param("year")))),
    Route::get("/api/v1/policies", staff(ReadPersons, |c, s| policies::list(&ctx(c, s)?, c.req))),
    Route::post("/api/v1/policies", staff(ManageOrgs, |c, s| policies::create(&ctx(c, s)?, c.req))),
    Route::post("/api/v1/policies/preview", staff(ManageOrgs, |c, s| policies::preview(&ctx(c, s)?, c.req))),
];

zige_http::serve_routes!(ROUTES);
