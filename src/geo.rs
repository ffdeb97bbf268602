//! Where a visit took place: one position request when a draft has none, never waited for.
//! Refusing, or no fix indoors, is recorded as such and blocks nothing.
//!
//! The geolocation API is reached through `js_sys::Reflect`, so no web-sys features are needed
//! and a browser without it is simply [`NoFix::Unsupported`].

use crate::clock::now_ms;
use crate::state::AppState;
use crate::visit_edit::{self, Refusal, VisitEdit};
use dudao_domain::location::{Location, NoFix};
use js_sys::{Function, Object, Reflect};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    /// Visits whose position has been asked for on this page: one prompt per visit, even if
    /// the editor is opened again before the answer comes.
    static ASKED: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

type Done = Box<dyn FnOnce(Location)>;

/// Asks the browser for the current position and calls `done` once with the outcome.
pub fn current_position(done: impl FnOnce(Location) + 'static) {
    // Success and error each get a callback, but only one is ever called.
    let done: Rc<RefCell<Option<Done>>> = Rc::new(RefCell::new(Some(Box::new(done))));
    let finish = {
        let done = done.clone();
        move |l: Location| {
            if let Some(f) = done.borrow_mut().take() {
                f(l)
            }
        }
    };
    let unavailable = |reason| Location::Unavailable {
        reason,
        at: now_ms(),
    };
    let Some(window) = web_sys::window() else {
        return finish(unavailable(NoFix::Unsupported));
    };
    // Browsers only offer geolocation on HTTPS (and localhost).
    let secure = Reflect::get(&window, &"isSecureContext".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(true);
    let geo = Reflect::get(&window.navigator(), &"geolocation".into())
        .ok()
        .filter(|g| g.is_object());
    let get = geo.as_ref().and_then(|g| {
        Reflect::get(g, &"getCurrentPosition".into())
            .ok()?
            .dyn_into::<Function>()
            .ok()
    });
    let (Some(geo), Some(get), true) = (geo, get, secure) else {
        leptos::logging::log!("location: geolocation not available (insecure context?)");
        return finish(unavailable(NoFix::Unsupported));
    };

    let on_fix = {
        let finish = finish.clone();
        Closure::once_into_js(move |pos: JsValue| {
            let num = |obj: &JsValue, key: &str| {
                Reflect::get(obj, &key.into()).ok().and_then(|v| v.as_f64())
            };
            let coords = Reflect::get(&pos, &"coords".into()).unwrap_or(JsValue::UNDEFINED);
            let fix = match (
                num(&coords, "latitude"),
                num(&coords, "longitude"),
                num(&coords, "accuracy"),
            ) {
                (Some(latitude), Some(longitude), Some(accuracy_m))
                    if latitude.is_finite() && longitude.is_finite() =>
                {
                    Location::Fix {
                        latitude,
                        longitude,
                        accuracy_m,
                        at: num(&pos, "timestamp").map_or_else(now_ms, |t| t as i64),
                    }
                }
                _ => {
                    leptos::logging::warn!("location: a position without coordinates");
                    unavailable(NoFix::NoSignal)
                }
            };
            finish(fix)
        })
    };
    let on_error = {
        let finish = finish.clone();
        Closure::once_into_js(move |err: JsValue| {
            // GeolocationPositionError: 1 PERMISSION_DENIED, 2 POSITION_UNAVAILABLE, 3 TIMEOUT.
            let code = Reflect::get(&err, &"code".into())
                .ok()
                .and_then(|v| v.as_f64());
            let reason = if code == Some(1.0) {
                NoFix::Denied
            } else {
                NoFix::NoSignal
            };
            leptos::logging::log!("location: no fix ({reason:?})");
            finish(unavailable(reason))
        })
    };
    let options = Object::new();
    let _ = Reflect::set(&options, &"enableHighAccuracy".into(), &true.into());
    // Long enough for a phone to get a GPS fix at the gate; a fix from the last five minutes
    // (the walk from the car) is as good.
    let _ = Reflect::set(&options, &"timeout".into(), &15_000.into());
    let _ = Reflect::set(&options, &"maximumAge".into(), &300_000.into());
    if let Err(e) = get.call3(&geo, &on_fix, &on_error, &options) {
        leptos::logging::warn!("location: getCurrentPosition threw {e:?}");
        finish(unavailable(NoFix::Unsupported));
    }
}

/// Records where the editor's draft visit takes place, if it has no location yet.
///
/// When the answer comes while the editor is still open, it is a change like any other,
/// through the editor's [`VisitEdit`]. When the editor is gone by then (finished, or the
/// supervisor went elsewhere), it is laid onto the latest stored visit
/// ([`visit_edit::edit_stored`]), so no answer given meanwhile is overwritten; a visit signed
/// meanwhile is not changed silently.
pub fn record_location(app: AppState, edit: VisitEdit) {
    let Some((id, has)) = edit
        .visit()
        .try_with_untracked(|v| (v.id.clone(), v.location.is_some()))
    else {
        return;
    };
    if has || !ASKED.with(|a| a.borrow_mut().insert(id.clone())) {
        return;
    }
    current_position(move |loc| {
        ASKED.with(|a| a.borrow_mut().remove(&id));
        let now = now_ms();
        if edit.is_open() {
            // Nothing to do if the editor has one by now.
            edit.edit(|v, _| match v.location {
                Some(_) => Err(Refusal::Shown),
                None => v.set_location(loc, now).map_err(|_| Refusal::Shown),
            });
            return;
        }
        spawn_local(async move {
            let located = visit_edit::edit_stored(&id, |v| {
                v.location.is_none() && v.set_location(loc, now).is_ok()
            });
            match located.await {
                Ok(Some(_)) => app.refresh_pending(),
                Ok(None) => {}
                Err(e) => leptos::logging::error!("saving the visit's location failed: {e}"),
            }
        });
    });
}
