//! Media pipeline benchmark: time and peak memory to turn one photo into Shutter's stored
//! variants (full size, the middle sizes, thumbnail), and the sizes of those variants.
//!
//!     cargo run --release -p bench --bin pipeline [photo.jpg] [runs]
//!
//! Peak memory is the process's high-water mark of resident memory (VmHWM) after the
//! runs, beside the mark before the first one, so the difference is the pipeline's own.

use app::server::media::{Shape, process};
use std::time::{Duration, Instant};

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "server/tests/fixtures/photo_12mp.jpg".to_owned());
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let before = vm_hwm_kib();

    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let processed = process(&bytes, Shape::Photo).unwrap_or_else(|e| panic!("{path}: {e}"));
        times.push(start.elapsed());
        last = Some(processed);
    }
    let after = vm_hwm_kib();
    let Some(out) = last else { return };
    let first = times[0];
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("input      {path}: {} bytes", bytes.len());
    println!("runs       {runs} (one thread)");
    println!(
        "time       first {:.0} ms, median {:.0} ms, best {:.0} ms",
        ms(first),
        ms(times[runs / 2]),
        ms(times[0])
    );
    if let (Some(b), Some(a)) = (before, after) {
        println!(
            "peak RSS   {:.1} MiB (before the first run: {:.1} MiB)",
            a as f64 / 1024.0,
            b as f64 / 1024.0
        );
    }
    println!("full       {} × {} JPEG, {} bytes", out.full.width, out.full.height, out.full.jpeg.len());
    for (variant, e) in &out.middle {
        let name = format!("{variant:?}").to_lowercase();
        println!("{name:<10} {} × {} JPEG, {} bytes", e.width, e.height, e.jpeg.len());
    }
    println!("thumbnail  {} × {} JPEG, {} bytes", out.thumb.width, out.thumb.height, out.thumb.jpeg.len());
}
