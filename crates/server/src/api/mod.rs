//! The browser's API under `/api` (all of it behind the session cookie except `/api/login`).

pub mod config;
pub mod desk;
pub mod events;
pub mod media;
pub mod proxy;
pub mod receive;
pub mod route_platform;
pub mod sandbox;
pub mod team;
pub mod upload;

pub use crate::api_error::ApiError;
