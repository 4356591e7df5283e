pub mod clipboard;
pub mod desk;
pub mod empty_state;
pub mod inspector;
pub mod login;
pub mod settings;
pub mod top_bar;
pub mod yielding;
