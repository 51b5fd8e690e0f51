//! Reading requests: bodies bounded before they are read, JSON bodies with
//! field-level errors, query strings, bearer tokens, pages.

use crate::Problem;
use serde::de::DeserializeOwned;
use spin_sdk::http::{IncomingRequest, Request};

/// The largest body a route takes unless its component says otherwise.
pub const MAX_JSON_BODY: usize = 1 << 20;

/// How long a client may take to send a body: longer is a slow client
/// holding an instance (issue 17). Checked as chunks arrive.
const BODY_READ_TIME: std::time::Duration = std::time::Duration::from_secs(120);

fn too_large(limit: usize) -> Problem {
    let (zh, en) = if limit >= 1 << 20 {
        (format!("{}MB", limit >> 20), format!("{} MiB", limit >> 20))
    } else {
        (format!("{}KB", limit >> 10), format!("{} KiB", limit >> 10))
    };
    Problem::new(
        413,
        "body_too_large",
        format!("请求内容超过{zh}，请拆分后再提交"),
        format!("The request body is larger than {en}; split it"),
    )
}

/// Reads a request whose body may hold `limit` bytes at most: refused at
/// once when its `Content-Length` says more, and as soon as more arrives
/// otherwise; refused too when the client takes longer than
/// [`BODY_READ_TIME`] to send it.
pub async fn read_bounded(incoming: IncomingRequest, limit: usize) -> Result<Request, Problem> {
    use futures::TryStreamExt;
    let headers = incoming.headers().entries();
    let declared = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| std::str::from_utf8(value).ok()?.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(too_large(limit));
    }
    let (method, uri) = (incoming.method(), incoming.uri());
    let unreadable = || Problem::new(400, "invalid_request", "请求无法读取", "The request cannot be read");
    let started = std::time::Instant::now();
    let mut body = Vec::new();
    let mut chunks = incoming.into_body_stream();
    while let Some(chunk) = chunks.try_next().await.map_err(|_| unreadable())? {
        if body.len() + chunk.len() > limit {
            return Err(too_large(limit));
        }
        if started.elapsed() > BODY_READ_TIME {
            return Err(Problem::new(408, "request_timeout", "请求发送过慢，请重试", "The request body came too slowly; try again"));
        }
        body.extend(chunk);
    }
    Ok(Request::builder().method(method).uri(uri).headers(headers).body(body).build())
}

/// Parses a JSON body into `T`, refusing malformed JSON, wrong types and
/// unknown fields with a 4xx naming the field. Its size was bounded when it
/// was read (`web::serve`).
pub fn json_body<T: DeserializeOwned>(req: &Request) -> Result<T, Problem> {
    let mut deserializer = serde_json::Deserializer::from_slice(req.body());
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
