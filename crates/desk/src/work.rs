//! The team's work on one conversation, projected from the log's desk rows: its status, who it
//! is assigned to, how far each agent has read. Each fact is the newest row that said it (by
//! seq), so pages loaded newest first and rows applied in order give the same answer.

use std::collections::HashMap;

pub use switchboard_protocol::desk::Status;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Work {
    /// The newest status fact: (its seq, the status, a snooze's end).
    status: Option<(i64, Status, Option<i64>)>,
    /// The newest assignment: (its seq, the agent or nobody).
    assignee: Option<(i64, Option<String>)>,
    /// The newest message from the customer (as it happened, not a history page): it reopens a
    /// conversation resolved or snoozed before it.
    pub(crate) last_customer_seq: i64,
    /// Per agent, the newest row they have seen.
    read_marks: HashMap<String, i64>,
}

impl Work {
    /// The status at `now_ms`: a resolved or snoozed conversation is open again once the
    /// customer wrote after it, a snooze once its time has come.
    pub fn status_at(&self, now_ms: i64) -> Status {
        match self.status {
            None => Status::Open,
            Some((seq, Status::Resolved | Status::Snoozed, _)) if self.last_customer_seq > seq => {
                Status::Open
            }
            Some((_, Status::Snoozed, Some(until))) if now_ms >= until => Status::Open,
            Some((_, status, _)) => status,
        }
    }

    /// When a snooze ends by itself (`None`: when the customer writes, or not snoozed).
    pub fn snoozed_until(&self) -> Option<i64> {
        match self.status {
            Some((_, Status::Snoozed, until)) => until,
            _ => None,
        }
    }

    /// Who the conversation is assigned to.
    pub fn assignee(&self) -> Option<&str> {
        self.assignee
            .as_ref()
            .and_then(|(_, agent)| agent.as_deref())
    }

    /// The newest row `agent` has seen here (0: none).
    pub fn read_upto(&self, agent: &str) -> i64 {
        self.read_marks.get(agent).copied().unwrap_or(0)
    }

    pub(crate) fn set_status(&mut self, seq: i64, status: Status, until_ms: Option<i64>) -> bool {
        if self.status.is_some_and(|(known, _, _)| known >= seq) {
            return false;
        }
        self.status = Some((seq, status, until_ms));
        true
    }

    pub(crate) fn assign(&mut self, seq: i64, agent: Option<String>) -> bool {
        if self
            .assignee
            .as_ref()
            .is_some_and(|(known, _)| *known >= seq)
        {
            return false;
        }
        self.assignee = Some((seq, agent));
        true
    }

    pub(crate) fn read(&mut self, agent: &str, upto: i64) -> bool {
        let mark = self.read_marks.entry(agent.to_owned()).or_insert(0);
        if *mark >= upto {
            return false;
        }
        *mark = upto;
        true
    }
}

/// The list's tabs (Chatwoot's): the agent's own, nobody's, everyone's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Inbox {
    Mine,
    Unassigned,
    #[default]
    All,
}

impl Inbox {
    pub const ALL: [Inbox; 3] = [Inbox::Mine, Inbox::Unassigned, Inbox::All];

    /// Whether a conversation assigned to `assignee` belongs under this tab for `me`.
    pub fn holds(self, assignee: Option<&str>, me: Option<&str>) -> bool {
        match self {
            Inbox::Mine => assignee.is_some() && assignee == me,
            Inbox::Unassigned => assignee.is_none(),
            Inbox::All => true,
        }
    }
}
