//! A demo front door and face provider, for local use and the browser tests
//! only: with the dev-only variable `demo_mode` = `true` it signs identity
//! assertions and face results with the configured secrets, as the
//! mini-program's login and the provider's face check would. Otherwise
//! every address here is 404, so a production deployment exposes nothing.
//!
//! - `GET /api/v1/demo`: whether the demo is on.
//! - `POST /api/v1/demo/assertion` `{"id_number"}` → `{"assertion"}`.
//! - `POST /api/v1/demo/face` `{"nonce","subject"}` → `{"provider","result","signature"}`.

use serde::Deserialize;
use serde_json::json;
use spin_sdk::http::{Request, Response};
use zige_domain::IdNumber;
use zige_http::jws;
use zige_http::problem::{Problem, json_response};
use zige_http::request;
use zige_http::web::{Route, public};

/// How long a demo assertion is valid.
const ASSERTION_SECONDS: i64 = 600;

/// The demo's routes, served only in demo mode.
pub const ROUTES: &[Route] = &[
    Route::get(
        "/api/v1/demo",
        public(|_| {
            Ok(json_response(
                200,
                &json!({ "enabled": true, "notice_zh": "演示模式：身份与人脸识别均为模拟，仅供本地试用", "notice_en": "Demo mode: identity and face checks are simulated, for local use only" }),
            ))
        }),
    ),
    Route::post("/api/v1/demo/assertion", public(|c| assertion(c.req))),
    Route::post("/api/v1/demo/face", public(|c| face(c.req))),
];

#[cfg(target_arch = "wasm32")]
#[spin_sdk::http_component]
async fn handle(incoming: spin_sdk::http::IncomingRequest, out: spin_sdk::http::ResponseOutparam) {
    // Without demo mode no route exists: every address is 404. A demo_mode
    // that does not read as true or false keeps the demo off.
    let enabled = zige_store::settings::flag("demo_mode").unwrap_or(false);
    zige_http::web::serve(incoming, out, if enabled { ROUTES } else { &[] }).await
}

/// A variable holding a secret; the demo cannot sign without it.
fn secret(name: &str) -> Result<String, Problem> {
    zige_store::settings::text(name).ok().filter(|s| !s.is_empty()).ok_or_else(|| {
        Problem::new(503, "demo_unconfigured", format!("演示模式缺少配置 {name}"), format!("The demo needs the variable {name}"))
    })
}

fn id_number(text: &str, field: &'static str) -> Result<IdNumber, Problem> {
    IdNumber::parse(text).map_err(|e| {
        Problem::new(422, "invalid_id_number", format!("身份证号码有误：{}", e.message_zh()), format!("The ID number is not valid: {e}"))
            .with_field(field)
    })
}

#[derive(Deserialize)]
struct AssertionRequest {
    id_number: String,
}

fn assertion(req: &Request) -> Result<Response, Problem> {
    let body: AssertionRequest = request::json_body(req)?;
    let id = id_number(&body.id_number, "id_number")?;
    let now = zige_store::unix_now();
    let claims = json!({ "sub": id.as_str(), "name": "演示用户", "iat": now, "exp": now + ASSERTION_SECONDS, "aud": "zige" });
    Ok(json_response(200, &json!({ "assertion": jws::sign(&claims, secret("idp_secret")?.as_bytes()) })))
}

#[derive(Deserialize)]
struct FaceRequest {
    nonce: String,
    subject: String,
}

fn face(req: &Request) -> Result<Response, Problem> {
    let body: FaceRequest = request::json_body(req)?;
    let subject = id_number(&body.subject, "subject")?;
    let result =
        json!({ "nonce": body.nonce, "subject": subject.as_str(), "liveness": true, "score": 0.95, "verified_at": zige_store::unix_now() });
    let (result, signature) = jws::sign_provider_result(&result, secret("face_provider_secret")?.as_bytes());
    let provider = zige_store::settings::text("face_provider_id")?;
    Ok(json_response(200, &json!({ "provider": provider, "result": result, "signature": signature })))
}
