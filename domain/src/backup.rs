//! Backup and restore without a network (备份与恢复): everything a supervisor has on the phone —
//! visits with their answers, findings, signatures and amendments, the template versions they
//! pinned, the photos, the findings' 整改 records (with each 复查 and its photos), the changes not
//! yet synced and the 督导意见书 counters — as one JSON file
//! to carry to another browser or phone by hand.
//!
//! A file is validated completely ([`parse`]) before anything is written, and merged by a pure
//! rule ([`plan_import`]): importing the same file twice changes nothing the second time.

use crate::finding_record::{valid_entry_id, FindingRecord};
use crate::template::Template;
use crate::visit::{Visit, VisitState};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// The `format` every backup file carries.
pub const FORMAT: &str = "dudao-backup";
/// The bundle version this build writes and the newest it reads.
pub const VERSION: u32 = 1;

/// A template version a visit pinned, under the key visits refer to it by (`wuxiang@1`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PinnedTemplate {
    pub key: String,
    pub template: Template,
}

/// One field of a change waiting to be synced (the app's outbox `FieldOp`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeOp {
    pub field: String,
    pub value: serde_json::Value,
}

/// A change waiting to be synced (the app's outbox entry, without its local sequence number).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingChange {
    /// `visit`, `photo` or `finding`.
    pub entity: String,
    pub entity_id: String,
    pub ops: Vec<ChangeOp>,
    /// Unix milliseconds when the change was made on the device.
    pub at: i64,
}

/// A photo as it travels in the file: its meta and the stored bytes, base64 (standard, padded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BundlePhoto {
    pub meta: crate::photo::PhotoMeta,
    pub jpeg: String,
    pub thumb: String,
}

/// The backup file, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    pub format: String,
    pub version: u32,
    /// Unix milliseconds.
    pub exported_at: i64,
    pub app_version: String,
    pub visits: Vec<Visit>,
    pub templates: Vec<PinnedTemplate>,
    pub photos: Vec<BundlePhoto>,
    pub outbox: Vec<PendingChange>,
    /// 督导意见书 numbers given on the phone per year (`opinion-seq-2026` → 3), so a restored
    /// phone never gives a number twice.
    #[serde(default)]
    pub counters: BTreeMap<String, u32>,
    /// The findings' 整改 records. Files written before records have none.
    #[serde(default)]
    pub findings: Vec<FindingRecord>,
}

/// A photo with its bytes, checked against its meta.
#[derive(Debug, Clone, PartialEq)]
pub struct Photo {
    pub meta: crate::photo::PhotoMeta,
    pub jpeg: Vec<u8>,
    pub thumb: Vec<u8>,
}

/// A backup file that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct Backup {
    pub exported_at: i64,
    pub app_version: String,
    pub visits: Vec<Visit>,
    pub templates: Vec<PinnedTemplate>,
    pub photos: Vec<Photo>,
    pub outbox: Vec<PendingChange>,
    pub counters: BTreeMap<String, u32>,
    pub findings: Vec<FindingRecord>,
}

/// Why a file cannot be restored. Nothing is written when any of these is found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackupError {
    #[error("the file is not complete JSON (truncated or damaged): {0}")]
    NotJson(String),
    #[error("not a Dudao backup file")]
    Foreign,
    #[error("backup version {0} is newer than this app reads ({VERSION})")]
    TooNew(u32),
    #[error("the backup's contents are malformed: {0}")]
    Malformed(String),
    #[error("photo {0}: its data is not valid base64")]
    BadBase64(String),
    #[error("photo {0}: its bytes do not match the SHA-256 or size recorded for it")]
    HashMismatch(String),
    #[error("photo {photo} belongs to visit {visit}, which is not in the backup")]
    OrphanPhoto { photo: String, visit: String },
    #[error("visit {visit} uses template {key}, which is not in the backup")]
    MissingTemplate { visit: String, key: String },
    #[error("{kind} {id} appears twice in the backup")]
    Duplicate { kind: &'static str, id: String },
    /// An answer no version of the app stores: an item the visit's checklists do not have, or
    /// a value of another kind (a text for a count, an option the item does not offer).
    #[error("visit {visit}, item {item}: {reason}")]
    BadAnswer {
        visit: String,
        item: String,
        reason: String,
    },
}

impl BackupError {
    /// What the supervisor reads; the file was not imported and nothing changed.
    pub fn zh(&self) -> String {
        match self {
            BackupError::NotJson(_) => {
                "备份文件已损坏或不完整（可能只传了一部分），未导入任何内容".into()
            }
            BackupError::Foreign => "这不是督导备份文件，未导入任何内容".into(),
            BackupError::TooNew(_) => "备份文件版本较新，请先更新应用".into(),
            BackupError::Malformed(_) => "备份文件内容有误，未导入任何内容".into(),
            BackupError::BadBase64(_) => "备份中的照片数据已损坏，未导入任何内容".into(),
            BackupError::HashMismatch(_) => {
                "备份中的照片与记录的校验值不符（文件可能被改动），未导入任何内容".into()
            }
            BackupError::OrphanPhoto { .. } => {
                "备份中有照片找不到所属的督导记录，未导入任何内容".into()
            }
            BackupError::MissingTemplate { key, .. } => {
                format!("备份缺少督导记录所用的检查表（{key}），未导入任何内容")
            }
            BackupError::Duplicate { .. } => "备份文件中有重复的记录，未导入任何内容".into(),
            BackupError::BadAnswer { item, .. } => {
                format!("备份中检查项 {item} 的答案与检查表不符（文件可能被改动），未导入任何内容")
            }
        }
    }
}

/// Lower-case hex SHA-256, as `PhotoMeta::sha256` records it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn encode_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn decode_base64(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(s).ok()
}

impl Bundle {
    /// A bundle of what the phone holds, stamped with this format and version.
    pub fn new(exported_at: i64, app_version: &str) -> Bundle {
        Bundle {
            format: FORMAT.into(),
            version: VERSION,
            exported_at,
            app_version: app_version.into(),
            visits: Vec::new(),
            templates: Vec::new(),
            photos: Vec::new(),
            outbox: Vec::new(),
            counters: BTreeMap::new(),
            findings: Vec::new(),
        }
    }

    /// Adds a photo, encoding its bytes.
    pub fn push_photo(&mut self, meta: crate::photo::PhotoMeta, jpeg: &[u8], thumb: &[u8]) {
        self.photos.push(BundlePhoto {
            meta,
            jpeg: encode_base64(jpeg),
            thumb: encode_base64(thumb),
        });
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a bundle always serialises")
    }
}

/// Reads and checks a backup file completely: its format and version first (so a foreign or
/// newer file gets the right message), then every record, every photo's bytes against its
/// SHA-256 and size, and that every visit's templates and every photo's visit are in the file.
pub fn parse(text: &str) -> Result<Backup, BackupError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| BackupError::NotJson(e.to_string()))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(BackupError::Foreign);
    }
    let version = value
        .get("version")
        .and_then(|v| v.as_u64())
        .ok_or_else(|| BackupError::Malformed("no version".into()))?;
    if version > VERSION as u64 {
        return Err(BackupError::TooNew(version.min(u32::MAX as u64) as u32));
    }
    if version == 0 {
        return Err(BackupError::Malformed("version 0".into()));
    }
    let bundle: Bundle =
        serde_json::from_value(value).map_err(|e| BackupError::Malformed(e.to_string()))?;

    let mut seen = BTreeSet::new();
    for v in &bundle.visits {
        if !seen.insert(v.id.as_str()) {
            return Err(BackupError::Duplicate {
                kind: "visit",
                id: v.id.clone(),
            });
        }
    }
    let mut keys = BTreeSet::new();
    for t in &bundle.templates {
        if t.key != t.template.key() {
            return Err(BackupError::Malformed(format!(
                "template stored as {} is {}",
                t.key,
                t.template.key()
            )));
        }
        if !keys.insert(t.key.as_str()) {
            return Err(BackupError::Duplicate {
                kind: "template",
                id: t.key.clone(),
            });
        }
    }
    for v in &bundle.visits {
        if let Some(r) = v
            .templates
            .iter()
            .find(|r| !keys.contains(r.key().as_str()))
        {
            return Err(BackupError::MissingTemplate {
                visit: v.id.clone(),
                key: r.key(),
            });
        }
    }
    // Every answer through the same check as the editor and the server. A value of the wrong
    // kind is a damaged or altered file; a value of the right kind outside its range is the
    // supervisor's own old data (stored before ranges were checked): it is kept, flagged
    // 数值超出范围 on the phone and never judged, rather than refusing the whole record.
    for v in &bundle.visits {
        let templates: Vec<&Template> = v
            .templates
            .iter()
            .filter_map(|r| bundle.templates.iter().find(|t| t.key == r.key()))
            .map(|t| &t.template)
            .collect();
        for (code, a) in &v.answers {
            let Some(value) = &a.value else { continue };
            let bad = |reason: String| BackupError::BadAnswer {
                visit: v.id.clone(),
                item: code.clone(),
                reason,
            };
            let Some(item) = templates.iter().find_map(|t| t.item(code)) else {
                return Err(bad("not an item of the visit's checklists".into()));
            };
            match item.answer.check(value) {
                Ok(()) | Err(crate::ValueError::OutOfRange { .. }) => {}
                Err(e) => return Err(bad(e.to_string())),
            }
        }
    }
    let mut photo_ids = BTreeSet::new();
    let mut photos = Vec::with_capacity(bundle.photos.len());
    for p in bundle.photos {
        let id = p.meta.id.clone();
        if !photo_ids.insert(id.clone()) {
            return Err(BackupError::Duplicate { kind: "photo", id });
        }
        if !seen.contains(p.meta.visit_id.as_str()) {
            return Err(BackupError::OrphanPhoto {
                photo: id,
                visit: p.meta.visit_id.clone(),
            });
        }
        let jpeg = decode_base64(&p.jpeg).ok_or_else(|| BackupError::BadBase64(id.clone()))?;
        let thumb = decode_base64(&p.thumb).ok_or_else(|| BackupError::BadBase64(id.clone()))?;
        if jpeg.len() as u64 != p.meta.size
            || !sha256_hex(&jpeg).eq_ignore_ascii_case(&p.meta.sha256)
        {
            return Err(BackupError::HashMismatch(id));
        }
        photos.push(Photo {
            meta: p.meta,
            jpeg,
            thumb,
        });
    }
    let mut finding_ids = BTreeSet::new();
    for f in &bundle.findings {
        if !finding_ids.insert(f.id.as_str()) {
            return Err(BackupError::Duplicate {
                kind: "finding",
                id: f.id.clone(),
            });
        }
        if let Some(e) = f.workflow.history.iter().find(|e| !valid_entry_id(&e.id)) {
            return Err(BackupError::Malformed(format!(
                "finding {}: history entry id {:?}",
                f.id, e.id
            )));
        }
    }
    for c in &bundle.outbox {
        if c.entity.is_empty() || c.entity_id.is_empty() {
            return Err(BackupError::Malformed(
                "an outbox entry without its record".into(),
            ));
        }
    }
    Ok(Backup {
        exported_at: bundle.exported_at,
        app_version: bundle.app_version,
        visits: bundle.visits,
        templates: bundle.templates,
        photos,
        outbox: bundle.outbox,
        counters: bundle.counters,
        findings: bundle.findings,
    })
}

/// What is already on the phone, as far as merging needs to know.
#[derive(Debug, Clone, Default)]
pub struct Local {
    pub visits: Vec<Visit>,
    pub template_keys: BTreeSet<String>,
    pub photo_ids: BTreeSet<String>,
    pub outbox: Vec<PendingChange>,
    pub counters: BTreeMap<String, u32>,
    pub findings: Vec<FindingRecord>,
}

/// How many records an import added, updated and skipped (visits), and photos added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub added: usize,
    pub updated: usize,
    pub skipped: usize,
    pub photos_added: usize,
    pub photos_skipped: usize,
    /// Findings' 整改 records added, or replaced by the file's longer history.
    pub findings: usize,
}

impl ImportReport {
    /// 新增 1 条，更新 0 条，跳过 2 条（照片新增 3 张）
    pub fn zh(&self) -> String {
        let mut s = format!(
            "新增 {} 条，更新 {} 条，跳过 {} 条",
            self.added, self.updated, self.skipped
        );
        if self.photos_added > 0 {
            s.push_str(&format!("（照片新增 {} 张）", self.photos_added));
        }
        if self.findings > 0 {
            s.push_str(&format!("，整改记录更新 {} 条", self.findings));
        }
        s
    }

    pub fn en(&self) -> String {
        let mut s = format!(
            "{} added, {} updated, {} skipped",
            self.added, self.updated, self.skipped
        );
        if self.photos_added > 0 {
            s.push_str(&format!(" ({} photos added)", self.photos_added));
        }
        if self.findings > 0 {
            s.push_str(&format!(", {} finding records updated", self.findings));
        }
        s
    }

    /// Nothing was written.
    pub fn is_noop(&self) -> bool {
        self.added == 0 && self.updated == 0 && self.photos_added == 0 && self.findings == 0
    }
}

/// What to write, all in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportPlan {
    pub visits: Vec<Visit>,
    pub templates: Vec<PinnedTemplate>,
    /// Indexes into `Backup::photos`.
    pub photos: Vec<usize>,
    /// New outbox entries, in the order they were made.
    pub outbox: Vec<PendingChange>,
    /// Counters to raise.
    pub counters: BTreeMap<String, u32>,
    /// Finding records to write (added, or replaced by a longer history).
    pub findings: Vec<FindingRecord>,
    pub report: ImportReport,
}

fn signed(v: &Visit) -> bool {
    v.signature.is_some() || matches!(v.state, VisitState::Signed | VisitState::Synced)
}

/// Whether the incoming copy of a visit replaces the one on the phone: a signed visit is never
/// replaced by an unsigned one (and a signed one replaces an unsigned draft of itself);
/// otherwise the later `updated_at` wins, and a tie keeps what is there.
pub fn incoming_wins(local: &Visit, incoming: &Visit) -> bool {
    match (signed(local), signed(incoming)) {
        (true, false) => false,
        (false, true) => true,
        _ => incoming.updated_at > local.updated_at,
    }
}

/// Whether the file's copy of a finding record replaces the phone's: a history only grows, so
/// the one with more moves has moves the other lacks; a tie keeps what is here.
pub fn incoming_finding_wins(local: &FindingRecord, incoming: &FindingRecord) -> bool {
    incoming.workflow.history.len() > local.workflow.history.len()
}

/// The merge rule. A visit absent here is added; one present is replaced only when
/// [`incoming_wins`]; a finding record likewise when [`incoming_finding_wins`]. Templates and
/// photos absent here are added (a photo only when the visit kept lists it, or a finding record
/// kept shows it in a move: a 复查's photo). The file's pending changes of what was added or replaced are queued again
/// so they sync later, unless the same change is already queued. Counters only rise.
pub fn plan_import(backup: &Backup, local: &Local) -> ImportPlan {
    let mut plan = ImportPlan::default();
    let here: BTreeMap<&str, &Visit> = local.visits.iter().map(|v| (v.id.as_str(), v)).collect();
    // The visits as they will be after the import, to know which photos they list.
    let mut kept: BTreeMap<&str, &Visit> = here.clone();
    let mut taken: BTreeSet<&str> = BTreeSet::new();
    for v in &backup.visits {
        match here.get(v.id.as_str()) {
            None => {
                plan.report.added += 1;
                plan.visits.push(v.clone());
                kept.insert(&v.id, v);
                taken.insert(&v.id);
            }
            Some(l) if incoming_wins(l, v) => {
                plan.report.updated += 1;
                plan.visits.push(v.clone());
                kept.insert(&v.id, v);
                taken.insert(&v.id);
            }
            Some(_) => plan.report.skipped += 1,
        }
    }
    let needed: BTreeSet<String> = plan
        .visits
        .iter()
        .flat_map(|v| v.templates.iter().map(|r| r.key()))
        .collect();
    plan.templates = backup
        .templates
        .iter()
        .filter(|t| needed.contains(&t.key) && !local.template_keys.contains(&t.key))
        .cloned()
        .collect();
    let mut findings: BTreeMap<&str, &FindingRecord> =
        local.findings.iter().map(|f| (f.id.as_str(), f)).collect();
    let mut taken_findings: BTreeSet<&str> = BTreeSet::new();
    for f in &backup.findings {
        if findings
            .get(f.id.as_str())
            .is_none_or(|l| incoming_finding_wins(l, f))
        {
            plan.findings.push(f.clone());
            plan.report.findings += 1;
            findings.insert(&f.id, f);
            taken_findings.insert(&f.id);
        }
    }
    let in_moves: BTreeSet<&str> = findings
        .values()
        .flat_map(|f| f.workflow.history.iter())
        .flat_map(|e| e.photos.iter().map(String::as_str))
        .collect();
    let mut new_photos: BTreeSet<&str> = BTreeSet::new();
    for (i, p) in backup.photos.iter().enumerate() {
        let listed = kept.get(p.meta.visit_id.as_str()).is_some_and(|v| {
            v.answers
                .get(&p.meta.item_code)
                .is_some_and(|a| a.photos.contains(&p.meta.id))
        }) || in_moves.contains(p.meta.id.as_str());
        if listed && !local.photo_ids.contains(&p.meta.id) {
            plan.photos.push(i);
            new_photos.insert(&p.meta.id);
            plan.report.photos_added += 1;
        } else {
            plan.report.photos_skipped += 1;
        }
    }
    for c in &backup.outbox {
        let ours = match c.entity.as_str() {
            "visit" => taken.contains(c.entity_id.as_str()),
            "photo" => new_photos.contains(c.entity_id.as_str()),
            "finding" => taken_findings.contains(c.entity_id.as_str()),
            _ => false,
        };
        if ours && !local.outbox.contains(c) && !plan.outbox.contains(c) {
            plan.outbox.push(c.clone());
        }
    }
    for (k, n) in &backup.counters {
        if local.counters.get(k).is_none_or(|have| have < n) {
            plan.counters.insert(k.clone(), *n);
        }
    }
    plan
}

/// `督导备份-清河县-2026年12月1日-1530.json`: the county when known, the local date and time.
/// Characters a file system refuses are left out.
pub fn file_name(county: &str, exported_at: i64, offset_minutes: i32) -> String {
    let c = crate::datetime::civil(exported_at, offset_minutes);
    let county: String = county
        .trim()
        .chars()
        .filter(|ch| {
            !matches!(ch, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') && !ch.is_control()
        })
        .collect();
    let date = format!(
        "{}年{}月{}日-{:02}{:02}",
        c.year, c.month, c.day, c.hour, c.minute
    );
    if county.is_empty() {
        format!("督导备份-{date}.json")
    } else {
        format!("督导备份-{county}-{date}.json")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::photo::PhotoMeta;
    use crate::review::Signature;
    use crate::test_support::{school, wuxiang as template};
    use crate::visit::Answer;
    use crate::{AnswerValue, Compliance};

    const JPEG: &[u8] = b"\xff\xd8\xff\xe0 not really a jpeg but bytes all the same \xff\xd9";
    const THUMB: &[u8] = b"\xff\xd8thumb\xff\xd9";

    fn visit(id: &str, updated_at: i64) -> Visit {
        let t = template();
        let mut v = Visit::new(id.into(), &school(), "王建国".into(), &[&t], 1_000);
        v.updated_at = updated_at;
        v.answers.insert(
            "WX-ZY-01".into(),
            Answer {
                value: Some(AnswerValue::Compliance(Compliance::NonCompliant)),
                note: "作业公示栏未更新".into(),
                photos: vec![format!("{id}-p1")],
                updated_at,
            },
        );
        v
    }

    fn meta(visit_id: &str) -> PhotoMeta {
        PhotoMeta {
            id: format!("{visit_id}-p1"),
            visit_id: visit_id.into(),
            item_code: "WX-ZY-01".into(),
            sha256: sha256_hex(JPEG),
            size: JPEG.len() as u64,
            width: 1600,
            height: 1200,
            mime: "image/jpeg".into(),
            taken_at: 1_500,
        }
    }

    fn change(id: &str, at: i64) -> PendingChange {
        PendingChange {
            entity: "visit".into(),
            entity_id: id.into(),
            ops: vec![ChangeOp {
                field: "answers.WX-ZY-01.value".into(),
                value: serde_json::json!("non_compliant"),
            }],
            at,
        }
    }

    fn bundle() -> Bundle {
        let t = template();
        let mut b = Bundle::new(2_000, "0.1.0");
        b.visits.push(visit("v1", 1_800));
        b.templates.push(PinnedTemplate {
            key: t.key(),
            template: t,
        });
        b.push_photo(meta("v1"), JPEG, THUMB);
        b.outbox.push(change("v1", 1_800));
        b.outbox.push(PendingChange {
            entity: "photo".into(),
            entity_id: "v1-p1".into(),
            ops: vec![ChangeOp {
                field: "*".into(),
                value: serde_json::to_value(meta("v1")).unwrap(),
            }],
            at: 1_500,
        });
        b.counters.insert("opinion-seq-2026".into(), 3);
        b
    }

    fn parsed() -> Backup {
        parse(&bundle().to_json()).expect("a fresh bundle parses")
    }

    fn apply(local: &mut Local, backup: &Backup, plan: &ImportPlan) {
        for v in &plan.visits {
            local.visits.retain(|l| l.id != v.id);
            local.visits.push(v.clone());
        }
        local
            .template_keys
            .extend(plan.templates.iter().map(|t| t.key.clone()));
        local.photo_ids.extend(
            plan.photos
                .iter()
                .map(|&i| backup.photos[i].meta.id.clone()),
        );
        local.outbox.extend(plan.outbox.iter().cloned());
        local.counters.extend(plan.counters.clone());
        for f in &plan.findings {
            local.findings.retain(|l| l.id != f.id);
            local.findings.push(f.clone());
        }
    }

    /// The finding of visit v1 as signed (no moves), and after a 复查 with a photo of the fix.
    fn finding_record(with_recheck: bool) -> FindingRecord {
        use crate::finding::{Disposition, FindingStatus};
        use crate::finding_record::Origin;
        use crate::rectify::{Action, Actor, Entry, Workflow};
        let mut workflow = Workflow::new(crate::datetime::Date::new(2026, 12, 20));
        if with_recheck {
            workflow.status = FindingStatus::Closed;
            workflow.history.push(Entry {
                id: "0193a0b0-0000-7000-8000-000000000001".into(),
                at: 1_900,
                by: "wangjianguo".into(),
                by_name: String::new(),
                role: Actor::Supervisor,
                from: FindingStatus::Pending,
                to: FindingStatus::Closed,
                action: Action::RecheckPassed,
                note: "作业公示栏已更新".into(),
                photos: vec!["fix-1".into()],
            });
        }
        FindingRecord {
            id: "v1:WX-ZY-01".into(),
            origin: Origin {
                visit_id: "v1".into(),
                school_id: school().id,
                school_name: school().name,
                item_codes: vec!["WX-ZY-01".into()],
                section: crate::text::Text::new("作业", "Homework"),
                opinion_no: None,
                raised_by: "王建国".into(),
                raised_at: 1_700,
            },
            description: "作业公示栏未更新".into(),
            requirement: "每日公示各科作业".into(),
            severity: crate::template::Severity::General,
            disposition: Disposition::ByDeadline,
            owner: String::new(),
            basis: Vec::new(),
            workflow,
        }
    }

    /// A file made after an offline 复查: the record with its move, the move's photo (of the
    /// visit, listed by no answer) and the record's change still to send.
    fn bundle_with_recheck() -> Bundle {
        let mut b = bundle();
        b.findings.push(finding_record(true));
        let mut m = meta("v1");
        m.id = "fix-1".into();
        b.push_photo(m, JPEG, THUMB);
        b.outbox.push(PendingChange {
            entity: "finding".into(),
            entity_id: "v1:WX-ZY-01".into(),
            ops: Vec::new(),
            at: 1_900,
        });
        b
    }

    #[test]
    fn a_recheck_made_offline_travels_in_the_file_with_its_photo_and_its_change_to_send() {
        let b = parse(&bundle_with_recheck().to_json()).unwrap();
        assert_eq!(b.findings, vec![finding_record(true)]);
        // The phone has the visit and the record as signed, without the 复查.
        let mut local = Local {
            findings: vec![finding_record(false)],
            ..Local::default()
        };
        let plan = plan_import(&b, &local);
        assert_eq!(plan.findings, vec![finding_record(true)]);
        assert_eq!(plan.report.findings, 1);
        assert_eq!(
            plan.photos,
            vec![0, 1],
            "the 复查's photo, though no answer lists it"
        );
        assert!(plan
            .outbox
            .iter()
            .any(|c| c.entity == "finding" && c.entity_id == "v1:WX-ZY-01"));
        assert!(
            plan.report.zh().ends_with("，整改记录更新 1 条"),
            "{}",
            plan.report.zh()
        );
        apply(&mut local, &b, &plan);
        let again = plan_import(&b, &local);
        assert!(
            again.findings.is_empty() && again.report.is_noop(),
            "{:?}",
            again.report
        );
    }

    #[test]
    fn a_phone_with_more_moves_on_a_finding_keeps_its_record() {
        let mut b = bundle();
        b.findings.push(finding_record(false));
        let b = parse(&b.to_json()).unwrap();
        let plan = plan_import(
            &b,
            &Local {
                findings: vec![finding_record(true)],
                ..Local::default()
            },
        );
        assert!(plan.findings.is_empty());
        assert_eq!(plan.report.findings, 0);
        // Without the record, the 复查's photo is not brought in either.
        let mut alone = bundle_with_recheck();
        alone.findings.clear();
        let plan = plan_import(&parse(&alone.to_json()).unwrap(), &Local::default());
        assert_eq!(plan.photos, vec![0]);
    }

    #[test]
    fn a_finding_twice_or_with_a_hostile_move_id_refuses_the_file() {
        let mut b = bundle_with_recheck();
        b.findings.push(finding_record(false));
        assert!(matches!(
            parse(&b.to_json()).unwrap_err(),
            BackupError::Duplicate {
                kind: "finding",
                ..
            }
        ));
        let mut b = bundle_with_recheck();
        b.findings[0].workflow.history[0].id = "../../x".into();
        assert!(matches!(
            parse(&b.to_json()).unwrap_err(),
            BackupError::Malformed(_)
        ));
        // A file from before finding records still reads.
        let mut old = serde_json::to_value(bundle()).unwrap();
        old.as_object_mut().unwrap().remove("findings");
        assert!(parse(&old.to_string()).unwrap().findings.is_empty());
    }

    #[test]
    fn a_bundle_round_trips_with_every_record_and_the_photo_bytes() {
        let b = parsed();
        assert_eq!(b.visits, bundle().visits);
        assert_eq!(b.templates, bundle().templates);
        assert_eq!(b.photos[0].jpeg, JPEG);
        assert_eq!(b.photos[0].thumb, THUMB);
        assert_eq!(b.photos[0].meta, meta("v1"));
        assert_eq!(b.outbox, bundle().outbox);
        assert_eq!(b.counters["opinion-seq-2026"], 3);
    }

    /// Issue 12: answers go through the same check as the editor and the server. A value of
    /// the wrong kind or for an item the checklist does not have is a damaged file, refused
    /// whole; an old value outside its range is the supervisor's record, kept (and flagged).
    #[test]
    fn answers_are_checked_against_the_pinned_checklist() {
        let with = |code: &str, value: AnswerValue| {
            let mut b = bundle();
            b.visits[0].answers.insert(
                code.into(),
                Answer {
                    value: Some(value),
                    ..Default::default()
                },
            );
            parse(&b.to_json())
        };
        let e = with("WX-ZY-04", AnswerValue::Text("60".into())).unwrap_err();
        assert!(
            matches!(&e, BackupError::BadAnswer { item, .. } if item == "WX-ZY-04"),
            "{e}"
        );
        assert!(e.zh().contains("WX-ZY-04") && e.zh().contains("未导入任何内容"));
        let e = with("NO-SUCH-01", AnswerValue::YesNo(true)).unwrap_err();
        assert!(e.to_string().contains("not an item"), "{e}");
        // −5 minutes of homework from before ranges were checked: kept as it was.
        let b = with("WX-ZY-04", AnswerValue::Number(-5.0)).unwrap();
        assert_eq!(
            b.visits[0].answers["WX-ZY-04"].value,
            Some(AnswerValue::Number(-5.0))
        );
    }

    #[test]
    fn a_truncated_file_is_refused_as_incomplete() {
        let json = bundle().to_json();
        // Cut anywhere, even inside a character, as a half-copied file is.
        let half = String::from_utf8_lossy(&json.as_bytes()[..json.len() / 2]);
        let err = parse(&half).unwrap_err();
        assert!(matches!(err, BackupError::NotJson(_)), "{err:?}");
        assert!(err.zh().contains("不完整"));
        assert!(matches!(parse("").unwrap_err(), BackupError::NotJson(_)));
    }

    #[test]
    fn a_foreign_file_is_not_a_backup() {
        for text in [
            r#"{"name":"package","version":"1.0.0"}"#,
            r#"[1,2,3]"#,
            r#"{"format":"other-app","version":1}"#,
        ] {
            let err = parse(text).unwrap_err();
            assert_eq!(err, BackupError::Foreign, "{text}");
            assert!(err.zh().starts_with("这不是督导备份文件"));
        }
    }

    #[test]
    fn a_newer_version_asks_to_update_the_app() {
        let mut b = bundle();
        b.version = VERSION + 1;
        let err = parse(&b.to_json()).unwrap_err();
        assert_eq!(err, BackupError::TooNew(VERSION + 1));
        assert_eq!(err.zh(), "备份文件版本较新，请先更新应用");
    }

    #[test]
    fn damaged_photo_data_is_refused() {
        let mut b = bundle();
        b.photos[0].jpeg.insert_str(4, "!!");
        assert_eq!(
            parse(&b.to_json()).unwrap_err(),
            BackupError::BadBase64("v1-p1".into())
        );
    }

    #[test]
    fn a_photo_changed_after_export_fails_its_hash() {
        let mut b = bundle();
        let mut bytes = JPEG.to_vec();
        bytes[10] ^= 1;
        b.photos[0].jpeg = encode_base64(&bytes);
        let err = parse(&b.to_json()).unwrap_err();
        assert_eq!(err, BackupError::HashMismatch("v1-p1".into()));
        assert!(err.zh().contains("校验值不符"));
        // Cut short, the size no longer matches either.
        b.photos[0].jpeg = encode_base64(&JPEG[..20]);
        assert!(matches!(
            parse(&b.to_json()).unwrap_err(),
            BackupError::HashMismatch(_)
        ));
    }

    #[test]
    fn a_visit_whose_template_is_missing_is_refused() {
        let mut b = bundle();
        b.templates.clear();
        let err = parse(&b.to_json()).unwrap_err();
        assert!(
            matches!(&err, BackupError::MissingTemplate { visit, key } if visit == "v1" && key == "wuxiang@1"),
            "{err:?}"
        );
    }

    #[test]
    fn a_photo_of_no_visit_and_duplicates_are_refused() {
        let mut b = bundle();
        b.photos[0].meta.visit_id = "elsewhere".into();
        assert!(matches!(
            parse(&b.to_json()).unwrap_err(),
            BackupError::OrphanPhoto { .. }
        ));
        let mut b = bundle();
        b.visits.push(b.visits[0].clone());
        assert!(matches!(
            parse(&b.to_json()).unwrap_err(),
            BackupError::Duplicate { kind: "visit", .. }
        ));
    }

    #[test]
    fn a_record_of_the_wrong_shape_is_malformed() {
        let mut v = serde_json::to_value(bundle()).unwrap();
        v["visits"][0]["answers"] = serde_json::json!("none");
        let err = parse(&v.to_string()).unwrap_err();
        assert!(matches!(err, BackupError::Malformed(_)), "{err:?}");
    }

    #[test]
    fn into_an_empty_phone_everything_is_added_with_its_pending_changes() {
        let b = parsed();
        let plan = plan_import(&b, &Local::default());
        assert_eq!(
            plan.report,
            ImportReport {
                added: 1,
                photos_added: 1,
                ..Default::default()
            }
        );
        assert_eq!(plan.visits, b.visits);
        assert_eq!(plan.templates.len(), 1);
        assert_eq!(plan.photos, vec![0]);
        assert_eq!(plan.outbox, b.outbox);
        assert_eq!(plan.counters["opinion-seq-2026"], 3);
        assert_eq!(
            plan.report.zh(),
            "新增 1 条，更新 0 条，跳过 0 条（照片新增 1 张）"
        );
    }

    #[test]
    fn importing_the_same_file_twice_changes_nothing_the_second_time() {
        let b = parsed();
        let mut local = Local::default();
        let first = plan_import(&b, &local);
        apply(&mut local, &b, &first);
        let second = plan_import(&b, &local);
        assert_eq!(second.visits, vec![]);
        assert_eq!(second.templates, vec![]);
        assert_eq!(second.photos, Vec::<usize>::new());
        assert_eq!(second.outbox, vec![]);
        assert!(second.counters.is_empty());
        assert!(second.report.is_noop());
        assert_eq!(second.report.zh(), "新增 0 条，更新 0 条，跳过 1 条");
    }

    #[test]
    fn the_newer_copy_of_a_visit_is_kept() {
        let b = parsed();
        let older_here = Local {
            visits: vec![visit("v1", 1_200)],
            photo_ids: ["v1-p1".to_string()].into(),
            template_keys: ["wuxiang@1".to_string()].into(),
            ..Default::default()
        };
        let plan = plan_import(&b, &older_here);
        assert_eq!(plan.report.updated, 1);
        assert_eq!(plan.visits[0].updated_at, 1_800);
        assert!(plan.templates.is_empty(), "the template is already pinned");
        assert!(plan.photos.is_empty(), "the photo is already here");
        // The visit's pending change is queued; the photo's upload is already queued here.
        assert_eq!(plan.outbox, vec![change("v1", 1_800)]);

        let newer_here = Local {
            visits: vec![visit("v1", 9_000)],
            ..Default::default()
        };
        let plan = plan_import(&b, &newer_here);
        assert_eq!(plan.report.skipped, 1);
        assert!(plan.visits.is_empty());
        // The kept visit lists the photo, which this phone lacks: it is restored, with its
        // upload; the older copy's answer change is not queued.
        assert_eq!(plan.photos, vec![0]);
        assert_eq!(plan.outbox.len(), 1);
        assert_eq!(plan.outbox[0].entity, "photo");
    }

    #[test]
    fn a_signed_visit_is_never_replaced_by_an_unsigned_one() {
        let sig = Signature {
            name: "李校长".into(),
            role: "校长".into(),
            image: "data:image/png;base64,AAAA".into(),
            signed_at: 1_700,
        };
        let mut signed_here = visit("v1", 1_700);
        signed_here.state = VisitState::Signed;
        signed_here.signature = Some(sig.clone());
        let b = parsed(); // unsigned, updated later (1_800)
        let plan = plan_import(
            &b,
            &Local {
                visits: vec![signed_here.clone()],
                ..Default::default()
            },
        );
        assert_eq!(plan.report.skipped, 1);
        assert!(plan.visits.is_empty());

        // The other way round, the signed copy replaces the unsigned draft even if older.
        let mut b2 = b.clone();
        b2.visits = vec![signed_here];
        let plan = plan_import(
            &b2,
            &Local {
                visits: vec![visit("v1", 5_000)],
                ..Default::default()
            },
        );
        assert_eq!(plan.report.updated, 1);
        assert_eq!(plan.visits[0].signature, Some(sig));
    }

    #[test]
    fn a_pending_change_already_queued_is_not_queued_again() {
        let b = parsed();
        let local = Local {
            outbox: vec![change("v1", 1_800)],
            ..Default::default()
        };
        let plan = plan_import(&b, &local);
        assert_eq!(plan.outbox.len(), 1);
        assert_eq!(plan.outbox[0].entity, "photo");
    }

    #[test]
    fn counters_only_rise() {
        let b = parsed();
        let ahead = Local {
            counters: [("opinion-seq-2026".to_string(), 5)].into(),
            ..Default::default()
        };
        assert!(plan_import(&b, &ahead).counters.is_empty());
        let behind = Local {
            counters: [("opinion-seq-2026".to_string(), 1)].into(),
            ..Default::default()
        };
        assert_eq!(plan_import(&b, &behind).counters["opinion-seq-2026"], 3);
    }

    #[test]
    fn the_file_is_named_by_county_date_and_time_without_slashes() {
        // 2026-12-01 15:30 in Beijing.
        let at = 1_796_110_200_000;
        assert_eq!(
            file_name("清河县", at, crate::datetime::CHINA_OFFSET_MINUTES),
            "督导备份-清河县-2026年12月1日-1530.json"
        );
        assert_eq!(
            file_name("a/b县", at, crate::datetime::CHINA_OFFSET_MINUTES),
            "督导备份-ab县-2026年12月1日-1530.json"
        );
        assert_eq!(
            file_name("", at, crate::datetime::CHINA_OFFSET_MINUTES),
            "督导备份-2026年12月1日-1530.json"
        );
    }
}
