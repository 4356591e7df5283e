//! Markdown messages rendered as DOM built from pulldown-cmark's events — never as an HTML
//! string — so nothing in a message can become a script, a handler or a `javascript:` link:
//! raw HTML in the Markdown shows as text, links keep only http(s) and mailto, and images become
//! links (an `<img>` would fetch from anywhere). What a customer can make it build is bounded
//! ([`super::bounds`]): the input's size, the nesting depth, the number of elements.

use leptos::prelude::*;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::bounds;

enum Kind {
    Root,
    Paragraph,
    Heading,
    Quote,
    CodeBlock,
    List(Option<u64>),
    Item,
    Emphasis,
    Strong,
    Strikethrough,
    Link(Option<String>),
    Image(Option<String>),
    Table,
    TableHead,
    TableRow,
    TableCell,
    Plain,
}

/// Only these schemes survive as links.
fn safe_url(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:"))
        .then(|| url.trim().to_owned())
}

fn element(kind: Kind, children: Vec<AnyView>) -> AnyView {
    let i18n = crate::i18n::use_i18n();
    match kind {
        Kind::Root | Kind::Plain => children.into_any(),
        Kind::Paragraph => view! { <p>{children}</p> }.into_any(),
        // Headings inside a bubble stay small.
        Kind::Heading => view! { <p class="md-heading"><strong>{children}</strong></p> }.into_any(),
        Kind::Quote => view! { <blockquote>{children}</blockquote> }.into_any(),
        Kind::CodeBlock => view! { <pre><code>{children}</code></pre> }.into_any(),
        Kind::List(Some(start)) => view! { <ol start=start.to_string()>{children}</ol> }.into_any(),
        Kind::List(None) => view! { <ul>{children}</ul> }.into_any(),
        Kind::Item => view! { <li>{children}</li> }.into_any(),
        Kind::Emphasis => view! { <em>{children}</em> }.into_any(),
        Kind::Strong => view! { <strong>{children}</strong> }.into_any(),
        Kind::Strikethrough => view! { <del>{children}</del> }.into_any(),
        Kind::Link(Some(url)) => view! { <a href=url rel="noopener noreferrer nofollow" target="_blank">{children}</a> }.into_any(),
        Kind::Link(None) => view! { <span class="md-unsafe-link">{children}</span> }.into_any(),
        Kind::Image(Some(url)) => view! {
            <a class="md-image" href=url rel="noopener noreferrer nofollow" target="_blank">{move || i18n.t("preview-image")}" "{children}</a>
        }
        .into_any(),
        Kind::Image(None) => view! { <span class="md-image">{move || i18n.t("preview-image")}" "{children}</span> }.into_any(),
        Kind::Table => view! { <table class="md-table">{children}</table> }.into_any(),
        Kind::TableHead => view! { <thead><tr>{children}</tr></thead> }.into_any(),
        Kind::TableRow => view! { <tr>{children}</tr> }.into_any(),
        Kind::TableCell => view! { <td>{children}</td> }.into_any(),
    }
}

fn kind_of(tag: Tag<'_>) -> Kind {
    match tag {
        Tag::Paragraph => Kind::Paragraph,
        Tag::Heading { .. } => Kind::Heading,
        Tag::BlockQuote(_) => Kind::Quote,
        Tag::CodeBlock(_) => Kind::CodeBlock,
        Tag::List(start) => Kind::List(start),
        Tag::Item => Kind::Item,
        Tag::Emphasis => Kind::Emphasis,
        Tag::Strong => Kind::Strong,
        Tag::Strikethrough => Kind::Strikethrough,
        Tag::Link { dest_url, .. } => Kind::Link(safe_url(&dest_url)),
        Tag::Image { dest_url, .. } => Kind::Image(safe_url(&dest_url)),
        Tag::Table(_) => Kind::Table,
        Tag::TableHead => Kind::TableHead,
        Tag::TableRow => Kind::TableRow,
        Tag::TableCell => Kind::TableCell,
        _ => Kind::Plain,
    }
}

/// The Markdown as views, and whether part of it was held back (shown as text, or not at all).
pub fn render(markdown: &str) -> (AnyView, bool) {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let (markdown, mut held_back) = bounds::prefix_bytes(markdown, bounds::MARKDOWN_BYTES);
    let mut stack: Vec<(Kind, Vec<AnyView>)> = vec![(Kind::Root, Vec::new())];
    // Tags opened past the depth or element bound: they add no element, and their ends none.
    let mut flattened: usize = 0;
    let mut elements = 0;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(tag) => {
                if flattened > 0
                    || stack.len() > bounds::MARKDOWN_DEPTH
                    || elements >= bounds::MARKDOWN_ELEMENTS
                {
                    flattened += 1;
                    held_back = true;
                } else {
                    elements += 1;
                    stack.push((kind_of(tag), Vec::new()));
                }
            }
            Event::End(end) => {
                let _: TagEnd = end;
                if flattened > 0 {
                    flattened -= 1;
                } else if stack.len() > 1 {
                    let (kind, children) = stack.pop().expect("more than the root");
                    let built = element(kind, children);
                    stack.last_mut().expect("the root").1.push(built);
                }
            }
            // Raw HTML is shown as what it is: text.
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => {
                let (shown, cut) = bounds::shown_text(&text);
                held_back |= cut;
                stack
                    .last_mut()
                    .expect("the root")
                    .1
                    .push(shown.into_owned().into_any());
            }
            Event::Code(code) => stack
                .last_mut()
                .expect("the root")
                .1
                .push(view! { <code>{code.into_string()}</code> }.into_any()),
            Event::SoftBreak => stack.last_mut().expect("the root").1.push(" ".into_any()),
            Event::HardBreak => stack
                .last_mut()
                .expect("the root")
                .1
                .push(view! { <br/> }.into_any()),
            Event::Rule => stack
                .last_mut()
                .expect("the root")
                .1
                .push(view! { <hr/> }.into_any()),
            Event::TaskListMarker(done) => stack
                .last_mut()
                .expect("the root")
                .1
                .push(if done { "☑ " } else { "☐ " }.into_any()),
            Event::FootnoteReference(label)
            | Event::InlineMath(label)
            | Event::DisplayMath(label) => stack
                .last_mut()
                .expect("the root")
                .1
                .push(label.into_string().into_any()),
        }
    }
    // Unclosed frames (cannot happen with pulldown-cmark, but never lose text).
    while stack.len() > 1 {
        let (kind, children) = stack.pop().expect("more than the root");
        let built = element(kind, children);
        stack.last_mut().expect("the root").1.push(built);
    }
    let (_, children) = stack.pop().expect("the root");
    (
        view! { <div class="bubble-markdown">{children}</div> }.into_any(),
        held_back,
    )
}
