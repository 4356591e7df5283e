//! The team in Settings: `GET /api/agents` (everyone, with who is online), and for admins
//! `POST /api/agents` (add), `POST /api/agents/{name}/disable` and `/enable`,
//! `POST /api/agents/{name}/password` (an admin, or the agent themselves). Canned replies:
//! `GET /api/canned`, `PUT /api/canned/{shortcut}` `{"text"}`, `DELETE /api/canned/{shortcut}`.

use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use switchboard_protocol::{Agent, CannedReply};

use super::ApiError;
use crate::agents::{AgentError, Agents};
use crate::auth::CurrentAgent;
use crate::state::AppState;

/// Runs a store call off the async threads (hashing a password takes a while); the caller's
/// mistakes come back as 400 with their words, 404 for an unknown agent.
async fn blocking<T: Send + 'static>(
    agents: std::sync::Arc<Agents>,
    call: impl FnOnce(&Agents) -> anyhow::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(move || call(&agents)).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(match error.downcast::<AgentError>() {
            Ok(AgentError::NoSuchAgent) => ApiError::said(
                StatusCode::NOT_FOUND,
                AgentError::NoSuchAgent.to_string(),
                AgentError::NoSuchAgent.chinese(),
            ),
            Ok(mistake) => ApiError::said(
                StatusCode::BAD_REQUEST,
                mistake.to_string(),
                mistake.chinese(),
            ),
            Err(error) => ApiError::internal(error),
        }),
        Err(error) => Err(ApiError::internal(error.into())),
    }
}

async fn require_admin(state: &AppState, agent: &str) -> Result<(), ApiError> {
    let agent = agent.to_owned();
    match blocking(state.agents.clone(), move |agents| agents.get(&agent)).await? {
        Some(found) if found.admin => Ok(()),
        _ => Err(ApiError::said(
            StatusCode::FORBIDDEN,
            "only an admin manages agents",
            "只有管理员可以管理坐席",
        )),
    }
}

pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<Agent>>, ApiError> {
    let mut agents = blocking(state.agents.clone(), Agents::list).await?;
    for agent in &mut agents {
        agent.online = state.presence.is_online(&agent.name);
    }
    Ok(Json(agents))
}

#[derive(Debug, Deserialize)]
pub struct NewAgent {
    name: String,
    password: String,
    #[serde(default)]
    admin: bool,
}

pub async fn add(
    State(state): State<AppState>,
    Extension(CurrentAgent(me)): Extension<CurrentAgent>,
    Json(new): Json<NewAgent>,
) -> Result<Response, ApiError> {
    require_admin(&state, &me).await?;
    let name = new.name.trim().to_owned();
    blocking(state.agents.clone(), move |agents| {
        agents.add(&name, &new.password, new.admin)
    })
    .await?;
    Ok(StatusCode::CREATED.into_response())
}

pub async fn disable(
    state: State<AppState>,
    me: Extension<CurrentAgent>,
    name: Path<String>,
) -> Result<Response, ApiError> {
    set_disabled(state, me, name, true).await
}

pub async fn enable(
    state: State<AppState>,
    me: Extension<CurrentAgent>,
    name: Path<String>,
) -> Result<Response, ApiError> {
    set_disabled(state, me, name, false).await
}

/// Disabling ends the agent's sessions at once (the store deletes them with the change).
async fn set_disabled(
    State(state): State<AppState>,
    Extension(CurrentAgent(me)): Extension<CurrentAgent>,
    Path(name): Path<String>,
    disabled: bool,
) -> Result<Response, ApiError> {
    require_admin(&state, &me).await?;
    blocking(state.agents.clone(), move |agents| {
        agents.set_disabled(&name, disabled)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Deserialize)]
pub struct NewPassword {
    password: String,
    /// An agent changing their own password proves they know it (a stolen cookie is not
    /// enough to take the account).
    #[serde(default)]
    current_password: Option<String>,
}

pub async fn password(
    State(state): State<AppState>,
    Extension(CurrentAgent(me)): Extension<CurrentAgent>,
    Path(name): Path<String>,
    Json(new): Json<NewPassword>,
) -> Result<Response, ApiError> {
    if name == me {
        let counted = state
            .login_limits
            .attempt(&me, None)
            .await
            .map_err(ApiError::internal)?;
        counted.map_err(|wait| {
            ApiError::said(
                StatusCode::TOO_MANY_REQUESTS,
                "too many tries: wait a while",
                "尝试次数过多：请稍后再试",
            )
            .with("retry_after_secs", wait.as_secs().max(1))
        })?;
        let current = new.current_password.clone().unwrap_or_default();
        let agents = state.agents.clone();
        let who = me.clone();
        let known = blocking(agents, move |agents| agents.verify(&who, &current)).await?;
        if known.is_none() {
            return Err(ApiError::said(
                StatusCode::FORBIDDEN,
                "your current password is not right",
                "当前密码不正确",
            ));
        }
    } else {
        require_admin(&state, &me).await?;
    }
    blocking(state.agents.clone(), move |agents| {
        agents.set_password(&name, &new.password)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn canned(State(state): State<AppState>) -> Result<Json<Vec<CannedReply>>, ApiError> {
    Ok(Json(
        blocking(state.agents.clone(), Agents::canned_replies).await?,
    ))
}

#[derive(Debug, Deserialize)]
pub struct CannedText {
    text: String,
}

pub async fn put_canned(
    State(state): State<AppState>,
    Path(shortcut): Path<String>,
    Json(body): Json<CannedText>,
) -> Result<Response, ApiError> {
    let reply = CannedReply {
        shortcut,
        text: body.text,
    };
    match tokio::task::spawn_blocking({
        let agents = state.agents.clone();
        move || agents.put_canned_reply(&reply)
    })
    .await
    {
        Ok(Ok(())) => Ok(StatusCode::NO_CONTENT.into_response()),
        // Its errors are all the caller's (sizes, characters, the count).
        Ok(Err(error)) if error.downcast_ref::<rusqlite::Error>().is_none() => {
            Err(ApiError::new(StatusCode::BAD_REQUEST, error.to_string()))
        }
        Ok(Err(error)) => Err(ApiError::internal(error)),
        Err(error) => Err(ApiError::internal(error.into())),
    }
}

pub async fn delete_canned(
    State(state): State<AppState>,
    Path(shortcut): Path<String>,
) -> Result<Response, ApiError> {
    let deleted = blocking(state.agents.clone(), move |agents| {
        agents.delete_canned_reply(&shortcut)
    })
    .await?;
    Ok(if deleted {
        StatusCode::NO_CONTENT.into_response()
    } else {
        ApiError::said(
            StatusCode::NOT_FOUND,
            "no canned reply has that shortcut",
            "没有使用这个快捷词的快捷回复",
        )
        .into_response()
    })
}
