//! Small preferences kept in localStorage: losing them costs a retype, never a record.

use gloo_storage::{LocalStorage, Storage};

const SUPERVISOR: &str = "dudao.supervisor";

pub fn supervisor() -> String {
    LocalStorage::get(SUPERVISOR).unwrap_or_default()
}

pub fn set_supervisor(name: &str) {
    let _ = LocalStorage::set(SUPERVISOR, name);
}

const TEMPLATES: &str = "dudao.templates";

/// Template ids chosen for the last visit, offered again for the next one.
pub fn last_templates() -> Option<Vec<String>> {
    LocalStorage::get(TEMPLATES).ok()
}

pub fn set_last_templates(ids: &[String]) {
    let _ = LocalStorage::set(TEMPLATES, ids);
}

const WECHAT_DISMISSED: &str = "dudao.wechat_dismissed";

/// The WeChat in-app browser advice was read and dismissed on this device.
pub fn wechat_dismissed() -> bool {
    LocalStorage::get(WECHAT_DISMISSED).unwrap_or(false)
}

pub fn set_wechat_dismissed() {
    let _ = LocalStorage::set(WECHAT_DISMISSED, true);
}
