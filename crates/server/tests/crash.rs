//! Durability: while webhooks pour in, the server is killed with SIGKILL and restarted. Every
//! webhook that was acknowledged with a 2xx must be in the log afterwards.

mod support;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use support::{RunningServer, all_events, body_of, webhook_secret};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_webhook_survives_kill_9() {
    let data = tempfile::tempdir().unwrap();
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!DOCTYPE html><title>Switchboard</title>",
    )
    .unwrap();
    let mut server = RunningServer::start(data.path(), dist.path());
    let hook = server.url(&format!(
        "/hooks/wechat/{}",
        webhook_secret(data.path(), "wechat")
    ));

    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let mut senders = Vec::new();
    for worker in 0..16u64 {
        let (http, hook, acknowledged) = (http.clone(), hook.clone(), acknowledged.clone());
        senders.push(tokio::spawn(async move {
            for n in 0.. {
                let id = worker * 1_000_000 + n;
                let body = serde_json::json!({ "wcId": "wxid_me", "messageType": 60001, "data": { "newMsgId": id, "content": format!("load {id}") } });
                match http.post(&hook).json(&body).send().await {
                    Ok(response) if response.status().is_success() => {
                        acknowledged.lock().unwrap().insert(id);
                    }
                    Ok(_) => {}
                    // The server is gone: this worker is done.
                    Err(_) => return,
                }
            }
        }));
    }
    // Let the load run until a few hundred deliveries were acknowledged, then crash.
    for _ in 0..200 {
        if acknowledged.lock().unwrap().len() >= 300 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    server.kill();
    for sender in senders {
        sender.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= 300,
        "the load ran: {}",
        acknowledged.len()
    );

    let restarted = RunningServer::start(data.path(), dist.path());
    let client = restarted.logged_in_client().await;
    let stored: BTreeSet<u64> = all_events(&client, &restarted)
        .await
        .iter()
        .filter(|event| event["platform"] == "wechat" && event["direction"] == "inbound")
        .filter_map(|event| serde_json::from_slice::<serde_json::Value>(&body_of(event)).ok())
        .filter_map(|body| body["data"]["newMsgId"].as_u64())
        .collect();
    let lost: Vec<&u64> = acknowledged.difference(&stored).collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged webhooks lost, e.g. {:?}",
        lost.len(),
        &lost[..lost.len().min(5)]
    );
}
