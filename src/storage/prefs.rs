//! Small preferences kept in localStorage: losing them costs a retype, never a record.

use gloo_storage::{LocalStorage, Storage};

const SUPERVISOR: &str = "dudao.supervisor";

pub fn supervisor() -> String {
    LocalStorage::get(SUPERVISOR).unwrap_or_default()
}

pub fn set_supervisor(name: &str) {
    let _ = LocalStorage::set(SUPERVISOR, name);
}
