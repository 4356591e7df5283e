//! `switchboard serve`: loads the configuration (or starts the sandbox), opens the event log,
//! and serves the app, the API, the login page and the webhook intake until Ctrl-C.

use std::io::Write;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderValue, Request};
use axum::routing::{get, post};
use tokio::sync::watch;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::cli::ServeArgs;
use crate::config::Config;
use crate::database::Database;
use crate::platforms::Platforms;
use crate::sandbox::{Sandbox, lock, seed};
use crate::secrets::Secrets;
use crate::state::AppState;
use crate::{api, auth, body_guard, connections, health, hooks, hosted, security, static_app};

/// Everything the console serves, ready to be bound to a listener.
pub fn router(state: AppState, args: &ServeArgs) -> Router {
    let body_limit = DefaultBodyLimit::max(state.config.body_limit);
    let api = Router::new()
        .route("/config", get(api::config::show))
        .route("/webhooks", get(api::config::webhooks))
        // A log page is JSON with base64 bodies: it shrinks tenfold, faster than a browser
        // takes in the difference.
        .route(
            "/events",
            get(api::events::page).layer(
                CompressionLayer::new()
                    .no_br()
                    .no_deflate()
                    .quality(CompressionLevel::Fastest),
            ),
        )
        .route("/events/stream", get(api::events::stream))
        .route("/events/lookups/{platform}", get(api::events::lookups))
        .route("/events/{seq}/replay", post(api::sandbox::replay))
        .route(
            "/proxy/{platform}/{*path}",
            axum::routing::any(api::proxy::forward),
        )
        .route("/media/{platform}", get(api::media::fetch))
        .route("/receive/{platform}/now", post(api::receive::now))
        .route("/upload/{platform}", post(api::upload::upload))
        .route(
            "/sandbox/{platform}/customer-message",
            post(api::sandbox::customer_message),
        )
        .route(
            "/sandbox/{platform}/drop-connection",
            post(api::sandbox::drop_connection),
        )
        .route(
            "/sandbox/{platform}/refuse-profiles",
            post(api::sandbox::refuse_profiles),
        )
        .route("/sandbox/{platform}/received", get(api::sandbox::received))
        .route("/me", get(auth::me))
        .route("/desk/{platform}", post(api::desk::record))
        .route("/presence", post(api::desk::announce))
        .route("/agents", get(api::team::list).post(api::team::add))
        .route("/agents/{name}/disable", post(api::team::disable))
        .route("/agents/{name}/enable", post(api::team::enable))
        .route("/agents/{name}/password", post(api::team::password))
        .route("/canned", get(api::team::canned))
        .route(
            "/canned/{shortcut}",
            axum::routing::put(api::team::put_canned).delete(api::team::delete_canned),
        )
        .route("/logout", post(auth::logout))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::require_session,
        ))
        .route(
            "/login",
            post(auth::api_login).route_layer(axum::middleware::from_fn(auth::require_same_origin)),
        )
        .fallback(|| async {
            api::ApiError::new(axum::http::StatusCode::NOT_FOUND, "no such API route")
        })
        // Messages and secrets: never kept in a browser's or a proxy's cache. Only `/media`
        // says otherwise (pictures, private, for an hour: `api::media`).
        .layer(SetResponseHeaderLayer::if_not_present(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    let login = Router::new()
        .route("/login", get(auth::page).post(auth::submit))
        .route_layer(axum::middleware::from_fn(auth::require_same_origin))
        .route("/login.css", get(auth::login_css));
    let router = Router::new()
        .nest("/api", api)
        .route("/hooks/{platform}/{secret}", post(hooks::receive))
        .route("/healthz", get(health::show))
        .route("/files/{token}/{name}", get(hosted::serve))
        .merge(login)
        .with_state(state.clone())
        .merge(static_app::routes(&args.dist))
        .layer(body_limit)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            body_guard::read_whole_body,
        ));
    // Outermost but for the security headers: every answer (an error from any layer) speaks
    // the caller's language.
    let mut router = router.layer(axum::middleware::from_fn(crate::words::speak));
    let https = state.config.served_over_https();
    for layer in security::layers(&security::content_security_policy(&args.dist), https) {
        router = router.layer(layer);
    }
    router.layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
        // The path without its query, and with the webhook secret masked: log lines never
        // carry a credential.
        tracing::info_span!("http", method = %request.method(), path = %loggable_path(request.uri().path()))
    }))
}

/// `/hooks/{platform}/{secret}` → `/hooks/{platform}/…`.
pub fn loggable_path(path: &str) -> String {
    match path
        .strip_prefix("/hooks/")
        .and_then(|rest| rest.split_once('/'))
    {
        Some((platform, _)) => format!("/hooks/{platform}/…"),
        None => path.to_owned(),
    }
}

pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    init_tracing();
    let config = Config::load(args.config.as_deref())?;
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("creating the data directory {}", args.data_dir.display()))?;
    // Every customer's messages and our secrets live there: the owner's only, and so is every
    // file created from here on (the log's WAL, hosted uploads).
    #[cfg(unix)]
    {
        // SAFETY: umask only sets the process's file-creation mask.
        unsafe {
            libc::umask(0o077);
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&args.data_dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("restricting {}", args.data_dir.display()))?;
    }
    let database = args
        .database
        .as_deref()
        .map(Database::open)
        .transpose()
        .context("opening the PostgreSQL database")?;
    let secrets = match &database {
        Some(database) => Secrets::shared(database.clone())?,
        None => Secrets::load_or_create(&args.data_dir)?,
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let (shutdown_sender, shutting_down) = watch::channel(false);
        let sandbox = if config.is_sandbox() {
            Some(Arc::new(Sandbox::start().await?))
        } else {
            None
        };
        // Bound first: the sandbox's E云 fetches the files we host from our own address.
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("listening on {}", args.listen))?;
        let address = listener.local_addr()?;
        let config = match &sandbox {
            Some(sandbox) => Config {
                body_limit: config.body_limit,
                upstream_timeout_secs: config.upstream_timeout_secs,
                public_url: config.public_url.clone(),
                limits: config.limits.clone(),
                desk: config.desk.clone(),
                ..sandbox.config(&format!("http://{address}"))
            },
            None => config,
        };
        let platforms = Platforms::from_config(&config)?;
        let state = AppState::new(
            platforms,
            secrets,
            config,
            &args.data_dir,
            database.clone(),
            shutting_down,
            sandbox.clone(),
        )?;
        if state.sandbox.is_some() {
            let seeded = seed::seed_if_empty(&state).await?;
            if seeded > 0 {
                tracing::info!("seeded the event log with {seeded} payloads");
            }
        }
        if let Some(sandbox) = &sandbox {
            *lock(&sandbox.state.intake) = Some(format!("http://{address}"));
        }
        let mode = match &sandbox {
            Some(sandbox) => format!(
                "Sandbox mode: every platform is emulated at {}",
                sandbox.base_url
            ),
            None => format!(
                "Live mode: {} configured",
                state
                    .platforms
                    .iter()
                    .map(|rules| rules.platform().id())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        // Tests and the run script read the first line to learn the port. Whoever started us
        // may stop reading: a closed stdout is no reason to stop serving.
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "Switchboard is running at http://{address}/");
        // While the team has no agent, the link that creates the first admin (once).
        let _ = match state.setup_token() {
            Some(token) => writeln!(
                stdout,
                "Create the first admin (this link works once): http://{address}/login?setup={token}"
            ),
            None => writeln!(stdout, "Log in at: http://{address}/login"),
        };
        let _ = writeln!(stdout, "{mode}");
        let _ = stdout.flush();
        drop(stdout);
        crate::receive::start(&state);
        start_background(&state);
        let limits = state.config.limits.clone();
        let app = router(state, &args);
        connections::serve(listener, app, &limits, async move {
            shutdown_signal().await;
            let _ = shutdown_sender.send(true);
        })
        .await;
        Ok(())
    })
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SWITCHBOARD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"))
        // The database client's debug lines carry statements' parameters: webhook secrets,
        // password hashes, rows. Never below warnings, whatever else is asked.
        .add_directive("tokio_postgres=warn".parse().expect("a valid directive"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| LossyStderr)
        // Its own error path is `eprintln!`, which panics when stderr cannot be written (a
        // full disk, a closed pipe): a log line is never worth a thread.
        .log_internal_errors(false)
        .try_init();
}

/// Standard error that drops what it cannot write instead of failing the caller: logging
/// must never stop the event log writer or a request.
struct LossyStderr;

impl Write for LossyStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = std::io::stderr().write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let _ = std::io::stderr().flush();
        Ok(())
    }
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}

/// Starts the team-wide background work: profile lookups and automatic assignment. On a
/// database several instances share, one instance does it at a time (else each would ask every
/// platform, and assign every conversation, once per instance): the one holding the lead, which
/// stops it when the lead is lost and another may take over.
fn start_background(state: &AppState) {
    let start = |state: &AppState| -> Vec<tokio::task::JoinHandle<()>> {
        let mut tasks = crate::profiles::start(state);
        tasks.extend(crate::auto_assign::start(state));
        tasks
    };
    let Some(database) = state.database.clone() else {
        start(state);
        return;
    };
    let state = state.clone();
    tokio::spawn(async move {
        let mut shutting_down = state.shutting_down.clone();
        loop {
            let mut lease = tokio::select! {
                lease = database.lead(crate::database::leads::BACKGROUND) => lease,
                _ = shutting_down.wait_for(|closing| *closing) => return,
            };
            let tasks = start(&state);
            tokio::select! {
                () = lease.lost() => {
                    tracing::warn!("lost the lead of the background work: standing by");
                    for task in tasks {
                        task.abort();
                    }
                }
                _ = shutting_down.wait_for(|closing| *closing) => return,
            }
        }
    });
}
