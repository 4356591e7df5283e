//! What every backend of the log must do, checked on each: SQLite in a temporary directory, and
//! PostgreSQL in a fresh database of the test cluster that `./x test` starts
//! (`SWITCHBOARD_TEST_POSTGRES`; see [`test_postgres`]).

use std::sync::Arc;

use super::*;

/// A log of each backend, each in a place of its own, with what keeps that place alive.
fn backends() -> Vec<(&'static str, Arc<EventLog>, Box<dyn std::any::Any>)> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite: Arc<EventLog> =
        Arc::new(SqliteLog::open(&dir.path().join("events.sqlite")).unwrap());
    let mut backends: Vec<(&'static str, Arc<EventLog>, Box<dyn std::any::Any>)> =
        vec![("sqlite", sqlite, Box::new(dir))];
    if let Some(url) = test_postgres::fresh_database() {
        let postgres: Arc<EventLog> = Arc::new(PostgresLog::open(&url).unwrap());
        backends.push(("postgres", postgres, Box::new(())));
    }
    backends
}

/// The bodies of the first rows after `after`, in log order.
pub(super) fn bodies_after(log: &dyn LogStore, after: i64) -> Vec<Vec<u8>> {
    log.after(after, 10)
        .unwrap()
        .into_iter()
        .map(|row| row.body)
        .collect()
}

/// A Douyin webhook delivery.
pub(super) fn webhook<'a>(
    headers: &'a [(String, String)],
    body: &'a [u8],
    key: Option<&'a str>,
) -> NewEvent<'a> {
    NewEvent {
        platform: Platform::Douyin,
        direction: Direction::Inbound,
        content_type: Some("application/json"),
        headers,
        body,
        request_seq: None,
        dedupe_key: key,
    }
}

fn header(name: &str, value: &str) -> (String, String) {
    (name.to_owned(), value.to_owned())
}

#[test]
fn appends_read_back_in_order_as_bytes_with_credentials_redacted() {
    for (backend, log, _place) in backends() {
        assert_eq!(log.last_seq().unwrap(), 0, "{backend}");
        let headers = vec![
            header("X-Douyin-Signature", "abc"),
            header("Authorization", "Bearer s3cret"),
        ];
        assert_eq!(
            log.append(&webhook(&headers, b"{\"a\":1}", None)).unwrap(),
            Appended::Stored(1)
        );
        assert_eq!(
            log.append(&webhook(&headers, b"\x00\xff", None)).unwrap(),
            Appended::Stored(2)
        );
        let rows = log.after(0, 10).unwrap();
        assert_eq!(rows.len(), 2, "{backend}");
        assert_eq!(rows[0].body, b"{\"a\":1}");
        assert_eq!(
            rows[1].body, b"\x00\xff",
            "{backend}: bodies are bytes, not text"
        );
        assert_eq!(rows[0].headers[0], headers[0]);
        assert_eq!(
            rows[0].headers[1],
            header("Authorization", REDACTED),
            "{backend}"
        );
        assert_eq!(rows[0].content_type.as_deref(), Some("application/json"));
        assert_eq!(log.after(1, 10).unwrap()[0].seq, 2);
        assert_eq!(log.after(0, 1).unwrap().len(), 1);
        assert_eq!(log.last_seq().unwrap(), 2, "{backend}");
        log.probe_write().unwrap();
        assert_eq!(
            log.last_seq().unwrap(),
            2,
            "{backend}: the probe writes no row"
        );
    }
}

#[test]
fn a_retried_delivery_is_stored_once_and_a_bad_row_fails_alone() {
    for (backend, log, _place) in backends() {
        let dangling = NewEvent {
            direction: Direction::Response,
            request_seq: Some(999),
            ..webhook(&[], b"orphan", None)
        };
        let outcomes = log
            .append_batch(&[
                webhook(&[], b"a", Some("k")),
                dangling,
                webhook(&[], b"b", Some("k")),
                webhook(&[], b"c", None),
            ])
            .unwrap()
            .outcomes;
        // (Seqs may have gaps: PostgreSQL does not hand back a seq a failed try drew.)
        let first = match outcomes[0].as_ref().unwrap() {
            Appended::Stored(seq) => *seq,
            duplicate => panic!("{backend}: {duplicate:?}"),
        };
        assert!(outcomes[1].is_err(), "{backend}: a bad event fails alone");
        assert!(
            !outcomes[1].as_ref().unwrap_err().is_storage_failure(),
            "{backend}"
        );
        assert_eq!(
            outcomes[2].as_ref().unwrap(),
            &Appended::Duplicate(first),
            "{backend}: dedupe sees its own batch"
        );
        let third = outcomes[3].as_ref().unwrap().seq();
        let bodies = bodies_after(log.as_ref(), 0);
        assert_eq!(bodies, [b"a".to_vec(), b"c".to_vec()], "{backend}");
        assert_eq!(log.last_seq().unwrap(), third);
        // Later, alone, and on another platform.
        assert_eq!(
            log.append(&webhook(&[], b"x", Some("k"))).unwrap(),
            Appended::Duplicate(first)
        );
        let other = NewEvent {
            platform: Platform::Wechat,
            ..webhook(&[], b"x", Some("k"))
        };
        assert!(
            matches!(log.append(&other).unwrap(), Appended::Stored(_)),
            "{backend}"
        );
        // The same in a turn: the bad row fails alone, and the log is free after it.
        if let Some(turn) = log.turn().unwrap() {
            let dangling = NewEvent {
                direction: Direction::Response,
                request_seq: Some(999),
                ..webhook(&[], b"orphan", None)
            };
            let outcomes = turn
                .append_batch(&[dangling, webhook(&[], b"d", None)])
                .unwrap()
                .outcomes;
            assert!(outcomes[0].is_err(), "{backend}");
            let fourth = outcomes[1].as_ref().unwrap().seq();
            assert_eq!(
                log.last_seq().unwrap(),
                fourth,
                "{backend}: read once flushed"
            );
            log.append(&webhook(&[], b"e", None)).unwrap();
        }
    }
}

#[test]
fn a_turn_appends_in_order_and_one_given_up_leaves_the_log_free() {
    for (backend, log, _place) in backends() {
        // Given up unused: the log goes on at once.
        drop(log.turn().unwrap());
        let started = std::time::Instant::now();
        let first = log
            .append(&webhook(&[], b"after a turn given up", None))
            .unwrap()
            .seq();
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{backend}: the append waited {:?}",
            started.elapsed()
        );
        let events = [
            webhook(&[], b"in a turn, first", None),
            webhook(&[], b"in a turn, second", None),
        ];
        let outcomes = match log.turn().unwrap() {
            Some(turn) => turn.append_batch(&events).unwrap().outcomes,
            None => log.append_batch(&events).unwrap().outcomes,
        };
        let seqs: Vec<i64> = outcomes
            .into_iter()
            .map(|outcome| outcome.unwrap().seq())
            .collect();
        assert!(first < seqs[0] && seqs[0] < seqs[1], "{backend}: {seqs:?}");
        let bodies = bodies_after(log.as_ref(), first);
        assert_eq!(
            bodies,
            [b"in a turn, first".to_vec(), b"in a turn, second".to_vec()],
            "{backend}"
        );
    }
}

#[test]
fn each_outcome_of_a_clean_batch_is_its_own_row() {
    for (backend, log, _place) in backends() {
        let stored = log
            .append(&webhook(&[], b"stored earlier", Some("old")))
            .unwrap()
            .seq();
        let bodies: Vec<Vec<u8>> = (0..40)
            .map(|index| format!("row {index}").into_bytes())
            .collect();
        let keys: Vec<String> = (0..40).map(|index| format!("key {index}")).collect();
        let mut events: Vec<NewEvent> = bodies
            .iter()
            .zip(&keys)
            .map(|(body, key)| NewEvent {
                // Platforms and directions mixed, so a column out of step would show.
                platform: [Platform::Douyin, Platform::Wechat][body.len() % 2],
                direction: [Direction::Inbound, Direction::Desk][body.len() % 2],
                ..webhook(&[], body, Some(key.as_str()))
            })
            .collect();
        // A retry within the batch, and one of a row stored before it.
        events.insert(7, events[3].clone());
        events.insert(20, webhook(&[], b"retried", Some("old")));
        let outcomes = log.append_batch(&events).unwrap().outcomes;
        assert_eq!(outcomes.len(), events.len(), "{backend}");
        let rows = log.after(stored, 100).unwrap();
        let by_seq: std::collections::HashMap<i64, &Row> =
            rows.iter().map(|row| (row.seq, row)).collect();
        for (event, outcome) in events.iter().zip(&outcomes) {
            let seq = outcome.as_ref().unwrap().seq();
            if event.body == b"retried" {
                assert_eq!(
                    outcome.as_ref().unwrap(),
                    &Appended::Duplicate(stored),
                    "{backend}"
                );
                continue;
            }
            let row = by_seq[&seq];
            assert_eq!(row.body, event.body, "{backend}: seq {seq}");
            assert_eq!(
                (row.platform, row.direction),
                (event.platform, event.direction),
                "{backend}"
            );
        }
        assert_eq!(
            outcomes[7].as_ref().unwrap(),
            &Appended::Duplicate(outcomes[3].as_ref().unwrap().seq())
        );
        let in_log: Vec<Vec<u8>> = rows.iter().map(|row| row.body.clone()).collect();
        assert_eq!(in_log, bodies, "{backend}: forty rows, in the order given");
    }
}

#[test]
fn pages_are_bounded_by_count_and_bytes_and_always_move_on() {
    for (backend, log, _place) in backends() {
        let bodies: Vec<Vec<u8>> = (0..6).map(|index| vec![b'a' + index; 100]).collect();
        let events: Vec<NewEvent> = bodies.iter().map(|body| webhook(&[], body, None)).collect();
        log.append_batch(&events).unwrap();
        let desk = NewEvent {
            direction: Direction::Desk,
            ..webhook(&[], b"{}", None)
        };
        log.append(&desk).unwrap();
        let seqs = |slice: &Slice| slice.events.iter().map(|row| row.seq).collect::<Vec<_>>();
        let page = log.after_within(0, 10, 250).unwrap();
        assert_eq!((seqs(&page), page.more), (vec![1, 2], true), "{backend}");
        let page = log.after_within(2, 3, usize::MAX).unwrap();
        assert_eq!((seqs(&page), page.more), (vec![3, 4, 5], true), "{backend}");
        let page = log.after_within(5, 10, 1).unwrap();
        assert_eq!(seqs(&page), [6], "{backend}: one row however large");
        let page = log.before_within(i64::MAX, 3, usize::MAX).unwrap();
        assert_eq!(
            (seqs(&page), page.more),
            (vec![5, 6, 7], true),
            "{backend}: newest, in log order"
        );
        let page = log.before_within(6, 10, 250).unwrap();
        assert_eq!(
            (seqs(&page), page.more),
            (vec![4, 5], true),
            "{backend}: the bound drops the oldest"
        );
        let page = log.after_within(7, 10, usize::MAX).unwrap();
        assert_eq!((seqs(&page), page.more), (vec![], false));
        let desk_rows = log.desk_rows_after(0, 10).unwrap();
        assert_eq!(seqs(&desk_rows), [7], "{backend}");
        assert_eq!(desk_rows.events[0].direction, Direction::Desk);
        assert_eq!(log.first_seq_since(0).unwrap(), 1, "{backend}");
        assert_eq!(
            log.first_seq_since(now_ms() + 60_000).unwrap(),
            8,
            "{backend}: none that new"
        );
    }
}

/// A request row of `platform` to `url` with `annotations`, and its answer.
fn call(
    log: &EventLog,
    platform: Platform,
    url: &str,
    annotations: &[(&str, &str)],
    body: &[u8],
    status: &str,
    answer: &[u8],
) -> (i64, i64) {
    let mut headers = vec![header(":method", "POST"), header(":url", url)];
    headers.extend(annotations.iter().map(|(name, value)| header(name, value)));
    let request = NewEvent {
        platform,
        direction: Direction::Outbound,
        content_type: None,
        headers: &headers,
        body,
        request_seq: None,
        dedupe_key: None,
    };
    let request_seq = log.append(&request).unwrap().seq();
    let answer_headers = vec![header(":status", status)];
    let response = NewEvent {
        direction: Direction::Response,
        headers: &answer_headers,
        body: answer,
        request_seq: Some(request_seq),
        ..request
    };
    (request_seq, log.append(&response).unwrap().seq())
}

#[test]
fn answers_and_lookups_are_found_by_what_their_requests_say() {
    use switchboard_protocol::headers::annotation::{LOOKUP, LOOKUP_PROFILES};
    let lookup = [(LOOKUP, LOOKUP_PROFILES)];
    // Any path: the log knows no platform's endpoints.
    let users = "https://api.example/people/describe";
    for (backend, log, _place) in backends() {
        let first = call(
            log.as_ref(),
            Platform::Mixin,
            users,
            &lookup,
            br#"["u-1"]"#,
            "200",
            b"first u-1",
        );
        // The annotation's name as another header's value is no lookup.
        call(
            log.as_ref(),
            Platform::Mixin,
            users,
            &[("x-note", LOOKUP)],
            br#"["u-1"]"#,
            "200",
            b"no lookup",
        );
        call(
            log.as_ref(),
            Platform::Mixin,
            users,
            &lookup,
            br#"["u-2"]"#,
            "200",
            b"u-2, whose group lists u-1",
        );
        call(
            log.as_ref(),
            Platform::Mixin,
            users,
            &lookup,
            br#"["u-1"]"#,
            "429",
            b"refused",
        );
        let newest = call(
            log.as_ref(),
            Platform::Mixin,
            users,
            &lookup,
            br#"["u-1"]"#,
            "200",
            b"newest u-1",
        );
        let seqs = |rows: Vec<Row>| rows.into_iter().map(|row| row.seq).collect::<Vec<_>>();
        let ids = |ids: &[&str]| ids.iter().map(|id| id.to_string()).collect::<Vec<_>>();
        assert_eq!(
            seqs(
                log.lookups_naming(Platform::Mixin, &ids(&["u-1"]), 10)
                    .unwrap()
            ),
            [first.0, first.1, newest.0, newest.1],
            "{backend}"
        );
        assert_eq!(
            seqs(
                log.lookups_naming(Platform::Mixin, &ids(&["u-1"]), 1)
                    .unwrap()
            ),
            [newest.0, newest.1],
            "{backend}"
        );
        assert!(
            log.lookups_naming(Platform::Wechat, &ids(&["u-1"]), 10)
                .unwrap()
                .is_empty()
        );
        let answered: Vec<Vec<u8>> = log
            .answered_lookups_since(Platform::Mixin, 0, 10)
            .unwrap()
            .into_iter()
            .map(|lookup| lookup.answer_body)
            .collect();
        assert_eq!(
            answered,
            [
                b"newest u-1".to_vec(),
                b"u-2, whose group lists u-1".to_vec(),
                b"first u-1".to_vec()
            ],
            "{backend}"
        );
        assert_eq!(
            log.answered_lookups_since(Platform::Mixin, newest.1, 10)
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            log.newest_answer_to(Platform::Mixin, "/people/describe")
                .unwrap()
                .as_deref(),
            Some(&b"newest u-1"[..]),
            "{backend}"
        );
        assert_eq!(
            log.newest_answer_to(Platform::Mixin, "/people").unwrap(),
            None
        );
    }
}

#[test]
fn a_receiver_finds_what_it_stored_itself() {
    let receiver = switchboard_protocol::headers::pseudo::RECEIVER;
    for (backend, log, _place) in backends() {
        let socket = vec![header(receiver, "web_socket")];
        let other = vec![header(receiver, "webXsocket")];
        for (headers, body) in [
            (&socket, b"one".as_slice()),
            (&other, b"other"),
            (&socket, b"two"),
        ] {
            log.append(&NewEvent {
                platform: Platform::Yunhu,
                ..webhook(headers, body, None)
            })
            .unwrap();
        }
        let bodies = log
            .newest_received(Platform::Yunhu, "web_socket", 10)
            .unwrap();
        assert_eq!(
            bodies,
            [b"two".to_vec(), b"one".to_vec()],
            "{backend}: `_` is no wildcard"
        );
        assert_eq!(
            log.newest_received(Platform::Yunhu, "web_socket", 1)
                .unwrap()
                .len(),
            1
        );
    }
}

/// Writers on two logs of one database (two instances) append in batches from several threads
/// while a reader follows with a plain `after = the newest seq it saw`: it must see every row
/// exactly once, in order. An identity column alone fails this (a batch that drew lower seqs
/// can commit after one that drew higher ones, and the reader has moved past them); the
/// append lock makes seq order commit order.
#[test]
fn a_reader_following_concurrent_writers_misses_and_repeats_nothing() {
    let Some(url) = test_postgres::fresh_database() else {
        return;
    };
    let instances: Vec<Arc<EventLog>> = (0..2)
        .map(|_| Arc::new(PostgresLog::open(&url).unwrap()) as Arc<EventLog>)
        .collect();
    const WRITERS: usize = 6;
    const BATCHES: usize = 40;
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let reader_log = instances[0].clone();
    let finished = done.clone();
    let reader = std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut after = 0;
        loop {
            let writers_done = finished.load(std::sync::atomic::Ordering::SeqCst) == WRITERS;
            let page = reader_log.after_within(after, 1000, usize::MAX).unwrap();
            for row in &page.events {
                seen.push(row.seq);
                after = row.seq;
            }
            if page.events.is_empty() {
                if writers_done {
                    return seen;
                }
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        }
    });
    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let log = instances[writer % 2].clone();
            let done = done.clone();
            std::thread::spawn(move || {
                for batch in 0..BATCHES {
                    let bodies: Vec<Vec<u8>> = (0..1 + (writer * 7 + batch) % 20)
                        .map(|row| format!("{writer}/{batch}/{row}").into_bytes())
                        .collect();
                    let events: Vec<NewEvent> =
                        bodies.iter().map(|body| webhook(&[], body, None)).collect();
                    for outcome in log.append_batch(&events).unwrap().outcomes {
                        outcome.unwrap();
                    }
                }
                done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    let seen = reader.join().unwrap();
    let stored = instances[1].last_seq().unwrap();
    let all: Vec<i64> = instances[1]
        .after(0, usize::MAX)
        .unwrap()
        .into_iter()
        .map(|row| row.seq)
        .collect();
    assert_eq!(all.len() as i64, stored, "no seq drawn and lost");
    let missed: Vec<&i64> = all.iter().filter(|seq| !seen.contains(seq)).collect();
    assert!(
        missed.is_empty(),
        "the follower missed {} of {} rows, the first {:?}",
        missed.len(),
        all.len(),
        &missed[..missed.len().min(5)]
    );
    assert_eq!(seen.len(), all.len(), "the follower saw a row twice");
    assert!(seen.windows(2).all(|pair| pair[0] < pair[1]), "in order");
}

/// The test run's PostgreSQL: `./x test` starts a cluster of its own and names it in
/// `SWITCHBOARD_TEST_POSTGRES` (an admin URL), and sets `SWITCHBOARD_REQUIRE_POSTGRES`, so a
/// missing cluster fails the run instead of skipping.
pub mod test_postgres {
    /// A new, empty database on the test cluster, as a URL; `None` (the PostgreSQL tests skip)
    /// when no cluster was named and none is required.
    pub fn fresh_database() -> Option<String> {
        let Ok(admin) = std::env::var("SWITCHBOARD_TEST_POSTGRES") else {
            assert!(
                std::env::var_os("SWITCHBOARD_REQUIRE_POSTGRES").is_none(),
                "SWITCHBOARD_TEST_POSTGRES is not set: `./x test` starts the cluster and sets it"
            );
            eprintln!("skipped the PostgreSQL backend: SWITCHBOARD_TEST_POSTGRES is not set");
            return None;
        };
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let (client, connection) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
                .await
                .expect("the test cluster answers");
            tokio::spawn(connection);
            client
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
        });
        let mut url = url::Url::parse(&admin).unwrap();
        url.set_path(&name);
        Some(url.to_string())
    }
}
