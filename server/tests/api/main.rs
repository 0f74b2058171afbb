//! Black-box tests: each test starts a real Shutter server on port 0 with its own
//! temporary data folder and talks to it over HTTP, as a browser or a script would.

// A failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used)]

mod accounts;
mod backup;
mod concurrency;
mod engines;
mod escaping;
mod helpers;
mod hostile;
mod inspect;
mod instance_crash;
mod instances;
mod isolation;
mod likes_order;
mod load;
mod media_store;
mod migrate_data;
mod notifications;
mod observability;
mod page_status;
mod pages;
mod photo_sizes;
mod posts;
mod rest;
mod robustness;
mod search;
mod security;
mod sessions;
mod soak;
mod social;
mod static_files;
mod throttle;
