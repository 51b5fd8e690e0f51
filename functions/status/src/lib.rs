//! The status component: `GET /api/health`, the OpenAPI document, and
//! recipients' own status and history.

mod me;

use spin_sdk::http::{IntoResponse, Method, Request};
use spin_sdk::http_component;
use spin_sdk::key_value::Store;
use zige_platform::db::Db;
use zige_platform::problem::{Problem, json_response};

#[http_component]
fn handle(req: Request) -> anyhow::Result<impl IntoResponse> {
    Ok(match (req.method(), req.path()) {
        (Method::Get, "/api/health") => health(),
        (Method::Get, "/api/v1/openapi.json") => openapi(),
        (Method::Get, "/api/v1/me/status") => me::status(&req).unwrap_or_else(Problem::into_response),
        (Method::Get, "/api/v1/me/history") => me::history(&req).unwrap_or_else(Problem::into_response),
        (_, "/api/v1/me/status" | "/api/v1/me/history") => Problem::method_not_allowed().into_response(),
        (_, "/api/health" | "/api/v1/openapi.json") => Problem::method_not_allowed().into_response(),
        _ => Problem::new(404, "not_found", "找不到该地址", "No such resource").into_response(),
    })
}

/// The OpenAPI document describing every endpoint.
fn openapi() -> spin_sdk::http::Response {
    spin_sdk::http::Response::builder()
        .status(200)
        .header("content-type", "application/json; charset=utf-8")
        .header("cache-control", "no-cache")
        .body(include_str!("../openapi.json"))
        .build()
}

/// Healthy when the key-value store takes a write and gives it back, and the
/// database answers with its schema version.
fn health() -> spin_sdk::http::Response {
    let kv = Store::open_default().and_then(|store| {
        store.set("health:probe", b"ok")?;
        store.get("health:probe")
    });
    if !matches!(&kv, Ok(Some(value)) if value.as_slice() == b"ok") {
        eprintln!("health: key-value store check failed: {kv:?}");
        return Problem::unavailable("键值存储", "The key-value store").into_response();
    }
    let schema = Db::open().and_then(|db| zige_platform::migrations::migrate(&db));
    match schema {
        Ok(schema_version) => {
            json_response(200, &serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION"), "schema_version": schema_version}))
        }
        Err(e) => {
            eprintln!("health: database check failed: {e:#}");
            Problem::unavailable("数据库", "The database").into_response()
        }
    }
}
