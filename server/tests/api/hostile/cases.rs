//! The case table, grouped by what is attacked. Each function adds rows; `all` runs
//! them in order (the writes that plant hostile text come just before the pages that
//! must echo it escaped).

use super::{
    Body, Case, Expect, Who, World, call, call_raw, get, http, json, multipart, raw, rest, tiny_jpeg,
};
use crate::helpers::{PASSWORD, fixture};
use reqwest::Method;

use Who::{Alice, Bob, Visitor};

/// Form fields, as (name, value).
type Form<'a> = &'a [(&'a str, &'a str)];

/// Every server function: endpoint, whether it needs a signed-in person, a valid form.
const SERVER_FUNCTIONS: &[(&str, bool, Form)] = &[
    ("current_user", false, &[]),
    (
        "sign_up",
        false,
        &[("username", "newcomer"), ("full_name", "N"), ("email", "n@example.com"), ("password", PASSWORD)],
    ),
    ("sign_in", false, &[("username", "alice"), ("password", PASSWORD)]),
    ("profile_settings", true, &[]),
    ("update_profile", true, &[("full_name", "A"), ("email", "a@example.com"), ("bio", "")]),
    ("change_password", true, &[("old_password", PASSWORD), ("new_password", "another long password")]),
    ("delete_account", true, &[("password", PASSWORD)]),
    ("unread_notifications", false, &[]),
    ("notifications", true, &[]),
    ("post", false, &[("id", "1")]),
    ("update_post", true, &[("id", "1"), ("caption", "x")]),
    ("delete_post", true, &[("id", "1")]),
    ("profile", false, &[("username", "alice")]),
    ("profile_grid", false, &[("username", "alice")]),
    ("tag_grid", false, &[("tag", "sunset")]),
    ("follow", true, &[("username", "bob")]),
    ("unfollow", true, &[("username", "bob")]),
    ("feed", true, &[]),
    ("like", true, &[("post", "1"), ("liked", "true")]),
    ("add_comment", true, &[("post", "1"), ("text", "hi")]),
    ("delete_comment", true, &[("id", "1")]),
    ("people", false, &[("username", "alice"), ("list", "followers")]),
    ("explore", true, &[]),
    ("tokens", true, &[]),
    ("create_token", true, &[("name", "x")]),
    ("revoke_token", true, &[("id", "1")]),
];

/// Text that tries to leave the element or attribute it is written into; the second
/// item is a piece of it that shows it was echoed (escaped or not).
const PAYLOADS: &[(&str, &str, &str)] = &[
    ("title", "</title><meta http-equiv=refresh content=0;url=//e.example>", "e.example"),
    ("textarea", "</textarea><x y=1>", "y=1"),
    ("attribute", "\"><x y=1>", "y=1"),
    ("attribute-handler", "\" onfocus=alert(1) autofocus x=\"", "alert(1)"),
    ("script", "</script><x y=1><!--", "y=1"),
    ("img", "<img src=x onerror=alert(1)>", "alert(1)"),
];

pub fn all(w: &World) -> Vec<Case> {
    let mut cases = Vec::new();
    server_functions(&mut cases);
    wrong_types(&mut cases, w);
    control_and_invisible_characters(&mut cases, w);
    sql(&mut cases);
    idor(&mut cases, w);
    pages(&mut cases, w);
    hostile_paths(&mut cases);
    header_injection(&mut cases);
    method_confusion(&mut cases, w);
    rest_api(&mut cases, w);
    uploads(&mut cases);
    echoed_escaped(&mut cases, w);
    cases
}

/// Each server function: as a visitor (if it needs a person), from another site, with
/// GET, with a body that is not UTF-8, with a JSON body.
fn server_functions(cases: &mut Vec<Case>) {
    for (endpoint, needs_user, form) in SERVER_FUNCTIONS {
        // Signing up or in renews the session: a visitor tries those, so that a wrongly
        // accepted one cannot end Alice's session.
        let who = if matches!(*endpoint, "sign_up" | "sign_in") { Visitor } else { Alice };
        if *needs_user {
            cases.push(
                call(format!("{endpoint} as a visitor"), Visitor, endpoint, form).expect(Expect::Status(403)),
            );
        }
        cases.push(
            call(format!("{endpoint} from another site"), who, endpoint, form)
                .header("origin", "https://evil.example")
                .expect(Expect::Status(403)),
        );
        cases.push(
            http(
                format!("{endpoint} with GET"),
                who,
                Method::GET,
                format!("/api/fn/{endpoint}"),
                Body::Empty,
            )
            .expect(Expect::Status(405)),
        );
        // Functions without arguments may ignore a body; the others must refuse it.
        let want = if form.is_empty() { Expect::NoServerError } else { Expect::Status(400) };
        cases.push(
            call_raw(
                format!("{endpoint} with a body that is not UTF-8"),
                who,
                endpoint,
                b"username=\xff\xfe&id=\xc3",
            )
            .expect(want),
        );
    }
    cases.push(
        http("logout from another site", Alice, Method::POST, "/accounts/logout/", Body::Empty)
            .header("origin", "null")
            .expect(Expect::Status(403)),
    );
    for endpoint in ["like", "add_comment", "delete_post", "create_token", "update_profile", "follow"] {
        cases.push(
            call(format!("{endpoint} marked cross-site by the browser"), Alice, endpoint, &[])
                .header("origin", "{origin}")
                .header("sec-fetch-site", "cross-site")
                .expect(Expect::Status(403)),
        );
        cases.push(
            call(format!("{endpoint} with only a foreign Referer"), Alice, endpoint, &[])
                .header("referer", "https://evil.example/page")
                .expect(Expect::Status(403)),
        );
    }
    for endpoint in ["add_comment", "update_profile", "sign_in", "create_token"] {
        cases.push(
            http(
                format!("{endpoint} with a JSON body"),
                Alice,
                Method::POST,
                format!("/api/fn/{endpoint}"),
                json("[1,2]"),
            )
            .expect(Expect::Refused),
        );
    }
    let huge = "x".repeat(2 * 1024 * 1024);
    for (endpoint, field) in [
        ("add_comment", "text"),
        ("update_profile", "bio"),
        ("create_token", "name"),
        ("sign_in", "username"),
        ("update_post", "caption"),
    ] {
        cases.push(
            call(format!("{endpoint} with a 2 MiB {field}"), Alice, endpoint, &[(field, &huge)])
                .expect(Expect::Status(413)),
        );
    }
    // Chunked bodies without Content-Length: over the limit, and with a broken chunk size.
    let chunk = "x".repeat(64 * 1024);
    let mut over = Vec::new();
    for _ in 0..20 {
        over.extend_from_slice(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes());
    }
    over.extend_from_slice(b"0\r\n\r\n");
    for endpoint in ["add_comment", "update_profile"] {
        let head = format!(
            "POST /api/fn/{endpoint} HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Transfer-Encoding: chunked\r\nOrigin: {{origin}}"
        );
        cases.push(
            raw(format!("{endpoint} with a chunked body over 1 MiB"), Alice, head.as_bytes(), &over)
                .expect(Expect::Status(413)),
        );
        cases.push(raw(
            format!("{endpoint} with a broken chunk size"),
            Alice,
            head.as_bytes(),
            b"zz\r\ntext=hi\r\n0\r\n\r\n",
        ));
    }
}

/// Fields of the wrong type, missing, out of range, or percent-encoded invalid UTF-8.
fn wrong_types(cases: &mut Vec<Case>, w: &World) {
    let p1 = w.p1.to_string();
    let rows: &[(&str, &str, Form)] = &[
        ("post id that is a word", "post", &[("id", "abc")]),
        ("post id with a fraction", "post", &[("id", "1.5")]),
        ("post id past i64", "post", &[("id", "99999999999999999999")]),
        ("post id empty", "post", &[("id", "")]),
        ("post without id", "post", &[]),
        ("update_post id that is a word", "update_post", &[("id", "abc"), ("caption", "x")]),
        ("update_post without caption", "update_post", &[("id", "1")]),
        ("delete_post negative id", "delete_post", &[("id", "-1")]),
        ("delete_post missing post", "delete_post", &[("id", "999999")]),
        ("like post that is a word", "like", &[("post", "abc"), ("liked", "true")]),
        ("like liked=maybe", "like", &[("post", "1"), ("liked", "maybe")]),
        ("like without liked", "like", &[("post", "1")]),
        ("like a missing post", "like", &[("post", "999999"), ("liked", "true")]),
        ("add_comment post that is a word", "add_comment", &[("post", "abc"), ("text", "hi")]),
        ("add_comment without text", "add_comment", &[("post", "1")]),
        ("add_comment on a missing post", "add_comment", &[("post", "999999"), ("text", "hi")]),
        ("add_comment of spaces only", "add_comment", &[("post", "1"), ("text", "  \n ")]),
        ("delete_comment id that is a word", "delete_comment", &[("id", "abc")]),
        ("delete_comment missing", "delete_comment", &[("id", "999999")]),
        ("notifications before a word", "notifications", &[("before", "abc")]),
        ("feed before a word", "feed", &[("before", "abc")]),
        ("profile_grid before 1e5", "profile_grid", &[("username", "alice"), ("before", "1e5")]),
        ("tag_grid before a word", "tag_grid", &[("tag", "sunset"), ("before", "x")]),
        ("people of an unknown list", "people", &[("username", "alice"), ("list", "everyone")]),
        (
            "people after a bogus cursor",
            "people",
            &[("username", "alice"), ("list", "followers"), ("after", "' OR 1=1 --")],
        ),
        ("revoke_token id that is a word", "revoke_token", &[("id", "abc")]),
        ("revoke_token missing", "revoke_token", &[("id", "999999")]),
        ("follow yourself", "follow", &[("username", "alice")]),
        ("follow nobody", "follow", &[("username", "")]),
        ("unfollow someone missing", "unfollow", &[("username", "nobody.here")]),
        (
            "sign_up without password",
            "sign_up",
            &[("username", "someone"), ("full_name", "S"), ("email", "s@example.com")],
        ),
        (
            "sign_up with a taken name",
            "sign_up",
            &[("username", "ALICE"), ("full_name", "S"), ("email", "s@example.com"), ("password", PASSWORD)],
        ),
        (
            "sign_up with a reserved name",
            "sign_up",
            &[
                ("username", "accounts"),
                ("full_name", "S"),
                ("email", "s@example.com"),
                ("password", PASSWORD),
            ],
        ),
        (
            "sign_up with a 7-character password",
            "sign_up",
            &[
                ("username", "someone"),
                ("full_name", "S"),
                ("email", "s@example.com"),
                ("password", "1234567"),
            ],
        ),
        (
            "sign_up with a 31-character name",
            "sign_up",
            &[
                ("username", "abcdefghijabcdefghijabcdefghija"),
                ("full_name", "S"),
                ("email", "s@example.com"),
                ("password", PASSWORD),
            ],
        ),
        (
            "sign_up with a bad email",
            "sign_up",
            &[("username", "someone"), ("full_name", "S"), ("email", "not an email"), ("password", PASSWORD)],
        ),
        (
            "update_profile with a 151-character bio",
            "update_profile",
            &[("full_name", "A"), ("email", "a@example.com"), ("bio", &"b".repeat(151))],
        ),
        (
            "update_profile with a 61-character name",
            "update_profile",
            &[("full_name", &"n".repeat(61)), ("email", "a@example.com"), ("bio", "")],
        ),
        (
            "change_password with a wrong old one",
            "change_password",
            &[("old_password", "wrong password"), ("new_password", "another long password")],
        ),
        (
            "change_password to 257 characters",
            "change_password",
            &[("old_password", PASSWORD), ("new_password", &"p".repeat(257))],
        ),
        ("delete_account with a wrong password", "delete_account", &[("password", "wrong password")]),
        ("create_token with a 61-character name", "create_token", &[("name", &"t".repeat(61))]),
        ("create_token with an empty name", "create_token", &[("name", " ")]),
    ];
    for (name, endpoint, form) in rows {
        let form: Vec<(&str, &str)> =
            form.iter().map(|(k, v)| (*k, if *v == "1" { p1.as_str() } else { *v })).collect();
        cases.push(call(*name, Alice, endpoint, &form));
    }
    cases.push(call(
        "update_post caption of 2,201 characters",
        Alice,
        "update_post",
        &[("id", &p1), ("caption", &"c".repeat(2201))],
    ));
    cases.push(call(
        "update_post alt of 501 characters",
        Alice,
        "update_post",
        &[("id", &p1), ("caption", "x"), ("alt[0]", &"a".repeat(501))],
    ));
    let search = get("search with GET and full=maybe", Visitor, "/api/fn/search?q=a&full=maybe");
    cases.push(search);
    // `%FF%FE` decodes to bytes that are not UTF-8: refused, never stored as U+FFFD.
    let p2 = w.p2.to_string();
    let percent: &[(&str, String)] = &[
        (
            "sign_up",
            "username=someone&full_name=%FF%FE&email=s%40example.com&password=correct+horse+battery".into(),
        ),
        ("update_profile", "full_name=%FF%FEname&email=a%40example.com&bio=".into()),
        ("update_profile", "full_name=A&email=a%40example.com&bio=%C3%28bio".into()),
        ("add_comment", format!("post={p2}&text=%FF%FEhello")),
        ("update_post", format!("id={p1}&caption=%E2%82caption")),
        ("create_token", "name=%FFtoken".into()),
        ("follow", "username=b%FFob".into()),
        ("sign_in", "username=%FFalice&password=x".into()),
    ];
    for (i, (endpoint, body)) in percent.iter().enumerate() {
        let who = if matches!(*endpoint, "sign_up" | "sign_in") { Visitor } else { Alice };
        cases.push(call_raw(
            format!("{endpoint} with percent-encoded invalid UTF-8 ({i})"),
            who,
            endpoint,
            body.as_bytes(),
        ));
    }
}

/// NUL, ESC, BEL, DEL, C1 controls and bidi/zero-width characters where a name or a
/// line of text is expected. Multi-line fields keep `\n` but nothing else below U+0020.
fn control_and_invisible_characters(cases: &mut Vec<Case>, w: &World) {
    let p1 = w.p1.to_string();
    let p2 = w.p2.to_string();
    for (label, c) in
        [("NUL", "\u{0}"), ("ESC", "\u{1b}"), ("BEL", "\u{7}"), ("DEL", "\u{7f}"), ("NEL", "\u{85}")]
    {
        let bad = format!("a{c}b");
        cases.push(call(
            format!("full name with {label}"),
            Alice,
            "update_profile",
            &[("full_name", &bad), ("email", "a@example.com"), ("bio", "")],
        ));
        cases.push(call(
            format!("bio with {label}"),
            Alice,
            "update_profile",
            &[("full_name", "A"), ("email", "a@example.com"), ("bio", &bad)],
        ));
        cases.push(call(
            format!("comment with {label}"),
            Alice,
            "add_comment",
            &[("post", &p2), ("text", &bad)],
        ));
        cases.push(call(
            format!("caption with {label}"),
            Alice,
            "update_post",
            &[("id", &p1), ("caption", &bad)],
        ));
        // NEL is also Unicode whitespace, which alt text folds into a space.
        if label != "NEL" {
            cases.push(call(
                format!("alt text with {label}"),
                Alice,
                "update_post",
                &[("id", &p1), ("caption", "x"), ("alt[0]", &bad)],
            ));
        }
        cases.push(call(format!("token name with {label}"), Alice, "create_token", &[("name", &bad)]));
    }
    for (label, name) in [
        ("a zero-width space", "ali\u{200b}ce"),
        ("a right-to-left override", "\u{202e}ecila"),
        ("a zero-width joiner", "b\u{200d}ob"),
        ("a BOM", "\u{feff}carol"),
        ("a fullwidth letter", "ａlice"),
        ("a Cyrillic a", "\u{430}lice"),
    ] {
        cases.push(call(
            format!("sign_up username with {label}"),
            Visitor,
            "sign_up",
            &[("username", name), ("full_name", "S"), ("email", "s@example.com"), ("password", PASSWORD)],
        ));
    }
    cases.push(call(
        "sign_up email with CRLF and a Bcc",
        Visitor,
        "sign_up",
        &[
            ("username", "someone"),
            ("full_name", "S"),
            ("email", "s@example.com\r\nBcc: all@example.com"),
            ("password", PASSWORD),
        ],
    ));
    cases.push(call(
        "update_profile email with CRLF",
        Alice,
        "update_profile",
        &[("full_name", "A"), ("email", "a@example.com\r\nBcc: all@example.com"), ("bio", "")],
    ));
}

/// SQL in every field that reaches a query: refused or harmless, never everything.
fn sql(cases: &mut Vec<Case>) {
    let injections =
        ["' OR '1'='1", "alice' --", "\"; DROP TABLE users; --", "1 UNION SELECT password_hash FROM users"];
    for (i, s) in injections.iter().enumerate() {
        cases.push(
            call(format!("sign_in with SQL {i}"), Visitor, "sign_in", &[("username", s), ("password", s)])
                .lacks("password_hash"),
        );
        cases.push(
            call(format!("profile of SQL {i}"), Visitor, "profile", &[("username", s)])
                .expect(Expect::Status(404)),
        );
        cases.push(call(format!("follow SQL {i}"), Bob, "follow", &[("username", s)]));
        cases.push(
            call(format!("tag_grid of SQL {i}"), Visitor, "tag_grid", &[("tag", s)])
                .expect(Expect::NoServerError)
                .lacks("alice's first"),
        );
        cases.push(
            get(
                format!("search for SQL {i}"),
                Visitor,
                format!("/api/fn/search?q={}&full=true", urlencode(s)),
            )
            .expect(Expect::NoServerError)
            .lacks("\"bob\""),
        );
    }
    // LIKE wildcards are the person's text, not patterns.
    for q in ["%", "_", "%25", "b%"] {
        cases.push(
            get(
                format!("search for the wildcard {q}"),
                Visitor,
                format!("/api/fn/search?q={}&full=true", urlencode(q)),
            )
            .expect(Expect::NoServerError)
            .lacks("\"bob\""),
        );
    }
}

/// Bob acting on Alice's things, and a visitor on anyone's.
fn idor(cases: &mut Vec<Case>, w: &World) {
    let (p1, ca, la, ta) = (w.p1.to_string(), w.ca.to_string(), w.la.to_string(), w.ta.to_string());
    cases.push(call("Bob deletes Alice's post", Bob, "delete_post", &[("id", &p1)]));
    cases.push(call(
        "Bob edits Alice's caption",
        Bob,
        "update_post",
        &[("id", &p1), ("caption", "mine now")],
    ));
    cases.push(call("Bob deletes Alice's comment on her post", Bob, "delete_comment", &[("id", &ca)]));
    cases.push(call("Bob revokes Alice's token", Bob, "revoke_token", &[("id", &ta)]));
    cases.push(
        call("a visitor deletes Alice's post", Visitor, "delete_post", &[("id", &p1)])
            .expect(Expect::Status(403)),
    );
    cases.push(
        call("Bob opens Alice's new-token reveal", Bob, "tokens", &[("created", &w.alice_reveal_key)])
            .expect(Expect::NoServerError)
            .lacks("alice-unseen-token")
            .lacks("shutter_"),
    );
    cases.push(
        call("Bob's settings are his own", Bob, "profile_settings", &[])
            .expect(Expect::Status(200))
            .lacks(&w.alice.email)
            .contains(&w.bob.email),
    );
    cases.push(
        call("Bob's tokens are his own", Bob, "tokens", &[])
            .expect(Expect::Status(200))
            .lacks("alice-unseen-token"),
    );
    cases.push(
        rest(
            "Bob deletes Alice's like over REST",
            Bob,
            Method::DELETE,
            format!("/api/v1/likes/{la}/"),
            Body::Empty,
        )
        .expect(Expect::Status(403)),
    );
    cases.push(
        rest(
            "Bob deletes Alice's comment over REST",
            Bob,
            Method::DELETE,
            format!("/api/v1/comments/{ca}/"),
            Body::Empty,
        )
        .expect(Expect::Status(403)),
    );
    cases.push(
        rest(
            "Bob deletes Alice's like with Basic auth",
            Bob,
            Method::DELETE,
            format!("/api/v1/likes/{la}/"),
            Body::Empty,
        )
        .header("authorization", format!("Basic {}", base64("bob", PASSWORD)))
        .expect(Expect::Status(403)),
    );
    cases.push(
        rest(
            "a visitor deletes Alice's like",
            Visitor,
            Method::DELETE,
            format!("/api/v1/likes/{la}/"),
            Body::Empty,
        )
        .expect(Expect::Status(403)),
    );
    cases.push(
        get("Bob reads Alice's edit page", Bob, "/accounts/edit/")
            .expect(Expect::Status(200))
            .lacks(&w.alice.email),
    );
}

/// Every page, as each person, with a hostile query string.
fn pages(cases: &mut Vec<Case>, w: &World) {
    let p1 = w.p1;
    let paths = [
        "/".to_owned(),
        "/accounts/login/".into(),
        "/accounts/create/".into(),
        "/accounts/edit/".into(),
        "/accounts/password/".into(),
        "/accounts/delete/".into(),
        "/accounts/tokens/".into(),
        "/posts/new/".into(),
        format!("/posts/{p1}/"),
        "/users/alice/".into(),
        "/users/alice/followers/".into(),
        "/users/alice/following/".into(),
        "/explore/".into(),
        "/tags/sunset/".into(),
        "/notifications/".into(),
        "/search/".into(),
    ];
    let query = "?next=%22%3E%3Cx%20y%3D1%3E&q=%3C%2Ftitle%3E%3Cx%20y%3D1%3E&before=%27%20OR%201%3D1&created=%3Cx%20y%3D1%3E&saved=%3Cx%3E";
    for path in &paths {
        for who in [Alice, Bob, Visitor] {
            cases.push(
                get(format!("page {path} with a hostile query"), who, format!("{path}{query}"))
                    .expect(Expect::NoServerError),
            );
        }
    }
}

/// Path segments that are too long, not UTF-8, or try to climb out of a folder; and the
/// trailing-slash redirect asked to point elsewhere.
fn hostile_paths(cases: &mut Vec<Case>) {
    let long = "x".repeat(5000);
    let digits = "9".repeat(5000);
    for (name, path) in [
        ("a 5,000-character username", format!("/users/{long}/")),
        ("a 5,000-digit post id", format!("/posts/{digits}/")),
        ("a 5,000-character tag", format!("/tags/{long}/")),
        ("a 5,000-character media name", format!("/uploads/{long}")),
        ("a 5,000-character followers list", format!("/users/{long}/followers/")),
        ("a post id past i64", "/posts/99999999999999999999/".into()),
        ("a negative post id", "/posts/-1/".into()),
        ("a post id that is a word", "/posts/abc/".into()),
        ("a hexadecimal post id", "/posts/0x10/".into()),
        ("a username with SQL", "/users/alice'%20OR%20'1'='1/".into()),
        ("a username with NUL", "/users/%00/".into()),
        ("a tag with NUL", "/tags/%00/".into()),
        ("a username of invalid UTF-8", "/users/%FF%FE/".into()),
        ("a tag of invalid UTF-8", "/tags/%C3%28/".into()),
        ("an upload climbing out", "/uploads/..%2Fshutter.db".into()),
        ("an upload climbing out, encoded twice", "/uploads/%252e%252e%252fshutter.db".into()),
        ("the database by name", "/uploads/shutter.db".into()),
        ("a package file climbing out", "/pkg/..%2F..%2FCargo.toml".into()),
    ] {
        cases.push(
            get(format!("path: {name}"), Visitor, path)
                .expect(Expect::Refused)
                .lacks("SQLite format")
                .lacks("[workspace]")
                .lacks("root:"),
        );
    }
    for (name, path) in [
        ("//evil", "//evil"),
        ("///evil", "///evil"),
        ("//evil%2Eexample", "//evil%2Eexample"),
        ("//evil.example/x", "//evil.example/x"),
        ("/%2F/evil.example", "/%2F/evil.example"),
        ("//evil.example/users?x", "//evil.example/users?next=/"),
    ] {
        cases.push(
            get(format!("trailing-slash redirect of {name}"), Visitor, path).expect(Expect::NoServerError),
        );
    }
    // A page address gets its slash (308 to the same site), the file is never served.
    cases.push(
        get("path: /etc/passwd by dots", Visitor, "/%2e%2e/%2e%2e/%2e%2e/etc/passwd")
            .expect(Expect::NoServerError)
            .lacks("root:"),
    );
    cases.push(
        get("path: /etc/passwd by dots, with the slash", Visitor, "/%2e%2e/%2e%2e/%2e%2e/etc/passwd/")
            .expect(Expect::Refused)
            .lacks("root:"),
    );
    for (name, head) in [
        ("a raw path of invalid UTF-8", b"GET /users/\xff\xfe/ HTTP/1.1".to_vec()),
        ("a raw tag of invalid UTF-8", b"GET /tags/\xc3\x28/ HTTP/1.1".to_vec()),
        ("a raw ../ out of uploads", b"GET /uploads/../shutter.db HTTP/1.1".to_vec()),
        ("a raw ../ to /etc/passwd", b"GET /../../../etc/passwd HTTP/1.1".to_vec()),
        ("a raw backslash redirect", b"GET /\\evil.example HTTP/1.1".to_vec()),
        ("a raw absolute URI of another host", b"GET http://evil.example/users/alice HTTP/1.1".to_vec()),
    ] {
        cases.push(
            raw(format!("path: {name}"), Visitor, &head, b"")
                .expect(Expect::NoServerError)
                .lacks("SQLite format")
                .lacks("root:"),
        );
    }
}

/// CR/LF in values that reach headers: `next` after signing in, the redirect of a path.
fn header_injection(cases: &mut Vec<Case>) {
    for (i, next) in [
        "/\r\nX-Injected: 1",
        "/\r\nSet-Cookie: evil=1",
        "/%0d%0aX-Injected:%201",
        "/x\nX-Injected: 1",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "\r\n//evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
    ]
    .iter()
    .enumerate()
    {
        // A visitor signing in as Alice (her own session stays untouched).
        cases.push(
            call(
                format!("sign_in with a hostile next ({i})"),
                Visitor,
                "sign_in",
                &[("username", "alice"), ("password", PASSWORD), ("next", next)],
            )
            .expect(Expect::Accepted),
        );
        cases.push(
            get(
                format!("login page with a hostile next ({i})"),
                Visitor,
                format!("/accounts/login/?next={}", urlencode(next)),
            )
            .expect(Expect::Status(200)),
        );
    }
    for (name, path) in [
        ("CRLF in a path to redirect", "/users/alice%0d%0aX-Injected:%201"),
        ("CRLF in a query to redirect", "/accounts/login?next=%0d%0aX-Injected:%201"),
        ("Set-Cookie in a path to redirect", "/users/alice%0d%0aSet-Cookie:%20evil=1"),
    ] {
        cases.push(get(format!("header injection: {name}"), Visitor, path).expect(Expect::NoServerError));
    }
    cases.push(
        raw(
            "a header folded over two lines",
            Alice,
            b"GET /api/v1/posts/ HTTP/1.1\r\nAuthorization: Bearer x\r\n X-Injected: 1",
            b"",
        )
        .expect(Expect::Refused),
    );
    cases.push(
        raw(
            "a header with a bare CR",
            Alice,
            b"GET /api/v1/posts/ HTTP/1.1\r\nX-Note: a\rX-Injected: 1",
            b"",
        )
        .expect(Expect::Refused),
    );
}

/// Methods a route does not answer.
fn method_confusion(cases: &mut Vec<Case>, w: &World) {
    let (p1, la, ca) = (w.p1, w.la, w.ca);
    for (method, path) in [
        (Method::POST, "/users/alice/".to_owned()),
        (Method::DELETE, format!("/posts/{p1}/")),
        (Method::PUT, "/accounts/edit/".into()),
        (Method::PATCH, format!("/api/v1/posts/{p1}/")),
        (Method::DELETE, format!("/api/v1/posts/{p1}/")),
        (Method::GET, "/api/v1/likes/".into()),
        (Method::GET, "/api/v1/comments/".into()),
        (Method::POST, "/api/v1/posts/".into()),
        (Method::PUT, format!("/api/v1/likes/{la}/")),
        (Method::GET, format!("/api/v1/comments/{ca}/")),
        (Method::PUT, "/posts/new/".into()),
        (Method::GET, "/accounts/avatar/".into()),
        (Method::PUT, "/api/fn/like".into()),
        (Method::DELETE, "/api/fn/delete_post".into()),
        (Method::PATCH, "/api/fn/update_profile".into()),
        (Method::POST, "/api/fn/search".into()),
        (Method::GET, "/accounts/logout/".into()),
        (Method::POST, "/healthz".into()),
        (Method::POST, "/uploads/x.jpg".into()),
    ] {
        let case = if path.starts_with("/api/v1/") {
            rest(format!("{method} {path}"), Alice, method, path, Body::Empty)
        } else {
            http(format!("{method} {path}"), Alice, method, path, Body::Empty)
        };
        cases.push(case.expect(Expect::Status(405)));
    }
    cases.push(
        call("delete_post with X-HTTP-Method-Override: GET", Alice, "delete_post", &[])
            .header("x-http-method-override", "GET")
            .expect(Expect::Refused),
    );
}

fn rest_api(cases: &mut Vec<Case>, w: &World) {
    let (p1, p2, la, ca) = (w.p1, w.p2, w.la, w.ca);
    let post = |name: &str, path: String, body: Body| rest(name.to_owned(), Alice, Method::POST, path, body);
    for (method, path) in [
        (Method::GET, "/api/v1/posts/".to_owned()),
        (Method::GET, format!("/api/v1/posts/{p1}/")),
        (Method::POST, format!("/api/v1/likes/?postid={p2}")),
        (Method::DELETE, format!("/api/v1/likes/{la}/")),
        (Method::POST, format!("/api/v1/comments/?postid={p2}")),
        (Method::DELETE, format!("/api/v1/comments/{ca}/")),
    ] {
        let body = if method == Method::POST && path.contains("comments") {
            json(r#"{"text":"hi"}"#)
        } else {
            Body::Empty
        };
        cases.push(
            rest(format!("REST {method} {path} without credentials"), Visitor, method, path, body)
                .expect(Expect::Status(403)),
        );
    }
    for (name, value) in [
        ("a bearer token of SQL", "Bearer ' OR 1=1 --".to_owned()),
        ("an empty bearer token", "Bearer ".into()),
        ("a 10,000-character bearer token", format!("Bearer {}", "a".repeat(10_000))),
        ("Basic that is not base64", "Basic !!!notbase64".into()),
        ("Basic without a colon", format!("Basic {}", b64(b"alice"))),
        ("Basic with a wrong password", format!("Basic {}", base64("alice", "wrong password"))),
        ("Basic of invalid UTF-8", format!("Basic {}", b64(b"\xff\xfe:\xff"))),
        ("an unknown scheme", "Digest username=alice".into()),
    ] {
        cases.push(
            rest(format!("REST with {name}"), Visitor, Method::GET, "/api/v1/posts/", Body::Empty)
                .header("authorization", value)
                .expect(Expect::Status(403)),
        );
    }
    for q in [
        "size=-1",
        "size=abc",
        "page=-1",
        "postid_lte=abc",
        "size=99999999999999999999",
        "size=1e3",
        "page=%FF",
        "postid_lte=1%20OR%201=1",
        "size=10&size=20",
    ] {
        cases.push(
            rest(
                format!("REST list with {q}"),
                Alice,
                Method::GET,
                format!("/api/v1/posts/?{q}"),
                Body::Empty,
            )
            .expect(Expect::Status(400)),
        );
    }
    for id in ["abc", "-1", "99999999999999999999", "%00", "..%2F..%2Fopenapi.json", "1.0"] {
        cases.push(
            rest(
                format!("REST post detail of {id}"),
                Alice,
                Method::GET,
                format!("/api/v1/posts/{id}/"),
                Body::Empty,
            )
            .expect(Expect::Refused),
        );
    }
    for q in
        ["", "?postid=abc", "?postid=-5", "?postid=999999", "?postid=", "?postid=1%3B%20DROP%20TABLE%20likes"]
    {
        cases.push(
            post(&format!("REST like with {q:?}"), format!("/api/v1/likes/{q}"), Body::Empty)
                .expect(Expect::Refused),
        );
    }
    let comments = format!("/api/v1/comments/?postid={p2}");
    let long = format!(r#"{{"text":"{}"}}"#, "c".repeat(1001));
    let huge = format!(r#"{{"text":"{}"}}"#, "c".repeat(2 * 1024 * 1024));
    for (name, body) in [
        ("an array body", json(r#"["hello"]"#)),
        ("text that is a number", json(r#"{"text": 5}"#)),
        ("text that is an array", json(r#"{"text": ["hello"]}"#)),
        ("empty text", json(r#"{"text": ""}"#)),
        ("text of spaces", json(r#"{"text": "   "}"#)),
        ("no text", json("{}")),
        ("null", json("null")),
        ("a bare string", json(r#""hello""#)),
        ("1,001 characters", json(&long)),
        ("NUL in the text", json(r#"{"text": "a\u0000b"}"#)),
        ("ESC in the text", json(r#"{"text": "a\u001bb"}"#)),
        ("broken JSON", json(r#"{"text": "a""#)),
        (
            "JSON that is not UTF-8",
            Body::Bytes("application/json".into(), b"{\"text\": \"\xff\xfe\"}".to_vec()),
        ),
        ("a lone surrogate", json(r#"{"text": "\ud800"}"#)),
        ("text/plain", Body::Bytes("text/plain".into(), br#"{"text":"hi"}"#.to_vec())),
        ("a form", Body::Bytes("application/x-www-form-urlencoded".into(), b"text=hi".to_vec())),
        ("no body", Body::Empty),
        ("a 2 MiB body", json(&huge)),
        ("deeply nested JSON", json(&format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)))),
    ] {
        cases
            .push(post(&format!("REST comment with {name}"), comments.clone(), body).expect(Expect::Refused));
    }
    for (name, path) in [
        ("like id that is a word", "/api/v1/likes/abc/".to_owned()),
        ("like id -1", "/api/v1/likes/-1/".into()),
        ("like that does not exist", "/api/v1/likes/999999/".into()),
        ("comment id that is a word", "/api/v1/comments/abc/".into()),
        ("comment that does not exist", "/api/v1/comments/999999/".into()),
        ("comment id past i64", "/api/v1/comments/99999999999999999999/".into()),
    ] {
        cases.push(
            rest(format!("REST delete {name}"), Alice, Method::DELETE, path, Body::Empty)
                .expect(Expect::Refused),
        );
    }
    // The cookie authenticates the API too: a cross-site request riding on it is refused.
    cases.push(
        http(
            "REST like from another site with the cookie",
            Alice,
            Method::POST,
            format!("/api/v1/likes/?postid={p1}"),
            Body::Empty,
        )
        .header("origin", "https://evil.example")
        .expect(Expect::Status(403)),
    );
    cases.push(
        http(
            "REST delete from a cross-site page with the cookie",
            Alice,
            Method::DELETE,
            format!("/api/v1/comments/{ca}/"),
            Body::Empty,
        )
        .header("sec-fetch-site", "cross-site")
        .header("origin", "{origin}")
        .expect(Expect::Status(403)),
    );
    cases.push(
        rest("REST unknown route", Alice, Method::GET, "/api/v1/users/", Body::Empty)
            .expect(Expect::Status(404)),
    );
    cases.push(
        rest("REST route climbing out", Alice, Method::GET, "/api/v1/..%2F..%2Fhealthz", Body::Empty)
            .expect(Expect::Refused),
    );
}

fn uploads(cases: &mut Vec<Case>) {
    let photo = tiny_jpeg();
    let new_post = |name: &str, who: Who, body: Body| {
        http(name.to_owned(), who, Method::POST, "/posts/new/", body).header("accept", "application/json")
    };
    let avatar = |name: &str, who: Who, body: Body| {
        http(name.to_owned(), who, Method::POST, "/accounts/avatar/", body)
            .header("accept", "application/json")
    };
    let with_photo = |extra: &[(&str, Option<&str>, &[u8])]| {
        let mut parts: Vec<(&str, Option<&str>, &[u8])> = vec![("images", Some("a.jpg"), photo.as_slice())];
        parts.extend_from_slice(extra);
        multipart(&parts)
    };
    let eleven: Vec<(&str, Option<&str>, &[u8])> =
        (0..11).map(|_| ("images", Some("a.jpg"), photo.as_slice())).collect();
    let not_image = fixture("not_an_image.jpg");
    let truncated = fixture("truncated.jpg");
    let bomb = fixture("png_bomb_30000x30000.png");
    let too_big = vec![0xffu8; 21 * 1024 * 1024];
    let long_text = "t".repeat(70 * 1024);
    cases.push(new_post("upload as a visitor", Visitor, with_photo(&[])).expect(Expect::Status(403)));
    cases.push(
        new_post("upload from another site", Alice, with_photo(&[]))
            .header("origin", "https://evil.example")
            .expect(Expect::Status(403)),
    );
    cases.push(
        new_post("upload marked cross-site", Alice, with_photo(&[]))
            .header("origin", "{origin}")
            .header("sec-fetch-site", "cross-site")
            .expect(Expect::Status(403)),
    );
    cases.push(new_post(
        "upload as a form, not multipart",
        Alice,
        Body::Bytes("application/x-www-form-urlencoded".into(), b"caption=hi".to_vec()),
    ));
    cases.push(new_post("upload without photos", Alice, multipart(&[("caption", None, b"no photo")])));
    cases.push(new_post("upload of eleven photos", Alice, multipart(&eleven)));
    cases.push(new_post(
        "upload of text named .jpg",
        Alice,
        multipart(&[("images", Some("a.jpg"), &not_image)]),
    ));
    cases.push(new_post("upload of half a JPEG", Alice, multipart(&[("images", Some("a.jpg"), &truncated)])));
    cases.push(new_post(
        "upload of a decompression bomb",
        Alice,
        multipart(&[("images", Some("a.png"), &bomb)]),
    ));
    cases.push(
        new_post("upload of 21 MB", Alice, multipart(&[("images", Some("a.jpg"), &too_big)]))
            .expect(Expect::Status(413)),
    );
    cases.push(new_post(
        "upload with a 2,201-character caption",
        Alice,
        with_photo(&[("caption", None, "c".repeat(2201).as_bytes())]),
    ));
    cases.push(new_post("upload with NUL in the caption", Alice, with_photo(&[("caption", None, b"a\0b")])));
    cases.push(new_post(
        "upload with a caption that is not UTF-8",
        Alice,
        with_photo(&[("caption", None, b"a\xff\xfeb")]),
    ));
    cases.push(new_post("upload with NUL in the alt text", Alice, with_photo(&[("alt", None, b"a\0b")])));
    cases.push(new_post(
        "upload with ESC in the alt text",
        Alice,
        with_photo(&[("alt", None, b"a\x1b[31mb")]),
    ));
    cases.push(new_post("upload with BEL in the alt text", Alice, with_photo(&[("alt", None, b"a\x07b")])));
    cases.push(new_post(
        "upload with a 501-character alt text",
        Alice,
        with_photo(&[("alt", None, "a".repeat(501).as_bytes())]),
    ));
    cases.push(new_post(
        "upload with alt text that is not UTF-8",
        Alice,
        with_photo(&[("alt", None, b"\xc3\x28")]),
    ));
    cases.push(
        new_post(
            "upload with a 70 KB text field",
            Alice,
            with_photo(&[("caption", None, long_text.as_bytes())]),
        )
        .expect(Expect::Status(413)),
    );
    let mut unterminated = Vec::new();
    unterminated.extend_from_slice(
        format!(
            "--{}\r\nContent-Disposition: form-data; name=\"images\"; filename=\"a.jpg\"\r\n\r\n",
            super::BOUNDARY
        )
        .as_bytes(),
    );
    unterminated.extend_from_slice(&photo);
    cases.push(new_post(
        "upload cut off before its last boundary",
        Alice,
        Body::Bytes(format!("multipart/form-data; boundary={}", super::BOUNDARY), unterminated),
    ));
    cases.push(new_post(
        "upload with a boundary that is not there",
        Alice,
        Body::Bytes("multipart/form-data; boundary=other".into(), b"--nothing--\r\n".to_vec()),
    ));
    cases.push(new_post(
        "upload without a boundary",
        Alice,
        Body::Bytes("multipart/form-data".into(), b"x".to_vec()),
    ));
    let broken_chunks = b"POST /posts/new/ HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\nOrigin: {origin}\r\nAccept: application/json";
    cases.push(raw("upload with a broken chunk size", Alice, broken_chunks, b"zz\r\n--b\r\n0\r\n\r\n"));
    cases.push(
        avatar("avatar as a visitor", Visitor, multipart(&[("avatar", Some("a.jpg"), &photo)]))
            .expect(Expect::Status(403)),
    );
    cases.push(
        avatar("avatar from another site", Alice, multipart(&[("avatar", Some("a.jpg"), &photo)]))
            .header("origin", "https://evil.example")
            .expect(Expect::Status(403)),
    );
    cases.push(avatar(
        "avatar of text named .jpg",
        Alice,
        multipart(&[("avatar", Some("a.jpg"), &not_image)]),
    ));
    cases.push(avatar("avatar of half a JPEG", Alice, multipart(&[("avatar", Some("a.jpg"), &truncated)])));
    cases.push(avatar(
        "avatar of a decompression bomb",
        Alice,
        multipart(&[("avatar", Some("a.png"), &bomb)]),
    ));
    cases.push(avatar("avatar without a file", Alice, multipart(&[("other", None, b"x")])));
    cases.push(avatar(
        "avatar as a form",
        Alice,
        Body::Bytes("application/x-www-form-urlencoded".into(), b"avatar=x".to_vec()),
    ));
    cases.push(
        avatar("avatar of 21 MB", Alice, multipart(&[("avatar", Some("a.jpg"), &too_big)]))
            .expect(Expect::Status(413)),
    );
}

/// Hostile text planted through every legitimate write, then read back on every page
/// that shows it: it must come back as text, never as markup.
fn echoed_escaped(cases: &mut Vec<Case>, w: &World) {
    let (p1, p2) = (w.p1, w.p2);
    for (label, payload, marker) in PAYLOADS {
        let write = |name: &str, who: Who, endpoint: &str, form: &[(&str, &str)]| {
            call(format!("plant {label} text: {name}"), who, endpoint, form).accepted_write()
        };
        let caption = format!("{payload} #sunset");
        cases.push(write(
            "full name",
            Alice,
            "update_profile",
            &[("full_name", payload), ("email", "alice@example.com"), ("bio", payload)],
        ));
        cases.push(write(
            "caption and alt text",
            Alice,
            "update_post",
            &[("id", &p1.to_string()), ("caption", &caption), ("alt[0]", payload)],
        ));
        cases.push(write("comment", Alice, "add_comment", &[("post", &p2.to_string()), ("text", payload)]));
        cases.push(write("token name", Alice, "create_token", &[("name", payload)]));
        let echo = |name: &str, who: Who, path: String| {
            get(format!("{label} text on {name}"), who, path).expect(Expect::Status(200))
        };
        cases.push(echo("Alice's profile", Visitor, "/users/alice/".into()).contains(*marker));
        cases.push(echo("Alice's profile, as Bob", Bob, "/users/alice/".into()).contains(*marker));
        cases.push(echo("Alice's post", Visitor, format!("/posts/{p1}/")).contains(*marker));
        cases.push(echo("Alice's post, caption editor", Alice, format!("/posts/{p1}/")).contains(*marker));
        cases.push(
            echo("Bob's post with Alice's comment", Visitor, format!("/posts/{p2}/")).contains(*marker),
        );
        cases.push(echo("the edit page", Alice, "/accounts/edit/".into()).contains(*marker));
        cases.push(echo("Bob's feed", Bob, "/".into()).contains(*marker));
        cases.push(echo("Alice's feed", Alice, "/".into()).contains(*marker));
        cases.push(echo("Bob's notifications", Bob, "/notifications/".into()));
        cases.push(echo("Bob's followers", Visitor, "/users/bob/followers/".into()));
        cases.push(echo("Alice's followers page", Visitor, "/users/alice/followers/".into()));
        cases.push(echo("the tag page", Visitor, "/tags/sunset/".into()));
        cases.push(echo("search results", Bob, "/search/?q=alice".into()));
        cases.push(echo("the tokens page", Alice, "/accounts/tokens/".into()).contains(*marker));
        cases.push(echo("the explore page", Bob, "/explore/".into()));
        // Reflected: the text comes from the address itself.
        let encoded = urlencode(payload);
        cases.push(
            get(format!("{label} text reflected in search"), Bob, format!("/search/?q={encoded}"))
                .expect(Expect::Status(200)),
        );
        cases.push(
            get(format!("{label} text reflected in a tag"), Visitor, format!("/tags/{encoded}/"))
                .expect(Expect::NoServerError),
        );
        cases.push(
            get(format!("{label} text reflected in a username"), Visitor, format!("/users/{encoded}/"))
                .expect(Expect::Status(404)),
        );
        cases.push(
            get(
                format!("{label} text reflected in next"),
                Visitor,
                format!("/accounts/login/?next=/{encoded}"),
            )
            .expect(Expect::Status(200)),
        );
        cases.push(
            get(
                format!("{label} text reflected in the search function"),
                Visitor,
                format!("/api/fn/search?q={encoded}&full=true"),
            )
            .expect(Expect::Status(200)),
        );
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn base64(user: &str, password: &str) -> String {
    b64(format!("{user}:{password}").as_bytes())
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
