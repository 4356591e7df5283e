//! The browser's localStorage, where the app keeps what an agent chose (language, alerts, the
//! inspector's schemas). `None` where the browser refuses it (private mode, disabled).

pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}
