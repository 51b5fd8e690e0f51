//! The request pipeline every component shares (issue 20). A component
//! declares its routes once, as data: method, path pattern, who may call and
//! the handler ([`Route`]). [`serve`] does the rest: it matches the request
//! with spin-sdk's own `Router`, answers 404 and 405 (with `Allow`), reads
//! the body up to the route's limit, authenticates the caller and checks the
//! route's permission through `auth`, runs the handler and answers its
//! problems as problem+json.

use crate::Problem;
use crate::auth::{self, Permission, Staff};
use crate::recipient::{self, Recipient};
use crate::request::{self, MAX_JSON_BODY};
use futures::SinkExt;
use futures::future::LocalBoxFuture;
use spin_sdk::http::{IncomingRequest, Method, OutgoingResponse, Params, Request, Response, ResponseOutparam, Router};
use std::cell::{OnceCell, RefCell};
use std::rc::Rc;
use zige_store::db::Db;

/// What a handler answers: a response, or a problem for the client.
pub type Answer = Result<Response, Problem>;

/// Who may call a route, with the handler that serves them. `serve`
/// establishes the caller before the handler runs, so a handler never
/// authenticates.
pub enum Handler {
    /// Anyone: health, documents, logins, public reports.
    Public(fn(&Call) -> Answer),
    /// A recipient with a session.
    Recipient(fn(&Call, &Recipient) -> Answer),
    /// Staff with a session, and with the permission when the route names
    /// one; a handler may refuse more (scope, the city's own work).
    Staff(Option<Permission>, fn(&Call, &Staff) -> Answer),
    /// Staff with the permission, answered by a file streamed in parts.
    StaffExport(Permission, for<'a> fn(&'a Call<'a>, &Staff) -> Result<Export<'a>, Problem>),
    /// A partner agency. Its signature covers the body and its refusals are
    /// counted, so the handler verifies it (`datashare`).
    Partner(fn(&Call) -> Answer),
    /// The scheduler, with its token.
    Scheduler(for<'a> fn(&'a Call<'a>) -> LocalBoxFuture<'a, Answer>),
}

/// Anyone may call.
pub const fn public(handle: fn(&Call) -> Answer) -> Handler {
    Handler::Public(handle)
}

/// A recipient with a session may call.
pub const fn recipient(handle: fn(&Call, &Recipient) -> Answer) -> Handler {
    Handler::Recipient(handle)
}

/// Staff with the permission may call.
pub const fn staff(permission: Permission, handle: fn(&Call, &Staff) -> Answer) -> Handler {
    Handler::Staff(Some(permission), handle)
}

/// Any staff member with a session may call; the handler decides what they see.
pub const fn any_staff(handle: fn(&Call, &Staff) -> Answer) -> Handler {
    Handler::Staff(None, handle)
}

/// Staff with the permission may call, and get a file streamed in parts.
pub const fn export(permission: Permission, handle: for<'a> fn(&'a Call<'a>, &Staff) -> Result<Export<'a>, Problem>) -> Handler {
    Handler::StaffExport(permission, handle)
}

/// A partner agency calls; the handler verifies its signature.
pub const fn partner(handle: fn(&Call) -> Answer) -> Handler {
    Handler::Partner(handle)
}

/// The scheduler calls, with its token.
pub const fn scheduler(handle: for<'a> fn(&'a Call<'a>) -> LocalBoxFuture<'a, Answer>) -> Handler {
    Handler::Scheduler(handle)
}

/// Who may call a route, as the route tables' tests read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Public,
    Recipient,
    Staff(Option<Permission>),
    Partner,
    Scheduler,
}

/// One route of a component.
pub struct Route {
    pub method: &'static Method,
    /// The path as spin-sdk's `Router` reads it: `:name` is one segment,
    /// a trailing `*` the rest.
    pub path: &'static str,
    /// The largest body the route takes, refused with 413 before more is read.
    pub body_limit: usize,
    pub handler: Handler,
}

impl Route {
    /// A route taking bodies up to [`MAX_JSON_BODY`].
    const fn new(method: &'static Method, path: &'static str, handler: Handler) -> Self {
        Self { method, path, body_limit: MAX_JSON_BODY, handler }
    }

    /// `GET` on the path.
    pub const fn get(path: &'static str, handler: Handler) -> Self {
        Self::new(&Method::Get, path, handler)
    }

    /// `HEAD` on the path.
    pub const fn head(path: &'static str, handler: Handler) -> Self {
        Self::new(&Method::Head, path, handler)
    }

    /// `POST` on the path.
    pub const fn post(path: &'static str, handler: Handler) -> Self {
        Self::new(&Method::Post, path, handler)
    }

    /// `PUT` on the path.
    pub const fn put(path: &'static str, handler: Handler) -> Self {
        Self::new(&Method::Put, path, handler)
    }

    /// `PATCH` on the path.
    pub const fn patch(path: &'static str, handler: Handler) -> Self {
        Self::new(&Method::Patch, path, handler)
    }

    /// `DELETE` on the path.
    pub const fn delete(path: &'static str, handler: Handler) -> Self {
        Self::new(&Method::Delete, path, handler)
    }

    /// The same route with another body limit.
    pub const fn body_limit(self, limit: usize) -> Self {
        Self { body_limit: limit, ..self }
    }

    /// Who may call it.
    pub fn access(&self) -> Access {
        match self.handler {
            Handler::Public(_) => Access::Public,
            Handler::Recipient(_) => Access::Recipient,
            Handler::Staff(permission, _) => Access::Staff(permission),
            Handler::StaffExport(permission, _) => Access::Staff(Some(permission)),
            Handler::Partner(_) => Access::Partner,
            Handler::Scheduler(_) => Access::Scheduler,
        }
    }
}

/// A file answered in parts, so that an export of any size holds one batch
/// in memory: the status and headers, then each part as it is made.
pub struct Export<'a> {
    /// The status and headers; its body is not sent.
    pub head: Response,
    pub parts: Box<dyn Iterator<Item = anyhow::Result<Vec<u8>>> + 'a>,
}

/// A matched request, as its handler sees it.
pub struct Call<'a> {
    pub req: &'a Request,
    params: Params,
    db: OnceCell<Db>,
}

impl Call<'_> {
    /// The value of the path's `:name` segment (empty when the route has none).
    pub fn param(&self, name: &str) -> &str {
        self.params.get(name).unwrap_or_default()
    }

    /// The database, opened on first use.
    pub fn db(&self) -> Result<&Db, Problem> {
        if let Some(db) = self.db.get() {
            return Ok(db);
        }
        let db = Db::open()?;
        Ok(self.db.get_or_init(|| db))
    }
}

/// A component's entry point: every request goes to [`serve`] with the
/// component's routes. (Natively a component is a library whose route
/// table its tests read.)
#[macro_export]
macro_rules! serve_routes {
    ($routes:expr) => {
        #[cfg(target_arch = "wasm32")]
        #[spin_sdk::http_component]
        async fn handle(incoming: spin_sdk::http::IncomingRequest, out: spin_sdk::http::ResponseOutparam) {
            $crate::web::serve(incoming, out, $routes).await
        }
    };
}

/// Serves a request with the component's routes.
pub async fn serve(incoming: IncomingRequest, out: ResponseOutparam, routes: &'static [Route]) {
    let method = incoming.method();
    let target = incoming.path_with_query().unwrap_or_default();
    let path = target.split_once('?').map_or(target.as_str(), |(path, _)| path);
    let path = match path.trim_end_matches('/') {
        "" => "/",
        trimmed => trimmed,
    };
    let (route, params) = match find(routes, &method, path).await {
        Ok(found) => found,
        Err(problem) => return send(out, problem.into_response()).await,
    };
    let req = match request::read_bounded(incoming, route.body_limit).await {
        Ok(req) => req,
        Err(problem) => return send(out, problem.into_response()).await,
    };
    let call = Call { req: &req, params, db: OnceCell::new() };
    let answer = match &route.handler {
        Handler::Public(handle) | Handler::Partner(handle) => handle(&call),
        Handler::Recipient(handle) => the_recipient(&call).and_then(|who| handle(&call, &who)),
        Handler::Staff(permission, handle) => the_staff(&call, *permission).and_then(|who| handle(&call, &who)),
        Handler::Scheduler(handle) => match the_scheduler(&req) {
            Ok(()) => handle(&call).await,
            Err(problem) => Err(problem),
        },
        Handler::StaffExport(permission, export) => match the_staff(&call, Some(*permission)).and_then(|who| export(&call, &who)) {
            Ok(export) => return stream(out, export).await,
            Err(problem) => Err(problem),
        },
    };
    send(out, answer.unwrap_or_else(Problem::into_response)).await
}

/// The route for `method` on `path` and its parameters, found by
/// spin-sdk's `Router`; 405 naming the methods that are served there, or 404.
async fn find(routes: &'static [Route], method: &Method, path: &str) -> Result<(&'static Route, Params), Problem> {
    let found: Rc<RefCell<Option<(usize, Params)>>> = Rc::default();
    let mut router = Router::new();
    for (index, route) in routes.iter().enumerate() {
        let found = found.clone();
        router.add(route.path, route.method.clone(), move |_: Request, params: Params| {
            *found.borrow_mut() = Some((index, params));
            Response::new(200, ())
        });
    }
    let matches = |method: &Method| {
        let probe = Request::builder().method(method.clone()).uri(path).build();
        let router = &router;
        let found = found.clone();
        async move {
            router.handle_async(probe).await;
            found.borrow_mut().take()
        }
    };
    if let Some((index, params)) = matches(method).await {
        return Ok((&routes[index], params));
    }
    let mut allowed: Vec<String> = Vec::new();
    for route in routes {
        let name = route.method.to_string();
        if !allowed.contains(&name) && matches(route.method).await.is_some() {
            allowed.push(name);
        }
    }
    if allowed.is_empty() { Err(Problem::not_found("该地址", "resource")) } else { Err(Problem::method_not_allowed(&allowed)) }
}

/// The staff member behind the request, with the permission when one is named.
fn the_staff(call: &Call, permission: Option<Permission>) -> Result<Staff, Problem> {
    let staff = auth::staff(call.req, call.db()?)?;
    if let Some(permission) = permission {
        staff.require(permission)?;
    }
    Ok(staff)
}

/// The recipient behind the request.
fn the_recipient(call: &Call) -> Result<Recipient, Problem> {
    recipient::recipient(call.req, call.db()?)
}

/// The scheduler's bearer token, compared in constant time.
fn the_scheduler(req: &Request) -> Result<(), Problem> {
    use subtle::ConstantTimeEq;
    let expected = zige_store::settings::text("scheduler_token")?;
    let given = request::bearer(req).unwrap_or_default();
    if expected.is_empty() || !bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        return Err(Problem::new(401, "unauthorised", "需要调度令牌", "The scheduler token is missing or wrong"));
    }
    Ok(())
}

/// Sends a whole response.
async fn send(out: ResponseOutparam, mut response: Response) {
    let body = std::mem::take(response.body_mut());
    match OutgoingResponse::try_from(response) {
        Ok(outgoing) => {
            if let Err(e) = out.set_with_body(outgoing, body).await {
                eprintln!("sending a response failed: {e}");
            }
        }
        Err(e) => eprintln!("a response could not be made: {e}"),
    }
}

/// Sends an export part by part. Once the headers are sent a failure can
/// only cut the file short, which the client sees.
async fn stream(out: ResponseOutparam, export: Export<'_>) {
    let outgoing = match OutgoingResponse::try_from(export.head) {
        Ok(outgoing) => outgoing,
        Err(e) => return eprintln!("an export could not be started: {e}"),
    };
    let mut body = outgoing.take_body();
    out.set(outgoing);
    for part in export.parts {
        let sent = match part {
            Ok(bytes) => body.send(bytes).await.map_err(anyhow::Error::from),
            Err(e) => Err(e),
        };
        if let Err(e) = sent {
            return eprintln!("an export was cut short: {e:#}");
        }
    }
    if let Err(e) = body.close().await {
        eprintln!("an export did not close: {e}");
    }
}
