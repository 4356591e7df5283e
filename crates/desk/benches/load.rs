//! What the desk does before it is live, natively: a page of the log as `/api/events` serves it
//! (JSON with base64 bodies) parsed into rows, and rows applied to the projection — E云 webhooks
//! from 10 000 customers, as `bench/desk.sh` generates them.
//! Run: `cargo bench -p switchboard-desk --bench load`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use switchboard_desk::{Desk, Direction, Row};

const ROWS: usize = 20_000;

fn webhook_rows() -> Vec<Row> {
    rows_from(10_000)
}

/// `ROWS` webhooks, from `customers` customers in turn.
fn rows_from(customers: u64) -> Vec<Row> {
    (0..ROWS)
        .map(|index| {
            let id = 100_000_000 + index as u64;
            let customer = id % customers;
            let body = format!(
                r#"{{"wcId":"wxid_me","account":"me","messageType":60001,"data":{{"fromUser":"wxid_c{customer}","toUser":"wxid_me","msgId":{id},"newMsgId":{},"msgType":1,"timestamp":{},"content":"message {id} for customer {customer}","self":false}}}}"#,
                900_000_000_000 + id,
                1_795_000_000 + index
            );
            Row {
                seq: index as i64 + 1,
                platform: switchboard_payload::Platform::Wechat,
                direction: Direction::Inbound,
                received_at_ms: 1_795_000_000_000 + index as i64,
                content_type: Some("application/json".into()),
                headers: vec![("content-type".into(), "application/json".into())],
                body: body.into_bytes(),
                request_seq: None,
            }
        })
        .collect()
}

fn load(c: &mut Criterion) {
    let rows = webhook_rows();
    let page = serde_json::to_string(&rows).unwrap();
    let mut group = c.benchmark_group("desk load");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS as u64));
    group.bench_function("parse the log's pages", |b| {
        b.iter(|| serde_json::from_str::<Vec<Row>>(black_box(&page)).unwrap())
    });
    let options = switchboard_payload::Options {
        platform: Some(switchboard_payload::Platform::Wechat),
        skip_tree: true,
        ..switchboard_payload::Options::default()
    };
    group.bench_function("decode the rows' events (part of applying)", |b| {
        b.iter(|| {
            rows.iter()
                .map(|row| {
                    switchboard_payload::inspect(black_box(&row.body), &options)
                        .events
                        .len()
                })
                .sum::<usize>()
        })
    });
    group.bench_function("apply rows to the projection", |b| {
        // The desk lives as long as the page: its drop is not part of loading.
        b.iter_with_large_drop(|| {
            let mut desk = Desk::new();
            for row in &rows {
                desk.apply(row);
            }
            desk
        })
    });
    // The desk reads the past newest first: one long thread grows at its front.
    let one_thread = rows_from(1);
    group.bench_function("apply one customer's thread, newest page first", |b| {
        b.iter_with_large_drop(|| {
            let mut desk = Desk::new();
            for page in one_thread.rchunks(5000) {
                desk.apply_older(page);
            }
            desk
        })
    });
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
