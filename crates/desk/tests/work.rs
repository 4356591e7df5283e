//! The team's work in the projection: statuses, assignments, private notes with mentions, and
//! each agent's own read marks, from `desk` rows; every fact gives the same desk whether the
//! log loads in order or newest page first.

use switchboard_desk::{ConversationKey, Desk, Direction, Inbox, Row, Status};
use switchboard_payload::Platform;
use switchboard_payload::customer::CustomerMessage;
use switchboard_payload::platforms;
use switchboard_protocol::DeskFact;
use switchboard_protocol::headers::annotation::AGENT;

const CUSTOMER: &str = "wxid_customer";

/// A new message from the customer (each its own id); `seq` is set by [`numbered`].
fn customer_writes(seq: i64) -> Row {
    static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let message = CustomerMessage {
        message_id: &id.to_string(),
        delivery_id: "1",
        customer_id: CUSTOMER,
        own_id: "wxid_me",
        own_login: "me",
        text: "在吗",
        sent_at_ms: 1_700_000_000_000 + id,
        ..CustomerMessage::default()
    };
    let body =
        serde_json::to_vec(&platforms::of(Platform::Wechat).customer_message(&message)).unwrap();
    Row {
        seq,
        platform: Platform::Wechat,
        direction: Direction::Inbound,
        received_at_ms: 1_700_000_000_000 + seq,
        content_type: Some("application/json".into()),
        headers: Vec::new(),
        body,
        request_seq: None,
    }
}

fn desk_fact(seq: i64, agent: &str, fact: DeskFact) -> Row {
    Row {
        seq,
        platform: Platform::Wechat,
        direction: Direction::Desk,
        received_at_ms: 1_700_000_000_000 + seq,
        content_type: Some("application/json".into()),
        headers: vec![(AGENT.into(), agent.into())],
        body: serde_json::to_vec(&fact).unwrap(),
        request_seq: None,
    }
}

fn status(status: Status, until_ms: Option<i64>) -> DeskFact {
    DeskFact::Status {
        conversation: CUSTOMER.into(),
        status,
        until_ms,
    }
}

fn assign(agent: Option<&str>) -> DeskFact {
    DeskFact::Assign {
        conversation: CUSTOMER.into(),
        agent: agent.map(str::to_owned),
    }
}

fn note(text: &str, mentions: &[&str]) -> DeskFact {
    DeskFact::Note {
        conversation: CUSTOMER.into(),
        text: text.into(),
        mentions: mentions.iter().map(|name| name.to_string()).collect(),
        client_id: None,
    }
}

fn read_upto(seq: i64) -> DeskFact {
    DeskFact::Read {
        conversation: CUSTOMER.into(),
        seq,
    }
}

fn key() -> ConversationKey {
    ConversationKey {
        platform: Platform::Wechat,
        id: CUSTOMER.into(),
    }
}

/// The log with its rows numbered in order.
fn numbered(mut log: Vec<Row>) -> Vec<Row> {
    for (index, row) in log.iter_mut().enumerate() {
        row.seq = index as i64 + 1;
        row.received_at_ms = 1_700_000_000_000 + row.seq;
    }
    log
}

/// `agent`'s desk from the log applied in order, after checking that every newest-first
/// paging gives the same one.
fn desk_of(agent: &str, log: &[Row]) -> Desk {
    let mut in_order = Desk::for_agent(agent);
    for row in log {
        in_order.apply(row);
    }
    for page_size in 1..=log.len() {
        let mut newest_first = Desk::for_agent(agent);
        for page in log.rchunks(page_size) {
            newest_first.apply_older(page);
        }
        assert_eq!(
            newest_first.conversations(),
            in_order.conversations(),
            "{agent}'s desk, pages of {page_size}"
        );
    }
    in_order
}

#[test]
fn a_resolved_conversation_opens_again_when_the_customer_writes() {
    let resolved = numbered(vec![
        customer_writes(0),
        desk_fact(0, "ming", status(Status::Resolved, None)),
    ]);
    let desk = desk_of("ming", &resolved);
    let work = &desk.conversation(&key()).unwrap().work;
    assert_eq!(work.status_at(0), Status::Resolved);
    let mut written_again = resolved.clone();
    written_again.push(customer_writes(0));
    let desk = desk_of("ming", &numbered(written_again));
    assert_eq!(
        desk.conversation(&key()).unwrap().work.status_at(0),
        Status::Open
    );
}

#[test]
fn a_message_seen_twice_counts_from_its_first_sighting_in_either_order() {
    // The customer's message, resolved, then the same message again (a catch-up listing it).
    let message = customer_writes(0);
    let again = message.clone();
    let log = numbered(vec![
        message,
        desk_fact(0, "ming", status(Status::Resolved, None)),
        again,
    ]);
    let desk = desk_of("ming", &log);
    let conversation = desk.conversation(&key()).unwrap();
    assert_eq!(conversation.messages.len(), 1);
    assert_eq!(
        conversation.work.status_at(0),
        Status::Resolved,
        "old news does not reopen it"
    );
    assert_eq!(conversation.unread, 1);
    let mut read = log.clone();
    read.push(desk_fact(0, "ming", read_upto(1)));
    let desk = desk_of("ming", &numbered(read));
    assert_eq!(desk.conversation(&key()).unwrap().unread, 0);
}

#[test]
fn a_snooze_ends_at_its_time_or_when_the_customer_writes() {
    let until = 1_800_000_000_000;
    let snoozed = numbered(vec![
        customer_writes(0),
        desk_fact(0, "ming", status(Status::Snoozed, Some(until))),
    ]);
    let desk = desk_of("ming", &snoozed);
    let work = &desk.conversation(&key()).unwrap().work;
    assert_eq!(work.status_at(until - 1), Status::Snoozed);
    assert_eq!(work.snoozed_until(), Some(until));
    assert_eq!(work.status_at(until), Status::Open);

    let until_customer = numbered(vec![
        customer_writes(0),
        desk_fact(0, "ming", status(Status::Snoozed, None)),
        customer_writes(0),
    ]);
    let desk = desk_of("ming", &until_customer);
    assert_eq!(
        desk.conversation(&key()).unwrap().work.status_at(until),
        Status::Open
    );

    // Pending waits for someone else: the customer writing does not change it.
    let pending = numbered(vec![
        customer_writes(0),
        desk_fact(0, "ming", status(Status::Pending, None)),
        customer_writes(0),
    ]);
    let desk = desk_of("ming", &pending);
    assert_eq!(
        desk.conversation(&key()).unwrap().work.status_at(0),
        Status::Pending
    );
}

#[test]
fn the_newest_assignment_wins_and_decides_the_tabs() {
    let log = numbered(vec![
        customer_writes(0),
        desk_fact(0, "ming", assign(Some("lin"))),
        desk_fact(0, "lin", assign(Some("ming"))),
    ]);
    let desk = desk_of("ming", &log);
    let work = &desk.conversation(&key()).unwrap().work;
    assert_eq!(work.assignee(), Some("ming"));
    assert!(Inbox::Mine.holds(work.assignee(), Some("ming")));
    assert!(!Inbox::Mine.holds(work.assignee(), Some("lin")));
    assert!(!Inbox::Unassigned.holds(work.assignee(), Some("lin")));
    let mut unassigned = log.clone();
    unassigned.push(desk_fact(0, "ming", assign(None)));
    let desk = desk_of("ming", &numbered(unassigned));
    let work = &desk.conversation(&key()).unwrap().work;
    assert_eq!(work.assignee(), None);
    assert!(Inbox::Unassigned.holds(work.assignee(), Some("ming")));
    assert!(Inbox::All.holds(work.assignee(), None));
}

#[test]
fn a_note_is_the_teams_in_the_thread_and_notifies_whom_it_names() {
    let log = numbered(vec![
        customer_writes(0),
        desk_fact(0, "ming", note("@lin 这位客户要退款", &["lin"])),
    ]);
    let lin = desk_of("lin", &log);
    let conversation = lin.conversation(&key()).unwrap();
    let shown = conversation.messages.back().unwrap();
    assert!(shown.note && shown.outgoing);
    assert_eq!(shown.agent.as_deref(), Some("ming"));
    assert_eq!(shown.content.text.as_deref(), Some("@lin 这位客户要退款"));
    assert_eq!(conversation.unread_mentions, 1);
    assert!(
        !conversation.last_message().unwrap().note,
        "the list previews what the customer could see"
    );
    let ming = desk_of("ming", &log);
    assert_eq!(ming.conversation(&key()).unwrap().unread_mentions, 0);

    let mut seen = log.clone();
    seen.push(desk_fact(0, "lin", read_upto(2)));
    let lin = desk_of("lin", &numbered(seen));
    assert_eq!(lin.conversation(&key()).unwrap().unread_mentions, 0);
}

#[test]
fn unread_counts_are_each_agents_own() {
    let log = numbered(vec![
        customer_writes(0),
        customer_writes(0),
        desk_fact(0, "lin", read_upto(2)),
        customer_writes(0),
    ]);
    let lin = desk_of("lin", &log);
    assert_eq!(
        lin.conversation(&key()).unwrap().unread,
        1,
        "lin read the first two"
    );
    let ming = desk_of("ming", &log);
    assert_eq!(
        ming.conversation(&key()).unwrap().unread,
        3,
        "ming read nothing"
    );
    assert_eq!(ming.conversation(&key()).unwrap().work.read_upto("lin"), 2);
    // A read mark that is older than one already known changes nothing.
    let mut stale = log.clone();
    stale.push(desk_fact(0, "lin", read_upto(1)));
    let lin = desk_of("lin", &numbered(stale));
    assert_eq!(lin.conversation(&key()).unwrap().unread, 1);
}

#[test]
fn a_desk_row_that_is_not_a_fact_changes_nothing() {
    let mut junk = desk_fact(2, "ming", read_upto(1));
    junk.body = b"{\"kind\":\"vote\"}".to_vec();
    let mut desk = Desk::for_agent("ming");
    desk.apply(&customer_writes(1));
    let before = desk
        .conversations()
        .into_iter()
        .cloned()
        .collect::<Vec<_>>();
    desk.apply(&junk);
    let after = desk
        .conversations()
        .into_iter()
        .cloned()
        .collect::<Vec<_>>();
    assert_eq!(before, after);
    // A fact about a conversation whose messages are not loaded shows nothing yet.
    let mut early = Desk::for_agent("ming");
    early.apply(&desk_fact(1, "ming", status(Status::Resolved, None)));
    assert!(early.conversations().is_empty());
}

#[test]
fn a_customer_writing_is_found_by_its_row_and_counts_for_whose_it_is() {
    let log = numbered(vec![
        customer_writes(0),
        customer_writes(0),
        desk_fact(0, "lin", read_upto(2)),
        customer_writes(0),
    ]);
    let desk = desk_of("ming", &log);
    // The row that brought the customer's message names its conversation; others name none.
    let wrote: Vec<_> = desk
        .customer_wrote_at(4)
        .into_iter()
        .map(|conversation| conversation.key.clone())
        .collect();
    assert_eq!(wrote, [key()]);
    assert!(desk.customer_wrote_at(3).is_empty());
    // Unassigned: every agent's to answer, by their own read marks.
    assert_eq!(desk.unread_for_me(), 3);
    assert_eq!(desk_of("lin", &log).unread_for_me(), 1);
    // Assigned to lin: no longer ming's to answer.
    let mut assigned = log.clone();
    assigned.push(desk_fact(0, "lin", assign(Some("lin"))));
    let assigned = numbered(assigned);
    assert_eq!(desk_of("ming", &assigned).unread_for_me(), 0);
    assert_eq!(desk_of("lin", &assigned).unread_for_me(), 1);
}
