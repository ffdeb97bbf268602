//! The 规则 sheet: threshold rules, one row per band, the rule-level cells given once.

use super::table::Table;
use super::{keep, Importer};
use crate::rule::{Band, Rule};
use crate::school::GradeRange;
use crate::text::Text;
use crate::xlsx::cells;
use crate::xlsx::layout::RuleCol;
use calamine::Data;

impl Importer {
    pub(super) fn rules_sheet(&mut self, table: Table<RuleCol>) -> Vec<Rule> {
        use RuleCol as C;
        let sheet = table.sheet.clone();
        let mut rules: Vec<Rule> = Vec::new();
        // Per rule: the row that set measure / measure_en / basis.
        let mut set_on: Vec<[Option<u32>; 3]> = Vec::new();
        let mut current: Option<usize> = None;
        let mut orphans = false;
        let band_keys = [
            C::Grades,
            C::Enrolment,
            C::Label,
            C::LabelEn,
            C::Min,
            C::Max,
            C::Step,
            C::NotBefore,
            C::NotAfter,
        ];
        for (r, row) in &table.rows {
            let row_no = r + 1;
            let mut errs: Vec<(C, String)> = Vec::new();
            let id = match cells::text(table.cell(row, C::Id)) {
                Ok(id) => id,
                Err(e) => {
                    self.err(&sheet, Some(row_no), table.at(C::Id), e);
                    continue;
                }
            };
            let idx = if id.is_empty() {
                match current {
                    Some(i) => i,
                    None => {
                        if !orphans {
                            orphans = true;
                            self.err(
                                &sheet,
                                Some(row_no),
                                table.at(C::Id),
                                "规则编号 is empty and there is no rule above to continue",
                            );
                        }
                        continue;
                    }
                }
            } else if current.is_some_and(|i| rules[i].id == id) {
                current.unwrap_or_default()
            } else if let Some(i) = rules.iter().position(|x| x.id == id) {
                let (first, bands) = &self.rule_rows[&id];
                let last = bands.last().copied().unwrap_or(*first);
                errs.push((
                    C::Id,
                    format!(
                        "rule {id} already appeared on rows {first}-{last}; the rows of a rule \
                         must be together"
                    ),
                ));
                i
            } else {
                rules.push(Rule {
                    id: id.clone(),
                    measure: Text::default(),
                    basis: Vec::new(),
                    bands: Vec::new(),
                });
                set_on.push([None; 3]);
                self.rule_rows.insert(id.clone(), (row_no, Vec::new()));
                rules.len() - 1
            };
            current = Some(idx);
            let rule_id = rules[idx].id.clone();
            // Rule-level cells: given once, on any row; a later row repeats them or is blank.
            for (k, key) in [C::Measure, C::MeasureEn, C::Basis].into_iter().enumerate() {
                let d = table.cell(row, key);
                if cells::is_blank(d) {
                    continue;
                }
                let rule = &mut rules[idx];
                let differs = match key {
                    C::Basis => match cells::basis(&cells::text(d).unwrap_or_default()) {
                        Err(e) => {
                            errs.push((key, e));
                            continue;
                        }
                        Ok(b) if set_on[idx][k].is_none() => {
                            rule.basis = b;
                            false
                        }
                        Ok(b) => b != rule.basis,
                    },
                    _ => match cells::text(d) {
                        Err(e) => {
                            errs.push((key, e));
                            continue;
                        }
                        Ok(s) => {
                            let slot = if key == C::Measure {
                                &mut rule.measure.zh
                            } else {
                                &mut rule.measure.en
                            };
                            if set_on[idx][k].is_none() {
                                *slot = s;
                                false
                            } else {
                                *slot != s
                            }
                        }
                    },
                };
                match set_on[idx][k] {
                    None => set_on[idx][k] = Some(row_no),
                    Some(first) if differs => errs.push((
                        key,
                        format!(
                            "differs from row {first} of rule {rule_id}; give it once, on one \
                             row of the rule"
                        ),
                    )),
                    Some(_) => {}
                }
            }
            if !table.blank(row, &band_keys) {
                let band = self.band(&table, row, &mut errs);
                rules[idx].bands.push(band);
                if let Some((_, bands)) = self.rule_rows.get_mut(&rule_id) {
                    bands.push(row_no);
                }
            }
            if !errs.is_empty() {
                self.bad_rules.insert(rule_id);
            }
            for (key, e) in errs {
                self.err(&sheet, Some(row_no), table.at(key), e);
            }
        }
        self.rules = Some(table);
        rules
    }

    fn band(
        &mut self,
        t: &Table<RuleCol>,
        row: &[Data],
        errs: &mut Vec<(RuleCol, String)>,
    ) -> Band {
        use RuleCol as C;
        let cell = |key| t.cell(row, key);
        let opt = |key| (!cells::is_blank(cell(key))).then(|| cell(key));
        let text = |key| cells::text(cell(key));
        let grades = opt(C::Grades)
            .and_then(|d| keep(errs, C::Grades, cells::grades(d)))
            .unwrap_or(GradeRange::all());
        let enrolment = opt(C::Enrolment).and_then(|d| {
            keep(
                errs,
                C::Enrolment,
                cells::text(d).and_then(|s| cells::enrolment(&s)),
            )
        });
        let label = Text::new(
            keep(errs, C::Label, text(C::Label)).unwrap_or_default(),
            keep(errs, C::LabelEn, text(C::LabelEn)).unwrap_or_default(),
        );
        let min = opt(C::Min).and_then(|d| keep(errs, C::Min, cells::number(d)));
        let max = opt(C::Max).and_then(|d| keep(errs, C::Max, cells::number(d)));
        let step = opt(C::Step)
            .and_then(|d| keep(errs, C::Step, cells::text(d).and_then(|s| cells::step(&s))));
        let not_before = opt(C::NotBefore).and_then(|d| keep(errs, C::NotBefore, cells::time(d)));
        let not_after = opt(C::NotAfter).and_then(|d| keep(errs, C::NotAfter, cells::time(d)));
        Band {
            grades,
            enrolment,
            label,
            max,
            min,
            step,
            not_before,
            not_after,
        }
    }
}
