//! Backup and restore without a network: every store on the phone to one JSON file
//! (`dudao_domain::backup::Bundle`), and such a file back, checked completely and then written
//! in one IndexedDB transaction — if anything fails, nothing of it is kept.

use super::idb::{to_js, Db, FINDINGS, META, OUTBOX, PHOTOS, TEMPLATES, VISITS};
use super::outbox::{self, OutboxEntry};
use super::photos::photos_for_visit_in;
use super::StorageError;
use dudao_domain::backup::{
    self, Backup, BackupError, Bundle, ChangeOp, ImportReport, Local, PendingChange, PinnedTemplate,
};
use dudao_domain::Visit;
use std::collections::{BTreeMap, BTreeSet};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

/// The app version written into every file.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

/// `meta` keys of the 督导意见书 counters (`opinion-seq-2026`).
const COUNTER_PREFIX: &str = "opinion-seq-";

/// A finished export: the file's name and text, and what it holds.
pub struct ExportFile {
    pub name: String,
    pub json: String,
    pub visits: usize,
    pub photos: usize,
}

/// Why an import did not happen. Either way nothing was written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Backup(#[from] BackupError),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The changes not yet on the server: the records marked changed in the outbox (with no ops:
/// what changed is in the records the file carries, and is derived again on the phone that
/// imports it), then the mutations made from it that the server has not answered (once the
/// engine has run, unsynced changes live there, with their ops).
async fn unsynced_changes(db: &Db) -> Result<Vec<PendingChange>, StorageError> {
    let mut out: Vec<PendingChange> = outbox::entries_in(db)
        .await?
        .into_iter()
        .map(to_change)
        .collect();
    for m in crate::sync::store::pending_mutations(db).await? {
        out.push(PendingChange {
            entity: m.entity,
            entity_id: m.entity_id,
            ops: m
                .ops
                .into_iter()
                .map(|o| ChangeOp {
                    field: o.field,
                    value: o.value,
                })
                .collect(),
            at: m.created_at,
        });
    }
    Ok(out)
}

fn to_change(e: OutboxEntry) -> PendingChange {
    PendingChange {
        entity: e.entity,
        entity_id: e.entity_id,
        ops: Vec::new(),
        at: e.at,
    }
}

/// A pending change of a backup becomes the marker of its record: the record itself comes in
/// the same file, and the sync engine derives what to send from it.
fn to_entry(c: &PendingChange) -> OutboxEntry {
    OutboxEntry::marker(&c.entity, &c.entity_id, c.at)
}

/// Lets the page paint and take taps between photos.
pub async fn yield_now() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        } else {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}

pub(crate) async fn blob_bytes(blob: &Blob) -> Result<Vec<u8>, StorageError> {
    let buf = JsFuture::from(blob.array_buffer())
        .await
        .map_err(StorageError::from_js)?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

pub(crate) fn bytes_blob(bytes: &[u8], mime: &str) -> Result<Blob, StorageError> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    Blob::new_with_u8_array_sequence_and_options(&parts, &opts).map_err(StorageError::from_js)
}

/// The 督导意见书 counters under `meta`.
async fn counters_in(db: &Db) -> Result<BTreeMap<String, u32>, StorageError> {
    let meta: Vec<serde_json::Value> = db.all(META).await?;
    Ok(meta
        .iter()
        .filter_map(|m| {
            let key = m.get("key")?.as_str()?;
            let seq = m.get("seq")?.as_u64()?;
            key.starts_with(COUNTER_PREFIX)
                .then(|| (key.to_owned(), seq as u32))
        })
        .collect())
}

/// Reads every store into one backup file. `progress(done, total)` is told after each photo;
/// the page gets a turn between photos.
pub async fn export_in(
    db: &Db,
    now: i64,
    offset_minutes: i32,
    progress: impl Fn(usize, usize),
) -> Result<ExportFile, StorageError> {
    let mut visits: Vec<Visit> = db.all(VISITS).await?;
    visits.sort_by(|a, b| (a.started_at, &a.id).cmp(&(b.started_at, &b.id)));
    let mut bundle = Bundle::new(now, APP_VERSION);
    let keys: BTreeSet<String> = visits
        .iter()
        .flat_map(|v| v.templates.iter().map(|r| r.key()))
        .collect();
    for key in keys {
        let template = match db.get::<PinnedTemplate>(TEMPLATES, &key).await? {
            Some(t) => t.template,
            None => crate::templates::builtin_by_key(&key)
                .ok_or_else(|| StorageError::TemplateMissing(key.clone()))?,
        };
        bundle.templates.push(PinnedTemplate { key, template });
    }
    let mut photos = Vec::new();
    for v in &visits {
        photos.extend(photos_for_visit_in(db, &v.id).await?);
    }
    let total = photos.len();
    progress(0, total);
    for (i, p) in photos.into_iter().enumerate() {
        // Uploaded and freed: the full photo is on the office server. Fetched for the file when
        // it can be; otherwise left out (the visit still lists it, and the server keeps it).
        let blob = if p.on_server {
            match crate::sync::remote::full_photo(&p.meta.id).await {
                Ok(b) => b,
                Err(e) => {
                    leptos::logging::log!("photo {} left out of the backup: {e}", p.meta.id);
                    progress(i + 1, total);
                    continue;
                }
            }
        } else {
            p.blob.clone()
        };
        let jpeg = blob_bytes(&blob).await?;
        let thumb = blob_bytes(&p.thumb).await?;
        bundle.push_photo(p.meta, &jpeg, &thumb);
        progress(i + 1, total);
        yield_now().await;
    }
    bundle.outbox = unsynced_changes(db).await?;
    bundle.counters = counters_in(db).await?;
    bundle.findings = db.all(FINDINGS).await?;
    let county = visits
        .iter()
        .max_by_key(|v| v.updated_at)
        .map(|v| v.school.issuing_area().to_owned())
        .unwrap_or_default();
    bundle.visits = visits;
    Ok(ExportFile {
        name: backup::file_name(&county, now, offset_minutes),
        visits: bundle.visits.len(),
        photos: bundle.photos.len(),
        json: bundle.to_json(),
    })
}

pub async fn export(
    now: i64,
    offset_minutes: i32,
    progress: impl Fn(usize, usize),
) -> Result<ExportFile, StorageError> {
    export_in(&super::repo::db().await?, now, offset_minutes, progress).await
}

/// What the phone holds, for the merge rule.
async fn local_in(db: &Db, incoming: &Backup) -> Result<Local, StorageError> {
    let templates: Vec<PinnedTemplate> = db.all(TEMPLATES).await?;
    let mut photo_ids = BTreeSet::new();
    for p in &incoming.photos {
        if db.get_raw(PHOTOS, &p.meta.id).await?.is_some() {
            photo_ids.insert(p.meta.id.clone());
        }
    }
    Ok(Local {
        visits: db.all(VISITS).await?,
        template_keys: templates.into_iter().map(|t| t.key).collect(),
        photo_ids,
        outbox: unsynced_changes(db).await?,
        counters: counters_in(db).await?,
        findings: db.all(FINDINGS).await?,
    })
}

fn photo_record(p: &backup::Photo) -> Result<JsValue, StorageError> {
    let obj = to_js(&p.meta)?;
    let blob = bytes_blob(&p.jpeg, &p.meta.mime)?;
    let thumb = bytes_blob(&p.thumb, "image/jpeg")?;
    js_sys::Reflect::set(&obj, &"blob".into(), &blob).map_err(StorageError::from_js)?;
    js_sys::Reflect::set(&obj, &"thumb".into(), &thumb).map_err(StorageError::from_js)?;
    Ok(obj)
}

/// Checks a backup file completely, merges it with what is here (see
/// `dudao_domain::backup::plan_import`) and writes the result in one transaction.
pub async fn import_in(db: &Db, text: &str) -> Result<ImportReport, ImportError> {
    let incoming = backup::parse(text)?;
    let local = local_in(db, &incoming).await?;
    let plan = backup::plan_import(&incoming, &local);
    if plan.report.is_noop() && plan.outbox.is_empty() && plan.counters.is_empty() {
        return Ok(plan.report);
    }
    let photos = plan
        .photos
        .iter()
        .map(|&i| photo_record(&incoming.photos[i]))
        .collect::<Result<Vec<_>, _>>()?;
    let outbox: Vec<OutboxEntry> = plan.outbox.iter().map(to_entry).collect();
    let counters: Vec<serde_json::Value> = plan
        .counters
        .iter()
        .map(|(k, n)| serde_json::json!({ "key": k, "seq": n }))
        .collect();
    super::photo_bytes::write_photos(&photos, || {
        db.write(&[VISITS, TEMPLATES, PHOTOS, OUTBOX, META, FINDINGS], |w| {
            for t in &plan.templates {
                w.put(TEMPLATES, t)?;
            }
            for v in &plan.visits {
                w.put(VISITS, v)?;
            }
            for p in &photos {
                w.put_raw(PHOTOS, p)?;
            }
            for e in &outbox {
                w.put(OUTBOX, e)?;
            }
            for c in &counters {
                w.put(META, c)?;
            }
            for f in &plan.findings {
                w.put(FINDINGS, f)?;
            }
            Ok(())
        })
    })
    .await?;
    Ok(plan.report)
}

pub async fn import(text: &str) -> Result<ImportReport, ImportError> {
    import_in(&super::repo::db().await.map_err(ImportError::from)?, text).await
}

/// Hands the file to the browser as a download named `name`.
pub fn download(name: &str, json: &str) -> Result<(), StorageError> {
    let parts = js_sys::Array::of1(&JsValue::from_str(json));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("application/json");
    let blob =
        Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(StorageError::from_js)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(StorageError::from_js)?;
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| StorageError::Unavailable("no document".into()))?;
    let a: web_sys::HtmlElement = doc
        .create_element("a")
        .map_err(StorageError::from_js)?
        .unchecked_into();
    a.set_attribute("href", &url)
        .map_err(StorageError::from_js)?;
    a.set_attribute("download", name)
        .map_err(StorageError::from_js)?;
    let _ = a.set_attribute("style", "display:none");
    if let Some(body) = doc.body() {
        let _ = body.append_child(&a);
    }
    a.click();
    a.remove();
    // The download has started; give the URL back once the browser has taken it.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    }
    Ok(())
}

/// Reads a chosen file as text.
pub async fn read_file(file: &web_sys::File) -> Result<String, StorageError> {
    JsFuture::from(file.text())
        .await
        .map_err(StorageError::from_js)?
        .as_string()
        .ok_or_else(|| StorageError::Data("the file did not read as text".into()))
}
