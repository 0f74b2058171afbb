//! Photos: the processing pipeline (sniff, bound, decode, orient, resize, re-encode),
//! where the results are kept and what they are called (`MediaStore`, `Variant`), and the
//! file side of posts and avatars (`uploads`: process, clean up, sweep).

pub mod pipeline;
pub mod store;
pub mod uploads;

pub use pipeline::{Processed, Shape, process};
pub use store::{LocalStore, MediaStore, Variant, avatar_url};
pub use uploads::{Upload, remove_files_off_runtime, sweep_orphan_files};
