//! Errors for clients as RFC 9457 problem details
//! (`application/problem+json`), with the message in Chinese and English.
//! Internal causes are logged by the caller and never put in the body.

use serde::Serialize;
use spin_sdk::http::Response;

/// One client-facing error.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// A stable code, also the last segment of `type`.
    #[serde(skip)]
    pub code: &'static str,
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    /// The explanation in Chinese, for the person reading it.
    pub detail: String,
    /// The same explanation in English.
    pub detail_en: String,
    /// The request field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// A machine-readable reason, when the API documents one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Attempts left today, for refused certifications.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<i64>,
    /// What zige has arranged next, for refused certifications
    /// (`home_visit`: someone will come, R6.3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_step: Option<String>,
    /// The methods a path serves, sent as `Allow` with a 405.
    #[serde(skip)]
    pub allow: Option<String>,
}

impl Problem {
    /// A problem with its status, stable code and both messages.
    pub fn new(status: u16, code: &'static str, detail_zh: impl Into<String>, detail_en: impl Into<String>) -> Self {
        Self {
            code,
            type_uri: format!("https://zige.example/problems/{code}"),
            title: code.replace('_', " "),
            status,
            detail: detail_zh.into(),
            detail_en: detail_en.into(),
            field: None,
            reason: None,
            attempts_left: None,
            next_step: None,
            allow: None,
        }
    }

    /// Names the request field at fault.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// 405 for a method the path does not serve, naming those it does.
    pub fn method_not_allowed(allowed: &[String]) -> Self {
        let mut problem = Self::new(405, "method_not_allowed", "此地址不支持该请求方法", "This method is not allowed here");
        problem.allow = Some(allowed.join(", "));
        problem
    }

    /// 503 when a dependency (database, key-value store) is unavailable.
    pub fn unavailable(what_zh: &str, what_en: &str) -> Self {
        Self::new(503, "unavailable", format!("{what_zh}暂时不可用，请稍后再试"), format!("{what_en} is unavailable; try again later"))
    }

    /// The HTTP response carrying this problem.
    pub fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = Response::builder();
        response.status(self.status).header("content-type", "application/problem+json; charset=utf-8").header("cache-control", "no-store");
        if let Some(allow) = &self.allow {
            response.header("allow", allow.as_str());
        }
        response.body(body).build()
    }
}

/// A request refused before its handler ran (a body over its limit) is
/// answered with its problem.
impl spin_sdk::http::IntoResponse for Problem {
    fn into_response(self) -> Response {
        Problem::into_response(self)
    }
}

/// A JSON response with the given status.
pub fn json_response(status: u16, value: &serde_json::Value) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "application/json; charset=utf-8")
        .header("cache-control", "no-store")
        .body(serde_json::to_vec(value).unwrap_or_default())
        .build()
}

impl From<anyhow::Error> for Problem {
    /// An internal failure: the cause is logged (it never holds personal
    /// data: parameters are not part of the context) and the client gets a
    /// plain 500.
    fn from(error: anyhow::Error) -> Self {
        if let Some(keys) = error.downcast_ref::<zige_store::keys::UnsafeKeys>() {
            return keys.clone().into();
        }
        eprintln!("internal error: {error:#}");
        Problem::new(500, "internal_error", "系统内部错误，请稍后再试", "Internal error; please try again later")
    }
}

impl From<zige_store::keys::UnsafeKeys> for Problem {
    /// 503: zige will not touch personal data until the operator sets the
    /// named variable (the answer names only the variable, never a value).
    fn from(keys: zige_store::keys::UnsafeKeys) -> Self {
        eprintln!("keys: {keys}");
        Problem::new(503, "unsafe_keys", keys.detail_zh, keys.detail_en).with_field(keys.variable)
    }
}

impl Problem {
    /// 401: no valid session.
    pub fn unauthenticated() -> Self {
        Problem::new(401, "unauthenticated", "请先登录", "Log in first")
    }

    /// 403: the role may not do this.
    pub fn forbidden() -> Self {
        Problem::new(403, "forbidden", "您没有权限进行此操作", "Your role may not do this")
    }

    /// 404: nothing here, or nothing the caller may know exists.
    pub fn not_found(what_zh: &str, what_en: &str) -> Self {
        Problem::new(404, "not_found", format!("找不到{what_zh}"), format!("No such {what_en}"))
    }

    /// 422 naming a field.
    pub fn invalid(field: &str, detail_zh: impl Into<String>, detail_en: impl Into<String>) -> Self {
        Problem::new(422, "invalid_field", detail_zh, detail_en).with_field(field)
    }

    /// Adds a machine-readable reason.
    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}
