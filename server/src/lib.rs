//! The Shutter server: configuration, telemetry, database, sessions, router, middleware.
//! `main.rs` wires these together; the black-box tests start the same `Application`.

pub mod assets;
pub mod backfill_photos;
pub mod cache_control;
pub mod config;
pub mod connections;
pub mod database;
pub mod media;
pub mod middleware;
pub mod migrate_data;
pub mod request_scope;
pub mod rest;
pub mod startup;
pub mod telemetry;
