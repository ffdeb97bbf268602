//! Template validation. Every error names where it is (item code, section, rule) and the field,
//! so whoever wrote the template can fix it without a developer.

use crate::condition::{never_fails, Condition};
use crate::template::{AnswerKind, EvidenceRule, Template};
use std::collections::{HashMap, HashSet};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Template,
    Section(String),
    Item(String),
    Rule(String),
    /// A syntax error in the file itself: 1-based line and column.
    Line(usize, usize),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Template => write!(f, "template"),
            Location::Section(c) => write!(f, "section {c}"),
            Location::Item(c) => write!(f, "item {c}"),
            Location::Rule(c) => write!(f, "rule {c}"),
            Location::Line(l, c) => write!(f, "line {l}, column {c}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub location: Location,
    /// The field at fault (`prompt.zh`, `show_if`, `bands[1].max`), empty for syntax errors.
    pub field: String,
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.location, self.message)
        } else {
            write!(
                f,
                "{}, field `{}`: {}",
                self.location, self.field, self.message
            )
        }
    }
}

/// All the errors found in one template, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateErrors(pub Vec<TemplateError>);

impl fmt::Display for TemplateErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for TemplateErrors {}

impl TemplateErrors {
    /// A TOML syntax or shape error, located by line and column in `src`.
    #[cfg(feature = "toml")]
    pub fn from_toml(src: &str, err: toml::de::Error) -> Self {
        let (line, col) = err
            .span()
            .map(|span| line_col(src, span.start))
            .unwrap_or((1, 1));
        TemplateErrors(vec![TemplateError {
            location: Location::Line(line, col),
            field: String::new(),
            message: err.message().trim().to_owned(),
        }])
    }
}

/// 1-based line and column (in characters) of a byte offset in `src`.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let mut at = offset.min(src.len());
    while !src.is_char_boundary(at) {
        at -= 1;
    }
    let before = &src[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

struct Report(Vec<TemplateError>);

impl Report {
    fn err(&mut self, location: Location, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(TemplateError {
            location,
            field: field.into(),
            message: message.into(),
        });
    }
}

/// Item codes are written inside show-if conditions and Excel cells, so they stay plain.
pub fn valid_code(code: &str) -> bool {
    let mut chars = code.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

pub fn validate(t: &Template) -> Result<(), TemplateErrors> {
    let mut r = Report(Vec::new());
    let here = Location::Template;
    if !valid_code(&t.id) {
        r.err(
            here.clone(),
            "id",
            format!("{:?} is not a valid id (letters, digits, - _ .)", t.id),
        );
    }
    if t.version == 0 {
        r.err(here.clone(), "version", "must be 1 or more");
    }
    if t.kind.trim().is_empty() {
        r.err(
            here.clone(),
            "kind",
            "is empty; name the kind of inspection (五项管理, 校园安全, 挂牌督导 …)",
        );
    }
    if t.title.is_blank() {
        r.err(here.clone(), "title.zh", "is empty");
    }
    if t.sections.is_empty() {
        r.err(here.clone(), "sections", "the template has no sections");
    }

    validate_rules(t, &mut r);

    let mut sections = HashSet::new();
    let mut kinds: HashMap<&str, &AnswerKind> = HashMap::new();
    let mut with_rule: HashSet<&str> = HashSet::new();
    for s in &t.sections {
        let loc = Location::Section(s.code.clone());
        if !valid_code(&s.code) {
            r.err(
                loc.clone(),
                "code",
                format!("{:?} is not a valid code", s.code),
            );
        }
        if !sections.insert(s.code.as_str()) {
            r.err(loc.clone(), "code", "is used by another section");
        }
        if s.title.is_blank() {
            r.err(loc.clone(), "title.zh", "is empty");
        }
        if s.items.is_empty() {
            r.err(loc.clone(), "items", "the section has no items");
        }
        for item in &s.items {
            if item.rule.is_some() {
                with_rule.insert(item.code.as_str());
            }
            if kinds.insert(item.code.as_str(), &item.answer).is_some() {
                r.err(
                    Location::Item(item.code.clone()),
                    "code",
                    "is used by another item",
                );
            }
        }
    }

    let kind_of = |code: &str| kinds.get(code).map(|k| (*k).clone());
    let mut deps: HashMap<&str, Vec<String>> = HashMap::new();
    for (_, item) in t.items() {
        let loc = Location::Item(item.code.clone());
        if !valid_code(&item.code) {
            r.err(
                loc.clone(),
                "code",
                format!(
                    "{:?} is not a valid code (letters, digits, - _ .)",
                    item.code
                ),
            );
        }
        if item.prompt.is_blank() {
            r.err(loc.clone(), "prompt.zh", "is empty");
        }
        if item.basis.is_empty() {
            r.err(
                loc.clone(),
                "basis",
                "every item must cite its policy basis (document and year)",
            );
        }
        for (i, b) in item.basis.iter().enumerate() {
            if b.document.trim().is_empty() {
                r.err(loc.clone(), format!("basis[{i}].document"), "is empty");
            }
            if !(1949..=2100).contains(&b.year) {
                r.err(
                    loc.clone(),
                    format!("basis[{i}].year"),
                    format!("{} is not a plausible year", b.year),
                );
            }
        }
        validate_answer_kind(&item.answer, &loc, &mut r);
        if let Some(g) = item.grades {
            if g.from > g.to || g.to > 12 {
                r.err(
                    loc.clone(),
                    "grades",
                    format!("[{}, {}] is not a grade range within 0–12", g.from, g.to),
                );
            }
        }
        if item.stages.as_ref().is_some_and(Vec::is_empty) {
            r.err(
                loc.clone(),
                "stages",
                "is an empty list; leave it out to mean every stage",
            );
        }
        if let Some(rule_id) = &item.rule {
            match t.rule(rule_id) {
                None => r.err(
                    loc.clone(),
                    "rule",
                    format!("refers to unknown rule {rule_id}"),
                ),
                Some(rule) => {
                    let numeric = matches!(
                        item.answer,
                        AnswerKind::Number { .. } | AnswerKind::Count { .. }
                    );
                    let time = matches!(item.answer, AnswerKind::Time { .. });
                    if !numeric && !time {
                        r.err(
                            loc.clone(),
                            "rule",
                            format!("a rule cannot judge a {} answer", item.answer.name()),
                        );
                    } else if rule.bands.iter().any(|b| {
                        (numeric && !b.has_number_limit()) || (time && !b.has_time_limit())
                    }) {
                        let want = if numeric {
                            "max/min"
                        } else {
                            "not_before/not_after"
                        };
                        r.err(
                            loc.clone(),
                            "rule",
                            format!(
                                "rule {rule_id} has a band without {want}, which a {} answer needs",
                                item.answer.name()
                            ),
                        );
                    }
                }
            }
        }
        if item.evidence == EvidenceRule::PhotoWhenNoncompliant
            && !item.answer.can_fail(item.rule.is_some())
        {
            r.err(
                loc.clone(),
                "evidence",
                "photo_when_noncompliant on an item that can never be 不符合",
            );
        }
        if let Some(src) = &item.show_if {
            match Condition::parse(src) {
                Err(e) => r.err(loc.clone(), "show_if", format!("{e} in {src:?}")),
                Ok(c) => {
                    if let Err(e) = c.check(&kind_of) {
                        r.err(loc.clone(), "show_if", e);
                    }
                    // `check` knows answer kinds only: a number, count or time item is judged
                    // (and so can fail) only when it has a rule.
                    for code in c.failed_items() {
                        if let Some(kind) = kinds.get(code) {
                            if kind.can_fail(true) && !kind.can_fail(with_rule.contains(code)) {
                                r.err(loc.clone(), "show_if", never_fails(code, kind));
                            }
                        }
                    }
                    if c.items().contains(&item.code.as_str()) {
                        r.err(loc.clone(), "show_if", "refers to the item itself");
                    }
                    deps.insert(
                        item.code.as_str(),
                        c.items().into_iter().map(str::to_owned).collect(),
                    );
                }
            }
        }
    }
    for code in find_cycles(&deps) {
        r.err(
            Location::Item(code),
            "show_if",
            "is part of a cycle of show-if conditions",
        );
    }
    if r.0.is_empty() {
        Ok(())
    } else {
        Err(TemplateErrors(r.0))
    }
}

fn validate_rules(t: &Template, r: &mut Report) {
    let mut ids = HashSet::new();
    for rule in &t.rules {
        let loc = Location::Rule(rule.id.clone());
        if !ids.insert(rule.id.as_str()) {
            r.err(loc.clone(), "id", "is used by another rule");
        }
        if rule.measure.is_blank() {
            r.err(loc.clone(), "measure.zh", "is empty");
        }
        if rule.basis.is_empty() {
            r.err(
                loc.clone(),
                "basis",
                "every threshold must cite its policy basis",
            );
        }
        if rule.bands.is_empty() {
            r.err(loc.clone(), "bands", "the rule has no bands");
        }
        for (i, b) in rule.bands.iter().enumerate() {
            let f = |name: &str| format!("bands[{i}].{name}");
            if b.grades.from > b.grades.to || b.grades.to > 12 {
                r.err(
                    loc.clone(),
                    f("grades"),
                    format!(
                        "[{}, {}] is not a grade range within 0–12",
                        b.grades.from, b.grades.to
                    ),
                );
            }
            if b.label.is_blank() {
                r.err(loc.clone(), f("label.zh"), "is empty");
            }
            for (name, v) in [("min", b.min), ("max", b.max)] {
                if let Some(v) = v.filter(|v| !v.is_finite()) {
                    r.err(loc.clone(), f(name), not_finite(v));
                }
            }
            if let Some(step) = b.step.filter(|s| !s.add.is_finite()) {
                r.err(loc.clone(), f("step.add"), not_finite(step.add));
            }
            if !b.has_number_limit() && !b.has_time_limit() {
                r.err(
                    loc.clone(),
                    f("max"),
                    "the band sets no limit (max, min, not_before or not_after)",
                );
            }
            if b.has_number_limit() && b.has_time_limit() {
                r.err(
                    loc.clone(),
                    f("not_before"),
                    "a band limits either a number or a time, not both",
                );
            }
            if let (Some(min), Some(max)) = (b.min, b.max) {
                if min > max {
                    r.err(
                        loc.clone(),
                        f("min"),
                        format!("min {min} is above max {max}"),
                    );
                }
            }
            if let (Some(a), Some(z)) = (b.not_before, b.not_after) {
                if a > z {
                    r.err(
                        loc.clone(),
                        f("not_before"),
                        format!(
                            "{a} is after not_after {z} (a school day runs from 05:00 to 04:59 \
                             the next morning)"
                        ),
                    );
                }
            }
            if let Some(e) = b.enrolment {
                if let (Some(from), Some(to)) = (e.from, e.to) {
                    if from > to {
                        r.err(
                            loc.clone(),
                            f("enrolment"),
                            format!("from {from} is above to {to}"),
                        );
                    }
                }
            }
            if let Some(step) = b.step {
                if b.min.is_none() {
                    r.err(
                        loc.clone(),
                        f("step"),
                        "a step raises min, so the band needs a min",
                    );
                }
                if step.per == 0 {
                    r.err(loc.clone(), f("step.per"), "must be at least 1");
                }
                if step.add.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
                    r.err(loc.clone(), f("step.add"), "must be above 0");
                }
            }
            for (j, other) in rule.bands.iter().enumerate().skip(i + 1) {
                let enrolment_overlaps = match (b.enrolment, other.enrolment) {
                    (Some(x), Some(y)) => x.overlaps(y),
                    _ => true,
                };
                if b.grades.intersect(other.grades).is_some() && enrolment_overlaps {
                    r.err(
                        loc.clone(),
                        f("grades"),
                        format!(
                            "overlaps bands[{j}]; each grade (and enrolment) belongs to one band"
                        ),
                    );
                }
            }
        }
    }
}

/// A limit that is NaN or infinite judges nothing: `n <= NaN` is false for every n.
fn not_finite(v: f64) -> String {
    format!("{v} is not a finite number; NaN and infinity never judge anything")
}

fn validate_answer_kind(kind: &AnswerKind, loc: &Location, r: &mut Report) {
    match kind {
        AnswerKind::Number { unit, min, max } => {
            if unit.is_blank() {
                r.err(
                    loc.clone(),
                    "answer.unit",
                    "a number needs its unit (分钟, 克, 小时 …)",
                );
            }
            for (name, v) in [("answer.min", min), ("answer.max", max)] {
                match v {
                    None => r.err(
                        loc.clone(),
                        name,
                        "a number needs its plausible range (min and max, e.g. 0 and 600 \
                         minutes): what lies outside it is a typing error, refused at entry",
                    ),
                    Some(v) if !v.is_finite() => r.err(loc.clone(), name, not_finite(*v)),
                    Some(_) => {}
                }
            }
            if let (Some(a), Some(b)) = (min, max) {
                if a > b {
                    r.err(
                        loc.clone(),
                        "answer.min",
                        format!("min {a} is above max {b}"),
                    );
                }
            }
        }
        AnswerKind::Count { unit, min, max } => {
            if unit.is_blank() {
                r.err(
                    loc.clone(),
                    "answer.unit",
                    "a count needs its unit (人, 次, 个 …)",
                );
            }
            match (min, max) {
                (_, None) => r.err(
                    loc.clone(),
                    "answer.max",
                    "a count needs the most that is plausible (max, e.g. 7 days a week, 200 \
                     guards): what lies above it is a typing error, refused at entry",
                ),
                (Some(a), Some(b)) if a > b => r.err(
                    loc.clone(),
                    "answer.min",
                    format!("min {a} is above max {b}"),
                ),
                _ => {}
            }
        }
        AnswerKind::Time { earliest, latest } => {
            if let (Some(a), Some(z)) = (earliest, latest) {
                if a > z {
                    r.err(
                        loc.clone(),
                        "answer.earliest",
                        format!(
                            "{a} is after latest {z}: a school day runs from 05:00 to 04:59 the \
                             next morning, so a range over midnight is written e.g. 18:00 to 04:59"
                        ),
                    );
                }
            }
        }
        AnswerKind::Choice { options, .. } => {
            if options.len() < 2 {
                r.err(
                    loc.clone(),
                    "answer.options",
                    "a choice needs at least two options",
                );
            }
            let mut seen = HashSet::new();
            for (i, o) in options.iter().enumerate() {
                if !valid_code(&o.code) {
                    r.err(
                        loc.clone(),
                        format!("answer.options[{i}].code"),
                        format!("{:?} is not a valid code", o.code),
                    );
                }
                if !seen.insert(&o.code) {
                    r.err(
                        loc.clone(),
                        format!("answer.options[{i}].code"),
                        "is used by another option",
                    );
                }
                if o.label.is_blank() {
                    r.err(
                        loc.clone(),
                        format!("answer.options[{i}].label.zh"),
                        "is empty",
                    );
                }
            }
        }
        _ => {}
    }
}

/// Items whose show-if conditions depend on each other in a loop.
fn find_cycles(deps: &HashMap<&str, Vec<String>>) -> Vec<String> {
    fn visit<'a>(
        n: &'a str,
        deps: &'a HashMap<&str, Vec<String>>,
        state: &mut HashMap<&'a str, u8>,
        stack: &mut Vec<&'a str>,
        out: &mut HashSet<String>,
    ) {
        match state.get(n) {
            Some(1) => {
                if let Some(p) = stack.iter().position(|s| *s == n) {
                    out.extend(stack[p..].iter().map(|s| s.to_string()));
                }
                return;
            }
            Some(_) => return,
            None => {}
        }
        state.insert(n, 1);
        stack.push(n);
        for d in deps.get(n).into_iter().flatten() {
            if let Some((k, _)) = deps.get_key_value(d.as_str()) {
                visit(k, deps, state, stack, out);
            }
        }
        stack.pop();
        state.insert(n, 2);
    }
    let mut state = HashMap::new();
    let mut out = HashSet::new();
    let mut keys: Vec<&&str> = deps.keys().collect();
    keys.sort();
    for k in keys {
        visit(k, deps, &mut state, &mut Vec::new(), &mut out);
    }
    let mut v: Vec<String> = out
        .into_iter()
        .filter(|c| deps.get(c.as_str()).is_some_and(|d| !d.contains(c)))
        .collect();
    v.sort();
    v
}
