//! What the app stores and how: every change to a visit is written together with its outbox
//! marker in one IndexedDB transaction, so no edit exists without the record of it to sync.

use super::idb::{
    from_js_opt, Db, Read, Writer, FINDINGS, META, OUTBOX, SCHOOLS, TEMPLATES, VISITS,
};
use super::{outbox, StorageError};
use dudao_domain::sync::rebase::{rebase_edit, RebaseError};
use dudao_domain::sync::wire::ENTITY_VISIT;
use dudao_domain::{School, Template, Visit};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::rc::Rc;

thread_local! {
    static DB: RefCell<Option<Db>> = const { RefCell::new(None) };
}

/// The app's database, opened once per page.
pub async fn db() -> Result<Db, StorageError> {
    if let Some(db) = DB.with(|d| d.borrow().clone()) {
        return Ok(db);
    }
    let db = Db::open().await?;
    super::idb::lifecycle::install();
    DB.with(|d| *d.borrow_mut() = Some(db.clone()));
    Ok(db)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredTemplate {
    key: String,
    template: Template,
}

/// Saves an edit of a visit with its outbox marker, atomically. `before` is the copy the screen
/// changed into `next` (`None` for a new visit). What is written is `next` laid onto the visit
/// as stored now ([`rebase_edit`]): values a sync cycle stored meanwhile are kept, not
/// overwritten by the screen's older copy. Returns what was written, for the screen to show.
/// Screens change visits through `crate::visit_edit`, which calls this.
pub async fn save_visit(before: Option<&Visit>, next: &Visit) -> Result<Visit, StorageError> {
    save_visit_in(&db().await?, before, next).await
}

pub async fn save_visit_in(
    db: &Db,
    before: Option<&Visit>,
    next: &Visit,
) -> Result<Visit, StorageError> {
    write_edit(db, &[VISITS, OUTBOX], before, next, |_| Ok(())).await
}

/// One transaction over `stores` (VISITS and OUTBOX among them): reads the stored visit, writes
/// `next` laid onto it ([`laid_on`]) with its outbox marker, and lets `also` write the rest of
/// the change (a photo and its marker) with the same writer. Returns the visit as written.
pub async fn write_edit(
    db: &Db,
    stores: &[&str],
    before: Option<&Visit>,
    next: &Visit,
    also: impl FnOnce(&Writer) -> Result<(), StorageError> + 'static,
) -> Result<Visit, StorageError> {
    let written: Rc<RefCell<Option<Visit>>> = Rc::default();
    let out = written.clone();
    let (before, next) = (before.cloned(), next.clone());
    db.write(stores, move |w| {
        w.get_then(VISITS, &next.id.clone(), move |w, stored: Option<Visit>| {
            let v = laid_on(before.as_ref(), next, stored.as_ref())?;
            w.put(VISITS, &v)?;
            outbox::mark(w, ENTITY_VISIT, &v.id, v.updated_at)?;
            also(w)?;
            *out.borrow_mut() = Some(v);
            Ok(())
        })
    })
    .await?;
    let v = written.borrow_mut().take();
    v.ok_or_else(|| StorageError::Failed("the visit was not written".into()))
}

/// `next` laid onto what is stored (see [`save_visit`]).
fn laid_on(
    before: Option<&Visit>,
    next: Visit,
    stored: Option<&Visit>,
) -> Result<Visit, StorageError> {
    match (before, stored) {
        (Some(b), Some(s)) => rebase_edit(b, &next, s).map_err(|e| match e {
            RebaseError::MovedOn { .. } => StorageError::MovedOn(e.to_string()),
            RebaseError::Field(e) => StorageError::Data(e.to_string()),
        }),
        _ => Ok(next),
    }
}

/// This phone's count of 督导意见书 numbers given in a year, under `meta`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct OpinionCounter {
    key: String,
    seq: u32,
}

/// Why a visit could not be signed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SignError {
    #[error(transparent)]
    Review(#[from] dudao_domain::review::ReviewError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A sync cycle stored other values in the visit after the review screen read it: the
    /// school's representative would sign content they were not shown.
    #[error("the visit changed since it was reviewed; review it again before signing")]
    Changed,
}

/// Signs the visit with the next 督导意见书 number of `year` on this phone. The counter, the
/// signed visit and its outbox marker are written in one transaction: a number is never given
/// twice, and a failed save leaves the counter, the visit and the outbox as they were. `visit`
/// is the copy the review screen showed: if a sync cycle has stored anything the school signs
/// in the visit since, nothing is signed ([`SignError::Changed`]) and the screen goes back to
/// the review. A position fix recorded since is not such a change
/// ([`Visit::holds_what_was_reviewed`]): the stored visit is signed, location included.
pub async fn sign_visit(
    visit: &Visit,
    signature: dudao_domain::review::Signature,
    year: i32,
) -> Result<Visit, SignError> {
    sign_visit_in(&db().await?, visit, signature, year).await
}

pub async fn sign_visit_in(
    db: &Db,
    visit: &Visit,
    signature: dudao_domain::review::Signature,
    year: i32,
) -> Result<Visit, SignError> {
    use dudao_domain::review::opinion_number;
    // Refuse what cannot be signed before touching storage.
    visit.clone().sign(signature.clone(), String::new())?;
    let key = format!("opinion-seq-{year}");
    let signed: Rc<RefCell<Option<Result<Visit, SignError>>>> = Rc::default();
    let out = signed.clone();
    let visit = visit.clone();
    let id = visit.id.clone();
    let written = db
        .write(&[META, VISITS, OUTBOX, FINDINGS], |w| {
            w.read_then(
                vec![Read::get(META, &key.clone()), Read::get(VISITS, &id)],
                move |w, got| {
                    let counter: Option<OpinionCounter> = from_js_opt(&got[0])?;
                    let stored: Option<Visit> = from_js_opt(&got[1])?;
                    // What is signed is the stored visit, provided it still holds what the
                    // review showed: a location recorded since is kept, not a reason to refuse.
                    let mut v = match stored {
                        Some(s) if !s.holds_what_was_reviewed(&visit) => {
                            *out.borrow_mut() = Some(Err(SignError::Changed));
                            return Err(StorageError::Data(
                                "the visit changed since review".into(),
                            ));
                        }
                        Some(s) => s,
                        None => visit.clone(),
                    };
                    let seq = counter.map_or(1, |c| c.seq + 1);
                    let no = opinion_number(v.school.issuing_area(), year, seq);
                    if let Err(e) = v.sign(signature, no) {
                        *out.borrow_mut() = Some(Err(e.into()));
                        return Err(StorageError::Data("signing refused".into()));
                    }
                    w.put(META, &OpinionCounter { key, seq })?;
                    w.put(VISITS, &v)?;
                    outbox::mark(w, ENTITY_VISIT, &v.id, v.updated_at)?;
                    // Its findings go on to 整改 as records of their own.
                    super::findings::write_records_of(w, &v)?;
                    *out.borrow_mut() = Some(Ok(v));
                    Ok(())
                },
            )
        })
        .await;
    let result = signed.borrow_mut().take();
    match (written, result) {
        (Ok(()), Some(Ok(v))) => Ok(v),
        (_, Some(Err(e))) => Err(e),
        (Err(e), _) => Err(e.into()),
        (Ok(()), None) => Err(StorageError::Failed("signing was not written".into()).into()),
    }
}

pub async fn load_visit(id: &str) -> Result<Option<Visit>, StorageError> {
    db().await?.get(VISITS, id).await
}

/// Visits, most recently changed first.
pub async fn list_visits() -> Result<Vec<Visit>, StorageError> {
    let mut v: Vec<Visit> = db().await?.all(VISITS).await?;
    v.sort_by_key(|x| std::cmp::Reverse(x.updated_at));
    Ok(v)
}

/// Replaces the cached school list in one transaction: a failed download leaves the old one.
pub async fn save_schools(schools: &[School]) -> Result<(), StorageError> {
    db().await?
        .write(&[SCHOOLS], |w| {
            w.clear(SCHOOLS)?;
            schools.iter().try_for_each(|s| w.put(SCHOOLS, s))
        })
        .await
}

pub async fn list_schools() -> Result<Vec<School>, StorageError> {
    let mut v: Vec<School> = db().await?.all(SCHOOLS).await?;
    v.sort_by(|a, b| (&a.district, &a.code).cmp(&(&b.district, &b.code)));
    Ok(v)
}

/// Keeps a copy of each template version a visit uses, so the visit keeps its meaning after
/// the built-in or published template changes.
pub async fn pin_templates_in(db: &Db, templates: &[Template]) -> Result<(), StorageError> {
    db.write(&[TEMPLATES], |w| {
        templates.iter().try_for_each(|t| {
            w.put(
                TEMPLATES,
                &StoredTemplate {
                    key: t.key(),
                    template: t.clone(),
                },
            )
        })
    })
    .await
}

pub async fn pin_templates(templates: &[Template]) -> Result<(), StorageError> {
    pin_templates_in(&db().await?, templates).await
}

/// The office's current template library (keys in the order to offer them), under `meta`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredLibrary {
    key: String,
    templates: Vec<String>,
}

const LIBRARY: &str = "library";

/// Replaces the cached library in one transaction: the templates themselves are kept (visits
/// may pin them), only the list of what to offer changes. When the stored list already names
/// exactly these versions (keys include the version and the local edition), nothing is
/// written: the app asks at every start, and a write the phone has no room for is one too
/// many (Chromium can give up a database whose write hit a full disk).
pub async fn save_library(templates: &[Template]) -> Result<(), StorageError> {
    let keys: Vec<String> = templates.iter().map(Template::key).collect();
    let templates = templates.to_vec();
    db().await?
        .write(&[TEMPLATES, META], move |w| {
            w.get_then(META, LIBRARY, move |w, stored: Option<StoredLibrary>| {
                if stored.is_some_and(|s| s.templates == keys) {
                    return Ok(());
                }
                for t in &templates {
                    w.put(
                        TEMPLATES,
                        &StoredTemplate {
                            key: t.key(),
                            template: t.clone(),
                        },
                    )?;
                }
                w.put(
                    META,
                    &StoredLibrary {
                        key: LIBRARY.into(),
                        templates: keys,
                    },
                )
            })
        })
        .await
}

/// The cached library, or `None` when the office's library was never downloaded.
pub async fn load_library() -> Result<Option<Vec<Template>>, StorageError> {
    let db = db().await?;
    let Some(lib) = db.get::<StoredLibrary>(META, LIBRARY).await? else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for key in &lib.templates {
        match db.get::<StoredTemplate>(TEMPLATES, key).await? {
            Some(t) => out.push(t.template),
            None => return Ok(None),
        }
    }
    Ok(Some(out))
}

/// Every template stored on this phone (pinned by visits, or of the library), by key.
pub async fn stored_templates() -> Result<std::collections::HashMap<String, Template>, StorageError>
{
    let all: Vec<StoredTemplate> = db().await?.all(TEMPLATES).await?;
    Ok(all.into_iter().map(|s| (s.key, s.template)).collect())
}

pub async fn load_template(key: &str) -> Result<Option<Template>, StorageError> {
    Ok(db()
        .await?
        .get::<StoredTemplate>(TEMPLATES, key)
        .await?
        .map(|s| s.template))
}
