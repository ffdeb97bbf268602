//! Local thresholds (📍): an office adjusts a number of a template for its district.
//!
//! National thresholds ship in the templates. Where a province, city or county sets its own
//! (evening study ends by 20:00 here and 20:30 there, 2 h of daily activity instead of 1 h), the
//! office writes a small file naming the rule, the band and the new limit with its local basis.
//! Applying it gives a new *edition* of the template: same id and version, plus a record of
//! every change (before, after, basis, reason), and a key of its own (`wuxiang@1+清河县.2`).
//! Visits pin that key, so a visit started under one edition keeps its verdicts when the
//! office later changes a number.

use crate::answer::{format_number, TimeOfDay};
use crate::basis::Basis;
use crate::template::Template;
use crate::text::Text;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The file an office writes: which template, which district, and the changed limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalThresholds {
    /// Id of the template adjusted, e.g. `wuxiang`.
    pub template: String,
    /// The template version the changes were written against.
    pub version: u32,
    /// The district the thresholds hold in (清河县).
    pub district: String,
    /// Raised by the office each time it changes this file; starts at 1.
    pub edition: u32,
    pub changes: Vec<ThresholdChange>,
}

/// One band's new limits. Only the limits given change; the others stay as they were.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdChange {
    pub rule: String,
    /// The band's Chinese label as written in the template (一二年级, 小学, 中小学).
    pub band: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<TimeOfDay>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<TimeOfDay>,
    /// The local document that sets the number. Always recorded as local.
    pub basis: Basis,
    /// Why, in the office's words.
    #[serde(default)]
    pub reason: String,
}

/// A band's limits, before or after a change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<TimeOfDay>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<TimeOfDay>,
}

impl fmt::Display for Limits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(m) = self.min {
            parts.push(format!("≥ {}", format_number(m)));
        }
        if let Some(m) = self.max {
            parts.push(format!("≤ {}", format_number(m)));
        }
        if let Some(t) = self.not_before {
            parts.push(format!("不早于 {t}"));
        }
        if let Some(t) = self.not_after {
            parts.push(format!("不晚于 {t}"));
        }
        f.write_str(&parts.join("，"))
    }
}

/// What a template edition records about its local changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalEdition {
    pub district: String,
    pub edition: u32,
    pub changes: Vec<AppliedChange>,
}

impl LocalEdition {
    /// The tag added to the template key: `清河县.2`.
    pub fn tag(&self) -> String {
        format!("{}.{}", self.district, self.edition)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppliedChange {
    pub rule: String,
    pub band: Text,
    pub before: Limits,
    pub after: Limits,
    pub basis: Basis,
    #[serde(default)]
    pub reason: String,
}

/// Why a thresholds file could not be applied. `change` is the index in `changes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalError {
    pub change: Option<usize>,
    pub field: String,
    pub message: String,
}

impl fmt::Display for LocalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.change {
            Some(i) => write!(f, "changes[{i}], field `{}`: {}", self.field, self.message),
            None if self.field.is_empty() => f.write_str(&self.message),
            None => write!(f, "field `{}`: {}", self.field, self.message),
        }
    }
}

/// Every problem found, one per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalErrors(pub Vec<LocalError>);

impl fmt::Display for LocalErrors {
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

impl std::error::Error for LocalErrors {}

impl LocalThresholds {
    /// Parses a thresholds file. Syntax and shape errors name the line and column.
    #[cfg(feature = "toml")]
    pub fn from_toml(src: &str) -> Result<LocalThresholds, LocalErrors> {
        toml::from_str(src).map_err(|e| {
            let at = e
                .span()
                .map(|s| crate::validate::line_col(src, s.start))
                .map(|(l, c)| format!("line {l}, column {c}"))
                .unwrap_or_else(|| "file".into());
            LocalErrors(vec![LocalError {
                change: None,
                field: String::new(),
                message: format!("{at}: {}", e.message().trim()),
            }])
        })
    }

    /// The edition of `template` with these thresholds, or every reason it cannot be made.
    /// Nothing is applied unless everything is valid.
    pub fn apply(&self, template: &Template) -> Result<Template, LocalErrors> {
        let mut errs = Vec::new();
        let mut err = |change: Option<usize>, field: &str, message: String| {
            errs.push(LocalError {
                change,
                field: field.to_owned(),
                message,
            })
        };
        if self.template != template.id {
            err(
                None,
                "template",
                format!(
                    "the file adjusts template {:?}, not {:?}",
                    self.template, template.id
                ),
            );
        }
        if self.version != template.version {
            err(
                None,
                "version",
                format!(
                    "the file was written for version {} of {}, but the template is version {}; \
                     check the changes against the new version and update `version`",
                    self.version, template.id, template.version
                ),
            );
        }
        if self.district.trim().is_empty() {
            err(None, "district", "is empty".into());
        }
        if self.edition == 0 {
            err(None, "edition", "must be at least 1".into());
        }
        if template.local.is_some() {
            err(
                None,
                "template",
                "the template already has local thresholds; apply to the national one".into(),
            );
        }
        if self.changes.is_empty() {
            err(None, "changes", "lists no change".into());
        }
        let mut out = template.clone();
        let mut applied = Vec::new();
        for (i, c) in self.changes.iter().enumerate() {
            let at = Some(i);
            let Some(rule) = out.rules.iter_mut().find(|r| r.id == c.rule) else {
                let ids: Vec<&str> = template.rules.iter().map(|r| r.id.as_str()).collect();
                err(
                    at,
                    "rule",
                    format!(
                        "template {} has no rule {:?}; its rules are {}",
                        template.id,
                        c.rule,
                        ids.join(", ")
                    ),
                );
                continue;
            };
            let Some(band) = rule.bands.iter_mut().find(|b| b.label.zh == c.band.trim()) else {
                let labels: Vec<&str> = rule.bands.iter().map(|b| b.label.zh.as_str()).collect();
                err(
                    at,
                    "band",
                    format!(
                        "rule {} has no band {:?}; its bands are {}",
                        c.rule,
                        c.band,
                        labels.join(", ")
                    ),
                );
                continue;
            };
            let mut finite = true;
            for (name, v) in [("min", c.min), ("max", c.max)] {
                if let Some(v) = v.filter(|v| !v.is_finite()) {
                    err(
                        at,
                        name,
                        format!(
                            "{v} for rule {} band {} is not a number a limit can be (NaN and \
                             infinity never judge anything); write a finite number",
                            c.rule, c.band
                        ),
                    );
                    finite = false;
                }
            }
            if !finite {
                continue;
            }
            let numbers = c.min.is_some() || c.max.is_some();
            let times = c.not_before.is_some() || c.not_after.is_some();
            if !numbers && !times {
                err(
                    at,
                    "min",
                    "sets no new limit (min, max, not_before or not_after)".into(),
                );
                continue;
            }
            if (numbers && band.has_time_limit()) || (times && band.has_number_limit()) {
                let has = if band.has_time_limit() {
                    "a time (not_before/not_after)"
                } else {
                    "a number (min/max)"
                };
                err(
                    at,
                    if numbers { "min" } else { "not_before" },
                    format!("band {} of rule {} limits {has}", c.band, c.rule),
                );
                continue;
            }
            if c.basis.document.trim().is_empty() {
                err(
                    at,
                    "basis.document",
                    "name the local document that sets the number".into(),
                );
            }
            let before = Limits {
                min: band.min,
                max: band.max,
                not_before: band.not_before,
                not_after: band.not_after,
            };
            band.min = c.min.or(band.min);
            band.max = c.max.or(band.max);
            band.not_before = c.not_before.or(band.not_before);
            band.not_after = c.not_after.or(band.not_after);
            let after = Limits {
                min: band.min,
                max: band.max,
                not_before: band.not_before,
                not_after: band.not_after,
            };
            // The office's own document is what confirms a number: it is never 待核实.
            let basis = Basis {
                local: true,
                unconfirmed: false,
                ..c.basis.clone()
            };
            let label = band.label.clone();
            if !rule.basis.contains(&basis) {
                rule.basis.insert(0, basis.clone());
            }
            applied.push(AppliedChange {
                rule: c.rule.clone(),
                band: label,
                before,
                after,
                basis,
                reason: c.reason.clone(),
            });
        }
        if !errs.is_empty() {
            return Err(LocalErrors(errs));
        }
        out.local = Some(LocalEdition {
            district: self.district.trim().to_owned(),
            edition: self.edition,
            changes: applied,
        });
        if let Err(e) = crate::validate::validate(&out) {
            return Err(LocalErrors(
                e.0.iter()
                    .map(|e| LocalError {
                        change: None,
                        field: e.field.clone(),
                        message: format!("after the changes, {}: {}", e.location, e.message),
                    })
                    .collect(),
            ));
        }
        Ok(out)
    }
}
