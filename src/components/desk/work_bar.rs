//! Under the thread header: the conversation's status with Resolve / Reopen (Alt+E) and Snooze
//! (Alt+M: until the customer writes), whom it is assigned to, and who else is looking at it
//! or typing in it right now.

use leptos::prelude::*;
use switchboard_desk::{ConversationKey, Status};

use super::conversation_list::status_name;
use super::state::DeskState;
use crate::i18n::{clock_time, use_i18n};

/// The work on one conversation as the bar shows it.
#[derive(Clone, PartialEq)]
struct WorkView {
    status: Status,
    snoozed_until: Option<i64>,
    assignee: Option<String>,
}

/// Resolves an open conversation, reopens a resolved or snoozed one (Alt+E).
pub fn toggle_resolved(state: DeskState, key: &ConversationKey) {
    let status = state.with_desk_untracked(|desk| {
        desk.conversation(key)
            .map(|conversation| conversation.work.status_at(js_sys::Date::now() as i64))
    });
    match status {
        Some(Status::Resolved | Status::Snoozed) => state.set_status(key, Status::Open, None),
        Some(_) => state.set_status(key, Status::Resolved, None),
        None => {}
    }
}

/// Snoozes until the customer writes (Alt+M).
pub fn snooze(state: DeskState, key: &ConversationKey) {
    state.set_status(key, Status::Snoozed, None);
}

/// Tomorrow at 09:00, local time (ms).
fn tomorrow_morning() -> i64 {
    let date = js_sys::Date::new_0();
    date.set_date(date.get_date() + 1);
    date.set_hours(9);
    date.set_minutes(0);
    date.set_seconds(0);
    date.set_milliseconds(0);
    date.get_time() as i64
}

#[component]
pub fn WorkBar(key: ConversationKey) -> impl IntoView {
    let state = expect_context::<DeskState>();
    let i18n = use_i18n();
    let work = {
        let key = key.clone();
        Memo::new(move |_| {
            state.with_desk(|desk| {
                desk.conversation(&key).map(|conversation| WorkView {
                    status: conversation.work.status_at(js_sys::Date::now() as i64),
                    snoozed_until: conversation.work.snoozed_until(),
                    assignee: conversation.work.assignee().map(str::to_owned),
                })
            })
        })
    };
    let status = move || work.get().map(|work| work.status).unwrap_or_default();
    let status_words = move || {
        work.get()
            .map(|work| match (work.status, work.snoozed_until) {
                (Status::Snoozed, Some(until)) => {
                    i18n.f("snoozed-until", &[("time", clock_time(until).into())])
                }
                (Status::Snoozed, None) => i18n.t("snoozed-until-customer"),
                (status, _) => status_name(i18n, status),
            })
            .unwrap_or_default()
    };
    let resolve_key = key.clone();
    let snooze_key = key.clone();
    let assign_key = key.clone();
    let presence_key = key.clone();
    let others = move || {
        let others = state.others_in(&presence_key);
        let typing: Vec<&str> = others
            .iter()
            .filter(|(_, typing)| *typing)
            .map(|(name, _)| name.as_str())
            .collect();
        let viewing: Vec<&str> = others
            .iter()
            .filter(|(_, typing)| !*typing)
            .map(|(name, _)| name.as_str())
            .collect();
        let mut words = Vec::new();
        let separator = i18n.t("list-separator");
        if !typing.is_empty() {
            words.push(i18n.f(
                "presence-typing",
                &[
                    ("names", typing.join(&separator).into()),
                    ("count", typing.len().into()),
                ],
            ));
        }
        if !viewing.is_empty() {
            words.push(i18n.f(
                "presence-viewing",
                &[
                    ("names", viewing.join(&separator).into()),
                    ("count", viewing.len().into()),
                ],
            ));
        }
        words.join(" · ")
    };
    let assignee = move || {
        work.get()
            .and_then(|work| work.assignee)
            .unwrap_or_default()
    };
    view! {
        <div class="work-bar" data-testid="work-bar">
            <span class="status-badge" data-status=move || status().as_str() data-testid="status" aria-live="polite">
                {status_words}
            </span>
            <button
                type="button"
                class="button"
                title="Alt+E"
                on:click=move |_| toggle_resolved(state, &resolve_key)
            >
                {move || match status() {
                    Status::Resolved | Status::Snoozed => i18n.t("reopen"),
                    _ => i18n.t("resolve"),
                }}
            </button>
            <select
                class="snooze"
                aria-label=move || i18n.t("snooze-label")
                on:change=move |event| {
                    let until = match event_target_value(&event).as_str() {
                        "customer" => None,
                        "hour" => Some(js_sys::Date::now() as i64 + 60 * 60 * 1000),
                        "tomorrow" => Some(tomorrow_morning()),
                        _ => return,
                    };
                    state.set_status(&snooze_key, Status::Snoozed, until);
                    let select: web_sys::HtmlSelectElement = event_target(&event);
                    select.set_value("");
                }
            >
                <option value="" selected>{move || i18n.t("snooze-choose")}</option>
                <option value="customer">{move || i18n.t("snooze-customer")}</option>
                <option value="hour">{move || i18n.t("snooze-hour")}</option>
                <option value="tomorrow">{move || i18n.t("snooze-tomorrow")}</option>
            </select>
            {move || (status() != Status::Pending).then(|| {
                let key = key.clone();
                view! {
                    <button type="button" class="link-button" on:click=move |_| state.set_status(&key, Status::Pending, None)>
                        {move || i18n.t("mark-pending")}
                    </button>
                }
            })}
            <label class="assign">
                {move || i18n.t("assigned-to")}" "
                <select
                    aria-label=move || i18n.t("assign-label")
                    on:change=move |event| {
                        let chosen = event_target_value(&event);
                        state.assign(&assign_key, (!chosen.is_empty()).then_some(chosen));
                    }
                >
                    <option value="" selected=move || assignee().is_empty()>{move || i18n.t("assignee-nobody")}</option>
                    {move || {
                        // An assignee the team list lacks (disabled, or the list not loaded).
                        let current = assignee();
                        let listed = state.agents.with(|agents| {
                            agents.iter().any(|agent| agent.name == current && !agent.disabled)
                        });
                        (!current.is_empty() && !listed).then(|| {
                            let value = current.clone();
                            view! { <option value=value selected=true>{current}</option> }
                        })
                    }}
                    {move || {
                        let me = state.me.get().map(|me| me.name).unwrap_or_default();
                        state.agents.get().into_iter()
                            .filter(|agent| !agent.disabled)
                            .map(|agent| {
                                let name = agent.name.clone();
                                let label = if name == me {
                                    i18n.f("assignee-me", &[("name", (&name).into())])
                                } else if agent.online {
                                    i18n.f("assignee-online", &[("name", (&name).into())])
                                } else {
                                    name.clone()
                                };
                                let value = name.clone();
                                view! { <option value=value selected=move || assignee() == name>{label}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
            <span class="presence" data-testid="presence" aria-live="polite">{others}</span>
        </div>
    }
}
