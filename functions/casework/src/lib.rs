//! Staff case work (R6, R7.1, R7.2), one module per part: the task queues
//! (`tasks`), field outcomes (`outcomes`), the city's review of districts'
//! outcomes (`reviews`), home visits (`home_visits`), the city's decisions
//! on a benefit's end and on false death reports (`decisions`), the front
//! desk (`front_desk`) and sign-in and survey sheets (`sheets`). This file
//! holds the routes. Each change goes through the domain and writes its
//! payroll instruction and audit record in the same transaction.

mod decisions;
mod front_desk;
mod home_visits;
mod outcomes;
mod reviews;
mod sheets;
mod tasks;

use zige_domain::routing::OrgTree;
use zige_http::attachments::{Attachment, Upload};
use zige_http::auth::Permission::{DispatchVerification, ReviewOutcomes, TerminateBenefits, WorkTasks};
use zige_http::auth::Staff;
use zige_http::problem::Problem;
use zige_http::web::{Route, staff};

/// Casework's routes. Outcomes, reviews, the front desk's records and the
/// files of decisions carry photos and scans; sign-in and survey sheets are
/// text files.
pub const ROUTES: &[Route] = &[
    Route::get("/api/v1/tasks", staff(WorkTasks, |c, s| tasks::tasks(c.db()?, s, c.req))),
    Route::post("/api/v1/tasks/dispatch", staff(DispatchVerification, |c, s| tasks::dispatch(c.db()?, s, c.req))),
    Route::post("/api/v1/tasks/:id/outcome", staff(WorkTasks, |c, s| outcomes::outcome(c.db()?, s, c.req, c.param("id"))))
        .body_limit(FILES_BODY_LIMIT),
    Route::post("/api/v1/tasks/:id/assignment", staff(WorkTasks, |c, s| tasks::assign(c.db()?, s, c.req, c.param("id")))),
    Route::get("/api/v1/decisions", staff(ReviewOutcomes, |c, _| reviews::pending(c.db()?, c.req))),
    Route::post("/api/v1/decisions/reviews", staff(ReviewOutcomes, |c, s| reviews::bulk_review(c.db()?, s, c.req))),
    Route::post("/api/v1/decisions/:id/review", staff(ReviewOutcomes, |c, s| reviews::review(c.db()?, s, c.req, c.param("id"))))
        .body_limit(FILES_BODY_LIMIT),
    Route::post("/api/v1/sign-ins", staff(WorkTasks, |c, s| sheets::sign_in(c.db()?, s, c.req))).body_limit(sheets::MAX_SHEET),
    Route::post("/api/v1/sign-ins/:id/files", staff(WorkTasks, |c, s| sheets::sign_in_files(c.db()?, s, c.req, c.param("id"))))
        .body_limit(FILES_BODY_LIMIT),
    Route::post("/api/v1/surveys", staff(WorkTasks, |c, s| sheets::survey(c.db()?, s, c.req))).body_limit(sheets::MAX_SHEET),
    Route::get("/api/v1/home-visits", staff(WorkTasks, |c, s| home_visits::home_visits(c.db()?, s, c.req))),
    Route::post("/api/v1/home-visits", staff(WorkTasks, |c, s| front_desk::home_visit(c.db()?, s, c.req))),
    Route::post("/api/v1/home-visits/:id/schedule", staff(WorkTasks, |c, s| home_visits::schedule(c.db()?, s, c.req, c.param("id")))),
    Route::post(
        "/api/v1/home-visits/:id/outcome",
        staff(WorkTasks, |c, s| home_visits::home_visit_outcome(c.db()?, s, c.req, c.param("id"))),
    )
    .body_limit(FILES_BODY_LIMIT),
    Route::post(
        "/api/v1/benefits/:id/termination",
        staff(TerminateBenefits, |c, s| decisions::terminate_or_reinstate(c.db()?, s, c.req, c.param("id"), decisions::Ending::Terminate)),
    )
    .body_limit(FILES_BODY_LIMIT),
    Route::post(
        "/api/v1/benefits/:id/reinstatement",
        staff(TerminateBenefits, |c, s| decisions::terminate_or_reinstate(c.db()?, s, c.req, c.param("id"), decisions::Ending::Reinstate)),
    )
    .body_limit(FILES_BODY_LIMIT),
    Route::post(
        "/api/v1/death-reports/:id/retraction",
        staff(ReviewOutcomes, |c, s| decisions::retract_death_report(c.db()?, s, c.req, c.param("id"))),
    ),
    Route::post("/api/v1/objections", staff(WorkTasks, |c, s| front_desk::objection(c.db()?, s, c.req))).body_limit(FILES_BODY_LIMIT),
    Route::post("/api/v1/certifications", staff(WorkTasks, |c, s| front_desk::certification(c.db()?, s, c.req)))
        .body_limit(FILES_BODY_LIMIT),
];

zige_http::serve_routes!(ROUTES);

/// Checks the files a request carries, naming the one refused.
pub(crate) fn attachments(files: &[Upload]) -> Result<Vec<Attachment>, Problem> {
    Attachment::parse_all(files)
        .map_err(|(i, refused)| Problem::new(422, "invalid_file", refused.zh, refused.en).with_field(format!("files[{i}]")))
}

/// A body with files: the record and up to five files of 5 MiB in base64.
const FILES_BODY_LIMIT: usize = 36 << 20;

/// The organisations in the staff member's scope (their subtree), by id.
pub(crate) fn scope_orgs(tree: &OrgTree, staff: &Staff) -> Vec<String> {
    tree.subtree(&staff.org_id).map(|o| o.id.clone()).collect()
}
