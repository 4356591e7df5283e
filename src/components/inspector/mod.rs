//! The inspector's pieces, one concern per file; `pages::inspector` lays them out.

pub mod actions_bar;
pub mod bytes_view;
pub mod compare_view;
pub mod described;
pub mod events_view;
pub mod input_panel;
pub mod off_thread;
pub mod rows;
pub mod schema_panel;
pub mod schemas;
pub mod shared;
pub mod state;
pub mod summary_bar;
pub mod tree_view;
pub mod worker;
