//! Schema upgrades in a real browser (headless Chromium): a phone's existing visits and
//! unsynced changes survive a new schema version, and a second open tab neither blocks the
//! upgrade nor is left with a dead connection.
#![cfg(target_arch = "wasm32")]

use dudao::storage::idb::{
    Db, DB_VERSION, EVENT_OPENED, EVENT_UPGRADE_BLOCKED, EVENT_VERSION_CHANGE, MUTATIONS, OUTBOX,
    PHOTOS, SYNC_RECORDS, VISITS,
};
use dudao::storage::outbox;
use dudao::storage::outbox::OutboxKey;
use dudao::storage::repo;
use dudao_domain::{GradeRange, School, Stage, Visit};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{IdbDatabase, IdbObjectStoreParameters, IdbOpenDbRequest};

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::template;

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

fn unique(name: &str) -> String {
    format!("{name}-{}", js_sys::Math::random())
}

/// Resolves with the first `name` event on the window.
fn next_window_event(name: &str) -> JsFuture {
    let name = name.to_string();
    JsFuture::from(Promise::new(&mut |resolve, _| {
        // Resolving again later is a no-op.
        web_sys::window()
            .unwrap()
            .add_event_listener_with_callback(&name, &resolve)
            .unwrap();
    }))
}

/// Opens `name` with the raw API at `version`, running `setup` in the upgrade; the way an
/// older build of the app (or one without a `versionchange` handler) holds the database.
async fn open_raw(
    name: &str,
    version: u32,
    setup: impl FnMut(IdbDatabase) + 'static,
) -> IdbDatabase {
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let open: IdbOpenDbRequest = factory.open_with_u32(name, version).unwrap();
    let mut setup = setup;
    let upgrade = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
        let req: IdbOpenDbRequest = ev.target().unwrap().unchecked_into();
        setup(req.result().unwrap().unchecked_into());
    });
    open.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let done = Promise::new(&mut |resolve, reject| {
        open.set_onsuccess(Some(&resolve));
        open.set_onerror(Some(&reject));
    });
    JsFuture::from(done).await.expect("raw open succeeds");
    drop(upgrade);
    open.result().unwrap().unchecked_into()
}

/// The schema as version 1 of the app created it, holding a visit and two unsynced changes.
fn version_1_with_records(visit: serde_json::Value) -> impl FnMut(IdbDatabase) {
    move |db: IdbDatabase| {
        let by_id = IdbObjectStoreParameters::new();
        by_id.set_key_path(&"id".into());
        let visits = db
            .create_object_store_with_optional_parameters("visits", &by_id)
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
        visits
            .put(&js_sys::JSON::parse(&visit.to_string()).unwrap())
            .unwrap();
        for (i, field) in ["*", "answers.X.note"].iter().enumerate() {
            let entry = serde_json::json!({
                "entity": "visit", "entity_id": "old-visit",
                "ops": [{"field": field, "value": {}}], "at": i + 1,
            });
            outbox
                .put(&js_sys::JSON::parse(&entry.to_string()).unwrap())
                .unwrap();
        }
    }
}

#[wasm_bindgen_test]
async fn a_version_1_database_upgrades_with_its_visits_and_unsynced_changes_intact() {
    let t = template();
    let mut visit = Visit::new("old-visit".into(), &school(), "李督学".into(), &[&t], 1);
    visit.updated_at = 5;
    let name = unique("upgrade-v1");
    let raw = open_raw(
        &name,
        1,
        version_1_with_records(serde_json::to_value(&visit).unwrap()),
    )
    .await;
    raw.close();

    let db = Db::open_named(&name).await.expect("version 1 upgrades");
    assert_eq!(db.version(), DB_VERSION);
    let back: Visit = db
        .get(VISITS, "old-visit")
        .await
        .unwrap()
        .expect("the visit is kept");
    assert_eq!(back, visit);
    let outbox = outbox::entries_in(&db).await.unwrap();
    assert_eq!(
        outbox.iter().map(|e| e.key.clone()).collect::<Vec<_>>(),
        vec![OutboxKey::Seq(1), OutboxKey::Seq(2)],
        "both unsynced changes are kept, in order"
    );
    assert!(outbox.iter().all(|e| e.entity_id == "old-visit"));
    assert_eq!(
        db.count(PHOTOS).await.unwrap(),
        0,
        "the photos store exists"
    );
    // A change after the upgrade marks its record, next to the entries kept from before.
    visit.updated_at = 6;
    repo::save_visit_in(&db, None, &visit).await.unwrap();
    let outbox = outbox::entries_in(&db).await.unwrap();
    assert_eq!(outbox.len(), 3);
    assert_eq!(outbox[2].key, OutboxKey::Record("visit/old-visit".into()));
    assert_eq!(outbox[2].at, 6);
}

/// The schema as version 2 made it (photos added), with a visit, its photo record and three
/// unsynced changes: the visit's creation, a note, and the photo.
fn version_2_with_records(
    visit: serde_json::Value,
    photo: serde_json::Value,
) -> impl FnMut(IdbDatabase) {
    let mut v1 = version_1_with_records(visit);
    move |db: IdbDatabase| {
        v1(db.clone());
        let by_id = IdbObjectStoreParameters::new();
        by_id.set_key_path(&"id".into());
        let photos = db
            .create_object_store_with_optional_parameters("photos", &by_id)
            .unwrap();
        photos
            .create_index_with_str("visit_id", "visit_id")
            .unwrap();
        photos
            .put(&js_sys::JSON::parse(&photo.to_string()).unwrap())
            .unwrap();
        let tx = photos.transaction();
        let entry = serde_json::json!({
            "entity": "photo", "entity_id": "old-photo",
            "ops": [{"field": "*", "value": photo}], "at": 3,
        });
        tx.object_store("outbox")
            .unwrap()
            .put(&js_sys::JSON::parse(&entry.to_string()).unwrap())
            .unwrap();
    }
}

#[wasm_bindgen_test]
async fn a_version_2_database_with_an_unsynced_outbox_upgrades_and_syncs_from_it() {
    let t = template();
    let mut visit = Visit::new("old-visit".into(), &school(), "李督学".into(), &[&t], 1);
    visit.updated_at = 5;
    let photo = serde_json::json!({
        "id": "old-photo", "visit_id": "old-visit", "item_code": "X", "sha256": "ab",
        "size": 2, "width": 1, "height": 1, "mime": "image/jpeg", "taken_at": 4,
    });
    let name = unique("upgrade-v2");
    let raw = open_raw(
        &name,
        2,
        version_2_with_records(serde_json::to_value(&visit).unwrap(), photo),
    )
    .await;
    raw.close();

    let db = Db::open_named(&name).await.expect("version 2 upgrades");
    assert_eq!(db.version(), DB_VERSION);
    let back: Visit = db.get(VISITS, "old-visit").await.unwrap().unwrap();
    assert_eq!(back, visit);
    let outbox = outbox::entries_in(&db).await.unwrap();
    assert_eq!(
        outbox
            .iter()
            .map(|e| (e.key.clone(), e.entity.as_str()))
            .collect::<Vec<_>>(),
        vec![
            (OutboxKey::Seq(1), "visit"),
            (OutboxKey::Seq(2), "visit"),
            (OutboxKey::Seq(3), "photo")
        ],
        "every unsynced change is kept, in order"
    );
    assert_eq!(db.count(PHOTOS).await.unwrap(), 1);
    assert_eq!(db.count(SYNC_RECORDS).await.unwrap(), 0);
    assert_eq!(db.count(MUTATIONS).await.unwrap(), 0);

    // The first sync turns that outbox into mutations: the visit first, then its photo.
    let made = dudao::sync::store::coalesce(&db, 10).await.unwrap();
    assert_eq!(made, 2);
    let ms = dudao::sync::store::pending_mutations(&db).await.unwrap();
    assert_eq!(
        ms.iter()
            .map(|m| (m.seq, m.entity.as_str(), m.entity_id.as_str()))
            .collect::<Vec<_>>(),
        vec![(1, "visit", "old-visit"), (2, "photo", "old-photo")]
    );
    assert_eq!(db.count(OUTBOX).await.unwrap(), 0);
    assert_eq!(dudao::sync::store::unsynced(&db).await.unwrap().total, 2);
}

/// Two tabs: this one has the database open, another (a newer build) opens it at a higher
/// version. The upgrade proceeds because this tab lets go, the page is told, and this tab's
/// next read and write reopen the connection instead of failing forever.
#[wasm_bindgen_test]
async fn another_tab_upgrading_is_not_blocked_and_this_tab_reopens() {
    let t = template();
    let name = unique("upgrade-two-tabs");
    let this_tab = Db::open_named(&name).await.unwrap();
    let mut v = Visit::new("v-tabs".into(), &school(), "李督学".into(), &[&t], 1);
    repo::save_visit_in(&this_tab, None, &v).await.unwrap();

    let told = next_window_event(EVENT_VERSION_CHANGE);
    let other_tab = Db::open_named_at(&name, DB_VERSION + 1)
        .await
        .expect("the upgrade is not blocked by this tab");
    told.await.unwrap();
    assert_eq!(other_tab.version(), DB_VERSION + 1);
    let seen: Visit = other_tab.get(VISITS, "v-tabs").await.unwrap().unwrap();
    assert_eq!(seen, v);

    // This tab's connection was closed by the upgrade; its next use opens the new version.
    let back: Visit = this_tab
        .get(VISITS, "v-tabs")
        .await
        .expect("reading after another tab's upgrade reopens the database")
        .unwrap();
    assert_eq!(back, v);
    assert_eq!(this_tab.version(), DB_VERSION + 1);
    v.updated_at = 2;
    repo::save_visit_in(&this_tab, None, &v)
        .await
        .expect("writing after another tab's upgrade works");
    let outbox = outbox::entries_in(&other_tab).await.unwrap();
    assert_eq!(
        outbox
            .iter()
            .map(|e| (e.entity_id.as_str(), e.at))
            .collect::<Vec<_>>(),
        vec![("v-tabs", 2)],
        "both tabs see one outbox: the visit marked changed, as of the later change"
    );
    let stored: Visit = other_tab.get(VISITS, "v-tabs").await.unwrap().unwrap();
    assert_eq!(stored.updated_at, 2);
}

/// A tab that never lets go (an old build without the handler) blocks the upgrade: the page is
/// told (so it can ask to close other tabs), and the upgrade completes once that tab closes,
/// with the records intact.
#[wasm_bindgen_test]
async fn a_blocked_upgrade_is_reported_and_completes_when_the_other_tab_closes() {
    let name = unique("upgrade-blocked");
    let db = Db::open_named(&name).await.unwrap();
    let t = template();
    let v = Visit::new("v-blocked".into(), &school(), "李督学".into(), &[&t], 1);
    repo::save_visit_in(&db, None, &v).await.unwrap();
    db.close();
    let stubborn = open_raw(&name, DB_VERSION, |_| {}).await;

    let blocked = next_window_event(EVENT_UPGRADE_BLOCKED);
    let opened = next_window_event(EVENT_OPENED);
    let n = name.clone();
    let upgrade = wasm_bindgen_futures::future_to_promise(async move {
        let db = Db::open_named_at(&n, DB_VERSION + 1)
            .await
            .map_err(|e| JsValue::from_str(&e.to_string()))?;
        Ok(JsValue::from(db.version()))
    });
    blocked.await.unwrap();
    stubborn.close();
    let version = JsFuture::from(upgrade)
        .await
        .expect("the upgrade completes");
    assert_eq!(version.as_f64(), Some((DB_VERSION + 1) as f64));
    opened.await.unwrap();

    let db = Db::open_named_at(&name, DB_VERSION + 1).await.unwrap();
    let back: Visit = db.get(VISITS, "v-blocked").await.unwrap().unwrap();
    assert_eq!(back, v);
    assert_eq!(db.count(OUTBOX).await.unwrap(), 1, "its marker is kept too");
}

/// A page still running the older build (reloaded from a cache, or opened before the update
/// reached it) finds the database already upgraded: it opens it as it is, records intact,
/// instead of failing with VersionError on every call.
#[wasm_bindgen_test]
async fn an_older_build_opens_a_database_a_newer_one_upgraded() {
    let name = unique("upgrade-newer");
    let newer = Db::open_named_at(&name, DB_VERSION + 1).await.unwrap();
    let t = template();
    let v = Visit::new("v-newer".into(), &school(), "李督学".into(), &[&t], 1);
    repo::save_visit_in(&newer, None, &v).await.unwrap();
    newer.close();

    let older = Db::open_named(&name)
        .await
        .expect("the older build opens the newer schema");
    assert_eq!(older.version(), DB_VERSION + 1);
    let back: Visit = older.get(VISITS, "v-newer").await.unwrap().unwrap();
    assert_eq!(back, v);
}
