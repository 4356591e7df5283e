pub mod empty_state;
pub mod top_bar;
