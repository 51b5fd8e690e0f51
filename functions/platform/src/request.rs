//! Reading requests: JSON bodies with field-level errors, query strings,
//! bearer tokens, pages.

use crate::Problem;
use serde::de::DeserializeOwned;
use spin_sdk::http::Request;

/// The largest JSON body accepted by default.
pub const MAX_JSON_BODY: usize = 1 << 20;

/// Parses a JSON body into `T`, refusing oversized bodies, malformed JSON,
/// wrong types and unknown fields with a 4xx naming the field.
pub fn json_body<T: DeserializeOwned>(req: &Request) -> Result<T, Problem> {
    json_body_limited(req, MAX_JSON_BODY)
}

/// Like [`json_body`] with a custom size limit.
pub fn json_body_limited<T: DeserializeOwned>(req: &Request, limit: usize) -> Result<T, Problem> {
    let body = req.body();
    if body.len() > limit {
        return Err(Problem::new(
            413,
            "body_too_large",
            format!("请求内容过大（上限{}KB）", limit / 1024),
            format!("The request body is larger than {} KiB", limit / 1024),
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let parsed: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    let value = parsed.map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = inner.to_string();
        // Missing and unknown fields are reported at the parent; their name
        // is in the message.
        let field = if path == "." { message.split('`').nth(1).map(str::to_string) } else { Some(path) };
        let (zh, en) = match inner.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                ("请求内容不是有效的JSON".to_string(), format!("The body is not valid JSON: {message}"))
            }
            _ => (format!("请求内容有误：{}", field.as_deref().unwrap_or("格式")), format!("The body does not fit: {message}")),
        };
        let problem = Problem::new(400, "invalid_body", zh, en);
        match field {
            Some(f) => problem.with_field(f),
            None => problem,
        }
    })?;
    deserializer
        .end()
        .map_err(|_| Problem::new(400, "invalid_body", "请求内容不是有效的JSON", "Trailing characters after the JSON body"))?;
    Ok(value)
}

/// The decoded value of a query parameter.
pub fn query_param(req: &Request, name: &str) -> Option<String> {
    form_urlencoded::parse(req.query().as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// The client's address without its port, as Spin's `spin-client-addr`
/// header gives it; `unknown` without one.
pub fn client_address(req: &Request) -> String {
    let address = req.header("spin-client-addr").and_then(|h| h.as_str()).unwrap_or("unknown");
    address.rsplit_once(':').map_or(address, |(ip, _)| ip).to_string()
}

/// The bearer token of the `Authorization` header.
pub fn bearer(req: &Request) -> Option<String> {
    let value = req.header("authorization")?.as_str()?;
    let token = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer "))?;
    Some(token.trim().to_string()).filter(|t| !t.is_empty())
}

/// Paging from `page` (1-based) and `per_page` (1–200, default 50).
#[derive(Debug, Clone, Copy)]
pub struct Page {
    /// 1-based page number.
    pub page: i64,
    /// Rows per page.
    pub per_page: i64,
}

impl Page {
    /// Reads the page from the query, refusing nonsense with a 400.
    pub fn from_query(req: &Request) -> Result<Self, Problem> {
        let number = |name: &str, default: i64, max: i64| -> Result<i64, Problem> {
            match query_param(req, name) {
                None => Ok(default),
                Some(v) => v.parse::<i64>().ok().filter(|n| (1..=max).contains(n)).ok_or_else(|| {
                    Problem::new(
                        400,
                        "invalid_query",
                        format!("参数{name}应为1到{max}之间的整数"),
                        format!("{name} must be an integer from 1 to {max}"),
                    )
                    .with_field(name)
                }),
            }
        };
        Ok(Self { page: number("page", 1, 1_000_000)?, per_page: number("per_page", 50, 200)? })
    }

    /// The SQL offset.
    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

/// Decodes an uploaded text file: UTF-8 (BOM removed) or else GB18030, which
/// covers the GBK files that government systems still export.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}
