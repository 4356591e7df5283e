//! Holds N live streams open against a running `switchboard serve`, each reading and dropping
//! everything it is sent — the load `bench/server.sh` puts beside the webhook intake to measure
//! what live desks cost an acknowledgement. Runs for the given seconds, then exits.
//!
//! `sse_clients BASE_URL COOKIE COUNT SECONDS` (the cookie as `name=value`).

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, cookie, count, seconds] = args.as_slice() else {
        eprintln!("usage: sse_clients BASE_URL COOKIE COUNT SECONDS");
        std::process::exit(2);
    };
    let address = base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let count: usize = count.parse().expect("COUNT is a number");
    let seconds: u64 = seconds.parse().expect("SECONDS is a number");
    let newest = newest_seq(&address, cookie).await?;
    let mut streams = Vec::with_capacity(count);
    for _ in 0..count {
        let mut socket = tokio::net::TcpStream::connect(&address).await?;
        // Resume from the newest row, as a desk that is already up to date does.
        let request = format!(
            "GET /api/events/stream?after={newest} HTTP/1.1\r\nHost: {address}\r\nCookie: {cookie}\r\nAccept: text/event-stream\r\n\r\n"
        );
        socket.write_all(request.as_bytes()).await?;
        streams.push(tokio::spawn(async move {
            let mut buffer = vec![0u8; 64 * 1024];
            let mut received = 0u64;
            while let Ok(read) = socket.read(&mut buffer).await {
                if read == 0 {
                    break;
                }
                received += read as u64;
            }
            received
        }));
    }
    println!("{count} live streams open");
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    Ok(())
}

/// The log's newest seq, from the newest page's `next_after`.
async fn newest_seq(address: &str, cookie: &str) -> std::io::Result<i64> {
    let mut socket = tokio::net::TcpStream::connect(address).await?;
    let request = format!(
        "GET /api/events?before=9223372036854775807&limit=1 HTTP/1.1\r\nHost: {address}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
    );
    socket.write_all(request.as_bytes()).await?;
    let mut answer = String::new();
    socket.read_to_string(&mut answer).await?;
    let digits: String = answer
        .split("\"next_after\":")
        .nth(1)
        .unwrap_or("0")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    Ok(digits.parse().unwrap_or(0))
}
