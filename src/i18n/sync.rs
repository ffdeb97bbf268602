//! Strings of sign-in, the sync engine and the 同步 page (`t.sync.…`).

strings! {
    pub struct SyncStrings, zh ZH, en EN;

    // sign-in
    login_title: &'static str = { "登录督导室账号", "Sign in to the office account" }
    login_explain: &'static str = {
        "登录后，本机的督导记录和照片会自动同步到督导室。账号由督导室分配。",
        "Once signed in, this phone's visits and photos sync to the supervision office by themselves. The office gives out accounts.",
    }
    username: &'static str = { "用户名", "Username" }
    password: &'static str = { "密码", "Password" }
    login_button: &'static str = { "登录", "Sign in" }
    logging_in: &'static str = { "正在登录…", "Signing in…" }
    need_username: &'static str = { "请输入用户名", "Enter your username" }
    need_password: &'static str = { "请输入密码", "Enter your password" }
    err_bad_credentials: &'static str = {
        "用户名或密码不正确，请重新输入。",
        "Wrong username or password. Please try again.",
    }
    /// Too many failed logins: minutes to wait, and the clock time from when it works.
    err_rate_limited: fn(u64, &str) -> String = {
        |min, at| format!("登录失败次数过多，请 {min} 分钟后（{at} 以后）再试。"),
        |min, at| {
            format!("Too many failed attempts: try again in {min} min (after {at}).")
        },
    }
    err_login_offline: &'static str = {
        "无网络，无法登录：请连接网络后再试。本机的记录不受影响。",
        "No network, so you cannot sign in now: connect and try again. Records on this phone are unaffected.",
    }
    err_login_unreachable: &'static str = {
        "连不上督导室服务器，请稍后再试。本机的记录不受影响。",
        "The office server does not answer: try again later. Records on this phone are unaffected.",
    }
    err_login_server: fn(u16) -> String = {
        |code| format!("督导室服务器出错（HTTP {code}），请稍后再试。"),
        |code| format!("The office server failed (HTTP {code}): try again later."),
    }
    err_login_failed: fn(&str) -> String = {
        |m| format!("登录失败：{m}"),
        |m| format!("Sign-in failed: {m}"),
    }

    // account
    account: &'static str = { "账号", "Account" }
    role_supervisor: &'static str = { "责任督学", "Supervisor" }
    role_office: &'static str = { "督导室", "Office" }
    role_admin: &'static str = { "管理员", "Administrator" }
    sign_in: &'static str = { "登录", "Sign in" }
    sign_in_again: &'static str = { "重新登录", "Sign in again" }
    sign_out: &'static str = { "退出登录", "Sign out" }
    not_signed_in: &'static str = {
        "未登录。登录督导室账号后即可同步；所有记录已保存在本机，不会丢失。",
        "Not signed in. Sign in to the office account to sync; every record is kept on this phone.",
    }
    /// Sign-out refused: unsynced records, of which photos.
    sign_out_refused: fn(usize, usize) -> String = {
        |n, photos| {
            if photos > 0 {
                format!("还有 {n} 项修改未同步（其中 {photos} 张照片），同步完成后才能退出登录。")
            } else {
                format!("还有 {n} 项修改未同步，同步完成后才能退出登录。")
            }
        },
        |n, photos| {
            if photos > 0 {
                format!("{n} changes are not synced yet ({photos} of them photos): sign out once they are.")
            } else {
                format!("{n} changes are not synced yet: sign out once they are.")
            }
        },
    }
    sign_out_busy: &'static str = { "正在同步，请稍候再退出登录。", "Syncing: sign out when it is done." }
    signed_out: &'static str = {
        "已退出登录。本机的记录仍保存在这台手机上。",
        "Signed out. The records stay on this phone.",
    }
    supervisor_from_account: &'static str = { "督学（登录账号）", "Supervisor (signed-in account)" }

    // status
    unsynced_label: &'static str = { "待同步", "To sync" }
    unsynced_photos: fn(usize) -> String = {
        |n| format!("其中 {n} 张照片"),
        |n| format!("{n} of them photos"),
    }
    last_sync_label: &'static str = { "上次同步", "Last sync" }
    never_synced: &'static str = { "从未同步", "Never" }
    sync_now: &'static str = { "立即同步", "Sync now" }
    syncing: &'static str = { "正在同步…", "Syncing…" }
    step_pushing: fn(usize, usize) -> String = {
        |d, t| format!("正在上传修改 {d}/{t}"),
        |d, t| format!("Sending changes {d}/{t}"),
    }
    step_pulling: &'static str = { "正在获取督导室的更新…", "Fetching the office's updates…" }
    step_photos: fn(usize, usize) -> String = {
        |d, t| format!("正在上传照片 {d}/{t}"),
        |d, t| format!("Uploading photos {d}/{t}"),
    }

    // header
    header_syncing: &'static str = { "同步中…", "Syncing…" }
    header_synced: fn(&str) -> String = { |t| format!("已同步 {t}"), |t| format!("Synced {t}") }
    header_error: &'static str = { "同步出错", "Sync error" }
    header_login: &'static str = { "需要重新登录", "Sign in again" }
    /// The bar when no account is signed in on this phone: nothing syncs.
    header_signed_out: &'static str = { "未登录", "Not signed in" }

    // errors
    err_offline: &'static str = {
        "无网络：修改已保存在本机，联网后会自动同步。",
        "No network: changes are kept on this phone and sync once you are online.",
    }
    err_unreachable: &'static str = {
        "服务器不可用：连不上督导室服务器，稍后会自动重试。修改已保存在本机。",
        "Server unavailable: the office server does not answer; retrying later. Changes are kept on this phone.",
    }
    err_server: fn(u16) -> String = {
        |code| format!("服务器不可用（HTTP {code}），稍后会自动重试。修改已保存在本机。"),
        |code| format!("Server unavailable (HTTP {code}); retrying later. Changes are kept on this phone."),
    }
    err_needs_login: &'static str = {
        "需要重新登录：登录已过期或已在别处退出。本机的修改都保留着，重新登录后继续同步。",
        "Sign in again: the sign-in expired or was ended elsewhere. Every change is kept on this phone and syncs once you sign in.",
    }
    err_refused: fn(u16, &str) -> String = {
        |status, m| format!("服务器拒绝了同步请求（{status}）：{m}。请联系督导室。"),
        |status, m| format!("The server refused the sync ({status}): {m}. Contact the office."),
    }
    err_gap: &'static str = {
        "服务器缺少本机较早的修改，无法继续同步。请联系督导室，并先导出备份。",
        "The server lacks earlier changes from this phone and sync cannot go on. Contact the office, and export a backup first.",
    }
    err_storage: &'static str = {
        "手机存储出错，本次同步没有完成；已保存的记录不受影响。",
        "Storage on this phone failed; this sync did not finish. Saved records are unaffected.",
    }
    photos_refused: fn(usize) -> String = {
        |n| format!("{n} 张照片被服务器拒绝，照片仍完整保存在本机。"),
        |n| format!("{n} photos were refused by the server; they are kept whole on this phone."),
    }
    rejected_notice: fn(usize) -> String = {
        |n| format!("有 {n} 条修改被服务器拒绝，没有保存到督导室：请看下方的原因。"),
        |n| format!("{n} changes were refused by the server and not saved at the office: see why below."),
    }

    // rejected and conflicts
    rejected_title: fn(usize) -> String = {
        |n| format!("被服务器拒绝的修改（{n}）"),
        |n| format!("Changes refused by the server ({n})"),
    }
    rejected_explain: &'static str = {
        "这些修改没有保存到督导室。请核对记录后重新修改，或联系督导室。",
        "These changes were not saved at the office. Check the record and change it again, or contact the office.",
    }
    reason_scope: &'static str = { "无权修改这所学校的记录", "Not allowed to change this school's records" }
    reason_invalid: &'static str = { "内容不符合服务器的要求", "The content does not meet the server's rules" }
    details: &'static str = { "详情", "Details" }
    dismiss: &'static str = { "知道了", "Got it" }
    conflicts_title: fn(usize) -> String = {
        |n| format!("需要确认的冲突（{n}）"),
        |n| format!("Conflicts to confirm ({n})"),
    }
    conflicts_explain: &'static str = {
        "同一内容在两处同时被修改。督导室保留了其中一个值，另一个值也没有丢失：请确认采用哪一个。",
        "The same thing was changed in two places at once. The office kept one value and the other is not lost: confirm which to use.",
    }
    kept_value: &'static str = { "当前采用", "In use" }
    lost_value: &'static str = { "未采用", "Not used" }
    use_this: &'static str = { "采用此值", "Use this value" }
    keep_current: &'static str = { "知道了，保留当前值", "Got it, keep the current value" }
    resolve_failed: &'static str = { "没有确认成功：请联网后再试。", "Not confirmed: connect and try again." }
    /// A lost 复查 is kept against the status the office gave: 该问题已为“已撤销”
    finding_now: fn(&str) -> String = {
        |s| format!("该问题已为“{s}”"),
        |s| format!("The finding is now {s}"),
    }
    empty_value: &'static str = { "（空）", "(empty)" }
    this_phone: &'static str = { "本机", "this phone" }

    // field labels
    f_header: &'static str = { "基本信息", "Basic details" }
    f_state: &'static str = { "状态", "State" }
    f_finished_at: &'static str = { "完成时间", "Finished at" }
    f_location: &'static str = { "位置", "Location" }
    f_signature: &'static str = { "学校签名", "School signature" }
    f_opinion_no: &'static str = { "意见书编号", "Opinion number" }
    f_amendments: &'static str = { "更正记录", "Amendments" }
    f_dropped: &'static str = { "删除的问题", "Dropped findings" }
    f_findings: &'static str = { "问题列表", "Findings list" }
    f_answer: fn(&str) -> String = { |p| format!("「{p}」的答案"), |p| format!("Answer to “{p}”") }
    f_note: fn(&str) -> String = { |p| format!("「{p}」的备注"), |p| format!("Note on “{p}”") }
    f_photos: fn(&str) -> String = { |p| format!("「{p}」的照片"), |p| format!("Photos of “{p}”") }
    f_finding: fn(&str) -> String = {
        |part| format!("问题的{part}"),
        |part| format!("Finding {part}"),
    }
    f_description: &'static str = { "描述", "description" }
    f_requirement: &'static str = { "整改要求", "requirement" }
    f_severity: &'static str = { "严重程度", "severity" }
    f_disposition: &'static str = { "处理方式", "disposition" }
    f_deadline: &'static str = { "整改期限", "deadline" }
    f_owner: &'static str = { "责任部门/责任人", "owner" }
    f_basis: &'static str = { "依据", "basis" }
    f_status: &'static str = { "整改状态", "rectification status" }
    f_item_codes: &'static str = { "对应检查项", "items" }
    f_section: &'static str = { "所属部分", "section" }
    f_origin: &'static str = { "问题来源", "Where the finding comes from" }
    f_history: &'static str = { "整改记录", "Rectification step" }
    f_photo_meta: &'static str = { "照片信息", "Photo details" }
    f_photo_deleted: &'static str = { "照片删除", "Photo deleted" }
    whole_record: &'static str = { "整条记录（新建）", "The whole record (new)" }
    /// A writer as the server names them, `韩立新 (supervisor)`, with the role in words.
    who: fn(&str) -> String = {
        |w| {
            w.replace(" (supervisor)", "（责任督学）")
                .replace(" (office)", "（督导室）")
                .replace(" (admin)", "（管理员）")
        },
        |w| w.replace(" (admin)", " (administrator)"),
    }
    record_photo: &'static str = { "照片", "Photo" }
    record_visit: &'static str = { "督导记录", "Visit" }
    record_finding: &'static str = { "整改问题", "Finding" }

    // photos kept on the server
    photo_loading: &'static str = { "正在从服务器取照片…", "Fetching the photo from the server…" }
    photo_unavailable: &'static str = {
        "原图已上传到督导室，本机只保留缩略图；联网并登录后可查看原图。",
        "The full photo is on the office server and this phone keeps the thumbnail: connect and sign in to see it.",
    }
}
