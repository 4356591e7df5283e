//! What a row the platform delivered (a webhook, a socket frame, a pull) says, as far as the
//! server's own work needs it (who wrote, in which conversation): the payload core's events,
//! without the tree. The server's tasks that watch the log ([`crate::profiles`],
//! [`crate::auto_assign`]) read rows through this and nothing else.

use switchboard_payload::event::Event;
use switchboard_payload::{Options, inspect};

use crate::event_log::{Direction, Row};

/// Rows larger than this are not read (a frame that big is a file, not a chat line).
pub const ROW_BYTES: usize = 256 * 1024;

/// The events of a delivered row; none for our own calls, their answers, desk rows, refused
/// deliveries and rows over [`ROW_BYTES`].
pub fn delivered_events(row: &Row) -> Vec<Event> {
    if !matches!(row.direction, Direction::Inbound | Direction::Pulled)
        || row.body.len() > ROW_BYTES
    {
        return Vec::new();
    }
    let options = Options {
        platform: Some(row.platform),
        skip_tree: true,
        ..Options::default()
    };
    inspect(&row.body, &options).events
}
