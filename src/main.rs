//! The `claimgraph` binary: everything lives in the library (`claimgraph::cli`).

fn main() -> std::process::ExitCode {
    claimgraph::cli::main()
}
