//! E云's `syncFinder` pulled by the server, on an interval, so 视频号 private messages reach the
//! log with no browser open (E云 posts no callback for them; wkteam.cn `shipinhao/syncFinder`).
//! A round reads pages from the last `keyBuff` until a page leaves it unchanged; every page that
//! brings something is a logged call and answer, which is how its messages reach the desk (a
//! page with nothing new is not logged: it would be two rows every interval, forever). Where the first round
//! resumes is the newest logged answer's `keyBuff`, so a restart does not pull from the start.

use std::sync::Mutex;
use std::time::Duration;

use switchboard_payload::Platform;
use switchboard_payload::platforms::wechat::endpoints::SYNC_FINDER;
use switchboard_protocol::headers::pseudo;

use crate::platforms::receive::{Ended, Line};
use crate::platforms::upload::post;

/// Most pages one round reads.
const PAGES_PER_ROUND: usize = 20;

/// Where the next pull starts: `None` until read from the log, then the platform's cursor.
#[derive(Default)]
pub struct Cursor(Mutex<Option<Option<String>>>);

impl Cursor {
    fn get(&self) -> Option<Option<String>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    fn set(&self, cursor: Option<String>) {
        *self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(cursor);
    }
}

pub async fn round(cursor: &Cursor, every: Duration, line: &dyn Line) -> Ended {
    let codec = switchboard_payload::platforms::of(Platform::Wechat);
    let mut position = match cursor.get() {
        Some(position) => position,
        None => match line.newest_answer_to(SYNC_FINDER.path).await {
            Ok(answer) => answer.and_then(|body| codec.next_cursor(SYNC_FINDER.path, &body)),
            Err(error) => {
                return Ended::Retry(format!("reading where the last pull ended: {error:#}"));
            }
        },
    };
    let page_options = switchboard_payload::Options {
        platform: Some(Platform::Wechat),
        skip_tree: true,
        ..Default::default()
    };
    for _ in 0..PAGES_PER_ROUND {
        let call = match codec.sync(position.as_deref()) {
            Ok(call) => call,
            Err(error) => return Ended::Stop(format!("E云 cannot be pulled: {error}")),
        };
        let mut outgoing = post(call.path.clone(), call.content_type, call.body);
        outgoing
            .annotations
            .push((pseudo::RECEIVER.into(), "poll".into()));
        // A page without items is not worth two rows (one every interval, forever); an answer
        // that is not a page (an error) is. Losing a keyBuff that moved without items costs a
        // restart a page already seen, which the desk folds by message id.
        let news = |body: &[u8]| {
            codec.next_cursor(SYNC_FINDER.path, body).is_none()
                || !switchboard_payload::inspect(body, &page_options)
                    .events
                    .is_empty()
        };
        let answer = match line.courier().send_keeping(outgoing, &news).await {
            Ok(answer) => answer,
            Err(error) => {
                cursor.set(position);
                return Ended::Retry(format!("pulling syncFinder: {}", error.body["error"]));
            }
        };
        let next = codec.next_cursor(&call.path, &answer.body);
        if next.is_none() {
            cursor.set(position);
            return Ended::Retry(format!(
                "syncFinder answered without a keyBuff: {}",
                String::from_utf8_lossy(&answer.body[..answer.body.len().min(200)])
            ));
        }
        line.connected();
        // An unchanged cursor: that page was the last one.
        let done = next == position;
        position = next;
        if done {
            break;
        }
    }
    cursor.set(position);
    Ended::Again { after: every }
}
