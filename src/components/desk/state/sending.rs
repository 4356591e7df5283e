//! The agent's actions: sends (optimistic bubble first), uploads with progress, recalls, edits,
//! each composed by the platform's `Codec` and sent through the proxy with the desk's notes.

use super::*;

impl DeskState {
    /// Sends a text message: an optimistic bubble at once, then the platform's request through
    /// the proxy. The log's rows take over the bubble (matched by its client id).
    pub fn send_text(
        self,
        key: ConversationKey,
        text: String,
        markdown: bool,
        quote: Option<String>,
    ) {
        let client_id = api::fresh_uuid();
        let draft = Draft {
            client_id: client_id.clone(),
            key: key.clone(),
            text: text.clone(),
            at_ms: js_sys::Date::now(),
            error: None,
            image_preview: None,
            progress: None,
            markdown,
            quote: quote.clone(),
        };
        self.drafts.update(|drafts| drafts.push(draft));
        let target = self.target_of(&key);
        let call = target
            .ok_or_else(|| self.i18n.t("send-conversation-gone"))
            .and_then(|target| {
                let quote = quote.as_deref();
                let composed = if markdown {
                    platforms::of(key.platform).send_markdown(&target, &text, quote, &client_id)
                } else {
                    platforms::of(key.platform).send_text(&target, &text, quote, &client_id)
                };
                composed.map_err(|error| compose_error(self.i18n, &error))
            });
        match call {
            Ok(call) => self.call(key, call, Some(client_id)),
            Err(error) => self.fail_draft(&client_id, error),
        }
    }

    /// Resends a failed draft's text as a new message.
    pub fn retry(self, draft: Draft) {
        self.drafts
            .update(|drafts| drafts.retain(|existing| existing.client_id != draft.client_id));
        self.send_text(draft.key, draft.text, draft.markdown, draft.quote);
    }

    /// Sends an image or, for any other file, a file message: uploads it through `/api/upload`
    /// (the bubble shows the progress, and an image's local preview), then sends the platform's
    /// message with the id the upload got.
    pub fn send_attachment(self, key: ConversationKey, file: web_sys::File) {
        let client_id = api::fresh_uuid();
        let is_image = file.type_().starts_with("image/")
            && self.capabilities_untracked(key.platform).send_image;
        let preview = is_image
            .then(|| web_sys::Url::create_object_url_with_blob(&file).ok())
            .flatten();
        if let Some(preview) = &preview {
            self.previews.update_value(|previews| {
                previews.insert(client_id.clone(), preview.clone());
            });
        }
        self.drafts.update(|drafts| {
            drafts.push(Draft {
                client_id: client_id.clone(),
                key: key.clone(),
                text: file.name(),
                at_ms: js_sys::Date::now(),
                error: None,
                image_preview: preview,
                progress: Some(0.0),
                markdown: false,
                quote: None,
            })
        });
        let progress_id = client_id.clone();
        let on_progress = move |fraction: f64| {
            self.drafts.update(|drafts| {
                if let Some(draft) = drafts
                    .iter_mut()
                    .find(|draft| draft.client_id == progress_id)
                {
                    draft.progress = Some(fraction);
                }
            });
        };
        let file = send_wrapper::SendWrapper::new(file);
        leptos::task::spawn_local(async move {
            let url = format!("/api/upload/{}", key.platform.id());
            let uploaded = match api::upload(self.i18n, &url, &file, on_progress).await {
                Ok(uploaded) => uploaded,
                Err(error) => return self.fail_draft(&client_id, error),
            };
            let attachment = compose::Attachment {
                id: uploaded.id,
                url: uploaded.url.clone(),
                mime_type: file.type_(),
                width: None,
                height: None,
                size: uploaded.size,
                name: file.name(),
            };
            let call = self
                .target_of(&key)
                .ok_or_else(|| self.i18n.t("send-conversation-gone"))
                .and_then(|target| {
                    let codec = platforms::of(key.platform);
                    if is_image {
                        codec.send_image(&target, &attachment, &client_id)
                    } else {
                        codec.send_file(&target, &attachment, &client_id)
                    }
                    .map_err(|error| compose_error(self.i18n, &error))
                });
            match call {
                Ok(call) => self.call_annotated(
                    key,
                    call,
                    Some(client_id),
                    Some(Media {
                        url: uploaded.url,
                        name: attachment.name,
                    }),
                ),
                Err(error) => self.fail_draft(&client_id, error),
            }
        });
    }

    /// Where a reply in this conversation goes.
    pub(super) fn target_of(&self, key: &ConversationKey) -> Option<compose::Target> {
        self.desk.with_value(|desk| {
            desk.conversation(key)
                .map(|conversation| conversation.target())
        })
    }

    /// Sends an action composed for one of our messages, or says why it cannot be.
    pub(super) fn act(
        self,
        key: ConversationKey,
        what: &'static str,
        composed: Option<Result<compose::Call, compose::ComposeError>>,
    ) {
        match composed {
            Some(Ok(call)) => self.call(key, call, None),
            Some(Err(error)) => {
                let i18n = self.i18n;
                self.notice.set(Some(i18n.f(
                    "notice-cannot",
                    &[
                        ("action", i18n.t(what).into()),
                        ("error", compose_error(i18n, &error).into()),
                    ],
                )))
            }
            None => {}
        }
    }

    pub fn recall(self, key: ConversationKey, message: Message) {
        let composed = self.target_of(&key).map(|target| {
            platforms::of(key.platform).recall(
                &target,
                &message.id,
                &message.platform_ids,
                &api::fresh_uuid(),
            )
        });
        self.act(key, "action-recall", composed);
    }

    /// Replaces the text of one of our messages (where the platform allows it).
    pub fn edit(self, key: ConversationKey, message: Message, text: String) {
        let composed = self.target_of(&key).map(|target| {
            platforms::of(key.platform).edit(&target, &message.id, &message.platform_ids, &text)
        });
        self.act(key, "action-edit", composed);
    }

    pub(super) fn fail_draft(self, client_id: &str, error: String) {
        self.drafts.update(|drafts| {
            if let Some(draft) = drafts.iter_mut().find(|draft| draft.client_id == client_id) {
                draft.error = Some(error);
            }
        });
    }

    pub(super) fn call(self, key: ConversationKey, call: compose::Call, client_id: Option<String>) {
        self.call_annotated(key, call, client_id, None);
    }

    /// Posts a composed call through the proxy, annotated with its conversation (and bubble,
    /// and an upload's URL and name, which some sends do not carry).
    pub(super) fn call_annotated(
        self,
        key: ConversationKey,
        call: compose::Call,
        client_id: Option<String>,
        media: Option<Media>,
    ) {
        leptos::task::spawn_local(async move {
            let url = format!("/api/proxy/{}{}", key.platform.id(), call.path);
            let mut headers = vec![(annotation::CONVERSATION, key.id.as_str())];
            if let Some(client_id) = &client_id {
                headers.push((annotation::CLIENT_ID, client_id.as_str()));
            }
            // Header values are ASCII: the name travels percent-encoded.
            let media_name = media
                .as_ref()
                .map(|media| String::from(js_sys::encode_uri_component(&media.name)));
            if let Some(url) = media.as_ref().and_then(|media| media.url.as_deref()) {
                headers.push((annotation::MEDIA_URL, url));
            }
            if let Some(name) = &media_name {
                headers.push((annotation::MEDIA_NAME, name.as_str()));
            }
            let outcome = api::post_bytes(&url, call.content_type, &call.body, &headers).await;
            // 2xx and 502/504 were logged: the log tells the rest. Anything else never left.
            let error = match outcome {
                Ok((status, _))
                    if (200..300).contains(&status) || status == 502 || status == 504 =>
                {
                    None
                }
                Ok((status, text)) => Some(api::error_text(self.i18n, status, &text)),
                Err(ApiError::LoggedOut) => {
                    self.connection.set(Connection::LoggedOut);
                    Some(self.i18n.t("send-log-in-again"))
                }
                Err(error) => Some(error.describe(self.i18n)),
            };
            if let Some(error) = error {
                match &client_id {
                    Some(client_id) => self.fail_draft(client_id, error),
                    None => self.notice.set(Some(error)),
                }
            }
        });
    }
}

/// An upload a send refers to.
pub(super) struct Media {
    url: Option<String>,
    name: String,
}

/// Why the payload core could not compose a call: the sentence is ours, what it lacked or does
/// not offer is the core's technical name for it.
fn compose_error(i18n: crate::i18n::I18n, error: &compose::ComposeError) -> String {
    match error {
        compose::ComposeError::Unsupported(what) => {
            i18n.f("compose-unsupported", &[("what", (*what).into())])
        }
        compose::ComposeError::Missing(what) => {
            i18n.f("compose-missing", &[("what", (*what).into())])
        }
    }
}
