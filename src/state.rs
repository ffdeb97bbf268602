//! App-wide state as a service exposing signals: the school list, connectivity, the number of
//! unsynced changes and the message line.

use crate::storage::repo;
use dudao_domain::{School, Template};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the last attempt to fetch the school list from the office server gave. Whatever it
/// gave, the list already on the phone stays: only a list the server sent replaces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SchoolsFetch {
    /// Not asked yet, or the answer is still on its way.
    #[default]
    Pending,
    /// The list shown is the server's for the signed-in user.
    Fetched,
    /// Not signed in, or the server refused the sign-in (401): the schools are the user's
    /// own, so the server lists them only after signing in.
    NeedsLogin,
    /// No network, or the server did not answer.
    Failed,
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub schools: RwSignal<Vec<School>>,
    /// True once the stored list has been read (it may be empty).
    pub schools_loaded: RwSignal<bool>,
    pub schools_fetch: RwSignal<SchoolsFetch>,
    /// The checklist templates to offer: the office's library when it was ever downloaded,
    /// otherwise the built-in one. Empty for the moment it takes to read the stored one.
    pub library: RwSignal<Vec<Template>>,
    pub online: RwSignal<bool>,
    /// Records (visits, photos) with changes the office server does not have yet: in the
    /// outbox, in mutations not yet answered, or a photo whose bytes are not confirmed.
    pub pending: RwSignal<u32>,
    /// Of those, photos whose bytes are not yet on the server.
    pub photos_pending: RwSignal<u32>,
    /// An error or notice the user must see; stays until dismissed.
    pub message: RwSignal<Option<String>>,
}

/// Whether a count of unsynced records is running, and whether another was asked for since it
/// began ([`AppState::refresh_pending`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counting {
    Idle,
    Running,
    Again,
}

thread_local! {
    static COUNTING: std::cell::Cell<Counting> = const { std::cell::Cell::new(Counting::Idle) };
}

pub fn use_app() -> AppState {
    expect_context::<AppState>()
}

fn navigator_online() -> bool {
    web_sys::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true)
}

impl AppState {
    pub fn provide() -> AppState {
        let s = AppState {
            schools: RwSignal::new(Vec::new()),
            schools_loaded: RwSignal::new(false),
            schools_fetch: RwSignal::new(SchoolsFetch::Pending),
            library: RwSignal::new(Vec::new()),
            online: RwSignal::new(navigator_online()),
            pending: RwSignal::new(0),
            photos_pending: RwSignal::new(0),
            message: RwSignal::new(None),
        };
        provide_context(s);
        let online = s.online;
        window_event_listener(leptos::ev::online, move |_| online.set(true));
        window_event_listener(leptos::ev::offline, move |_| online.set(false));
        s.load_schools();
        s.load_library();
        s.refresh_pending();
        s
    }

    /// Shows the stored list at once, then replaces it with the server's when reachable.
    pub fn load_schools(self) {
        // What an earlier fetch said (say, a 401 before signing in) no longer holds.
        self.schools_fetch.set(SchoolsFetch::Pending);
        spawn_local(async move {
            match repo::list_schools().await {
                Ok(list) => self.schools.set(list),
                Err(e) => leptos::logging::error!("reading stored schools failed: {e}"),
            }
            self.schools_loaded.set(true);
            // At start the sync service reads the stored sign-in at the same time; read it here
            // too, so the first fetch does not go out without the token and get a 401.
            if !crate::api::has_token() {
                let loaded = async { crate::sync::account::load(&repo::db().await?).await };
                if let Err(e) = loaded.await {
                    leptos::logging::error!("reading the sign-in failed: {e}");
                }
            }
            self.fetch_schools().await;
        });
    }

    /// Asks the server for the signed-in user's schools and keeps them. Not signed in, it does
    /// not ask (the server would answer 401). A 401 or a failure leaves the stored list as it
    /// is: a phone that is signed out, or whose sign-in expired in the field, still visits the
    /// schools it has.
    pub async fn fetch_schools(self) -> bool {
        if !crate::api::has_token() {
            self.schools_fetch.set(SchoolsFetch::NeedsLogin);
            return false;
        }
        match crate::api::get_json::<Vec<School>>("/api/schools").await {
            Ok(list) => {
                if let Err(e) = repo::save_schools(&list).await {
                    leptos::logging::error!("storing schools failed: {e}");
                }
                self.schools.set(list);
                self.schools_fetch.set(SchoolsFetch::Fetched);
                true
            }
            Err(crate::api::ApiError::Unauthorized) => {
                leptos::logging::log!("school list not refreshed: the sign-in was refused");
                self.schools_fetch.set(SchoolsFetch::NeedsLogin);
                false
            }
            Err(e) => {
                leptos::logging::log!("school list not refreshed (offline?): {e}");
                self.schools_fetch.set(SchoolsFetch::Failed);
                false
            }
        }
    }

    /// Shows the stored library at once, then the office's current one when reachable.
    pub fn load_library(self) {
        spawn_local(async move {
            match repo::load_library().await {
                Ok(Some(lib)) if !lib.is_empty() => self.library.set(lib),
                // Parse the built-in templates only when no library was ever downloaded.
                Ok(_) => self.library.set(crate::templates::builtin_vec()),
                Err(e) => {
                    leptos::logging::error!("reading the stored library failed: {e}");
                    self.library.set(crate::templates::builtin_vec());
                }
            }
            self.fetch_library().await;
        });
    }

    pub async fn fetch_library(self) -> bool {
        #[derive(serde::Deserialize)]
        struct Library {
            templates: Vec<Template>,
        }
        match crate::api::get_json::<Library>("/api/templates").await {
            Ok(lib) if !lib.templates.is_empty() => {
                if let Err(e) = repo::save_library(&lib.templates).await {
                    leptos::logging::error!("storing the template library failed: {e}");
                }
                self.library.set(lib.templates);
                true
            }
            Ok(_) => false,
            Err(e) => {
                leptos::logging::log!("template library not refreshed (offline?): {e}");
                false
            }
        }
    }

    /// Counts again what is not on the server yet. Asked after every saved answer: while a
    /// count is running, further asks make one more count after it, not one each, so fast
    /// typing costs at most two reads however many keys are pressed.
    pub fn refresh_pending(self) {
        if COUNTING.with(|c| c.replace(Counting::Again)) != Counting::Idle {
            return;
        }
        spawn_local(async move {
            // `Again` on entry: the first count is owed; each ask meanwhile owes one more.
            while COUNTING.with(|c| c.replace(Counting::Running)) == Counting::Again {
                let counted = async { crate::sync::store::unsynced(&repo::db().await?).await };
                match counted.await {
                    Ok(u) => {
                        let _ = self.pending.try_set(u.total as u32);
                        let _ = self.photos_pending.try_set(u.photos as u32);
                    }
                    Err(e) => leptos::logging::error!("counting unsynced changes failed: {e}"),
                }
            }
            COUNTING.with(|c| c.set(Counting::Idle));
        });
    }

    pub fn say(self, msg: impl Into<String>) {
        self.message.set(Some(msg.into()));
    }
}
