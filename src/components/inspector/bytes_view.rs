//! The input's bytes in hex: the selected tree node's range is highlighted (tag and value), the
//! error offset is marked, and clicking a byte selects the node that holds it. Virtualized.

use leptos::prelude::*;

use super::rows::{self, Step, node_at};
use super::state::InspectorState;

const BYTES_PER_ROW: usize = 16;
const ROW_HEIGHT: f64 = 20.0;
const OVERSCAN: usize = 10;

/// Which highlight a byte gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    None,
    Tag,
    Value,
    Error,
}

/// The highlighted ranges: (tag, value, error offset), in the input's bytes.
pub fn marks(state: InspectorState) -> (Option<[usize; 2]>, Option<[usize; 2]>, Option<usize>) {
    let shared = state.inspection.get();
    let error = shared.0.error.as_ref().map(|error| error.offset);
    let steps = state.selected.get().as_deref().and_then(rows::steps_of);
    match steps {
        // A node inside a nested payload has ranges in that payload's bytes, not the input's.
        Some(steps) if !steps.contains(&Step::Nested) => {
            let node = node_at(&shared.0.tree, &steps);
            (
                node.and_then(|n| n.tag_range),
                node.and_then(|n| n.range),
                error,
            )
        }
        _ => (None, None, error),
    }
}

pub fn mark_of(
    offset: usize,
    tag: Option<[usize; 2]>,
    value: Option<[usize; 2]>,
    error: Option<usize>,
) -> Mark {
    let inside = |range: Option<[usize; 2]>| {
        range.is_some_and(|[start, end]| offset >= start && offset < end)
    };
    if error == Some(offset) {
        Mark::Error
    } else if inside(tag) {
        Mark::Tag
    } else if inside(value) {
        Mark::Value
    } else {
        Mark::None
    }
}

#[component]
pub fn BytesView() -> impl IntoView {
    let state = expect_context::<InspectorState>();
    let container: NodeRef<leptos::html::Div> = NodeRef::new();
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(400.0_f64);
    let length = Memo::new(move |_| state.inspection.with(|shared| shared.0.bytes.len()));
    let highlights = Memo::new(move |_| marks(state));

    // Bring the highlighted range (or the error) into view.
    Effect::new(move |_| {
        let (tag, value, error) = highlights.get();
        let target = tag.or(value).map(|[start, _]| start).or(error);
        if let (Some(offset), Some(element)) = (target, container.get_untracked()) {
            let top = (offset / BYTES_PER_ROW) as f64 * ROW_HEIGHT;
            let height = element.client_height() as f64;
            let current = element.scroll_top() as f64;
            if top < current || top + ROW_HEIGHT > current + height {
                element.set_scroll_top((top - height / 3.0).max(0.0) as i32);
            }
        }
    });

    let select_offset = move |offset: usize| {
        let shared = state.inspection.get_untracked();
        let keys = rows::key_at_offset(&shared.0.tree, offset);
        state
            .expanded
            .update(|expanded| expanded.extend(keys.iter().cloned()));
        state.selected.set(keys.last().cloned());
    };

    let row_count = move || length.get().div_ceil(BYTES_PER_ROW);
    view! {
        <div
            class="bytes"
            // A scrolling region: reachable by Tab, so the keyboard can scroll it too.
            tabindex="0"
            role="region"
            aria-label=move || crate::i18n::use_i18n().t("bytes-label")
            node_ref=container
            on:scroll=move |_| {
                if let Some(element) = container.get() {
                    scroll_top.set(element.scroll_top() as f64);
                    viewport.set(element.client_height() as f64);
                }
            }
        >
            <div class="bytes-spacer" style:height=move || format!("{}px", row_count() as f64 * ROW_HEIGHT)>
                {move || {
                    let rows = row_count();
                    let first = ((scroll_top.get() / ROW_HEIGHT) as usize).saturating_sub(OVERSCAN);
                    let last = (first + (viewport.get() / ROW_HEIGHT) as usize + 2 * OVERSCAN).min(rows);
                    let (tag, value, error) = highlights.get();
                    let offset_style = format!("translateY({}px)", first as f64 * ROW_HEIGHT);
                    state.inspection.with(|shared| {
                        let bytes = &shared.0.bytes;
                        let lines = (first..last)
                            .map(|row| {
                                let start = row * BYTES_PER_ROW;
                                let end = (start + BYTES_PER_ROW).min(bytes.len());
                                let cells = (start..end)
                                    .map(|offset| {
                                        let mark = mark_of(offset, tag, value, error);
                                        view! {
                                            <span
                                                class="byte"
                                                class:tag=mark == Mark::Tag
                                                class:value=mark == Mark::Value
                                                class:error=mark == Mark::Error
                                                data-offset=offset
                                                on:click=move |_| select_offset(offset)
                                            >
                                                {format!("{:02x}", bytes[offset])}
                                            </span>
                                        }
                                    })
                                    .collect_view();
                                let ascii: String = bytes[start..end]
                                    .iter()
                                    .map(|&b| if b.is_ascii_graphic() || b == b' ' { b as char } else { '.' })
                                    .collect();
                                view! {
                                    <div class="bytes-row">
                                        <span class="offset">{format!("{start:08x}")}</span>
                                        <span class="cells">{cells}</span>
                                        <span class="ascii">{ascii}</span>
                                    </div>
                                }
                            })
                            .collect_view();
                        view! { <div class="bytes-window" style:transform=offset_style>{lines}</div> }
                    })
                }}
            </div>
        </div>
    }
}
