pub mod clipboard;
pub mod desk;
pub mod empty_state;
pub mod inspector;
pub mod settings;
pub mod top_bar;
