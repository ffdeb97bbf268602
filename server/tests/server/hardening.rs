//! Issue 13, items 3, 6, 7 and 8: slow clients and the connection cap over a real socket,
//! security headers, no 5xx from odd paths, the 413 quoting the route's own limit, and partial
//! photo files of failed or abandoned uploads removed.

use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use clap::Parser as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use dudao_server::cli::{Cli, Command};
use dudao_server::listen::{self, Limits};
use dudao_server::photos::sweep::{sweep, Swept};

use crate::common::{
    get, get_as, post_json, send, test_app_on, test_app_with_dist_on, token_of, Backend, Reply,
    TestApp,
};

// --- Item 3: connections ---------------------------------------------------------------------

/// Serves `router` on a loopback port with `limits`; the address.
async fn serve_on_socket(router: Router, limits: Limits) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    tokio::spawn(listen::serve(
        listener,
        router,
        limits,
        std::future::pending(),
    ));
    addr
}

/// `GET /api/health` on a new connection: the status line's code.
async fn health_status(addr: &str) -> u16 {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(b"GET /api/health HTTP/1.1\r\nHost: dudao\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let raw = String::from_utf8_lossy(&raw);
    raw.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {raw}"))
}

/// A slowloris client: starts a request and sends one more header byte every `every`, never
/// finishing. Returns once the server closed the connection.
async fn trickle(addr: String, every: Duration) {
    let mut stream = TcpStream::connect(&addr).await.expect("connect");
    let start = b"GET /api/health HTTP/1.1\r\nHost: dudao\r\nX-Slow: ";
    if stream.write_all(start).await.is_err() {
        return;
    }
    let mut buf = [0u8; 512];
    loop {
        // Whatever the server sends (a 408 or nothing) ends with the connection closed.
        match tokio::time::timeout(every, stream.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => return,
            Ok(Ok(_)) => continue,
            Err(_) => {}
        }
        if stream.write_all(b"a").await.is_err() {
            return;
        }
    }
}

/// The attack from issue 13: hundreds of connections each sending a header byte every few
/// seconds. The server still answers `/api/health` while they are open, and closes every one of
/// them once the header timeout passes, instead of keeping them for as long as they trickle.
async fn slow_clients_are_cut_off_and_health_still_answers(backend: Backend) {
    let t = test_app_on(backend).await;
    let limits = Limits {
        header_timeout: Duration::from_secs(3),
        ..Limits::default()
    };
    let addr = serve_on_socket(t.router.clone(), limits).await;
    let slow: Vec<_> = (0..300)
        .map(|_| tokio::spawn(trickle(addr.clone(), Duration::from_secs(2))))
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;

    assert_eq!(health_status(&addr).await, 200);

    // Generous: the server closes them after 3 s; a trickling client would go on forever.
    for client in slow {
        tokio::time::timeout(Duration::from_secs(120), client)
            .await
            .expect("the server closed the slow connection")
            .expect("client task");
    }
    assert_eq!(health_status(&addr).await, 200);
}

/// Past `max_connections` the server stops accepting: a new client waits until one of the
/// connections it holds is closed (here by the header timeout), then is served normally.
async fn past_the_connection_cap_a_new_client_waits_for_a_free_slot(backend: Backend) {
    let t = test_app_on(backend).await;
    let limits = Limits {
        max_connections: 4,
        header_timeout: Duration::from_secs(2),
        ..Limits::default()
    };
    let addr = serve_on_socket(t.router.clone(), limits).await;
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut stream = TcpStream::connect(&addr).await.expect("connect");
        stream.write_all(b"GET /api/he").await.expect("write");
        held.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;

    assert_eq!(health_status(&addr).await, 200);
    // It was served because a slot was freed: at least one held connection is closed already.
    let mut closed = 0;
    for stream in &mut held {
        let mut buf = [0u8; 512];
        loop {
            match stream.try_read(&mut buf) {
                Ok(0) => {
                    closed += 1;
                    break;
                }
                Ok(_) => continue,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(_) => {
                    closed += 1;
                    break;
                }
            }
        }
    }
    assert!(
        closed >= 1,
        "no held connection was closed before the 5th was served"
    );
}

#[test]
fn connection_limits_are_set_on_the_command_line() {
    let cli = Cli::try_parse_from([
        "dudao-server",
        "--max-connections=100",
        "--header-timeout=10",
        "--idle-timeout=30",
        "--partial-upload-days=3",
    ])
    .expect("parse");
    let Command::Serve(args) = cli.command() else {
        panic!("serve is the default");
    };
    assert_eq!(
        args.limits(),
        Limits {
            max_connections: 100,
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
        }
    );
    assert_eq!(args.partial_upload_days, 3);
    assert!(Cli::try_parse_from(["dudao-server", "--max-connections=0"]).is_err());
    assert!(Cli::try_parse_from(["dudao-server", "--header-timeout=0"]).is_err());
}

// --- Item 6: headers -------------------------------------------------------------------------

const BOOTSTRAP: &str = "\nimport init from '/dudao-0123456789abcdef.js';\nawait init();\n";

fn assert_common_headers(reply: &Reply) {
    assert_eq!(reply.header("x-content-type-options"), "nosniff");
    assert_eq!(reply.header("referrer-policy"), "no-referrer");
    assert_eq!(reply.header("x-frame-options"), "DENY");
    assert!(reply
        .header("content-security-policy")
        .contains("frame-ancestors 'none'"));
}

async fn every_answer_has_security_headers(backend: Backend) {
    let dir = tempfile::tempdir().expect("temp dir");
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).expect("dist");
    std::fs::write(
        dist.join("index.html"),
        format!("<!DOCTYPE html><head><script type=\"module\">{BOOTSTRAP}</script></head>"),
    )
    .expect("index");
    std::fs::write(
        dist.join("sw.js"),
        "self.addEventListener('fetch', () => {});",
    )
    .expect("sw");
    let t = test_app_with_dist_on(backend, dir, dist).await;

    // The app: its inline bootstrap allowed by hash, nothing else inline.
    let hash = STANDARD.encode(Sha256::digest(BOOTSTRAP.as_bytes()));
    for path in [
        "/",
        "/visits/01890000-0000-7000-8000-000000000001",
        "/sw.js",
    ] {
        let reply = get(&t.router, path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert_common_headers(&reply);
        let csp = reply.header("content-security-policy");
        assert!(
            csp.contains(&format!(
                "script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}';"
            )),
            "{path}: {csp}"
        );
        assert!(csp.contains("connect-src 'self'"), "{csp}");
        assert!(csp.contains("img-src 'self' blob: data:"), "{csp}");
        assert!(!csp.contains("unsafe-eval'") || csp.contains("'wasm-unsafe-eval'"));
    }

    // The API, its errors included.
    for path in ["/api/health", "/api/schools", "/api/nothing"] {
        let reply = get(&t.router, path).await;
        assert_common_headers(&reply);
        assert!(reply
            .header("content-security-policy")
            .starts_with("default-src 'none'"));
        assert_eq!(reply.header("cache-control"), "no-store", "{path}");
    }

    // Auth answers are never cached, a refused sign-in too.
    let wrong = json!({"username": "hanlixin", "password": "wrong-password",
                       "device_id": "0190a6e2-5b7c-7d1e-9f00-00000000beef", "device_name": "x"});
    let reply = post_json(&t.router, "/api/login", &wrong, None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.header("cache-control"), "no-store");
    let token = token_of(&t.router, "hanlixin").await;
    let reply = get_as(&t.router, "/api/me", &token).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("cache-control"), "no-store");
    let reply = post_json(&t.router, "/api/logout", &json!(null), Some(&token)).await;
    assert_eq!(reply.header("cache-control"), "no-store");

    // A photo is shown inline under its id, never under a name a client chose.
    let token = token_of(&t.router, "hanlixin").await;
    let bytes = b"\xff\xd8\xff\xe0 not really a jpeg".to_vec();
    assert!(upload(&t.router, &token, PHOTO_A, &bytes)
        .await
        .status
        .is_success());
    let reply = get_as(&t.router, &format!("/api/photos/{PHOTO_A}"), &token).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        reply.header("content-disposition"),
        format!("inline; filename=\"{PHOTO_A}.jpg\"")
    );
    assert_common_headers(&reply);
}

// --- Item 7: no 5xx from a path --------------------------------------------------------------

async fn odd_paths_never_answer_5xx(backend: Backend) {
    let dir = tempfile::tempdir().expect("temp dir");
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).expect("dist");
    std::fs::write(dist.join("index.html"), "<!DOCTYPE html>").expect("index");
    let t = test_app_with_dist_on(backend, dir, dist).await;
    let long = "a".repeat(300);
    let paths = [
        format!("/{long}"),
        format!("/{long}.js"),
        format!("/visits/{long}"),
        format!("/{}", "%E7%9D%A3".repeat(100)),
        format!("/x/{}", "b/".repeat(3000)),
        format!("/api/{long}"),
        format!("/api/schools/{long}"),
        format!("/api/photos/{long}"),
        format!("/?q={}", "q".repeat(20_000)),
        "/%00".into(),
        "/a%00b.js".into(),
        "/%ff.js".into(),
        "/%zz".into(),
        "/..%2f..%2fetc%2fpasswd".into(),
        "/icons/../../Cargo.toml".into(),
        "/index.html/x.js".into(),
        "/api/schools/%ff".into(),
        "/api/sync/pull?cursor=%ff".into(),
    ];
    for path in &paths {
        let reply = get(&t.router, path).await;
        assert!(
            !reply.status.is_server_error(),
            "{}…: {}",
            &path[..path.len().min(40)],
            reply.status
        );
    }
    let reply = get(&t.router, &format!("/{long}")).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(reply.text().contains("No such file"), "{}", reply.text());
    let reply = get(&t.router, &format!("/api/{long}")).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.json()["error"], "not_found");
}

// --- Item 8: the 413 quotes the route's limit ------------------------------------------------

async fn the_413_quotes_the_limit_of_the_route_asked(backend: Backend) {
    let t = test_app_on(backend).await;
    let token = token_of(&t.router, "hanlixin").await;
    // Above the server-wide limit (16 MiB), declared: the route's limit is still the one named.
    let huge = 20 * 1024 * 1024;
    for (uri, limit) in [
        ("/api/sync/push", 4 * 1024 * 1024),
        ("/api/login", 16 * 1024),
        ("/api/photos", 16 * 1024),
    ] {
        let request = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_LENGTH, huge)
            .body(Body::from(vec![b' '; huge]))
            .expect("request");
        let reply = send(&t.router, request).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{uri}");
        assert_eq!(reply.json()["error"], "payload_too_large");
        let message = reply.json()["message"]
            .as_str()
            .expect("message")
            .to_owned();
        assert!(
            message.contains(&format!(" {limit} bytes")),
            "{uri}: {message}"
        );

        // Streamed without a length: the same answer once the route's limit is passed.
        let body = std::io::Cursor::new(vec![b' '; limit + 8192]);
        let request = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from_stream(tokio_util::io::ReaderStream::new(body)))
            .expect("request");
        let reply = send(&t.router, request).await;
        assert_eq!(
            reply.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{uri} streamed"
        );
        let message = reply.json()["message"]
            .as_str()
            .expect("message")
            .to_owned();
        assert!(
            message.contains(&format!(" {limit} bytes")),
            "{uri}: {message}"
        );
    }
}

// --- Item 8: partial files -------------------------------------------------------------------

const PHOTO_A: &str = "0190a6e2-0000-7000-8000-0000000013a1";
const PHOTO_B: &str = "0190a6e2-0000-7000-8000-0000000013b2";
const PHOTO_C: &str = "0190a6e2-0000-7000-8000-0000000013c3";
const ORPHAN_OLD: &str = "0190a6e2-0000-7000-8000-0000000013d4";
const ORPHAN_NEW: &str = "0190a6e2-0000-7000-8000-0000000013e5";

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn create(router: &Router, token: &str, id: &str, bytes: &[u8]) -> Reply {
    let body = json!({"photo_id": id, "sha256": sha256_hex(bytes), "size": bytes.len(),
                      "mime": "image/jpeg"});
    post_json(router, "/api/photos", &body, Some(token)).await
}

async fn patch(
    router: &Router,
    token: &str,
    id: &str,
    offset: usize,
    chunk: &[u8],
    checksum_of: Option<&[u8]>,
) -> Reply {
    let mut request = Request::patch(format!("/api/photos/{id}"))
        .header(header::CONTENT_TYPE, "application/offset+octet-stream")
        .header(header::CONTENT_LENGTH, chunk.len())
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header("Upload-Offset", offset);
    if let Some(bytes) = checksum_of {
        let checksum = format!("sha256 {}", STANDARD.encode(Sha256::digest(bytes)));
        request = request.header("Upload-Checksum", checksum);
    }
    send(
        router,
        request.body(Body::from(chunk.to_vec())).expect("request"),
    )
    .await
}

async fn upload(router: &Router, token: &str, id: &str, bytes: &[u8]) -> Reply {
    let created = create(router, token, id, bytes).await;
    assert!(created.status.is_success(), "{}", created.text());
    patch(router, token, id, 0, bytes, None).await
}

fn partial(t: &TestApp, id: &str) -> std::path::PathBuf {
    t._dir.path().join("data/photos/partial").join(id)
}

async fn status(t: &TestApp, token: &str, id: &str) -> Value {
    let reply = get_as(&t.router, &format!("/api/photos/{id}/status"), token).await;
    if reply.status == StatusCode::NOT_FOUND {
        return Value::Null;
    }
    reply.json()
}

/// Issue 13: an empty partial file stayed on disk after a checksum or a hash failure.
async fn a_failed_upload_leaves_no_partial_file(backend: Backend) {
    let t = test_app_on(backend).await;
    let token = token_of(&t.router, "hanlixin").await;
    let bytes: Vec<u8> = (0..50_000u32).map(|i| (i * 7 % 251) as u8).collect();

    // The first chunk arrives damaged (its checksum is of the true bytes): 460, no file.
    create(&t.router, &token, PHOTO_A, &bytes).await;
    let mut damaged = bytes.clone();
    damaged[10] ^= 1;
    let reply = patch(&t.router, &token, PHOTO_A, 0, &damaged, Some(&bytes)).await;
    assert_eq!(reply.status.as_u16(), 460, "{}", reply.text());
    assert!(
        !partial(&t, PHOTO_A).exists(),
        "partial file left after a checksum failure"
    );

    // The whole file does not hash right: 422, back to 0, no file.
    let reply = patch(&t.router, &token, PHOTO_A, 0, &damaged, None).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text()
    );
    assert!(
        !partial(&t, PHOTO_A).exists(),
        "partial file left after a hash failure"
    );
    assert_eq!(status(&t, &token, PHOTO_A).await["offset"], 0);

    // And the upload still completes afterwards.
    let reply = patch(&t.router, &token, PHOTO_A, 0, &bytes, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["complete"], true);
}

fn age(path: &std::path::Path, days: u64) {
    let file = std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open");
    file.set_modified(SystemTime::now() - Duration::from_secs(days * 24 * 3600))
        .expect("set mtime");
}

/// The sweep removes an unfinished upload untouched for longer than the age, its row and its
/// partial file together, and partial files no upload owns; it keeps a recent upload and a
/// complete photo.
async fn the_sweep_removes_abandoned_uploads_with_their_files(backend: Backend) {
    let t = test_app_on(backend).await;
    let token = token_of(&t.router, "hanlixin").await;
    let bytes: Vec<u8> = (0..60_000u32).map(|i| (i * 13 % 253) as u8).collect();

    // A: abandoned half-way 8 days ago. B: half-way, but recent. C: complete, long ago.
    for id in [PHOTO_A, PHOTO_B] {
        create(&t.router, &token, id, &bytes).await;
        let reply = patch(&t.router, &token, id, 0, &bytes[..30_000], None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    }
    assert_eq!(
        upload(&t.router, &token, PHOTO_C, &bytes).await.status,
        StatusCode::OK
    );
    let eight_days_ago = dudao_server::clock::now_ms() - 8 * 24 * 3600 * 1000;
    t.db.execute(&format!(
        "UPDATE photo_uploads SET updated_at = {eight_days_ago} \
         WHERE photo_id IN ('{PHOTO_A}', '{PHOTO_C}')"
    ))
    .await
    .expect("age the rows");
    age(&partial(&t, PHOTO_A), 8);
    // Files no upload owns: one old (left by a crash), one just written.
    for id in [ORPHAN_OLD, ORPHAN_NEW] {
        std::fs::write(partial(&t, id), b"left over").expect("orphan");
    }
    age(&partial(&t, ORPHAN_OLD), 8);

    let seven_days = Duration::from_secs(7 * 24 * 3600);
    let swept = sweep(
        t.state.store.as_ref(),
        &t.state.photos,
        seven_days,
        SystemTime::now(),
    )
    .await
    .expect("sweep");
    assert_eq!(
        swept,
        Swept {
            uploads: 1,
            orphan_files: 1
        }
    );
    assert!(!partial(&t, PHOTO_A).exists());
    assert_eq!(
        status(&t, &token, PHOTO_A).await,
        Value::Null,
        "the row went with the file"
    );
    assert!(partial(&t, PHOTO_B).exists());
    assert_eq!(status(&t, &token, PHOTO_B).await["offset"], 30_000);
    assert_eq!(status(&t, &token, PHOTO_C).await["complete"], true);
    assert!(!partial(&t, ORPHAN_OLD).exists());
    assert!(partial(&t, ORPHAN_NEW).exists());

    // The phone that abandoned A comes back: it creates the upload again and sends it whole.
    let reply = upload(&t.router, &token, PHOTO_A, &bytes).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["complete"], true);

    // A second sweep finds nothing more.
    let swept = sweep(
        t.state.store.as_ref(),
        &t.state.photos,
        seven_days,
        SystemTime::now(),
    )
    .await
    .expect("sweep");
    assert_eq!(swept, Swept::default());
}

both_backends!(
    slow_clients_are_cut_off_and_health_still_answers,
    past_the_connection_cap_a_new_client_waits_for_a_free_slot,
    every_answer_has_security_headers,
    odd_paths_never_answer_5xx,
    the_413_quotes_the_limit_of_the_route_asked,
    a_failed_upload_leaves_no_partial_file,
    the_sweep_removes_abandoned_uploads_with_their_files,
);
