//! Conformance of the local host's HTTP trigger with Spin: route matching and
//! precedence, private routes, the headers Spin sets, 404s and traps.

use serde_json::Value;
use zige_tests::{Spawn, TestApp, probe_manifest, spawn};

async fn probe() -> TestApp {
    spawn(&probe_manifest(), Spawn { variables: vec![("required_secret".into(), "s3cret".into())], ..Default::default() }).await
}

/// Which component answered and what it saw.
async fn seen(app: &TestApp, path: &str) -> Value {
    let response = app.get(path).await;
    assert_eq!(response.status, 200, "{path}: {}", response.text());
    response.json()
}

fn header(seen: &Value, name: &str) -> Option<String> {
    seen["spin"][name].as_array().and_then(|v| v.last()).and_then(Value::as_str).map(String::from)
}

#[tokio::test]
async fn route_precedence_matches_spin() {
    let app = probe().await;
    let cases = [
        ("/exact", "/exact"),
        ("/exact/", "/exact"),
        ("/items/7", "/items/:id"),
        ("/users/special", "/users/special"),
        ("/users/42/books", "/users/:user_id/..."),
        ("/echo", "/echo/..."),
        ("/echo/a/b", "/echo/..."),
        ("/exactly", "/..."),
        ("/items/7/more", "/..."),
        ("/", "/..."),
    ];
    for (path, route) in cases {
        let seen = seen(&app, path).await;
        assert_eq!(header(&seen, "spin-raw-component-route").as_deref(), Some(route), "{path}");
    }
}

#[tokio::test]
async fn spin_headers_for_a_parameter_and_wildcard_route() {
    let app = probe().await;
    let seen = seen(&app, "/users/42/x?y=1").await;
    let host = app.addr.to_string();
    let expected = [
        ("spin-full-url", format!("http://{host}/users/42/x?y=1")),
        ("spin-path-info", "/x".to_string()),
        ("spin-matched-route", "/users/:user_id/...".to_string()),
        ("spin-base-path", "/".to_string()),
        ("spin-raw-component-route", "/users/:user_id/...".to_string()),
        ("spin-component-route", "/users/:user_id".to_string()),
        ("spin-path-match-user-id", "42".to_string()),
    ];
    for (name, value) in expected {
        assert_eq!(header(&seen, name).as_deref(), Some(value.as_str()), "{name}");
    }
    let client = header(&seen, "spin-client-addr").unwrap();
    assert!(client.starts_with("127.0.0.1:"), "{client}");
}

#[tokio::test]
async fn path_info_keeps_trailing_slashes_and_exact_routes_have_none() {
    let app = probe().await;
    let cases = [("/users/42", ""), ("/users/42/", "/"), ("/users/42/hello/", "/hello/"), ("/echo/a%2Fb", "/a%2Fb")];
    for (path, info) in cases {
        assert_eq!(header(&seen(&app, path).await, "spin-path-info").as_deref(), Some(info), "{path}");
    }
    assert_eq!(header(&seen(&app, "/items/9").await, "spin-path-info").as_deref(), Some(""));
    assert_eq!(header(&seen(&app, "/items/9").await, "spin-path-match-id").as_deref(), Some("9"));
}

#[tokio::test]
async fn client_sent_spin_headers_do_not_replace_the_hosts() {
    let app = probe().await;
    let response = app.request("GET", "/echo/x", &[("spin-path-info", "/forged")], "").await;
    // Spin appends its value after the client's; spin-sdk keeps the last one,
    // so the component sees the host's value, never the forged one.
    let values: Vec<String> = serde_json::from_value(response.json()["spin"]["spin-path-info"].clone()).unwrap();
    assert_eq!(values.last().map(String::as_str), Some("/x"));
    assert!(!values.contains(&"/forged".to_string()) || values.len() == 2);
}

#[tokio::test]
async fn well_known_health_and_unrouted_paths() {
    // An app with one route: zige's and the probe app's catch-all routes
    // would take every path.
    zige_host::app::build(&zige_tests::probe_manifest()).expect("building the probe");
    let dir = tempfile::tempdir().unwrap();
    let wasm = zige_tests::workspace().join("target/wasm32-wasip2/release/zige_probe.wasm");
    let manifest = format!(
        "spin_manifest_version = 2\n[application]\nname = \"one-route\"\n[[trigger.http]]\nroute = \"/echo/...\"\ncomponent = \"probe\"\n[component.probe]\nsource = \"{}\"\n",
        wasm.display()
    );
    std::fs::write(dir.path().join("spin.toml"), manifest).unwrap();
    let app = spawn(&dir.path().join("spin.toml"), Spawn::default()).await;
    let health = app.get("/.well-known/spin/health").await;
    assert_eq!((health.status, health.text().as_str()), (200, "OK"));
    let missing = app.get("/no/such/route").await;
    assert_eq!((missing.status, missing.body.len()), (404, 0), "404 with an empty body, as Spin");
    assert_eq!(app.get("/.well-known/spin/other").await.status, 404);
}

#[tokio::test]
async fn private_components_are_never_routed_and_bodies_arrive() {
    let app = probe().await;
    // zige-host's router leaves it out; over HTTP, on either runtime, no path reaches it.
    if zige_tests::real_spin().is_none() {
        assert!(app.app().router.routes().iter().all(|r| r.component != "hidden"));
    }
    let response = app.request("POST", "/echo/body", &[], vec![7u8; 70_000]).await;
    assert_eq!(response.json()["body_len"], 70_000);
    assert_eq!(response.json()["method"], "POST");
}

#[tokio::test]
async fn a_trapping_component_gives_500_and_the_host_keeps_serving() {
    let app = probe().await;
    assert_eq!(app.get("/echo/x?op=trap").await.status, 500);
    assert_eq!(app.get("/echo/x").await.status, 200);
}

#[tokio::test]
async fn a_raw_non_ascii_request_target_is_an_empty_400_as_on_spin() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = probe().await;
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    stream.write_all("GET /echo?name=重阳 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n".as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    let encoded = app.get("/echo?name=%E9%87%8D%E9%98%B3").await;
    assert_eq!(encoded.status, 200, "percent-encoded, it goes through");
}
