//! The operator's settings: Spin variables, read into a typed struct where
//! a component starts its work. Their defaults are written once, in
//! spin.toml's `[variables]`; a value that does not read is an error naming
//! the variable (logged; the caller gets a bare 500), never a default of the
//! code's own. Natively (benchmarks, tools) a variable is the
//! `SPIN_VARIABLE_<NAME>` environment variable Spin itself reads.

use anyhow::{Context, Result};
use std::str::FromStr;

/// A variable's text; natively `None` when it is not set.
pub fn variable(name: &str) -> Result<Option<String>> {
    #[cfg(target_arch = "wasm32")]
    {
        spin_sdk::variables::get(name).map(Some).with_context(|| format!("reading the {name} variable"))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        Ok(std::env::var(format!("SPIN_VARIABLE_{}", name.to_uppercase())).ok())
    }
}

/// A variable's text, empty when unset.
pub fn text(name: &str) -> Result<String> {
    Ok(variable(name)?.unwrap_or_default())
}

/// A variable read as a value: `what` says what it should be.
pub fn parsed<T: FromStr>(name: &str, what: &str) -> Result<T> {
    let value = text(name)?;
    value.trim().parse().ok().with_context(|| format!("the {name} variable is {value:?}; it should be {what}"))
}

/// A variable that is `true` or `false`.
pub fn flag(name: &str) -> Result<bool> {
    parsed(name, "true or false")
}

/// A variable that is a whole number above zero (a limit, a count of days).
pub fn positive<T: FromStr + Default + PartialOrd>(name: &str) -> Result<T> {
    let value: T = parsed(name, "a whole number above zero")?;
    anyhow::ensure!(value > T::default(), "the {name} variable should be a whole number above zero");
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Natively a variable is its environment variable; each test uses names of its own.
    #[test]
    fn values_read_or_fail_naming_the_variable() {
        // Safe here: no other test reads or writes these names.
        let set = |name: &str, value: &str| unsafe { std::env::set_var(format!("SPIN_VARIABLE_{}", name.to_uppercase()), value) };
        set("zige_test_limit", "20");
        set("zige_test_zero", "0");
        set("zige_test_flag", "true");
        set("zige_test_word", "many");
        assert_eq!(positive::<i64>("zige_test_limit").unwrap(), 20);
        assert!(positive::<i64>("zige_test_zero").unwrap_err().to_string().contains("zige_test_zero"));
        assert!(flag("zige_test_flag").unwrap());
        let wrong = parsed::<f64>("zige_test_word", "a share between 0 and 1").unwrap_err().to_string();
        assert!(wrong.contains("zige_test_word") && wrong.contains("\"many\""), "{wrong}");
        assert_eq!(text("zige_test_unset").unwrap(), "");
    }
}
