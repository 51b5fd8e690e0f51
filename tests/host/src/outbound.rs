//! `allowed_outbound_hosts`: Spin's `scheme://host[:port]` patterns and how a
//! request URL is checked against them.

use anyhow::{Result, bail};

#[derive(Debug, Clone, PartialEq, Eq)]
enum HostPattern {
    Any,
    /// `self`: requests back into the app.
    SelfApp,
    /// `*.example.com`: any name ending in `.example.com`.
    Suffix(String),
    Exact(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PortPattern {
    Any,
    /// `a..b`, end exclusive; a single port is `p..p+1`.
    Range(u16, u32),
}

/// One parsed `allowed_outbound_hosts` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHost {
    scheme: Option<String>,
    host: HostPattern,
    port: PortPattern,
}

fn default_port(scheme: &str) -> Option<u16> {
    Some(match scheme {
        "http" => 80,
        "https" => 443,
        "redis" => 6379,
        "postgres" => 5432,
        "mysql" => 3306,
        "mqtt" => 1883,
        _ => return None,
    })
}

impl AllowedHost {
    pub fn parse(text: &str) -> Result<Self> {
        if text == "insecure:allow-all" {
            bail!("\"insecure:allow-all\" is not supported; use \"*://*:*\"");
        }
        let Some((scheme, rest)) = text.split_once("://") else {
            bail!("{text:?} must be of the form scheme://host[:port]");
        };
        if scheme != "*" && (scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphabetic())) {
            bail!("{text:?} has an invalid scheme");
        }
        if rest.contains('/') {
            bail!("{text:?} must not contain a path");
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (rest, None),
        };
        let host = match host {
            "*" => HostPattern::Any,
            "self" | "self.alt" => HostPattern::SelfApp,
            h if h.starts_with("*.") => HostPattern::Suffix(h[1..].to_ascii_lowercase()),
            "" => bail!("{text:?} has no host"),
            h => HostPattern::Exact(h.to_ascii_lowercase()),
        };
        let port = match port {
            Some("*") => PortPattern::Any,
            Some(p) if p.contains("..") => {
                let (a, b) = p.split_once("..").unwrap_or_default();
                PortPattern::Range(a.parse()?, b.parse()?)
            }
            Some(p) => {
                let n: u16 = p.parse()?;
                PortPattern::Range(n, u32::from(n) + 1)
            }
            None => match scheme {
                "*" => bail!("{text:?} needs a port when the scheme is *"),
                s => {
                    let Some(n) = default_port(s) else { bail!("{text:?} needs a port for scheme {s}") };
                    PortPattern::Range(n, u32::from(n) + 1)
                }
            },
        };
        Ok(Self { scheme: (scheme != "*").then(|| scheme.to_string()), host, port })
    }

    fn allows(&self, scheme: &str, host: Option<&str>, port: u16) -> bool {
        if self.scheme.as_deref().is_some_and(|s| s != scheme) {
            return false;
        }
        let host_ok = match (&self.host, host) {
            (HostPattern::Any, _) => true,
            (HostPattern::SelfApp, None) => true,
            (HostPattern::SelfApp, Some(h)) => h == "self.alt",
            (HostPattern::Suffix(suffix), Some(h)) => {
                h.parse::<std::net::IpAddr>().is_err() && h.to_ascii_lowercase().ends_with(suffix.as_str())
            }
            (HostPattern::Exact(e), Some(h)) => e.eq_ignore_ascii_case(h.trim_start_matches('[').trim_end_matches(']')),
            (_, None) => false,
        };
        let port_ok = match self.port {
            PortPattern::Any => true,
            PortPattern::Range(a, b) => port >= a && u32::from(port) < b,
        };
        host_ok && port_ok
    }
}

/// Whether any entry allows a request to `scheme://host:port`; `host` is
/// `None` for a request with no authority (back into the app).
pub fn is_allowed(allowed: &[AllowedHost], scheme: &str, host: Option<&str>, port: Option<u16>) -> bool {
    let Some(port) = port.or_else(|| default_port(scheme)) else {
        return false;
    };
    allowed.iter().any(|a| a.allows(scheme, host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(entries: &[&str]) -> Vec<AllowedHost> {
        entries.iter().map(|e| AllowedHost::parse(e).unwrap()).collect()
    }

    #[test]
    fn spin_outbound_rules() {
        let cases: [(&[&str], &str, Option<&str>, Option<u16>, bool); 12] = [
            (&["http://127.0.0.1:3000"], "http", Some("127.0.0.1"), Some(3000), true),
            (&["http://127.0.0.1:3000"], "http", Some("127.0.0.1"), Some(3001), false),
            (&["http://127.0.0.1:3000"], "https", Some("127.0.0.1"), Some(3000), false),
            (&["http://localhost:3000"], "http", Some("127.0.0.1"), Some(3000), false),
            (&["https://*.example.com"], "https", Some("sms.example.com"), None, true),
            (&["https://*.example.com"], "https", Some("example.com"), None, false),
            (&["http://localhost:*"], "http", Some("localhost"), Some(9), true),
            (&["*://*:*"], "https", Some("anything.cn"), Some(8443), true),
            (&["http://h:8000..8002"], "http", Some("h"), Some(8001), true),
            (&["http://h:8000..8002"], "http", Some("h"), Some(8002), false),
            (&["http://self"], "http", None, None, true),
            (&[], "http", Some("h"), Some(80), false),
        ];
        for (entries, scheme, host, port, expected) in cases {
            assert_eq!(is_allowed(&list(entries), scheme, host, port), expected, "{entries:?} {scheme} {host:?} {port:?}");
        }
    }

    #[test]
    fn bad_entries_are_refused() {
        for bad in ["example.com", "insecure:allow-all", "http://h/path", "*://h", "ftp://h", "ht1p://h:1"] {
            assert!(AllowedHost::parse(bad).is_err(), "{bad}");
        }
    }
}
