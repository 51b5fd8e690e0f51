//! The command line: `zige-host up` serves a Spin app like `spin up`;
//! `zige-host build` runs its build commands like `spin build`. Shared by
//! the `zige-host` binary and the test harness's own copy of it.

use crate::schedule::Schedule;
use anyhow::{Context, Result, bail};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

const USAGE: &str = "usage:
  zige-host up [-f spin.toml] [--build] [--listen 127.0.0.1:3000] [--state-dir DIR]
               [--runtime-config-file FILE] [--variable NAME=VALUE|NAME=@FILE]...
               [--schedule PATH@SECONDS]... [--schedule-token-variable NAME]
               [--compile-cache DIR]
  zige-host build [-f spin.toml]";

struct Cli {
    command: String,
    options: crate::Options,
    build: bool,
    listen: SocketAddr,
    schedules: Vec<Schedule>,
    token_variable: String,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Cli> {
    let command = args.next().unwrap_or_default();
    if command != "up" && command != "build" {
        bail!("{USAGE}");
    }
    let mut cli = Cli {
        command,
        options: crate::Options { manifest: PathBuf::from("spin.toml"), ..Default::default() },
        build: false,
        listen: "127.0.0.1:3000".parse()?,
        schedules: Vec::new(),
        token_variable: "scheduler_token".into(),
    };
    while let Some(flag) = args.next() {
        let mut value = || args.next().with_context(|| format!("{flag} needs a value\n{USAGE}"));
        match flag.as_str() {
            "-f" | "--from" => cli.options.manifest = PathBuf::from(value()?),
            "--build" => cli.build = true,
            "--listen" => cli.listen = value()?.parse().context("--listen takes ADDRESS:PORT")?,
            "--state-dir" => cli.options.state_dir = Some(PathBuf::from(value()?)),
            "--runtime-config-file" => cli.options.runtime_config = Some(PathBuf::from(value()?)),
            "--compile-cache" => cli.options.compile_cache = Some(PathBuf::from(value()?)),
            "--variable" => {
                let pair = value()?;
                let (name, raw) = pair.split_once('=').with_context(|| format!("--variable {pair:?}: expected NAME=VALUE"))?;
                let resolved = match raw.strip_prefix('@') {
                    Some(file) => std::fs::read_to_string(file).with_context(|| format!("reading {file}"))?,
                    None => raw.to_string(),
                };
                cli.options.variables.push((name.to_string(), resolved));
            }
            "--schedule" => cli.schedules.push(Schedule::parse(&value()?).map_err(anyhow::Error::msg)?),
            "--schedule-token-variable" => cli.token_variable = value()?,
            other => bail!("unknown option {other:?}\n{USAGE}"),
        }
    }
    Ok(cli)
}

/// Runs the command the process was started with.
pub fn main() -> Result<()> {
    let cli = parse_args(std::env::args().skip(1))?;
    if cli.command == "build" || cli.build {
        crate::app::build(&cli.options.manifest)?;
        if cli.command == "build" {
            return Ok(());
        }
    }
    let app = Arc::new(crate::App::load(&cli.options)?);
    let token = app.shared.variables.app_value(&cli.token_variable);
    tokio::runtime::Builder::new_multi_thread().worker_threads(8).enable_all().build()?.block_on(async move {
        let running = crate::start(app, cli.listen).await?;
        eprintln!("zige-host: serving {} on http://{}", running.app.name, running.addr);
        for route in running.app.router.routes() {
            eprintln!("  http://{}{} -> {}", running.addr, route.raw, route.component);
        }
        for schedule in cli.schedules {
            tokio::spawn(crate::schedule::run(schedule, running.addr, token.clone()));
        }
        tokio::signal::ctrl_c().await?;
        eprintln!("zige-host: stopping");
        Ok(())
    })
}
