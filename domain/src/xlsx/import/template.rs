//! The 模板 sheet: the template's own fields (字段 | 值).

use super::table::Grid;
use super::Importer;
use crate::template::Template;
use crate::text::Text;
use crate::xlsx::cells;
use crate::xlsx::layout::{self, column_letter, TemplateField, TEMPLATE_FIELDS, TEMPLATE_HEADER};
use calamine::Data;
use std::collections::HashMap;

impl Importer {
    /// The template's own fields. A missing or unreadable one is reported, and validation of
    /// the template's own fields is then left out (it would only repeat it).
    pub(super) fn template_sheet(&mut self, grid: Grid) -> Template {
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

    pub(super) fn template_at(&self, field: TemplateField) -> (Option<String>, Option<String>) {
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
}
