//! Photos: the processing pipeline (sniff, bound, decode, orient, resize, re-encode) and
//! where the results are kept (`MediaStore`).

pub mod pipeline;
pub mod store;

pub use pipeline::{Processed, Shape, Variant, process};
pub use store::{LocalStore, MediaStore, new_stem};
