//! The sync engine as a service exposing signals (`use_sync()`): the account, whether a cycle
//! runs and where it is, the last sync, the last error, refused changes and open conflicts.
//! The unsynced count is `AppState::pending` (and `photos_pending`), refreshed after every save.
//!
//! A cycle starts when the app starts, when the `online` event fires, when the page becomes
//! visible, on demand (立即同步), after signing in, and on a timer: every minute, and after
//! failures 2, 4, 8… minutes up to 15. Never two at once: a trigger during a cycle runs one
//! more cycle after it, and across tabs [`super::lock`] lets one tab sync at a time.

use super::account::{self, Account, LoginError};
use super::engine::{self, Step, SyncError};
use super::store::{self, StoredMutation};
use crate::state::AppState;
use crate::storage::{prefs, repo, StorageError};
use dudao_domain::sync::wire::Conflict;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

const PERIOD_MS: i64 = 60_000;
const MAX_BACKOFF_MS: i64 = 15 * 60_000;

#[derive(Clone, Copy)]
pub struct SyncService {
    app: AppState,
    /// The signed-in account (`None`: not signed in); read from storage at start.
    pub account: RwSignal<Option<Account>>,
    /// The stored account has been read.
    pub ready: RwSignal<bool>,
    /// The token stopped working (expired, revoked): sign in again. The outbox, the mutations
    /// and every visit are untouched.
    pub needs_login: RwSignal<bool>,
    pub running: RwSignal<bool>,
    pub step: RwSignal<Option<Step>>,
    /// Unix ms of the last cycle that completed.
    pub last_sync: RwSignal<Option<i64>>,
    pub error: RwSignal<Option<SyncError>>,
    /// Photos the server refused in the last cycle.
    pub photos_refused: RwSignal<usize>,
    pub rejected: RwSignal<Vec<StoredMutation>>,
    pub conflicts: RwSignal<Vec<Conflict>>,
    /// Rises whenever sync changed visits on the phone, so lists read them again.
    pub records_changed: RwSignal<u64>,
    /// The visits the last cycle changed on the phone (pulled values, a conflict's winner): an
    /// editor showing one of them reads it again.
    pub changed_visits: RwSignal<Vec<String>>,
    /// This phone's device id, once read.
    pub device_id: RwSignal<Option<String>>,
    failures: StoredValue<u32>,
    again: StoredValue<bool>,
    timer: StoredValue<Option<i32>>,
}

pub fn use_sync() -> SyncService {
    expect_context::<SyncService>()
}

/// How long to wait before the next timed cycle after `failures` failed ones in a row.
pub fn delay_ms(failures: u32) -> i64 {
    if failures == 0 {
        PERIOD_MS
    } else {
        PERIOD_MS
            .saturating_mul(1i64 << failures.min(10))
            .min(MAX_BACKOFF_MS)
    }
}

impl SyncService {
    pub fn provide(app: AppState) -> SyncService {
        let s = SyncService {
            app,
            account: RwSignal::new(None),
            ready: RwSignal::new(false),
            needs_login: RwSignal::new(false),
            running: RwSignal::new(false),
            step: RwSignal::new(None),
            last_sync: RwSignal::new(None),
            error: RwSignal::new(None),
            photos_refused: RwSignal::new(0),
            rejected: RwSignal::new(Vec::new()),
            conflicts: RwSignal::new(Vec::new()),
            records_changed: RwSignal::new(0),
            device_id: RwSignal::new(None),
            changed_visits: RwSignal::new(Vec::new()),
            failures: StoredValue::new(0),
            again: StoredValue::new(false),
            timer: StoredValue::new(None),
        };
        provide_context(s);
        window_event_listener(leptos::ev::online, move |_| {
            s.failures.set_value(0);
            s.sync_now();
        });
        let doc_visible = move || {
            web_sys::window()
                .and_then(|w| w.document())
                .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
        };
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            let cb = Closure::<dyn FnMut()>::new(move || {
                if doc_visible() {
                    s.sync_now();
                }
            });
            let _ = doc
                .add_event_listener_with_callback("visibilitychange", cb.as_ref().unchecked_ref());
            cb.forget();
        }
        // Once per phone: the findings of visits signed before they were records of their own,
        // then everything pulled again. Its own task: storage that does not answer must not
        // hold up the page's first read (storage.spec's stall test caught that).
        spawn_local(async move {
            let made = async {
                let db = repo::db().await?;
                crate::storage::findings::ensure_records_in(&db, crate::clock::now_ms()).await
            };
            match made.await {
                Ok(0) => {}
                Ok(_) => s.sync_now(),
                Err(e) => leptos::logging::error!("finding records of signed visits not made: {e}"),
            }
        });
        spawn_local(async move {
            if let Err(e) = s.load().await {
                leptos::logging::error!("reading the sync state failed: {e}");
            }
            s.ready.set(true);
            s.sync_now();
        });
        s
    }

    async fn load(self) -> Result<(), StorageError> {
        let db = repo::db().await?;
        let account = account::load(&db).await?;
        if let Some(a) = &account {
            if a.expired(crate::clock::now_ms()) {
                self.needs_login.set(true);
                self.error.set(Some(SyncError::NeedsLogin));
            }
            prefs::set_supervisor(&a.user.display_name);
        }
        self.account.set(account);
        self.device_id.set(Some(store::device_id(&db).await?));
        self.last_sync
            .set(store::get_meta::<i64>(&db, store::LAST_SYNC).await?);
        self.rejected.set(store::rejected_mutations(&db).await?);
        Ok(())
    }

    /// Whether a cycle can run now: signed in, and the sign-in still works.
    pub fn can_sync(self) -> bool {
        self.account.with_untracked(Option::is_some) && !self.needs_login.get_untracked()
    }

    /// Starts a cycle now, or right after the one running.
    pub fn sync_now(self) {
        if !self.can_sync() {
            return;
        }
        if self.running.get_untracked() {
            self.again.set_value(true);
            return;
        }
        self.running.set(true);
        spawn_local(async move { self.cycle().await });
    }

    async fn cycle(self) {
        let step = self.step;
        let outcome = async {
            let db = repo::db().await?;
            let db2 = db.clone();
            let run = super::lock::exclusive(&db, async move {
                engine::run(&db2, &move |s| {
                    let _ = step.try_set(Some(s));
                })
                .await
            })
            .await;
            Ok::<_, SyncError>(run)
        }
        .await;
        match outcome {
            // Another tab is syncing: its results reach this tab through IndexedDB.
            Ok(None) => {}
            Ok(Some(Ok(report))) => {
                if let Some(user) = report.user.clone() {
                    self.user_seen(user).await;
                }
                self.failures.set_value(0);
                self.error.set(None);
                self.conflicts.set(report.conflicts);
                self.photos_refused.set(report.photos_refused.len());
                self.last_sync.set(Some(crate::clock::now_ms()));
                if report.visits_changed > 0 || report.findings_changed > 0 || report.acked > 0 {
                    self.records_changed.update(|n| *n += 1);
                }
                if !report.changed_visits.is_empty() {
                    self.changed_visits.set(report.changed_visits);
                }
            }
            Ok(Some(Err(SyncError::NeedsLogin))) | Err(SyncError::NeedsLogin) => {
                self.needs_login.set(true);
                self.error.set(Some(SyncError::NeedsLogin));
            }
            Ok(Some(Err(e))) | Err(e) => {
                leptos::logging::log!("sync cycle stopped: {e}");
                self.failures.update_value(|n| *n += 1);
                self.error.set(Some(e));
            }
        }
        self.refresh().await;
        self.step.set(None);
        self.running.set(false);
        if self.again.get_value() {
            self.again.set_value(false);
            self.sync_now();
        } else {
            self.schedule();
        }
    }

    /// The server's view of the signed-in user (a renamed account): kept, and used for new
    /// visits.
    async fn user_seen(self, user: account::User) {
        let Some(mut a) = self.account.get_untracked() else {
            return;
        };
        if a.user == user {
            return;
        }
        a.user = user;
        prefs::set_supervisor(&a.user.display_name);
        if let Ok(db) = repo::db().await {
            if let Err(e) = account::save(&db, &a).await {
                leptos::logging::error!("keeping the account failed: {e}");
            }
        }
        self.account.set(Some(a));
    }

    /// Reads the counts and the refused changes again.
    pub async fn refresh(self) {
        self.app.refresh_pending();
        if let Ok(db) = repo::db().await {
            if let Ok(r) = store::rejected_mutations(&db).await {
                self.rejected.set(r);
            }
        }
    }

    /// The next timed cycle, after the usual period or the back-off.
    fn schedule(self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        if let Some(t) = self.timer.get_value() {
            window.clear_timeout_with_handle(t);
        }
        let delay = delay_ms(self.failures.get_value());
        let cb = Closure::once_into_js(move || {
            s_timer_fired(self);
        });
        let handle = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), delay as i32)
            .ok();
        self.timer.set_value(handle);
    }

    /// Signs in, keeps the account, and syncs. The name on the account is the supervisor's
    /// name for new visits from now on.
    pub async fn sign_in(self, username: &str, password: &str) -> Result<(), LoginError> {
        let db = repo::db().await?;
        let account = account::login(&db, username, password).await?;
        if let Some(d) = &account.device_id {
            self.device_id.set(Some(d.clone()));
        }
        prefs::set_supervisor(&account.user.display_name);
        self.account.set(Some(account));
        self.needs_login.set(false);
        self.error.set(None);
        self.failures.set_value(0);
        self.app.load_schools();
        self.app.load_library();
        self.sync_now();
        Ok(())
    }

    /// Signs out, unless something is not yet on the server (then says how much).
    pub async fn sign_out(self) -> Result<(), SignOutError> {
        if self.running.get_untracked() {
            return Err(SignOutError::Busy);
        }
        let db = repo::db().await?;
        let u = store::unsynced(&db).await?;
        if u.total > 0 {
            self.app.refresh_pending();
            return Err(SignOutError::Unsynced {
                total: u.total,
                photos: u.photos,
            });
        }
        account::logout(&db).await?;
        self.account.set(None);
        self.needs_login.set(false);
        self.error.set(None);
        self.conflicts.set(Vec::new());
        Ok(())
    }
}

impl SyncService {
    /// Settles a conflict. `use_lost`: the value that lost becomes the record's value on this
    /// phone first (a change like any other, synced with the next cycle), then the conflict is
    /// marked settled on the server. Without it the kept value simply stays.
    pub async fn resolve_conflict(self, c: &Conflict, use_lost: bool) -> Result<(), ResolveError> {
        if use_lost {
            take_value(c).await?;
            self.app.refresh_pending();
        }
        let path = format!("/api/sync/conflicts/{}/resolve", c.id);
        crate::api::send("POST", &path, crate::api::Body::None, &[])
            .await
            .map_err(ResolveError::Api)?;
        let id = c.id;
        self.conflicts.update(|l| l.retain(|x| x.id != id));
        if use_lost {
            self.sync_now();
        }
        Ok(())
    }
}

/// Sets the conflict's losing value on the local record, with its outbox entry.
async fn take_value(c: &Conflict) -> Result<(), ResolveError> {
    use dudao_domain::sync::fields::{visit_fields, visit_from_fields};
    if c.entity != dudao_domain::sync::wire::ENTITY_VISIT {
        return Err(ResolveError::NotHere);
    }
    let now = crate::clock::now_ms();
    let mut wrong = None;
    let taken = crate::visit_edit::edit_stored(&c.entity_id, |visit| {
        let mut fields = visit_fields(visit);
        fields.insert(c.field.clone(), c.lost_value.clone());
        match visit_from_fields(&visit.id, &fields, Some(visit), now) {
            Ok(next) => {
                *visit = next;
                true
            }
            Err(e) => {
                wrong = Some(e.to_string());
                false
            }
        }
    })
    .await?;
    match (taken, wrong) {
        (Some(_), _) => Ok(()),
        (None, Some(e)) => Err(ResolveError::Storage(StorageError::Data(e))),
        (None, None) => Err(ResolveError::NotHere),
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ResolveError {
    #[error("the record is not on this phone")]
    NotHere,
    #[error(transparent)]
    Api(crate::api::ApiError),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// For a screen that edits a visit and saves it whole: when a cycle brought values into this
/// visit (from the office or another phone), show what is stored now, so the next save does not
/// write the older copy back over them. The stored visit keeps every field the supervisor changed
/// since (a pull never overwrites those). Does nothing without the sync service (page tests).
pub fn follow_synced(
    visit: RwSignal<dudao_domain::Visit>,
    last_saved: StoredValue<dudao_domain::Visit>,
) {
    let Some(sync) = use_context::<SyncService>() else {
        return;
    };
    let id = last_saved.with_value(|v| v.id.clone());
    Effect::new(move |_| {
        if !sync.changed_visits.with(|c| c.contains(&id)) {
            return;
        }
        let id = id.clone();
        spawn_local(async move {
            if let Ok(Some(stored)) = repo::load_visit(&id).await {
                if visit.try_set(stored.clone()).is_none() {
                    last_saved.set_value(stored);
                }
            }
        });
    });
}

fn s_timer_fired(s: SyncService) {
    s.timer.set_value(None);
    s.sync_now();
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SignOutError {
    #[error("{total} records unsynced ({photos} photos)")]
    Unsynced { total: usize, photos: usize },
    #[error("a sync is running")]
    Busy,
    #[error(transparent)]
    Storage(#[from] StorageError),
}
