//! Throughput of the payload core: schema-less protobuf decoding of 1 KB and 1 MB messages, and
//! the whole pipeline on the seed mix — with the inspector's tree, and events only as the desk
//! decodes its event log.
//! Run: `cargo bench -p switchboard-payload --bench decode`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use prost::Message;
use switchboard_payload::protobuf::{raw, yunhu};
use switchboard_payload::{Options, inspect};

/// A Yunhu list response grown to about `size` bytes: nested messages, strings, varints.
fn list_response(size: usize) -> Vec<u8> {
    let mut response = yunhu::ListMessageResponse {
        status: Some(yunhu::Status {
            request_id: 1,
            code: 1,
            msg: "success".into(),
        }),
        ..Default::default()
    };
    let mut index = 0u64;
    let mut length = response.encoded_len();
    while length < size {
        let msg = yunhu::Msg {
            msg_id: format!("{index:032x}"),
            sender: Some(yunhu::Sender {
                chat_id: (7_356_666 + index).to_string(),
                chat_type: 1,
                name: "客户".into(),
                avatar_url: "https://chat-img.jwznb.com/a.jpg".into(),
                ..Default::default()
            }),
            direction: "left".into(),
            content_type: 1,
            content: Some(yunhu::MsgContent {
                text: "你好，请问这个商品还有货吗？".into(),
                ..Default::default()
            }),
            send_time: 1_700_000_000_000 + index,
            msg_seq: index,
            ..Default::default()
        };
        // Tag, length prefix and body of one repeated field.
        length += 1 + prost::length_delimiter_len(msg.encoded_len()) + msg.encoded_len();
        response.msg.push(msg);
        index += 1;
    }
    response.encode_to_vec()
}

fn seed_mix() -> Vec<Vec<u8>> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let mut payloads = Vec::new();
    for platform in ["douyin", "wecom", "mixin", "wechat", "yunhu", "proto"] {
        for entry in std::fs::read_dir(format!("{root}/{platform}")).unwrap() {
            payloads.push(std::fs::read(entry.unwrap().path()).unwrap());
        }
    }
    payloads
}

fn schema_less(c: &mut Criterion) {
    let mut group = c.benchmark_group("schema-less decode");
    for (name, size) in [("1 KB", 1024), ("1 MB", 1024 * 1024)] {
        let bytes = list_response(size);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(name, |b| b.iter(|| raw::decode(black_box(&bytes))));
    }
    group.finish();
}

fn pipeline(c: &mut Criterion) {
    let payloads = seed_mix();
    let mut group = c.benchmark_group("full pipeline");
    group.throughput(Throughput::Elements(payloads.len() as u64));
    group.bench_function("seed mix, events and tree (inspector)", |b| {
        b.iter(|| {
            for payload in &payloads {
                black_box(inspect(black_box(payload), &Options::default()));
            }
        })
    });
    let events_only = Options {
        skip_tree: true,
        ..Options::default()
    };
    group.bench_function("seed mix, events only (desk)", |b| {
        b.iter(|| {
            for payload in &payloads {
                black_box(inspect(black_box(payload), &events_only));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, schema_less, pipeline);
criterion_main!(benches);
