//! Rosters kept as Excel workbooks (.xlsx, also as WPS saves them): the first sheet, or the one
//! named. Rows and columns keep their place in the sheet, so row numbers are the ones Excel
//! shows even when the sheet starts lower down or further right.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use super::{read_grid, Cell, Grid, Problem, Problems, Roster, Source};

/// Reads the roster on `sheet` (the first sheet if `None`).
pub fn read_xlsx(bytes: &[u8], sheet: Option<&str>) -> Result<Roster, Problems> {
    let one = |p: Problem| Problems(vec![p]);
    let grid = grid(bytes, sheet).map_err(one)?;
    let sheet = grid.sheet.clone().unwrap_or_default();
    let (schools, warnings) = read_grid(&grid)?;
    Ok(Roster {
        source: Source::Xlsx { sheet },
        schools,
        warnings,
    })
}

fn grid(bytes: &[u8], wanted: Option<&str>) -> Result<Grid, Problem> {
    if bytes.is_empty() {
        return Err(Problem::file(
            "the file is empty; expected an Excel workbook (.xlsx)",
        ));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(Problem::file(
            "this is an old Excel 97-2003 workbook (.xls) or a password-protected one; open it \
             in Excel or WPS, remove any password and save it as an Excel workbook (.xlsx)",
        ));
    }
    if !bytes.starts_with(b"PK") {
        return Err(Problem::file(
            "not an Excel workbook (.xlsx): the file is not a zip archive (a CSV file must be \
             named .csv)",
        ));
    }
    let mut book =
        calamine::open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes)).map_err(|e| {
            Problem::file(format!(
                "not an Excel workbook (.xlsx), or the file is damaged or cut short: {e}"
            ))
        })?;
    let names = book.sheet_names();
    let name = match wanted {
        Some(w) => names
            .iter()
            .find(|n| n.trim() == w.trim())
            .cloned()
            .ok_or_else(|| {
                Problem::file(format!(
                    "the workbook has no sheet {w:?}; its sheets are {}",
                    names.join(", ")
                ))
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Problem::file("the workbook has no sheets"))?,
    };
    let range = book.worksheet_range(&name).map_err(|e| Problem {
        sheet: Some(name.clone()),
        ..Problem::file(format!(
            "the sheet could not be read; the file may be damaged: {e}"
        ))
    })?;
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut row = vec![Cell::Empty; c0 as usize];
            row.extend(cells.iter().map(cell));
            (r0 + i as u32 + 1, row)
        })
        .collect();
    Ok(Grid {
        sheet: Some(name),
        rows,
    })
}

fn cell(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Float(f) => Cell::Number(*f),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => {
            let (y, mo, da, h, mi, _, _) = dt.to_ymd_hms_milli();
            if h == 0 && mi == 0 {
                Cell::Date(format!("{y:04}-{mo:02}-{da:02}"))
            } else {
                Cell::Date(format!("{y:04}-{mo:02}-{da:02} {h:02}:{mi:02}"))
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Date(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}
