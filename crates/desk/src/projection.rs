//! Rows → conversations. `Desk::apply` takes rows newer than any it has (a row it has seen is
//! ignored, so a replayed page or a resumed stream never duplicates anything) and
//! `Desk::apply_older` takes pages older than all it has, so the desk can show the present first
//! and fill in the past behind it; either order gives the same conversations. Per (platform,
//! conversation id) it keeps the messages in time order, the title, the last activity and the
//! unread count.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use switchboard_payload::event::{Content, ContentKind, ConversationKind, Event, EventType};
use switchboard_payload::outcome::Outcome;
use switchboard_payload::platforms;
use switchboard_payload::profile::{Profile, short_id};
use switchboard_payload::{Options, Platform, inspect};

use switchboard_protocol::headers::{annotation, pseudo};
use switchboard_protocol::{DeskFact, Direction, Row};

use crate::work::Work;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConversationKey {
    pub platform: Platform,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MessageStatus {
    /// From the customer (or another member).
    Received,
    /// Our request is logged; no answer yet.
    Sending,
    /// The platform acknowledged it.
    Sent,
    /// The platform (or the network) refused it: its words.
    Failed(String),
    /// An outbound request from the seed documents: never sent by us.
    Logged,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The platform's message id, or `seq:N` when the payload carries none.
    pub id: String,
    /// The log row it came from (the bubble's "inspect" opens it).
    pub seq: i64,
    pub kind: EventType,
    pub at_ms: i64,
    pub sender_id: Option<String>,
    pub sender_name: Option<String>,
    pub outgoing: bool,
    pub content: Content,
    pub status: MessageStatus,
    pub recalled_at_ms: Option<i64>,
    /// The content before the first edit.
    pub original: Option<Content>,
    pub edited_at_ms: Option<i64>,
    pub quote_message_id: Option<String>,
    /// Ids from the platform's answer that later calls need (the id the platform gave a sent message, its send time…).
    pub platform_ids: BTreeMap<String, String>,
    /// The desk's id for a message it sent (its optimistic bubble becomes this one).
    pub client_id: Option<String>,
    /// We told the platform we read it (a read receipt we sent).
    pub acknowledged: bool,
    /// The agent whose session sent it (or wrote the note), as the server stamped the row.
    pub agent: Option<String>,
    /// A private note: the team's only, never sent to the platform.
    pub note: bool,
    /// The agents a note names with `@name`.
    pub mentions: Vec<String>,
    /// The row that makes it news (the customer's message as it happened, not on a history
    /// page): its earliest such sighting, what unread counts and what reopens a conversation.
    pub news_seq: Option<i64>,
}

impl Message {
    /// Whether the message has the platform's own id (a quote or a read receipt names it), not
    /// one made from its place in our log.
    pub fn has_platform_id(&self) -> bool {
        !is_log_id(&self.id)
    }
}

/// Messages whose payload names no id are known by their place in the log: `seq:SEQ:INDEX`.
const LOG_ID_PREFIX: &str = "seq:";

fn is_log_id(id: &str) -> bool {
    id.starts_with(LOG_ID_PREFIX)
}

#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub key: ConversationKey,
    pub kind: Option<ConversationKind>,
    /// The customer's (or the group's) name, else a short form of their id.
    pub title: String,
    /// The customer's (or the group's) picture, where the platform gave one.
    pub avatar_url: Option<String>,
    /// A group's members, where the platform counts them.
    pub member_count: Option<u64>,
    /// In time order (then log order). A deque: history read newest first lands at the front.
    pub messages: VecDeque<Message>,
    pub last_activity_ms: i64,
    pub last_seq: i64,
    /// The customer's messages this agent has not seen.
    pub unread: usize,
    /// Notes naming this agent that they have not seen.
    pub unread_mentions: usize,
    /// The newest row this agent has seen here (their read marks, or this page's).
    read_upto_seq: i64,
    /// The customer's messages as they happened (what unread counts), per row seq: a page of
    /// missed messages is one row.
    customer_seqs: BTreeMap<i64, usize>,
    /// Seqs of the notes naming this agent.
    mention_seqs: BTreeSet<i64>,
    /// Status, assignment, read marks.
    pub work: Work,
    /// The customer's id on the platform (the latest sender who is not us).
    pub peer_id: Option<String>,
    /// The customer's latest message (where a reply must answer one).
    pub last_inbound_id: Option<String>,
    /// When the customer's latest message came (time, then log order).
    last_inbound_at: (i64, i64),
    /// The platform said there is nothing before the oldest message shown.
    pub earlier_exhausted: bool,
    /// Who we are in this conversation, where the platform names both sides per message (a
    /// Channels session): our messages' sender, the customer's messages' recipient.
    pub own_id: Option<String>,
}

impl Conversation {
    fn new(key: ConversationKey) -> Conversation {
        Conversation {
            title: short_id(&key.id),
            key,
            kind: None,
            avatar_url: None,
            member_count: None,
            messages: VecDeque::new(),
            last_activity_ms: 0,
            last_seq: 0,
            unread: 0,
            unread_mentions: 0,
            read_upto_seq: 0,
            customer_seqs: BTreeMap::new(),
            mention_seqs: BTreeSet::new(),
            work: Work::default(),
            peer_id: None,
            last_inbound_id: None,
            last_inbound_at: (i64::MIN, 0),
            earlier_exhausted: false,
            own_id: None,
        }
    }

    /// The oldest message the platform can page back from (one with the platform's own id).
    pub fn oldest_message_id(&self) -> Option<&str> {
        self.messages
            .iter()
            .map(|message| message.id.as_str())
            .find(|id| !is_log_id(id))
    }

    /// A session of a public profile's private messages (a Channels inbox), not a chat.
    pub fn in_channels_inbox(&self) -> bool {
        self.kind == Some(ConversationKind::ChannelsInbox)
    }

    /// Where a reply goes, for the payload core's composers.
    pub fn target(&self) -> switchboard_payload::compose::Target {
        switchboard_payload::compose::Target {
            conversation_id: self.key.id.clone(),
            kind: self.kind,
            peer_id: self.peer_id.clone(),
            reply_to: self.last_inbound_id.clone(),
            own_id: self.own_id.clone(),
        }
    }

    /// The customer's messages we have not acknowledged yet, oldest first.
    pub fn unacknowledged(&self) -> Vec<String> {
        self.messages
            .iter()
            .filter(|message| {
                !message.outgoing && !message.acknowledged && message.kind == EventType::Message
            })
            .filter(|message| message.has_platform_id())
            .map(|message| message.id.clone())
            .collect()
    }

    /// The newest message the customer could see (notes are the team's), for the list's
    /// preview.
    pub fn last_message(&self) -> Option<&Message> {
        self.messages.iter().rev().find(|message| !message.note)
    }

    /// Inserts in time order; a message from a history page is old news, never unread.
    /// `me`: the agent whose unread mentions count.
    fn insert(&mut self, mut message: Message, from_history: bool, me: Option<&str>) -> usize {
        let position = self.messages.partition_point(|existing| {
            (existing.at_ms, existing.seq) <= (message.at_ms, message.seq)
        });
        self.last_activity_ms = self.last_activity_ms.max(message.at_ms);
        self.last_seq = self.last_seq.max(message.seq);
        if !message.outgoing && !from_history && message.kind == EventType::Message {
            self.count_news(message.seq);
            message.news_seq = Some(message.seq);
        }
        if message.note
            && me.is_some_and(|me| message.mentions.iter().any(|name| name == me))
            && self.mention_seqs.insert(message.seq)
            && message.seq > self.read_upto_seq
        {
            self.unread_mentions += 1;
        }
        self.messages.insert(position, message);
        position
    }

    /// A customer's message as it happened, at the row `seq`.
    fn count_news(&mut self, seq: i64) {
        *self.customer_seqs.entry(seq).or_insert(0) += 1;
        self.work.last_customer_seq = self.work.last_customer_seq.max(seq);
        if seq > self.read_upto_seq {
            self.unread += 1;
        }
    }

    fn uncount_news(&mut self, seq: i64) {
        if let Some(count) = self.customer_seqs.get_mut(&seq) {
            *count -= 1;
            if *count == 0 {
                self.customer_seqs.remove(&seq);
            }
            if seq > self.read_upto_seq {
                self.unread -= 1;
            }
        }
        self.work.last_customer_seq = self.customer_seqs.keys().next_back().copied().unwrap_or(0);
    }

    /// A message shown already comes again in the row `seq` (a webhook and a catch-up, a
    /// history page): it is one message, known by its earliest sighting — and news from its
    /// earliest sighting as it happened — whichever order the rows load in.
    fn sighted_again(&mut self, id: &str, seq: i64, at_ms: i64, as_it_happened: bool) -> bool {
        let Some(position) = self.messages.iter().rposition(|message| message.id == id) else {
            return false;
        };
        let mut changed = false;
        let counted = self.messages[position].news_seq;
        if as_it_happened && counted.is_none_or(|counted| seq < counted) {
            if let Some(counted) = counted {
                self.uncount_news(counted);
            }
            self.count_news(seq);
            self.messages[position].news_seq = Some(seq);
            changed = true;
        }
        if seq < self.messages[position].seq {
            let Some(mut message) = self.messages.remove(position) else {
                return changed;
            };
            let before = (message.at_ms, message.seq);
            // Its time as that row tells it (a time to the second is refined by the row's).
            message.seq = seq;
            message.at_ms = at_ms;
            if self.last_inbound_at == before {
                self.last_inbound_at = (at_ms, seq);
            }
            let place = self.messages.partition_point(|existing| {
                (existing.at_ms, existing.seq) <= (message.at_ms, message.seq)
            });
            self.messages.insert(place, message);
            let (last_seq, last_activity_ms) =
                self.messages.iter().fold((0, 0), |(seq, at), message| {
                    (seq.max(message.seq), at.max(message.at_ms))
                });
            self.last_seq = last_seq;
            self.last_activity_ms = last_activity_ms;
            changed = true;
        }
        changed
    }

    /// This agent has seen everything up to the row `upto`.
    fn raise_read_mark(&mut self, upto: i64) -> bool {
        if upto <= self.read_upto_seq {
            return false;
        }
        let seen = (self.read_upto_seq + 1)..=upto;
        self.unread -= self
            .customer_seqs
            .range(seen.clone())
            .map(|(_, count)| count)
            .sum::<usize>();
        self.unread_mentions -= self.mention_seqs.range(seen).count();
        self.read_upto_seq = upto;
        true
    }

    /// Whether this conversation holds anything to show (a desk fact can name one whose
    /// messages are in a page not loaded yet).
    fn is_shown(&self) -> bool {
        !self.messages.is_empty()
    }
}

/// What the log says about a person or a group: each fact from the newest row that said it
/// (its seq), so a later payload or profile answer wins whatever order pages load in.
#[derive(Debug, Clone, Default, PartialEq)]
struct Known {
    /// Some row described it as a group.
    group: bool,
    name: Option<(i64, String)>,
    avatar: Option<(i64, String)>,
    members: Option<(i64, u64)>,
}

impl Known {
    /// Takes what `profile` says, where it is newer than what is known; whether anything changed.
    fn learn(&mut self, seq: i64, profile: &Profile) -> bool {
        fn newer<T: PartialEq + Clone>(
            slot: &mut Option<(i64, T)>,
            seq: i64,
            value: Option<&T>,
        ) -> bool {
            match value {
                Some(value)
                    if slot
                        .as_ref()
                        .is_none_or(|(known_seq, known)| *known_seq < seq && known != value) =>
                {
                    *slot = Some((seq, value.clone()));
                    true
                }
                Some(_) => {
                    if let Some((known_seq, _)) = slot.as_mut() {
                        *known_seq = (*known_seq).max(seq);
                    }
                    false
                }
                None => false,
            }
        }
        let became_group = profile.group && !self.group;
        self.group |= profile.group;
        let name = profile.name.as_ref().filter(|name| !name.trim().is_empty());
        let avatar = profile.avatar_url.as_ref().filter(|url| !url.is_empty());
        became_group
            | newer(&mut self.name, seq, name)
            | newer(&mut self.avatar, seq, avatar)
            | newer(&mut self.members, seq, profile.member_count.as_ref())
    }
}

/// What an outbound request carried, waiting for its answer.
#[derive(Debug, Clone)]
struct Pending {
    platform: Platform,
    path: String,
    /// Messages it sent: their conversation and id.
    sent: Vec<(ConversationKey, String)>,
    /// Messages it recalls.
    recalls: Vec<String>,
    /// Edits it makes (applied when the platform says yes).
    edits: Vec<Event>,
    /// The conversation the desk made it for (a history page's messages name none).
    conversation: Option<String>,
    /// A profile lookup: its answer describes people and groups.
    lookup: bool,
    seed: bool,
}

#[derive(Debug, Default)]
pub struct Desk {
    conversations: HashMap<ConversationKey, Conversation>,
    /// (platform, message id or platform id) → conversation.
    messages: HashMap<(Platform, String), ConversationKey>,
    pending: HashMap<i64, Pending>,
    /// Recalls and edits that arrived before their message.
    early: HashMap<(Platform, String), Vec<Event>>,
    /// Where the next pull starts (the platform's cursor), from the newest answer in the log (its seq).
    sync_cursors: BTreeMap<Platform, (i64, String)>,
    /// Answers whose request is in a page not loaded yet, by the request's seq.
    orphans: HashMap<i64, Row>,
    /// Who people and groups are, by (platform, id).
    profiles: HashMap<(Platform, String), Known>,
    /// Conversations whose customer is this id (those keyed by it are found by key).
    peers: HashMap<(Platform, String), Vec<ConversationKey>>,
    /// The agent this desk is for: their read marks and mentions count.
    me: Option<String>,
    /// The rows applied are exactly those from `oldest_seq` to `last_seq`.
    last_seq: i64,
    oldest_seq: i64,
}

impl Desk {
    pub fn new() -> Desk {
        Desk::default()
    }

    /// The desk as `agent` sees it: unread counts follow their read marks, mentions of them
    /// count.
    pub fn for_agent(agent: &str) -> Desk {
        Desk {
            me: Some(agent.to_owned()),
            ..Desk::default()
        }
    }

    /// The agent this desk is for.
    pub fn me(&self) -> Option<&str> {
        self.me.as_deref()
    }

    /// The newest row applied: resume the stream after it.
    pub fn last_seq(&self) -> i64 {
        self.last_seq
    }

    /// The oldest row applied (0 before any).
    pub fn oldest_seq(&self) -> i64 {
        self.oldest_seq
    }

    /// Where the next pull of `platform`'s messages starts (`None`: from the beginning).
    pub fn sync_cursor(&self, platform: Platform) -> Option<&str> {
        self.sync_cursors
            .get(&platform)
            .map(|(_, cursor)| cursor.as_str())
    }

    /// Conversations, most recent activity first.
    pub fn conversations(&self) -> Vec<&Conversation> {
        let mut list: Vec<&Conversation> = self
            .conversations
            .values()
            .filter(|conversation| conversation.is_shown())
            .collect();
        list.sort_by(|a, b| {
            (b.last_activity_ms, b.last_seq, &b.key).cmp(&(a.last_activity_ms, a.last_seq, &a.key))
        });
        list
    }

    pub fn conversation(&self, key: &ConversationKey) -> Option<&Conversation> {
        self.conversations.get(key)
    }

    /// Unread messages per platform.
    pub fn unread_by_platform(&self) -> BTreeMap<Platform, usize> {
        let mut counts = BTreeMap::new();
        for conversation in self.conversations.values() {
            *counts.entry(conversation.key.platform).or_insert(0) += conversation.unread;
        }
        counts
    }

    /// Unread messages in `platform`'s Channels inbox (its public profile's private messages).
    pub fn unread_in_channels_inbox(&self, platform: Platform) -> usize {
        self.conversations
            .values()
            .filter(|conversation| conversation.key.platform == platform)
            .filter(|conversation| conversation.in_channels_inbox())
            .map(|conversation| conversation.unread)
            .sum()
    }

    /// A person's (or group's) name, as the platform last gave it.
    pub fn name_of(&self, platform: Platform, id: &str) -> Option<&str> {
        let known = self.profiles.get(&(platform, id.to_owned()))?;
        known.name.as_ref().map(|(_, name)| name.as_str())
    }

    /// A person's (or group's) picture, as the platform last gave it.
    pub fn avatar_of(&self, platform: Platform, id: &str) -> Option<&str> {
        let known = self.profiles.get(&(platform, id.to_owned()))?;
        known.avatar.as_ref().map(|(_, url)| url.as_str())
    }

    /// Everything known of a person or group: the newest name, picture and member count the
    /// platform gave, each from whichever row said it last.
    pub fn profile_of(&self, platform: Platform, id: &str) -> Option<Profile> {
        let known = self.profiles.get(&(platform, id.to_owned()))?;
        Some(Profile {
            id: id.to_owned(),
            group: known.group,
            name: known.name.as_ref().map(|(_, name)| name.clone()),
            avatar_url: known.avatar.as_ref().map(|(_, url)| url.clone()),
            member_count: known.members.map(|(_, count)| count),
        })
    }

    /// Learns what `profile` says (from the row `seq`); renames the conversations it is about.
    fn learn(&mut self, platform: Platform, seq: i64, profile: &Profile) -> bool {
        if profile.id.is_empty() || !profile.says_something() {
            return false;
        }
        let subject = (platform, profile.id.clone());
        if !self
            .profiles
            .entry(subject.clone())
            .or_default()
            .learn(seq, profile)
        {
            return false;
        }
        let mut about = self.peers.get(&subject).cloned().unwrap_or_default();
        about.push(ConversationKey {
            platform,
            id: profile.id.clone(),
        });
        for key in about {
            if let Some(conversation) = self.conversations.get_mut(&key) {
                describe(conversation, &self.profiles);
            }
        }
        true
    }

    /// The agent has seen everything in this conversation so far.
    pub fn mark_read(&mut self, key: &ConversationKey) {
        if let Some(conversation) = self.conversations.get_mut(key) {
            let upto = conversation.last_seq;
            conversation.raise_read_mark(upto);
        }
    }

    /// Applies one row; returns whether anything changed. Rows at or before the last applied
    /// seq are ignored.
    pub fn apply(&mut self, row: &Row) -> bool {
        if row.seq <= self.last_seq {
            return false;
        }
        if self.oldest_seq == 0 {
            self.oldest_seq = row.seq;
        }
        self.last_seq = row.seq;
        self.apply_row(row)
    }

    /// Applies a page of rows (in log order) that precedes everything applied so far: the
    /// desk loads the newest page first and the older ones behind it. Rows not older than the
    /// oldest applied are ignored; returns whether anything changed.
    pub fn apply_older(&mut self, rows: &[Row]) -> bool {
        if self.oldest_seq == 0 {
            let mut changed = false;
            for row in rows {
                changed |= self.apply(row);
            }
            return changed;
        }
        let oldest = self.oldest_seq;
        let mut changed = false;
        // Newest first, row by row: each message lands at the front of its thread (no shifting),
        // and whatever links rows (answers, recalls) waits for what it names either way.
        for row in rows.iter().rev().filter(|row| row.seq < oldest) {
            self.oldest_seq = self.oldest_seq.min(row.seq);
            changed |= self.apply_row(row);
        }
        changed
    }

    fn apply_row(&mut self, row: &Row) -> bool {
        let platform = row.platform;
        match row.direction {
            // Refused deliveries are kept for the inspector, never shown as messages.
            Direction::Rejected => false,
            Direction::Desk => self.apply_desk(row),
            Direction::Response => self.apply_response(platform, row),
            Direction::Inbound | Direction::Pulled | Direction::Outbound => {
                let codec = platforms::of(platform);
                let path = row.upstream_path();
                let schema = path
                    .as_deref()
                    .and_then(|path| codec.endpoint_schemas(path))
                    .map(|(request, _)| request.to_owned());
                let by_path = path
                    .as_deref()
                    .and_then(|path| codec.path_events(path, &row.body));
                let events = by_path.unwrap_or_else(|| decode(platform, &row.body, schema));
                if row.direction == Direction::Outbound {
                    self.apply_request(platform, row, path.unwrap_or_default(), events)
                } else {
                    self.apply_events(platform, row, &events, MessageStatus::Received)
                }
            }
        }
    }

    /// A desk fact: the team's work on a conversation. A row that is not one (written by
    /// something else) changes nothing; the inspector still shows it.
    fn apply_desk(&mut self, row: &Row) -> bool {
        let Ok(fact) = serde_json::from_slice::<DeskFact>(&row.body) else {
            return false;
        };
        let agent = row.agent().map(str::to_owned);
        let key = ConversationKey {
            platform: row.platform,
            id: fact.conversation().to_owned(),
        };
        let conversation = self
            .conversations
            .entry(key.clone())
            .or_insert_with(|| Conversation::new(key.clone()));
        match fact {
            DeskFact::Status {
                status, until_ms, ..
            } => conversation.work.set_status(row.seq, status, until_ms),
            DeskFact::Assign { agent, .. } => conversation.work.assign(row.seq, agent),
            DeskFact::Read { seq, .. } => {
                let Some(agent) = agent else {
                    return false;
                };
                let mine = self.me.as_deref() == Some(agent.as_str());
                let changed = conversation.work.read(&agent, seq);
                if mine {
                    conversation.raise_read_mark(seq) || changed
                } else {
                    changed
                }
            }
            DeskFact::Note {
                text,
                mentions,
                client_id,
                ..
            } => {
                // A row is applied once (by seq), so a note needs no dedupe by id, and nothing
                // (recall, edit, receipt) ever looks one up.
                let note = Message {
                    id: format!("note:{}", row.seq),
                    seq: row.seq,
                    kind: EventType::Message,
                    at_ms: row.received_at_ms,
                    sender_id: None,
                    sender_name: agent.clone(),
                    outgoing: true,
                    content: Content::text(ContentKind::Text, text),
                    status: MessageStatus::Sent,
                    recalled_at_ms: None,
                    original: None,
                    edited_at_ms: None,
                    quote_message_id: None,
                    platform_ids: BTreeMap::new(),
                    client_id,
                    acknowledged: false,
                    agent,
                    note: true,
                    mentions,
                    news_seq: None,
                };
                conversation.insert(note, false, self.me.as_deref());
                true
            }
        }
    }

    fn apply_request(
        &mut self,
        platform: Platform,
        row: &Row,
        path: String,
        events: Vec<Event>,
    ) -> bool {
        let mut pending = Pending {
            platform,
            path,
            sent: Vec::new(),
            recalls: Vec::new(),
            edits: Vec::new(),
            conversation: row.header(annotation::CONVERSATION).map(str::to_owned),
            lookup: row.header(annotation::LOOKUP) == Some(annotation::LOOKUP_PROFILES),
            seed: row.is_seed(),
        };
        let status = if pending.seed {
            MessageStatus::Logged
        } else {
            MessageStatus::Sending
        };
        // The desk says which conversation a send belongs to (some sends name only the
        // customer); the row carries it.
        let conversation = row.header(annotation::CONVERSATION).map(str::to_owned);
        let media_url = row.header(annotation::MEDIA_URL).map(str::to_owned);
        let media_name = row
            .header(annotation::MEDIA_NAME)
            // Percent-encoded by the desk (header values are ASCII).
            .and_then(|name| {
                percent_encoding::percent_decode_str(name)
                    .decode_utf8()
                    .ok()
                    .map(|name| name.into_owned())
            });
        let mut messages = Vec::new();
        for mut event in events {
            match event.kind {
                EventType::Recall => pending.recalls.extend(event.target_message_id.clone()),
                EventType::Edit => pending.edits.push(event),
                _ => {
                    event.outgoing = Some(true);
                    if let Some(conversation) = &conversation {
                        event.conversation_id = Some(conversation.clone());
                    }
                    // An upload's viewable URL, which the send request itself does not carry.
                    if let (Some(url), Some(content)) = (media_url.as_ref(), event.content.as_mut())
                        && !content
                            .url
                            .as_deref()
                            .is_some_and(|url| url.starts_with("http"))
                    {
                        content.url = Some(url.clone());
                    }
                    // The file's name, which the bot API's file message does not carry.
                    if let (Some(name), Some(content)) =
                        (media_name.as_ref(), event.content.as_mut())
                    {
                        content.name.get_or_insert_with(|| name.clone());
                    }
                    messages.push(event);
                }
            }
        }
        let changed =
            self.apply_events_collecting(platform, row, &messages, status, Some(&mut pending.sent));
        self.pending.insert(row.seq, pending);
        // Its answer came first (it is in a newer page).
        match self.orphans.remove(&row.seq) {
            Some(answer) => self.apply_response(platform, &answer) || changed,
            None => changed,
        }
    }

    fn apply_response(&mut self, platform: Platform, row: &Row) -> bool {
        let Some(request_seq) = row.request_seq else {
            // A seed document's answer stands alone (its call is not ours): what it lists is
            // shown as the record it is, old news.
            if row.is_seed() {
                let events = decode(platform, &row.body, None);
                return self.apply_events_from(
                    platform,
                    row,
                    &events,
                    MessageStatus::Logged,
                    None,
                    true,
                );
            }
            return false;
        };
        let Some(pending) = self.pending.remove(&request_seq) else {
            // The request is older than every row loaded so far: answer it when it comes.
            if request_seq < self.oldest_seq {
                self.orphans.insert(request_seq, row.clone());
            }
            return false;
        };
        let result = if let Some(error) = row.header(pseudo::ERROR) {
            Outcome::failed(None, error)
        } else if row
            .status()
            .is_some_and(|status| !(200..300).contains(&status))
        {
            Outcome::failed(
                row.status().map(|status| format!("HTTP {status}")),
                String::from_utf8_lossy(&row.body[..row.body.len().min(200)]),
            )
        } else {
            platforms::of(platform).outcome(&pending.path, &row.body)
        };
        let mut changed = false;
        for (key, id) in &pending.sent {
            let platform_ids: Vec<String> = result.ids.values().cloned().collect();
            if let Some(message) = self.message_mut(key, id) {
                message.status = if result.ok {
                    MessageStatus::Sent
                } else {
                    MessageStatus::Failed(result.describe())
                };
                message.platform_ids.extend(result.ids.clone());
                changed = true;
            }
            if result.ok {
                for platform_id in platform_ids {
                    self.messages
                        .insert((pending.platform, platform_id.clone()), key.clone());
                    // A recall by this id may have come first (from a newer page).
                    for change in self
                        .early
                        .remove(&(pending.platform, platform_id))
                        .unwrap_or_default()
                    {
                        changed |= self.apply_change(platform, row, &change);
                    }
                }
            }
        }
        if result.ok {
            for target in &pending.recalls {
                let mut recall = Event::new(EventType::Recall, platform);
                recall.target_message_id = Some(target.clone());
                recall.at_ms = Some(row.received_at_ms);
                changed |= self.apply_change(platform, row, &recall);
            }
        }
        if result.ok {
            for edit in &pending.edits {
                changed |= self.apply_change(platform, row, edit);
            }
        }
        if result.ok {
            changed |= self.apply_history(&pending, row, &result);
        }
        if result.ok && pending.lookup {
            let codec = platforms::of(platform);
            let schema = codec
                .endpoint_schemas(&pending.path)
                .map(|(_, answer)| answer.to_owned());
            for event in decode(platform, &row.body, schema) {
                if let Some(profile) = &event.profile {
                    changed |= self.learn(platform, row.seq, profile);
                }
            }
        }
        changed
    }

    /// A history page or a pull answers with messages (the platform says which answers are
    /// listings, and how to read them); already-shown ones are skipped by id.
    fn apply_history(&mut self, pending: &Pending, row: &Row, result: &Outcome) -> bool {
        let platform = pending.platform;
        let Some(listing) = platforms::of(platform).listing(&pending.path) else {
            return false;
        };
        if let Some(cursor) = listing.cursor.and_then(|id| result.ids.get(id))
            && self
                .sync_cursors
                .get(&platform)
                .is_none_or(|(seq, _)| *seq < row.seq)
        {
            self.sync_cursors
                .insert(platform, (row.seq, cursor.clone()));
        }
        let mut events = decode(platform, &row.body, listing.schema.map(str::to_owned));
        if listing.newest_first {
            events.reverse();
        }
        let mut changed = false;
        // Listed messages that do not say which chat they are in are the request's.
        if let Some(conversation) = &pending.conversation
            && (listing.page_of_conversation.is_some() || listing.catch_up)
        {
            for event in &mut events {
                event
                    .conversation_id
                    .get_or_insert_with(|| conversation.clone());
            }
        }
        // A history page shorter than asked for is the last one.
        if let (Some(page_size), Some(conversation)) =
            (listing.page_of_conversation, &pending.conversation)
        {
            let listed = events
                .iter()
                .filter(|event| event.kind == EventType::Message)
                .count();
            if listed < page_size
                && let Some(conversation) = self.conversations.get_mut(&ConversationKey {
                    platform,
                    id: conversation.clone(),
                })
            {
                conversation.earlier_exhausted = true;
                changed = true;
            }
        }
        // A catch-up lists what the customer sent while we were not listening: news, unread.
        let from_history = !listing.catch_up;
        self.apply_events_from(
            platform,
            row,
            &events,
            MessageStatus::Sent,
            None,
            from_history,
        ) || changed
    }

    fn apply_events(
        &mut self,
        platform: Platform,
        row: &Row,
        events: &[Event],
        status: MessageStatus,
    ) -> bool {
        self.apply_events_collecting(platform, row, events, status, None)
    }

    fn apply_events_collecting(
        &mut self,
        platform: Platform,
        row: &Row,
        events: &[Event],
        status: MessageStatus,
        sent: Option<&mut Vec<(ConversationKey, String)>>,
    ) -> bool {
        self.apply_events_from(platform, row, events, status, sent, false)
    }

    /// `from_history`: the events come from a history page, not as they happened.
    fn apply_events_from(
        &mut self,
        platform: Platform,
        row: &Row,
        events: &[Event],
        status: MessageStatus,
        mut sent: Option<&mut Vec<(ConversationKey, String)>>,
        from_history: bool,
    ) -> bool {
        let mut changed = false;
        for (index, event) in events.iter().enumerate() {
            match event.kind {
                EventType::Recall | EventType::Edit => {
                    changed |= self.apply_change(platform, row, event)
                }
                EventType::Read => changed |= self.apply_change(platform, row, event),
                EventType::Upload | EventType::Command => {}
                EventType::Profile => {
                    if let Some(profile) = &event.profile {
                        changed |= self.learn(platform, row.seq, profile);
                    }
                }
                _ => {
                    let Some(conversation_id) = event.conversation_id.clone() else {
                        continue;
                    };
                    let key = ConversationKey {
                        platform,
                        id: conversation_id,
                    };
                    let id = event
                        .message_id
                        .clone()
                        .unwrap_or_else(|| format!("{LOG_ID_PREFIX}{}:{index}", row.seq));
                    if let Some(shown_in) = self.messages.get(&(platform, id.clone())).cloned() {
                        // Already shown (a webhook and a history page, say): one message.
                        let as_it_happened = event.outgoing != Some(true)
                            && event.kind == EventType::Message
                            && !from_history;
                        if let Some(conversation) = self.conversations.get_mut(&shown_in) {
                            changed |= conversation.sighted_again(
                                &id,
                                row.seq,
                                event_time(event.at_ms, row.received_at_ms),
                                as_it_happened,
                            );
                        }
                        continue;
                    }
                    let outgoing = event.outgoing == Some(true);
                    let message = Message {
                        id: id.clone(),
                        seq: row.seq,
                        kind: event.kind,
                        at_ms: event_time(event.at_ms, row.received_at_ms),
                        sender_id: event.sender_id.clone(),
                        sender_name: event.sender_name.clone(),
                        outgoing,
                        content: event
                            .content
                            .clone()
                            .unwrap_or_else(|| Content::new(ContentKind::Unknown)),
                        status: if outgoing {
                            status.clone()
                        } else {
                            MessageStatus::Received
                        },
                        recalled_at_ms: None,
                        original: None,
                        edited_at_ms: None,
                        quote_message_id: event.quote_message_id.clone(),
                        platform_ids: BTreeMap::new(),
                        acknowledged: false,
                        client_id: if outgoing {
                            row.header(annotation::CLIENT_ID).map(str::to_owned)
                        } else {
                            None
                        },
                        // Only our own request rows carry the agent the server stamped.
                        agent: if outgoing && row.direction == Direction::Outbound {
                            row.agent().map(str::to_owned)
                        } else {
                            None
                        },
                        note: false,
                        mentions: Vec::new(),
                        news_seq: None,
                    };
                    let conversation = self
                        .conversations
                        .entry(key.clone())
                        .or_insert_with(|| Conversation::new(key.clone()));
                    conversation.kind = conversation.kind.or(event.conversation_kind);
                    // Where a message names both sides, each says who we are and who they are.
                    if event.recipient_id.is_some() && event.kind == EventType::Message {
                        let (ours, theirs) = if outgoing {
                            (&event.sender_id, &event.recipient_id)
                        } else {
                            (&event.recipient_id, &event.sender_id)
                        };
                        if ours.is_some() {
                            conversation.own_id = ours.clone();
                        }
                        if conversation.peer_id.is_none() && theirs.is_some() {
                            conversation.peer_id = theirs.clone();
                        }
                    }
                    // The customer's newest message, whatever order pages arrive in.
                    if !outgoing
                        && event.kind == EventType::Message
                        && (message.at_ms, message.seq) >= conversation.last_inbound_at
                    {
                        conversation.last_inbound_at = (message.at_ms, message.seq);
                        if event.sender_id.is_some() {
                            conversation.peer_id = event.sender_id.clone();
                        }
                        if event.message_id.is_some() {
                            conversation.last_inbound_id = event.message_id.clone();
                        }
                    }
                    conversation.insert(message, from_history, self.me.as_deref());
                    let peer = conversation.peer_id.clone();
                    self.messages.insert((platform, id.clone()), key.clone());
                    if let Some(peer) = peer {
                        let about = self.peers.entry((platform, peer)).or_default();
                        if !about.contains(&key) {
                            about.push(key.clone());
                        }
                    }
                    // What the payload says of its sender: a name, a picture.
                    if !outgoing
                        && let Some(sender) = &event.sender_id
                        && (event.sender_name.is_some() || event.sender_avatar.is_some())
                    {
                        let profile = Profile {
                            name: event.sender_name.clone(),
                            avatar_url: event.sender_avatar.clone(),
                            ..Profile::person(sender.clone())
                        };
                        self.learn(platform, row.seq, &profile);
                    }
                    if let Some(conversation) = self.conversations.get_mut(&key) {
                        describe(conversation, &self.profiles);
                    }
                    if let Some(sent) = sent.as_deref_mut() {
                        sent.push((key.clone(), id.clone()));
                    }
                    if let Some(changes) = self.early.remove(&(platform, id)) {
                        for change in changes {
                            self.apply_change(platform, row, &change);
                        }
                    }
                    changed = true;
                }
            }
        }
        changed
    }

    /// A recall or an edit of a message we may or may not have seen yet.
    fn apply_change(&mut self, platform: Platform, row: &Row, event: &Event) -> bool {
        let Some(target) = event
            .target_message_id
            .clone()
            .or_else(|| event.message_id.clone())
        else {
            return false;
        };
        let at = event_time(event.at_ms, row.received_at_ms);
        let Some(message) = self.find_mut(platform, &target) else {
            // Kept with its time: it is applied when the message comes, from another row.
            let mut early = event.clone();
            early.at_ms = Some(at);
            self.early
                .entry((platform, target))
                .or_default()
                .push(early);
            return false;
        };
        match event.kind {
            EventType::Recall => {
                message.recalled_at_ms.get_or_insert(at);
            }
            EventType::Read => message.acknowledged = true,
            _ => {
                if let Some(content) = event.content.clone() {
                    if message.original.is_none() {
                        message.original = Some(message.content.clone());
                    }
                    message.content = content;
                }
                message.edited_at_ms = Some(at);
            }
        }
        true
    }

    fn find_mut(&mut self, platform: Platform, id: &str) -> Option<&mut Message> {
        let key = self.messages.get(&(platform, id.to_owned()))?.clone();
        let conversation = self.conversations.get_mut(&key)?;
        // Newest first: what is recalled or answered is nearly always recent.
        conversation.messages.iter_mut().rev().find(|message| {
            message.id == id || message.platform_ids.values().any(|value| value == id)
        })
    }

    fn message_mut(&mut self, key: &ConversationKey, id: &str) -> Option<&mut Message> {
        self.conversations
            .get_mut(key)?
            .messages
            .iter_mut()
            .rev()
            .find(|message| message.id == id)
    }

    /// The conversations where the row `seq` is a customer's message as it happened (what a
    /// notification tells): one look at every conversation, made once per live row.
    pub fn customer_wrote_at(&self, seq: i64) -> Vec<&Conversation> {
        self.conversations
            .values()
            .filter(|conversation| conversation.customer_seqs.contains_key(&seq))
            .collect()
    }

    /// What this desk's agent has to answer: unread messages in conversations assigned to
    /// them or to nobody (the tab title counts them).
    pub fn unread_for_me(&self) -> usize {
        let me = self.me.as_deref();
        self.conversations
            .values()
            .filter(|conversation| {
                conversation
                    .work
                    .assignee()
                    .is_none_or(|assignee| Some(assignee) == me)
            })
            .map(|conversation| conversation.unread)
            .sum()
    }

    /// Whether some snooze ended after `since_ms` and by `now_ms` (the views redraw then).
    pub fn snooze_ended_between(&self, since_ms: i64, now_ms: i64) -> bool {
        self.conversations.values().any(|conversation| {
            conversation
                .work
                .snoozed_until()
                .is_some_and(|until| since_ms < until && until <= now_ms)
        })
    }

    /// Conversations whose title, id or any message text contains `query` (case-insensitive).
    pub fn search(&self, query: &str) -> Vec<&Conversation> {
        let needle = query.trim().to_lowercase();
        if needle.is_empty() {
            return self.conversations();
        }
        self.conversations()
            .into_iter()
            .filter(|conversation| {
                conversation.title.to_lowercase().contains(&needle)
                    || conversation.key.id.to_lowercase().contains(&needle)
                    || conversation.messages.iter().any(|message| {
                        message
                            .content
                            .text
                            .as_deref()
                            .is_some_and(|text| text.to_lowercase().contains(&needle))
                    })
            })
            .collect()
    }
}

/// A conversation's title, picture and size from what is known of whom it is with: a group by
/// its own id, a chat by its customer (else by its own id, which is the customer's on some
/// platforms); nobody known: a short form of the id.
fn describe(conversation: &mut Conversation, profiles: &HashMap<(Platform, String), Known>) {
    let platform = conversation.key.platform;
    let known = |id: &str| profiles.get(&(platform, id.to_owned()));
    let group = conversation.kind == Some(ConversationKind::Group);
    let peer = conversation.peer_id.as_deref().filter(|_| !group);
    let subject = peer
        .and_then(known)
        .filter(|known| known.name.is_some() || known.avatar.is_some())
        .or_else(|| known(&conversation.key.id));
    let name = subject
        .and_then(|known| known.name.as_ref())
        .map(|(_, name)| name.clone());
    conversation.title = name.unwrap_or_else(|| short_id(peer.unwrap_or(&conversation.key.id)));
    conversation.avatar_url = subject
        .and_then(|known| known.avatar.as_ref())
        .map(|(_, url)| url.clone());
    conversation.member_count = subject
        .filter(|_| group)
        .and_then(|known| known.members)
        .map(|(_, count)| count);
}

fn decode(platform: Platform, body: &[u8], schema: Option<String>) -> Vec<Event> {
    let options = Options {
        platform: Some(platform),
        schema,
        skip_tree: true,
        ..Options::default()
    };
    inspect(body, &options).events
}

/// When something happened: the platform's own time, except that a time given to the whole
/// second (some platforms say seconds, others milliseconds) is refined by our log's
/// clock when the row arrived within that second, so that messages from two platforms in one
/// second keep the order they came in. A row that arrived just after its second (the delivery
/// crossed the boundary) goes last in that second, not first. Without a platform time, the log's.
fn event_time(platform_ms: Option<i64>, received_at_ms: i64) -> i64 {
    match platform_ms {
        Some(at) if at % 1000 == 0 && (at..at + 2000).contains(&received_at_ms) => {
            received_at_ms.min(at + 999)
        }
        Some(at) => at,
        None => received_at_ms,
    }
}
