//! The registry (R2.1, R3.1): organisations, staff accounts, recipients and
//! their benefits, the roster import, search and the dossier, and the
//! working-day calendar and the cycle policies. Every route needs a staff session; what each role
//! may do is decided by `zige_platform::auth` alone.

mod accounts;
mod calendar;
mod orgs;
mod persons;
mod policies;
mod roster;

use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;
use zige_platform::Problem;
use zige_platform::auth::{self, Staff};
use zige_platform::db::Db;
use zige_platform::request::{self, BodyLimits, Bounded};

/// What every handler gets: the database and the logged-in staff member.
pub(crate) struct Ctx {
    pub db: Db,
    pub staff: Staff,
}

/// The roster file is the registry's one large body.
struct Bodies;

impl BodyLimits for Bodies {
    fn body_limit(_: &Method, path: &str) -> usize {
        if path == "/api/v1/roster/imports" { roster::MAX_BODY } else { request::MAX_JSON_BODY }
    }
}

#[http_component]
fn handle(req: Bounded<Bodies>) -> Response {
    route(&req).unwrap_or_else(Problem::into_response)
}

fn route(req: &Request) -> Result<Response, Problem> {
    let path = req.path().trim_end_matches('/');
    let segments: Vec<&str> = path.strip_prefix("/api/v1/").unwrap_or("").split('/').collect();
    let method = req.method();
    let known = matches!(
        segments.as_slice(),
        ["orgs"]
            | ["staff"]
            | ["staff", _]
            | ["staff", _, "confirmation"]
            | ["persons"]
            | ["persons", _]
            | ["persons", _, "history" | "relatives"]
            | ["roster", "columns"]
            | ["roster", "imports"]
            | ["roster", "imports", _]
            | ["calendar"]
            | ["calendar", _]
            | ["policies"]
            | ["policies", "preview"]
    );
    if !known {
        return Err(Problem::not_found("该地址", "resource"));
    }
    let db = Db::open()?;
    let staff = auth::staff(req, &db)?;
    let ctx = Ctx { db, staff };
    match (method, segments.as_slice()) {
        (Method::Get, ["orgs"]) => orgs::list(&ctx),
        (Method::Post, ["orgs"]) => orgs::create(&ctx, req),
        (Method::Get, ["staff"]) => accounts::list(&ctx),
        (Method::Post, ["staff"]) => accounts::create(&ctx, req),
        (Method::Get, ["staff", "confirmations"]) => accounts::awaiting(&ctx),
        (Method::Patch, ["staff", id]) => accounts::update(&ctx, req, id),
        (Method::Post, ["staff", id, "confirmation"]) => accounts::confirm(&ctx, id),
        (Method::Get, ["persons"]) => persons::search(&ctx, req),
        (Method::Get, ["persons", id]) => persons::dossier(&ctx, id),
        (Method::Patch, ["persons", id]) => persons::update(&ctx, req, id),
        (Method::Get, ["persons", id, "history"]) => persons::history(&ctx, req, id),
        (Method::Post, ["persons", id, "relatives"]) => persons::add_relative(&ctx, req, id),
        (Method::Get, ["roster", "columns"]) => roster::columns(&ctx),
        (Method::Post, ["roster", "imports"]) => roster::import(&ctx, req),
        (Method::Get, ["roster", "imports", id]) => roster::get(&ctx, id),
        (Method::Get, ["calendar"]) => calendar::list(&ctx),
        (Method::Put, ["calendar", year]) => calendar::put_year(&ctx, req, year),
        (Method::Get, ["policies"]) => policies::list(&ctx, req),
        (Method::Post, ["policies"]) => policies::create(&ctx, req),
        (Method::Post, ["policies", "preview"]) => policies::preview(&ctx, req),
        _ => Err(Problem::method_not_allowed()),
    }
}
