//! HTTP routing with Spin's rules (Spin 3.x and 4.x, which use routefinder
//! 0.5): exact segments, `:name` segments and a trailing `/...` wildcard;
//! precedence decided piece by piece from the left (literal, then parameter,
//! then wildcard), then the shorter route, then manifest order. Matching is
//! case-sensitive, on the raw path without percent-decoding, and ignores
//! leading and trailing slashes.

use anyhow::{Result, bail};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(String),
    Param(String),
    Wildcard,
}

impl Piece {
    fn rank(&self) -> u8 {
        match self {
            Self::Literal(_) => 0,
            Self::Param(_) => 1,
            Self::Wildcard => 2,
        }
    }
}

/// One route of the app.
#[derive(Debug, Clone)]
pub struct Route {
    /// The route as written in `spin.toml`.
    pub raw: String,
    /// The route with a leading `/` and without one trailing `/`
    /// (`spin-matched-route`).
    pub based: String,
    pub component: String,
    pieces: Vec<Piece>,
}

/// The outcome of routing one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteMatch<'a> {
    pub component: &'a str,
    pub raw_route: &'a str,
    pub based_route: &'a str,
    /// The part of the path matched by the wildcard (`spin-path-info`).
    pub path_info: String,
    /// `:name` captures in route order.
    pub params: Vec<(String, String)>,
}

impl RouteMatch<'_> {
    /// `spin-component-route`: the raw route without a trailing `/...`.
    pub fn component_route(&self) -> &str {
        self.raw_route.strip_suffix("/...").unwrap_or(self.raw_route)
    }
}

fn parse(raw: &str, component: &str) -> Result<Route> {
    let mut based = if raw.starts_with('/') { raw.to_string() } else { format!("/{raw}") };
    if based.ends_with('/') {
        based.pop();
    }
    let (prefix, wildcard) = match based.strip_suffix("/...").or_else(|| based.strip_suffix("/*")) {
        Some(prefix) => (prefix.to_string(), true),
        None if based == "/..." || based == "/*" => (String::new(), true),
        None => (based.clone(), false),
    };
    let mut pieces = Vec::new();
    for segment in prefix.trim_matches('/').split('/').filter(|s| !s.is_empty()) {
        if let Some(name) = segment.strip_prefix(':') {
            if name.is_empty() || name.contains('.') || name.contains(':') {
                bail!("route {raw:?}: the local host supports only whole-segment parameters like /:name");
            }
            pieces.push(Piece::Param(name.to_string()));
        } else if segment.contains(':') || segment.contains('*') || segment == "..." {
            bail!("route {raw:?}: wildcards are allowed only at the end, parameters only as whole segments");
        } else {
            pieces.push(Piece::Literal(segment.to_string()));
        }
    }
    if wildcard {
        pieces.push(Piece::Wildcard);
    }
    Ok(Route { raw: raw.to_string(), based, component: component.to_string(), pieces })
}

fn precedence(a: &Route, b: &Route) -> std::cmp::Ordering {
    for (x, y) in a.pieces.iter().zip(&b.pieces) {
        match x.rank().cmp(&y.rank()) {
            std::cmp::Ordering::Equal => continue,
            unequal => return unequal,
        }
    }
    a.pieces.len().cmp(&b.pieces.len())
}

/// The app's routes in the order they are tried.
#[derive(Debug, Clone, Default)]
pub struct Router {
    routes: Vec<Route>,
}

impl Router {
    /// Builds the router from `(route, component)` pairs in manifest order.
    /// A route listed twice keeps its first position and its last component,
    /// as on Spin.
    pub fn new<'a>(routes: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self> {
        let mut parsed: Vec<Route> = Vec::new();
        for (raw, component) in routes {
            let route = parse(raw, component)?;
            match parsed.iter_mut().find(|r| r.raw == raw) {
                Some(existing) => {
                    eprintln!("zige-host: route {raw:?} is listed twice; the last one ({component}) wins, as on Spin");
                    *existing = route;
                }
                None => parsed.push(route),
            }
        }
        // A stable sort keeps manifest order between equally specific routes.
        parsed.sort_by(precedence);
        Ok(Self { routes: parsed })
    }

    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The route serving `path` (the raw request path, without the query).
    pub fn route(&self, path: &str) -> Option<RouteMatch<'_>> {
        self.routes.iter().find_map(|r| matches(r, path))
    }
}

fn matches<'a>(route: &'a Route, path: &str) -> Option<RouteMatch<'a>> {
    let mut params = Vec::new();
    let mut rest = path;
    for piece in &route.pieces {
        let trimmed = rest.trim_start_matches('/');
        match piece {
            Piece::Wildcard => {
                return Some(RouteMatch {
                    component: &route.component,
                    raw_route: &route.raw,
                    based_route: &route.based,
                    path_info: rest.to_string(),
                    params,
                });
            }
            Piece::Literal(text) | Piece::Param(text) => {
                let end = trimmed.find('/').unwrap_or(trimmed.len());
                let segment = &trimmed[..end];
                if trimmed.is_empty() {
                    return None;
                }
                match piece {
                    Piece::Literal(_) if segment != text => return None,
                    Piece::Param(name) => params.push((name.clone(), segment.to_string())),
                    _ => {}
                }
                rest = &trimmed[end..];
            }
        }
    }
    rest.trim_matches('/').is_empty().then(|| RouteMatch {
        component: &route.component,
        raw_route: &route.raw,
        based_route: &route.based,
        path_info: String::new(),
        params,
    })
}

/// The header carrying a `:name` capture: `spin-path-match-<name>` with `_`
/// turned into `-`.
pub fn param_header(name: &str) -> String {
    format!("spin-path-match-{}", name.to_ascii_uppercase().replace('_', "-").to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn winner(routes: &[&str], path: &str) -> Option<String> {
        let router = Router::new(routes.iter().map(|r| (*r, *r))).unwrap();
        router.route(path).map(|m| m.component.to_string())
    }

    #[test]
    fn spin_precedence_table() {
        let cases: [(&[&str], &str, Option<&str>); 17] = [
            (&["/foo", "/foo/bar"], "/foo", Some("/foo")),
            (&["/foo", "/foo/bar"], "/foo/bar", Some("/foo/bar")),
            (&["/..."], "/this/should/be/captured", Some("/...")),
            (&["/one/...", "/one/two/...", "/one/two/three/..."], "/one/two/three/four", Some("/one/two/three/...")),
            (&["/one/two/three/...", "/one/two/...", "/one/..."], "/one/two/three/four", Some("/one/two/three/...")),
            (&["/...", "/one"], "/one", Some("/one")),
            (&["/...", "/"], "/", Some("/")),
            (&["/foo", "/foo/..."], "/foo/", Some("/foo")),
            (&["/foo", "/foo/..."], "//foo", Some("/foo")),
            (&["/foo", "/foo/..."], "/FOO", None),
            (&["/foo", "/foo/..."], "/foobar", None),
            (&["/foo/...", "/:x/bar"], "/foo/bar", Some("/foo/...")),
            (&["/a/:b", "/a/b/..."], "/a/b", Some("/a/b/...")),
            (&["/foo/:id", "/foo/..."], "/foo/1", Some("/foo/:id")),
            (&["/foo/:id", "/foo/..."], "/foo/1/2", Some("/foo/...")),
            (&["/:a", "/:b"], "/x", Some("/:a")),
            (&["/api/users/:id/..."], "/api/users", None),
        ];
        for (routes, path, expected) in cases {
            assert_eq!(winner(routes, path).as_deref(), expected, "{routes:?} {path}");
        }
    }

    #[test]
    fn spin_path_info_and_captures() {
        let router = Router::new([("/users/:userid/...", "c"), ("/test/...", "t")]).unwrap();
        let cases = [
            ("/users/42", "42", ""),
            ("/users/42/", "42", "/"),
            ("/users/42/hello", "42", "/hello"),
            ("/users/42/hello/", "42", "/hello/"),
            ("/users/a%2Fb/x", "a%2Fb", "/x"),
        ];
        for (path, id, info) in cases {
            let m = router.route(path).unwrap();
            assert_eq!(m.params, vec![("userid".to_string(), id.to_string())], "{path}");
            assert_eq!(m.path_info, info, "{path}");
            assert_eq!(m.component_route(), "/users/:userid");
        }
        assert_eq!(router.route("/test").unwrap().path_info, "");
        assert_eq!(router.route("/test/").unwrap().path_info, "/");
    }

    #[test]
    fn duplicates_keep_position_and_take_the_last_component() {
        let router = Router::new([("/foo", "first"), ("/...", "all"), ("/foo", "second")]).unwrap();
        assert_eq!(router.route("/foo").unwrap().component, "second");
    }

    #[test]
    fn headers_names_and_based_routes() {
        assert_eq!(param_header("user_id"), "spin-path-match-user-id");
        assert_eq!(param_header("userId"), "spin-path-match-userid");
        let router = Router::new([("/", "root"), ("foo/", "foo")]).unwrap();
        assert_eq!(router.route("/").unwrap().based_route, "");
        assert_eq!(router.route("/foo").unwrap().based_route, "/foo");
        assert!(Router::new([("/files/:name.:ext", "f")]).is_err(), "unsupported forms are refused, not misrouted");
    }
}
