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
    /// Replace one platform's webhook secret (the last segment of its webhook URL). The old URL
    /// stops working at once, also for a server that is running; give the platform the new one.
    RotateSecret(RotateSecretArgs),
    /// Manage the team's agents: add, list, disable, enable, passwd. Works while a server runs
    /// on the same data directory; a disabled agent's sessions end at once.
    Agent(AgentArgs),
}

#[derive(Debug, Args)]
pub struct AgentArgs {
    #[command(subcommand)]
    pub action: AgentAction,
    /// The server's data directory.
    #[arg(
        long,
        env = "SWITCHBOARD_DATA_DIR",
        default_value = "data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// The PostgreSQL database the team is kept in, when the servers keep theirs there.
    #[arg(
        long,
        env = "SWITCHBOARD_DATABASE",
        hide_env_values = true,
        global = true
    )]
    pub database: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum AgentAction {
    /// Add an agent. The password is the first line of standard input.
    Add {
        name: String,
        /// May manage agents.
        #[arg(long)]
        admin: bool,
        /// Read the password from standard input (the only way: never on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List the agents.
    List,
    /// Disable an agent: they cannot log in, and their open sessions end at once.
    Disable { name: String },
    /// Let a disabled agent log in again.
    Enable { name: String },
    /// Set an agent's password (the first line of standard input); their sessions end.
    Passwd {
        name: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Debug, Args)]
pub struct RotateSecretArgs {
    /// yunhu, douyin, wecom, mixin or wechat.
    #[arg(value_parser = parse_platform)]
    pub platform: switchboard_payload::Platform,
    /// The server's data directory.
    #[arg(long, env = "SWITCHBOARD_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// The PostgreSQL database the secrets are kept in, when the servers keep theirs there.
    #[arg(long, env = "SWITCHBOARD_DATABASE", hide_env_values = true)]
    pub database: Option<String>,
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
    /// Keep everything — the event log, the team and its sessions, the webhook secrets — in
    /// PostgreSQL (`postgres://user:password@host:port/name`) instead of the data directory:
    /// any number of instances may share it.
    #[arg(long, env = "SWITCHBOARD_DATABASE", hide_env_values = true)]
    pub database: Option<String>,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Print `{"platform", "schema", "chain", "events", "tree"}` as JSON instead of a readable tree.
    #[arg(long)]
    pub json: bool,
    /// Only consider this platform's shapes: yunhu, douyin, wecom, mixin, wechat.
    #[arg(long, value_parser = parse_platform)]
    pub platform: Option<switchboard_payload::Platform>,
    /// Force the outermost format: json, jsonc, node_dump, textproto, xml, hex, base64, base64url,
    /// gzip, delimited (varint-delimited frames), grpc (gRPC / Connect frames), gzip_frames,
    /// protobuf, text.
    #[arg(long, value_parser = parse_format)]
    pub format: Option<switchboard_payload::unwrap::Format>,
    /// Decode a protobuf payload as this message, e.g. yunhu.PushMessage or one of `--proto`'s.
    #[arg(long)]
    pub schema: Option<String>,
    /// Your own .proto file (repeat for more): its messages are named and recognized beside
    /// ours. Files import each other by file name; google/protobuf/*.proto are built in.
    #[arg(long = "proto", value_name = "FILE")]
    pub protos: Vec<PathBuf>,
    /// Also print a hex dump of the decoded bytes.
    #[arg(long)]
    pub hex: bool,
    /// Compare with an earlier payload: `--diff A B` prints what was added, removed and changed
    /// from A to B, field by field (`--json`: as JSON).
    #[arg(long, value_name = "BEFORE")]
    pub diff: Option<PathBuf>,
    /// The payload file, or `-` to read standard input.
    pub file: PathBuf,
}

fn parse_platform(id: &str) -> Result<switchboard_payload::Platform, String> {
    id.parse()
        .map_err(|error: switchboard_protocol::UnknownPlatform| error.to_string())
}

fn parse_format(id: &str) -> Result<switchboard_payload::unwrap::Format, String> {
    switchboard_payload::unwrap::Format::from_id(id).ok_or_else(|| {
        let known: Vec<&str> = switchboard_payload::unwrap::Format::ALL
            .iter()
            .map(|format| format.id())
            .collect();
        format!(
            "unknown format {id:?}; expected one of {}",
            known.join(", ")
        )
    })
}
