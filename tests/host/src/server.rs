//! The HTTP trigger: accepts connections, routes each request, sets Spin's
//! headers, runs a fresh instance of the component and logs one line.
//!
//! Limits a slow or oversized client meets before any component runs:
//! headers within [`HEADER_READ_TIME`], a body of at most
//! [`MAX_REQUEST_BODY`] within [`BODY_READ_TIME`]. The components bound
//! each route's body themselves (`zige_http::request::Bounded`), on
//! zige-host and on real Spin alike; real Spin 4.0.2 has neither of these
//! host limits, so in production the ingress in front of it sets them.

use crate::app::App;
use anyhow::Result;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use wasmtime_wasi_http::WasiHttpView;
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

/// The largest request body any route takes: the roster file (48 MiB) and
/// an archive copy to verify (144 MiB) are the largest, bounded again per
/// route by the component.
pub const MAX_REQUEST_BODY: u64 = 160 << 20;
/// How long a client may take to send its request's headers.
pub const HEADER_READ_TIME: Duration = Duration::from_secs(30);
/// How long a client may take to send a request's body.
pub const BODY_READ_TIME: Duration = Duration::from_secs(300);

/// Serves the app on `listener` until the task is dropped.
pub async fn serve(app: Arc<App>, listener: TcpListener) -> Result<()> {
    loop {
        let (stream, client) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                eprintln!("zige-host: accept failed: {e}");
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let app = app.clone();
                async move { Ok::<_, std::convert::Infallible>(handle(app, req, client).await) }
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIME)
                .keep_alive(true)
                .serve_connection(io, service)
                .await;
        });
    }
}

fn plain(status: StatusCode, body: &'static str) -> Response<HyperOutgoingBody> {
    let body = Full::new(Bytes::from_static(body.as_bytes())).map_err(|never| match never {}).boxed_unsync();
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response
}

/// Handles one request and logs it: method, path (never the query or body),
/// component, status and duration.
pub async fn handle(app: Arc<App>, req: Request<Incoming>, client: SocketAddr) -> Response<HyperOutgoingBody> {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let (component, response) = dispatch(&app, req, client).await;
    eprintln!(
        "{method} {path} {} {} {:.1}ms",
        component.as_deref().unwrap_or("-"),
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

async fn dispatch(app: &App, mut req: Request<Incoming>, client: SocketAddr) -> (Option<String>, Response<HyperOutgoingBody>) {
    let path = req.uri().path().to_string();
    if let Some(rest) = path.strip_prefix("/.well-known/spin/") {
        return (
            None,
            match rest {
                "health" => plain(StatusCode::OK, "OK"),
                _ => plain(StatusCode::NOT_FOUND, ""),
            },
        );
    }
    let Some(matched) = app.router.route(&path) else {
        return (None, plain(StatusCode::NOT_FOUND, ""));
    };
    let component_id = matched.component.to_string();
    let Some(component) = app.components.get(&component_id) else {
        return (Some(component_id), plain(StatusCode::INTERNAL_SERVER_ERROR, ""));
    };

    let host = req.headers().get(hyper::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost").to_string();
    let path_and_query = req.uri().path_and_query().map_or("/", |p| p.as_str()).to_string();
    // Spin answers a request target with raw non-ASCII bytes (not
    // percent-encoded) with an empty 400.
    if !path_and_query.is_ascii() {
        return (Some(component_id), plain(StatusCode::BAD_REQUEST, ""));
    }
    let full_url = format!("http://{host}{path_and_query}");
    let mut spin_headers = vec![
        ("spin-full-url".to_string(), full_url.clone()),
        ("spin-path-info".to_string(), matched.path_info.clone()),
        ("spin-matched-route".to_string(), matched.based_route.to_string()),
        ("spin-base-path".to_string(), "/".to_string()),
        ("spin-raw-component-route".to_string(), matched.raw_route.to_string()),
        ("spin-component-route".to_string(), matched.component_route().to_string()),
        ("spin-client-addr".to_string(), client.to_string()),
    ];
    spin_headers.extend(matched.params.iter().map(|(name, value)| (crate::routes::param_header(name), value.clone())));
    let headers = req.headers_mut();
    headers.remove(hyper::header::CONNECTION);
    for (name, value) in spin_headers {
        // Spin appends: a client-sent value of the same name comes first.
        if let (Ok(name), Ok(value)) = (hyper::header::HeaderName::try_from(name), hyper::header::HeaderValue::try_from(value)) {
            headers.append(name, value);
        }
    }
    match full_url.parse() {
        Ok(uri) => *req.uri_mut() = uri,
        Err(_) => return (Some(component_id), plain(StatusCode::BAD_REQUEST, "")),
    }

    let declared = req.headers().get(hyper::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_REQUEST_BODY) {
        return (Some(component_id), plain(StatusCode::PAYLOAD_TOO_LARGE, ""));
    }
    let result = run(app, component, req.map(LimitedBody::new)).await;
    match result {
        Ok(response) => (Some(component_id), response),
        Err(e) => {
            eprintln!("zige-host: component {component_id:?} failed: {e:#}");
            (Some(component_id), plain(StatusCode::INTERNAL_SERVER_ERROR, ""))
        }
    }
}

/// A request body as the component reads it: an error once it passes
/// [`MAX_REQUEST_BODY`] or takes longer than [`BODY_READ_TIME`], so a body
/// without a declared length and a client that trickles are cut off too.
struct LimitedBody {
    inner: Incoming,
    left: u64,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl LimitedBody {
    fn new(inner: Incoming) -> Self {
        Self { inner, left: MAX_REQUEST_BODY, deadline: Box::pin(tokio::time::sleep(BODY_READ_TIME)) }
    }
}

impl hyper::body::Body for LimitedBody {
    type Data = Bytes;
    type Error = wasmtime_wasi_http::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<hyper::body::Frame<Bytes>, Self::Error>>> {
        if self.deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(wasmtime_wasi_http::Error::ConnectionReadTimeout)));
        }
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                let size = frame.data_ref().map_or(0, |data| data.len() as u64);
                if size > self.left {
                    return Poll::Ready(Some(Err(wasmtime_wasi_http::Error::HttpRequestBodySize(None))));
                }
                self.left -= size;
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.into()))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

async fn run(app: &App, component: &crate::runtime::Loaded, req: Request<LimitedBody>) -> Result<Response<HyperOutgoingBody>> {
    let mut store = component.new_store(&app.runtime.engine, &app.shared)?;
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let request = store.data_mut().http().new_incoming_request(Scheme::Http, req).map_err(anyhow::Error::from)?;
    let outparam = store.data_mut().http().new_response_outparam(sender).map_err(anyhow::Error::from)?;
    let pre = component.pre.clone();
    // The guest may keep streaming the body after it has sent the response
    // head, so it runs in a task of its own.
    let task = tokio::spawn(async move {
        let proxy = pre.instantiate_async(&mut store).await?;
        proxy.wasi_http_incoming_handler().call_handle(&mut store, request, outparam).await
    });
    match receiver.await {
        Ok(Ok(response)) => Ok(response),
        Ok(Err(code)) => anyhow::bail!("the component answered with error code {code:?}"),
        Err(_) => {
            let outcome = task.await?;
            match outcome {
                Ok(()) => anyhow::bail!("the component returned without sending a response"),
                Err(trap) => Err(anyhow::Error::from(trap)),
            }
        }
    }
}
