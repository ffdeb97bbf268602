//! The installable app's service worker (`/sw.js`, built from `public/sw.js`): registration and the
//! update flow. A new version installs in the background and waits; `update_ready` then shows
//! 新版本可用 (components/update_banner.rs) and nothing changes until the user taps 立即更新,
//! which tells the waiting worker to take over; the page reloads once when it has.
//!
//! Where service workers are not allowed (plain http on a LAN address rather than https or
//! localhost) none of this runs: the app works as before, but needs the network to start.

use gloo_storage::{SessionStorage, Storage};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    ServiceWorker, ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState,
};

#[derive(Clone, Copy)]
pub struct Pwa {
    /// A newer version is installed and waiting, or has already taken over from another tab
    /// while this page still runs the old one.
    pub update_ready: RwSignal<bool>,
    /// 稍后: the banner stays hidden until a still newer version arrives.
    pub dismissed: RwSignal<bool>,
    /// The user asked to switch: the next `controllerchange` reloads this page.
    switching: StoredValue<bool>,
    /// A reload is under way; never a second one.
    reloaded: StoredValue<bool>,
    /// This page had a controlling worker (so a new controller means a new version).
    controlled: StoredValue<bool>,
}

/// Set (for this tab) when the user taps 立即更新, cleared once no version waits: a page that
/// reloads with the new version still waiting (the request to take over was lost, or the page
/// reloaded before it took effect) asks again by itself instead of offering the banner anew.
const UPDATE_ASKED: &str = "dudao-update-asked";

pub fn use_pwa() -> Pwa {
    expect_context::<Pwa>()
}

/// The page's service worker container, or None where the browser offers none.
fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    // Read it as a plain property first: in an insecure context it is `undefined`, and the
    // typed getter would hand that back as if it were a container.
    let value = js_sys::Reflect::get(&navigator, &JsValue::from_str("serviceWorker")).ok()?;
    if value.is_undefined() || value.is_null() {
        return None;
    }
    Some(navigator.service_worker())
}

fn message(kind: &str) -> JsValue {
    let msg = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&msg, &"type".into(), &kind.into());
    msg.into()
}

/// Runs `f` for every `event` on `target`, for the life of the page.
fn listen(target: &web_sys::EventTarget, event: &str, f: impl FnMut() + 'static) {
    let closure = Closure::<dyn FnMut()>::new(f);
    let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    closure.forget();
}

impl Pwa {
    /// Provides the context and registers the worker; call once, at the start.
    pub fn provide() -> Pwa {
        let pwa = Pwa {
            update_ready: RwSignal::new(false),
            dismissed: RwSignal::new(false),
            switching: StoredValue::new(false),
            reloaded: StoredValue::new(false),
            controlled: StoredValue::new(false),
        };
        provide_context(pwa);
        match container() {
            Some(sw) => pwa.register(sw),
            None => leptos::logging::log!(
                "service workers unavailable here (not https or localhost?): no offline start"
            ),
        }
        pwa
    }

    fn register(self, sw: ServiceWorkerContainer) {
        self.controlled.set_value(sw.controller().is_some());
        listen(&sw, "controllerchange", move || {
            if self.switching.get_value() {
                self.reload_once();
            } else if self.controlled.get_value() {
                // Another tab switched to the new version; this page still runs the old one.
                self.update_ready.set(true);
            }
            // Otherwise the first worker just took this page over: nothing changed for it.
            self.controlled.set_value(true);
        });

        spawn_local(async move {
            let registration = match JsFuture::from(sw.register("/sw.js")).await {
                Ok(r) => r.unchecked_into::<ServiceWorkerRegistration>(),
                Err(e) => {
                    leptos::logging::error!("registering the service worker failed: {e:?}");
                    return;
                }
            };
            self.watch(&registration);
            // Tell the worker this page has started: it then drops the caches of versions no
            // open page runs any more.
            if let Ok(ready) = sw.ready() {
                if let Ok(r) = JsFuture::from(ready).await {
                    let r: ServiceWorkerRegistration = r.unchecked_into();
                    if let Some(active) = r.active() {
                        let _ = active.post_message(&message("HELLO"));
                    }
                }
            }
        });
    }

    /// Shows the banner when a new version is waiting now or once one has installed.
    fn watch(self, registration: &ServiceWorkerRegistration) {
        let has_controller = || container().is_some_and(|c| c.controller().is_some());
        if registration.waiting().is_some() && has_controller() {
            if SessionStorage::get::<bool>(UPDATE_ASKED).unwrap_or(false) {
                leptos::logging::log!("the new version still waits: asking it again to take over");
                self.update_now();
            } else {
                self.update_ready.set(true);
            }
        } else {
            SessionStorage::delete(UPDATE_ASKED);
        }
        let reg = registration.clone();
        listen(registration, "updatefound", move || {
            let Some(worker) = reg.installing() else {
                return;
            };
            // The first install ever has nothing to replace and takes over by itself. Whether
            // this is one is known now, not when `installed` is reported: WebKit may report it
            // after the new worker has already claimed the page (2 walks in 9 showed 新版本可用
            // on a first visit).
            let replaces = reg.active().is_some();
            let w = worker.clone();
            listen(&worker, "statechange", move || {
                // Installed while another worker controls the page: it waits for the user.
                if replaces && w.state() == ServiceWorkerState::Installed && has_controller() {
                    self.dismissed.set(false);
                    self.update_ready.set(true);
                }
            });
        });
        // A page left open for days still learns of new versions: look when it is shown again.
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            let reg = registration.clone();
            let d = doc.clone();
            listen(&doc, "visibilitychange", move || {
                if d.visibility_state() == web_sys::VisibilityState::Visible {
                    if let Ok(p) = reg.update() {
                        // Offline this fails; the next look will do.
                        spawn_local(async move {
                            let _ = JsFuture::from(p).await;
                        });
                    }
                }
            });
        }
    }

    /// 立即更新: the waiting version takes over and the page reloads into it.
    pub fn update_now(self) {
        self.switching.set_value(true);
        let _ = SessionStorage::set(UPDATE_ASKED, true);
        spawn_local(async move {
            let waiting: Option<ServiceWorker> = match container() {
                Some(sw) => JsFuture::from(sw.get_registration())
                    .await
                    .ok()
                    .and_then(|r| r.dyn_into::<ServiceWorkerRegistration>().ok())
                    .and_then(|r| r.waiting()),
                None => None,
            };
            match waiting {
                // The reload follows on `controllerchange`.
                Some(worker) => {
                    // Should `controllerchange` not come (the page somehow not taken over),
                    // the new worker being active is enough to reload into it.
                    let w = worker.clone();
                    listen(&worker, "statechange", move || {
                        if w.state() == ServiceWorkerState::Activated {
                            self.reload_once();
                        }
                    });
                    if let Err(e) = worker.post_message(&message("SKIP_WAITING")) {
                        leptos::logging::error!(
                            "asking the new version to take over failed: {e:?}"
                        );
                        self.reload_once();
                    }
                }
                // Another tab already switched: the new version is active, just load it.
                None => self.reload_once(),
            }
        });
    }

    fn reload_once(self) {
        if self.reloaded.get_value() {
            return;
        }
        self.reloaded.set_value(true);
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    }
}
