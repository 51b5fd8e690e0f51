//! Conformance of the local host's configuration with Spin's: variables and
//! their providers, component environment, mounted files, outbound host
//! rules, runtime config, manifest checks and the schedule option.

use serde_json::{Value, json};
use std::time::Duration;
use zige_tests::{Spawn, TestApp, probe_manifest, recording_server, spawn, try_spawn};

fn with_secret() -> Spawn {
    Spawn { variables: vec![("required_secret".into(), "from-cli".into())], ..Default::default() }
}

async fn probe() -> TestApp {
    spawn(&probe_manifest(), with_secret()).await
}

async fn op(app: &TestApp, path: &str) -> Value {
    app.get(path).await.json()
}

#[tokio::test]
async fn variables_resolve_templates_defaults_and_cli_values() {
    let app = probe().await;
    assert_eq!(op(&app, "/echo?op=var&name=greeting").await, json!({ "value": "hello, world" }));
    assert_eq!(op(&app, "/echo?op=var&name=secret").await, json!({ "value": "from-cli" }));
    assert_eq!(op(&app, "/echo?op=var&name=nothing").await, json!({ "value": "" }));
}

#[tokio::test]
async fn variable_errors_match_spin() {
    let app = probe().await;
    let undefined = op(&app, "/echo?op=var&name=not_declared").await;
    assert!(undefined["error"].as_str().unwrap().contains("Undefined("), "{undefined}");
    let invalid = op(&app, "/echo?op=var&name=Bad-Name").await;
    assert!(invalid["error"].as_str().unwrap().contains("InvalidName("), "{invalid}");
    let bare = op(&app, "/bare?op=var&name=greeting").await;
    // Spin's own words for a component that declares no variables.
    assert!(bare["error"].as_str().unwrap().contains(r#"no variable for \"bare\".\"greeting\""#), "{bare}");
}

#[tokio::test]
async fn cli_values_win_over_the_environment_and_the_environment_over_defaults() {
    let spawn_options = Spawn {
        variables: vec![("required_secret".into(), "first".into()), ("required_secret".into(), "last".into())],
        ..Default::default()
    };
    let app = spawn(&probe_manifest(), spawn_options).await;
    assert_eq!(op(&app, "/echo?op=var&name=secret").await, json!({ "value": "last" }), "the last --variable wins");
    let declared = zige_host::manifest::Manifest::load(&probe_manifest()).unwrap().variables;
    let env = |name: &str| (name == "SPIN_VARIABLE_GREETING").then(|| "salaam".to_string());
    let resolver = zige_host::variables::Resolver::new(&declared, &[("required_secret".into(), "x".into())], env).unwrap();
    assert_eq!(resolver.app_value("greeting").as_deref(), Some("salaam"), "SPIN_VARIABLE_<NAME> beats the default");
    let cli_wins =
        zige_host::variables::Resolver::new(&declared, &[("greeting".into(), "cli".into()), ("required_secret".into(), "x".into())], env)
            .unwrap();
    assert_eq!(cli_wins.app_value("greeting").as_deref(), Some("cli"));
}

#[tokio::test]
async fn a_required_variable_without_a_value_stops_start_up() {
    let error = try_spawn(&probe_manifest(), Spawn::default()).await.err().expect("start-up must fail");
    assert!(format!("{error:#}").contains("required_secret"), "{error:#}");
}

#[tokio::test]
async fn environment_comes_from_the_manifest() {
    let app = probe().await;
    assert_eq!(op(&app, "/echo?op=env&name=PROBE_ENV").await, json!({ "value": "set-by-manifest" }));
    assert_eq!(op(&app, "/bare?op=env&name=PROBE_ENV").await, json!({ "value": null }));
}

#[tokio::test]
async fn files_are_mounted_read_only_with_globs_exclusions_and_mappings() {
    let app = probe().await;
    assert_eq!(op(&app, "/echo?op=file&path=/files/hello.txt").await, json!({ "content": "a file for the probe\n" }));
    assert_eq!(op(&app, "/echo?op=file&path=/m/inner.txt").await, json!({ "content": "mapped content\n" }));
    assert!(op(&app, "/echo?op=file&path=/files/skip.md").await.get("error").is_some(), "excluded and not matched");
    assert!(op(&app, "/bare?op=file&path=/files/hello.txt").await.get("error").is_some(), "no files for bare");
    let write = op(&app, "/echo?op=write&path=/files/new.txt").await;
    assert!(write.get("error").is_some(), "mounted read-only: {write}");
}

#[tokio::test]
async fn outbound_requests_follow_allowed_outbound_hosts() {
    let app = probe().await;
    let (server, mut heads) = recording_server("pong").await;
    let allowed = op(&app, &format!("/echo?op=out&url=http://127.0.0.1:{}/ping", server.port())).await;
    assert_eq!(allowed, json!({ "status": 200, "body": "pong" }));
    assert!(heads.recv().await.unwrap().starts_with("GET /ping "));
    let by_name = op(&app, &format!("/echo?op=out&url=http://localhost:{}/ping", server.port())).await;
    assert!(by_name["error"].as_str().unwrap().contains("HttpRequestDenied"), "localhost is not 127.0.0.1: {by_name}");
    let bare = op(&app, &format!("/bare?op=out&url=http://127.0.0.1:{}/ping", server.port())).await;
    assert!(bare["error"].as_str().unwrap().contains("HttpRequestDenied"), "{bare}");
}

#[tokio::test]
async fn runtime_config_moves_the_key_value_file() {
    let options =
        Spawn { runtime_config: Some("[key_value_store.default]\ntype = \"spin\"\npath = \"kv/elsewhere.db\"\n".into()), ..with_secret() };
    let app = spawn(&probe_manifest(), options).await;
    app.request("POST", "/echo?op=kv&action=set&key=k", &[], "v").await;
    assert!(app.state_dir.path().join("kv/elsewhere.db").exists(), "relative to the runtime-config file, as Spin");
    // zige-host's own limit: real Spin connects to Redis when it is first used.
    if zige_tests::real_spin().is_none() {
        let bad =
            Spawn { runtime_config: Some("[key_value_store.default]\ntype = \"redis\"\nurl = \"redis://x\"\n".into()), ..with_secret() };
        assert!(try_spawn(&probe_manifest(), bad).await.is_err(), "only local stores run here");
    }
}

#[tokio::test]
async fn manifests_are_checked_like_spin() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("unknown field", "spin_manifest_version = 2\n[application]\nname = \"x\"\nsurprise = 1\n"),
        ("bad variable name", "spin_manifest_version = 2\n[application]\nname = \"x\"\n[variables]\nBad = { default = \"1\" }\n"),
        (
            "required and default",
            "spin_manifest_version = 2\n[application]\nname = \"x\"\n[variables]\nv = { default = \"1\", required = true }\n",
        ),
        (
            "unknown component",
            "spin_manifest_version = 2\n[application]\nname = \"x\"\n[[trigger.http]]\nroute = \"/\"\ncomponent = \"nope\"\n",
        ),
        (
            "bad outbound host",
            "spin_manifest_version = 2\n[application]\nname = \"x\"\n[component.c]\nsource = \"c.wasm\"\nallowed_outbound_hosts = [\"example.com\"]\n",
        ),
        (
            "template to unknown variable",
            "spin_manifest_version = 2\n[application]\nname = \"x\"\n[component.c]\nsource = \"c.wasm\"\n[component.c.variables]\na = \"{{ missing }}\"\n",
        ),
    ];
    for (what, text) in cases {
        let path = dir.path().join("spin.toml");
        std::fs::write(&path, text).unwrap();
        assert!(zige_host::manifest::Manifest::load(&path).is_err(), "{what}");
    }
}

#[tokio::test]
async fn schedule_calls_the_route_with_the_bearer_token() {
    let (server, mut heads) = recording_server("{}").await;
    let schedule = zige_host::schedule::Schedule::parse("/internal/tick@1").unwrap();
    let task = tokio::spawn(zige_host::schedule::run(schedule, server, Some("tok".into())));
    for _ in 0..2 {
        let head = tokio::time::timeout(Duration::from_secs(5), heads.recv()).await.unwrap().unwrap();
        assert!(head.starts_with("POST /internal/tick "), "{head}");
        assert!(head.to_ascii_lowercase().contains("authorization: bearer tok"), "{head}");
    }
    task.abort();
    assert!(zige_host::schedule::Schedule::parse("/x@0").is_err());
    assert!(zige_host::schedule::Schedule::parse("x@5").is_err());
}
