//! The schedule option: calls a route of the app every N seconds with a
//! bearer token, standing in for the Kubernetes CronJob or hosted cron that
//! calls zige's deadline timers in production.

use std::net::SocketAddr;
use std::time::Duration;

/// One scheduled call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub path: String,
    pub every: Duration,
}

impl Schedule {
    /// Parses `PATH@SECONDS`, e.g. `/internal/tick@60`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (path, secs) = text.rsplit_once('@').ok_or_else(|| format!("{text:?}: expected PATH@SECONDS"))?;
        let secs: u64 = secs.parse().map_err(|_| format!("{text:?}: {secs:?} is not a number of seconds"))?;
        if !path.starts_with('/') || secs == 0 {
            return Err(format!("{text:?}: the path must start with / and the interval be at least 1 s"));
        }
        Ok(Self { path: path.to_string(), every: Duration::from_secs(secs) })
    }
}

/// Calls `POST path` on the app at `addr` every interval, with
/// `Authorization: Bearer <token>`, logging the status of each call.
pub async fn run(schedule: Schedule, addr: SocketAddr, token: Option<String>) {
    let mut interval = tokio::time::interval(schedule.every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        match call(&schedule.path, addr, token.as_deref()).await {
            Ok(status) => eprintln!("zige-host: schedule POST {} -> {status}", schedule.path),
            Err(e) => eprintln!("zige-host: schedule POST {} failed: {e}", schedule.path),
        }
    }
}

async fn call(path: &str, addr: SocketAddr, token: Option<&str>) -> anyhow::Result<u16> {
    use http_body_util::{BodyExt, Empty};
    let stream = tokio::net::TcpStream::connect(addr).await?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let mut request = hyper::Request::post(path).header(hyper::header::HOST, addr.to_string());
    if let Some(token) = token {
        request = request.header(hyper::header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let response = sender.send_request(request.body(Empty::<bytes::Bytes>::new())?).await?;
    let status = response.status().as_u16();
    response.into_body().collect().await?;
    Ok(status)
}
