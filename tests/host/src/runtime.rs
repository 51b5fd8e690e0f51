//! The wasmtime side: one engine, each component compiled once, a fresh
//! store and instance per request, and the Spin host interfaces.

use crate::outbound::AllowedHost;
use crate::state::{Databases, KeyValue, Lease};
use crate::variables::{Resolver, VariableError};
use anyhow::{Context, Result};
use http_body_util::BodyExt;
use std::collections::BTreeMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use wasmtime::component::{Component, HasSelf, Linker, Resource, ResourceTable};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store};
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::p2::bindings::ProxyPre;
use wasmtime_wasi_http::{Error as HttpError, RequestOptions, WasiBody, WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks, WasiHttpView};

wasmtime::component::bindgen!({
    path: "wit",
    world: "fermyon:spin/host",
    imports: { default: trappable },
    with: {
        "fermyon:spin/key-value.store": KvHandle,
        "fermyon:spin/sqlite.connection": SqlHandle,
        "wasi:keyvalue/store.bucket": KvHandle,
        "wasi:keyvalue/atomics.cas": CasHandle,
    },
});

use fermyon::spin::{key_value, sqlite, variables};
use wasi::keyvalue::{atomics, store as wasi_kv};

/// A guest's compare-and-swap on one key: the value it saw.
pub struct CasHandle {
    label: String,
    key: String,
    seen: Option<Vec<u8>>,
}

/// A guest's open key-value store.
pub struct KvHandle {
    label: String,
}

/// A guest's open database connection; dropping it (when the guest drops
/// the resource or the instance ends) returns the connection to the pool.
pub struct SqlHandle {
    label: String,
    lease: Option<Lease>,
    databases: Databases,
}

impl Drop for SqlHandle {
    fn drop(&mut self) {
        if let Some(lease) = self.lease.take() {
            self.databases.release(&self.label, lease);
        }
    }
}

/// Spin's limit on open handles per instance.
const MAX_HANDLES: usize = 256;

/// What every instance of one component may use, fixed at start-up.
pub struct ComponentConfig {
    pub id: String,
    pub key_value_stores: Vec<String>,
    pub sqlite_databases: Vec<String>,
    pub variables: BTreeMap<String, String>,
    pub environment: Vec<(String, String)>,
    pub allowed_outbound_hosts: Vec<AllowedHost>,
    /// Host directory preopened read-only at the guest's `/`.
    pub files_root: Option<PathBuf>,
}

/// A compiled component ready to instantiate.
pub struct Loaded {
    pub config: Arc<ComponentConfig>,
    pub pre: ProxyPre<Instance>,
}

/// Shared by every request.
#[derive(Clone)]
pub struct Shared {
    pub kv: KeyValue,
    pub db: Databases,
    pub variables: Arc<Resolver>,
}

/// Per-request state of one instance.
pub struct Instance {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    table: ResourceTable,
    hooks: OutboundHooks,
    config: Arc<ComponentConfig>,
    shared: Shared,
    open_handles: usize,
}

impl WasiView for Instance {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

impl WasiHttpView for Instance {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView { ctx: &mut self.http, table: &mut self.table, hooks: &mut self.hooks }
    }
}

/// The engine with its linker.
pub struct Runtime {
    pub engine: Engine,
    linker: Linker<Instance>,
}

impl Runtime {
    pub fn new() -> Result<Self> {
        let mut config = Config::new();
        let mut pool = PoolingAllocationConfig::default();
        // Room for many concurrent requests without reserving much memory.
        pool.total_component_instances(1000);
        pool.total_core_instances(2000);
        pool.total_memories(1000);
        pool.total_tables(2000);
        pool.max_memory_size(256 << 20);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        let engine = Engine::new(&config).map_err(anyhow::Error::from)?;
        let mut linker: Linker<Instance> = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker).map_err(anyhow::Error::from)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker).map_err(anyhow::Error::from)?;
        key_value::add_to_linker::<Instance, HasSelf<Instance>>(&mut linker, |s| s).map_err(anyhow::Error::from)?;
        wasi_kv::add_to_linker::<Instance, HasSelf<Instance>>(&mut linker, |s| s).map_err(anyhow::Error::from)?;
        atomics::add_to_linker::<Instance, HasSelf<Instance>>(&mut linker, |s| s).map_err(anyhow::Error::from)?;
        sqlite::add_to_linker::<Instance, HasSelf<Instance>>(&mut linker, |s| s).map_err(anyhow::Error::from)?;
        variables::add_to_linker::<Instance, HasSelf<Instance>>(&mut linker, |s| s).map_err(anyhow::Error::from)?;
        Ok(Self { engine, linker })
    }

    /// Compiles a component, reusing a precompiled copy from `cache_dir`
    /// when one made by this same engine for the same bytes exists.
    pub fn load(&self, wasm: &std::path::Path, cache_dir: Option<&std::path::Path>, config: ComponentConfig) -> Result<Loaded> {
        let bytes = std::fs::read(wasm).with_context(|| format!("reading component {}", wasm.display()))?;
        let component = match cache_dir {
            Some(dir) => {
                use sha2::Digest;
                use std::hash::{Hash, Hasher};
                let mut engine_hash = std::collections::hash_map::DefaultHasher::new();
                self.engine.precompile_compatibility_hash().hash(&mut engine_hash);
                let digest = sha2::Sha256::digest(&bytes);
                let name: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
                let path = dir.join(format!("{name}-{:016x}.cwasm", engine_hash.finish()));
                if path.exists() {
                    // SAFETY: the file was written by `serialize` of this
                    // same engine configuration (the name carries its hash)
                    // from these exact bytes (the name carries their digest).
                    unsafe { Component::deserialize_file(&self.engine, &path) }.map_err(anyhow::Error::from)?
                } else {
                    let component = Component::new(&self.engine, &bytes).map_err(anyhow::Error::from)?;
                    std::fs::create_dir_all(dir)?;
                    // A unique temporary name: several apps may compile at once.
                    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
                    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let tmp = path.with_extension(format!("tmp{}-{n}", std::process::id()));
                    std::fs::write(&tmp, component.serialize().map_err(anyhow::Error::from)?)?;
                    std::fs::rename(&tmp, &path)?;
                    component
                }
            }
            None => Component::new(&self.engine, &bytes).map_err(anyhow::Error::from)?,
        };
        let instance_pre = self
            .linker
            .instantiate_pre(&component)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("linking component {:?}", config.id))?;
        let pre = ProxyPre::new(instance_pre).map_err(anyhow::Error::from)?;
        Ok(Loaded { config: Arc::new(config), pre })
    }
}

impl Loaded {
    /// A fresh store for one request.
    pub fn new_store(&self, engine: &Engine, shared: &Shared) -> Result<Store<Instance>> {
        let mut wasi = WasiCtx::builder();
        wasi.inherit_stderr().inherit_stdout().envs(&self.config.environment);
        if let Some(root) = &self.config.files_root {
            wasi.preopened_dir(root, "/", FsPerms::ReadOnly).map_err(anyhow::Error::from)?;
        }
        let instance = Instance {
            wasi: wasi.build(),
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            hooks: OutboundHooks { allowed: self.config.allowed_outbound_hosts.clone(), component: self.config.id.clone() },
            config: self.config.clone(),
            shared: shared.clone(),
            open_handles: 0,
        };
        Ok(Store::new(engine, instance))
    }
}

impl key_value::Host for Instance {}

impl key_value::HostStore for Instance {
    fn open(&mut self, label: String) -> wasmtime::Result<Result<Resource<KvHandle>, key_value::Error>> {
        if !self.config.key_value_stores.contains(&label) {
            return Ok(Err(key_value::Error::AccessDenied));
        }
        if !self.shared.kv.has(&label) {
            return Ok(Err(key_value::Error::NoSuchStore));
        }
        if self.open_handles >= MAX_HANDLES {
            return Ok(Err(key_value::Error::StoreTableFull));
        }
        self.open_handles += 1;
        Ok(Ok(self.table.push(KvHandle { label })?))
    }

    fn get(&mut self, store: Resource<KvHandle>, key: String) -> wasmtime::Result<Result<Option<Vec<u8>>, key_value::Error>> {
        let label = &self.table.get(&store)?.label;
        Ok(self.shared.kv.get(label, &key).map_err(key_value::Error::Other))
    }

    fn set(&mut self, store: Resource<KvHandle>, key: String, value: Vec<u8>) -> wasmtime::Result<Result<(), key_value::Error>> {
        let label = &self.table.get(&store)?.label;
        Ok(self.shared.kv.set(label, &key, &value).map_err(key_value::Error::Other))
    }

    fn delete(&mut self, store: Resource<KvHandle>, key: String) -> wasmtime::Result<Result<(), key_value::Error>> {
        let label = &self.table.get(&store)?.label;
        Ok(self.shared.kv.delete(label, &key).map_err(key_value::Error::Other))
    }

    fn exists(&mut self, store: Resource<KvHandle>, key: String) -> wasmtime::Result<Result<bool, key_value::Error>> {
        let label = &self.table.get(&store)?.label;
        Ok(self.shared.kv.get(label, &key).map(|v| v.is_some()).map_err(key_value::Error::Other))
    }

    fn get_keys(&mut self, store: Resource<KvHandle>) -> wasmtime::Result<Result<Vec<String>, key_value::Error>> {
        let label = &self.table.get(&store)?.label;
        Ok(self.shared.kv.keys(label).map_err(key_value::Error::Other))
    }

    fn drop(&mut self, store: Resource<KvHandle>) -> wasmtime::Result<()> {
        self.table.delete(store)?;
        self.open_handles = self.open_handles.saturating_sub(1);
        Ok(())
    }
}

// wasi:keyvalue, as Spin serves it over the same stores: a bucket is a
// store label; counters are 8-byte little-endian integers.
impl wasi_kv::Host for Instance {
    fn open(&mut self, label: String) -> wasmtime::Result<Result<Resource<KvHandle>, wasi_kv::Error>> {
        if !self.config.key_value_stores.contains(&label) {
            return Ok(Err(wasi_kv::Error::AccessDenied));
        }
        if !self.shared.kv.has(&label) {
            return Ok(Err(wasi_kv::Error::NoSuchStore));
        }
        if self.open_handles >= MAX_HANDLES {
            return Ok(Err(wasi_kv::Error::Other("too many open stores".into())));
        }
        self.open_handles += 1;
        Ok(Ok(self.table.push(KvHandle { label })?))
    }
}

impl wasi_kv::HostBucket for Instance {
    fn get(&mut self, bucket: Resource<KvHandle>, key: String) -> wasmtime::Result<Result<Option<Vec<u8>>, wasi_kv::Error>> {
        let label = &self.table.get(&bucket)?.label;
        Ok(self.shared.kv.get(label, &key).map_err(wasi_kv::Error::Other))
    }

    fn set(&mut self, bucket: Resource<KvHandle>, key: String, value: Vec<u8>) -> wasmtime::Result<Result<(), wasi_kv::Error>> {
        let label = &self.table.get(&bucket)?.label;
        Ok(self.shared.kv.set(label, &key, &value).map_err(wasi_kv::Error::Other))
    }

    fn delete(&mut self, bucket: Resource<KvHandle>, key: String) -> wasmtime::Result<Result<(), wasi_kv::Error>> {
        let label = &self.table.get(&bucket)?.label;
        Ok(self.shared.kv.delete(label, &key).map_err(wasi_kv::Error::Other))
    }

    fn exists(&mut self, bucket: Resource<KvHandle>, key: String) -> wasmtime::Result<Result<bool, wasi_kv::Error>> {
        let label = &self.table.get(&bucket)?.label;
        Ok(self.shared.kv.get(label, &key).map(|v| v.is_some()).map_err(wasi_kv::Error::Other))
    }

    fn list_keys(
        &mut self,
        bucket: Resource<KvHandle>,
        _cursor: Option<String>,
    ) -> wasmtime::Result<Result<wasi_kv::KeyResponse, wasi_kv::Error>> {
        // Spin answers with every key at once and no cursor.
        let label = &self.table.get(&bucket)?.label;
        Ok(self.shared.kv.keys(label).map(|keys| wasi_kv::KeyResponse { keys, cursor: None }).map_err(wasi_kv::Error::Other))
    }

    fn drop(&mut self, bucket: Resource<KvHandle>) -> wasmtime::Result<()> {
        self.table.delete(bucket)?;
        self.open_handles = self.open_handles.saturating_sub(1);
        Ok(())
    }
}

impl atomics::Host for Instance {
    fn increment(&mut self, bucket: Resource<KvHandle>, key: String, delta: i64) -> wasmtime::Result<Result<i64, wasi_kv::Error>> {
        let label = &self.table.get(&bucket)?.label;
        Ok(self.shared.kv.increment(label, &key, delta).map_err(wasi_kv::Error::Other))
    }

    fn swap(&mut self, cas: Resource<CasHandle>, value: Vec<u8>) -> wasmtime::Result<Result<(), atomics::CasError>> {
        let CasHandle { label, key, seen } = self.table.delete(cas)?;
        match self.shared.kv.swap(&label, &key, seen.as_deref(), &value) {
            Ok(true) => Ok(Ok(())),
            Ok(false) => {
                let now = self.shared.kv.get(&label, &key).ok().flatten();
                Ok(Err(atomics::CasError::CasFailed(self.table.push(CasHandle { label, key, seen: now })?)))
            }
            Err(e) => Ok(Err(atomics::CasError::StoreError(wasi_kv::Error::Other(e)))),
        }
    }
}

impl atomics::HostCas for Instance {
    fn new(&mut self, bucket: Resource<KvHandle>, key: String) -> wasmtime::Result<Result<Resource<CasHandle>, wasi_kv::Error>> {
        let label = self.table.get(&bucket)?.label.clone();
        match self.shared.kv.get(&label, &key) {
            Ok(seen) => Ok(Ok(self.table.push(CasHandle { label, key, seen })?)),
            Err(e) => Ok(Err(wasi_kv::Error::Other(e))),
        }
    }

    fn current(&mut self, cas: Resource<CasHandle>) -> wasmtime::Result<Result<Option<Vec<u8>>, wasi_kv::Error>> {
        Ok(Ok(self.table.get(&cas)?.seen.clone()))
    }

    fn drop(&mut self, cas: Resource<CasHandle>) -> wasmtime::Result<()> {
        self.table.delete(cas)?;
        Ok(())
    }
}

impl sqlite::Host for Instance {}

impl sqlite::HostConnection for Instance {
    fn open(&mut self, database: String) -> wasmtime::Result<Result<Resource<SqlHandle>, sqlite::Error>> {
        if !self.config.sqlite_databases.contains(&database) {
            return Ok(Err(sqlite::Error::AccessDenied));
        }
        if !self.shared.db.has(&database) {
            return Ok(Err(sqlite::Error::NoSuchDatabase));
        }
        if self.open_handles >= MAX_HANDLES {
            return Ok(Err(sqlite::Error::Io("too many connections opened".into())));
        }
        let lease = match self.shared.db.lease(&database) {
            Ok(lease) => lease,
            Err(e) => return Ok(Err(sqlite::Error::Io(e))),
        };
        self.open_handles += 1;
        let databases = self.shared.db.clone();
        Ok(Ok(self.table.push(SqlHandle { label: database, lease: Some(lease), databases })?))
    }

    fn execute(
        &mut self,
        connection: Resource<SqlHandle>,
        statement: String,
        parameters: Vec<sqlite::Value>,
    ) -> wasmtime::Result<Result<sqlite::QueryResult, sqlite::Error>> {
        use crate::state::Value;
        let Ok(handle) = self.table.get(&connection) else {
            return Ok(Err(sqlite::Error::InvalidConnection));
        };
        let params = parameters
            .into_iter()
            .map(|v| match v {
                sqlite::Value::Integer(i) => Value::Integer(i),
                sqlite::Value::Real(f) => Value::Real(f),
                sqlite::Value::Text(t) => Value::Text(t),
                sqlite::Value::Blob(b) => Value::Blob(b),
                sqlite::Value::Null => Value::Null,
            })
            .collect();
        let result = match &handle.lease {
            Some(Lease::Own(conn)) => crate::state::execute(conn, &statement, params),
            Some(Lease::Shared(shared)) => match shared.lock() {
                Ok(conn) => crate::state::execute(&conn, &statement, params),
                Err(_) => Err("connection poisoned".into()),
            },
            None => return Ok(Err(sqlite::Error::InvalidConnection)),
        };
        Ok(result.map_err(sqlite::Error::Io).map(|(columns, rows)| sqlite::QueryResult {
            columns,
            rows: rows
                .into_iter()
                .map(|values| sqlite::RowResult {
                    values: values
                        .into_iter()
                        .map(|v| match v {
                            Value::Integer(i) => sqlite::Value::Integer(i),
                            Value::Real(f) => sqlite::Value::Real(f),
                            Value::Text(t) => sqlite::Value::Text(t),
                            Value::Blob(b) => sqlite::Value::Blob(b),
                            Value::Null => sqlite::Value::Null,
                        })
                        .collect(),
                })
                .collect(),
        }))
    }

    fn drop(&mut self, connection: Resource<SqlHandle>) -> wasmtime::Result<()> {
        self.table.delete(connection)?;
        self.open_handles = self.open_handles.saturating_sub(1);
        Ok(())
    }
}

impl variables::Host for Instance {
    fn get(&mut self, name: String) -> wasmtime::Result<Result<String, variables::Error>> {
        Ok(self.shared.variables.get(&self.config.id, &self.config.variables, &name).map_err(|e| match e {
            VariableError::InvalidName(m) => variables::Error::InvalidName(m),
            VariableError::Undefined(m) => variables::Error::Undefined(m),
            VariableError::Provider(m) => variables::Error::Provider(m),
            VariableError::Other(m) => variables::Error::Other(m),
        }))
    }
}

/// Outbound HTTP as Spin allows it: only to hosts in the component's
/// `allowed_outbound_hosts`; plain `http` is sent, `https` is refused with a
/// connection error because this local host carries no TLS stack.
struct OutboundHooks {
    allowed: Vec<AllowedHost>,
    component: String,
}

type IoFuture = Box<dyn Future<Output = Result<(), HttpError>> + Send>;

impl WasiHttpHooks for OutboundHooks {
    fn send_request(
        &mut self,
        mut request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        _io: IoFuture,
    ) -> Box<dyn Future<Output = Result<(http::Response<WasiBody>, IoFuture), HttpError>> + Send> {
        let uri = request.uri().clone();
        let scheme = uri.scheme_str().unwrap_or("http").to_string();
        let host = uri.host().map(str::to_string);
        let allowed = crate::outbound::is_allowed(&self.allowed, &scheme, host.as_deref(), uri.port_u16());
        if !allowed {
            eprintln!(
                "zige-host: component {:?} may not send requests to {scheme}://{}; add it to allowed_outbound_hosts",
                self.component,
                uri.authority().map(|a| a.as_str()).unwrap_or("")
            );
        }
        Box::new(async move {
            if !allowed {
                return Err(HttpError::HttpRequestDenied);
            }
            if scheme != "http" {
                return Err(HttpError::InternalError(Some(format!("the local host sends only http, not {scheme}"))));
            }
            let host = host.ok_or(HttpError::HttpRequestUriInvalid)?;
            let port = uri.port_u16().unwrap_or(80);
            let connect_timeout = options.as_ref().and_then(|o| o.connect_timeout).unwrap_or(std::time::Duration::from_secs(10));
            let stream = tokio::time::timeout(connect_timeout, tokio::net::TcpStream::connect((host.as_str(), port)))
                .await
                .map_err(|_| HttpError::ConnectionTimeout)?
                .map_err(HttpError::Connect)?;
            let (mut sender, connection) = hyper::client::conn::http1::handshake(wasmtime_wasi_http::io::TokioIo::new(stream)).await?;
            *request.uri_mut() = uri.path_and_query().map_or("/", |p| p.as_str()).parse().map_err(|_| HttpError::HttpRequestUriInvalid)?;
            let driver = tokio::spawn(connection);
            let response = sender.send_request(request).await?;
            let response = response.map(|body| body.map_err(HttpError::from).boxed_unsync());
            let io: IoFuture = Box::new(async move {
                match driver.await {
                    Ok(result) => result.map_err(HttpError::from),
                    Err(e) => Err(HttpError::InternalError(Some(e.to_string()))),
                }
            });
            Ok((response, io))
        })
    }
}
