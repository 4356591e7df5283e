pub mod desk;
pub mod inspector;
pub mod not_found;
pub mod settings;
