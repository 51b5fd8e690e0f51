//! Spin variables: application-level declarations, component templates
//! (`{{ name }}`), and providers in Spin's order: `--variable` values, then
//! `SPIN_VARIABLE_<NAME>` environment variables, then the declared default.

use anyhow::{Result, bail};
use std::collections::BTreeMap;

/// Names referenced by `{{ name }}` placeholders in a template.
pub fn template_references(template: &str) -> Result<Vec<String>> {
    Ok(parse_template(template)?
        .into_iter()
        .filter_map(|p| match p {
            Part::Var(v) => Some(v),
            Part::Lit(_) => None,
        })
        .collect())
}

enum Part {
    Lit(String),
    Var(String),
}

fn parse_template(template: &str) -> Result<Vec<Part>> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        parts.push(Part::Lit(rest[..start].to_string()));
        let Some(end) = rest[start + 2..].find("}}") else {
            bail!("unmatched '{{{{' in template {template:?}");
        };
        parts.push(Part::Var(rest[start + 2..start + 2 + end].trim().to_string()));
        rest = &rest[start + 2 + end + 2..];
    }
    parts.push(Part::Lit(rest.to_string()));
    Ok(parts)
}

/// Why a variable could not be read; mirrors `fermyon:spin/variables.error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariableError {
    InvalidName(String),
    Undefined(String),
    Provider(String),
    Other(String),
}

/// Resolves variables for every component of one app.
#[derive(Debug, Clone)]
pub struct Resolver {
    /// Application variables: name → resolved value, or `None` when no
    /// provider and no default has one (a required variable left unset).
    values: BTreeMap<String, Option<String>>,
}

impl Resolver {
    /// Resolves every application variable once at start-up, from
    /// `--variable` values (`cli`, last one wins), then the environment, then
    /// the declared default.
    pub fn new(
        declared: &BTreeMap<String, crate::manifest::VariableDecl>,
        cli: &[(String, String)],
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self> {
        let mut values = BTreeMap::new();
        for (name, decl) in declared {
            let from_cli = cli.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone());
            let value = from_cli.or_else(|| env(&format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase()))).or_else(|| decl.default.clone());
            if value.is_none() && decl.required {
                bail!(
                    "no provider resolved required variable {name:?}; set SPIN_VARIABLE_{} or --variable {name}=...",
                    name.to_ascii_uppercase()
                );
            }
            values.insert(name.clone(), value);
        }
        Ok(Self { values })
    }

    /// An application variable's resolved value, for the host itself (the
    /// schedule's bearer token).
    pub fn app_value(&self, name: &str) -> Option<String> {
        self.values.get(name).cloned().flatten()
    }

    /// `get(name)` as a component sees it: the component's own template
    /// expanded with application variables.
    pub fn get(
        &self,
        component_id: &str,
        component_vars: &BTreeMap<String, String>,
        name: &str,
    ) -> std::result::Result<String, VariableError> {
        crate::manifest::check_variable_name(name).map_err(VariableError::InvalidName)?;
        let template =
            component_vars.get(name).ok_or_else(|| VariableError::Undefined(format!("no variable for {component_id:?}.{name:?}")))?;
        self.expand(template)
    }

    /// A template expanded with application variables, as Spin expands
    /// component variables and `allowed_outbound_hosts` entries.
    pub fn expand(&self, template: &str) -> std::result::Result<String, VariableError> {
        let parts = parse_template(template).map_err(|e| VariableError::Other(e.to_string()))?;
        let mut out = String::new();
        for part in parts {
            match part {
                Part::Lit(text) => out.push_str(&text),
                Part::Var(var) => match self.values.get(&var) {
                    Some(Some(value)) => out.push_str(value),
                    _ => {
                        return Err(VariableError::Provider(format!("no provider resolved required variable {var:?}")));
                    }
                },
            }
        }
        Ok(out)
    }
}
