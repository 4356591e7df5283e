//! Receiving over Blaze, for `bench/receive.sh`: the real `switchboard` binary (the path is the
//! first argument) in live mode against this process's sandbox emulator, on loopback.
//!
//! 1. Throughput: FRAMES customer messages queued on the Blaze emulator at once; the time until
//!    the server has stored (durably) and acknowledged the last of them.
//! 2. Coming back: the line is cut and refused for 3 s; one message is queued meanwhile. Prints
//!    the time from the emulator accepting connections again to that message acknowledged (so
//!    stored), and how long the backoff had the server wait.

use std::time::{Duration, Instant};

use base64::Engine;
use switchboard_payload::Platform;
use switchboard_server::sandbox::credentials::{MIXIN_SESSION_ID, MIXIN_USER_ID};
use switchboard_server::sandbox::customer::CustomerMessage;
use switchboard_server::sandbox::{Sandbox, lock, mixin_signing_key};

const FRAMES: usize = 20_000;

async fn wait_for(what: &str, within: Duration, check: impl Fn() -> bool) -> anyhow::Result<()> {
    let started = Instant::now();
    while !check() {
        anyhow::ensure!(started.elapsed() < within, "waited {within:?} for {what}");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let binary = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: blaze_load PATH/TO/switchboard"))?;
    let sandbox = Sandbox::start().await?;
    let blaze = lock(&sandbox.state.mixin).blaze.clone();
    let dir = tempfile::tempdir()?;
    let base = &sandbox.base_url;
    let host = base.trim_start_matches("http://");
    let config = dir.path().join("switchboard.toml");
    std::fs::write(
        &config,
        format!(
            "[mixin]\nbase_url = \"{base}/mixin\"\nuser_id = \"{MIXIN_USER_ID}\"\n\
             session_id = \"{MIXIN_SESSION_ID}\"\nprivate_key = \"{}\"\n\
             upload_hosts = [\"{host}\"]\nblaze_url = \"ws://{host}/mixin-blaze\"\n",
            base64::engine::general_purpose::STANDARD.encode(mixin_signing_key().to_bytes())
        ),
    )?;
    std::fs::create_dir_all(dir.path().join("dist"))?;
    std::fs::write(dir.path().join("dist/index.html"), "<!DOCTYPE html>")?;
    let mut server = std::process::Command::new(binary)
        .args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(&config)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .arg("--dist")
        .arg(dir.path().join("dist"))
        .env("SWITCHBOARD_LOG", "error")
        .stdout(std::process::Stdio::null())
        .spawn()?;
    let outcome = measure(&sandbox, &blaze).await;
    let _ = server.kill();
    let _ = server.wait();
    outcome
}

async fn measure(
    sandbox: &Sandbox,
    blaze: &std::sync::Arc<std::sync::Mutex<switchboard_server::sandbox::mixin::blaze::Queue>>,
) -> anyhow::Result<()> {
    wait_for(
        "the server's Blaze connection",
        Duration::from_secs(20),
        || lock(blaze).open > 0,
    )
    .await?;
    let message = |text: String| CustomerMessage {
        text: Some(text),
        ..CustomerMessage::default()
    };
    let started = Instant::now();
    for n in 0..FRAMES {
        sandbox.customer_message(Platform::Mixin, &message(format!("load {n}")));
    }
    let queued = started.elapsed();
    wait_for("every frame acknowledged", Duration::from_secs(300), || {
        lock(blaze).pending() == 0
    })
    .await?;
    let elapsed = started.elapsed();
    println!(
        "blaze frames stored and acknowledged: {FRAMES} in {:.2} s = {:.0} frames/s (queuing them took {:.2} s of it)",
        elapsed.as_secs_f64(),
        FRAMES as f64 / elapsed.as_secs_f64(),
        queued.as_secs_f64()
    );

    let refuse = Duration::from_secs(3);
    lock(blaze).cut(Some(refuse));
    let cut_at = Instant::now();
    let id = sandbox
        .customer_message(Platform::Mixin, &message("after the cut".into()))
        .message_id;
    wait_for("the refusal to end", Duration::from_secs(10), || {
        cut_at.elapsed() >= refuse
    })
    .await?;
    let accepting = Instant::now();
    wait_for(
        "the server to connect again",
        Duration::from_secs(60),
        || lock(blaze).open > 0,
    )
    .await?;
    let connected = Instant::now();
    wait_for(
        "the message queued during the cut",
        Duration::from_secs(60),
        || lock(blaze).is_acknowledged(&id),
    )
    .await?;
    println!(
        "blaze back: first frame stored and acknowledged {:.2} s after the emulator accepted connections again \
         ({:.2} s of it the backoff's wait for the next attempt, refused for {} s before), \
         {:.0} ms after that attempt's connection opened",
        accepting.elapsed().as_secs_f64(),
        (connected - accepting).as_secs_f64(),
        refuse.as_secs(),
        connected.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}
