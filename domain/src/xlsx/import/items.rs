//! The 检查项 sheet: sections and their items, one row per item, each cell read by its column.

use super::table::Table;
use super::{keep, Importer};
use crate::template::{AnswerKind, Item, Section, YesNoCompliant};
use crate::text::Text;
use crate::xlsx::cells::{self, Shape};
use crate::xlsx::layout::{ItemCol, ITEM_COLUMNS};
use calamine::Data;

impl Importer {
    pub(super) fn items_sheet(&mut self, table: Table<ItemCol>) -> Vec<Section> {
        use ItemCol as C;
        let sheet = table.sheet.clone();
        let mut sections: Vec<Section> = Vec::new();
        let mut section_last: Vec<u32> = Vec::new();
        let mut name_set_on: Vec<[Option<u32>; 2]> = Vec::new();
        let mut current: Option<usize> = None;
        let mut orphans = false;
        let item_keys: Vec<C> = ITEM_COLUMNS
            .iter()
            .map(|c| c.key)
            .filter(|k| !matches!(k, C::SectionCode | C::SectionName | C::SectionNameEn))
            .collect();
        for (r, row) in &table.rows {
            let row_no = r + 1;
            let mut errs: Vec<(C, String)> = Vec::new();
            let code = match cells::text(table.cell(row, C::SectionCode)) {
                Ok(c) => c,
                Err(e) => {
                    self.err(&sheet, Some(row_no), table.at(C::SectionCode), e);
                    continue;
                }
            };
            let idx = if code.is_empty() {
                match current {
                    Some(i) => i,
                    None => {
                        // Once: the rows below it have the same problem.
                        if !orphans {
                            orphans = true;
                            self.err(
                                &sheet,
                                Some(row_no),
                                table.at(C::SectionCode),
                                "分区代码 is empty and there is no section above to continue",
                            );
                        }
                        continue;
                    }
                }
            } else if current.is_some_and(|i| sections[i].code == code) {
                current.unwrap_or_default()
            } else if let Some(i) = sections.iter().position(|s| s.code == code) {
                errs.push((
                    C::SectionCode,
                    format!(
                        "section {code} already appeared on rows {}-{}; the rows of a section \
                         must be together",
                        self.section_rows[&code], section_last[i]
                    ),
                ));
                self.bad_sections.insert(code.clone());
                i
            } else {
                sections.push(Section {
                    code: code.clone(),
                    title: Text::default(),
                    items: Vec::new(),
                });
                section_last.push(row_no);
                name_set_on.push([None; 2]);
                self.section_rows.insert(code.clone(), row_no);
                sections.len() - 1
            };
            current = Some(idx);
            section_last[idx] = section_last[idx].max(row_no);
            let section_code = sections[idx].code.clone();
            for (k, key) in [C::SectionName, C::SectionNameEn].into_iter().enumerate() {
                let name = match cells::text(table.cell(row, key)) {
                    Ok(n) if n.is_empty() => continue,
                    Ok(n) => n,
                    Err(e) => {
                        errs.push((key, e));
                        continue;
                    }
                };
                let title = &mut sections[idx].title;
                let slot = if k == 0 { &mut title.zh } else { &mut title.en };
                match name_set_on[idx][k] {
                    None => {
                        *slot = name;
                        name_set_on[idx][k] = Some(row_no);
                    }
                    Some(first) if *slot != name => errs.push((
                        key,
                        format!(
                            "section {section_code} is named {:?} on row {first}; give the name \
                             once, or the same on every row",
                            slot
                        ),
                    )),
                    Some(_) => {}
                }
            }
            if !errs.is_empty() {
                self.bad_sections.insert(section_code.clone());
            }
            if !table.blank(row, &item_keys) {
                let mut item_errs = Vec::new();
                let item = self.item(&table, row, row_no, &mut item_errs);
                if let Some(item) = item {
                    if !item_errs.is_empty() {
                        self.bad_items.insert(item.code.clone());
                    }
                    sections[idx].items.push(item);
                }
                errs.extend(item_errs);
            }
            for (key, e) in errs {
                self.err(&sheet, Some(row_no), table.at(key), e);
            }
        }
        self.items = Some(table);
        sections
    }

    /// One item; `None` when it has no code (reported).
    fn item(
        &mut self,
        t: &Table<ItemCol>,
        row: &[Data],
        row_no: u32,
        errs: &mut Vec<(ItemCol, String)>,
    ) -> Option<Item> {
        use ItemCol as C;
        let cell = |key| t.cell(row, key);
        let opt = |key| (!cells::is_blank(cell(key))).then(|| cell(key));
        let text = |key| cells::text(cell(key));
        let code = keep(errs, C::Code, text(C::Code)).unwrap_or_default();
        let mut duplicate = false;
        if code.is_empty() {
            keep(
                errs,
                C::Code,
                Err::<(), _>("编码 is empty; every item needs a code, e.g. WX-SJ-01".into()),
            );
        } else if let Some(first) = self.item_rows.get(&code) {
            duplicate = true;
            keep(
                errs,
                C::Code,
                Err::<(), _>(format!("item code {code} is already used on row {first}")),
            );
        }
        let prompt = Text::new(
            keep(errs, C::Prompt, text(C::Prompt)).unwrap_or_default(),
            keep(errs, C::PromptEn, text(C::PromptEn)).unwrap_or_default(),
        );
        let help = Text::new(
            keep(errs, C::Help, text(C::Help)).unwrap_or_default(),
            keep(errs, C::HelpEn, text(C::HelpEn)).unwrap_or_default(),
        );
        let shape = match opt(C::Answer) {
            None => keep(
                errs,
                C::Answer,
                Err(format!(
                    "答题方式 is empty; expected one of {}",
                    cells::ANSWER_WORDS
                        .iter()
                        .map(|(_, w, _)| *w)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ),
            Some(d) => keep(
                errs,
                C::Answer,
                cells::text(d).and_then(|s| Shape::parse(&s)),
            ),
        };
        let only = |what: &str| -> Result<(), String> {
            Err(format!(
                "{what}; leave this cell blank for a {} item",
                shape.map_or("", |s| s.word())
            ))
        };
        let unit = Text::new(
            keep(errs, C::Unit, text(C::Unit)).unwrap_or_default(),
            keep(errs, C::UnitEn, text(C::UnitEn)).unwrap_or_default(),
        );
        if shape.is_some_and(|s| !s.has_unit()) {
            for key in [C::Unit, C::UnitEn] {
                if opt(key).is_some() {
                    keep(
                        errs,
                        key,
                        only("a unit is only used by 数值 and 计数 items"),
                    );
                }
            }
        }
        // 最小值/最大值: the plausible range of a 数值 (numbers), 计数 (whole numbers) or 时间
        // (times, on the school-day clock) item.
        let number = shape == Some(Shape::Number);
        let count = shape == Some(Shape::Count);
        let time = shape == Some(Shape::Time);
        let bound = |errs: &mut Vec<_>, key| {
            opt(key)
                .filter(|_| number)
                .and_then(|d| keep(errs, key, cells::number(d)))
        };
        let min = bound(errs, C::Min);
        let max = bound(errs, C::Max);
        let whole = |errs: &mut Vec<_>, key| {
            opt(key)
                .filter(|_| count)
                .and_then(|d| keep(errs, key, cells::whole(d)))
        };
        let (count_min, count_max) = (whole(errs, C::Min), whole(errs, C::Max));
        let clock = |errs: &mut Vec<_>, key| {
            opt(key)
                .filter(|_| time)
                .and_then(|d| keep(errs, key, cells::time(d)))
        };
        let (earliest, latest) = (clock(errs, C::Min), clock(errs, C::Max));
        if shape.is_some() && !number && !count && !time {
            for key in [C::Min, C::Max] {
                if opt(key).is_some() {
                    keep(
                        errs,
                        key,
                        only("最小值 and 最大值 bound what is typed into 数值, 计数 and 时间 items only"),
                    );
                }
            }
        }
        let options = match opt(C::Options) {
            Some(_) if shape.is_some_and(|s| !s.is_choice()) => {
                keep(
                    errs,
                    C::Options,
                    only("options are only used by 单选 and 多选 items"),
                );
                Vec::new()
            }
            Some(d) => keep(
                errs,
                C::Options,
                cells::text(d).and_then(|s| cells::options(&s)),
            )
            .unwrap_or_default(),
            None => Vec::new(),
        };
        let answer = match shape.unwrap_or(Shape::Text) {
            Shape::Compliance => AnswerKind::Compliance,
            Shape::YesNo => AnswerKind::YesNo { compliant: None },
            Shape::YesNoYes => AnswerKind::YesNo {
                compliant: Some(YesNoCompliant::Yes),
            },
            Shape::YesNoNo => AnswerKind::YesNo {
                compliant: Some(YesNoCompliant::No),
            },
            Shape::Number => AnswerKind::Number { unit, min, max },
            Shape::Count => AnswerKind::Count {
                unit,
                min: count_min,
                max: count_max,
            },
            Shape::Time => AnswerKind::Time { earliest, latest },
            Shape::Single => AnswerKind::Choice {
                options,
                multiple: false,
            },
            Shape::Multiple => AnswerKind::Choice {
                options,
                multiple: true,
            },
            Shape::Text => AnswerKind::Text,
            Shape::Photo => AnswerKind::Photo,
        };
        let rule = keep(errs, C::Rule, text(C::Rule)).filter(|s| !s.is_empty());
        let grades = opt(C::Grades).and_then(|d| keep(errs, C::Grades, cells::grades(d)));
        let stages = opt(C::Stages).and_then(|d| {
            keep(
                errs,
                C::Stages,
                cells::text(d).and_then(|s| cells::stages(&s)),
            )
        });
        let boarding = keep(
            errs,
            C::Boarding,
            cells::yes_no(cell(C::Boarding), &["寄宿", "寄宿制"], &["走读", "非寄宿"]),
        )
        .flatten();
        let facilities = keep(
            errs,
            C::Facilities,
            text(C::Facilities).and_then(|s| cells::facilities(&s)),
        )
        .unwrap_or_default();
        let required = keep(
            errs,
            C::Required,
            cells::yes_no(cell(C::Required), &["必答"], &["选答"]),
        )
        .flatten()
        .unwrap_or(false);
        let show_if = keep(errs, C::ShowIf, text(C::ShowIf)).filter(|s| !s.is_empty());
        let evidence = keep(
            errs,
            C::Evidence,
            text(C::Evidence).and_then(|s| cells::evidence(&s)),
        )
        .unwrap_or_default();
        let severity = keep(
            errs,
            C::Severity,
            text(C::Severity).and_then(|s| cells::severity(&s)),
        )
        .unwrap_or_default();
        let basis = keep(
            errs,
            C::Basis,
            text(C::Basis).and_then(|s| cells::basis(&s)),
        )
        .unwrap_or_default();
        if code.is_empty() {
            return None;
        }
        if duplicate {
            self.bad_items.insert(code.clone());
        } else {
            self.item_rows.insert(code.clone(), row_no);
        }
        Some(Item {
            code,
            prompt,
            help,
            basis,
            answer,
            required,
            show_if,
            evidence,
            severity,
            rule,
            grades,
            stages,
            boarding,
            facilities,
        })
    }
}
