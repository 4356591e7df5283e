//! What the event log costs a row, for `bench/server.sh`: the proxy's two rows (request and
//! linked answer) appended through `LogStore::append_batch` (SQLite) — durable, as the server does —
//! in batches of 1, 10 and 64. Prints wall and CPU time per row (CPU from
//! `/proc/thread-self/stat`, so Linux only; elsewhere CPU shows as 0).

use std::time::Instant;

use switchboard_server::event_log::{Direction, LogStore, NewEvent, SqliteLog};

const ROWS: usize = 20_000;

fn thread_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/thread-self/stat") else {
        return 0.0;
    };
    // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |index: usize| {
        fields
            .get(index)
            .and_then(|field| field.parse::<f64>().ok())
    };
    // USER_HZ is 100 on every Linux this runs on.
    (ticks(11).unwrap_or(0.0) + ticks(12).unwrap_or(0.0)) / 100.0
}

/// Owned header pairs from literals.
fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let request_headers = headers(&[
        (":method", "POST"),
        (":url", "http://127.0.0.1:41343/wechat/syncFinder"),
        ("content-type", "application/json"),
        ("Authorization", "sandbox-wechat-key-2d8b"),
    ]);
    let response_headers = headers(&[
        (":status", "200"),
        ("content-type", "application/json"),
        ("content-length", "80"),
    ]);
    let request = NewEvent {
        platform: switchboard_protocol::Platform::Wechat,
        direction: Direction::Outbound,
        content_type: Some("application/json"),
        headers: &request_headers,
        body: br#"{"keyBuff":"","wId":"sandbox-wid-0001"}"#,
        request_seq: None,
        dedupe_key: None,
    };
    for batch in [1, 10, 64] {
        let log = SqliteLog::open(&dir.path().join(format!("batch-{batch}.sqlite")))?;
        let answer = NewEvent {
            direction: Direction::Response,
            headers: &response_headers,
            body: br#"{"code":"1000","message":"ok","data":{"list":[],"keyBuff":"CAA=","continue":0}}"#,
            request_seq: Some(log.append(&request)?.seq()),
            ..request.clone()
        };
        // Requests and their answers, alternating, as the proxy appends them.
        let events: Vec<NewEvent<'_>> = (0..batch)
            .map(|index| if index % 2 == 1 { &answer } else { &request }.clone())
            .collect();
        let rows = if batch == 1 { ROWS / 10 } else { ROWS };
        let (started, cpu_before) = (Instant::now(), thread_cpu_seconds());
        for _ in 0..rows / batch {
            for outcome in log.append_batch(&events)?.outcomes {
                outcome?;
            }
        }
        let per_row = |seconds: f64| seconds * 1e6 / rows as f64;
        println!(
            "event log, batches of {batch:>2}: {:5.1} µs wall, {:5.1} µs CPU a row",
            per_row(started.elapsed().as_secs_f64()),
            per_row(thread_cpu_seconds() - cpu_before)
        );
    }
    Ok(())
}
