//! Reads a template workbook back: every cell is checked where it is, then the template as a
//! whole, and every problem is reported with its sheet, row and column.
//!
//! Here: the entry point, opening the file, and the [`Importer`] that collects errors and
//! remembers where each part was read from; each sheet is read in its own module, and
//! [`locate`] places validation errors on their cells.

mod items;
mod locate;
mod rules;
mod table;
mod template;

use super::layout::{
    self, ItemCol, RuleCol, TemplateField, ITEM_COLUMNS, RULE_COLUMNS, SHEET_ITEMS, SHEET_RULES,
    SHEET_TEMPLATE,
};
use super::{ImportError, ImportErrors};
use crate::template::Template;
use calamine::Xlsx;
use std::collections::{HashMap, HashSet};
use std::io::Cursor;
use table::Table;

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
