//! The status component: `GET /api/health`, the OpenAPI document, the code
//! tables the front-ends label with, and recipients' own status and history.

mod me;

use spin_sdk::key_value::Store;
use zige_http::problem::{Problem, json_response};
use zige_http::web::{Call, Route, public, recipient};

/// Health, the documents every client reads, and a recipient's own status.
pub const ROUTES: &[Route] = &[
    Route::get("/api/health", public(|c| Ok(health(c)))),
    Route::get("/api/v1/openapi.json", public(|_| Ok(openapi()))),
    Route::get("/api/v1/codes", public(|_| Ok(codes()))),
    Route::get("/api/v1/me/status", recipient(|c, who| me::status(c.db()?, who, c.req))),
    Route::get("/api/v1/me/history", recipient(|c, who| me::history(c.db()?, who))),
];

zige_http::serve_routes!(ROUTES);

/// The OpenAPI document describing every endpoint.
fn openapi() -> spin_sdk::http::Response {
    spin_sdk::http::Response::builder()
        .status(200)
        .header("content-type", "application/json; charset=utf-8")
        .header("cache-control", "no-cache")
        .body(include_str!("../openapi.json"))
        .build()
}

/// The domain's code tables with their names in Chinese, Uyghur and
/// English, so that no front-end types a second copy: the benefit types
/// with their national codes and every name accepted for them in files, the
/// insurance types the notice does not cover, the cycle periods and modes
/// of a policy, the evidence catalogue, the languages, the roles and kinds
/// of organisation, the lists, payment states and suspension reasons, the
/// channels of a verification and of a request, case work's choices and
/// states, an assessment's actions, the fields of a person's history, the
/// audit trail's actions and the archives' filing statuses.
fn codes() -> spin_sdk::http::Response {
    use zige_domain::assessment::{Action, ListKind};
    use zige_domain::benefit::{BenefitType, DESIGNATIONS, ManagementMode, OUT_OF_SCOPE_CODES, ResidenceKind};
    use zige_domain::casework;
    use zige_domain::cycle::CycleStatus;
    use zige_domain::payment::SuspensionReason;
    use zige_domain::routing::OrgKind;
    use zige_domain::tasks::TaskKind;
    use zige_http::auth::Role;
    use zige_services::front_desk::Channel;
    // A code's names with one more field.
    let with = |names: zige_domain::names::CodeName, field: &str, codes: Vec<&str>| {
        let mut entry = serde_json::to_value(names).unwrap_or_default();
        entry[field] = serde_json::json!(codes);
        entry
    };
    let benefit_types: Vec<serde_json::Value> = BenefitType::ALL
        .iter()
        .map(|b| {
            let designations: Vec<_> = DESIGNATIONS.iter().filter(|d| d.benefit == *b).map(|d| serde_json::json!({ "text": d.text, "kind": d.kind })).collect();
            serde_json::json!({
                "code": b.code(), "name_zh": b.name_zh(), "name_ug": b.name_ug(), "name_en": b.name_en(), "national_code": b.national_code(), "designations": designations,
            })
        })
        .collect();
    let out_of_scope: Vec<_> =
        OUT_OF_SCOPE_CODES.iter().map(|(code, name)| serde_json::json!({ "national_code": code, "name_zh": name })).collect();
    let body = serde_json::json!({
        "benefit_types": benefit_types, "out_of_scope_insurance_types": out_of_scope,
        "cycle_periods": zige_domain::cycle::PERIOD_UNITS, "cycle_modes": zige_domain::cycle::MODES,
        // The evidence catalogue (R5.5–R5.8, R6) and staff's own verification.
        "evidence": zige_domain::evidence::CATALOGUE.iter().chain([&zige_domain::evidence::STAFF_VERIFICATION]).collect::<Vec<_>>(),
        "languages": zige_domain::language::LANGUAGES.iter().map(|l| {
            use zige_domain::language::Language::{En, Ug, Zh};
            serde_json::json!({ "code": l.code(), "name_zh": l.name_in(Zh), "name_ug": l.name_in(Ug), "name_en": l.name_in(En), "own_name": l.own_name(), "rtl": l.right_to_left() })
        }).collect::<Vec<_>>(),
        // Who works in zige and where (R2.1, R2.3): each role with the kinds
        // of organisation it belongs to, each kind with those it may sit under.
        "roles": Role::ALL.map(|r| with(r.code_name(), "org_kinds", OrgKind::ALL.iter().filter(|k| r.fits(**k)).map(|k| k.code()).collect())),
        "org_kinds": OrgKind::ALL.map(|k| with(k.code_name(), "parent_kinds", OrgKind::ALL.iter().filter(|p| k.may_sit_under(**p)).map(|p| p.code()).collect())),
        "lists": ListKind::ALL.map(ListKind::code_name),
        "payment_states": zige_domain::payment::PAYMENT_STATES,
        "suspension_reasons": SuspensionReason::ALL.map(SuspensionReason::code_name),
        "verification_channels": zige_domain::evidence::VERIFICATION_CHANNELS, "field_outcomes": zige_domain::evidence::FIELD_OUTCOMES,
        "request_channels": Channel::ALL.map(Channel::code_name),
        "event_types": zige_domain::evidence::EVENT_TYPES, "partner_kinds": zige_domain::evidence::PARTNER_KINDS,
        "task_kinds": TaskKind::ALL.map(TaskKind::code_name), "visit_reasons": zige_domain::tasks::VISIT_REASONS,
        "residences": ResidenceKind::ALL.map(ResidenceKind::code_name), "management_modes": ManagementMode::ALL.map(ManagementMode::code_name),
        "cycle_statuses": CycleStatus::ALL.map(CycleStatus::code_name), "special_groups": zige_domain::benefit::SPECIAL_GROUPS,
        // Relations in the order staff choose them: family first.
        "relations": zige_domain::relations::all().collect::<Vec<_>>(), "family_relations": zige_domain::relations::FAMILY.map(|r| r.code),
        // Case work's choices and states.
        "review_actions": casework::REVIEW_ACTIONS, "review_results": casework::REVIEW_RESULTS,
        "home_visit_statuses": casework::HOME_VISIT_STATUSES, "recovery_statuses": casework::RECOVERY_STATUSES,
        "recovery_payments": casework::RECOVERY_PAYMENTS, "report_kinds": casework::REPORT_KINDS, "report_statuses": casework::REPORT_STATUSES,
        "import_outcomes": casework::IMPORT_OUTCOMES, "import_statuses": casework::IMPORT_STATUSES,
        "ledger_statuses": casework::LEDGER_STATUSES,
        // What an assessment asks to be done (R5.4), what a person's history
        // records (R3.1), every audit record's action (R8.1), and where a
        // district's month stands in its filing (R8.2), each status with its
        // badge and its explanation in the three languages.
        "assessment_actions": Action::ALL.map(Action::code_name), "history_fields": zige_domain::history::FIELDS,
        "audit_actions": &zige_domain::audit::ACTIONS[..], "archive_statuses": zige_domain::audit::ARCHIVE_STATUSES,
    });
    spin_sdk::http::Response::builder()
        .status(200)
        .header("content-type", "application/json; charset=utf-8")
        .header("cache-control", "public, max-age=300")
        .body(serde_json::to_vec(&body).unwrap_or_default())
        .build()
}

/// Healthy when the keys are safe for personal data, the key-value store
/// gives back its probe, and the database
/// answers with its schema version. The probe is written only when it is
/// missing (the first check, or a store that lost its data), so that the
/// check a load balancer repeats every few seconds writes nothing.
fn health(call: &Call) -> spin_sdk::http::Response {
    // Which variable to set, before anything else.
    if let Err(keys) = zige_store::keys::check() {
        return Problem::from(keys).into_response();
    }
    let kv = Store::open_default().and_then(|store| match store.get("health:probe")? {
        Some(value) => Ok(Some(value)),
        None => {
            store.set("health:probe", b"ok")?;
            store.get("health:probe")
        }
    });
    if !matches!(&kv, Ok(Some(value)) if value.as_slice() == b"ok") {
        eprintln!("health: key-value store check failed: {kv:?}");
        return Problem::unavailable("键值存储", "The key-value store").into_response();
    }
    let schema = call.db().and_then(|db| Ok(zige_store::migrations::migrate(db)?));
    match schema {
        Ok(schema_version) => {
            json_response(200, &serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION"), "schema_version": schema_version}))
        }
        Err(e) => {
            eprintln!("health: database check failed: {}", e.detail_en);
            Problem::unavailable("数据库", "The database").into_response()
        }
    }
}
