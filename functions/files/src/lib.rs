//! Serves `static/`, mounted at `/` by `files` in spin.toml: the recipients'
//! page at `/` and the staff console at `/staff/`. Content types from the
//! extension; an ETag (SHA-256 of the content) with conditional requests;
//! long caching only for assets whose name carries their hash, revalidation
//! for everything else and never a cached HTML page; strict security headers;
//! and 404s that never echo the path asked for.

use sha2::{Digest, Sha256};
use spin_sdk::http::{Method, Request, Response};
use zige_http::problem::Problem;
use zige_http::web::{Answer, Call, Route, public};

/// Scripts, styles, images and data from this origin only; no inline
/// scripts or styles.
const CSP_BASE: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; \
                        font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";

/// Every path is a file to read; other methods are 405.
pub const ROUTES: &[Route] = &[Route::get("/*", public(file)), Route::head("/*", public(file))];

zige_http::serve_routes!(ROUTES);

/// The file a path names, with its caching and security headers.
fn file(call: &Call) -> Answer {
    let req = call.req;
    let path = req.path().to_string();
    if ["/api/", "/hooks/", "/internal/"].iter().any(|prefix| path.starts_with(prefix)) {
        // An API address no component answers: the API's kind of 404.
        return Err(Problem::not_found("该地址", "resource"));
    }
    Ok(file_at(req, &path))
}

fn file_at(req: &Request, path: &str) -> Response {
    let Some(file) = resolve(path) else { return not_found(path) };
    let Ok(content) = std::fs::read(&file) else { return not_found(path) };
    let etag = format!("\"{}\"", hex_prefix(&Sha256::digest(&content)));
    let matches = req
        .header("if-none-match")
        .and_then(|v| v.as_str())
        .is_some_and(|v| v.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == etag || t == "*"));
    let content_type = content_type(&file);
    let mut builder = Response::builder();
    builder.header("etag", etag.as_str()).header("cache-control", cache_control(&file)).header("content-type", content_type);
    let response = if matches {
        builder.status(304).body(Vec::new()).build()
    } else {
        let body = if *req.method() == Method::Head { Vec::new() } else { content };
        builder.status(200).body(body).build()
    };
    with_security(response, path)
}

/// The file a path names, or `None` for anything that could leave
/// `static/` or reach a hidden file. A path without an extension under
/// `/staff/` is the console's own routing and gets its page.
fn resolve(path: &str) -> Option<String> {
    if path.contains(['%', '\\', '\0']) {
        return None;
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (last, dirs) = segments.split_last()?;
    if dirs.iter().any(|s| s.is_empty() || s.starts_with('.')) || last.starts_with('.') {
        return None;
    }
    let dir = dirs.iter().map(|d| format!("/{d}")).collect::<String>();
    if last.is_empty() {
        return Some(format!("{dir}/index.html"));
    }
    if !last.contains('.') && segments.first() == Some(&"staff") {
        return Some("/staff/index.html".into());
    }
    if !last.contains('.') {
        // `/staff` and the like: the folder's page.
        return Some(format!("{dir}/{last}/index.html"));
    }
    Some(format!("{dir}/{last}"))
}

fn content_type(file: &str) -> String {
    let mime = mime_guess::from_path(file).first_or_octet_stream();
    let textual = mime.type_() == mime_guess::mime::TEXT || matches!(mime.subtype().as_str(), "javascript" | "json");
    if textual { format!("{mime}; charset=utf-8") } else { mime.to_string() }
}

/// A year for assets whose name carries their content hash (they never
/// change under that name); revalidation with the ETag for the rest, so a
/// new release is seen at once.
fn cache_control(file: &str) -> &'static str {
    let name = file.rsplit('/').next().unwrap_or_default();
    let hashed = name.split('.').any(|part| part.len() >= 8 && part.bytes().all(|b| b.is_ascii_hexdigit()));
    if hashed && !name.ends_with(".html") { "public, max-age=31536000, immutable" } else { "no-cache" }
}

/// The security headers of every answer. The staff console may never be
/// framed; the recipients' page may be framed by the origins the mini-program
/// containers use (`embed_origins`), and by itself.
fn with_security(mut response: Response, path: &str) -> Response {
    let frame_ancestors = if path.starts_with("/staff") {
        "'none'".to_string()
    } else {
        let embed = zige_store::settings::text("embed_origins").unwrap_or_default();
        format!("'self' {}", embed.split([' ', ',']).filter(|o| !o.is_empty()).collect::<Vec<_>>().join(" ")).trim_end().to_string()
    };
    response.set_header("content-security-policy", format!("{CSP_BASE}; frame-ancestors {frame_ancestors}"));
    response.set_header("x-content-type-options", "nosniff");
    response.set_header("referrer-policy", "no-referrer");
    response.set_header("cross-origin-opener-policy", "same-origin");
    response.set_header("permissions-policy", "camera=(self), microphone=(), geolocation=()");
    if path.starts_with("/staff") {
        response.set_header("x-frame-options", "DENY");
    }
    response
}

/// The page for an address with no file: it never repeats the address.
fn not_found(path: &str) -> Response {
    let page = "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>页面不存在 / Not found</title>\
                <h1>页面不存在</h1><p>Page not found.</p><p><a href=\"/\">返回首页 / Home</a></p></html>";
    let response = Response::builder()
        .status(404)
        .header("content-type", "text/html; charset=utf-8")
        .header("cache-control", "no-cache")
        .body(page)
        .build();
    with_security(response, path)
}

fn hex_prefix(digest: &[u8]) -> String {
    hex::encode(&digest[..16])
}
