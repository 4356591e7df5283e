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
