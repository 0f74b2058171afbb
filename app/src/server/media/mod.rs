//! Photos: the processing pipeline (sniff, bound, decode, orient, resize, re-encode),
//! where the results are kept and what they are called (`MediaStore`, `Variant`; the local
//! folder, or an S3 bucket in `s3`), the file side of posts and avatars (`uploads`:
//! process, clean up, sweep), and `backfill`: the middle sizes of older photos.

pub mod backfill;
pub mod pipeline;
pub mod s3;
pub mod store;
pub mod uploads;

pub use pipeline::{Processed, Shape, process};
pub use s3::{S3Store, S3Url};
pub use store::{Listed, LocalStore, MediaStore, Variant, avatar_url};
pub use uploads::{ORPHAN_GRACE, Upload, remove_files_off_runtime, sweep_orphan_files};
