//! The least a proxy built on this server's stack can do, for `bench/server.sh`: forward
//! `/api/proxy/wechat/{path}` to `UPSTREAM/wechat/{path}` with the credential header, buffer the
//! answer, return it. No event log, no session, no security headers, no allow-list — the same
//! work nginx does in the benchmark, so the two lines side by side show what axum and each HTTP
//! client cost before Switchboard does any of its own work.
//!
//! Usage: `proxy_floor reqwest|hyper UPSTREAM AUTHORIZATION`; prints `http://ADDRESS` when ready.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{Request, StatusCode};
use axum::routing::post;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

// As in `switchboard` itself.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Clone)]
enum Upstream {
    Reqwest(reqwest::Client),
    Hyper(Client<HttpConnector, Full<Bytes>>),
}

#[derive(Clone)]
struct Floor {
    upstream: Upstream,
    base: String,
    authorization: String,
}

type Answer = Result<(StatusCode, Bytes), StatusCode>;

/// Any upstream failure: this floor has no error bodies to build.
fn failed<E>(_: E) -> StatusCode {
    StatusCode::BAD_GATEWAY
}

async fn forward(State(floor): State<Floor>, Path(path): Path<String>, body: Bytes) -> Answer {
    let url = format!("{}/wechat/{path}", floor.base);
    match &floor.upstream {
        Upstream::Reqwest(client) => {
            let response = client
                .post(url)
                .header("authorization", &floor.authorization)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .map_err(failed)?;
            let status = response.status();
            Ok((status, response.bytes().await.map_err(failed)?))
        }
        Upstream::Hyper(client) => {
            let request = Request::post(url)
                .header("authorization", &floor.authorization)
                .header("content-type", "application/json")
                .body(Full::new(body))
                .map_err(|_| StatusCode::BAD_REQUEST)?;
            let response = client.request(request).await.map_err(failed)?;
            let status = response.status();
            let body = response.into_body().collect().await.map_err(failed)?;
            Ok((status, body.to_bytes()))
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [client, base, authorization] = args.as_slice() else {
        anyhow::bail!("usage: proxy_floor reqwest|hyper UPSTREAM AUTHORIZATION");
    };
    let upstream = match client.as_str() {
        "reqwest" => Upstream::Reqwest(
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
        ),
        "hyper" => {
            let mut connector = HttpConnector::new();
            connector.set_nodelay(true);
            Upstream::Hyper(Client::builder(TokioExecutor::new()).build(connector))
        }
        other => anyhow::bail!("unknown client {other}: reqwest or hyper"),
    };
    let floor = Floor {
        upstream,
        base: base.trim_end_matches('/').to_owned(),
        authorization: authorization.clone(),
    };
    let app = axum::Router::new()
        .route("/api/proxy/wechat/{*path}", post(forward))
        .with_state(floor);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
