//! Reads a template workbook back: every cell is checked where it is, then the template as a
//! whole, and every problem is reported with its sheet, row and column.

use super::cells::{self, Shape};
use super::layout::{
    self, column_letter, Column, ItemCol, RuleCol, TemplateField, ITEM_COLUMNS, RULE_COLUMNS,
    SHEET_ITEMS, SHEET_RULES, SHEET_TEMPLATE, TEMPLATE_FIELDS, TEMPLATE_HEADER,
};
use super::{ImportError, ImportErrors};
use crate::rule::{Band, Rule};
use crate::school::GradeRange;
use crate::template::{AnswerKind, Item, Section, Template, YesNoCompliant};
use crate::text::Text;
use crate::validate::{Location, TemplateError};
use calamine::{Data, Reader, Xlsx};
use std::collections::{HashMap, HashSet};
use std::io::Cursor;

/// Reads a workbook written by [`super::export`] or by hand, and validates the template.
/// Every problem is reported, each with its sheet, row and column.
pub fn import(bytes: &[u8]) -> Result<Template, ImportErrors> {
    // A reader of untrusted files must not take the caller down with it.
    std::panic::catch_unwind(|| read(bytes)).unwrap_or_else(|_| {
        Err(ImportErrors(vec![whole_file(
            "the workbook could not be read (it may be damaged); open it in Excel or WPS and \
             save it again as .xlsx",
        )]))
    })
}

fn whole_file(message: impl Into<String>) -> ImportError {
    ImportError {
        sheet: String::new(),
        row: None,
        column: None,
        header: None,
        message: message.into(),
    }
}

type Book<'a> = Xlsx<Cursor<&'a [u8]>>;

fn open(bytes: &[u8]) -> Result<Book<'_>, ImportError> {
    if bytes.is_empty() {
        return Err(whole_file(
            "the file is empty; expected an Excel workbook (.xlsx)",
        ));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(whole_file(
            "this is an old Excel 97-2003 .xls file or a password-protected workbook; open it \
             in Excel or WPS, remove any password and save it as an Excel workbook (.xlsx)",
        ));
    }
    if !bytes.starts_with(b"PK") {
        return Err(whole_file(
            "not an Excel workbook (.xlsx): the file is not a zip archive",
        ));
    }
    calamine::open_workbook_from_rs::<Book<'_>, _>(Cursor::new(bytes)).map_err(|e| {
        whole_file(format!(
            "not an Excel workbook (.xlsx), or the file is damaged: {e}"
        ))
    })
}

fn read(bytes: &[u8]) -> Result<Template, ImportErrors> {
    let mut book = open(bytes).map_err(|e| ImportErrors(vec![e]))?;
    let mut im = Importer::default();
    let template = im
        .grid(&mut book, SHEET_TEMPLATE, &["template"])
        .map(|g| im.template_sheet(g));
    // 规则 may be left out (or left empty) by a template without thresholds.
    let rules = if im.has_sheet(&book, SHEET_RULES, &["rules"]) {
        im.grid(&mut book, SHEET_RULES, &["rules"])
            .and_then(|g| {
                if g.rows.is_empty() {
                    return Some(None);
                }
                im.table(g, RULE_COLUMNS).map(Some)
            })
            .map(|t| t.map(|t| im.rules_sheet(t)).unwrap_or_default())
    } else {
        Some(Vec::new())
    };
    let items = im
        .grid(&mut book, SHEET_ITEMS, &["items"])
        .and_then(|g| im.table(g, ITEM_COLUMNS))
        .map(|t| im.items_sheet(t));
    // Without a sheet or a required column the template is not complete enough to validate.
    let (Some(mut t), Some(rules), Some(items)) = (template, rules, items) else {
        return Err(im.finish());
    };
    t.sections = items;
    t.rules = rules;
    if let Err(errs) = crate::validate::validate(&t) {
        for e in errs.0 {
            if !im.tainted(&e) {
                let located = im.locate(&e);
                im.errors.push(located);
            }
        }
    }
    if im.errors.is_empty() {
        Ok(t)
    } else {
        Err(im.finish())
    }
}

/// A sheet's non-empty rows, with absolute (0-based) row numbers and cells by column.
struct Grid {
    sheet: String,
    rows: Vec<(u32, Vec<Data>)>,
}

impl Grid {
    fn cell(row: &[Data], col: u32) -> &Data {
        static EMPTY: Data = Data::Empty;
        row.get(col as usize).unwrap_or(&EMPTY)
    }
}

/// A sheet read by its header row: which column holds which key.
struct Table<K: 'static> {
    sheet: String,
    spec: &'static [Column<K>],
    /// key → (0-based column, the header as written)
    cols: HashMap<K, (u32, String)>,
    rows: Vec<(u32, Vec<Data>)>,
}

impl<K: Copy + Eq + std::hash::Hash> Table<K> {
    fn cell<'a>(&self, row: &'a [Data], key: K) -> &'a Data {
        static EMPTY: Data = Data::Empty;
        match self.cols.get(&key) {
            Some((c, _)) => Grid::cell(row, *c),
            None => &EMPTY,
        }
    }

    /// Column letter (when the column is there) and header for a key.
    fn at(&self, key: K) -> (Option<String>, Option<String>) {
        match self.cols.get(&key) {
            Some((c, h)) => (Some(column_letter(*c)), Some(h.clone())),
            None => (
                None,
                self.spec
                    .iter()
                    .find(|c| c.key == key)
                    .map(|c| c.header.to_owned()),
            ),
        }
    }

    fn blank(&self, row: &[Data], keys: &[K]) -> bool {
        keys.iter().all(|k| cells::is_blank(self.cell(row, *k)))
    }
}

/// Where each part of the template was read from, to place validation errors.
#[derive(Default)]
struct Importer {
    errors: Vec<ImportError>,
    template_sheet: String,
    /// field → (1-based row, value column letter, name as written)
    template_rows: HashMap<TemplateField, (u32, String, String)>,
    items: Option<Table<ItemCol>>,
    item_rows: HashMap<String, u32>,
    section_rows: HashMap<String, u32>,
    rules: Option<Table<RuleCol>>,
    /// rule id → (first row, row of each band)
    rule_rows: HashMap<String, (u32, Vec<u32>)>,
    /// Parts with a cell error: validation errors about them would only repeat it.
    bad_items: HashSet<String>,
    bad_rules: HashSet<String>,
    bad_sections: HashSet<String>,
    bad_template: bool,
}

impl Importer {
    fn err(
        &mut self,
        sheet: &str,
        row: Option<u32>,
        at: (Option<String>, Option<String>),
        message: impl Into<String>,
    ) {
        self.errors.push(ImportError {
            sheet: sheet.to_owned(),
            row,
            column: at.0,
            header: at.1,
            message: message.into(),
        });
    }

    /// All errors, by sheet (模板, 检查项, 规则), row and column.
    fn finish(mut self) -> ImportErrors {
        let sheet_order = |s: &str| {
            [SHEET_TEMPLATE, SHEET_ITEMS, SHEET_RULES]
                .iter()
                .position(|n| layout::normalize(n) == layout::normalize(s))
                .map_or(if s.is_empty() { 0 } else { 4 }, |i| i + 1)
        };
        let col_index = |c: &Option<String>| {
            c.as_deref().map_or(0, |c| {
                c.bytes()
                    .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1))
            })
        };
        self.errors.sort_by_key(|e| {
            (
                sheet_order(&e.sheet),
                e.row.unwrap_or(0),
                col_index(&e.column),
            )
        });
        ImportErrors(self.errors)
    }

    // -----------------------------------------------------------------------------------------
    // Sheets and header rows
    // -----------------------------------------------------------------------------------------

    fn has_sheet(&self, book: &Book<'_>, name: &str, aliases: &[&str]) -> bool {
        book.sheet_names()
            .iter()
            .any(|n| layout::names(n, name, aliases))
    }

    fn grid(&mut self, book: &mut Book<'_>, name: &str, aliases: &[&str]) -> Option<Grid> {
        let names = book.sheet_names();
        let Some(found) = names.iter().find(|n| layout::names(n, name, aliases)) else {
            let list = if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            };
            self.err(
                name,
                None,
                (None, None),
                format!("missing sheet {name}; the workbook has sheets: {list}"),
            );
            return None;
        };
        let found = found.clone();
        let range = match book.worksheet_range(&found) {
            Ok(r) => r,
            Err(e) => {
                self.err(
                    &found,
                    None,
                    (None, None),
                    format!("the sheet could not be read: {e}"),
                );
                return None;
            }
        };
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let rows = range
            .rows()
            .enumerate()
            .filter(|(_, cells)| !cells.iter().all(cells::is_blank))
            .map(|(i, cells)| {
                let mut row = vec![Data::Empty; c0 as usize];
                row.extend(cells.iter().cloned());
                (r0 + i as u32, row)
            })
            .collect();
        Some(Grid { sheet: found, rows })
    }

    /// Finds the header row (among the first rows, the first naming two known columns) and
    /// the column of each key. `None` when a required column is missing.
    fn table<K: Copy + Eq + std::hash::Hash>(
        &mut self,
        grid: Grid,
        spec: &'static [Column<K>],
    ) -> Option<Table<K>> {
        let Grid { sheet, mut rows } = grid;
        let known = |d: &Data| {
            let h = cells::text(d).unwrap_or_default();
            spec.iter().any(|c| layout::names(&h, c.header, c.aliases))
        };
        let header_at = rows
            .iter()
            .take(10)
            .position(|(_, cells)| cells.iter().filter(|d| known(d)).count() >= 2);
        let required: Vec<&str> = spec
            .iter()
            .filter(|c| c.required)
            .map(|c| c.header)
            .collect();
        let Some(header_at) = header_at else {
            let msg = if rows.is_empty() {
                "the sheet is empty".to_owned()
            } else {
                "no header row found".to_owned()
            };
            self.err(
                &sheet,
                None,
                (None, None),
                format!(
                    "{msg}; the first row must name the columns, at least {}",
                    required.join(", ")
                ),
            );
            return None;
        };
        let data = rows.split_off(header_at + 1);
        let (header_row, header) = rows.pop().unwrap_or_default();
        let mut cols: HashMap<K, (u32, String)> = HashMap::new();
        for (i, d) in header.iter().enumerate() {
            let i = i as u32;
            let at = (Some(column_letter(i)), None);
            let h = match cells::text(d) {
                Ok(h) if h.is_empty() => continue,
                Ok(h) => h,
                Err(e) => {
                    self.err(&sheet, Some(header_row + 1), at, e);
                    continue;
                }
            };
            if layout::is_note_header(&h) {
                continue;
            }
            match spec.iter().find(|c| layout::names(&h, c.header, c.aliases)) {
                Some(c) => {
                    if let Some((first, _)) = cols.get(&c.key) {
                        self.err(
                            &sheet,
                            Some(header_row + 1),
                            (Some(column_letter(i)), Some(h.clone())),
                            format!(
                                "column {} is already in column {}",
                                c.header,
                                column_letter(*first)
                            ),
                        );
                    } else {
                        cols.insert(c.key, (i, h));
                    }
                }
                None => {
                    let names: Vec<&str> = spec.iter().map(|c| c.header).collect();
                    self.err(
                        &sheet,
                        Some(header_row + 1),
                        (Some(column_letter(i)), Some(h.clone())),
                        format!(
                            "unknown column {h:?}; the columns are {} (a column whose header \
                             starts with 备注 is kept for notes and not read)",
                            names.join(", ")
                        ),
                    );
                }
            }
        }
        let mut complete = true;
        for c in spec.iter().filter(|c| c.required) {
            if !cols.contains_key(&c.key) {
                complete = false;
                self.err(
                    &sheet,
                    Some(header_row + 1),
                    (None, None),
                    format!("missing column {}", c.header),
                );
            }
        }
        complete.then_some(Table {
            sheet,
            spec,
            cols,
            rows: data,
        })
    }

    // -----------------------------------------------------------------------------------------
    // 模板
    // -----------------------------------------------------------------------------------------

    /// The template's own fields. A missing or unreadable one is reported, and validation of
    /// the template's own fields is then left out (it would only repeat it).
    fn template_sheet(&mut self, grid: Grid) -> Template {
        let sheet = grid.sheet.clone();
        self.template_sheet = sheet.clone();
        // The columns 字段 and 值 where a header row (among the first rows) names them, and
        // the rows below it; else columns A and B, every row.
        let (mut key_col, mut value_col) = (0u32, 1u32);
        let mut rows = grid.rows.as_slice();
        let header = rows
            .iter()
            .take(10)
            .enumerate()
            .find_map(|(i, (_, cells_))| {
                let pos = |name: &str, alias: &str| {
                    cells_.iter().position(|d| {
                        layout::names(&cells::text(d).unwrap_or_default(), name, &[alias])
                    })
                };
                Some((
                    i,
                    pos(TEMPLATE_HEADER[0], "field")?,
                    pos(TEMPLATE_HEADER[1], "value")?,
                ))
            });
        if let Some((i, k, v)) = header {
            (key_col, value_col) = (k as u32, v as u32);
            rows = &rows[i + 1..];
        }
        let value_letter = column_letter(value_col);
        let mut values: HashMap<TemplateField, (u32, &Data)> = HashMap::new();
        for (r, cells_) in rows {
            let row = r + 1;
            let name = match cells::text(Grid::cell(cells_, key_col)) {
                Ok(n) => n,
                Err(e) => {
                    self.err(&sheet, Some(row), (Some(column_letter(key_col)), None), e);
                    continue;
                }
            };
            if name.is_empty() || layout::is_note_header(&name) {
                continue;
            }
            let Some((field, canonical, ..)) = TEMPLATE_FIELDS
                .iter()
                .find(|(_, n, aliases, ..)| layout::names(&name, n, aliases))
            else {
                let names: Vec<&str> = TEMPLATE_FIELDS.iter().map(|f| f.1).collect();
                self.err(
                    &sheet,
                    Some(row),
                    (Some(column_letter(key_col)), Some(name.clone())),
                    format!(
                        "unknown field {name:?}; the fields are {}",
                        names.join(", ")
                    ),
                );
                continue;
            };
            if let Some((first, _)) = values.get(field) {
                self.err(
                    &sheet,
                    Some(row),
                    (Some(column_letter(key_col)), Some(name.clone())),
                    format!("field {canonical} is already given on row {first}"),
                );
                continue;
            }
            values.insert(*field, (row, Grid::cell(cells_, value_col)));
            self.template_rows
                .insert(*field, (row, value_letter.clone(), name));
        }
        for (field, name, _, required, _) in TEMPLATE_FIELDS {
            if *required && !values.contains_key(field) {
                self.bad_template = true;
                self.err(
                    &sheet,
                    None,
                    (None, None),
                    format!("missing field {name} (a row with {name} in column 字段)"),
                );
            }
        }
        let text = |me: &mut Self, field: TemplateField| -> String {
            let Some((row, d)) = values.get(&field) else {
                return String::new();
            };
            match cells::text(d) {
                Ok(s) => s,
                Err(e) => {
                    me.bad_template = true;
                    let at = me.template_at(field);
                    me.err(&sheet, Some(*row), at, e);
                    String::new()
                }
            }
        };
        let id = text(self, TemplateField::Id);
        let kind = text(self, TemplateField::Kind);
        let title = Text::new(
            text(self, TemplateField::Title),
            text(self, TemplateField::TitleEn),
        );
        let description = Text::new(
            text(self, TemplateField::Description),
            text(self, TemplateField::DescriptionEn),
        );
        let version = match values.get(&TemplateField::Version) {
            Some((row, d)) => match cells::whole(d) {
                Ok(v) => v,
                Err(e) => {
                    self.bad_template = true;
                    let at = self.template_at(TemplateField::Version);
                    self.err(&sheet, Some(*row), at, e);
                    0
                }
            },
            None => 0,
        };
        Template {
            id,
            version,
            kind,
            title,
            description,
            sections: Vec::new(),
            rules: Vec::new(),
            local: None,
        }
    }

    fn template_at(&self, field: TemplateField) -> (Option<String>, Option<String>) {
        match self.template_rows.get(&field) {
            Some((_, col, name)) => (Some(col.clone()), Some(name.clone())),
            None => (
                None,
                TEMPLATE_FIELDS
                    .iter()
                    .find(|f| f.0 == field)
                    .map(|f| f.1.to_owned()),
            ),
        }
    }

    // -----------------------------------------------------------------------------------------
    // 规则
    // -----------------------------------------------------------------------------------------

    fn rules_sheet(&mut self, table: Table<RuleCol>) -> Vec<Rule> {
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

    // -----------------------------------------------------------------------------------------
    // 检查项
    // -----------------------------------------------------------------------------------------

    fn items_sheet(&mut self, table: Table<ItemCol>) -> Vec<Section> {
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

    // -----------------------------------------------------------------------------------------
    // Validation errors, placed on their cells
    // -----------------------------------------------------------------------------------------

    /// Whether a validation error concerns a part that already has a cell error (which it
    /// would only repeat, or follow from).
    fn tainted(&self, e: &TemplateError) -> bool {
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

    fn locate(&self, e: &TemplateError) -> ImportError {
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

/// The value, or `None` with the error noted against the column.
fn keep<K, T>(errs: &mut Vec<(K, String)>, key: K, r: Result<T, String>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            errs.push((key, e));
            None
        }
    }
}
