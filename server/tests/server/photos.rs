//! Resumable photo uploads (issue 6, items 4 and 8), on SQLite and PostgreSQL: chunks, a cut
//! connection over a real socket, corrupted chunks and files, offsets, idempotent creation,
//! sizes, tokens, and photos arriving before or after their record.

use std::future::IntoFuture;
use std::path::PathBuf;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use dudao_server::demo;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::common::{send, test_app_on, Backend, Reply, TestApp};

const DEVICE: &str = "0190a6e2-5b7c-7d1e-9f00-1a2b3c4d5e6f";
const PHOTO: &str = "0190a6e2-0000-7000-8000-00000000ca11";
const OCTETS: &str = "application/offset+octet-stream";

/// `n` bytes that look like a photo to nobody but differ everywhere (a fixed pseudo-random
/// sequence, so a failure reproduces).
fn photo_bytes(n: usize) -> Vec<u8> {
    let mut x: u32 = 0x1234_5678;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (x >> 24) as u8
        })
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Each demo user on a device of their own.
fn device_of(username: &str) -> String {
    let n = demo::USERS
        .iter()
        .position(|u| u.0 == username)
        .expect("a demo user");
    format!("{}{n:02x}", &DEVICE[..34])
}

async fn token_of(router: &Router, username: &str) -> String {
    let body = json!({"username": username, "password": demo::DEMO_PASSWORD,
                      "device_id": device_of(username), "device_name": "测试手机"});
    let request = Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let reply = send(router, request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()["token"].as_str().expect("token").to_owned()
}

async fn create(router: &Router, token: &str, body: Value) -> Reply {
    let request = Request::post("/api/photos")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(body.to_string()))
        .expect("request");
    send(router, request).await
}

fn create_body(id: &str, bytes: &[u8]) -> Value {
    json!({"photo_id": id, "sha256": sha256_hex(bytes), "size": bytes.len(), "mime": "image/jpeg"})
}

async fn patch(router: &Router, token: &str, id: &str, offset: usize, chunk: &[u8]) -> Reply {
    patch_with(router, token, id, offset, chunk, None).await
}

async fn patch_with(
    router: &Router,
    token: &str,
    id: &str,
    offset: usize,
    chunk: &[u8],
    checksum_of: Option<&[u8]>,
) -> Reply {
    let mut request = Request::patch(format!("/api/photos/{id}"))
        .header(header::CONTENT_TYPE, OCTETS)
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

async fn head(router: &Router, token: &str, id: &str) -> Reply {
    let request = Request::head(format!("/api/photos/{id}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request");
    send(router, request).await
}

async fn get_as(router: &Router, token: &str, uri: &str) -> Reply {
    let request = Request::get(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request");
    send(router, request).await
}

/// The offset HEAD reports, after checking it agrees with the JSON status.
async fn offset_of(router: &Router, token: &str, id: &str) -> u64 {
    let reply = head(router, token, id).await;
    assert_eq!(reply.status, StatusCode::OK, "HEAD {id}");
    assert!(reply.body.is_empty());
    let offset: u64 = reply.header("upload-offset").parse().expect("offset");
    let status = get_as(router, token, &format!("/api/photos/{id}/status")).await;
    assert_eq!(status.status, StatusCode::OK, "{}", status.text());
    assert_eq!(status.json()["offset"], offset);
    assert_eq!(
        reply.header("upload-length"),
        status.json()["size"].to_string()
    );
    offset
}

fn photos_dir(t: &TestApp) -> PathBuf {
    t._dir.path().join("data").join("photos")
}

/// Where a complete photo is kept, and its bytes.
fn stored(t: &TestApp, id: &str) -> Vec<u8> {
    let path = photos_dir(t).join(&id[..2]).join(id);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn assert_complete(reply: &Reply, id: &str, bytes: &[u8]) {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        reply.json(),
        json!({"photo_id": id, "offset": bytes.len(), "size": bytes.len(), "complete": true})
    );
}

async fn a_photo_uploads_in_chunks_and_downloads_byte_for_byte(backend: Backend) {
    let t = test_app_on(backend).await;
    let token = token_of(&t.router, "hanlixin").await;
    let bytes = photo_bytes(1_500_000);

    let reply = create(&t.router, &token, create_body(PHOTO, &bytes)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(
        reply.json(),
        json!({"photo_id": PHOTO, "offset": 0, "size": 1_500_000, "complete": false})
    );
    assert_eq!(reply.header("location"), format!("/api/photos/{PHOTO}"));

    let chunks: Vec<&[u8]> = bytes.chunks(256 * 1024).collect();
    let mut offset = 0;
    for (i, chunk) in chunks.iter().enumerate() {
        let reply = patch(&t.router, &token, PHOTO, offset, chunk).await;
        assert_eq!(reply.status, StatusCode::OK, "chunk {i}: {}", reply.text());
        offset += chunk.len();
        assert_eq!(reply.header("upload-offset"), offset.to_string());
        let last = i + 1 == chunks.len();
        assert_eq!(reply.json()["complete"], last, "chunk {i}");
        if !last {
            assert_eq!(offset_of(&t.router, &token, PHOTO).await, offset as u64);
        }
    }
    assert_eq!(stored(&t, PHOTO), bytes);
    assert!(!photos_dir(&t).join("partial").join(PHOTO).exists());

    let status = get_as(&t.router, &token, &format!("/api/photos/{PHOTO}/status")).await;
    assert_complete(&status, PHOTO, &bytes);
    let reply = head(&t.router, &token, PHOTO).await;
    assert_eq!(reply.header("upload-offset"), "1500000");
    assert_eq!(reply.header("upload-complete"), "true");

    let download = get_as(&t.router, &token, &format!("/api/photos/{PHOTO}")).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.header("content-type"), "image/jpeg");
    assert_eq!(download.body, bytes);
}

/// `PATCH` headers and the first `sent` bytes of `chunk` on a new connection, which is then
/// left open (`close: false`) or closed for writing and read to the end.
async fn patch_over_socket(
    addr: &str,
    token: &str,
    id: &str,
    offset: usize,
    chunk: &[u8],
    sent: usize,
    close: bool,
) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "PATCH /api/photos/{id} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: {OCTETS}\r\nUpload-Offset: {offset}\r\nContent-Length: {}\r\n\r\n",
        chunk.len()
    );
    stream.write_all(head.as_bytes()).await.expect("write head");
    stream.write_all(&chunk[..sent]).await.expect("write body");
    if close {
        // The phone's link drops: no more bytes will come. Reading to the end waits until the
        // server has dealt with the request (it answers or closes).
        stream.shutdown().await.expect("shutdown");
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest).await;
    }
    stream
}

async fn an_upload_cut_at_37_percent_keeps_what_arrived_and_resumes(backend: Backend) {
    let t = test_app_on(backend).await;
    let token = token_of(&t.router, "hanlixin").await;
    let bytes = photo_bytes(1_500_000);
    let reply = create(&t.router, &token, create_body(PHOTO, &bytes)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());

    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let server = tokio::spawn(axum::serve(listener, t.router.clone()).into_future());

    // The whole photo in one PATCH; the connection dies after 37% of it.
    let cut = bytes.len() * 37 / 100;
    drop(patch_over_socket(&addr, &token, PHOTO, 0, &bytes, cut, true).await);

    assert_eq!(offset_of(&t.router, &token, PHOTO).await, cut as u64);
    let partial = std::fs::read(photos_dir(&t).join("partial").join(PHOTO)).expect("partial");
    assert_eq!(partial, bytes[..cut]);

    // Resuming from the start is refused with where to continue…
    let reply = patch(&t.router, &token, PHOTO, 0, &bytes).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text());
    assert_eq!(reply.header("upload-offset"), cut.to_string());
    assert_eq!(reply.json()["error"], "offset_mismatch");
    assert_eq!(reply.json()["offset"], cut);

    // …and from there it completes, and the stored file is the photo.
    let reply = patch(&t.router, &token, PHOTO, cut, &bytes[cut..]).await;
    assert_complete(&reply, PHOTO, &bytes);
    assert_eq!(sha256_hex(&stored(&t, PHOTO)), sha256_hex(&bytes));
    server.abort();
}

/// A connection that is lost without the server noticing must not block the resume on a new
/// one: the uploader's HEAD stops the old request, which keeps what it received.
async fn a_connection_gone_silent_does_not_block_the_resume(backend: Backend) {
    let t = test_app_on(backend).await;
    let token = token_of(&t.router, "hanlixin").await;
    let bytes = photo_bytes(600_000);
    create(&t.router, &token, create_body(PHOTO, &bytes)).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let server = tokio::spawn(axum::serve(listener, t.router.clone()).into_future());

    let sent = 222_000;
    let silent = patch_over_socket(&addr, &token, PHOTO, 0, &bytes, sent, false).await;
    // Until the server is writing this request's bytes (it has not noticed anything wrong).
    let partial = photos_dir(&t).join("partial").join(PHOTO);
    let mut polls = 0;
    while std::fs::metadata(&partial).map_or(0, |m| m.len()) == 0 {
        polls += 1;
        assert!(polls < 10_000, "the server never wrote the first bytes");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let offset = offset_of(&t.router, &token, PHOTO).await as usize;
    assert!(offset > 0 && offset <= sent, "{offset}");
    assert_eq!(std::fs::read(&partial).expect("partial"), bytes[..offset]);
    let reply = patch(&t.router, &token, PHOTO, offset, &bytes[offset..]).await;
    assert_complete(&reply, PHOTO, &bytes);
    assert_eq!(stored(&t, PHOTO), bytes);
    drop(silent);
    server.abort();
}

async fn a_chunk_whose_checksum_does_not_match_is_discarded(backend: Backend) {
    let t = test_app_on(backend).await;
    let token = token_of(&t.router, "hanlixin").await;
    let bytes = photo_bytes(300_000);
    create(&t.router, &token, create_body(PHOTO, &bytes)).await;
    let reply = patch_with(
        &t.router,
        &token,
        PHOTO,
        0,
        &bytes[..100_000],
        Some(&bytes[..100_000]),
    );
    assert_eq!(reply.await.status, StatusCode::OK);

    // One byte flipped on the way: the checksum (of the true bytes) does not match.
    let mut corrupted = bytes[100_000..200_000].to_vec();
    corrupted[5_000] ^= 0x01;
    let reply = patch_with(
        &t.router,
        &token,
        PHOTO,
        100_000,
        &corrupted,
        Some(&bytes[100_000..200_000]),
    )
    .await;
    assert_eq!(reply.status.as_u16(), 460, "{}", reply.text());
    assert_eq!(reply.json()["error"], "checksum_mismatch");
    assert_eq!(offset_of(&t.router, &token, PHOTO).await, 100_000);

    let reply = patch_with(
        &t.router,
        &token,
        PHOTO,
        100_000,
        &bytes[100_000..],
        Some(&bytes[100_000..]),
    )
    .await;
    assert_complete(&reply, PHOTO, &bytes);
    assert_eq!(stored(&t, PHOTO), bytes);
}

async fn a_corrupted_byte_fails_the_final_hash_and_the_upload_starts_over(backend: Backend) {
    let t = test_app_on(backend).await;
    let token = token_of(&t.router, "hanlixin").await;
    let bytes = photo_bytes(300_000);
    create(&t.router, &token, create_body(PHOTO, &bytes)).await;
    let mut corrupted = bytes.clone();
    corrupted[123_456] ^= 0x80;
    let reply = patch(&t.router, &token, PHOTO, 0, &corrupted[..150_000]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let reply = patch(&t.router, &token, PHOTO, 150_000, &corrupted[150_000..]).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text()
    );
    assert_eq!(reply.json()["error"], "hash_mismatch");
    let message = reply.json()["message"]
        .as_str()
        .expect("message")
        .to_owned();
    assert!(message.contains(&sha256_hex(&bytes)), "{message}");
    assert!(message.contains("offset 0"), "{message}");

    assert_eq!(offset_of(&t.router, &token, PHOTO).await, 0);
    let download = get_as(&t.router, &token, &format!("/api/photos/{PHOTO}")).await;
    assert_eq!(download.status, StatusCode::NOT_FOUND);
    assert!(!photos_dir(&t).join(&PHOTO[..2]).join(PHOTO).exists());

    let reply = patch(&t.router, &token, PHOTO, 0, &bytes).await;
    assert_complete(&reply, PHOTO, &bytes);
    assert_eq!(stored(&t, PHOTO), bytes);
}

async fn a_patch_at_another_offset_is_409_and_writes_nothing(backend: Backend) {
    let t = test_app_on(backend).await;
    let token = token_of(&t.router, "hanlixin").await;
    let bytes = photo_bytes(10_000);
    create(&t.router, &token, create_body(PHOTO, &bytes)).await;
    patch(&t.router, &token, PHOTO, 0, &bytes[..4_000]).await;

    for offset in [0, 3_999, 4_001, 9_000] {
        let reply = patch(&t.router, &token, PHOTO, offset, &bytes[offset..]).await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "{offset}");
        assert_eq!(reply.header("upload-offset"), "4000");
        assert_eq!(reply.json()["offset"], 4_000);
        let message = reply.json()["message"]
            .as_str()
            .expect("message")
            .to_owned();
        assert!(message.contains("from offset 4000"), "{message}");
    }
    assert_eq!(offset_of(&t.router, &token, PHOTO).await, 4_000);

    // A complete photo: any further bytes are refused the same way.
    let reply = patch(&t.router, &token, PHOTO, 4_000, &bytes[4_000..]).await;
    assert_complete(&reply, PHOTO, &bytes);
    let reply = patch(&t.router, &token, PHOTO, 4_000, &bytes[4_000..]).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.json()["offset"], 10_000);
    assert_eq!(stored(&t, PHOTO), bytes);
}

async fn creating_an_upload_again_answers_how_far_it_got(backend: Backend) {
    let t = test_app_on(backend).await;
    let token = token_of(&t.router, "hanlixin").await;
    let bytes = photo_bytes(50_000);
    let body = create_body(PHOTO, &bytes);
    assert_eq!(
        create(&t.router, &token, body.clone()).await.status,
        StatusCode::CREATED
    );
    patch(&t.router, &token, PHOTO, 0, &bytes[..20_000]).await;

    // The phone lost the answer to its create and sends it again, id upper-case this time.
    let mut again = body.clone();
    again["photo_id"] = json!(PHOTO.to_uppercase());
    let reply = create(&t.router, &token, again).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        reply.json(),
        json!({"photo_id": PHOTO, "offset": 20_000, "size": 50_000, "complete": false})
    );

    patch(&t.router, &token, PHOTO, 20_000, &bytes[20_000..]).await;
    let reply = create(&t.router, &token, body).await;
    assert_complete(&reply, PHOTO, &bytes);
    assert_eq!(stored(&t, PHOTO), bytes);
}

async fn the_same_id_with_another_hash_or_size_is_409(backend: Backend) {
    let t = test_app_on(backend).await;
    let token = token_of(&t.router, "hanlixin").await;
    let bytes = photo_bytes(50_000);
    create(&t.router, &token, create_body(PHOTO, &bytes)).await;
    patch(&t.router, &token, PHOTO, 0, &bytes[..1_000]).await;

    let other = photo_bytes(50_001);
    for body in [
        create_body(PHOTO, &other[1..]),
        create_body(PHOTO, &other),
        json!({"photo_id": PHOTO, "sha256": sha256_hex(&bytes), "size": 49_999,
               "mime": "image/jpeg"}),
    ] {
        let reply = create(&t.router, &token, body).await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text());
        assert_eq!(reply.json()["error"], "conflict");
        let message = reply.json()["message"]
            .as_str()
            .expect("message")
            .to_owned();
        assert!(message.contains(&sha256_hex(&bytes)), "{message}");
        assert!(message.contains("new id"), "{message}");
    }
    // The first upload is untouched.
    assert_eq!(offset_of(&t.router, &token, PHOTO).await, 1_000);
}

async fn too_large_photos_and_chunks_are_413_and_write_nothing(backend: Backend) {
    let t = test_app_on(backend).await;
    let token = token_of(&t.router, "hanlixin").await;

    let reply = create(
        &t.router,
        &token,
        json!({"photo_id": PHOTO, "sha256": sha256_hex(b"x"), "size": 20 * 1024 * 1024 + 1,
               "mime": "image/jpeg"}),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        reply.text()
    );
    assert_eq!(reply.json()["error"], "payload_too_large");
    assert!(reply.json()["message"]
        .as_str()
        .is_some_and(|m| m.contains("20 MiB")));

    let bytes = photo_bytes(10_000);
    create(&t.router, &token, create_body(PHOTO, &bytes)).await;
    patch(&t.router, &token, PHOTO, 0, &bytes[..6_000]).await;
    // A byte past the end, declared in Content-Length.
    let mut longer = bytes[6_000..].to_vec();
    longer.push(0);
    let reply = patch(&t.router, &token, PHOTO, 6_000, &longer).await;
    assert_eq!(
        reply.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        reply.text()
    );
    assert!(reply.json()["message"]
        .as_str()
        .is_some_and(|m| m.contains("nothing was written")));
    assert_eq!(offset_of(&t.router, &token, PHOTO).await, 6_000);

    // The same without Content-Length (streamed): found out while reading, still nothing kept.
    let stream = streamed(longer.clone(), 1_000);
    let request = Request::patch(format!("/api/photos/{PHOTO}"))
        .header(header::CONTENT_TYPE, OCTETS)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header("Upload-Offset", 6_000)
        .body(stream)
        .expect("request");
    let reply = send(&t.router, request).await;
    assert_eq!(
        reply.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        reply.text()
    );
    assert_eq!(offset_of(&t.router, &token, PHOTO).await, 6_000);
    let partial = std::fs::read(photos_dir(&t).join("partial").join(PHOTO)).expect("partial");
    assert_eq!(partial, bytes[..6_000]);

    // A chunk over the per-request limit is refused before a byte is read.
    let request = Request::patch(format!("/api/photos/{PHOTO}"))
        .header(header::CONTENT_TYPE, OCTETS)
        .header(header::CONTENT_LENGTH, 8 * 1024 * 1024 + 1)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header("Upload-Offset", 6_000)
        .body(Body::empty())
        .expect("request");
    let reply = send(&t.router, request).await;
    assert_eq!(
        reply.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        reply.text()
    );
    assert_eq!(reply.json()["error"], "payload_too_large");
}

/// `bytes` as a body of `frame`-sized frames and no declared length, as a chunked upload
/// arrives.
fn streamed(bytes: Vec<u8>, frame: usize) -> Body {
    Body::from_stream(tokio_util::io::ReaderStream::with_capacity(
        std::io::Cursor::new(bytes),
        frame,
    ))
}

/// Pushes a visit at QH0101 (韩立新's school) and the record of a photo of it, as the phone's
/// sync engine does, with seqs `seq` and `seq + 1`.
async fn push_visit_and_photo_record(router: &Router, token: &str, seq: i64, bytes: &[u8]) {
    let now = dudao_server::clock::now_ms();
    let hlc = dudao_domain::sync::Hlc::new(now, 0);
    let visit = format!("0190a6e2-5b7c-7d1e-9f00-{seq:012x}");
    let school = demo::schools()
        .into_iter()
        .find(|s| s.code == "QH0101")
        .expect("QH0101");
    let header = json!({"school_id": school.id, "school": school, "supervisor": "韩立新",
                        "templates": [{"id": "wuxiang", "version": 1}], "started_at": now});
    let meta = json!({"id": PHOTO, "visit_id": visit, "item_code": "JC-01",
                      "sha256": sha256_hex(bytes), "size": bytes.len(), "width": 1600,
                      "height": 1200, "mime": "image/jpeg", "taken_at": now});
    let op = |field: &str, value: Value| json!({"field": field, "value": value, "base_rev": 0});
    let body = json!({"device_id": device_of("hanlixin"), "mutations": [
        {"seq": seq, "entity": "visit", "entity_id": visit, "hlc": hlc,
         "ops": [op("header", header), op("state", json!("finished"))]},
        {"seq": seq + 1, "entity": "photo", "entity_id": PHOTO, "hlc": hlc,
         "ops": [op("meta", meta), op("deleted", json!(false))]},
    ]});
    let request = Request::post("/api/sync/push")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(body.to_string()))
        .expect("request");
    let reply = send(router, request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    for result in reply.json()["results"].as_array().expect("results") {
        assert_eq!(result["status"], "applied", "{result}");
    }
}

async fn upload_whole(router: &Router, token: &str, bytes: &[u8]) {
    let reply = create(router, token, create_body(PHOTO, bytes)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let reply = patch(router, token, PHOTO, 0, bytes).await;
    assert_complete(&reply, PHOTO, bytes);
}

/// Who besides the uploader gets the photo: the office of its school's county, once the record
/// says which school; never a supervisor of other schools.
async fn assert_office_sees_the_photo(t: &TestApp, bytes: &[u8]) {
    let office = token_of(&t.router, "zhouli").await;
    let download = get_as(&t.router, &office, &format!("/api/photos/{PHOTO}")).await;
    assert_eq!(download.status, StatusCode::OK, "{}", download.text());
    assert_eq!(download.body, bytes);
    let status = get_as(&t.router, &office, &format!("/api/photos/{PHOTO}/status")).await;
    assert_complete(&status, PHOTO, bytes);
    let other = token_of(&t.router, "mashufen").await;
    let refused = get_as(&t.router, &other, &format!("/api/photos/{PHOTO}")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    assert!(refused.text().contains("outside what mashufen may see"));
}

async fn the_record_arrives_before_the_photo(backend: Backend) {
    let t = test_app_on(backend).await;
    let token = token_of(&t.router, "hanlixin").await;
    let bytes = photo_bytes(120_000);
    push_visit_and_photo_record(&t.router, &token, 1, &bytes).await;
    // The record is there and names bytes the server does not have yet.
    let office = token_of(&t.router, "zhouli").await;
    let missing = get_as(&t.router, &office, &format!("/api/photos/{PHOTO}")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    upload_whole(&t.router, &token, &bytes).await;
    assert_office_sees_the_photo(&t, &bytes).await;
}

async fn the_photo_arrives_before_its_record(backend: Backend) {
    let t = test_app_on(backend).await;
    let token = token_of(&t.router, "hanlixin").await;
    let bytes = photo_bytes(120_000);
    upload_whole(&t.router, &token, &bytes).await;
    assert_eq!(stored(&t, PHOTO), bytes);
    // Nobody but the uploader (and admins) can tell whose photo it is yet.
    let office = token_of(&t.router, "zhouli").await;
    let early = get_as(&t.router, &office, &format!("/api/photos/{PHOTO}")).await;
    assert_eq!(early.status, StatusCode::FORBIDDEN, "{}", early.text());
    assert!(early.text().contains("has not reached the server yet"));
    let admin = token_of(&t.router, "admin").await;
    let download = get_as(&t.router, &admin, &format!("/api/photos/{PHOTO}")).await;
    assert_eq!(download.body, bytes);

    push_visit_and_photo_record(&t.router, &token, 1, &bytes).await;
    assert_office_sees_the_photo(&t, &bytes).await;
}

async fn only_the_uploader_sends_bytes_and_every_route_needs_a_token(backend: Backend) {
    let t = test_app_on(backend).await;
    let token = token_of(&t.router, "hanlixin").await;
    let bytes = photo_bytes(10_000);
    create(&t.router, &token, create_body(PHOTO, &bytes)).await;

    let admin = token_of(&t.router, "admin").await;
    let reply = patch(&t.router, &admin, PHOTO, 0, &bytes).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text());
    // An admin may look, and looking does not disturb the upload.
    assert_eq!(offset_of(&t.router, &admin, PHOTO).await, 0);
    let other = token_of(&t.router, "mashufen").await;
    let reply = create(&t.router, &other, create_body(PHOTO, &bytes)).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text());

    let photo = format!("/api/photos/{PHOTO}");
    let status = format!("/api/photos/{PHOTO}/status");
    for (method, uri) in [
        ("POST", "/api/photos"),
        ("HEAD", photo.as_str()),
        ("PATCH", photo.as_str()),
        ("GET", photo.as_str()),
        ("GET", status.as_str()),
    ] {
        let mut request = Request::builder().method(method).uri(uri);
        request = match method {
            "POST" => request.header(header::CONTENT_TYPE, "application/json"),
            "PATCH" => request
                .header(header::CONTENT_TYPE, OCTETS)
                .header("Upload-Offset", 0),
            _ => request,
        };
        let body = match method {
            "POST" => Body::from(create_body(PHOTO, &bytes).to_string()),
            "PATCH" => Body::from(bytes.clone()),
            _ => Body::empty(),
        };
        let reply = send(&t.router, request.body(body).expect("request")).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{method} {uri}");
        if method != "HEAD" {
            assert_eq!(reply.json()["error"], "unauthorized", "{method} {uri}");
        }
    }
    assert_eq!(offset_of(&t.router, &token, PHOTO).await, 0);

    // Ids and values the routes refuse by name.
    for (body, says) in [
        (
            json!({"photo_id": "photo-1", "sha256": sha256_hex(&bytes), "size": 1, "mime": "image/jpeg"}),
            "not a UUID",
        ),
        (
            json!({"photo_id": PHOTO, "sha256": sha256_hex(&bytes).to_uppercase(), "size": 1, "mime": "image/jpeg"}),
            "lower-case hex",
        ),
        (
            json!({"photo_id": PHOTO, "sha256": sha256_hex(&bytes), "size": 0, "mime": "image/jpeg"}),
            "size is 0",
        ),
        (
            json!({"photo_id": PHOTO, "sha256": sha256_hex(&bytes), "size": 1, "mime": "image/gif"}),
            "image/gif",
        ),
    ] {
        let reply = create(&t.router, &token, body).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
        assert!(reply.text().contains(says), "{}", reply.text());
    }
    let reply = get_as(&t.router, &token, "/api/photos/photo-1/status").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let reply = get_as(
        &t.router,
        &token,
        "/api/photos/0190a6e2-0000-7000-8000-000000000000",
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let request = Request::patch(&photo)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header("Upload-Offset", 0)
        .body(Body::from(bytes.clone()))
        .expect("request");
    let reply = send(&t.router, request).await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(reply.text().contains(OCTETS));
}

/// What a server stopped mid-request leaves behind is put right by the uploader's next request:
/// bytes written but never acknowledged are cut off, a lost partial file starts over, a photo
/// moved into place but not yet recorded as complete is checked and completed.
async fn a_server_stopped_mid_upload_recovers_from_disk_and_database(backend: Backend) {
    let t = test_app_on(backend).await;
    let token = token_of(&t.router, "hanlixin").await;
    let bytes = photo_bytes(20_000);
    create(&t.router, &token, create_body(PHOTO, &bytes)).await;
    patch(&t.router, &token, PHOTO, 0, &bytes[..4_000]).await;
    let partial = photos_dir(&t).join("partial").join(PHOTO);

    // Written, never synced nor acknowledged: junk after the offset.
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&partial)
        .expect("partial");
    std::io::Write::write_all(&mut file, &[0xEE; 500]).expect("append");
    drop(file);
    assert_eq!(offset_of(&t.router, &token, PHOTO).await, 4_000);
    assert_eq!(std::fs::read(&partial).expect("partial"), bytes[..4_000]);

    // The partial file is gone (a disk replaced): the upload starts over rather than leave a gap.
    std::fs::remove_file(&partial).expect("remove");
    assert_eq!(offset_of(&t.router, &token, PHOTO).await, 0);
    let reply = patch(&t.router, &token, PHOTO, 0, &bytes).await;
    assert_complete(&reply, PHOTO, &bytes);

    // Moved into place, stopped before the database said complete.
    t.db.execute("UPDATE photo_uploads SET complete = (1 = 0), completed_at = NULL")
        .await
        .expect("update");
    let status = get_as(&t.router, &token, &format!("/api/photos/{PHOTO}/status")).await;
    assert_complete(&status, PHOTO, &bytes);
    assert_eq!(stored(&t, PHOTO), bytes);
}

/// One HTTP/1.1 request on a new connection; the status and body of the answer.
async fn http(addr: &str, head: &str, body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let request = format!(
        "{head}\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    stream.write_all(body).await.expect("write body");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").expect("head and body");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    (status, body.to_owned())
}

/// `dudao-server` keeps photos next to its SQLite file unless `--data-dir` says elsewhere.
#[tokio::test]
async fn the_binary_keeps_photos_in_its_data_dir() {
    use tokio::io::AsyncBufReadExt;

    for explicit in [false, true] {
        let dir = tempfile::tempdir().expect("temp dir");
        let database = dir.path().join("db").join("dudao.sqlite");
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_dudao-server"));
        command
            .arg("serve")
            .arg("--addr=127.0.0.1:0")
            .arg(format!("--dist={}", dir.path().join("dist").display()))
            .arg(format!("--database={}", database.display()))
            .env_remove("DUDAO_DATABASE")
            .env_remove("DATABASE_URL")
            .env_remove("DUDAO_DATA_DIR")
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true);
        let data_dir = if explicit {
            let d = dir.path().join("photo-disk");
            command.env("DUDAO_DATA_DIR", &d);
            d
        } else {
            dir.path().join("db")
        };
        let mut child = command.spawn().expect("start dudao-server");
        let line = tokio::io::BufReader::new(child.stdout.take().expect("stdout"))
            .lines()
            .next_line()
            .await
            .expect("stdout")
            .expect("the address line");
        let addr = line
            .strip_prefix("Dudao is running at http://")
            .and_then(|r| r.strip_suffix('/'))
            .unwrap_or_else(|| panic!("{line}"))
            .to_owned();

        let login = json!({"username": "hanlixin", "password": demo::DEMO_PASSWORD,
                           "device_id": DEVICE});
        let (status, body) = http(
            &addr,
            "POST /api/login HTTP/1.1\r\nContent-Type: application/json",
            login.to_string().as_bytes(),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let token: Value = serde_json::from_str(&body).expect("JSON");
        let auth = format!(
            "Authorization: Bearer {}",
            token["token"].as_str().expect("token")
        );
        let bytes = photo_bytes(5_000);
        let (status, body) = http(
            &addr,
            &format!("POST /api/photos HTTP/1.1\r\nContent-Type: application/json\r\n{auth}"),
            create_body(PHOTO, &bytes).to_string().as_bytes(),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let (status, body) = http(
            &addr,
            &format!(
                "PATCH /api/photos/{PHOTO} HTTP/1.1\r\nContent-Type: {OCTETS}\r\n\
                 Upload-Offset: 0\r\n{auth}"
            ),
            &bytes,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let kept = data_dir.join("photos").join(&PHOTO[..2]).join(PHOTO);
        assert_eq!(std::fs::read(&kept).expect("the photo's file"), bytes);
        child.kill().await.expect("stop dudao-server");
    }
}

both_backends!(
    a_server_stopped_mid_upload_recovers_from_disk_and_database,
    the_record_arrives_before_the_photo,
    the_photo_arrives_before_its_record,
    only_the_uploader_sends_bytes_and_every_route_needs_a_token,
);

both_backends!(
    a_photo_uploads_in_chunks_and_downloads_byte_for_byte,
    an_upload_cut_at_37_percent_keeps_what_arrived_and_resumes,
    a_connection_gone_silent_does_not_block_the_resume,
    a_chunk_whose_checksum_does_not_match_is_discarded,
    a_corrupted_byte_fails_the_final_hash_and_the_upload_starts_over,
    a_patch_at_another_offset_is_409_and_writes_nothing,
    creating_an_upload_again_answers_how_far_it_got,
    the_same_id_with_another_hash_or_size_is_409,
    too_large_photos_and_chunks_are_413_and_write_nothing,
);
