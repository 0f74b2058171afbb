//! Image intake: whatever the bytes, `process` answers a photo or a refusal, never a
//! panic, and within the limits (libFuzzer's memory limit catches decompression bombs).
#![no_main]

use app::server::media::pipeline::{self, Shape};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let shape = if data.first().is_some_and(|b| b & 1 == 1) { Shape::Avatar } else { Shape::Photo };
    if let Ok(processed) = pipeline::process(data, shape) {
        assert!(processed.full.width.max(processed.full.height) <= 1440);
        assert!(processed.thumb.width.max(processed.thumb.height) <= 320);
        assert!(processed.full.jpeg.starts_with(&[0xff, 0xd8]), "stored as JPEG");
    }
});
