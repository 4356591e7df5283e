use clap::Parser;
use switchboard_server::cli::{Cli, Command};

// glibc's malloc was a seventh of the proxy's time under load (many small, short-lived
// buffers per request, freed on another thread); mimalloc keeps them in per-thread heaps.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Serve(args) => switchboard_server::serve::run(args),
        Command::Inspect(args) => switchboard_server::inspect::run(args),
        Command::RotateSecret(args) => switchboard_server::secrets::rotate_command(&args),
        Command::Agent(args) => switchboard_server::agents::command(&args),
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("switchboard: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
