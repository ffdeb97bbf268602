//! The one way a visit changes on the phone. [`VisitEdit`] owns the open visit (what the screen
//! shows), its last stored copy and its checklist, compiled once; [`VisitEdit::edit`] applies a
//! change through the domain, shows it at once, saves it in one IndexedDB transaction with its
//! outbox marker, and on failure returns the screen to what is stored with one message.
//! Starting a visit ([`create`]), signing it ([`sign`]) and changes made while no screen holds
//! it ([`edit_stored`]: a late location fix, a conflict's losing value taken) are here too, so
//! no other code writes visits. What changed is never written down here: the sync engine
//! derives it from the stored record (`sync::store::coalesce`).

use crate::i18n::{use_i18n, I18n};
use crate::opened_visit::OpenedVisit;
use crate::state::{use_app, AppState};
use crate::storage::photos::{self, StoredPhoto};
use crate::storage::repo::{self, SignError};
use crate::storage::StorageError;
use dudao_domain::review::Signature;
use dudao_domain::visit::VisitError;
use dudao_domain::{Checklist, CompiledChecklist, Template, Visit};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

/// Why a change was not applied. Nothing was shown or saved.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// Tell the supervisor this.
    Say(String),
    /// The caller shows why itself (the editor's list of what is missing).
    Shown,
}

impl Refusal {
    /// The message for a change the visit refused: read-only, or a value out of range.
    pub fn of_visit(e: &VisitError, i18n: I18n) -> Refusal {
        let t = i18n.t();
        Refusal::Say(match e {
            VisitError::ReadOnly(_) => t.err_read_only.to_owned(),
            // The fields read what is typed by the same check, so this is rare: say the range.
            VisitError::WrongValue(_, e) => e.message(i18n.en()),
            other => {
                leptos::logging::error!("change refused: {other}");
                t.err_wrong_value.to_owned()
            }
        })
    }
}

/// What else the change's transaction writes besides the visit and its marker.
pub enum Write {
    Visit,
    /// The photo the change attaches (stored, with its own marker for upload).
    AttachPhoto(StoredPhoto),
    /// The photo the change detaches (deleted, marked so the server hears of it).
    DeletePhoto(String),
}

/// An open visit and the one way to change it. Cheap to copy; provided as context by
/// [`VisitEdit::open`] so a screen's components reach the same one.
#[derive(Clone, Copy)]
pub struct VisitEdit {
    visit: RwSignal<Visit>,
    stored: StoredValue<Visit>,
    checklist: StoredValue<CompiledChecklist>,
    app: AppState,
    i18n: I18n,
}

impl VisitEdit {
    /// Opens a loaded visit for a screen: compiles its checklist once, follows values sync
    /// brings into it, and provides itself as context.
    pub fn open(session: OpenedVisit) -> VisitEdit {
        let edit = VisitEdit::new(session.visit, session.templates, use_app(), use_i18n());
        provide_context(edit);
        edit
    }

    /// A visit as stored, with its pinned templates, opened under the current owner.
    pub fn new(
        visit: Visit,
        templates: Arc<Vec<Template>>,
        app: AppState,
        i18n: I18n,
    ) -> VisitEdit {
        let checklist = CompiledChecklist::new(templates, visit.school.clone());
        let edit = VisitEdit {
            visit: RwSignal::new(visit.clone()),
            stored: StoredValue::new(visit),
            checklist: StoredValue::new(checklist),
            app,
            i18n,
        };
        crate::sync::service::follow_synced(edit.visit, edit.stored);
        edit
    }

    /// The open visit of the screen this component is on.
    pub fn expect() -> VisitEdit {
        expect_context::<VisitEdit>()
    }

    /// Whether the screen that opened it is still there.
    pub fn is_open(self) -> bool {
        self.visit.try_with_untracked(|_| ()).is_some()
    }

    /// The visit as the screen shows it: the last change at once, then what was stored.
    pub fn visit(self) -> ReadSignal<Visit> {
        self.visit.read_only()
    }

    /// The visit's checklist, compiled when it opened.
    pub fn checklist(self) -> CompiledChecklist {
        self.checklist.get_value()
    }

    /// The visit's pinned templates.
    pub fn templates(self) -> Arc<Vec<Template>> {
        self.checklist.with_value(|c| c.templates().clone())
    }

    /// Applies `change` to the visit on screen; if it is refused, says why and changes
    /// nothing. Otherwise shows the result at once and saves it; `then` gets what was stored.
    /// Returns what `change` returned, if it was applied.
    pub fn edit<R>(
        self,
        change: impl FnOnce(&mut Visit, &Checklist) -> Result<R, Refusal>,
    ) -> Option<R> {
        self.edit_then(Write::Visit, change, |_| {})
    }

    /// [`VisitEdit::edit`] with what else the transaction writes, and what to do after the
    /// save: `then` gets the stored visit, or the error after the screen went back to what is
    /// stored and the supervisor was told.
    pub fn edit_then<R>(
        self,
        write: Write,
        change: impl FnOnce(&mut Visit, &Checklist) -> Result<R, Refusal>,
        then: impl FnOnce(Result<Visit, StorageError>) + 'static,
    ) -> Option<R> {
        let before = self.visit.try_get_untracked()?;
        let mut next = before.clone();
        let applied = self
            .checklist
            .with_value(|c| change(&mut next, &c.checklist()));
        let out = match applied {
            Ok(out) => out,
            Err(Refusal::Say(msg)) => {
                self.app.say(msg);
                return None;
            }
            Err(Refusal::Shown) => return None,
        };
        self.visit.set(next.clone());
        spawn_local(async move {
            let saved = match write {
                Write::Visit => repo::save_visit(Some(&before), &next).await,
                Write::AttachPhoto(photo) => photos::save_photo(Some(&before), &next, &photo).await,
                Write::DeletePhoto(id) => photos::delete_photo(&before, &next, &id).await,
            };
            match &saved {
                Ok(saved) => {
                    self.show_saved(&next, saved);
                    self.app.refresh_pending();
                }
                Err(e) => {
                    leptos::logging::error!("saving the visit failed: {e}");
                    if let Some(stored) = self.stored.try_get_value() {
                        let _ = self.visit.try_set(stored);
                    }
                    self.app.say(e.user_message(self.i18n.t()));
                }
            }
            then(saved);
        });
        Some(out)
    }

    /// After a save: `saved` is what was written (the change laid onto the stored visit, which
    /// may hold values a sync cycle brought meanwhile). It becomes the stored copy, and the
    /// screen shows it unless the supervisor has made a newer change, whose save brings them.
    fn show_saved(self, next: &Visit, saved: &Visit) {
        if saved != next {
            let _ = self.visit.try_update(|v| {
                if v == next {
                    *v = saved.clone();
                }
            });
        }
        let _ = self.stored.try_set_value(saved.clone());
    }
}

/// Stores a new visit (its templates pinned first) with its marker. Like [`edit_stored`] and
/// [`sign`], the caller refreshes the pending count (`AppState::refresh_pending`).
pub async fn create(visit: &Visit, templates: &[Template]) -> Result<Visit, StorageError> {
    repo::pin_templates(templates).await?;
    let saved = repo::save_visit(None, visit).await?;
    Ok(saved)
}

/// Changes the stored visit `id` when no screen holds it: `change` is applied to what is stored
/// now and saved with its marker. `Ok(None)`: no such visit, or `change` declined (returned
/// `false`), and nothing was written.
pub async fn edit_stored(
    id: &str,
    change: impl FnOnce(&mut Visit) -> bool,
) -> Result<Option<Visit>, StorageError> {
    let Some(before) = repo::load_visit(id).await? else {
        return Ok(None);
    };
    let mut next = before.clone();
    if !change(&mut next) {
        return Ok(None);
    }
    let saved = repo::save_visit(Some(&before), &next).await?;
    Ok(Some(saved))
}

/// Signs the finished visit `shown` (as the review showed it) with the next 督导意见书 number
/// of `year`: see [`repo::sign_visit`].
pub async fn sign(shown: &Visit, signature: Signature, year: i32) -> Result<Visit, SignError> {
    let signed = repo::sign_visit(shown, signature, year).await?;
    Ok(signed)
}
