//! An open-loop load: POSTs one body at a fixed rate, whatever the server's pace, and reports
//! each request's latency from the moment it was due (not from when it was sent), so a stall
//! counts for every request it held back — what wrk's closed loop, which waits for each answer
//! before the next, cannot show. `bench/server.sh` runs it beside 1 000 live streams.
//!
//! `open_loop URL BODY RATE SECONDS CONNECTIONS`: RATE requests a second spread over CONNECTIONS
//! keep-alive HTTP/1.1 connections (each takes every CONNECTIONS-th due time).

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, body, rate, seconds, connections] = args.as_slice() else {
        eprintln!("usage: open_loop URL BODY RATE SECONDS CONNECTIONS");
        std::process::exit(2);
    };
    let rate: f64 = rate.parse().expect("RATE is a number");
    let seconds: f64 = seconds.parse().expect("SECONDS is a number");
    let connections: usize = connections.parse().expect("CONNECTIONS is a number");
    let rest = url.trim_start_matches("http://");
    let (address, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let total = ((rate * seconds) as usize).max(1);
    let interval = Duration::from_secs_f64(1.0 / rate);
    let mut sockets = Vec::with_capacity(connections);
    for _ in 0..connections {
        sockets.push(connect(address).await?);
    }
    // The schedule starts once every connection is open: connecting is not a request's wait.
    let start = Instant::now() + Duration::from_millis(100);
    let mut tasks = Vec::new();
    for (connection, mut socket) in sockets.into_iter().enumerate() {
        let request = request.clone();
        let address = address.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0usize;
            let mut buffer = Vec::with_capacity(4096);
            for index in (connection..total).step_by(connections) {
                let due = start + interval * index as u32;
                tokio::time::sleep_until(due.into()).await;
                let answer = match socket.write_all(request.as_bytes()).await {
                    Ok(()) => read_answer(&mut socket, &mut buffer).await,
                    Err(_) => None,
                };
                match answer {
                    Some(true) => latencies.push(due.elapsed()),
                    Some(false) => failures += 1,
                    // A broken connection fails this request; the next one gets a new connection.
                    None => {
                        failures += 1;
                        match connect(&address).await {
                            Ok(fresh) => socket = fresh,
                            Err(_) => break,
                        }
                    }
                }
            }
            (latencies, failures)
        }));
    }
    let mut latencies = Vec::with_capacity(total);
    let mut failures = 0;
    for task in tasks {
        let (mut some, failed) = task.await.expect("a connection's task");
        latencies.append(&mut some);
        failures += failed;
    }
    let elapsed = start.elapsed().as_secs_f64();
    latencies.sort_unstable();
    if latencies.is_empty() {
        println!("offered {rate:.0}/s: no request succeeded ({failures} failed)");
        return Ok(());
    }
    let at = |quantile: f64| {
        let index = ((latencies.len() as f64 * quantile) as usize).min(latencies.len() - 1);
        latencies[index].as_secs_f64() * 1000.0
    };
    println!(
        "offered {rate:.0}/s for {seconds:.0} s over {connections} connections: {} answered 2xx in {elapsed:.1} s, {failures} failed (not in the latencies); from due time p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        latencies.len(),
        at(0.50),
        at(0.90),
        at(0.99),
        at(1.0),
    );
    Ok(())
}

async fn connect(address: &str) -> std::io::Result<TcpStream> {
    let socket = TcpStream::connect(address).await?;
    socket.set_nodelay(true)?;
    Ok(socket)
}

/// Reads one HTTP/1.1 answer (headers, then a `Content-Length` body): `Some(true)` for a 2xx,
/// `Some(false)` for another status, `None` when the connection can carry no further request
/// (closed, or an answer without a length, which could not be told from the next one).
async fn read_answer(socket: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<bool> {
    buffer.clear();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse().ok())?;
            while buffer.len() < end + 4 + length {
                let read = socket.read(&mut chunk).await.ok()?;
                if read == 0 {
                    return None;
                }
                buffer.extend_from_slice(&chunk[..read]);
            }
            return Some(head.starts_with("http/1.1 2"));
        }
        let read = socket.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
}
