//! The desk's bubbles, one per content kind, mounted in headless Chromium — including hostile
//! Markdown and HTML, which must render without anything running.
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use leptos::prelude::*;
use switchboard_app::components::desk::bubble::Bubble;
use switchboard_app::components::desk::state::DeskState;
use switchboard_desk::{ConversationKey, Message, MessageStatus};
use switchboard_payload::Platform;
use switchboard_payload::event::{Content, ContentKind, EventType};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

fn message(content: Content) -> Message {
    Message {
        id: "m1".into(),
        seq: 7,
        kind: EventType::Message,
        at_ms: 1_700_000_000_000,
        sender_id: Some("u1".into()),
        sender_name: Some("林晓".into()),
        outgoing: false,
        content,
        status: MessageStatus::Received,
        recalled_at_ms: None,
        original: None,
        edited_at_ms: None,
        quote_message_id: None,
        platform_ids: BTreeMap::new(),
        client_id: None,
        acknowledged: false,
        agent: None,
        note: false,
        mentions: Vec::new(),
        news_seq: None,
    }
}

/// Mounts one bubble in a fresh element and returns that element.
fn mount(message: Message, platform: Platform) -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let root: HtmlElement = document.create_element("ol").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(DeskState::new());
        let key = ConversationKey {
            platform,
            id: "conversation".into(),
        };
        view! { <Bubble message=message.clone() key quoted=None/> }
    });
    handle.forget();
    root
}

fn text(kind: ContentKind, text: &str) -> Content {
    Content::text(kind, text)
}

fn xss_flag() -> bool {
    js_sys::Reflect::get(&web_sys::window().unwrap(), &"__xss".into())
        .unwrap()
        .is_truthy()
}

/// Nothing in `root` can run: no script element, no inline handler, no javascript: URL.
fn assert_inert(root: &HtmlElement) {
    assert!(
        root.query_selector("script").unwrap().is_none(),
        "{}",
        root.inner_html()
    );
    let all = root.query_selector_all("*").unwrap();
    for index in 0..all.length() {
        let element: web_sys::Element = all.item(index).unwrap().unchecked_into();
        for name in element.get_attribute_names().iter() {
            let name = name.as_string().unwrap().to_lowercase();
            assert!(
                !name.starts_with("on"),
                "handler attribute {name} in {}",
                root.inner_html()
            );
            let value = element
                .get_attribute(&name)
                .unwrap_or_default()
                .to_lowercase();
            assert!(
                !value.trim_start().starts_with("javascript:"),
                "{name}={value}"
            );
        }
    }
}

#[wasm_bindgen_test]
fn every_content_kind_has_its_bubble() {
    let mut image = Content::new(ContentKind::Image);
    image.url = Some("https://chat-img.jwznb.com/abc.png".into());
    let root = mount(message(image), Platform::Yunhu);
    let img = root
        .query_selector("img.bubble-image")
        .unwrap()
        .expect("an image");
    assert_eq!(
        img.get_attribute("src").unwrap(),
        "/api/media/yunhu?url=https%3A%2F%2Fchat-img.jwznb.com%2Fabc.png",
        "media go through the server (Yunhu wants its Referer)"
    );

    let mut file = Content::new(ContentKind::File);
    file.name = Some("报价单.pdf".into());
    file.size = Some(2_621_440);
    let root = mount(message(file), Platform::Mixin);
    assert!(root.text_content().unwrap().contains("报价单.pdf"));
    assert!(root.text_content().unwrap().contains("2.5 MB"));

    let mut location = Content::new(ContentKind::Location);
    location.title = Some("东环南路".into());
    location.lat = Some(31.2304);
    location.lon = Some(121.4737);
    let root = mount(message(location), Platform::Wecom);
    assert!(root.text_content().unwrap().contains("31.23040, 121.47370"));

    let mut card = Content::new(ContentKind::Card);
    card.title = Some("订单 42".into());
    card.description = Some("已发货".into());
    card.url = Some("javascript:alert(1)".into());
    let root = mount(message(card), Platform::Mixin);
    assert!(root.text_content().unwrap().contains("订单 42"));
    assert!(
        root.query_selector(".bubble-card a").unwrap().is_none(),
        "no link for a non-http URL"
    );

    let mut buttons = Content::text(ContentKind::Buttons, "选择一项");
    buttons.buttons = Some(r#"[[{"text":"是"},{"text":"否"}]]"#.into());
    let root = mount(message(buttons), Platform::Yunhu);
    let shown = root
        .query_selector_all(".button-row button[disabled]")
        .unwrap();
    assert_eq!(shown.length(), 2, "buttons are shown read-only");

    for (kind, expected) in [
        (ContentKind::Contact, "Contact"),
        (ContentKind::Sticker, "Sticker"),
        (ContentKind::Video, "Video"),
        (ContentKind::Audio, "Audio"),
    ] {
        let root = mount(message(text(kind, "x")), Platform::Mixin);
        assert!(root.text_content().unwrap().contains(expected), "{kind:?}");
    }

    let mut join = message(text(ContentKind::System, "joined the group"));
    join.kind = EventType::Join;
    let root = mount(join, Platform::Wecom);
    assert!(root.query_selector("li.system-line").unwrap().is_some());
}

#[wasm_bindgen_test]
fn markdown_renders_and_hostile_markdown_stays_inert() {
    let root = mount(
        message(text(
            ContentKind::Markdown,
            "**粗体** and `code`\n\n- one\n- two\n\n[docs](https://example.com)",
        )),
        Platform::Yunhu,
    );
    assert_eq!(
        root.query_selector(".bubble-markdown strong")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "粗体"
    );
    assert_eq!(
        root.query_selector_all(".bubble-markdown li")
            .unwrap()
            .length(),
        2
    );
    assert_eq!(
        root.query_selector(".bubble-markdown a")
            .unwrap()
            .unwrap()
            .get_attribute("href")
            .unwrap(),
        "https://example.com"
    );

    let corpus = [
        "<script>window.__xss = 1</script>",
        "<img src=x onerror=\"window.__xss = 1\">",
        "[click](javascript:window.__xss=1)",
        "![x](javascript:window.__xss=1)",
        "<a href=\"javascript:window.__xss=1\">a</a>",
        "<svg onload=\"window.__xss=1\"></svg>",
        "<iframe src=\"javascript:window.__xss=1\"></iframe>",
        "[x](JaVaScRiPt:window.__xss=1)",
        "<details open ontoggle=\"window.__xss=1\">",
    ];
    for hostile in corpus {
        let root = mount(
            message(text(ContentKind::Markdown, hostile)),
            Platform::Yunhu,
        );
        assert_inert(&root);
        assert!(
            root.query_selector("img, svg, iframe, details")
                .unwrap()
                .is_none(),
            "{hostile}: {}",
            root.inner_html()
        );
    }
    let raw = mount(
        message(text(
            ContentKind::Markdown,
            "<script>window.__xss = 1</script>",
        )),
        Platform::Yunhu,
    );
    assert!(
        raw.text_content().unwrap().contains("<script>"),
        "raw HTML shows as text"
    );
    assert!(!xss_flag());
}

#[wasm_bindgen_test]
fn html_messages_run_in_a_frame_that_cannot_run_anything() {
    let hostile =
        "<p>hi</p><script>parent.__xss = 1</script><img src=x onerror=\"parent.__xss=1\">";
    let root = mount(message(text(ContentKind::Html, hostile)), Platform::Yunhu);
    let frame = root
        .query_selector("iframe.bubble-html")
        .unwrap()
        .expect("a frame");
    assert_eq!(
        frame.get_attribute("sandbox").as_deref(),
        Some(""),
        "sandboxed: no scripts, no same origin"
    );
    let frame: web_sys::HtmlIFrameElement = frame.unchecked_into();
    assert!(
        frame.content_document().is_none(),
        "the frame is a foreign origin to the page"
    );
    assert_inert(&root);
    assert!(!xss_flag());
}

async fn next_tick() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
async fn recalled_edited_and_failed_bubbles_say_so() {
    let mut recalled = message(text(ContentKind::Text, "秘密"));
    recalled.recalled_at_ms = Some(1_700_000_001_000);
    let root = mount(recalled, Platform::Wechat);
    assert!(root.text_content().unwrap().contains("recalled"));
    assert!(
        !root.text_content().unwrap().contains("秘密"),
        "the original is behind a click"
    );
    let toggle: HtmlElement = root
        .query_selector(".link-button")
        .unwrap()
        .unwrap()
        .unchecked_into();
    toggle.click();
    next_tick().await;
    assert!(root.text_content().unwrap().contains("秘密"));

    let mut edited = message(text(ContentKind::Text, "new"));
    edited.edited_at_ms = Some(1);
    edited.original = Some(text(ContentKind::Text, "old"));
    let root = mount(edited, Platform::Yunhu);
    assert!(root.query_selector(".edited").unwrap().is_some());
    assert!(root.text_content().unwrap().contains("before the edit"));

    let mut failed = message(text(ContentKind::Text, "hello"));
    failed.outgoing = true;
    failed.status = MessageStatus::Failed("code 1001: 授权失败".into());
    let root = mount(failed, Platform::Wechat);
    assert!(
        root.text_content()
            .unwrap()
            .contains("failed — code 1001: 授权失败")
    );
    assert!(root.text_content().unwrap().contains("retry"));
}

/// How deep elements nest below `root`.
fn depth_below(element: &web_sys::Element) -> usize {
    let children = element.children();
    (0..children.length())
        .map(|index| 1 + depth_below(&children.item(index).unwrap()))
        .max()
        .unwrap_or(0)
}

#[wasm_bindgen_test]
fn hostile_messages_render_bounded_and_say_what_they_hold_back() {
    let deep_quote = format!("{} deep", ">".repeat(100_000));
    let deep_list = format!("{}deep", "- ".repeat(100_000));
    let links: String = (0..50_000)
        .map(|index| format!("[l{index}](https://example.com/{index}) "))
        .collect();
    for hostile in [&deep_quote, &deep_list, &links] {
        let root = mount(
            message(text(ContentKind::Markdown, hostile)),
            Platform::Mixin,
        );
        let markdown = root.query_selector(".bubble-markdown").unwrap().unwrap();
        assert!(depth_below(&markdown) <= 14, "nesting is bounded");
        assert!(
            root.query_selector_all(".bubble-markdown *")
                .unwrap()
                .length()
                <= 2_100,
            "elements are bounded"
        );
        assert!(root.query_selector(".held-back").unwrap().is_some());
        assert_inert(&root);
    }

    let long_line = "x".repeat(10 * 1024 * 1024);
    let root = mount(
        message(text(ContentKind::Text, &long_line)),
        Platform::Wecom,
    );
    let shown = root.query_selector(".bubble-text").unwrap().unwrap();
    assert_eq!(shown.text_content().unwrap().len(), 20_000);
    assert!(root.query_selector(".held-back").unwrap().is_some());

    let zalgo = format!("Z{}", "\u{0301}".repeat(1_000_000));
    let root = mount(message(text(ContentKind::Html, &zalgo)), Platform::Yunhu);
    let frame = root.query_selector("iframe.bubble-html").unwrap().unwrap();
    assert!(frame.get_attribute("srcdoc").unwrap().chars().count() <= 9);
    assert!(root.query_selector(".held-back").unwrap().is_some());

    // An ordinary message says nothing of bounds.
    let root = mount(
        message(text(ContentKind::Markdown, "**好的**")),
        Platform::Mixin,
    );
    assert!(root.query_selector(".held-back").unwrap().is_none());
}
