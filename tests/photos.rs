//! Photo evidence in a real browser (headless Chromium): what a supervisor relies on when a
//! photo is taken into a visit — it is stored upright, no bigger than 1600 px, with a hash that
//! matches its bytes, together with the answer that lists it, and it is gone with its listing.
#![cfg(target_arch = "wasm32")]

use dudao::photo::{process, PhotoError, PhotoInput};
use dudao::storage::idb::{Db, OUTBOX, PHOTOS, VISITS};
use dudao::storage::outbox;
use dudao::storage::photos::{self, StoredPhoto};
use dudao::storage::repo;
use dudao::sync::store;
use dudao_domain::{Checklist, GradeRange, School, Stage, Template, Visit};
use js_sys::Uint8Array;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{
    Blob, CanvasRenderingContext2d, HtmlCanvasElement, ImageBitmap, ImageBitmapOptions,
    ImageOrientation,
};

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{blob_of, bytes, template};

fn school() -> School {
    School {
        id: "s1".into(),
        code: "QH0101".into(),
        name: "清河县实验小学".into(),
        district: "城关镇".into(),
        stage: Stage::Primary,
        grades: GradeRange::new(1, 6),
        enrolment: 1800,
        boarding: false,
        address: String::new(),
        contact: String::new(),
        supervisor: String::new(),
        county: String::new(),
        facilities: Default::default(),
    }
}

/// A visit and the code of one of its visible items.
fn visit(id: &str) -> (Visit, String, Template) {
    let t = template();
    let s = school();
    let v = Visit::new(id.into(), &s, "王建国".into(), &[&t], 1);
    let refs = [&t];
    let code = Checklist::new(&refs, &s)
        .visible(&Default::default())
        .first()
        .map(|e| e.item.code.clone())
        .expect("the template shows items to a primary school");
    (v, code, t)
}

fn input(visit: &Visit, code: &str, id: &str) -> PhotoInput {
    PhotoInput {
        id: id.into(),
        visit_id: visit.id.clone(),
        item_code: code.into(),
        school: visit.school.name.clone(),
        supervisor: visit.supervisor.clone(),
        taken_at: 1_795_327_500_000,
    }
}

async fn fresh_db(name: &str) -> (Db, String) {
    let name = format!("{name}-{}", js_sys::Math::random());
    let db = Db::open_named(&name)
        .await
        .expect("IndexedDB opens in Chromium");
    (db, name)
}

fn canvas(w: u32, h: u32) -> (HtmlCanvasElement, CanvasRenderingContext2d) {
    let c: HtmlCanvasElement = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .create_element("canvas")
        .unwrap()
        .unchecked_into();
    c.set_width(w);
    c.set_height(h);
    let ctx = c.get_context("2d").unwrap().unwrap().unchecked_into();
    (c, ctx)
}

async fn to_jpeg(c: &HtmlCanvasElement) -> Vec<u8> {
    let c2 = c.clone();
    let p = js_sys::Promise::new(&mut |resolve, _| {
        let cb = wasm_bindgen::closure::Closure::once_into_js(move |b: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &b);
        });
        c2.to_blob_with_type_and_encoder_options(cb.unchecked_ref(), "image/jpeg", &0.9.into())
            .unwrap();
    });
    let blob: Blob = JsFuture::from(p).await.unwrap().unchecked_into();
    bytes(&blob).await
}

/// A camera-sized picture: red in the top-left quarter, blue elsewhere, as JPEG.
async fn camera_jpeg(w: u32, h: u32) -> Vec<u8> {
    let (c, ctx) = canvas(w, h);
    ctx.set_fill_style_str("#0040ff");
    ctx.fill_rect(0.0, 0.0, w as f64, h as f64);
    ctx.set_fill_style_str("#ff0000");
    ctx.fill_rect(0.0, 0.0, w as f64 / 2.0, h as f64 / 2.0);
    to_jpeg(&c).await
}

/// The JPEG with an EXIF block (APP1, big-endian TIFF, one Orientation tag) right after SOI,
/// as a phone held upright writes it: the sensor's picture is to be turned a quarter clockwise.
fn with_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "a JPEG starts with SOI");
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\0\x2a");
    tiff.extend_from_slice(&8u32.to_be_bytes()); // IFD0 right after the header
    tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_be_bytes()); // one value
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]); // the value field is 4 bytes
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The stored JPEG decoded as a browser shows it: its size and the colour at (x, y).
async fn decode(blob: &Blob) -> (u32, u32, impl Fn(u32, u32) -> [u8; 3]) {
    let opts = ImageBitmapOptions::new();
    opts.set_image_orientation(ImageOrientation::FromImage);
    let p = web_sys::window()
        .unwrap()
        .create_image_bitmap_with_blob_and_image_bitmap_options(blob, &opts)
        .unwrap();
    let bm: ImageBitmap = JsFuture::from(p)
        .await
        .expect("the stored photo decodes")
        .unchecked_into();
    let (w, h) = (bm.width(), bm.height());
    let (_, ctx) = canvas(w, h);
    ctx.draw_image_with_image_bitmap(&bm, 0.0, 0.0).unwrap();
    let data = ctx
        .get_image_data(0.0, 0.0, w as f64, h as f64)
        .unwrap()
        .data()
        .0;
    (w, h, move |x, y| {
        let i = ((y * w + x) * 4) as usize;
        [data[i], data[i + 1], data[i + 2]]
    })
}

fn is_red(p: [u8; 3]) -> bool {
    p[0] > 200 && p[1] < 60 && p[2] < 60
}
fn is_blue(p: [u8; 3]) -> bool {
    p[0] < 60 && p[2] > 200
}

async fn sha256(bytes: &[u8]) -> String {
    let subtle = web_sys::window().unwrap().crypto().unwrap().subtle();
    let p = subtle
        .digest_with_str_and_u8_array("SHA-256", bytes)
        .unwrap();
    let buf = JsFuture::from(p).await.unwrap();
    Uint8Array::new(&buf)
        .to_vec()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[wasm_bindgen_test]
async fn a_12_megapixel_photo_taken_upright_is_stored_portrait_1200_by_1600() {
    let (v, code, _) = visit("v-orient");
    let raw = with_orientation(&camera_jpeg(4000, 3000).await, 6);
    let photo = process(&blob_of(&raw, "image/jpeg"), input(&v, &code, "p1"))
        .await
        .expect("a camera JPEG is processed");
    assert_eq!((photo.meta.width, photo.meta.height), (1200, 1600));
    let (w, h, px) = decode(&photo.blob).await;
    assert_eq!((w, h), (1200, 1600), "the stored JPEG itself is portrait");
    // Turned a quarter clockwise: the sensor's top-left corner is now the top-right.
    assert!(
        is_red(px(1100, 100)),
        "top-right is red: {:?}",
        px(1100, 100)
    );
    assert!(
        is_blue(px(100, 100)),
        "top-left is blue: {:?}",
        px(100, 100)
    );
    // The watermark band darkens the bottom edge.
    let bottom = px(1100, 1595);
    assert!(
        bottom[2] < 200,
        "the bottom carries the dark watermark band: {bottom:?}"
    );
    let (tw, th, _) = decode(&photo.thumb).await;
    assert_eq!((tw, th), (180, 240), "the thumbnail is portrait too");
}

#[wasm_bindgen_test]
async fn the_stored_bytes_hash_to_the_recorded_sha256_and_fit_1600() {
    let (v, code, _) = visit("v-hash");
    let raw = camera_jpeg(4000, 3000).await;
    let photo = process(&blob_of(&raw, "image/jpeg"), input(&v, &code, "p2"))
        .await
        .unwrap();
    let stored = bytes(&photo.blob).await;
    assert_eq!(photo.meta.sha256, sha256(&stored).await);
    assert_eq!(photo.meta.sha256.len(), 64);
    assert_eq!(photo.meta.size, stored.len() as u64);
    assert_eq!(photo.meta.mime, "image/jpeg");
    assert_eq!(&stored[..2], &[0xFF, 0xD8], "stored as JPEG");
    assert_eq!((photo.meta.width, photo.meta.height), (1600, 1200));
    let (w, h, _) = decode(&photo.blob).await;
    assert!(w.max(h) <= 1600);
    assert!(
        stored.len() < raw.len(),
        "smaller than the camera's file ({} vs {})",
        stored.len(),
        raw.len()
    );
    assert_eq!(
        (photo.meta.id.as_str(), photo.meta.visit_id.as_str()),
        ("p2", "v-hash")
    );
    assert_eq!(photo.meta.item_code, code);
}

#[wasm_bindgen_test]
async fn a_small_photo_is_not_enlarged() {
    let (v, code, _) = visit("v-small");
    let raw = camera_jpeg(800, 600).await;
    let photo = process(&blob_of(&raw, "image/jpeg"), input(&v, &code, "p3"))
        .await
        .unwrap();
    assert_eq!((photo.meta.width, photo.meta.height), (800, 600));
    let (w, h, _) = decode(&photo.blob).await;
    assert_eq!((w, h), (800, 600));
}

#[wasm_bindgen_test]
async fn a_png_screenshot_is_stored_as_jpeg_within_1600() {
    let (v, code, _) = visit("v-png");
    let (c, ctx) = canvas(2000, 1000);
    ctx.set_fill_style_str("#208020");
    ctx.fill_rect(0.0, 0.0, 2000.0, 1000.0);
    let p = js_sys::Promise::new(&mut |resolve, _| {
        let cb = wasm_bindgen::closure::Closure::once_into_js(move |b: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &b);
        });
        c.to_blob(cb.unchecked_ref()).unwrap();
    });
    let png: Blob = JsFuture::from(p).await.unwrap().unchecked_into();
    let photo = process(&png, input(&v, &code, "p4")).await.unwrap();
    assert_eq!((photo.meta.width, photo.meta.height), (1600, 800));
    assert_eq!(&bytes(&photo.blob).await[..2], &[0xFF, 0xD8]);
}

/// A format whose size is not read from its header (WebP here) takes the other road: decoded
/// whole, then drawn scaled. Same result.
#[wasm_bindgen_test]
async fn a_webp_picture_is_drawn_down_to_1600() {
    let (v, code, _) = visit("v-webp");
    let (c, ctx) = canvas(3000, 2000);
    ctx.set_fill_style_str("#ff0000");
    ctx.fill_rect(0.0, 0.0, 3000.0, 2000.0);
    let p = js_sys::Promise::new(&mut |resolve, _| {
        let cb = wasm_bindgen::closure::Closure::once_into_js(move |b: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &b);
        });
        c.to_blob_with_type(cb.unchecked_ref(), "image/webp")
            .unwrap();
    });
    let webp: Blob = JsFuture::from(p).await.unwrap().unchecked_into();
    if webp.type_() != "image/webp" {
        // WebKit decodes WebP but its canvas cannot encode one (it gives a PNG): there is no
        // WebP to try here. Chromium runs this test in full.
        web_sys::console::log_1(&"no WebP encoder in this engine: WebP not tried".into());
        return;
    }
    let photo = process(&webp, input(&v, &code, "p11")).await.unwrap();
    assert_eq!((photo.meta.width, photo.meta.height), (1600, 1067));
    let (w, h, px) = decode(&photo.blob).await;
    assert_eq!((w, h), (1600, 1067));
    assert!(is_red(px(800, 400)), "{:?}", px(800, 400));
}

#[wasm_bindgen_test]
async fn a_text_file_is_rejected_with_a_clear_error_and_nothing_is_stored() {
    let (db, _) = fresh_db("photo-text").await;
    let (v, code, _) = visit("v-text");
    for kind in ["text/plain", ""] {
        let file = blob_of("这不是照片".as_bytes(), kind);
        let err = process(&file, input(&v, &code, "p5"))
            .await
            .expect_err("a text file is not a photo");
        assert!(
            matches!(err, PhotoError::Unreadable(_)),
            "{kind:?}: {err:?}"
        );
        assert_eq!(
            err.user_message(&dudao::i18n::ZH),
            "无法读取这张照片：文件不是图片或已损坏"
        );
    }
    // A JPEG cut off after its header is damaged, not a photo either.
    let raw = camera_jpeg(400, 300).await;
    let err = process(&blob_of(&raw[..40], "image/jpeg"), input(&v, &code, "p6"))
        .await
        .expect_err("a truncated JPEG is not a photo");
    assert!(matches!(err, PhotoError::Unreadable(_)), "{err:?}");
    assert_eq!(db.count(PHOTOS).await.unwrap(), 0);
    assert_eq!(db.count(OUTBOX).await.unwrap(), 0);
}

async fn attached(v: &Visit, t: &Template, code: &str, photo: &StoredPhoto) -> Visit {
    let mut next = v.clone();
    let refs = [t];
    let school = next.school.clone();
    next.attach_photo(
        &Checklist::new(&refs, &school),
        code,
        photo.meta.id.clone(),
        5,
    )
    .unwrap();
    next
}

#[wasm_bindgen_test]
async fn a_saved_photo_reads_back_byte_for_byte_from_a_new_connection() {
    let (db, name) = fresh_db("photo-save").await;
    let (v, code, t) = visit("v-save");
    let raw = camera_jpeg(1200, 900).await;
    let photo = process(&blob_of(&raw, "image/jpeg"), input(&v, &code, "p7"))
        .await
        .unwrap();
    let next = attached(&v, &t, &code, &photo).await;
    photos::save_photo_in(&db, None, &next, &photo)
        .await
        .unwrap();
    db.close();

    // As after a reload or a killed tab.
    let db = Db::open_named(&name).await.unwrap();
    let back = photos::photos_for_visit_in(&db, "v-save").await.unwrap();
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].meta, photo.meta);
    assert_eq!(bytes(&back[0].blob).await, bytes(&photo.blob).await);
    assert_eq!(bytes(&back[0].thumb).await, bytes(&photo.thumb).await);
    assert_eq!(sha256(&bytes(&back[0].blob).await).await, photo.meta.sha256);
    let stored: Visit = db.get(VISITS, "v-save").await.unwrap().unwrap();
    assert_eq!(stored.answers[&code].photos, vec!["p7".to_string()]);
    // Both records are marked changed, and what the sync engine makes of them lists the photo
    // on the answer and sends the photo itself.
    let outbox = outbox::entries_in(&db).await.unwrap();
    assert!(outbox
        .iter()
        .any(|e| e.entity == "visit" && e.entity_id == "v-save"));
    assert!(outbox
        .iter()
        .any(|e| e.entity == "photo" && e.entity_id == "p7"));
    assert_eq!(store::coalesce(&db, 20).await.unwrap(), 2);
    let sent = store::pending_mutations(&db).await.unwrap();
    assert_eq!(sent[0].entity, "visit", "the visit goes before its photo");
    assert!(sent[0].ops.iter().any(
        |o| o.field == format!("answers.{code}.photos") && o.value == serde_json::json!(["p7"])
    ));
    assert_eq!(
        (sent[1].entity.as_str(), sent[1].entity_id.as_str()),
        ("photo", "p7")
    );
    // Another visit's photos are not this one's.
    assert!(photos::photos_for_visit_in(&db, "v-other")
        .await
        .unwrap()
        .is_empty());
}

#[wasm_bindgen_test]
async fn a_photo_not_listed_on_its_answer_is_refused_and_nothing_is_stored() {
    let (db, _) = fresh_db("photo-unlisted").await;
    let (v, code, _) = visit("v-unlisted");
    let raw = camera_jpeg(400, 300).await;
    let photo = process(&blob_of(&raw, "image/jpeg"), input(&v, &code, "p8"))
        .await
        .unwrap();
    assert!(photos::save_photo_in(&db, None, &v, &photo).await.is_err());
    assert_eq!(db.count(PHOTOS).await.unwrap(), 0);
    assert_eq!(db.count(VISITS).await.unwrap(), 0);
    assert_eq!(db.count(OUTBOX).await.unwrap(), 0);
}

#[wasm_bindgen_test]
async fn deleting_a_photo_removes_it_from_the_answer_and_the_store_and_queues_the_change() {
    let (db, _) = fresh_db("photo-delete").await;
    let (v, code, t) = visit("v-del");
    let raw = camera_jpeg(400, 300).await;
    let photo = process(&blob_of(&raw, "image/jpeg"), input(&v, &code, "p9"))
        .await
        .unwrap();
    let next = attached(&v, &t, &code, &photo).await;
    photos::save_photo_in(&db, None, &next, &photo)
        .await
        .unwrap();
    // Sent to the server once (as mutations), so deleting it is news to the server.
    assert_eq!(store::coalesce(&db, 8).await.unwrap(), 2);
    assert_eq!(db.count(OUTBOX).await.unwrap(), 0);

    let mut detached = next.clone();
    detached.detach_photo(&code, "p9", 10).unwrap();
    let current = photos::delete_photo_in(&db, &next, &detached, "p9")
        .await
        .unwrap();
    assert!(current.answers[&code].photos.is_empty());
    assert!(photos::photo_in(&db, "p9").await.unwrap().is_none());
    assert!(photos::photos_for_visit_in(&db, "v-del")
        .await
        .unwrap()
        .is_empty());
    let stored: Visit = db.get(VISITS, "v-del").await.unwrap().unwrap();
    assert!(stored.answers[&code].photos.is_empty());
    assert_eq!(
        db.count(OUTBOX).await.unwrap(),
        2,
        "the visit and the photo are marked"
    );
    assert_eq!(store::coalesce(&db, 11).await.unwrap(), 2);
    let new: Vec<_> = store::pending_mutations(&db)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.created_at == 11)
        .collect();
    assert!(new.iter().any(|m| m.entity == "visit"
        && m.ops.iter().any(
            |o| o.field == format!("answers.{code}.photos") && o.value == serde_json::json!([])
        )));
    assert!(new.iter().any(|m| m.entity == "photo"
        && m.entity_id == "p9"
        && m.ops
            .iter()
            .any(|o| o.field == "deleted" && o.value == serde_json::json!(true))));
}

#[wasm_bindgen_test]
async fn a_finished_visit_keeps_its_photos() {
    let (db, _) = fresh_db("photo-ro").await;
    let (v, code, t) = visit("v-ro");
    let raw = camera_jpeg(400, 300).await;
    let photo = process(&blob_of(&raw, "image/jpeg"), input(&v, &code, "p10"))
        .await
        .unwrap();
    let mut next = attached(&v, &t, &code, &photo).await;
    photos::save_photo_in(&db, None, &next, &photo)
        .await
        .unwrap();
    // Finished on the phone, then a delete begun on the older copy.
    let before = next.clone();
    next.state = dudao_domain::VisitState::Finished;
    repo::save_visit_in(&db, Some(&before), &next)
        .await
        .unwrap();
    let outbox = db.count(OUTBOX).await.unwrap();
    let mut detached = before.clone();
    detached.detach_photo(&code, "p10", 10).unwrap();
    assert!(photos::delete_photo_in(&db, &before, &detached, "p10")
        .await
        .is_err());
    assert_eq!(next.answers[&code].photos, vec!["p10".to_string()]);
    assert!(photos::photo_in(&db, "p10").await.unwrap().is_some());
    assert_eq!(db.count(OUTBOX).await.unwrap(), outbox);
}

/// A phone that used the app before photos existed: its database (version 1) with an unsynced
/// change is upgraded in place, the change kept.
#[wasm_bindgen_test]
async fn upgrading_a_version_1_database_keeps_the_outbox_and_adds_photos() {
    use web_sys::{IdbDatabase, IdbObjectStoreParameters, IdbOpenDbRequest};
    let name = format!("photo-upgrade-{}", js_sys::Math::random());
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let open: IdbOpenDbRequest = factory.open_with_u32(&name, 1).unwrap();
    let upgrade = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(
        move |ev: web_sys::Event| {
            let req: IdbOpenDbRequest = ev.target().unwrap().unchecked_into();
            let db: IdbDatabase = req.result().unwrap().unchecked_into();
            let by_id = IdbObjectStoreParameters::new();
            by_id.set_key_path(&"id".into());
            db.create_object_store_with_optional_parameters("visits", &by_id)
                .unwrap();
            db.create_object_store_with_optional_parameters("schools", &by_id)
                .unwrap();
            let by_key = IdbObjectStoreParameters::new();
            by_key.set_key_path(&"key".into());
            db.create_object_store_with_optional_parameters("templates", &by_key)
                .unwrap();
            db.create_object_store_with_optional_parameters("meta", &by_key)
                .unwrap();
            let ob = IdbObjectStoreParameters::new();
            ob.set_key_path(&"seq".into());
            ob.set_auto_increment(true);
            let outbox = db
                .create_object_store_with_optional_parameters("outbox", &ob)
                .unwrap();
            let entry = js_sys::JSON::parse(
                r#"{"entity":"visit","entity_id":"old","ops":[{"field":"*","value":{}}],"at":1}"#,
            )
            .unwrap();
            outbox.put(&entry).unwrap();
        },
    );
    open.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let done = js_sys::Promise::new(&mut |resolve, _| {
        open.set_onsuccess(Some(&resolve));
    });
    JsFuture::from(done).await.unwrap();
    let v1: IdbDatabase = open.result().unwrap().unchecked_into();
    v1.close();
    drop(upgrade);

    let db = Db::open_named(&name).await.expect("version 1 upgrades");
    let outbox = outbox::entries_in(&db).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].entity_id, "old");
    assert_eq!(
        db.count(PHOTOS).await.unwrap(),
        0,
        "the photos store exists"
    );
}

/// On plain http (an office server on the county LAN) there is no `crypto.subtle`: the Rust
/// digest must give the same hash, or the server would reject every photo from such a phone.
#[wasm_bindgen_test]
async fn the_rust_digest_used_without_https_agrees_with_the_browsers() {
    let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    assert_eq!(process::sha256_hex_in_rust(b"abc"), abc);
    assert_eq!(process::sha256_hex(b"abc").await.unwrap(), abc);
    let (c, _) = canvas(640, 480);
    let jpeg = to_jpeg(&c).await;
    assert_eq!(
        process::sha256_hex(&jpeg).await.unwrap(),
        process::sha256_hex_in_rust(&jpeg)
    );
}

/// Whether `field` of the stored photo record `id` is a Blob (else an ArrayBuffer, or absent).
async fn stored_as_blob(db: &Db, id: &str, field: &str) -> Option<bool> {
    let raw = db.get_raw(PHOTOS, id).await.unwrap().unwrap();
    let v = js_sys::Reflect::get(&raw, &JsValue::from_str(field)).unwrap();
    if v.is_instance_of::<Blob>() {
        Some(true)
    } else if v.is_instance_of::<js_sys::ArrayBuffer>() {
        Some(false)
    } else {
        None
    }
}

#[wasm_bindgen_test]
fn webkits_refusal_of_blobs_is_recognised_and_nothing_else_is() {
    use dudao::storage::photo_bytes::refuses_blobs;
    use dudao::storage::StorageError;
    // What WebKit 2.50 reports in a session that keeps nothing on disk (seen in the WebKit walk).
    let e = web_sys::DomException::new_with_message_and_name(
        "Error preparing Blob/File data to be stored in object store",
        "UnknownError",
    )
    .unwrap();
    assert!(refuses_blobs(&StorageError::from_js(e.into())));
    let other =
        web_sys::DomException::new_with_message_and_name("disk I/O", "UnknownError").unwrap();
    assert!(!refuses_blobs(&StorageError::from_js(other.into())));
    assert!(!refuses_blobs(&StorageError::QuotaExceeded));
}

#[wasm_bindgen_test]
fn only_webkit_is_asked_whether_it_stores_blobs() {
    use dudao::storage::photo_bytes::is_webkit_ua;
    let webkit = [
        // Safari on an iPhone; WeChat on an iPhone; WebKitGTK (the WebKit walk).
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.35(0x18002329) NetType/WIFI Language/zh_CN",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/60.5 Safari/605.1.15",
    ];
    let not = [
        // Chrome on Android; WeChat on Android (XWEB); desktop Chrome; Edge; Firefox.
        "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 13; V2164A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230405 MicroMessenger/8.0.35.2360(0x2800235D) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0",
        "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    ];
    for ua in webkit {
        assert!(is_webkit_ua(ua), "{ua}");
    }
    for ua in not {
        assert!(!is_webkit_ua(ua), "{ua}");
    }
}

#[wasm_bindgen_test]
async fn where_blobs_are_refused_a_photo_is_stored_as_bytes_and_reads_back_the_same() {
    use dudao::storage::{backup, photo_bytes};
    let (db, name) = fresh_db("photo-bytes").await;
    let (v, code, t) = visit("v-bytes");
    let raw = camera_jpeg(1200, 900).await;
    let photo = process(&blob_of(&raw, "image/jpeg"), input(&v, &code, "p-bytes"))
        .await
        .unwrap();
    let next = attached(&v, &t, &code, &photo).await;

    // An engine that refuses Blobs (WebKit without a disk profile): the page has met the refusal.
    // (What this engine really does is found out first, and is what later tests get back.)
    photo_bytes::probe().await;
    let engine_refuses = photo_bytes::blobs_refused();
    photo_bytes::set_blobs_refused(true);
    let saved = photos::save_photo_in(&db, None, &next, &photo).await;
    let (jpeg, thumb) = (bytes(&photo.blob).await, bytes(&photo.thumb).await);
    let db = {
        db.close();
        Db::open_named(&name).await.unwrap()
    };
    let outcome = async {
        saved.unwrap();
        assert_eq!(
            stored_as_blob(&db, "p-bytes", "blob").await,
            Some(false),
            "stored as bytes"
        );
        assert_eq!(stored_as_blob(&db, "p-bytes", "thumb").await, Some(false));

        // Every reader gets the photo as before: the visit's photos, the upload queue, the backup.
        let back = photos::photos_for_visit_in(&db, "v-bytes").await.unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].blob.type_(), "image/jpeg");
        assert_eq!(bytes(&back[0].blob).await, jpeg);
        assert_eq!(bytes(&back[0].thumb).await, thumb);
        assert_eq!(sha256(&bytes(&back[0].blob).await).await, photo.meta.sha256);
        let up = store::photos_to_upload(&db).await.unwrap();
        assert_eq!(up.len(), 1);
        assert_eq!(bytes(&up[0].blob).await, jpeg);
        let file = backup::export_in(&db, 1_796_110_200_000, 480, |_, _| {})
            .await
            .unwrap();

        // Uploaded: the full photo is freed, the thumbnail still shows.
        store::photo_uploaded(&db, "p-bytes", 9).await.unwrap();
        assert_eq!(stored_as_blob(&db, "p-bytes", "blob").await, None);
        let back = photos::photo_in(&db, "p-bytes").await.unwrap().unwrap();
        assert!(back.on_server);
        assert_eq!(bytes(&back.thumb).await, thumb);

        // The backup restores onto another phone of the same kind, as bytes.
        let (other, _) = fresh_db("photo-bytes-restore").await;
        let report = backup::import_in(&other, &file.json).await.unwrap();
        assert_eq!(report.photos_added, 1);
        assert_eq!(stored_as_blob(&other, "p-bytes", "blob").await, Some(false));
        let back = photos::photo_in(&other, "p-bytes").await.unwrap().unwrap();
        assert_eq!(bytes(&back.blob).await, jpeg);
    }
    .await;
    photo_bytes::set_blobs_refused(engine_refuses);
    outcome
}
