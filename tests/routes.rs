//! The route tables (issue 20): each component declares its routes once
//! (`zige_http::web::Route`), and everything else is checked against
//! them route by route: the OpenAPI document, spin.toml, and who may call.

use serde_json::Value as Json;
use std::collections::BTreeSet;
use zige_domain::routing::OrgKind;
use zige_http::auth::{self, Role};
use zige_http::web::{Access, Route};
use zige_tests::{seed_city, spawn_app, zige_manifest};

/// Every component's crate, as its wasm file is named, with its routes.
const COMPONENTS: [(&str, &[Route]); 16] = [
    ("zige_audit", zige_audit::ROUTES),
    ("zige_casework", zige_casework::ROUTES),
    ("zige_certify", zige_certify::ROUTES),
    ("zige_demo", zige_demo::ROUTES),
    ("zige_feeds", zige_feeds::ROUTES),
    ("zige_files", zige_files::ROUTES),
    ("zige_hooks", zige_hooks::ROUTES),
    ("zige_lists", zige_lists::ROUTES),
    ("zige_partners", zige_partners::ROUTES),
    ("zige_recipients", zige_recipients::ROUTES),
    ("zige_recovery", zige_recovery::ROUTES),
    ("zige_registry", zige_registry::ROUTES),
    ("zige_reports", zige_reports::ROUTES),
    ("zige_staff_auth", zige_staff_auth::ROUTES),
    ("zige_status", zige_status::ROUTES),
    ("zige_timers", zige_timers::ROUTES),
];

/// The API's routes: every route but the static files' catch-all.
fn api_routes() -> impl Iterator<Item = (&'static str, &'static Route)> {
    COMPONENTS.iter().flat_map(|(name, routes)| routes.iter().map(move |r| (*name, r))).filter(|(_, r)| !r.path.ends_with('*'))
}

/// A route's path as OpenAPI writes it: `:name` is `{name}`.
fn openapi_path(path: &str) -> String {
    path.split('/').map(|s| s.strip_prefix(':').map_or(s.to_string(), |name| format!("{{{name}}}"))).collect::<Vec<_>>().join("/")
}

#[test]
fn openapi_documents_each_declared_route_and_nothing_else() {
    let doc: Json =
        serde_json::from_str(&std::fs::read_to_string(zige_tests::workspace().join("functions/status/openapi.json")).unwrap()).unwrap();
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |method| (method.to_uppercase(), path.clone())))
        .collect();
    let mut declared = BTreeSet::new();
    for (component, route) in api_routes() {
        let key = (route.method.to_string(), openapi_path(route.path));
        assert!(declared.insert(key.clone()), "{key:?} is declared twice (again by {component})");
    }
    let undocumented: Vec<_> = declared.difference(&documented).collect();
    let undeclared: Vec<_> = documented.difference(&declared).collect();
    assert!(undocumented.is_empty(), "declared but not in openapi.json: {undocumented:?}");
    assert!(undeclared.is_empty(), "in openapi.json but served by no component: {undeclared:?}");
}

#[test]
fn spin_toml_sends_each_declared_path_to_the_component_that_declares_it() {
    let manifest = zige_host::manifest::Manifest::load(&zige_manifest()).unwrap();
    let triggers: Vec<(&str, &str)> = manifest
        .trigger
        .http
        .iter()
        .filter_map(|t| match &t.route {
            zige_host::manifest::RouteSpec::Path(route) => Some((route.as_str(), t.component.as_str())),
            zige_host::manifest::RouteSpec::Private { .. } => None,
        })
        .collect();
    let router = zige_host::routes::Router::new(triggers.iter().copied()).unwrap();
    let crate_of = |component: &str| {
        let source = &manifest.component[component].source;
        source.rsplit('/').next().unwrap().trim_end_matches(".wasm").to_string()
    };
    let mut used = BTreeSet::new();
    for (declaring, route) in api_routes() {
        let path = request_path(route);
        let served = router.route(&path).unwrap_or_else(|| panic!("spin.toml routes {path} nowhere"));
        assert_eq!(crate_of(served.component), declaring, "spin.toml sends {} {} to {}", route.method, route.path, served.component);
        used.insert(served.raw_route.to_string());
    }
    for (trigger, component) in &triggers {
        let files = crate_of(component) == "zige_files";
        assert!(files || used.contains(*trigger), "spin.toml routes {trigger} to {component}, which declares no route there");
    }
}

/// A request to a route with a value in place of each `:name` segment and
/// no body: it names nothing that exists and carries nothing to store, so
/// whoever sends it changes no state.
fn request_path(route: &Route) -> String {
    route.path.split('/').map(|s| if s.starts_with(':') { "none" } else { s }).collect::<Vec<_>>().join("/")
}

/// Every route refuses whom its table does not name: without credentials
/// each route but a public one is 401; a staff member whose role lacks the
/// route's permission is 403 (R2.3); a caller it admits is never 401 and no
/// request is a 5xx.
#[tokio::test]
async fn each_route_admits_exactly_whom_its_table_names() {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let mut roles = vec![(Role::CityAdmin, city.admin.clone())];
    for role in
        [Role::CitySocialInsurance, Role::CityRetiree, Role::District, Role::SubDistrict, Role::Community, Role::Employer, Role::Auditor]
    {
        let org = match role {
            Role::CitySocialInsurance => city_org(&app, &city.admin, OrgKind::SocialInsuranceAgency).await,
            Role::CityRetiree => city_org(&app, &city.admin, OrgKind::RetireeAgency).await,
            Role::Auditor => city_org(&app, &city.admin, OrgKind::HrssBureau).await,
            Role::District => "650102".to_string(),
            Role::SubDistrict => "ts-s1".to_string(),
            Role::Community => "ts-c1".to_string(),
            _ => "acme".to_string(),
        };
        roles.push((role, app.staff_session(&city.admin, &format!("r_{}", role.code()), role.code(), &org).await));
    }
    // Logging out comes last, so that the sessions serve every other route.
    let mut routes: Vec<&Route> = api_routes().map(|(_, r)| r).collect();
    routes.sort_by_key(|r| r.path.ends_with("/sessions/current"));
    let mut checked = 0;
    for route in routes {
        let (method, path) = (route.method.to_string(), request_path(route));
        let anonymous = app.request(&method, &path, &[], "").await;
        assert!(anonymous.status < 500, "{method} {path} without credentials: {}", anonymous.text());
        match route.access() {
            Access::Public => assert_ne!(anonymous.status, 401, "{method} {path} is public: {}", anonymous.text()),
            _ => assert_eq!(anonymous.status, 401, "{method} {path} without credentials: {}", anonymous.text()),
        }
        let Access::Staff(permission) = route.access() else { continue };
        for (role, token) in &roles {
            let r = app.call(token, &method, &path, None).await;
            let admitted = permission.is_none_or(|p| auth::allows(*role, p));
            assert!(r.status < 500, "{role:?} {method} {path}: {}", r.text());
            if admitted {
                assert_ne!(r.status, 401, "{role:?} {method} {path}: {}", r.text());
            } else {
                assert_eq!(r.status, 403, "{role:?} may not {method} {path}: {}", r.text());
            }
            checked += 1;
        }
    }
    assert!(checked > 400, "every staff route for every role ({checked} requests)");
}

/// The id of the city's organisation of a kind, from the registry.
async fn city_org(app: &zige_tests::TestApp, admin: &str, kind: OrgKind) -> String {
    let orgs = app.call(admin, "GET", "/api/v1/orgs", None).await.json();
    orgs["items"].as_array().unwrap().iter().find(|o| o["kind"] == kind.code()).unwrap()["id"].as_str().unwrap().to_string()
}

/// A method a path does not serve is 405 with `Allow` naming exactly the
/// methods its table declares there, for every declared path; the same
/// path with a trailing slash is the same route.
#[tokio::test]
async fn each_path_answers_other_methods_with_the_methods_it_serves() {
    let app = spawn_app().await;
    // The demo's routes exist only in demo mode; without it every one is 404.
    let routes: Vec<_> = api_routes().filter(|(component, _)| *component != "zige_demo").collect();
    // A path is served by each route of its component whose pattern it fits
    // (`/partners/unmatched` fits `/partners/:id` too).
    let fits = |pattern: &str, path: &str| {
        let (pattern, path): (Vec<_>, Vec<_>) = (pattern.split('/').collect(), path.split('/').collect());
        pattern.len() == path.len() && pattern.iter().zip(&path).all(|(p, s)| p.starts_with(':') || p == s)
    };
    let mut methods: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for (component, route) in &routes {
        let path = request_path(route);
        let served: Vec<String> =
            routes.iter().filter(|(c, r)| c == component && fits(r.path, &path)).map(|(_, r)| r.method.to_string()).collect();
        methods.entry(path).or_default().extend(served);
    }
    for (path, served) in &methods {
        let other = ["PUT", "PATCH", "DELETE", "POST", "GET"].into_iter().find(|m| !served.contains(*m)).unwrap();
        let r = app.request(other, path, &[], "").await;
        assert_eq!(r.status, 405, "{other} {path}: {}", r.text());
        assert!(r.header("content-type").is_some_and(|t| t.starts_with("application/problem+json")), "{other} {path}");
        let allow: BTreeSet<String> = r.header("allow").unwrap_or_default().split(", ").map(String::from).collect();
        assert_eq!(&allow, served, "Allow of {path}");
        let slashed = app.request(other, &format!("{path}/"), &[], "").await;
        assert_eq!(slashed.status, 405, "{other} {path}/");
    }
}
