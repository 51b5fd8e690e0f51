//! `zige-host up` serves a Spin app like `spin up`; `zige-host build` runs
//! its build commands like `spin build` (see `zige_host::cli`).

fn main() -> anyhow::Result<()> {
    zige_host::cli::main()
}
