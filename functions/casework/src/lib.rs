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

use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;
use zige_domain::routing::OrgTree;
use zige_platform::attachments::{Attachment, Upload};
use zige_platform::auth::{self, Staff};
use zige_platform::db::{Db, Value, text};
use zige_platform::problem::Problem;
use zige_platform::request::{self, BodyLimits, Bounded};

/// What casework's routes take: outcomes, reviews, the front desk's
/// records and the files of decisions carry photos and scans; sign-in and
/// survey sheets are text files.
struct Bodies;

impl BodyLimits for Bodies {
    fn body_limit(_: &Method, path: &str) -> usize {
        let segments: Vec<&str> = path.strip_prefix("/api/v1/").unwrap_or("").split('/').collect();
        match segments.as_slice() {
            ["sign-ins"] | ["surveys"] => sheets::MAX_SHEET,
            [_, _, "outcome" | "review" | "termination" | "reinstatement" | "files"] | ["objections"] | ["certifications"] => {
                FILES_BODY_LIMIT
            }
            _ => request::MAX_JSON_BODY,
        }
    }
}

#[http_component]
fn handle(req: Bounded<Bodies>) -> Response {
    route(&req).unwrap_or_else(Problem::into_response)
}

fn route(req: &Request) -> Result<Response, Problem> {
    let path = req.path().trim_end_matches('/');
    let segments: Vec<&str> = path.strip_prefix("/api/v1/").unwrap_or("").split('/').collect();
    let known = matches!(
        segments.as_slice(),
        ["tasks"]
            | ["tasks", "dispatch"]
            | ["tasks", _, "outcome" | "assignment"]
            | ["decisions"]
            | ["decisions", "reviews"]
            | ["decisions", _, "review"]
            | ["sign-ins"]
            | ["sign-ins", _, "files"]
            | ["surveys"]
            | ["home-visits"]
            | ["home-visits", _, "schedule" | "outcome"]
            | ["benefits", _, "termination" | "reinstatement"]
            | ["death-reports", _, "retraction"]
            | ["objections"]
            | ["certifications"]
    );
    if !known {
        return Err(Problem::not_found("该地址", "resource"));
    }
    let db = Db::open()?;
    let staff = auth::staff(req, &db)?;
    match (req.method(), segments.as_slice()) {
        (Method::Get, ["tasks"]) => tasks::tasks(&db, &staff, req),
        (Method::Post, ["tasks", "dispatch"]) => tasks::dispatch(&db, &staff, req),
        (Method::Post, ["benefits", id, "termination"]) => {
            decisions::terminate_or_reinstate(&db, &staff, req, id, decisions::Ending::Terminate)
        }
        (Method::Post, ["benefits", id, "reinstatement"]) => {
            decisions::terminate_or_reinstate(&db, &staff, req, id, decisions::Ending::Reinstate)
        }
        (Method::Post, ["tasks", id, "outcome"]) => outcomes::outcome(&db, &staff, req, id),
        (Method::Get, ["decisions"]) => reviews::pending(&db, &staff, req),
        (Method::Post, ["decisions", "reviews"]) => reviews::bulk_review(&db, &staff, req),
        (Method::Post, ["decisions", id, "review"]) => reviews::review(&db, &staff, req, id),
        (Method::Post, ["tasks", id, "assignment"]) => tasks::assign(&db, &staff, req, id),
        (Method::Post, ["sign-ins"]) => sheets::sign_in(&db, &staff, req),
        (Method::Post, ["sign-ins", id, "files"]) => sheets::sign_in_files(&db, &staff, req, id),
        (Method::Post, ["surveys"]) => sheets::survey(&db, &staff, req),
        (Method::Get, ["home-visits"]) => home_visits::home_visits(&db, &staff, req),
        (Method::Post, ["home-visits"]) => front_desk::home_visit(&db, &staff, req),
        (Method::Post, ["objections"]) => front_desk::objection(&db, &staff, req),
        (Method::Post, ["certifications"]) => front_desk::certification(&db, &staff, req),
        (Method::Post, ["home-visits", id, "schedule"]) => home_visits::schedule(&db, &staff, req, id),
        (Method::Post, ["home-visits", id, "outcome"]) => home_visits::home_visit_outcome(&db, &staff, req, id),
        (Method::Post, ["death-reports", id, "retraction"]) => decisions::retract_death_report(&db, &staff, req, id),
        _ => Err(Problem::method_not_allowed()),
    }
}

/// Checks the files a request carries, naming the one refused.
pub(crate) fn attachments(files: &[Upload]) -> Result<Vec<Attachment>, Problem> {
    Attachment::parse_all(files)
        .map_err(|(i, refused)| Problem::new(422, "invalid_file", refused.zh, refused.en).with_field(format!("files[{i}]")))
}

/// A body with files: the record and up to five files of 5 MiB in base64.
const FILES_BODY_LIMIT: usize = 36 << 20;

/// The organisations in the staff member's scope (their subtree), as SQL
/// parameters.
pub(crate) fn scope_orgs(tree: &OrgTree, staff: &Staff) -> Vec<Value> {
    tree.subtree(&staff.org_id).map(|o| text(o.id.as_str())).collect()
}
