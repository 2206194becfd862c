//! The `claimgraph` binary: everything lives in the library (`claimgraph::cli`).

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    claimgraph::cli::main()
}
