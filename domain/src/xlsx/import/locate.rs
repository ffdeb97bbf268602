//! Validation errors placed on their cells: which sheet, row and column a template error
//! names, and which errors only repeat a cell error already reported.

use super::{ImportError, Importer};
use crate::validate::{Location, TemplateError};
use crate::xlsx::layout::{ItemCol, RuleCol, TemplateField, SHEET_ITEMS, SHEET_RULES};
use std::collections::HashSet;

impl Importer {
    /// Whether a validation error concerns a part that already has a cell error (which it
    /// would only repeat, or follow from).
    pub(super) fn tainted(&self, e: &TemplateError) -> bool {
        let words: HashSet<&str> = e
            .message
            .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .map(|w| w.trim_end_matches('.'))
            .collect();
        let mentions = |set: &HashSet<String>| set.iter().any(|c| words.contains(c.as_str()));
        match &e.location {
            Location::Template => self.bad_template,
            Location::Section(c) => self.bad_sections.contains(c),
            Location::Item(c) => {
                self.bad_items.contains(c) || mentions(&self.bad_items) || mentions(&self.bad_rules)
            }
            Location::Rule(c) => self.bad_rules.contains(c),
            Location::Line(..) => false,
        }
    }

    pub(super) fn locate(&self, e: &TemplateError) -> ImportError {
        let field = e.field.as_str();
        let mut out = ImportError {
            sheet: String::new(),
            row: None,
            column: None,
            header: None,
            message: e.message.clone(),
        };
        let mut placed = false;
        match &e.location {
            Location::Template => {
                let f = match field {
                    "id" => Some(TemplateField::Id),
                    "version" => Some(TemplateField::Version),
                    "kind" => Some(TemplateField::Kind),
                    f if f.starts_with("title") => Some(TemplateField::Title),
                    f if f.starts_with("description") => Some(TemplateField::Description),
                    _ => None,
                };
                if field == "sections" {
                    out.sheet = self.items_sheet_name();
                    placed = true;
                } else {
                    out.sheet = self.template_sheet.clone();
                    if let Some(f) = f {
                        out.row = self.template_rows.get(&f).map(|r| r.0);
                        (out.column, out.header) = self.template_at(f);
                        placed = true;
                    }
                }
            }
            Location::Section(code) => {
                out.sheet = self.items_sheet_name();
                out.row = self.section_rows.get(code).copied();
                let key = match field {
                    "code" | "items" => Some(ItemCol::SectionCode),
                    f if f.starts_with("title.en") => Some(ItemCol::SectionNameEn),
                    f if f.starts_with("title") => Some(ItemCol::SectionName),
                    _ => None,
                };
                if let (Some(k), Some(t)) = (key, &self.items) {
                    (out.column, out.header) = t.at(k);
                    placed = true;
                }
            }
            Location::Item(code) => {
                out.sheet = self.items_sheet_name();
                out.row = self.item_rows.get(code).copied();
                if let (Some(k), Some(t)) = (item_column(field), &self.items) {
                    (out.column, out.header) = t.at(k);
                    placed = true;
                }
            }
            Location::Rule(id) => {
                out.sheet = self.rules_sheet_name();
                let rows = self.rule_rows.get(id);
                out.row = rows.map(|r| r.0);
                let mut key = rule_column(field);
                if let Some(rest) = field.strip_prefix("bands[") {
                    if let Some((i, sub)) = rest.split_once("].") {
                        if let (Ok(i), Some(rows)) = (i.parse::<usize>(), rows) {
                            out.row = rows.1.get(i).copied().or(out.row);
                        }
                        key = band_column(sub);
                    }
                }
                if let (Some(k), Some(t)) = (key, &self.rules) {
                    (out.column, out.header) = t.at(k);
                    placed = true;
                }
            }
            Location::Line(..) => {}
        }
        if !placed && !field.is_empty() {
            out.message = format!("{} (field `{field}`)", e.message);
        }
        if out.sheet.is_empty() {
            out.message = format!("{}: {}", e.location, out.message);
        }
        out
    }

    fn items_sheet_name(&self) -> String {
        self.items
            .as_ref()
            .map_or(SHEET_ITEMS.to_owned(), |t| t.sheet.clone())
    }

    fn rules_sheet_name(&self) -> String {
        self.rules
            .as_ref()
            .map_or(SHEET_RULES.to_owned(), |t| t.sheet.clone())
    }
}

/// The 检查项 column of an item field named by validation (`prompt.zh`, `answer.options[1]`).
fn item_column(field: &str) -> Option<ItemCol> {
    use ItemCol as C;
    let head = field.split(['.', '[']).next().unwrap_or("");
    Some(match head {
        "code" => C::Code,
        "prompt" if field.ends_with(".en") => C::PromptEn,
        "prompt" => C::Prompt,
        "help" if field.ends_with(".en") => C::HelpEn,
        "help" => C::Help,
        "basis" => C::Basis,
        "answer" => {
            let sub = field.strip_prefix("answer.").unwrap_or("");
            match sub.split(['.', '[']).next().unwrap_or("") {
                "unit" if sub.ends_with(".en") => C::UnitEn,
                "unit" => C::Unit,
                "min" => C::Min,
                "max" => C::Max,
                "options" => C::Options,
                _ => C::Answer,
            }
        }
        "required" => C::Required,
        "show_if" => C::ShowIf,
        "evidence" => C::Evidence,
        "severity" => C::Severity,
        "rule" => C::Rule,
        "grades" => C::Grades,
        "stages" => C::Stages,
        "boarding" => C::Boarding,
        "facilities" => C::Facilities,
        _ => return None,
    })
}

/// The 规则 column of a rule-level field.
fn rule_column(field: &str) -> Option<RuleCol> {
    let head = field.split(['.', '[']).next().unwrap_or("");
    Some(match head {
        "id" | "bands" if !field.contains('.') => RuleCol::Id,
        "measure" if field.ends_with(".en") => RuleCol::MeasureEn,
        "measure" => RuleCol::Measure,
        "basis" => RuleCol::Basis,
        _ => return None,
    })
}

/// The 规则 column of a band field (`grades`, `label.zh`, `step.per`).
fn band_column(field: &str) -> Option<RuleCol> {
    let head = field.split(['.', '[']).next().unwrap_or("");
    Some(match head {
        "grades" => RuleCol::Grades,
        "enrolment" => RuleCol::Enrolment,
        "label" if field.ends_with(".en") => RuleCol::LabelEn,
        "label" => RuleCol::Label,
        "min" => RuleCol::Min,
        "max" => RuleCol::Max,
        "step" => RuleCol::Step,
        "not_before" => RuleCol::NotBefore,
        "not_after" => RuleCol::NotAfter,
        _ => return None,
    })
}
