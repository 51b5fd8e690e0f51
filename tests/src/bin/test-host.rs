//! The local host as a process of its own, for tests and benchmarks that
//! kill it mid-work. `cargo test` and `cargo bench` build it with the test
//! crate's features, so wasmtime is not compiled a second time.

fn main() -> anyhow::Result<()> {
    zige_host::cli::main()
}
