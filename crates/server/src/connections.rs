//! The accept loop: what a connection may hold before the router sees it. At most
//! `limits.max_connections` are open at once (fewer when the process's file limit is lower);
//! a client gets `limits.header_timeout_secs` to send its headers, so half-sent requests cannot
//! pile up; every request carries its peer address ([`ConnectInfo`]) for per-address limits.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

use crate::config::Limits;

/// File descriptors kept for everything but client connections (the log, upstream calls, the
/// sandbox's listeners).
const RESERVED_FDS: u64 = 256;

/// Connections allowed at once: the configured cap, lowered to what the file limit leaves.
pub fn connection_cap(limits: &Limits) -> usize {
    let files = raise_file_limit();
    let usable = files.saturating_sub(RESERVED_FDS).max(16);
    limits.max_connections.min(usable as usize)
}

/// Raises the soft limit on open files to the hard one and returns it.
fn raise_file_limit() -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 1024;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit.rlim_cur = limit.rlim_max;
            }
        }
    }
    limit.rlim_cur
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets open requests finish (live
/// streams end on their own once the server says it is shutting down).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: &Limits,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let cap = connection_cap(limits);
    let slots = Arc::new(Semaphore::new(cap));
    let header_timeout = Duration::from_secs(limits.header_timeout_secs);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // A slot first: past the cap, new clients wait in the kernel's backlog.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors or a connection reset before accept: wait a
                    // little instead of spinning.
                    tracing::warn!("accept: {error}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Answers go out as written: Nagle's delay against the browser's delayed ACK costs a
        // log page tens of milliseconds.
        let _ = stream.set_nodelay(true);
        let service = app
            .clone()
            .map_request(move |mut request: hyper::Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // Errors here are the client's (reset, timed out, malformed): nothing to report.
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    // Requests in flight get a moment to finish; a stream that will not end is cut.
    let _ = tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await;
}
