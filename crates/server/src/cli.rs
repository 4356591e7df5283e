//! Command-line arguments. Every `serve` setting can also come from a `SWITCHBOARD_*` variable.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "switchboard",
    version,
    about = "Switchboard: support desk and payload inspector for Yunhu, Douyin, WeCom, Mixin and WeChat"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the console (the built app and its API) on a local address.
    Serve(ServeArgs),
    /// Decode a payload file (or `-` for standard input) in the terminal.
    Inspect(InspectArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Configuration file (TOML). Without one, every platform runs against the built-in sandbox.
    #[arg(long, env = "SWITCHBOARD_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on. Loopback unless told otherwise.
    #[arg(long, env = "SWITCHBOARD_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Directory holding the SQLite event log and generated secrets.
    #[arg(long, env = "SWITCHBOARD_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Directory of the built browser app (Trunk's output).
    #[arg(long, env = "SWITCHBOARD_DIST", default_value = "dist")]
    pub dist: PathBuf,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The payload file, or `-` to read standard input.
    pub file: PathBuf,
}
