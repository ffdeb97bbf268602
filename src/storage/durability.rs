//! How safe the phone's records are from the browser: persistent storage (asked once at
//! start, silently granted by Chrome to installed or often-used sites), used and available
//! space, installation (Chrome's `beforeinstallprompt`, iOS Safari's 添加到主屏幕), the WeChat
//! in-app browser, and the schema being upgraded by another tab (`idb` window events).

use super::idb::{
    EVENT_ANSWERING, EVENT_OPENED, EVENT_STALLED, EVENT_UPGRADE_BLOCKED, EVENT_VERSION_CHANGE,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StorageInfo {
    /// Bytes this origin uses.
    pub used: f64,
    /// Bytes this origin may use.
    pub quota: f64,
    /// The browser will not evict the data under storage pressure.
    pub persisted: bool,
}

impl StorageInfo {
    /// Used share of the quota, 0–100.
    pub fn percent(&self) -> f64 {
        if self.quota > 0.0 {
            (self.used / self.quota * 100.0).clamp(0.0, 100.0)
        } else {
            0.0
        }
    }
}

/// Bytes in MB with one decimal ("12.3 MB"), or GB from 1 GB up ("10.0 GB").
pub fn mb(bytes: f64) -> String {
    let mb = bytes / 1_048_576.0;
    if mb >= 1024.0 {
        format!("{:.1} GB", mb / 1024.0)
    } else {
        format!("{mb:.1} MB")
    }
}

/// The storage context: what the 存储 block and the banners show.
#[derive(Clone, Copy)]
pub struct Durability {
    /// `None` until read, and where the browser offers no StorageManager (plain http).
    pub info: RwSignal<Option<StorageInfo>>,
    /// Another tab upgraded the schema: this page runs older code and should be reloaded.
    pub reload_needed: RwSignal<bool>,
    /// This page's upgrade waits for other tabs to close their connection.
    pub upgrade_blocked: RwSignal<bool>,
    /// A read did not answer in time: what is on screen may be missing what is stored.
    pub stalled: RwSignal<bool>,
    /// Chrome offered installation; `install()` shows its prompt.
    pub can_install: RwSignal<bool>,
    /// Running as an installed app (home screen), or just installed.
    pub installed: RwSignal<bool>,
}

thread_local! {
    /// The deferred `beforeinstallprompt` event (a JsValue cannot live in a signal).
    static INSTALL_PROMPT: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

pub fn use_durability() -> Durability {
    expect_context::<Durability>()
}

fn user_agent() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default()
}

/// WeChat's (微信) or WeCom's (企业微信) in-app browser, which may clear site data.
pub fn is_wechat_ua(ua: &str) -> bool {
    let ua = ua.to_ascii_lowercase();
    ua.contains("micromessenger") || ua.contains("wxwork")
}

pub fn is_wechat() -> bool {
    is_wechat_ua(&user_agent())
}

/// Safari on iPhone or iPad, where installing is 分享 → 添加到主屏幕 (no prompt exists).
pub fn is_ios_safari_ua(ua: &str) -> bool {
    let ios = ["iPhone", "iPad", "iPod"].iter().any(|d| ua.contains(d));
    let other = ["CriOS", "FxiOS", "EdgiOS", "MicroMessenger", "wxwork"]
        .iter()
        .any(|b| ua.contains(b));
    ios && ua.contains("Safari") && !other
}

pub fn is_ios_safari() -> bool {
    is_ios_safari_ua(&user_agent())
}

/// Opened from the home screen rather than in a browser tab.
fn standalone() -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let ios = js_sys::Reflect::get(&w.navigator(), &"standalone".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let media = js_sys::Reflect::get(&w, &"matchMedia".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call1(&w, &"(display-mode: standalone)".into()).ok())
        .and_then(|m| js_sys::Reflect::get(&m, &"matches".into()).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    ios || media
}

/// The StorageManager, or None where the browser offers none (insecure context, old browser).
fn storage_manager() -> Option<web_sys::StorageManager> {
    let navigator = web_sys::window()?.navigator();
    let value = js_sys::Reflect::get(&navigator, &"storage".into()).ok()?;
    if value.is_undefined() || value.is_null() {
        return None;
    }
    Some(value.unchecked_into())
}

/// Why the browser offers no StorageManager, so neither the space nor persistence can be read
/// or asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoStorageManager {
    /// Not a secure context (plain http on a LAN address): https would bring it.
    Insecure,
    /// A secure page, but this engine has none (WebKitGTK; iOS Safari before 15.2 or so).
    Unsupported,
}

/// `None` when the browser offers a StorageManager; otherwise why not.
pub fn storage_manager_missing() -> Option<NoStorageManager> {
    if storage_manager().is_some() {
        return None;
    }
    let secure = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"isSecureContext".into()).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    Some(if secure {
        NoStorageManager::Unsupported
    } else {
        NoStorageManager::Insecure
    })
}

async fn bool_of(p: Result<js_sys::Promise, JsValue>) -> Option<bool> {
    JsFuture::from(p.ok()?).await.ok()?.as_bool()
}

/// Asks the browser to keep this origin's data (no prompt in Chrome; it decides by how the
/// site is used). Returns whether it is persisted now.
pub async fn request_persist() -> bool {
    let Some(sm) = storage_manager() else {
        return false;
    };
    if bool_of(sm.persisted()).await == Some(true) {
        return true;
    }
    let granted = bool_of(sm.persist()).await.unwrap_or(false);
    leptos::logging::log!("persistent storage requested: granted={granted}");
    granted
}

/// Used and available space and the persisted flag, read now.
pub async fn read_info() -> Option<StorageInfo> {
    let sm = storage_manager()?;
    let est: web_sys::StorageEstimate = JsFuture::from(sm.estimate().ok()?)
        .await
        .ok()?
        .unchecked_into();
    let persisted = bool_of(sm.persisted()).await.unwrap_or(false);
    Some(StorageInfo {
        used: est.get_usage().unwrap_or(0.0),
        quota: est.get_quota().unwrap_or(0.0),
        persisted,
    })
}

/// Runs `f` for every `event` on the window, for the life of the page.
fn on_window(event: &str, f: impl FnMut(web_sys::Event) + 'static) {
    let Some(w) = web_sys::window() else {
        return;
    };
    let closure = Closure::<dyn FnMut(web_sys::Event)>::new(f);
    let _ = w.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    closure.forget();
}

impl Durability {
    /// Provides the context, asks for persistence once and reads the space; call at start.
    pub fn provide() -> Durability {
        let d = Durability {
            info: RwSignal::new(None),
            reload_needed: RwSignal::new(false),
            upgrade_blocked: RwSignal::new(false),
            stalled: RwSignal::new(false),
            can_install: RwSignal::new(false),
            installed: RwSignal::new(standalone()),
        };
        provide_context(d);
        let reload_needed = d.reload_needed;
        on_window(EVENT_VERSION_CHANGE, move |_| reload_needed.set(true));
        let blocked = d.upgrade_blocked;
        on_window(EVENT_UPGRADE_BLOCKED, move |_| blocked.set(true));
        on_window(EVENT_OPENED, move |_| blocked.set(false));
        let stalled = d.stalled;
        on_window(EVENT_STALLED, move |_| stalled.set(true));
        on_window(EVENT_ANSWERING, move |_| stalled.set(false));
        let can_install = d.can_install;
        on_window("beforeinstallprompt", move |ev| {
            // Keep Chrome's own mini-infobar away; the 存储 block offers it when it helps.
            ev.prevent_default();
            INSTALL_PROMPT.with(|p| *p.borrow_mut() = Some(ev.into()));
            can_install.set(true);
        });
        let installed = d.installed;
        on_window("appinstalled", move |_| {
            INSTALL_PROMPT.with(|p| *p.borrow_mut() = None);
            can_install.set(false);
            installed.set(true);
        });
        spawn_local(async move {
            request_persist().await;
            d.refresh_now().await;
        });
        d
    }

    /// Reads the space again (after writes, when the 存储 block opens).
    pub fn refresh(self) {
        spawn_local(self.refresh_now());
    }

    async fn refresh_now(self) {
        let info = read_info().await;
        let _ = self.info.try_set(info);
    }

    /// Shows Chrome's install prompt captured earlier; the event can be used once.
    pub fn install(self) {
        let Some(ev) = INSTALL_PROMPT.with(|p| p.borrow_mut().take()) else {
            return;
        };
        self.can_install.set(false);
        let prompt = js_sys::Reflect::get(&ev, &"prompt".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        let Some(prompt) = prompt else {
            return;
        };
        let Ok(promise) = prompt.call0(&ev) else {
            return;
        };
        let Ok(promise) = promise.dyn_into::<js_sys::Promise>() else {
            return;
        };
        spawn_local(async move {
            let _ = JsFuture::from(promise).await;
            // After the user's choice, persistence may now be granted.
            request_persist().await;
            self.refresh_now().await;
        });
    }
}
