//! The keys zige runs on (R8.1). spin.toml ships development values of
//! `pii_key` and `secrets_key` that anyone can read in the repository. In
//! production (neither `demo_mode` nor `tick_as_of_enabled` on) zige
//! refuses to touch personal data until every key and secret is strong;
//! and the two development switches run only with the development keys,
//! so that they cannot be left on in production.

/// A configured secret and whether zige needs it at all. A secret that is
/// not needed may be empty: its feature is then off (no recipients' login
/// without `idp_secret`, no timers without `scheduler_token`, …).
struct Secret {
    variable: &'static str,
    required: bool,
}

const SECRETS: [Secret; 6] = [
    Secret { variable: "pii_key", required: true },
    Secret { variable: "secrets_key", required: true },
    Secret { variable: "idp_secret", required: false },
    Secret { variable: "face_provider_secret", required: false },
    Secret { variable: "scheduler_token", required: false },
    Secret { variable: "bootstrap_admin_password", required: false },
];

/// The shortest secret accepted in production.
pub const MIN_LENGTH: usize = 32;
/// The fewest different characters a production secret may have.
pub const MIN_DISTINCT: usize = 12;
/// Words that mark a published example value (spin.toml's development keys,
/// the Kubernetes Secret's placeholders), matched with `-` and `_` read as
/// spaces.
const EXAMPLE_MARKERS: [&str; 3] = ["change me", "replace with", "development"];

/// What is wrong with a secret's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weakness {
    /// A published example value.
    Example,
    /// Shorter than [`MIN_LENGTH`].
    Short,
    /// Fewer than [`MIN_DISTINCT`] different characters.
    Repetitive,
}

/// Judges a secret's value for production; `None` when it is strong.
pub fn weakness(value: &str) -> Option<Weakness> {
    let words = value.to_lowercase().replace(['-', '_'], " ");
    if EXAMPLE_MARKERS.iter().any(|marker| words.contains(marker)) {
        Some(Weakness::Example)
    } else if value.chars().count() < MIN_LENGTH {
        Some(Weakness::Short)
    } else if value.chars().collect::<std::collections::BTreeSet<_>>().len() < MIN_DISTINCT {
        Some(Weakness::Repetitive)
    } else {
        None
    }
}

/// Why zige will not touch personal data with this configuration; health
/// answers 503 with it, and so does every request that opens the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsafeKeys {
    /// The variable to set.
    pub variable: &'static str,
    pub detail_zh: String,
    pub detail_en: String,
}

impl std::fmt::Display for UnsafeKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.detail_en)
    }
}

impl std::error::Error for UnsafeKeys {}

/// Checks the configuration, given how to read a variable: `None` when this
/// component is not given it (Spin grants variables per component). Every
/// component that opens the database is given the two switches and
/// `pii_key`; the status component, whose health check reports, is given
/// every secret.
pub fn check_with(read: impl Fn(&str) -> Option<String>) -> Result<(), UnsafeKeys> {
    let on = |name: &str| read(name).is_some_and(|v| v.trim() == "true");
    let development = on("demo_mode") || on("tick_as_of_enabled");
    for secret in &SECRETS {
        let Some(value) = read(secret.variable) else { continue };
        let weakness = weakness(&value);
        let refusal = |zh: String, en: String| Err(UnsafeKeys { variable: secret.variable, detail_zh: zh, detail_en: en });
        let name = secret.variable;
        if development {
            // The development switches must not meet real keys.
            if secret.required && weakness != Some(Weakness::Example) {
                return refusal(
                    format!("demo_mode 或 tick_as_of_enabled 只能与开发密钥一起使用：请关闭它们，或把 {name} 改回开发值"),
                    format!("demo_mode and tick_as_of_enabled run only with the development keys: turn them off, or set {name} back"),
                );
            }
        } else if value.is_empty() {
            if secret.required {
                return refusal(
                    format!("请设置变量 {name}（至少{MIN_LENGTH}个字符的随机值）"),
                    format!("Set the variable {name} (a random value of at least {MIN_LENGTH} characters)"),
                );
            }
        } else if let Some(weakness) = weakness {
            let (zh, en) = match weakness {
                Weakness::Example => ("是公开的示例值", "is a published example value"),
                Weakness::Short => ("太短", "is too short"),
                Weakness::Repetitive => ("重复字符太多", "repeats too few characters"),
            };
            return refusal(
                format!("变量 {name} {zh}：请设置至少{MIN_LENGTH}个字符的随机值"),
                format!("The variable {name} {en}: set a random value of at least {MIN_LENGTH} characters"),
            );
        }
    }
    Ok(())
}

/// Checks the Spin variables of this component.
pub fn check() -> Result<(), UnsafeKeys> {
    check_with(|name| spin_sdk::variables::get(name).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const STRONG: &str = "k3Jx9-Qz7Lm2Vb8Np4Rt6Wy1Hc5Df0Gs";

    fn config(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn r8_1_secrets_are_judged_for_production() {
        let cases = [
            ("zige-development-key-change-me", Some(Weakness::Example)),
            ("replace-with-a-long-random-value-for-the-secret", Some(Weakness::Example)),
            ("replace with 64 random hex characters", Some(Weakness::Example)),
            ("short", Some(Weakness::Short)),
            ("abababababababababababababababababab", Some(Weakness::Repetitive)),
            (STRONG, None),
        ];
        for (value, expected) in cases {
            assert_eq!(weakness(value), expected, "{value}");
        }
    }

    #[test]
    fn r8_1_production_needs_strong_keys_and_development_switches_need_development_keys() {
        let development_keys = [("pii_key", "zige-development-key-change-me"), ("secrets_key", "zige-development-secrets-key-change-me")];
        let strong_keys = [("pii_key", STRONG), ("secrets_key", STRONG)];
        let cases: Vec<(Vec<(&str, &str)>, Option<&str>)> = vec![
            (development_keys.to_vec(), Some("pii_key")),
            ([&development_keys[..], &[("demo_mode", "true")]].concat(), None),
            ([&development_keys[..], &[("tick_as_of_enabled", "true"), ("idp_secret", "short")]].concat(), None),
            (strong_keys.to_vec(), None),
            ([&strong_keys[..], &[("demo_mode", "true")]].concat(), Some("pii_key")),
            ([&strong_keys[..], &[("scheduler_token", "short")]].concat(), Some("scheduler_token")),
            ([&strong_keys[..], &[("bootstrap_admin_password", "Admin-Passw0rd")]].concat(), Some("bootstrap_admin_password")),
            ([&strong_keys[..], &[("idp_secret", STRONG)]].concat(), None),
            ([&strong_keys[..], &[("secrets_key", "")]].concat(), Some("secrets_key")),
            (vec![("pii_key", STRONG)], None),
        ];
        for (pairs, refused) in cases {
            assert_eq!(check_with(config(&pairs)).err().map(|e| e.variable), refused, "{pairs:?}");
        }
    }
}
