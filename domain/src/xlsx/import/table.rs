//! Sheets as read: a sheet's non-empty rows ([`Grid`]), found by name, and a sheet read by
//! its header row ([`Table`]), which column holds which key.

use super::{Book, Importer};
use crate::xlsx::cells;
use crate::xlsx::layout::{self, column_letter, Column};
use calamine::{Data, Reader};
use std::collections::HashMap;

/// A sheet's non-empty rows, with absolute (0-based) row numbers and cells by column.
pub(super) struct Grid {
    pub(super) sheet: String,
    pub(super) rows: Vec<(u32, Vec<Data>)>,
}

impl Grid {
    pub(super) fn cell(row: &[Data], col: u32) -> &Data {
        static EMPTY: Data = Data::Empty;
        row.get(col as usize).unwrap_or(&EMPTY)
    }
}

/// A sheet read by its header row: which column holds which key.
pub(super) struct Table<K: 'static> {
    pub(super) sheet: String,
    spec: &'static [Column<K>],
    /// key → (0-based column, the header as written)
    cols: HashMap<K, (u32, String)>,
    pub(super) rows: Vec<(u32, Vec<Data>)>,
}

impl<K: Copy + Eq + std::hash::Hash> Table<K> {
    pub(super) fn cell<'a>(&self, row: &'a [Data], key: K) -> &'a Data {
        static EMPTY: Data = Data::Empty;
        match self.cols.get(&key) {
            Some((c, _)) => Grid::cell(row, *c),
            None => &EMPTY,
        }
    }

    /// Column letter (when the column is there) and header for a key.
    pub(super) fn at(&self, key: K) -> (Option<String>, Option<String>) {
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

    pub(super) fn blank(&self, row: &[Data], keys: &[K]) -> bool {
        keys.iter().all(|k| cells::is_blank(self.cell(row, *k)))
    }
}

impl Importer {
    pub(super) fn has_sheet(&self, book: &Book<'_>, name: &str, aliases: &[&str]) -> bool {
        book.sheet_names()
            .iter()
            .any(|n| layout::names(n, name, aliases))
    }

    pub(super) fn grid(
        &mut self,
        book: &mut Book<'_>,
        name: &str,
        aliases: &[&str],
    ) -> Option<Grid> {
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
    pub(super) fn table<K: Copy + Eq + std::hash::Hash>(
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
}
