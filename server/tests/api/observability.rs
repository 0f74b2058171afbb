//! Every response names its request id (`x-request-id`), the id every log line of that
//! request carries: new for each request, or the one a proxy in front already set.

use crate::helpers::spawn_app;
use std::collections::HashSet;

fn request_id(response: &reqwest::Response) -> String {
    let value = response
        .headers()
        .get("x-request-id")
        .unwrap_or_else(|| panic!("{} has no x-request-id", response.url()));
    value.to_str().expect("ASCII").to_owned()
}

#[tokio::test]
async fn every_response_has_its_own_request_id() {
    let app = spawn_app().await;
    let client = reqwest::Client::new();
    let mut seen = HashSet::new();
    // Pages, a 404 page, the REST API refusing a visitor, a server function refusing a
    // visitor, a static file: every kind of answer.
    for path in ["/healthz", "/", "/users/nobody/", "/api/v1/posts/", "/explore/"] {
        for _ in 0..3 {
            let response = client.get(format!("{}{path}", app.address)).send().await.expect("answer");
            let id = request_id(&response);
            assert!(uuid_like(&id), "{path}: {id:?} is not a UUID");
            assert!(seen.insert(id.clone()), "{path}: {id} was given twice");
        }
    }
    let refused = client.post(format!("{}/api/fn/current_user", app.address)).send().await.expect("answer");
    assert!(uuid_like(&request_id(&refused)));
}

#[tokio::test]
async fn a_request_id_set_in_front_is_kept() {
    let app = spawn_app().await;
    let response = reqwest::Client::new()
        .get(format!("{}/users/nobody/", app.address))
        .header("x-request-id", "edge-42")
        .send()
        .await
        .expect("answer");
    assert_eq!(request_id(&response), "edge-42");
}

fn uuid_like(id: &str) -> bool {
    id.len() == 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') && id.matches('-').count() == 4
}
