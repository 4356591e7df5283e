//! `switchboard serve`: builds the router and runs it until Ctrl-C.

use anyhow::Context;
use axum::Router;
use tower_http::trace::TraceLayer;

use crate::cli::ServeArgs;
use crate::static_app;

/// Everything the console serves, ready to be bound to a listener.
pub fn router(args: &ServeArgs) -> Router {
    static_app::routes(&args.dist).layer(TraceLayer::new_for_http())
}

pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    init_tracing();
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("creating the data directory {}", args.data_dir.display()))?;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("listening on {}", args.listen))?;
        let address = listener.local_addr()?;
        // Tests and the run script read this line to learn the port.
        println!("Switchboard is running at http://{address}/");
        axum::serve(listener, router(&args))
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("serving")
    })
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SWITCHBOARD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
