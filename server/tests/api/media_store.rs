//! Where photos are kept (`--media-url`): a malformed or unusable media URL stops start-up
//! with a message that says why, before the server listens. (Serving and sweeping photos
//! on either store: posts.rs, run on S3 too with SHUTTER_TEST_MEDIA_URL set.)

use std::process::{Command, Output};

/// Runs the server binary on a fresh data folder with `args` and the environment changed
/// by `env`, and answers how it ended (it never gets to listen here).
fn start_binary(args: &[&str], env: impl FnOnce(&mut Command) -> &mut Command) -> Output {
    let data_dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command.arg("--data-dir").arg(data_dir.path()).args(["--bind", "127.0.0.1:0"]).args(args);
    command.env("NO_COLOR", "1").env_remove("SHUTTER_MEDIA_URL");
    env(&mut command).output().expect("the server binary runs")
}

#[test]
fn a_malformed_media_url_stops_start_up_with_a_clear_message() {
    for bad in [
        "photos",
        "file:///srv/media",
        "s3://Photos",
        "s3://photos?endpont=http://127.0.0.1:8333",
        "s3://photos?endpoint=http://s3.example.org",
    ] {
        for from_env in [false, true] {
            let output = if from_env {
                start_binary(&[], |c| c.env("SHUTTER_MEDIA_URL", bad))
            } else {
                start_binary(&["--media-url", bad], |c| c)
            };
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(!output.status.success(), "{bad}: started anyway");
            assert!(
                stderr.contains("--media-url") && stderr.contains("expected s3://<bucket>"),
                "{bad}: {stderr}"
            );
        }
    }
}

#[test]
fn an_s3_media_url_without_keys_stops_start_up() {
    let output = start_binary(&["--media-url", "s3://photos?endpoint=http://127.0.0.1:1"], |c| {
        c.env_remove("AWS_ACCESS_KEY_ID").env_remove("AWS_SECRET_ACCESS_KEY")
    });
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"), "{stderr}");
}

#[test]
fn an_unreachable_media_store_stops_start_up() {
    // Nothing listens on port 1 of the loopback address.
    let output = start_binary(&["--media-url", "s3://photos?endpoint=http://127.0.0.1:1"], |c| {
        c.env("AWS_ACCESS_KEY_ID", "key").env("AWS_SECRET_ACCESS_KEY", "secret")
    });
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("cannot sweep the media store"), "{stderr}");
}
