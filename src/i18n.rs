//! The one i18n layer: every UI string, in zh-CN (default) and English.
//!
//! Each string is written once with both languages side by side (the `strings!` table below);
//! a string missing in one language does not compile.
//! Dates follow Chinese conventions through `dudao_domain::datetime`.

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;

/// Declares a table of UI strings: the struct and its zh-CN and English instances, each string
/// written once with both languages side by side, `name: Type = { "中文", "English" }` (a
/// `fn` type for strings with values in them: `|n| format!("{n} 条待同步")`). A string missing
/// in either language does not compile.
macro_rules! strings {
    (
        $(#[$meta:meta])*
        pub struct $table:ident, zh $zh_table:ident, en $en_table:ident;
        $( $(#[$field_meta:meta])* $name:ident : $ty:ty = { $zh:expr, $en:expr $(,)? } )*
    ) => {
        $(#[$meta])*
        pub struct $table {
            $( $(#[$field_meta])* pub $name: $ty, )*
        }

        pub static $zh_table: $table = $table { $( $name: $zh, )* };

        pub static $en_table: $table = $table { $( $name: $en, )* };
    };
}

pub mod rectify;
pub mod sync;

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

strings! {
    pub struct Strings, zh ZH, en EN;
    /// Sign-in, the sync engine and the 同步 page.
    sync: &'static sync::SyncStrings = { &sync::ZH, &sync::EN }
    /// A finding's page: its history, the 复查 and the school's progress.
    rectify: &'static rectify::RectifyStrings = { &rectify::ZH, &rectify::EN }
    app_name: &'static str = { "督导", "Dudao" }
    update_available: &'static str = { "新版本可用", "A new version is available" }
    update_detail: &'static str = {
        "更新后页面会重新载入，已保存的记录不受影响。",
        "The page reloads to update; nothing saved is affected.",
    }
    update_now: &'static str = { "立即更新", "Update now" }
    update_later: &'static str = { "稍后", "Later" }
    tab_schools: &'static str = { "学校", "Schools" }
    tab_visits: &'static str = { "督导", "Visits" }
    tab_findings: &'static str = { "整改", "Findings" }
    tab_sync: &'static str = { "同步", "Sync" }
    lang_switch: &'static str = { "EN", "中文" }
    offline: &'static str = { "离线", "Offline" }
    online: &'static str = { "在线", "Online" }
    pending: fn(usize) -> String = { |n| format!("{n} 条待同步"), |n| format!("{n} to sync") }
    all_saved: &'static str = { "已全部保存在本机", "Everything is saved on this device" }
    loading: &'static str = { "加载中…", "Loading…" }
    search_schools: &'static str = { "搜索学校名称或代码", "Search by school name or code" }
    no_schools: &'static str = {
        "还没有学校名单。请联网后再打开一次，以下载您负责的学校。",
        "No school list yet. Open the app online once to download the schools assigned to you.",
    }
    /// Signed in, and the server lists no school for this account.
    no_schools_assigned: &'static str = {
        "督导室还没有为您的账号分配学校，请联系督导室。",
        "The office has not assigned any school to your account yet; please contact the office.",
    }
    no_schools_match: &'static str = { "没有符合条件的学校", "No school matches" }
    /// The 学校 page when the phone is not signed in, or the server refused its sign-in.
    schools_sign_in_title: &'static str = {
        "登录后可获取您负责的学校",
        "Sign in to get the schools assigned to you",
    }
    /// …with no school stored on the phone.
    schools_sign_in_first: &'static str = {
        "学校名单由督导室按账号分配。请用督导室提供的账号登录；登录一次后，没有网络也能使用。",
        "The office assigns schools to each account. Sign in with the account the office gave you; after that the list works without a network.",
    }
    /// …with the schools stored on the phone shown below.
    schools_sign_in_cached: &'static str = {
        "下面是本机保存的学校名单，可以照常督导。",
        "Below are the schools saved on this phone; you can visit them as usual.",
    }
    /// …because the sign-in expired or was ended elsewhere.
    schools_sign_in_expired: &'static str = {
        "登录已过期或已在别处退出，学校名单暂未更新。本机保存的学校和记录都还在。",
        "Your sign-in has expired or was ended elsewhere, so the list was not updated. The schools and records on this phone are kept.",
    }
    schools_sign_in_button: &'static str = { "登录", "Sign in" }
    pupils: fn(u32) -> String = { |n| format!("{n} 人"), |n| format!("{n} pupils") }
    /// How many items of a template apply at this school.
    items_here: fn(usize) -> String = {
        |n| format!("本校适用 {n} 项"),
        |n| format!("{n} items apply here"),
    }
    /// Badge on a template whose thresholds the district adjusted: "清河县本地标准".
    local_thresholds: fn(&str) -> String = {
        |d| format!("含{d}本地标准"),
        |d| format!("with {d} local thresholds"),
    }
    /// Heading of the list of items left out at this school.
    not_applicable_here: fn(usize) -> String = {
        |n| format!("不适用本校的项目（{n} 项）"),
        |n| format!("Not applicable at this school ({n})"),
    }
    not_applicable_hint: &'static str = {
        "以下项目按本校学段、年级、寄宿情况或设施自动略去，记为“不适用”。如学校实际情况与登记不符，请联系督导室更正学校信息。",
        "These items were left out because of the school's stage, grades, boarding or facilities, and count as not applicable. If the school record is wrong, ask the office to correct it.",
    }
    local_basis: &'static str = { "本地", "Local" }
    boarding: &'static str = { "寄宿制", "Boarding" }
    last_visit: &'static str = { "上次督导", "Last visit" }
    never_visited: &'static str = { "尚未督导", "Not visited yet" }
    /// School list: the stage chip that shows every stage, and the chips' group label.
    all_stages: &'static str = { "全部", "All" }
    stage_filter: &'static str = { "按学段筛选", "Filter by stage" }
    /// Badge on a school card: findings of its visits still to be put right.
    to_rectify: fn(usize) -> String = {
        |n| format!("{n} 个问题待整改"),
        |n| {
            if n == 1 {
                "1 finding to rectify".into()
            } else {
                format!("{n} findings to rectify")
            }
        },
    }
    nothing_to_rectify: &'static str = { "无待整改问题", "Nothing to rectify" }
    /// Badge on the schools whose 责任督学 is this phone's supervisor.
    mine: &'static str = { "我负责", "Mine" }
    responsible_supervisor: &'static str = { "责任督学", "Responsible supervisor" }
    /// Visit editor: set 符合 on every unanswered compliance item of the section, after asking.
    section_all_ok: &'static str = { "本节全部符合", "All compliant" }
    section_all_ask: fn(usize) -> String = {
        |n| {
            format!("将本节 {n} 个尚未作答的“符合/不符合”类题目全部设为“符合”。已作答的题目保持不变。")
        },
        |n| {
            format!(
                "Mark the {n} unanswered compliance items of this section as compliant? \
                 Items already answered are left as they are."
            )
        },
    }
    section_all_confirm: &'static str = { "全部设为符合", "Mark compliant" }
    location: &'static str = { "定位", "Location" }
    location_none: &'static str = { "未记录定位", "No location recorded" }
    start_visit: &'static str = { "开始督导", "Start visit" }
    continue_visit: &'static str = { "继续未完成的督导", "Continue the unfinished visit" }
    choose_templates: &'static str = { "选择督导内容（可多选）", "What to inspect (choose one or more)" }
    checklists: &'static str = { "督导内容", "Checklists" }
    supervisor_name: &'static str = { "督学姓名", "Supervisor's name" }
    supervisor_placeholder: &'static str = { "请输入您的姓名", "Your name" }
    need_template: &'static str = { "请至少选择一项督导内容", "Choose at least one checklist" }
    need_name: &'static str = { "请填写督学姓名", "Enter the supervisor's name" }
    cancel: &'static str = { "取消", "Cancel" }
    visits_title: &'static str = { "督导记录", "Visits" }
    no_visits: &'static str = {
        "还没有督导记录。在“学校”中选择一所学校开始督导。",
        "No visits yet. Pick a school under Schools to start one.",
    }
    show_more: fn(usize) -> String = {
        |n| format!("显示更多（还有 {n} 条）"),
        |n| format!("Show more ({n} more)"),
    }
    state_draft: &'static str = { "进行中", "In progress" }
    state_finished: &'static str = { "已完成", "Finished" }
    state_signed: &'static str = { "已签字", "Signed" }
    state_synced: &'static str = { "已同步", "Synced" }
    answered: fn(usize, usize) -> String = {
        |a, t| format!("已答 {a}/{t}"),
        |a, t| format!("Answered {a}/{t}"),
    }
    next_unanswered: &'static str = { "下一个未答", "Next unanswered" }
    all_answered: &'static str = { "全部已答", "All answered" }
    basis: &'static str = { "依据", "Basis" }
    note: &'static str = { "备注", "Note" }
    add_note: &'static str = { "添加备注", "Add a note" }
    note_placeholder: &'static str = {
        "现场情况、访谈对象、佐证材料……",
        "What you saw, whom you asked, evidence…",
    }
    required: &'static str = { "必答", "Required" }
    yes: &'static str = { "是", "Yes" }
    no: &'static str = { "否", "No" }
    clear: &'static str = { "清除", "Clear" }
    requirement: &'static str = { "标准", "Standard" }
    /// In place of `requirement` when the rule rests only on unconfirmed bases (⚠️).
    reference_requirement: &'static str = { "参考标准（待核实）", "Reference (unconfirmed)" }
    /// Before the requirement a verdict was judged against, when it is such a requirement:
    /// "不符合（参考标准：≥ 30 天）".
    reference_standard: &'static str = { "参考标准", "Reference" }
    /// A badge on a basis not confirmed to set the number: "待核实".
    unconfirmed_basis: &'static str = { "待核实", "Unconfirmed" }
    /// A stored value outside the item's range, flagged on its card in place of a verdict.
    out_of_range: &'static str = { "数值超出范围", "Value out of range" }
    /// Between a label and what follows: "：" / ": ".
    colon: &'static str = { "：", ": " }
    /// An aside after a verdict: "（≤ 60 分钟）" / " (≤ 60 min)".
    in_brackets: fn(&str) -> String = { |s| format!("（{s}）"), |s| format!(" ({s})") }
    prev_section: &'static str = { "上一部分", "Previous" }
    next_section: &'static str = { "下一部分", "Next" }
    finish_visit: &'static str = { "完成督导", "Finish visit" }
    still_missing: fn(usize) -> String = {
        |n| format!("还有 {n} 项需要完成"),
        |n| format!("{n} items still need attention"),
    }
    missing_required: &'static str = { "必答题未作答", "Required, not answered" }
    missing_photo: &'static str = { "不符合时需拍照留证", "Photo required when non-compliant" }
    missing_out_of_range: &'static str = { "数值超出范围，请更正", "Value out of range: correct it" }
    photo_take: &'static str = { "拍照", "Take photo" }
    photo_pick: &'static str = { "从相册选择", "Choose from album" }
    photo_busy: &'static str = { "处理中…", "Processing…" }
    photos_count: fn(usize) -> String = {
        |n| format!("照片 {n} 张"),
        |n| if n == 1 { "1 photo".into() } else { format!("{n} photos") },
    }
    photo_open: fn(usize) -> String = { |n| format!("查看第 {n} 张照片"), |n| format!("View photo {n}") }
    photo_viewer: &'static str = { "照片", "Photo" }
    photo_delete: &'static str = { "删除", "Delete" }
    photo_delete_ask: &'static str = {
        "删除这张照片？删除后无法恢复。",
        "Delete this photo? This cannot be undone.",
    }
    photo_delete_confirm: &'static str = { "确认删除", "Delete it" }
    err_photo_unreadable: &'static str = {
        "无法读取这张照片：文件不是图片或已损坏",
        "This photo cannot be read: the file is not an image or is damaged",
    }
    err_photo_failed: &'static str = {
        "照片处理失败，未保存。请重试。",
        "Processing the photo failed; nothing was saved. Try again.",
    }
    close: &'static str = { "关闭", "Close" }
    visit_not_found: &'static str = { "找不到这条督导记录。", "This visit could not be found." }
    summary_title: &'static str = { "督导结果", "Visit result" }
    findings_count: fn(usize) -> String = { |n| format!("发现问题 {n} 个"), |n| format!("{n} findings") }
    no_findings: &'static str = { "本次督导未发现不符合项。", "No non-compliant items in this visit." }
    severity: &'static str = { "严重程度", "Severity" }
    back_to_visits: &'static str = { "返回督导记录", "Back to visits" }
    view_summary: &'static str = { "查看结果", "View result" }
    findings_title: &'static str = { "待整改问题", "Open findings" }
    no_open_findings: &'static str = {
        "已完成的督导中没有不符合项。",
        "Finished visits have no non-compliant items.",
    }
    findings_term: &'static str = { "整改期限", "Deadline" }
    findings_counts: fn(usize, usize, usize) -> String = {
        |n, late, sup| format!("待整改 {n} 条 · 逾期 {late} 条 · 挂牌督办 {sup} 条"),
        |n, late, sup| format!("{n} open · {late} overdue · {sup} under supervised listing"),
    }
    findings_school: &'static str = { "学校", "School" }
    findings_all_schools: &'static str = { "全部学校", "All schools" }
    findings_status: &'static str = { "整改状态", "Status" }
    findings_open: &'static str = { "未销号", "Open" }
    findings_done: &'static str = { "已销号/撤销", "Closed/withdrawn" }
    findings_none_here: &'static str = { "没有符合条件的问题。", "No findings match." }
    findings_owner: &'static str = { "责任部门/责任人", "Responsible" }
    findings_to_review: &'static str = { "确认问题", "Review findings" }
    opinion_title: &'static str = { "督导意见书", "Inspection opinion (督导意见书)" }
    opinion_print: &'static str = { "打印 / 保存为PDF", "Print / Save as PDF" }
    opinion_print_hint: &'static str = {
        "打印时选择A4纸、不缩放；在打印对话框中选“另存为PDF”即可保存电子版。",
        "Print on A4 at 100%; choose “Save as PDF” in the print dialog to keep a file. The document itself is in Chinese.",
    }
    opinion_photos: &'static str = { "附照片", "Attach photos" }
    opinion_photo_count: fn(usize) -> String = {
        |n| format!("（共 {n} 张）"),
        |n| if n == 1 { " (1 photo)".into() } else { format!(" ({n} photos)") },
    }
    opinion_no_photos: &'static str = { "这条督导没有现场照片。", "This visit has no photos." }
    opinion_photos_failed: &'static str = {
        "照片读取失败，意见书暂未附照片。请重试，已保存的记录不受影响。",
        "Reading the photos failed; the opinion is shown without them. Try again; saved records are unaffected.",
    }
    opinion_back: &'static str = { "返回", "Back" }
    sync_title: &'static str = { "同步与存储", "Sync and storage" }
    unsynced_changes: &'static str = { "未同步的修改", "Unsynced changes" }
    storage_title: &'static str = { "存储", "Storage" }
    storage_usage: fn(&str, &str) -> String = {
        |used, quota| format!("已用 {used}，共可用 {quota}"),
        |used, quota| format!("{used} used of {quota} available"),
    }
    storage_bar_label: &'static str = { "本机存储空间使用比例", "Share of storage used on this device" }
    storage_persisted_ok: &'static str = {
        "已持久保存：浏览器不会自动清除本机数据。",
        "Persistent: the browser will not clear this app's data by itself.",
    }
    storage_warning: &'static str = {
        "浏览器可能在空间不足或长期未使用时清除本机数据。建议：添加到主屏幕（安装），有网络时及时同步，并定期导出备份。",
        "The browser may clear this app's data when space runs low or after long disuse. Install it to the home screen, sync whenever there is a network, and export backups regularly.",
    }
    storage_to_backup: &'static str = { "导出备份", "Export a backup" }
    install_app: &'static str = { "安装到主屏幕", "Install to home screen" }
    install_ios_hint: &'static str = {
        "点击分享按钮，选择‘添加到主屏幕’",
        "Tap the Share button, then 'Add to Home Screen'",
    }
    install_other_hint: &'static str = {
        "在浏览器菜单中选择“安装应用”或“添加到主屏幕”。",
        "Choose 'Install app' or 'Add to Home screen' in the browser menu.",
    }
    storage_insecure: &'static str = {
        "本页不是通过 https 打开的，浏览器不提供存储空间信息，也不能申请持久保存。请让督导室提供 https 地址。",
        "This page was not opened over https, so the browser gives no storage information and cannot be asked to keep the data. Ask the office for the https address.",
    }
    storage_unsupported: &'static str = {
        "此浏览器不提供存储空间信息，也不能申请持久保存本机数据（部分 iPhone 和较旧的浏览器如此）。",
        "This browser gives no storage information and cannot be asked to keep this app's data (so on some iPhones and older browsers).",
    }
    wechat_banner: &'static str = {
        "您正在微信内置浏览器中使用。微信可能清除网页数据，离线使用请点击右上角“…”，选择“在浏览器打开”。",
        "You are in WeChat's built-in browser, which may clear web data. For offline use tap '…' at the top right and choose 'Open in browser'.",
    }
    wechat_dismiss: &'static str = { "知道了", "Got it" }
    reload_needed: &'static str = {
        "应用已在另一个标签页更新，请刷新本页。",
        "The app was updated in another tab. Reload this page.",
    }
    reload_now: &'static str = { "刷新", "Reload" }
    upgrade_blocked: &'static str = {
        "请关闭其他打开督导的标签页以完成升级。",
        "Close other tabs with Dudao open to finish the upgrade.",
    }
    server: &'static str = { "督导室服务器", "Office server" }
    server_ok: &'static str = { "可以连接", "Reachable" }
    server_unreachable: &'static str = { "无法连接（离线时可照常督导）", "Unreachable (visits work offline)" }
    refresh_schools: &'static str = { "更新学校名单", "Update school list" }
    schools_cached: fn(usize) -> String = {
        |n| format!("本机已有 {n} 所学校"),
        |n| format!("{n} schools on this device"),
    }
    backup_title: &'static str = { "备份与恢复", "Backup and restore" }
    backup_explain: &'static str = {
        "备份文件包含本机全部督导记录（答案、问题、签字、更正）、照片和待同步的修改，没有网络时可拷到另一部手机或电脑导入。文件含学校联系人和签字等个人信息，请妥善保管，不要随意转发。",
        "The backup file holds every visit on this device (answers, findings, signatures, amendments), the photos and the changes not yet synced, to carry to another phone or computer without a network. It contains personal data (school contacts, signatures): keep it safe and do not pass it around.",
    }
    backup_export: &'static str = { "导出备份", "Export backup" }
    backup_exporting: fn(usize, usize) -> String = {
        |done, total| if total == 0 { "正在导出…".into() } else { format!("正在导出…（照片 {done}/{total}）") },
        |done, total| if total == 0 { "Exporting…".into() } else { format!("Exporting… (photo {done}/{total})") },
    }
    backup_exported: fn(&str, usize, usize) -> String = {
        |name, visits, photos| format!("已导出 {visits} 条督导记录、{photos} 张照片：{name}"),
        |name, visits, photos| format!("Exported {visits} visits and {photos} photos: {name}"),
    }
    backup_export_failed: &'static str = {
        "导出失败：无法读取本机数据，已保存的记录不受影响。请重试。",
        "Export failed: the data on this device could not be read; saved records are unaffected. Try again.",
    }
    backup_import: &'static str = { "导入备份", "Import backup" }
    backup_import_hint: &'static str = {
        "导入只新增或更新记录，不会删除本机已有的内容；同一文件导入两次不会产生重复记录。",
        "Importing only adds or updates records and never deletes any here; importing the same file twice creates no duplicates.",
    }
    backup_importing: &'static str = { "正在导入…", "Importing…" }
    backup_imported: fn(&dudao_domain::backup::ImportReport) -> String = {
        |r| format!("导入完成：{}", r.zh()),
        |r| format!("Imported: {}", r.en()),
    }
    backup_refused: fn(&dudao_domain::backup::BackupError) -> String = {
        |e| e.zh(),
        |e| format!("Not imported, nothing changed: {e}"),
    }
    backup_import_failed: &'static str = {
        "导入失败：无法写入本机存储（空间可能不足），未导入任何内容，已保存的记录不受影响。",
        "Import failed: this device's storage refused the write (it may be full); nothing was imported and saved records are unaffected.",
    }
    err_quota: &'static str = {
        "手机存储空间已满：请先同步或导出备份，已保存的记录不受影响。",
        "Storage on this phone is full: sync or export a backup first. Saved records are unaffected.",
    }
    err_storage: &'static str = {
        "本机存储出错，本次修改未保存，已保存的记录不受影响。请重试。",
        "A storage error stopped this change from being saved; saved records are unaffected. Try again.",
    }
    err_stalled: &'static str = {
        "本机存储没有响应，已保存的记录没有丢失。请刷新本页；若仍如此，请完全关闭浏览器（或微信）后重新打开。",
        "This phone's storage is not answering; saved records are not lost. Reload the page; if it persists, close the browser (or WeChat) completely and open it again.",
    }
    err_blocked: &'static str = {
        "应用已在另一个标签页中打开并需要升级，请关闭其他标签页后重试。",
        "The app is open in another tab and needs an upgrade. Close other tabs and try again.",
    }
    err_template_missing: &'static str = {
        "这条督导所用的检查表版本不在本机，暂时无法打开；督导记录本身已保存，不受影响。",
        "The checklist version this visit uses is not on this device, so it cannot be opened yet; the visit record itself is saved and unaffected.",
    }
    /// Under [`Strings::err_template_missing`]: how the checklist may still reach the phone.
    template_missing_hint: &'static str = {
        "联网时重新打开应用，或在“同步”中登录，本机会下载督导室发布的检查表；这个版本仍在发布的话，就能打开这条督导。",
        "Online, reopening the app or signing in under Sync downloads the checklists the office publishes; if this version is still among them, the visit opens.",
    }
    err_wrong_value: &'static str = {
        "这个值不符合此题的要求，未保存。",
        "That value does not fit this item and was not saved.",
    }
    err_read_only: &'static str = {
        "这条督导已完成，不能再修改。",
        "This visit is finished and can no longer be edited.",
    }
    started: &'static str = { "开始时间", "Started" }
    finished_at: &'static str = { "完成时间", "Finished" }
    supervisor: &'static str = { "督学", "Supervisor" }
    school: &'static str = { "学校", "School" }
    number_placeholder: &'static str = { "填写数值", "Enter a number" }

    // review & signature
    review_title: &'static str = { "核定问题", "Settle findings" }
    review_hint: &'static str = {
        "请逐条核对问题描述、整改要求、严重程度和整改期限，可合并或删除；修改即时保存。核定后请学校代表签字。",
        "Check each finding's description, requirement, severity and deadline; merge or delete as needed. Changes are saved as you go. Then ask the school's representative to sign.",
    }
    signed_read_only: &'static str = {
        "学校已签字，问题不能直接修改。如需更正，请点“更正”并写明原因，更正记录会写入督导意见书。",
        "The school has signed: findings can no longer be edited. To correct one, tap Amend and give the reason; the amendment is recorded in the opinion.",
    }
    review_no_findings: &'static str = {
        "本次督导未发现问题，可直接请学校签字。",
        "This visit found no problems; the school can sign right away.",
    }
    finding_n: fn(usize) -> String = { |n| format!("问题{n}"), |n| format!("Finding {n}") }
    finding_desc: &'static str = { "问题描述", "Description" }
    finding_req: &'static str = { "整改要求", "Requirement" }
    disposition: &'static str = { "整改方式", "How to fix" }
    deadline: &'static str = { "整改期限", "Deadline" }
    /// A date field with no date yet.
    date_pick: &'static str = { "选择日期", "Choose a date" }
    owner: &'static str = { "责任部门/责任人", "Responsible department / person" }
    owner_placeholder: &'static str = { "如：教务处 张主任", "e.g. Academic office, Director Zhang" }
    finding_items: &'static str = { "对应项目", "Items" }
    select_finding: &'static str = { "选择", "Select" }
    selected_n: fn(usize) -> String = { |n| format!("已选 {n} 个问题"), |n| format!("{n} selected") }
    merge_selected: &'static str = { "合并所选", "Merge selected" }
    merge_needs_two: &'static str = { "至少选择两个问题才能合并。", "Select at least two findings to merge." }
    drop_finding: &'static str = { "删除", "Delete" }
    drop_confirm: fn(usize) -> String = {
        |n| format!("删除问题{n}？删除后不写入督导意见书，可在页面底部恢复。"),
        |n| format!("Delete finding {n}? It will not appear in the opinion; you can restore it at the bottom of the page."),
    }
    dropped_title: fn(usize) -> String = {
        |n| format!("已删除的问题（{n} 个）"),
        |n| format!("Deleted findings ({n})"),
    }
    restore: &'static str = { "恢复", "Restore" }
    unsignable_title: &'static str = { "签字前还需完善：", "Complete these before signing:" }
    reopen_visit: &'static str = { "返回修改答案", "Back to answers" }
    to_sign: &'static str = { "请学校签字", "School signs" }
    err_review_state: &'static str = {
        "这条督导当前不能修改问题，本次修改未保存。",
        "The findings of this visit cannot be changed now; nothing was saved.",
    }
    review_open_opinion: &'static str = { "查看督导意见书", "Open the opinion" }
    amend: &'static str = { "更正", "Amend" }
    amend_field: &'static str = { "更正项目", "Field to amend" }
    amend_value: &'static str = { "更正为", "New value" }
    amend_reason: &'static str = { "更正原因（必填）", "Reason (required)" }
    amend_reason_placeholder: &'static str = {
        "如：学校申请延期，经督导室同意",
        "e.g. the school asked for more time and the office agreed",
    }
    amend_save: &'static str = { "保存更正", "Save amendment" }
    amendments_title: &'static str = { "更正记录", "Amendments" }
    amend_need_reason: &'static str = { "请填写更正原因。", "Enter the reason for the amendment." }
    amend_unchanged: &'static str = { "新值与原值相同，无需更正。", "The new value is the same as the old one." }
    amend_bad_date: &'static str = { "请选择有效的日期。", "Choose a valid date." }
    sign_title: &'static str = { "学校代表签字", "School representative signs" }
    sign_summary: fn(&str, usize) -> String = {
        |school, n| if n == 0 { format!("{school}：本次督导未发现问题") } else { format!("{school}：发现问题 {n} 个") },
        |school, n| if n == 0 { format!("{school}: no findings") } else { format!("{school}: {n} findings") },
    }
    sign_note: &'static str = {
        "签字表示学校已知悉本次督导发现的问题和整改要求。签字后督导记录不能再修改。",
        "Signing confirms the school has been told of the findings and what to fix. After signing the record can no longer be edited.",
    }
    sign_changed: &'static str = {
        "这条督导刚刚同步到了新的内容，尚未签字。请再核对一遍问题清单，然后请学校签字。",
        "New content for this visit has just arrived by sync, so it was not signed. Check the findings again, then ask the school to sign.",
    }
    signer_name: &'static str = { "签字人姓名", "Name" }
    signer_name_placeholder: &'static str = { "学校代表姓名", "The representative's name" }
    signer_role: &'static str = { "职务", "Role" }
    signer_role_placeholder: &'static str = { "如：校长", "e.g. 校长 (principal)" }
    signature_label: &'static str = { "签名", "Signature" }
    signature_hint: &'static str = { "请在此处签名", "Sign here" }
    sign_confirm: &'static str = { "确认签字", "Confirm signature" }
    need_signer_name: &'static str = { "请填写签字人姓名。", "Enter the signer's name." }
    need_signer_role: &'static str = { "请填写签字人职务。", "Enter the signer's role." }
    need_signature: &'static str = { "请学校代表在签名框内签名。", "The representative must sign in the box." }
    review_first: &'static str = {
        "还有问题未完善，请先返回核定问题。",
        "Some findings are incomplete; settle them first.",
    }
    back_to_review: &'static str = { "返回核定问题", "Back to findings" }
    sign_not_finished: &'static str = {
        "这条督导尚未完成，完成后才能签字。",
        "This visit is not finished yet; it can be signed once finished.",
    }
    already_signed: &'static str = { "这条督导已经签字。", "This visit is already signed." }
}
