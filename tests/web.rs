//! In-browser component tests: run by `wasm-bindgen-test-runner` in headless Chromium.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use switchboard_app::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

async fn sleep(duration: Duration) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                duration.as_millis() as i32,
            )
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Polls until `condition` holds (reactive updates land on later ticks), failing after 2 s.
async fn wait_until(what: &str, condition: impl Fn() -> bool) {
    for _ in 0..200 {
        if condition() {
            return;
        }
        sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting until {what}");
}

/// A fresh element to mount into, so tests sharing the page do not see each other's DOM.
fn container() -> HtmlElement {
    let element: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&element).unwrap();
    element
}

fn heading(root: &HtmlElement) -> Option<String> {
    root.query_selector("h1")
        .unwrap()
        .and_then(|h1| h1.text_content())
}

fn go_to(path: &str) {
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path))
        .unwrap();
}

/// One Router per page: leptos_router listens for link clicks on the whole document, and a
/// second mounted Router would see the same clicks. So one test walks the whole navigation.
#[wasm_bindgen_test]
async fn navigation_walks_from_404_to_desk_to_inspector_and_back() {
    go_to("/no/such/page");
    let root = container();
    let _mounted = leptos::mount::mount_to(root.clone(), App);

    wait_until("the 404 page shows", || {
        heading(&root).as_deref() == Some("Page not found")
    })
    .await;
    let back_to_desk: HtmlElement = root
        .query_selector(".empty-state a[href='/desk']")
        .unwrap()
        .expect("the 404 page links back to the desk")
        .unchecked_into();
    back_to_desk.click();
    wait_until("the desk shows", || {
        heading(&root).as_deref() == Some("Desk")
    })
    .await;

    let link = |href: &str| -> HtmlElement {
        root.query_selector(&format!("nav a[href='{href}']"))
            .unwrap()
            .unwrap_or_else(|| panic!("the top bar links to {href}"))
            .unchecked_into()
    };
    link("/inspect").click();
    wait_until("the inspector shows", || {
        heading(&root).as_deref() == Some("Inspector")
    })
    .await;
    assert_eq!(
        web_sys::window().unwrap().location().pathname().unwrap(),
        "/inspect"
    );
    assert_eq!(
        link("/inspect").get_attribute("aria-current").as_deref(),
        Some("page"),
        "the active link is marked for assistive technology and styling"
    );
    assert_eq!(link("/desk").get_attribute("aria-current"), None);

    link("/desk").click();
    wait_until("the desk shows again", || {
        heading(&root).as_deref() == Some("Desk")
    })
    .await;
    root.remove();
}

mod inspector {
    use super::*;
    use switchboard_app::pages::inspector::Inspector;
    use web_sys::{HtmlSelectElement, HtmlTextAreaElement};

    fn count(root: &HtmlElement, selector: &str) -> u32 {
        root.query_selector_all(selector).unwrap().length()
    }

    fn element<T: JsCast>(root: &HtmlElement, selector: &str) -> T {
        root.query_selector(selector)
            .unwrap()
            .unwrap_or_else(|| panic!("no {selector}"))
            .unchecked_into()
    }

    /// Types `text` into the paste area as a user would (an input event).
    fn paste(root: &HtmlElement, text: &str) {
        let area: HtmlTextAreaElement = element(root, ".paste-area");
        area.set_value(text);
        area.dispatch_event(&web_sys::Event::new("input").unwrap())
            .unwrap();
    }

    fn row_with_label(root: &HtmlElement, label: &str) -> Option<HtmlElement> {
        let rows = root.query_selector_all(".tree-row").unwrap();
        (0..rows.length())
            .filter_map(|index| rows.item(index))
            .map(|node| node.unchecked_into::<HtmlElement>())
            .find(|row| {
                row.query_selector(".label")
                    .unwrap()
                    .and_then(|label| label.text_content())
                    .as_deref()
                    == Some(label)
            })
    }

    #[wasm_bindgen_test]
    async fn tree_rows_expand_and_collapse() {
        let root = container();
        let _mounted = leptos::mount::mount_to(root.clone(), Inspector);
        paste(&root, r#"{"a": {"b": 1, "c": [true, null]}}"#);
        wait_until("the tree shows nested members", || {
            row_with_label(&root, "b").is_some()
        })
        .await;
        assert_eq!(count(&root, ".tree-row"), 6, "root, a, b, c, [0], [1]");
        let a = row_with_label(&root, "a").unwrap();
        assert_eq!(a.get_attribute("aria-expanded").as_deref(), Some("true"));
        element::<HtmlElement>(&a, ".twisty").click();
        wait_until("a collapses", || count(&root, ".tree-row") == 2).await;
        assert_eq!(
            row_with_label(&root, "a")
                .unwrap()
                .get_attribute("aria-expanded")
                .as_deref(),
            Some("false")
        );
        root.remove();
    }

    #[wasm_bindgen_test]
    async fn selecting_a_field_highlights_its_bytes() {
        let root = container();
        let _mounted = leptos::mount::mount_to(root.clone(), Inspector);
        // field 1 = 150 (tag 08, value 96 01), field 2 = "abc" (tag 12, length 03, value 616263)
        paste(&root, "08 96 01 12 03 61 62 63");
        wait_until("the tree shows field 2", || {
            row_with_label(&root, "2").is_some()
        })
        .await;
        assert_eq!(count(&root, ".byte"), 8);
        assert_eq!(count(&root, ".byte.value"), 0);
        row_with_label(&root, "2").unwrap().click();
        wait_until("field 2's bytes are highlighted", || {
            count(&root, ".byte.value") == 3
        })
        .await;
        assert_eq!(count(&root, ".byte.tag"), 1);
        let tag: HtmlElement = element(&root, ".byte.tag");
        assert_eq!(tag.get_attribute("data-offset").as_deref(), Some("3"));
        // And back: clicking a byte selects its field.
        element::<HtmlElement>(&root, ".byte[data-offset='1']").click();
        wait_until("field 1 is selected", || {
            row_with_label(&root, "1").is_some_and(|row| row.class_list().contains("selected"))
        })
        .await;
        root.remove();
    }

    #[wasm_bindgen_test]
    async fn an_ambiguous_field_can_be_read_another_way_in_place() {
        let root = container();
        let _mounted = leptos::mount::mount_to(root.clone(), Inspector);
        // field 1 = "Hi", which is also the message {9: 105}
        paste(&root, "0a024869");
        wait_until("field 1 shows as a string", || {
            row_with_label(&root, "1").is_some()
        })
        .await;
        let row = row_with_label(&root, "1").unwrap();
        assert_eq!(
            element::<HtmlElement>(&row, ".value")
                .text_content()
                .as_deref(),
            Some("Hi")
        );
        let switch: HtmlSelectElement = element(&row, ".reading-switch");
        let message = (0..switch.length())
            .find(|&i| switch.item(i).unwrap().text_content().as_deref() == Some("as message"))
            .expect("a message reading is offered");
        switch.set_value(&message.to_string());
        switch
            .dispatch_event(&web_sys::Event::new("change").unwrap())
            .unwrap();
        wait_until("field 9 appears inside it", || {
            row_with_label(&root, "9").is_some()
        })
        .await;
        let inner = row_with_label(&root, "9").unwrap();
        assert_eq!(
            element::<HtmlElement>(&inner, ".value")
                .text_content()
                .as_deref(),
            Some("105")
        );
        root.remove();
    }
}
