//! Loading a Spin app from its manifest: variables, stores, routes, files
//! and compiled components, as `spin up` would.

use crate::manifest::{FileMount, Manifest, RouteSpec};
use crate::outbound::AllowedHost;
use crate::routes::Router;
use crate::runtime::{ComponentConfig, Loaded, Runtime, Shared};
use crate::state::{Databases, KeyValue, Location};
use crate::variables::Resolver;
use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How to start the app; mirrors `spin up`'s options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub manifest: PathBuf,
    /// `--state-dir`; `None` means `.spin` beside the manifest.
    pub state_dir: Option<PathBuf>,
    /// `--runtime-config-file`.
    pub runtime_config: Option<PathBuf>,
    /// `--variable name=value`, in order.
    pub variables: Vec<(String, String)>,
    /// Where precompiled components are cached between runs.
    pub compile_cache: Option<PathBuf>,
}

/// The runtime-config subset: file paths for key-value stores and SQLite
/// databases of type `spin`, and `state_dir`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuntimeConfig {
    #[serde(default)]
    state_dir: Option<String>,
    #[serde(default)]
    key_value_store: BTreeMap<String, StoreConfig>,
    #[serde(default)]
    sqlite_database: BTreeMap<String, StoreConfig>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoreConfig {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    path: Option<String>,
}

/// A loaded app, ready to serve.
pub struct App {
    pub name: String,
    pub version: Option<String>,
    pub router: Router,
    pub components: BTreeMap<String, Loaded>,
    pub runtime: Runtime,
    pub shared: Shared,
    /// Copies of the files each component may read, removed with the app.
    _assets: Option<tempfile::TempDir>,
}

impl App {
    /// Loads the manifest, opens state and compiles every component.
    pub fn load(options: &Options) -> Result<Self> {
        let manifest = Manifest::load(&options.manifest)?;
        let root = crate::manifest::app_root(&options.manifest);
        if let Some(base) = manifest.application.trigger.as_ref().and_then(|t| t.get("http")).and_then(|h| h.get("base")) {
            if base.as_str() != Some("/") {
                bail!("the deprecated trigger 'base' field is not supported: prepend it to each route");
            }
        }
        let variables = Resolver::new(&manifest.variables, &options.variables, |k| std::env::var(k).ok())?;

        let runtime_config: RuntimeConfig = match &options.runtime_config {
            Some(path) => toml::from_str(&std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?)
                .with_context(|| format!("parsing {}", path.display()))?,
            None => RuntimeConfig::default(),
        };
        let config_dir = options.runtime_config.as_deref().and_then(Path::parent).map(Path::to_path_buf).unwrap_or_default();
        let state_dir = match (&options.state_dir, &runtime_config.state_dir) {
            (Some(dir), _) if dir.as_os_str().is_empty() => None,
            (Some(dir), _) => Some(std::path::absolute(dir)?),
            (None, Some(dir)) if dir.is_empty() => None,
            (None, Some(dir)) => Some(std::path::absolute(config_dir.join(dir))?),
            (None, None) => Some(std::path::absolute(root.join(".spin"))?),
        };
        let (default_kv, default_db) = crate::state::default_locations(state_dir.as_deref());
        let mut kv_locations = BTreeMap::from([("default".to_string(), default_kv)]);
        for (label, store) in &runtime_config.key_value_store {
            if store.kind != "spin" {
                bail!("key-value store {label:?}: only type \"spin\" runs locally (use Redis/Valkey on SpinKube)");
            }
            // Relative key-value paths are relative to the runtime-config file.
            let location = store.path.as_ref().map(|p| Location::File(config_dir.join(p))).unwrap_or(Location::Memory);
            kv_locations.insert(label.clone(), location);
        }
        let mut db_locations = BTreeMap::from([("default".to_string(), default_db)]);
        for (label, db) in &runtime_config.sqlite_database {
            if db.kind != "spin" {
                bail!("sqlite database {label:?}: only type \"spin\" runs locally (use libSQL on SpinKube)");
            }
            // Relative SQLite paths are relative to the working directory.
            let location = db.path.as_ref().map(|p| Location::File(PathBuf::from(p))).unwrap_or(Location::Memory);
            db_locations.insert(label.clone(), location);
        }
        for (id, component) in &manifest.component {
            for label in &component.key_value_stores {
                if !kv_locations.contains_key(label) {
                    bail!("unknown key_value_stores label {label:?} for component {id:?}");
                }
            }
            for label in &component.sqlite_databases {
                if !db_locations.contains_key(label) {
                    bail!("component {id:?} uses SQLite database {label:?} which is not defined");
                }
            }
        }
        let shared = Shared { kv: KeyValue::open(&kv_locations)?, db: Databases::open(&db_locations)?, variables: Arc::new(variables) };

        let mut routes = Vec::new();
        for trigger in &manifest.trigger.http {
            match &trigger.route {
                RouteSpec::Path(route) => routes.push((route.as_str(), trigger.component.as_str())),
                RouteSpec::Private { private: true } => {}
                RouteSpec::Private { private: false } => {
                    bail!("route must be a string pattern or '{{ private = true }}': {:?} has {{ private = false }}", trigger.component)
                }
            }
        }
        let router = Router::new(routes)?;

        let runtime = Runtime::new()?;
        let needs_assets = manifest.component.values().any(|c| !c.files.is_empty());
        let assets = if needs_assets { Some(tempfile::Builder::new().prefix("zige-host-assets").tempdir()?) } else { None };
        let mut components = BTreeMap::new();
        for (id, component) in &manifest.component {
            let files_root = match &assets {
                Some(dir) if !component.files.is_empty() => {
                    let target = dir.path().join(id);
                    copy_files(&root, &component.files, &component.exclude_files, &target)
                        .with_context(|| format!("component {id:?} files"))?;
                    Some(target)
                }
                _ => None,
            };
            let config = ComponentConfig {
                id: id.clone(),
                key_value_stores: component.key_value_stores.clone(),
                sqlite_databases: component.sqlite_databases.clone(),
                variables: component.variables.clone(),
                environment: component.environment.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                allowed_outbound_hosts: component
                    .allowed_outbound_hosts
                    .iter()
                    .map(|h| {
                        let expanded = shared.variables.expand(h).map_err(|e| anyhow::anyhow!("{e:?}"))?;
                        AllowedHost::parse(&expanded).with_context(|| format!("component {id:?} allowed_outbound_hosts {h:?}"))
                    })
                    .collect::<Result<_>>()?,
                files_root,
            };
            let loaded = runtime.load(&root.join(&component.source), options.compile_cache.as_deref(), config)?;
            components.insert(id.clone(), loaded);
        }
        Ok(Self {
            name: manifest.application.name.clone(),
            version: manifest.application.version.clone(),
            router,
            components,
            runtime,
            shared,
            _assets: assets,
        })
    }
}

/// Copies a component's `files` into `target`, as Spin's default copy
/// strategy does: plain paths and globs keep their path relative to the app
/// root; `{ source, destination }` maps a file or directory to a guest path.
fn copy_files(root: &Path, files: &[FileMount], exclude: &[String], target: &Path) -> Result<()> {
    let excluded = |rel: &Path| exclude.iter().any(|p| glob::Pattern::new(p).is_ok_and(|p| p.matches_path(rel)));
    let copy = |from: &Path, to: &Path| -> Result<()> {
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::copy(from, to).with_context(|| format!("copying {}", from.display()))?;
        Ok(())
    };
    for mount in files {
        match mount {
            FileMount::Pattern(pattern) => {
                if pattern == "." || pattern == ".." || pattern.ends_with("/.") || pattern.ends_with("/..") {
                    bail!("file pattern {pattern:?} is not allowed");
                }
                let path = root.join(pattern);
                let glob_pattern = if path.is_dir() { format!("{}/**/*", path.display()) } else { path.display().to_string() };
                for entry in glob::glob(&glob_pattern)? {
                    let file = entry?;
                    if !file.is_file() {
                        continue;
                    }
                    let rel = file.strip_prefix(root).context("file outside the app root")?;
                    if !excluded(rel) {
                        copy(&file, &target.join(rel))?;
                    }
                }
            }
            FileMount::Mapping { source, destination } => {
                let from = root.join(source);
                let dest = target.join(destination.trim_start_matches('/'));
                if from.is_dir() {
                    for entry in glob::glob(&format!("{}/**/*", from.display()))? {
                        let file = entry?;
                        if file.is_file() {
                            copy(&file, &dest.join(file.strip_prefix(&from)?))?;
                        }
                    }
                } else {
                    copy(&from, &dest)?;
                }
            }
        }
    }
    Ok(())
}

/// Runs each component's `[component.X.build]` commands, as `spin build`.
pub fn build(manifest_path: &Path) -> Result<()> {
    let manifest = Manifest::load(manifest_path)?;
    let root = crate::manifest::app_root(manifest_path);
    for (id, component) in &manifest.component {
        let Some(build) = &component.build else {
            continue;
        };
        let workdir = root.join(build.workdir.as_deref().unwrap_or("."));
        for command in build.command.list() {
            eprintln!("zige-host: building {id}: {command}");
            let status = std::process::Command::new("sh")
                .arg("-c")
                .arg(&command)
                .current_dir(&workdir)
                .status()
                .with_context(|| format!("running {command:?}"))?;
            if !status.success() {
                bail!("build of component {id:?} failed: {command:?} exited with {status}");
            }
        }
    }
    Ok(())
}
