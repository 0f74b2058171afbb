//! The REST API v1 (README, "REST API"): the index, the feed listing and its
//! pages, post detail, likes and comments, the error format, and each way to
//! authenticate. Every response is checked against the served OpenAPI document.

use crate::helpers::{PASSWORD, TestApp, spawn_app};
use reqwest::{Client, Method, RequestBuilder, StatusCode, header};
use serde_json::{Value, json};

/// How a request proves who sends it.
#[derive(Clone)]
enum Auth {
    None,
    Bearer(String),
    Basic(String, String),
    /// Whatever the client's cookie jar holds.
    Cookie,
}

/// A REST client of one test app, which validates every response against the app's own
/// OpenAPI document: the operation must declare the status, and the body must match the
/// declared schema (unknown routes and methods must answer with the `ApiError` schema).
struct Api {
    app: TestApp,
    doc: Value,
}

struct Answer {
    status: StatusCode,
    body: Value,
}

impl Api {
    async fn new() -> Self {
        let app = spawn_app().await;
        let res = app.client().get(app.url("/api/v1/openapi.json")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let doc: Value = res.json().await.unwrap();
        Self { app, doc }
    }

    fn request(&self, client: &Client, method: Method, path: &str, auth: &Auth) -> RequestBuilder {
        let builder = client.request(method, self.app.url(path));
        match auth {
            Auth::None | Auth::Cookie => builder,
            Auth::Bearer(token) => builder.bearer_auth(token),
            Auth::Basic(user, password) => builder.basic_auth(user, Some(password)),
        }
    }

    /// Sends the request with a fresh cookie-less client (unless `Auth::Cookie`).
    async fn send(
        &self,
        client: &Client,
        method: Method,
        path: &str,
        auth: &Auth,
        body: Option<Value>,
    ) -> Answer {
        let client = match auth {
            Auth::Cookie => client.clone(),
            _ => self.app.client(),
        };
        let mut req = self.request(&client, method.clone(), path, auth);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.unwrap();
        self.check(&method, path, res).await
    }

    async fn get(&self, path: &str, auth: &Auth) -> Answer {
        self.send(&self.app.client(), Method::GET, path, auth, None).await
    }

    async fn post(&self, path: &str, auth: &Auth, body: Option<Value>) -> Answer {
        self.send(&self.app.client(), Method::POST, path, auth, body).await
    }

    async fn delete(&self, path: &str, auth: &Auth) -> Answer {
        self.send(&self.app.client(), Method::DELETE, path, auth, None).await
    }

    /// The documented path template that `path` matches, if any.
    fn template(&self, path: &str) -> Option<String> {
        let path = path.split('?').next().unwrap_or_default();
        let segments: Vec<&str> = path.split('/').collect();
        self.doc["paths"].as_object().unwrap().keys().find_map(|template| {
            let parts: Vec<&str> = template.split('/').collect();
            let matches = parts.len() == segments.len()
                && parts.iter().zip(&segments).all(|(t, s)| (t.starts_with('{') && !s.is_empty()) || t == s);
            matches.then(|| template.clone())
        })
    }

    /// Validates `body` against `schema`, resolving `$ref`s in the document's components.
    fn validate(&self, schema: &Value, body: &Value, context: &str) {
        let errors = self.schema_errors(schema, body);
        assert!(errors.is_empty(), "{context}: {body} does not match the OpenAPI document: {errors:?}");
    }

    fn schema_errors(&self, schema: &Value, body: &Value) -> Vec<String> {
        let mut root = schema.clone();
        root.as_object_mut().unwrap().insert("components".into(), self.doc["components"].clone());
        let validator =
            jsonschema::validator_for(&root).unwrap_or_else(|e| panic!("bad schema {schema}: {e}"));
        validator.iter_errors(body).map(|e| format!("{e} at {}", e.instance_path())).collect()
    }

    async fn check(&self, method: &Method, path: &str, res: reqwest::Response) -> Answer {
        let status = res.status();
        let is_json = res
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.to_str().unwrap_or_default().starts_with("application/json"));
        let text = res.text().await.unwrap();
        let body: Value =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::Null) };
        let context = format!("{method} {path} -> {status}");
        let operation = self
            .template(path)
            .map(|t| self.doc["paths"][&t][method.as_str().to_lowercase()].clone())
            .filter(|op| !op.is_null());
        match operation {
            Some(op) => {
                let declared = &op["responses"][status.as_str()];
                assert!(
                    !declared.is_null(),
                    "{context}: status not declared in the OpenAPI document ({text})"
                );
                match declared["content"]["application/json"]["schema"].as_object() {
                    Some(schema) => {
                        assert!(is_json, "{context}: not JSON: {text}");
                        self.validate(&Value::Object(schema.clone()), &body, &context);
                    }
                    None => assert!(
                        text.is_empty() || declared["content"]["application/json"].is_object(),
                        "{context}: declared without a body, got {text}"
                    ),
                }
            }
            None => {
                assert!(status.as_u16() >= 400, "{context}: an undocumented route answered");
                assert!(is_json, "{context}: not JSON: {text}");
                self.validate(&json!({"$ref": "#/components/schemas/ApiError"}), &body, &context);
            }
        }
        if status.as_u16() >= 400 {
            assert_eq!(body["status_code"], status.as_u16(), "{context}: status_code in the body");
            assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{context}: a message");
        }
        Answer { status, body }
    }

    /// A personal access token of the user signed in on `client`, made through the
    /// settings page's server functions.
    async fn token(&self, client: &Client, name: &str) -> (i64, String) {
        let res = self.app.call(client, "/api/fn/create_token", &[("name", name)]).await;
        assert!(res.status().is_success() || res.status().is_redirection(), "{}", res.status());
        let location = res.headers()[header::LOCATION].to_str().unwrap().to_owned();
        let key = location.split("created=").nth(1).expect("the one-time key");
        let res = self.app.call(client, "/api/fn/tokens", &[("created", key)]).await;
        assert_eq!(res.status(), StatusCode::OK);
        let page: Value = res.json().await.unwrap();
        let new = &page["new_token"];
        (new["id"].as_i64().unwrap(), new["token"].as_str().unwrap().to_owned())
    }

    async fn tokens(&self, client: &Client) -> Value {
        let res = self.app.call(client, "/api/fn/tokens", &[]).await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
    }

    /// A new user, signed in on the returned client, with a Bearer token.
    async fn user(&self, username: &str) -> (Client, Auth) {
        let client = self.app.signed_up(username).await;
        let (_, token) = self.token(&client, "tests").await;
        (client, Auth::Bearer(token))
    }

    async fn post_photo(&self, client: &Client, caption: &str) -> i64 {
        self.app.post_photos(client, &["animated.gif"], caption).await
    }
}

fn ids(answer: &Answer) -> Vec<i64> {
    answer.body["results"].as_array().unwrap().iter().map(|r| r["postid"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn the_index_needs_no_credentials() {
    let api = Api::new().await;
    let res = api.get("/api/v1/", &Auth::None).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        res.body,
        json!({"posts": "/api/v1/posts/", "comments": "/api/v1/comments/", "likes": "/api/v1/likes/", "url": "/api/v1/"})
    );
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let api = Api::new().await;
    assert!(api.doc["openapi"].as_str().unwrap().starts_with("3.1"), "OpenAPI 3.1");
    let mut routes: Vec<String> = api.doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object().unwrap().keys().map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect();
    routes.sort();
    assert_eq!(
        routes,
        [
            "DELETE /api/v1/comments/{commentid}/",
            "DELETE /api/v1/likes/{likeid}/",
            "GET /api/v1/",
            "GET /api/v1/openapi.json",
            "GET /api/v1/posts/",
            "GET /api/v1/posts/{postid}/",
            "POST /api/v1/comments/",
            "POST /api/v1/likes/",
        ]
    );
    for scheme in ["token", "basic", "session"] {
        assert!(api.doc["components"]["securitySchemes"][scheme].is_object(), "{scheme}");
    }
}

#[tokio::test]
async fn every_operation_that_takes_credentials_documents_the_shared_refusals() {
    let api = Api::new().await;
    let open = ["GET /api/v1/", "GET /api/v1/openapi.json"];
    let mut checked = 0;
    for (path, item) in api.doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let route = format!("{} {path}", method.to_uppercase());
            let responses = &op["responses"];
            for status in ["403", "429"] {
                let schema = &responses[status]["content"]["application/json"]["schema"];
                if open.contains(&route.as_str()) {
                    assert!(responses[status].is_null(), "{route} needs no credentials: no {status}");
                } else {
                    assert_eq!(schema["$ref"], "#/components/schemas/ApiError", "{route} {status}: {op}");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 12, "six operations take credentials");
    // An operation's own wording of a shared status stays.
    let own = &api.doc["paths"]["/api/v1/likes/{likeid}/"]["delete"]["responses"]["403"]["description"];
    assert_eq!(own, "No valid credentials, or someone else's like");
}

#[tokio::test]
async fn the_schema_check_refuses_a_wrong_shape() {
    let api = Api::new().await;
    let schema = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let index = json!({"posts": "/api/v1/posts/", "comments": "/c/", "likes": "/l/", "url": "/api/v1/"});
    assert!(api.schema_errors(&schema("Index"), &index).is_empty());
    let mut extra = index.clone();
    extra["more"] = json!(1);
    let mut missing = index.clone();
    missing.as_object_mut().unwrap().remove("likes");
    let mut wrong_type = index.clone();
    wrong_type["url"] = json!(5);
    for body in [extra, missing, wrong_type] {
        assert!(!api.schema_errors(&schema("Index"), &body).is_empty(), "{body}");
    }
    let likes = json!({"numLikes": 0, "lognameLikesThis": false, "url": null});
    assert!(api.schema_errors(&schema("LikesSummary"), &likes).is_empty(), "url may be null");
    let no_url = json!({"numLikes": 0, "lognameLikesThis": false});
    assert!(!api.schema_errors(&schema("LikesSummary"), &no_url).is_empty(), "but must be there");
    let error = json!({"message": "m", "status_code": 400, "code": "bad_request"});
    assert!(api.schema_errors(&schema("ApiError"), &error).is_empty());
}

#[tokio::test]
async fn the_listing_is_the_callers_feed_in_stable_pages() {
    let api = Api::new().await;
    let (ada, ada_auth) = api.user("ada").await;
    let bob = api.app.signed_up("bob").await;
    let eve = api.app.signed_up("eve").await;
    let p1 = api.post_photo(&ada, "ada 1").await;
    let p2 = api.post_photo(&bob, "bob 1").await;
    let _not_followed = api.post_photo(&eve, "eve 1").await;
    let p3 = api.post_photo(&ada, "ada 2").await;
    let p4 = api.post_photo(&bob, "bob 2").await;
    let p5 = api.post_photo(&ada, "ada 3").await;
    api.app.call(&ada, "/api/fn/follow", &[("username", "bob")]).await;

    let all = api.get("/api/v1/posts/", &ada_auth).await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(ids(&all), vec![p5, p4, p3, p2, p1], "own and followed posts, newest first");
    assert_eq!(all.body["next"], "", "fewer than size came back");
    assert_eq!(all.body["url"], "/api/v1/posts/");
    assert_eq!(all.body["results"][0]["url"], format!("/api/v1/posts/{p5}/"));

    let first = api.get("/api/v1/posts/?size=2", &ada_auth).await;
    assert_eq!(ids(&first), vec![p5, p4]);
    assert_eq!(first.body["url"], "/api/v1/posts/?size=2", "the path and query as sent");
    let next = format!("/api/v1/posts/?size=2&page=1&postid_lte={p5}");
    assert_eq!(first.body["next"], next);

    // A new post between two page requests does not shift page two.
    let p6 = api.post_photo(&ada, "ada 4").await;
    let second = api.get(&next, &ada_auth).await;
    assert_eq!(ids(&second), vec![p3, p2]);
    assert_eq!(second.body["url"], next);
    assert_eq!(second.body["next"], format!("/api/v1/posts/?size=2&page=2&postid_lte={p5}"));
    let third = api.get(second.body["next"].as_str().unwrap(), &ada_auth).await;
    assert_eq!(ids(&third), vec![p1]);
    assert_eq!(third.body["next"], "");

    // A fresh listing starts at the new post; the parameters may come in any order.
    let fresh = api.get("/api/v1/posts/?page=0&size=1", &ada_auth).await;
    assert_eq!(ids(&fresh), vec![p6]);
    assert_eq!(fresh.body["url"], "/api/v1/posts/?page=0&size=1");
    assert_eq!(fresh.body["next"], format!("/api/v1/posts/?size=1&page=1&postid_lte={p6}"));
    let lte = api.get(&format!("/api/v1/posts/?postid_lte={p3}&size=10"), &ada_auth).await;
    assert_eq!(ids(&lte), vec![p3, p2, p1]);

    // Someone who follows nobody and posted nothing has an empty feed.
    let (_, eve_auth) = api.user("eve2").await;
    let empty = api.get("/api/v1/posts/", &eve_auth).await;
    assert_eq!((ids(&empty), empty.body["next"].clone()), (vec![], json!("")));
}

#[tokio::test]
async fn the_listing_size_is_capped_at_100() {
    let api = Api::new().await;
    let (ada, auth) = api.user("ada").await;
    let p1 = api.post_photo(&ada, "one").await;
    let p2 = api.post_photo(&ada, "two").await;

    let at_cap = api.get("/api/v1/posts/?size=100", &auth).await;
    assert_eq!(at_cap.status, StatusCode::OK, "{}", at_cap.body);
    assert_eq!((ids(&at_cap), at_cap.body["next"].clone()), (vec![p2, p1], json!("")));
    for over in ["size=101", "size=1000000", "page=0&size=101&postid_lte=5"] {
        let res = api.get(&format!("/api/v1/posts/?{over}"), &auth).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{over}: {}", res.body);
        assert!(res.body["message"].as_str().unwrap().contains("100"), "{over}: the message says the cap");
    }
    // 0 stays accepted, as documented (minimum 0): an empty page.
    let zero = api.get("/api/v1/posts/?size=0", &auth).await;
    assert_eq!((zero.status, ids(&zero)), (StatusCode::OK, vec![]));
    assert_eq!(api.get("/api/v1/posts/?size=-1", &auth).await.status, StatusCode::BAD_REQUEST);
    let documented = &api.doc["paths"]["/api/v1/posts/"]["get"]["parameters"];
    let size = documented.as_array().unwrap().iter().find(|p| p["name"] == "size").unwrap();
    assert_eq!(size["schema"]["maximum"], 100, "the OpenAPI document states the cap: {size}");
}

#[tokio::test]
async fn a_page_past_the_end_is_empty_however_far() {
    let api = Api::new().await;
    let (ada, auth) = api.user("ada").await;
    api.post_photo(&ada, "one").await;
    // Any page the document allows (size ≤ 100, page ≥ 0) is a page: past the end, and so
    // far that its offset overflows, it is empty and links no further.
    for query in [
        "page=1",
        "page=9223372036854775807",
        "size=100&page=92233720368547759",
        "size=0&page=9223372036854775807",
    ] {
        let res = api.get(&format!("/api/v1/posts/?{query}"), &auth).await;
        assert_eq!(res.status, StatusCode::OK, "{query}: {}", res.body);
        assert_eq!((ids(&res), res.body["next"].clone()), (vec![], json!("")), "{query}");
    }
}

#[tokio::test]
async fn bad_numbers_are_400() {
    let api = Api::new().await;
    let (_, auth) = api.user("ada").await;
    for query in [
        "size=-1",
        "page=-1",
        "postid_lte=-5",
        "size=ten",
        "page=1.5",
        "size=",
        "size=99999999999999999999",
        "size=4611686018427387904&page=4",
    ] {
        let res = api.get(&format!("/api/v1/posts/?{query}"), &auth).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{query}: {}", res.body);
    }
    for path in ["/api/v1/posts/abc/", "/api/v1/posts/-1/", "/api/v1/posts/0x10/"] {
        assert_eq!(api.get(path, &auth).await.status, StatusCode::BAD_REQUEST, "{path}");
    }
    for path in ["/api/v1/likes/", "/api/v1/likes/?postid=x", "/api/v1/comments/?postid=-3"] {
        let res = api.post(path, &auth, Some(json!({"text": "hi"}))).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{path}");
    }
    assert_eq!(api.delete("/api/v1/likes/one/", &auth).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_post_in_detail() {
    let api = Api::new().await;
    let (ada, ada_auth) = api.user("ada").await;
    let (_bob, bob_auth) = api.user("bob").await;
    let files = [
        ("a.gif", crate::helpers::fixture("animated.gif")),
        ("b.png", crate::helpers::fixture("transparent.png")),
    ];
    let res = api.app.upload(&ada, &files, "Two #photos", &["first one", "second one"]).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.json::<Value>().await.unwrap()["postid"].as_i64().unwrap();
    let c1 =
        api.post(&format!("/api/v1/comments/?postid={id}"), &bob_auth, Some(json!({"text": "nice"}))).await;
    let c2 =
        api.post(&format!("/api/v1/comments/?postid={id}"), &ada_auth, Some(json!({"text": "thanks"}))).await;
    let like = api.post(&format!("/api/v1/likes/?postid={id}"), &bob_auth, None).await;

    let post = api.get(&format!("/api/v1/posts/{id}/"), &bob_auth).await;
    assert_eq!(post.status, StatusCode::OK);
    let p = &post.body;
    assert_eq!(p["postid"], id);
    assert_eq!(p["url"], format!("/api/v1/posts/{id}/"));
    assert_eq!(p["postShowUrl"], format!("/posts/{id}/"));
    assert_eq!(p["owner"], "ada");
    assert_eq!(p["ownerShowUrl"], "/users/ada/");
    assert_eq!(p["ownerImgUrl"], Value::Null, "ada has no profile photo");
    assert_eq!(p["caption"], "Two #photos");
    let created = p["created"].as_str().unwrap();
    assert!(
        created.len() == 19 && created.as_bytes()[10] == b' ' && created.as_bytes()[4] == b'-',
        "YYYY-MM-DD HH:MM:SS: {created}"
    );
    assert_eq!(p["images"].as_array().unwrap().len(), 2);
    assert_eq!(p["images"][1]["alt"], "second one");
    assert_eq!(p["imgUrl"], p["images"][0]["url"]);
    assert!(p["images"][0]["thumbUrl"].as_str().unwrap().starts_with("/uploads/"));
    assert_eq!(p["comments_url"], format!("/api/v1/comments/?postid={id}"));
    assert_eq!(
        p["comments"],
        json!([c1.body, {
            "commentid": c2.body["commentid"], "owner": "ada", "ownerShowUrl": "/users/ada/",
            "text": "thanks", "lognameOwnsThis": false, "url": c2.body["url"],
        }]),
        "oldest first; lognameOwnsThis from the caller's side"
    );
    assert_eq!(p["likes"], json!({"numLikes": 1, "lognameLikesThis": true, "url": like.body["url"]}));

    let seen_by_ada = api.get(&format!("/api/v1/posts/{id}/"), &ada_auth).await;
    assert_eq!(seen_by_ada.body["likes"], json!({"numLikes": 1, "lognameLikesThis": false, "url": null}));
    assert_eq!(seen_by_ada.body["comments"][0]["lognameOwnsThis"], false);
    assert_eq!(seen_by_ada.body["comments"][1]["lognameOwnsThis"], true);

    assert_eq!(api.get("/api/v1/posts/999999/", &ada_auth).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn likes_are_201_then_200_and_only_their_author_removes_them() {
    let api = Api::new().await;
    let (ada, ada_auth) = api.user("ada").await;
    let (_bob, bob_auth) = api.user("bob").await;
    let id = api.post_photo(&ada, "like me").await;
    let path = format!("/api/v1/likes/?postid={id}");

    let first = api.post(&path, &bob_auth, None).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let likeid = first.body["likeid"].as_i64().unwrap();
    assert_eq!(first.body["url"], format!("/api/v1/likes/{likeid}/"));
    let again = api.post(&path, &bob_auth, None).await;
    assert_eq!((again.status, again.body.clone()), (StatusCode::OK, first.body.clone()), "the same like");

    let like_url = format!("/api/v1/likes/{likeid}/");
    assert_eq!(api.delete(&like_url, &ada_auth).await.status, StatusCode::FORBIDDEN, "someone else's like");
    assert_eq!(api.get(&format!("/api/v1/posts/{id}/"), &ada_auth).await.body["likes"]["numLikes"], 1);
    assert_eq!(api.delete(&like_url, &bob_auth).await.status, StatusCode::NO_CONTENT);
    assert_eq!(api.delete(&like_url, &bob_auth).await.status, StatusCode::NOT_FOUND, "gone");

    // Ids are never reused: liking again makes a new, larger id.
    let third = api.post(&path, &bob_auth, None).await;
    assert_eq!(third.status, StatusCode::CREATED);
    assert!(third.body["likeid"].as_i64().unwrap() > likeid);

    assert_eq!(api.post("/api/v1/likes/?postid=999999", &bob_auth, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(api.delete("/api/v1/likes/999999/", &bob_auth).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn comments_are_created_and_deleted_by_their_author_or_the_posts_owner() {
    let api = Api::new().await;
    let (ada, ada_auth) = api.user("ada").await;
    let (_bob, bob_auth) = api.user("bob").await;
    let (_eve, eve_auth) = api.user("eve").await;
    let id = api.post_photo(&ada, "say something").await;
    let path = format!("/api/v1/comments/?postid={id}");

    let res = api.post(&path, &bob_auth, Some(json!({"text": "  hello  "}))).await;
    assert_eq!(res.status, StatusCode::CREATED);
    let commentid = res.body["commentid"].as_i64().unwrap();
    assert_eq!(
        res.body,
        json!({"commentid": commentid, "owner": "bob", "ownerShowUrl": "/users/bob/", "text": "hello",
               "lognameOwnsThis": true, "url": format!("/api/v1/comments/{commentid}/")})
    );
    for body in [json!({"text": ""}), json!({"text": "   "}), json!({}), json!({"text": 5}), json!("text")] {
        let res = api.post(&path, &bob_auth, Some(body.clone())).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{body}");
    }
    let res = api.post(&path, &bob_auth, Some(json!({"text": "x".repeat(1001)}))).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "over 1,000 characters");
    let res = api.post("/api/v1/comments/?postid=999999", &bob_auth, Some(json!({"text": "hi"}))).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);

    let url = format!("/api/v1/comments/{commentid}/");
    assert_eq!(api.delete(&url, &eve_auth).await.status, StatusCode::FORBIDDEN, "someone else's comment");
    assert_eq!(api.delete(&url, &bob_auth).await.status, StatusCode::NO_CONTENT);
    assert_eq!(api.delete(&url, &bob_auth).await.status, StatusCode::NOT_FOUND);

    // The post's owner may delete comments on it too.
    let res = api.post(&path, &eve_auth, Some(json!({"text": "spam"}))).await;
    let url = res.body["url"].as_str().unwrap().to_owned();
    assert_eq!(api.delete(&url, &ada_auth).await.status, StatusCode::NO_CONTENT);
    assert_eq!(api.get(&format!("/api/v1/posts/{id}/"), &ada_auth).await.body["comments"], json!([]));
}

#[tokio::test]
async fn every_failure_is_a_json_error() {
    let api = Api::new().await;
    let (ada, auth) = api.user("ada").await;
    let id = api.post_photo(&ada, "p").await;
    // Wrong methods.
    assert_eq!(api.get("/api/v1/likes/", &auth).await.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(api.post("/api/v1/posts/", &auth, None).await.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        api.delete(&format!("/api/v1/posts/{id}/"), &auth).await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
    // Unknown addresses, with or without the trailing slash.
    for path in ["/api/v1/nothing/", "/api/v1/posts/1/likes/", "/api/v1", &format!("/api/v1/posts/{id}")] {
        assert_eq!(api.get(path, &auth).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    // Bodies over the limit.
    let huge = json!({"text": "x".repeat(2 * 1024 * 1024)});
    let res = api.post(&format!("/api/v1/comments/?postid={id}"), &auth, Some(huge)).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    // A body that is not JSON at all.
    let res = api
        .app
        .client()
        .post(api.app.url(&format!("/api/v1/comments/?postid={id}")))
        .header(
            header::AUTHORIZATION,
            match &auth {
                Auth::Bearer(t) => format!("Bearer {t}"),
                _ => unreachable!(),
            },
        )
        .body("text=hello")
        .send()
        .await
        .unwrap();
    let res = api.check(&Method::POST, &format!("/api/v1/comments/?postid={id}"), res).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    // A query string that does not decode.
    assert_eq!(api.get("/api/v1/posts/?size=%FF", &auth).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn each_way_to_authenticate() {
    let api = Api::new().await;
    let ada = api.app.signed_up("ada").await;
    let id = api.post_photo(&ada, "mine").await;
    let (token_id, token) = api.token(&ada, "laptop").await;
    assert!(token.starts_with("shutter_pat_") && token.len() == 12 + 64, "{token}");
    let path = format!("/api/v1/posts/{id}/");

    assert_eq!(api.get(&path, &Auth::None).await.status, StatusCode::FORBIDDEN, "no credentials");
    assert_eq!(api.get("/api/v1/posts/", &Auth::None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(api.post("/api/v1/likes/?postid=1", &Auth::None, None).await.status, StatusCode::FORBIDDEN);

    let cookie = api.send(&ada, Method::GET, &path, &Auth::Cookie, None).await;
    assert_eq!(cookie.status, StatusCode::OK, "session cookie");
    let bearer = api.get(&path, &Auth::Bearer(token.clone())).await;
    assert_eq!(bearer.status, StatusCode::OK, "access token");
    let basic = Auth::Basic("ada".into(), PASSWORD.into());
    assert_eq!(api.get(&path, &basic).await.status, StatusCode::OK, "Basic");
    assert_eq!(api.get(&path, &basic).await.status, StatusCode::OK, "Basic, remembered");
    assert_eq!(api.get(&path, &Auth::Basic("ADA".into(), PASSWORD.into())).await.status, StatusCode::OK);

    for wrong in [
        Auth::Basic("ada".into(), "wrong password".into()),
        Auth::Basic("nobody".into(), PASSWORD.into()),
        Auth::Basic("".into(), "".into()),
        Auth::Bearer("shutter_pat_nope".into()),
        Auth::Bearer(format!(
            "{}{}",
            &token[..token.len() - 1],
            if token.ends_with('0') { '1' } else { '0' }
        )),
        Auth::Bearer(String::new()),
    ] {
        let name = match &wrong {
            Auth::Basic(user, password) => format!("Basic {user}:{password}"),
            Auth::Bearer(token) => format!("Bearer {token}"),
            _ => unreachable!(),
        };
        assert_eq!(api.get(&path, &wrong).await.status, StatusCode::FORBIDDEN, "{name}");
    }
    // Headers that are not Bearer or Basic, or not base64.
    for value in ["Token abc", "Basic !!!", "Basic YWRh", "Bearer"] {
        let res = api
            .app
            .client()
            .get(api.app.url(&path))
            .header(header::AUTHORIZATION, value)
            .send()
            .await
            .unwrap();
        assert_eq!(api.check(&Method::GET, &path, res).await.status, StatusCode::FORBIDDEN, "{value}");
    }
    // An Authorization header is judged alone, even beside a valid session cookie.
    let res = ada.get(api.app.url(&path)).bearer_auth("shutter_pat_revoked").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The settings page lists the token, with its last use; revoking it ends it at once.
    let tokens = api.tokens(&ada).await;
    assert_eq!(tokens["new_token"], Value::Null, "shown once only");
    let listed = &tokens["tokens"][0];
    assert_eq!((listed["id"].as_i64(), listed["name"].as_str()), (Some(token_id), Some("laptop")));
    assert!(listed["last_used_at"].is_string(), "used: {listed}");
    let res = api.app.call(&ada, "/api/fn/revoke_token", &[("id", &token_id.to_string())]).await;
    assert!(res.status().is_success() || res.status().is_redirection());
    assert_eq!(api.get(&path, &Auth::Bearer(token.clone())).await.status, StatusCode::FORBIDDEN, "revoked");
    assert_eq!(api.tokens(&ada).await["tokens"], json!([]));
}

#[tokio::test]
async fn tokens_are_personal_and_die_with_their_user() {
    let api = Api::new().await;
    let (ada, ada_auth) = api.user("ada").await;
    let (bob, _) = api.user("bob").await;
    let ada_token_id = api.tokens(&ada).await["tokens"][0]["id"].as_i64().unwrap();
    let res = api.app.call(&bob, "/api/fn/revoke_token", &[("id", &ada_token_id.to_string())]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "bob cannot revoke ada's token");
    assert_eq!(api.get("/api/v1/posts/", &ada_auth).await.status, StatusCode::OK);
    let res = api.app.call(&ada, "/api/fn/create_token", &[("name", "  ")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "a name is needed");
    let res = api.app.call(&api.app.client(), "/api/fn/create_token", &[("name", "x")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "visitors have no tokens");

    // Basic credentials, remembered after a first check, stop at a password change.
    let basic = Auth::Basic("ada".into(), PASSWORD.into());
    assert_eq!(api.get("/api/v1/posts/", &basic).await.status, StatusCode::OK);
    let res = api
        .app
        .call(
            &ada,
            "/api/fn/change_password",
            &[("old_password", PASSWORD), ("new_password", "another password")],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(api.get("/api/v1/posts/", &basic).await.status, StatusCode::FORBIDDEN, "old password");
    let basic = Auth::Basic("ada".into(), "another password".into());
    assert_eq!(api.get("/api/v1/posts/", &basic).await.status, StatusCode::OK);

    // Deleting the account ends its tokens and its Basic credentials at once.
    let res = api.app.call(&ada, "/api/fn/delete_account", &[("password", "another password")]).await;
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(api.get("/api/v1/posts/", &ada_auth).await.status, StatusCode::FORBIDDEN);
    assert_eq!(api.get("/api/v1/posts/", &basic).await.status, StatusCode::FORBIDDEN);
}

/// Tokens and Basic credentials are for scripts on the REST API: the site's server
/// functions, uploads and pages take the session cookie only, so a leaked token cannot
/// mint more tokens or reach the settings.
#[tokio::test]
async fn tokens_and_basic_credentials_do_not_open_the_site() {
    let api = Api::new().await;
    let (_ada, _) = api.user("ada").await;
    let (_, token) = api.token(&api.app.signed_up("bob").await, "bob's").await;
    let app = &api.app;
    let bearer = |req: RequestBuilder| req.bearer_auth(&token);
    let basic = |req: RequestBuilder| req.basic_auth("ada", Some(PASSWORD));
    for (name, with) in [("bearer", &bearer as &dyn Fn(RequestBuilder) -> RequestBuilder), ("basic", &basic)]
    {
        let visitor = app.client();
        for function in ["/api/fn/create_token", "/api/fn/tokens", "/api/fn/profile_settings"] {
            let req =
                visitor.post(app.url(function)).header(header::ORIGIN, &app.address).form(&[("name", "x")]);
            let res = with(req).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{name} {function}");
        }
        let res = with(visitor.post(app.url("/api/fn/current_user")).header(header::ORIGIN, &app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(res.json::<Value>().await.unwrap(), Value::Null, "{name}: a visitor");
        let req = visitor
            .post(app.url("/accounts/avatar/"))
            .header(header::ORIGIN, &app.address)
            .header(header::ACCEPT, "application/json")
            .multipart(reqwest::multipart::Form::new().text("avatar", "x"));
        assert_eq!(with(req).send().await.unwrap().status(), StatusCode::FORBIDDEN, "{name} upload");
        let res = with(visitor.get(app.url("/accounts/tokens/"))).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FOUND, "{name}: the page sends a visitor to sign in");
    }
}

#[tokio::test]
async fn cross_site_requests_with_the_cookie_are_refused() {
    let api = Api::new().await;
    let ada = api.app.signed_up("ada").await;
    let id = api.post_photo(&ada, "p").await;
    let path = format!("/api/v1/likes/?postid={id}");
    let res =
        ada.post(api.app.url(&path)).header(header::ORIGIN, "https://evil.example").send().await.unwrap();
    assert_eq!(api.check(&Method::POST, &path, res).await.status, StatusCode::FORBIDDEN);
    let res = ada.post(api.app.url(&path)).header(header::ORIGIN, &api.app.address).send().await.unwrap();
    assert_eq!(api.check(&Method::POST, &path, res).await.status, StatusCode::CREATED, "same origin");
}

#[tokio::test]
async fn the_tokens_page_is_a_settings_page() {
    let api = Api::new().await;
    let res = api.app.client().get(api.app.url("/accounts/tokens/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND, "visitors are sent to sign in");
    let ada = api.app.signed_up("ada").await;
    let res = api.app.call(&ada, "/api/fn/create_token", &[("name", "backup <script>")]).await;
    let location = res.headers()[header::LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with("/accounts/tokens/?created="), "{location}");
    let page = ada.get(api.app.url(&location)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Access tokens"));
    assert!(html.contains("shutter_pat_"), "the new token is shown");
    assert!(html.contains("backup &lt;script&gt;"), "names are escaped");
    let again = ada.get(api.app.url(&location)).send().await.unwrap().text().await.unwrap();
    assert!(!again.contains("shutter_pat_"), "but only once");
    assert!(again.contains("backup &lt;script&gt;"), "and stays listed");
    let edit = ada.get(api.app.url("/accounts/edit/")).send().await.unwrap().text().await.unwrap();
    assert!(edit.contains("href=\"/accounts/tokens/\""), "linked from the settings pages");
}

#[tokio::test]
async fn wrong_basic_passwords_are_throttled_like_sign_ins() {
    let api = Api::new().await;
    api.app.signed_up("ada").await;
    let wrong = Auth::Basic("ada".into(), "not the password".into());
    for _ in 0..5 {
        assert_eq!(api.get("/api/v1/posts/", &wrong).await.status, StatusCode::FORBIDDEN);
    }
    let res = api
        .app
        .client()
        .get(api.app.url("/api/v1/posts/"))
        .basic_auth("ada", Some("again wrong"))
        .send()
        .await
        .unwrap();
    assert!(res.headers().contains_key(header::RETRY_AFTER));
    let res = api.check(&Method::GET, "/api/v1/posts/", res).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn concurrent_likes_make_one_like() {
    let api = Api::new().await;
    let (ada, auth) = api.user("ada").await;
    let id = api.post_photo(&ada, "p").await;
    let path = format!("/api/v1/likes/?postid={id}");
    let answers = futures::future::join_all((0..8).map(|_| api.post(&path, &auth, None))).await;
    let created = answers.iter().filter(|a| a.status == StatusCode::CREATED).count();
    assert_eq!(created, 1, "one 201, the others 200");
    assert!(answers.iter().all(|a| a.body["likeid"] == answers[0].body["likeid"]), "one like id");
    assert_eq!(api.get(&format!("/api/v1/posts/{id}/"), &auth).await.body["likes"]["numLikes"], 1);
}
