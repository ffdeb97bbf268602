//! The 整改 workflow of a finding (issue 17, item 2): who may move it where, and its history.
//!
//! 待整改 → 整改中 → 待复查 → 已销号, the way the reference reports track it: the school puts it
//! right (整改中) and reports (整改报告: 待复查), the 责任督学 goes back (复查) and it is 销号, or
//! the 复查 fails and it is 整改中 again with a new deadline. Where the county has the office sign
//! off every 销号 ([`CloseRule::ByOffice`]), a passed 复查 leaves it 待销号 for the office. Only
//! the office withdraws a finding (撤销), with a reason. A 立行立改 finding the school put right
//! while the supervisor was there is closed on the spot, with a photo.
//!
//! Every move is an [`Entry`] in an append-only history; the status is always what the history
//! replays to ([`replay`]). The same table ([`allowed`]) decides for the phone and the server.
//! Derived, not stored: 逾期 (open and past its deadline) and 挂牌督办 (a 重大 finding past its
//! deadline and not 销号).

use crate::datetime::Date;
use crate::finding::{Disposition, FindingStatus};
use crate::template::Severity;
use serde::{Deserialize, Serialize};

/// Who acts on a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// 责任督学: records the school's progress, does the 复查.
    Supervisor,
    /// 督导室: everything a supervisor does, and 销号 and 撤销.
    Office,
    /// As the office, in every district.
    Admin,
}

impl Actor {
    fn is_office(self) -> bool {
        matches!(self, Actor::Office | Actor::Admin)
    }
}

/// How a passed 复查 ends, as the county decides (a setting the office controls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseRule {
    /// 复查通过即销号.
    #[default]
    OnRecheck,
    /// 复查通过后待销号: the office signs it off.
    ByOffice,
}

/// What is done to a finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// The school has begun putting it right (待整改 → 整改中).
    StartRectifying,
    /// The school reports it put right, with its 整改报告 (→ 待复查).
    ReportDone,
    /// 复查通过 (→ 已销号, or 待销号 under [`CloseRule::ByOffice`]). A 重大 finding needs a photo
    /// of the fix.
    RecheckPassed,
    /// 复查未通过: back to 整改中 with a new deadline after today.
    RecheckFailed { deadline: Date },
    /// 销号 by the office (待销号 or 待复查 → 已销号).
    Close,
    /// 撤销 by the office, with a reason in the note.
    Withdraw,
    /// 立行立改 put right while the supervisor is there (待整改 → 已销号), with a photo.
    FixedOnSpot,
}

impl Action {
    pub fn zh(&self) -> &'static str {
        match self {
            Action::StartRectifying => "开始整改",
            Action::ReportDone => "报送整改情况",
            Action::RecheckPassed => "复查通过",
            Action::RecheckFailed { .. } => "复查未通过",
            Action::Close => "销号",
            Action::Withdraw => "撤销",
            Action::FixedOnSpot => "立行立改完成",
        }
    }

    pub fn en(&self) -> &'static str {
        match self {
            Action::StartRectifying => "Rectification started",
            Action::ReportDone => "Rectification reported",
            Action::RecheckPassed => "Recheck passed",
            Action::RecheckFailed { .. } => "Recheck failed",
            Action::Close => "Closed",
            Action::Withdraw => "Withdrawn",
            Action::FixedOnSpot => "Fixed on the spot",
        }
    }
}

/// One move in a finding's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Made by the device that made the move (a UUIDv7): the history merges by it, and a move
    /// sent twice is one move.
    #[serde(default)]
    pub id: String,
    /// Unix ms.
    pub at: i64,
    /// Who: the account's username.
    pub by: String,
    /// Their name as the office knows them (周丽), for people to read; the server checks it
    /// against the account. Empty in moves recorded before names were.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub by_name: String,
    pub role: Actor,
    pub from: FindingStatus,
    pub to: FindingStatus,
    pub action: Action,
    #[serde(default)]
    pub note: String,
    /// Photo ids (the fix, the school's 整改报告).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<String>,
}

/// What a move needs to know about the finding and the day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Facts {
    pub severity: Severity,
    pub disposition: Disposition,
    pub rule: CloseRule,
    pub today: Date,
}

/// Why a move is refused. English here; the screens say it in Chinese ([`RectifyError::zh`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RectifyError {
    #[error("{action} is not possible from {from:?}")]
    NotFrom {
        action: &'static str,
        from: FindingStatus,
    },
    #[error("{action} is for the office only")]
    OfficeOnly { action: &'static str },
    #[error("only the supervisor closes a 立行立改 finding on the spot")]
    SupervisorOnly,
    #[error("a 重大 finding is closed only with a photo of the fix")]
    NeedsPhoto,
    #[error("a withdrawal needs a reason")]
    NeedsReason,
    #[error("a failed recheck needs a note saying what is still wrong")]
    NeedsNote,
    #[error("the new deadline must be after today")]
    DeadlineNotAhead,
    #[error("only a 立行立改 finding is closed on the spot")]
    NotImmediate,
    /// The move was made on a finding that stood elsewhere (someone moved it meanwhile).
    #[error("the move starts from {from:?} but the finding is {now:?}")]
    Stale {
        from: FindingStatus,
        now: FindingStatus,
    },
    /// The move says it leads somewhere the table does not take it.
    #[error("{action} from {from:?} leads to {expected:?}, not {to:?}")]
    WrongTarget {
        action: &'static str,
        from: FindingStatus,
        to: FindingStatus,
        expected: FindingStatus,
    },
}

impl RectifyError {
    pub fn zh(&self) -> String {
        match self {
            RectifyError::NotFrom { from, .. } => {
                format!("该问题当前为“{}”，不能进行此操作。", from.zh())
            }
            RectifyError::OfficeOnly { .. } => "只有督导室可以进行此操作。".into(),
            RectifyError::SupervisorOnly => "立行立改由现场督学确认完成。".into(),
            RectifyError::NeedsPhoto => "重大问题复查通过须附整改后照片。".into(),
            RectifyError::NeedsReason => "撤销须写明理由。".into(),
            RectifyError::NeedsNote => "复查未通过须写明仍存在的问题。".into(),
            RectifyError::DeadlineNotAhead => "新的整改期限须晚于今天。".into(),
            RectifyError::NotImmediate => "只有立行立改的问题可以当场销号。".into(),
            RectifyError::Stale { now, .. } => {
                format!("该问题已被改为“{}”，此操作未生效，已保留待处理。", now.zh())
            }
            RectifyError::WrongTarget { .. } => "此操作的结果与整改规则不符。".into(),
        }
    }
}

/// Not 已销号 and not 撤销.
pub fn is_open(status: FindingStatus) -> bool {
    !matches!(status, FindingStatus::Closed | FindingStatus::Withdrawn)
}

/// Where `action` by `who` takes a finding in `from`, or why it cannot. The one table both the
/// phone and the server go by. (Notes and photos are checked by [`apply`].)
pub fn allowed(
    from: FindingStatus,
    action: &Action,
    who: Actor,
    facts: &Facts,
) -> Result<FindingStatus, RectifyError> {
    use FindingStatus::*;
    let not_from = || RectifyError::NotFrom {
        action: action.zh(),
        from,
    };
    let office_only = || {
        if who.is_office() {
            Ok(())
        } else {
            Err(RectifyError::OfficeOnly {
                action: action.zh(),
            })
        }
    };
    match action {
        Action::StartRectifying => match from {
            Pending => Ok(Rectifying),
            _ => Err(not_from()),
        },
        Action::ReportDone => match from {
            Pending | Rectifying => Ok(AwaitingRecheck),
            _ => Err(not_from()),
        },
        Action::RecheckPassed => match from {
            Pending | Rectifying | AwaitingRecheck => Ok(match facts.rule {
                CloseRule::OnRecheck => Closed,
                CloseRule::ByOffice => AwaitingClose,
            }),
            _ => Err(not_from()),
        },
        Action::RecheckFailed { deadline } => match from {
            Pending | Rectifying | AwaitingRecheck if *deadline > facts.today => Ok(Rectifying),
            Pending | Rectifying | AwaitingRecheck => Err(RectifyError::DeadlineNotAhead),
            _ => Err(not_from()),
        },
        Action::Close => {
            office_only()?;
            match from {
                AwaitingRecheck | AwaitingClose => Ok(Closed),
                _ => Err(not_from()),
            }
        }
        Action::Withdraw => {
            office_only()?;
            if is_open(from) {
                Ok(Withdrawn)
            } else {
                Err(not_from())
            }
        }
        Action::FixedOnSpot => {
            if who != Actor::Supervisor {
                return Err(RectifyError::SupervisorOnly);
            }
            if facts.disposition != Disposition::Immediate {
                return Err(RectifyError::NotImmediate);
            }
            match from {
                Pending => Ok(Closed),
                _ => Err(not_from()),
            }
        }
    }
}

/// The moves `who` can make on a finding in `from`, in the order a screen offers them: the
/// school's progress, then the 复查, then the office's. A failed 复查 is offered as possible when
/// some new deadline would be (the screen asks for the date).
pub fn offered(from: FindingStatus, who: Actor, facts: &Facts) -> Vec<Action> {
    let candidates = [
        Action::FixedOnSpot,
        Action::StartRectifying,
        Action::ReportDone,
        Action::RecheckPassed,
        Action::RecheckFailed {
            deadline: facts.today.add_days(1),
        },
        Action::Close,
        Action::Withdraw,
    ];
    candidates
        .into_iter()
        .filter(|a| allowed(from, a, who, facts).is_ok())
        .collect()
}

/// A finding's workflow: its status, its deadline and the history that led there.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Workflow {
    pub status: FindingStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Date>,
    #[serde(default)]
    pub history: Vec<Entry>,
}

/// One move as asked for: who, what, with which note and photos.
#[derive(Debug, Clone, PartialEq)]
pub struct Move {
    /// Names the history entry: a new UUIDv7.
    pub id: String,
    pub at: i64,
    pub by: String,
    /// Their name (see [`Entry::by_name`]).
    pub by_name: String,
    pub role: Actor,
    pub action: Action,
    pub note: String,
    pub photos: Vec<String>,
}

impl Workflow {
    /// A new finding's workflow: 待整改 by `deadline`.
    pub fn new(deadline: Option<Date>) -> Workflow {
        Workflow {
            status: FindingStatus::Pending,
            deadline,
            history: Vec::new(),
        }
    }

    /// Makes the move, appending it to the history; a refused move changes nothing.
    pub fn apply(&mut self, m: Move, facts: &Facts) -> Result<(), RectifyError> {
        let to = allowed(self.status, &m.action, m.role, facts)?;
        self.accept(
            Entry {
                id: m.id,
                at: m.at,
                by: m.by,
                by_name: m.by_name,
                role: m.role,
                from: self.status,
                to,
                action: m.action,
                note: m.note.trim().to_owned(),
                photos: m.photos,
            },
            facts,
        )
    }

    /// Takes a move made elsewhere (on a phone, at the office): it must start where this
    /// workflow stands now ([`RectifyError::Stale`] otherwise), be one the table allows its
    /// role, lead where the table says, and carry the note or photo it needs. A refused move
    /// changes nothing.
    pub fn accept(&mut self, e: Entry, facts: &Facts) -> Result<(), RectifyError> {
        if e.from != self.status {
            return Err(RectifyError::Stale {
                from: e.from,
                now: self.status,
            });
        }
        let to = allowed(self.status, &e.action, e.role, facts)?;
        if e.to != to {
            return Err(RectifyError::WrongTarget {
                action: e.action.zh(),
                from: e.from,
                to: e.to,
                expected: to,
            });
        }
        let note = e.note.trim();
        match &e.action {
            Action::Withdraw if note.is_empty() => return Err(RectifyError::NeedsReason),
            Action::RecheckFailed { .. } if note.is_empty() => return Err(RectifyError::NeedsNote),
            Action::RecheckPassed if facts.severity == Severity::Major && e.photos.is_empty() => {
                return Err(RectifyError::NeedsPhoto)
            }
            Action::FixedOnSpot if e.photos.is_empty() => return Err(RectifyError::NeedsPhoto),
            _ => {}
        }
        if let Action::RecheckFailed { deadline } = &e.action {
            self.deadline = Some(*deadline);
        }
        self.status = to;
        self.history.push(e);
        Ok(())
    }

    /// 逾期: open and past its deadline on `today`.
    pub fn overdue(&self, today: Date) -> bool {
        is_open(self.status) && self.deadline.is_some_and(|d| d < today)
    }

    /// 挂牌督办: a 重大 finding past its deadline and not 销号.
    pub fn supervised(&self, severity: Severity, today: Date) -> bool {
        severity == Severity::Major && self.overdue(today)
    }

    /// Days from `today` to the deadline (negative once past it), for an open finding.
    pub fn days_left(&self, today: Date) -> Option<i64> {
        self.deadline
            .filter(|_| is_open(self.status))
            .map(|d| d.days() - today.days())
    }
}

/// Where a finding stands against its deadline, for the 整改 list. Ordered most urgent first:
/// 挂牌督办, then 逾期 (the longest late first), then due (the soonest first), then open without
/// a deadline (立行立改), then done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Standing {
    /// 挂牌督办: a 重大 finding `late` days past its deadline (`late` negated, so that the
    /// latest sorts first).
    Supervised { minus_late: i64 },
    /// 逾期 by `-minus_late` days.
    Overdue { minus_late: i64 },
    /// Due in `days_left` days (0: today).
    Due { days_left: i64 },
    /// Open, no deadline (立行立改).
    NoDeadline,
    /// 已销号 or 已撤销.
    Done,
}

/// Where a finding in `status` with `deadline` stands on `today`.
pub fn standing(
    status: FindingStatus,
    severity: Severity,
    deadline: Option<Date>,
    today: Date,
) -> Standing {
    if !is_open(status) {
        return Standing::Done;
    }
    match deadline.map(|d| d.days() - today.days()) {
        None => Standing::NoDeadline,
        Some(left) if left < 0 && severity == Severity::Major => {
            Standing::Supervised { minus_late: left }
        }
        Some(left) if left < 0 => Standing::Overdue { minus_late: left },
        Some(left) => Standing::Due { days_left: left },
    }
}

impl Standing {
    /// 挂牌督办 · 逾期3天, 逾期3天, 今天到期, 剩5天, 未定期限, or "" when done.
    pub fn zh(self) -> String {
        match self {
            Standing::Supervised { minus_late } => format!("挂牌督办 · 逾期{}天", -minus_late),
            Standing::Overdue { minus_late } => format!("逾期{}天", -minus_late),
            Standing::Due { days_left: 0 } => "今天到期".into(),
            Standing::Due { days_left } => format!("剩{days_left}天"),
            Standing::NoDeadline => "未定期限".into(),
            Standing::Done => String::new(),
        }
    }

    pub fn en(self) -> String {
        match self {
            Standing::Supervised { minus_late } => {
                format!("Supervised listing · {} days late", -minus_late)
            }
            Standing::Overdue { minus_late } => format!("{} days late", -minus_late),
            Standing::Due { days_left: 0 } => "Due today".into(),
            Standing::Due { days_left } => format!("{days_left} days left"),
            Standing::NoDeadline => "No deadline".into(),
            Standing::Done => String::new(),
        }
    }

    /// For CSS and tests: `supervised`, `overdue`, `due`, `none`, `done`.
    pub fn key(self) -> &'static str {
        match self {
            Standing::Supervised { .. } => "supervised",
            Standing::Overdue { .. } => "overdue",
            Standing::Due { .. } => "due",
            Standing::NoDeadline => "none",
            Standing::Done => "done",
        }
    }
}

/// The status a history leads to from 待整改, or the first entry that does not follow from the
/// one before it (a history edited by hand, or two histories spliced wrongly).
pub fn replay(history: &[Entry]) -> Result<FindingStatus, usize> {
    let mut status = FindingStatus::Pending;
    for (i, e) in history.iter().enumerate() {
        if e.from != status || !is_open(e.from) {
            return Err(i);
        }
        status = e.to;
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use FindingStatus::*;

    fn day(d: u8) -> Date {
        Date::new(2026, 12, d).unwrap()
    }

    fn facts(severity: Severity, rule: CloseRule) -> Facts {
        Facts {
            severity,
            disposition: Disposition::ByDeadline,
            rule,
            today: day(10),
        }
    }

    #[test]
    fn a_supervisor_is_offered_the_schools_progress_and_the_recheck_never_the_offices_moves() {
        let kinds = |from, who, disposition| {
            let f = Facts {
                disposition,
                ..facts(Severity::Major, CloseRule::OnRecheck)
            };
            offered(from, who, &f)
                .iter()
                .map(|a| a.zh())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            kinds(Pending, Actor::Supervisor, Disposition::ByDeadline),
            ["开始整改", "报送整改情况", "复查通过", "复查未通过"]
        );
        assert_eq!(
            kinds(Pending, Actor::Supervisor, Disposition::Immediate),
            [
                "立行立改完成",
                "开始整改",
                "报送整改情况",
                "复查通过",
                "复查未通过"
            ]
        );
        assert_eq!(
            kinds(AwaitingRecheck, Actor::Supervisor, Disposition::ByDeadline),
            ["复查通过", "复查未通过"]
        );
        assert_eq!(
            kinds(AwaitingRecheck, Actor::Office, Disposition::ByDeadline),
            ["复查通过", "复查未通过", "销号", "撤销"]
        );
        assert!(kinds(Closed, Actor::Supervisor, Disposition::ByDeadline).is_empty());
        assert!(kinds(Closed, Actor::Office, Disposition::ByDeadline).is_empty());
        // Whatever is offered, the table allows.
        for from in [
            Pending,
            Rectifying,
            AwaitingRecheck,
            AwaitingClose,
            Closed,
            Withdrawn,
        ] {
            for who in [Actor::Supervisor, Actor::Office, Actor::Admin] {
                let f = facts(Severity::General, CloseRule::ByOffice);
                for a in offered(from, who, &f) {
                    assert!(allowed(from, &a, who, &f).is_ok(), "{from:?} {a:?} {who:?}");
                }
            }
        }
    }

    fn mv(role: Actor, action: Action, note: &str, photos: &[&str]) -> Move {
        Move {
            id: format!("e-{note}-{}", photos.len()),
            at: 1,
            by: "hanlixin".into(),
            by_name: String::new(),
            role,
            action,
            note: note.into(),
            photos: photos.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn the_usual_path_ends_in_closed_with_every_step_in_the_history() {
        let f = facts(Severity::General, CloseRule::OnRecheck);
        let mut w = Workflow::new(Some(day(20)));
        w.apply(mv(Actor::Office, Action::StartRectifying, "", &[]), &f)
            .unwrap();
        w.apply(
            mv(
                Actor::Office,
                Action::ReportDone,
                "学校报送整改报告",
                &["r1"],
            ),
            &f,
        )
        .unwrap();
        w.apply(
            mv(Actor::Supervisor, Action::RecheckPassed, "已清理", &[]),
            &f,
        )
        .unwrap();
        assert_eq!(w.status, Closed);
        let steps: Vec<_> = w.history.iter().map(|e| (e.from, e.to)).collect();
        assert_eq!(
            steps,
            [
                (Pending, Rectifying),
                (Rectifying, AwaitingRecheck),
                (AwaitingRecheck, Closed)
            ]
        );
        assert_eq!(w.history[1].photos, ["r1"]);
        assert_eq!(replay(&w.history), Ok(Closed));
    }

    #[test]
    fn a_failed_recheck_goes_back_to_rectifying_with_its_new_deadline_and_a_note() {
        let f = facts(Severity::General, CloseRule::OnRecheck);
        let mut w = Workflow::new(Some(day(5)));
        let fail = |d| Action::RecheckFailed { deadline: d };
        assert_eq!(
            w.apply(mv(Actor::Supervisor, fail(day(9)), "仍堆放杂物", &[]), &f),
            Err(RectifyError::DeadlineNotAhead)
        );
        assert_eq!(
            w.apply(mv(Actor::Supervisor, fail(day(30)), "  ", &[]), &f),
            Err(RectifyError::NeedsNote)
        );
        assert!(w.history.is_empty(), "a refused move leaves no trace");
        w.apply(mv(Actor::Supervisor, fail(day(30)), "仍堆放杂物", &[]), &f)
            .unwrap();
        assert_eq!((w.status, w.deadline), (Rectifying, Some(day(30))));
    }

    #[test]
    fn under_office_sign_off_a_passed_recheck_waits_for_the_office() {
        let f = facts(Severity::General, CloseRule::ByOffice);
        let mut w = Workflow::new(Some(day(20)));
        w.apply(mv(Actor::Supervisor, Action::RecheckPassed, "", &[]), &f)
            .unwrap();
        assert_eq!(w.status, AwaitingClose);
        assert_eq!(
            w.apply(mv(Actor::Supervisor, Action::Close, "", &[]), &f),
            Err(RectifyError::OfficeOnly { action: "销号" })
        );
        w.apply(mv(Actor::Office, Action::Close, "", &[]), &f)
            .unwrap();
        assert_eq!(w.status, Closed);
    }

    #[test]
    fn a_major_finding_passes_recheck_only_with_a_photo() {
        let f = facts(Severity::Major, CloseRule::OnRecheck);
        let mut w = Workflow::new(Some(day(20)));
        assert_eq!(
            w.apply(mv(Actor::Supervisor, Action::RecheckPassed, "", &[]), &f),
            Err(RectifyError::NeedsPhoto)
        );
        w.apply(
            mv(Actor::Supervisor, Action::RecheckPassed, "", &["p1"]),
            &f,
        )
        .unwrap();
        assert_eq!(w.status, Closed);
    }

    #[test]
    fn only_the_office_withdraws_and_only_with_a_reason() {
        let f = facts(Severity::General, CloseRule::OnRecheck);
        let mut w = Workflow::new(None);
        assert!(matches!(
            w.apply(mv(Actor::Supervisor, Action::Withdraw, "误报", &[]), &f),
            Err(RectifyError::OfficeOnly { .. })
        ));
        assert_eq!(
            w.apply(mv(Actor::Office, Action::Withdraw, "", &[]), &f),
            Err(RectifyError::NeedsReason)
        );
        w.apply(mv(Actor::Admin, Action::Withdraw, "经核实不属实", &[]), &f)
            .unwrap();
        assert_eq!(w.status, Withdrawn);
        assert!(w
            .apply(mv(Actor::Office, Action::StartRectifying, "", &[]), &f)
            .is_err());
    }

    #[test]
    fn an_immediate_finding_is_closed_on_the_spot_by_the_supervisor_with_a_photo() {
        let mut f = facts(Severity::General, CloseRule::ByOffice);
        let mut w = Workflow::new(None);
        assert_eq!(
            w.apply(mv(Actor::Supervisor, Action::FixedOnSpot, "", &["p"]), &f),
            Err(RectifyError::NotImmediate)
        );
        f.disposition = Disposition::Immediate;
        assert_eq!(
            w.apply(mv(Actor::Office, Action::FixedOnSpot, "", &["p"]), &f),
            Err(RectifyError::SupervisorOnly)
        );
        assert_eq!(
            w.apply(mv(Actor::Supervisor, Action::FixedOnSpot, "", &[]), &f),
            Err(RectifyError::NeedsPhoto)
        );
        w.apply(
            mv(Actor::Supervisor, Action::FixedOnSpot, "当场清理", &["p"]),
            &f,
        )
        .unwrap();
        assert_eq!(
            w.status, Closed,
            "closed, even where the office signs off rechecks"
        );
    }

    #[test]
    fn overdue_and_supervised_listing_follow_the_deadline_and_severity() {
        let mut w = Workflow::new(Some(day(9)));
        assert!(!w.overdue(day(9)), "the deadline day itself is not late");
        assert!(w.overdue(day(10)));
        assert_eq!(w.days_left(day(10)), Some(-1));
        assert!(w.supervised(Severity::Major, day(10)));
        assert!(!w.supervised(Severity::General, day(10)));
        w.status = Closed;
        assert!(!w.overdue(day(10)) && !w.supervised(Severity::Major, day(10)));
        assert_eq!(w.days_left(day(10)), None);
    }

    #[test]
    fn the_list_puts_supervised_listing_first_then_the_latest_then_the_soonest() {
        let today = day(10);
        let at = |status, severity, d: Option<u8>| standing(status, severity, d.map(day), today);
        let mut rows = [
            ("due in 5", at(Rectifying, Severity::General, Some(15))),
            ("closed", at(Closed, Severity::Major, Some(1))),
            ("late 2", at(Pending, Severity::General, Some(8))),
            ("no deadline", at(Pending, Severity::General, None)),
            (
                "major late 1",
                at(AwaitingRecheck, Severity::Major, Some(9)),
            ),
            ("late 6", at(Pending, Severity::General, Some(4))),
            ("due today", at(Pending, Severity::Major, Some(10))),
            ("withdrawn", at(Withdrawn, Severity::General, Some(4))),
        ];
        rows.sort_by_key(|r| r.1);
        let order: Vec<_> = rows.iter().map(|r| r.0).collect();
        assert_eq!(
            order,
            [
                "major late 1",
                "late 6",
                "late 2",
                "due today",
                "due in 5",
                "no deadline",
                "closed",
                "withdrawn"
            ]
        );
        assert_eq!(
            at(Pending, Severity::Major, Some(7)).zh(),
            "挂牌督办 · 逾期3天"
        );
        assert_eq!(at(Pending, Severity::General, Some(7)).zh(), "逾期3天");
        assert_eq!(at(Pending, Severity::General, Some(10)).zh(), "今天到期");
        assert_eq!(at(Pending, Severity::General, Some(15)).zh(), "剩5天");
        assert_eq!(at(Pending, Severity::General, Some(15)).en(), "5 days left");
    }

    #[test]
    fn a_status_key_is_its_stored_name() {
        for s in STATUSES {
            assert_eq!(serde_json::to_value(s).unwrap(), s.key());
        }
    }

    #[test]
    fn a_history_that_does_not_follow_on_is_pointed_at() {
        let f = facts(Severity::General, CloseRule::OnRecheck);
        let mut w = Workflow::new(None);
        w.apply(mv(Actor::Office, Action::StartRectifying, "", &[]), &f)
            .unwrap();
        w.apply(mv(Actor::Office, Action::ReportDone, "", &[]), &f)
            .unwrap();
        let mut spliced = w.history.clone();
        spliced.remove(0);
        assert_eq!(replay(&spliced), Err(0));
    }

    // --- properties: any sequence of moves by anyone -------------------------------------

    const STATUSES: [FindingStatus; 6] = [
        Pending,
        Rectifying,
        AwaitingRecheck,
        AwaitingClose,
        Closed,
        Withdrawn,
    ];

    /// The table, written out a second time as the set of (from, to, actor) the workflow
    /// permits, independently of `allowed`.
    fn permitted(from: FindingStatus, to: FindingStatus, who: Actor) -> bool {
        let office = who != Actor::Supervisor;
        match (from, to) {
            // 开始整改, and 复查未通过 (from any of the three, with a new deadline).
            (Pending | Rectifying | AwaitingRecheck, Rectifying) => true,
            (Pending | Rectifying, AwaitingRecheck) => true,
            (Pending | Rectifying | AwaitingRecheck, AwaitingClose) => true,
            // 复查通过 (anyone), 立行立改 (the supervisor), 销号 (the office).
            (Pending | Rectifying | AwaitingRecheck, Closed) => true,
            (AwaitingClose, Closed) => office,
            (Closed | Withdrawn, _) => false,
            (_, Withdrawn) => office,
            _ => false,
        }
    }

    fn action() -> impl Strategy<Value = Action> {
        prop_oneof![
            Just(Action::StartRectifying),
            Just(Action::ReportDone),
            Just(Action::RecheckPassed),
            (1u8..=28).prop_map(|d| Action::RecheckFailed { deadline: day(d) }),
            Just(Action::Close),
            Just(Action::Withdraw),
            Just(Action::FixedOnSpot),
        ]
    }

    fn actor() -> impl Strategy<Value = Actor> {
        prop_oneof![
            Just(Actor::Supervisor),
            Just(Actor::Office),
            Just(Actor::Admin)
        ]
    }

    proptest! {
        #[test]
        fn no_sequence_of_moves_leaves_the_table_and_the_history_replays(
            moves in prop::collection::vec(
                (actor(), action(), prop::bool::ANY, prop::bool::ANY), 0..40),
            major in prop::bool::ANY,
            immediate in prop::bool::ANY,
            by_office in prop::bool::ANY,
        ) {
            let f = Facts {
                severity: if major { Severity::Major } else { Severity::General },
                disposition: if immediate { Disposition::Immediate } else { Disposition::ByDeadline },
                rule: if by_office { CloseRule::ByOffice } else { CloseRule::OnRecheck },
                today: day(10),
            };
            let mut w = Workflow::new(Some(day(15)));
            for (who, action, with_note, with_photo) in moves {
                let before = w.clone();
                let m = Move {
                    id: format!("e{}", w.history.len()),
                    at: 1,
                    by: "x".into(),
                    by_name: String::new(),
                    role: who,
                    action,
                    note: if with_note { "说明".into() } else { String::new() },
                    photos: if with_photo { vec!["p".into()] } else { Vec::new() },
                };
                match w.apply(m, &f) {
                    Ok(()) => {
                        let e = w.history.last().unwrap();
                        prop_assert!(permitted(e.from, e.to, who), "{:?} → {:?} by {:?}", e.from, e.to, who);
                        prop_assert_eq!(e.from, before.status);
                        prop_assert_eq!(w.history.len(), before.history.len() + 1);
                    }
                    Err(_) => prop_assert_eq!(&w, &before, "a refused move changes nothing"),
                }
                prop_assert_eq!(replay(&w.history), Ok(w.status));
                prop_assert!(STATUSES.contains(&w.status));
            }
            // What the server does with moves made on a phone: the same history, taken entry by
            // entry onto the stored workflow, reaches the same status and deadline.
            let mut server = Workflow::new(Some(day(15)));
            for e in w.history.clone() {
                prop_assert_eq!(server.accept(e, &f), Ok(()));
            }
            prop_assert_eq!(&server, &w);
        }
    }

    #[test]
    fn a_move_made_on_a_finding_that_moved_meanwhile_is_refused_as_stale() {
        let f = facts(Severity::General, CloseRule::OnRecheck);
        // The phone, offline, passes the 复查 of a finding it last saw 待复查 …
        let mut phone = Workflow::new(Some(day(20)));
        phone.status = AwaitingRecheck;
        phone
            .apply(
                mv(Actor::Supervisor, Action::RecheckPassed, "已整改", &[]),
                &f,
            )
            .unwrap();
        // … while the office withdrew it.
        let mut server = Workflow::new(Some(day(20)));
        server.status = AwaitingRecheck;
        server
            .apply(mv(Actor::Office, Action::Withdraw, "重复立项", &[]), &f)
            .unwrap();
        let before = server.clone();
        let e = phone.history[0].clone();
        assert_eq!(
            server.accept(e, &f),
            Err(RectifyError::Stale {
                from: AwaitingRecheck,
                now: Withdrawn
            })
        );
        assert_eq!(server, before);
        assert!(RectifyError::Stale {
            from: AwaitingRecheck,
            now: Withdrawn
        }
        .zh()
        .contains("已撤销"));
    }

    #[test]
    fn a_move_that_claims_another_outcome_or_lacks_its_photo_is_refused() {
        let f = facts(Severity::Major, CloseRule::ByOffice);
        let mut w = Workflow::new(Some(day(20)));
        let entry = |to, photos: Vec<String>| Entry {
            id: "e1".into(),
            at: 1,
            by: "hanlixin".into(),
            by_name: String::new(),
            role: Actor::Supervisor,
            from: Pending,
            to,
            action: Action::RecheckPassed,
            note: String::new(),
            photos,
        };
        // Under office sign-off a passed 复查 is 待销号, never 已销号.
        assert!(matches!(
            w.accept(entry(Closed, vec!["p".into()]), &f),
            Err(RectifyError::WrongTarget {
                expected: AwaitingClose,
                ..
            })
        ));
        assert_eq!(
            w.accept(entry(AwaitingClose, vec![]), &f),
            Err(RectifyError::NeedsPhoto)
        );
        assert!(w.history.is_empty());
        w.accept(entry(AwaitingClose, vec!["p".into()]), &f)
            .unwrap();
        assert_eq!(w.status, AwaitingClose);
    }
}
