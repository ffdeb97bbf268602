//! Strings of a finding's page: its 整改记录, the 复查 and the school's progress (`t.rectify.…`).

strings! {
    pub struct RectifyStrings, zh ZH, en EN;

    title: &'static str = { "整改问题", "Finding" }
    back: &'static str = { "‹ 整改列表", "‹ Findings" }
    requirement: &'static str = { "整改要求", "Required" }
    school: &'static str = { "学校", "School" }
    items: &'static str = { "检查项", "Items" }
    /// 督意〔2026〕12号 · 2026年12月3日 · 韩立新
    origin: fn(&str, &str, &str) -> String = {
        |no, at, by| format!("问题来源：{no}{at} · 督学 {by}"),
        |no, at, by| format!("Raised: {no}{at} · by {by}"),
    }
    open_opinion: &'static str = { "查看督导意见书 ›", "Open the supervision opinion ›" }
    history: &'static str = { "整改记录", "History" }
    no_history: &'static str = {
        "暂无整改记录。学校整改、督学复查后记录在这里。",
        "Nothing recorded yet. The school's progress and each recheck are recorded here.",
    }
    /// 周丽（督导室）
    by: fn(&str, &str) -> String = {
        |who, role| format!("{who}（{role}）"),
        |who, role| format!("{who} ({role})"),
    }
    photo_not_here: &'static str = { "照片（联网后查看）", "Photo (online only)" }
    photo_open: fn(usize) -> String = {
        |n| format!("查看第 {n} 张照片"),
        |n| format!("Open photo {n}"),
    }
    act_heading: &'static str = { "复查与整改进展", "Recheck and progress" }
    act_none: &'static str = {
        "该问题已办结，无需再复查。",
        "This finding is settled: nothing more to do.",
    }
    hint_fixed_on_spot: &'static str = {
        "学校当场整改完毕：拍下整改后的照片即可销号。",
        "The school put it right while you are here: take a photo of the fix to close it.",
    }
    hint_start: &'static str = {
        "学校已着手整改（据学校报告或现场所见）。",
        "The school has begun putting it right (as it reports, or as seen).",
    }
    hint_report: &'static str = {
        "学校报送了整改情况：拍下或选取整改报告，写明学校所做的整改。",
        "The school reported its rectification: photograph its report and say what it did.",
    }
    hint_passed: &'static str = {
        "现场复查，问题已整改到位。",
        "Rechecked on site: the finding is put right.",
    }
    hint_passed_major: &'static str = {
        "现场复查，问题已整改到位。重大问题须附整改后照片。",
        "Rechecked on site: put right. A major finding needs a photo of the fix.",
    }
    hint_failed: &'static str = {
        "现场复查，仍未整改到位：写明仍存在的问题，并定新的整改期限。",
        "Rechecked on site, not put right: say what is still wrong and set a new deadline.",
    }
    note_label: &'static str = { "说明", "Note" }
    note_passed: &'static str = { "复查意见", "Recheck opinion" }
    note_failed: &'static str = { "仍存在的问题", "Still wrong" }
    new_deadline: &'static str = { "新的整改期限", "New deadline" }
    need_deadline: &'static str = { "请选择新的整改期限。", "Choose the new deadline." }
    photos: &'static str = { "照片", "Photos" }
    confirm: &'static str = { "确认记录", "Record" }
    saving: &'static str = { "正在保存…", "Saving…" }
    /// 已记录：复查通过。联网后自动同步。
    saved: fn(&str) -> String = {
        |what| format!("已记录：{what}。联网后自动同步到督导室。"),
        |what| format!("Recorded: {what}. It syncs to the office when online."),
    }
    need_login: &'static str = {
        "登录督导室账号后才能记录复查和整改进展（记录需署名）。",
        "Sign in to the office account to record a recheck or progress (each record is signed).",
    }
    not_here: &'static str = {
        "本机没有这个问题的记录。同步后再试。",
        "This finding is not on this phone. Sync and try again.",
    }
    open_findings_here: fn(usize) -> String = {
        |n| format!("本校有 {n} 个问题未销号：先复查 ›"),
        |n| format!("{n} open findings at this school: recheck them first ›"),
    }
    unsent: &'static str = { "待同步", "Not yet synced" }
}
