//! The one i18n layer: every UI string, in zh-CN (default) and English.
//!
//! Each language is a `Strings` value, so a string missing in one language does not compile.
//! Dates follow Chinese conventions through `dudao_domain::datetime`.

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

const LANG_KEY: &str = "dudao.lang";

/// Shared by every component through context.
#[derive(Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
}

impl I18n {
    pub fn t(&self) -> &'static Strings {
        match self.lang.get() {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    pub fn en(&self) -> bool {
        self.lang.get() == Lang::En
    }

    pub fn toggle(&self) {
        let next = if self.lang.get_untracked() == Lang::Zh {
            Lang::En
        } else {
            Lang::Zh
        };
        let _ = LocalStorage::set(LANG_KEY, if next == Lang::En { "en" } else { "zh" });
        self.lang.set(next);
        set_document_lang(next);
    }
}

fn set_document_lang(lang: Lang) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = el.set_attribute("lang", if lang == Lang::En { "en" } else { "zh-CN" });
    }
}

pub fn provide_i18n() {
    let lang = match LocalStorage::get::<String>(LANG_KEY).ok().as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    };
    set_document_lang(lang);
    provide_context(I18n {
        lang: RwSignal::new(lang),
    });
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

pub struct Strings {
    pub app_name: &'static str,
    pub tab_schools: &'static str,
    pub tab_visits: &'static str,
    pub tab_findings: &'static str,
    pub tab_sync: &'static str,
    pub lang_switch: &'static str,
    pub offline: &'static str,
    pub online: &'static str,
    pub pending: fn(usize) -> String,
    pub all_saved: &'static str,
    pub loading: &'static str,
    pub search_schools: &'static str,
    pub no_schools: &'static str,
    pub no_schools_match: &'static str,
    pub pupils: fn(u32) -> String,
    /// How many items of a template apply at this school.
    pub items_here: fn(usize) -> String,
    /// Badge on a template whose thresholds the district adjusted: "清河县本地标准".
    pub local_thresholds: fn(&str) -> String,
    /// Heading of the list of items left out at this school.
    pub not_applicable_here: fn(usize) -> String,
    pub not_applicable_hint: &'static str,
    pub local_basis: &'static str,
    pub boarding: &'static str,
    pub last_visit: &'static str,
    pub never_visited: &'static str,
    pub start_visit: &'static str,
    pub continue_visit: &'static str,
    pub choose_templates: &'static str,
    pub checklists: &'static str,
    pub supervisor_name: &'static str,
    pub supervisor_placeholder: &'static str,
    pub need_template: &'static str,
    pub need_name: &'static str,
    pub cancel: &'static str,
    pub visits_title: &'static str,
    pub no_visits: &'static str,
    pub state_draft: &'static str,
    pub state_finished: &'static str,
    pub state_signed: &'static str,
    pub state_synced: &'static str,
    pub answered: fn(usize, usize) -> String,
    pub next_unanswered: &'static str,
    pub all_answered: &'static str,
    pub basis: &'static str,
    pub note: &'static str,
    pub add_note: &'static str,
    pub note_placeholder: &'static str,
    pub required: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub clear: &'static str,
    pub requirement: &'static str,
    pub prev_section: &'static str,
    pub next_section: &'static str,
    pub finish_visit: &'static str,
    pub still_missing: fn(usize) -> String,
    pub missing_required: &'static str,
    pub missing_photo: &'static str,
    pub close: &'static str,
    pub visit_not_found: &'static str,
    pub summary_title: &'static str,
    pub findings_count: fn(usize) -> String,
    pub no_findings: &'static str,
    pub severity: &'static str,
    pub back_to_visits: &'static str,
    pub view_summary: &'static str,
    pub findings_title: &'static str,
    pub no_open_findings: &'static str,
    pub sync_title: &'static str,
    pub unsynced_changes: &'static str,
    pub sync_not_yet: &'static str,
    pub storage_used: &'static str,
    pub storage_persistent: &'static str,
    pub storage_not_persistent: &'static str,
    pub server: &'static str,
    pub server_ok: &'static str,
    pub server_unreachable: &'static str,
    pub refresh_schools: &'static str,
    pub schools_cached: fn(usize) -> String,
    pub err_quota: &'static str,
    pub err_storage: &'static str,
    pub err_blocked: &'static str,
    pub err_wrong_value: &'static str,
    pub err_read_only: &'static str,
    pub err_templates: &'static str,
    pub saved_locally: &'static str,
    pub started: &'static str,
    pub finished_at: &'static str,
    pub supervisor: &'static str,
    pub school: &'static str,
    pub number_placeholder: &'static str,
}

pub static ZH: Strings = Strings {
    app_name: "督导",
    tab_schools: "学校",
    tab_visits: "督导",
    tab_findings: "整改",
    tab_sync: "同步",
    lang_switch: "EN",
    offline: "离线",
    online: "在线",
    pending: |n| format!("{n} 条待同步"),
    all_saved: "已全部保存在本机",
    loading: "加载中…",
    search_schools: "搜索学校名称或代码",
    no_schools: "还没有学校名单。请联网打开一次，以下载本县学校名单。",
    no_schools_match: "没有符合条件的学校",
    pupils: |n| format!("{n} 人"),
    items_here: |n| format!("本校适用 {n} 项"),
    local_thresholds: |d| format!("含{d}本地标准"),
    not_applicable_here: |n| format!("不适用本校的项目（{n} 项）"),
    local_basis: "本地",
    not_applicable_hint: "以下项目按本校学段、年级、寄宿情况或设施自动略去，记为“不适用”。如学校实际情况与登记不符，请联系督导室更正学校信息。",
    boarding: "寄宿制",
    last_visit: "上次督导",
    never_visited: "尚未督导",
    start_visit: "开始督导",
    continue_visit: "继续未完成的督导",
    choose_templates: "选择督导内容（可多选）",
    checklists: "督导内容",
    supervisor_name: "督学姓名",
    supervisor_placeholder: "请输入您的姓名",
    need_template: "请至少选择一项督导内容",
    need_name: "请填写督学姓名",
    cancel: "取消",
    visits_title: "督导记录",
    no_visits: "还没有督导记录。在“学校”中选择一所学校开始督导。",
    state_draft: "进行中",
    state_finished: "已完成",
    state_signed: "已签字",
    state_synced: "已同步",
    answered: |a, t| format!("已答 {a}/{t}"),
    next_unanswered: "下一个未答",
    all_answered: "全部已答",
    basis: "依据",
    note: "备注",
    add_note: "添加备注",
    note_placeholder: "现场情况、访谈对象、佐证材料……",
    required: "必答",
    yes: "是",
    no: "否",
    clear: "清除",
    requirement: "标准",
    prev_section: "上一部分",
    next_section: "下一部分",
    finish_visit: "完成督导",
    still_missing: |n| format!("还有 {n} 项需要完成"),
    missing_required: "必答题未作答",
    missing_photo: "不符合时需拍照留证",
    close: "关闭",
    visit_not_found: "找不到这条督导记录。",
    summary_title: "督导结果",
    findings_count: |n| format!("发现问题 {n} 个"),
    no_findings: "本次督导未发现不符合项。",
    severity: "严重程度",
    back_to_visits: "返回督导记录",
    view_summary: "查看结果",
    findings_title: "待整改问题",
    no_open_findings: "已完成的督导中没有不符合项。",
    sync_title: "同步与存储",
    unsynced_changes: "未同步的修改",
    sync_not_yet: "与督导室服务器的账号同步尚未开通；所有记录已保存在本机，不会丢失。",
    storage_used: "本机已用空间",
    storage_persistent: "浏览器已承诺长期保存本应用数据",
    storage_not_persistent: "浏览器可能在空间不足时清除数据，请及时同步或备份",
    server: "督导室服务器",
    server_ok: "可以连接",
    server_unreachable: "无法连接（离线时可照常督导）",
    refresh_schools: "更新学校名单",
    schools_cached: |n| format!("本机已有 {n} 所学校"),
    err_quota: "手机存储空间已满：请先同步或导出备份，已保存的记录不受影响。",
    err_storage: "本机存储出错，本次修改未保存，已保存的记录不受影响。请重试。",
    err_blocked: "应用已在另一个标签页中打开并需要升级，请关闭其他标签页后重试。",
    err_wrong_value: "这个值不符合此题的要求，未保存。",
    err_read_only: "这条督导已完成，不能再修改。",
    err_templates: "内置督导模板有误，请联系督导室。",
    saved_locally: "已保存",
    started: "开始时间",
    finished_at: "完成时间",
    supervisor: "督学",
    school: "学校",
    number_placeholder: "填写数值",
};

pub static EN: Strings = Strings {
    app_name: "Dudao",
    tab_schools: "Schools",
    tab_visits: "Visits",
    tab_findings: "Findings",
    tab_sync: "Sync",
    lang_switch: "中文",
    offline: "Offline",
    online: "Online",
    pending: |n| format!("{n} to sync"),
    all_saved: "Everything is saved on this device",
    loading: "Loading…",
    search_schools: "Search by school name or code",
    no_schools: "No school list yet. Open the app online once to download the county's schools.",
    no_schools_match: "No school matches",
    pupils: |n| format!("{n} pupils"),
    items_here: |n| format!("{n} items apply here"),
    local_thresholds: |d| format!("with {d} local thresholds"),
    not_applicable_here: |n| format!("Not applicable at this school ({n})"),
    local_basis: "Local",
    not_applicable_hint: "These items were left out because of the school's stage, grades, boarding or facilities, and count as not applicable. If the school record is wrong, ask the office to correct it.",
    boarding: "Boarding",
    last_visit: "Last visit",
    never_visited: "Not visited yet",
    start_visit: "Start visit",
    continue_visit: "Continue the unfinished visit",
    choose_templates: "What to inspect (choose one or more)",
    checklists: "Checklists",
    supervisor_name: "Supervisor's name",
    supervisor_placeholder: "Your name",
    need_template: "Choose at least one checklist",
    need_name: "Enter the supervisor's name",
    cancel: "Cancel",
    visits_title: "Visits",
    no_visits: "No visits yet. Pick a school under Schools to start one.",
    state_draft: "In progress",
    state_finished: "Finished",
    state_signed: "Signed",
    state_synced: "Synced",
    answered: |a, t| format!("Answered {a}/{t}"),
    next_unanswered: "Next unanswered",
    all_answered: "All answered",
    basis: "Basis",
    note: "Note",
    add_note: "Add a note",
    note_placeholder: "What you saw, whom you asked, evidence…",
    required: "Required",
    yes: "Yes",
    no: "No",
    clear: "Clear",
    requirement: "Standard",
    prev_section: "Previous",
    next_section: "Next",
    finish_visit: "Finish visit",
    still_missing: |n| format!("{n} items still need attention"),
    missing_required: "Required, not answered",
    missing_photo: "Photo required when non-compliant",
    close: "Close",
    visit_not_found: "This visit could not be found.",
    summary_title: "Visit result",
    findings_count: |n| format!("{n} findings"),
    no_findings: "No non-compliant items in this visit.",
    severity: "Severity",
    back_to_visits: "Back to visits",
    view_summary: "View result",
    findings_title: "Open findings",
    no_open_findings: "Finished visits have no non-compliant items.",
    sync_title: "Sync and storage",
    unsynced_changes: "Unsynced changes",
    sync_not_yet: "Sync with the office server is not enabled yet; every record is kept on this device.",
    storage_used: "Storage used",
    storage_persistent: "The browser has promised to keep this app's data",
    storage_not_persistent: "The browser may clear data when space runs low: sync or back up often",
    server: "Office server",
    server_ok: "Reachable",
    server_unreachable: "Unreachable (visits work offline)",
    refresh_schools: "Update school list",
    schools_cached: |n| format!("{n} schools on this device"),
    err_quota: "Storage on this phone is full: sync or export a backup first. Saved records are unaffected.",
    err_storage: "A storage error stopped this change from being saved; saved records are unaffected. Try again.",
    err_blocked: "The app is open in another tab and needs an upgrade. Close other tabs and try again.",
    err_wrong_value: "That value does not fit this item and was not saved.",
    err_read_only: "This visit is finished and can no longer be edited.",
    err_templates: "A built-in checklist is broken; contact the office.",
    saved_locally: "Saved",
    started: "Started",
    finished_at: "Finished",
    supervisor: "Supervisor",
    school: "School",
    number_placeholder: "Enter a number",
};
