//! `spin.toml` (manifest version 2): the subset of fields zige's host honours,
//! with Spin's own rules for unknown fields and variable names.

use anyhow::{Context, Result, anyhow, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub spin_manifest_version: u32,
    pub application: Application,
    #[serde(default)]
    pub variables: BTreeMap<String, VariableDecl>,
    #[serde(default)]
    pub trigger: Triggers,
    #[serde(default)]
    pub component: BTreeMap<String, Component>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    pub name: String,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub trigger: Option<toml::Table>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariableDecl {
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub secret: bool,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Triggers {
    #[serde(default)]
    pub http: Vec<HttpTrigger>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpTrigger {
    #[serde(default)]
    pub id: Option<String>,
    pub route: RouteSpec,
    pub component: String,
    #[serde(default)]
    pub executor: Option<toml::Table>,
}

/// A route, or `{ private = true }` for components reachable only from
/// inside the app.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RouteSpec {
    Path(String),
    Private { private: bool },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub source: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    #[serde(default)]
    pub environment: BTreeMap<String, String>,
    #[serde(default)]
    pub files: Vec<FileMount>,
    #[serde(default)]
    pub exclude_files: Vec<String>,
    #[serde(default)]
    pub allowed_outbound_hosts: Vec<String>,
    #[serde(default)]
    pub key_value_stores: Vec<String>,
    #[serde(default)]
    pub sqlite_databases: Vec<String>,
    #[serde(default)]
    pub build: Option<Build>,
}

/// A `files` entry: a path or glob relative to the app root, or a mapping of
/// a source directory or file to a destination in the guest.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum FileMount {
    Pattern(String),
    Mapping { source: String, destination: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Build {
    pub command: Commands,
    #[serde(default)]
    pub workdir: Option<String>,
    #[serde(default)]
    pub watch: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Commands {
    One(String),
    Many(Vec<String>),
}

impl Commands {
    pub fn list(&self) -> Vec<String> {
        match self {
            Self::One(c) => vec![c.clone()],
            Self::Many(c) => c.clone(),
        }
    }
}

/// Spin's variable-name rule: lower-case letters, digits and underscores,
/// starting with a letter, not ending with `_`, no `__`.
pub fn check_variable_name(name: &str) -> std::result::Result<(), String> {
    if name.is_empty() {
        return Err(format!("{name:?}: variable names must not be empty"));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')) {
        return Err(format!(
            "{name:?}: invalid character {c:?}. Variable names may contain only lower-case letters, numbers, and underscores."
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(format!("{name:?}: variable names must start with a letter"));
    }
    if name.ends_with('_') {
        return Err(format!("{name:?}: variable names must end with a letter or number"));
    }
    if name.contains("__") {
        return Err(format!("{name:?}: variable names must not contain multiple consecutive underscores"));
    }
    Ok(())
}

impl Manifest {
    /// Reads and checks a manifest as Spin would before starting the app.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let manifest: Manifest = toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        if manifest.spin_manifest_version != 2 {
            bail!("only spin_manifest_version = 2 is supported");
        }
        for (name, decl) in &manifest.variables {
            check_variable_name(name).map_err(|e| anyhow!(e))?;
            if decl.required == decl.default.is_some() {
                bail!("variable {name:?} must be `required` OR have a `default`");
            }
        }
        for trigger in &manifest.trigger.http {
            if !manifest.component.contains_key(&trigger.component) {
                bail!("trigger for route {:?} names unknown component {:?}", trigger.route, trigger.component);
            }
        }
        for (id, component) in &manifest.component {
            for (name, template) in &component.variables {
                check_variable_name(name).map_err(|e| anyhow!("component {id:?}: {e}"))?;
                for referenced in crate::variables::template_references(template)? {
                    if !manifest.variables.contains_key(&referenced) {
                        bail!("component {id:?} variable {name:?} refers to unknown variable {referenced:?}");
                    }
                }
            }
            for host in &component.allowed_outbound_hosts {
                // An entry may use application variables; it is checked once expanded, at load.
                let referenced = crate::variables::template_references(host)?;
                if let Some(unknown) = referenced.iter().find(|v| !manifest.variables.contains_key(*v)) {
                    bail!("component {id:?} allowed_outbound_hosts entry {host:?} refers to unknown variable {unknown:?}");
                }
                if referenced.is_empty() {
                    crate::outbound::AllowedHost::parse(host).with_context(|| format!("component {id:?}"))?;
                }
            }
        }
        Ok(manifest)
    }
}

/// The directory holding the manifest: every relative path in it is relative
/// to this.
pub fn app_root(manifest_path: &Path) -> PathBuf {
    let root = manifest_path.parent().map(Path::to_path_buf).filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| PathBuf::from("."));
    // Absolute, as Spin makes it: file mounts and globs then name the same
    // paths whether the manifest was given as `spin.toml` or in full.
    std::path::absolute(&root).unwrap_or(root)
}
