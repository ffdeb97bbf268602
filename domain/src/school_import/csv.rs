//! CSV as Excel and WPS save it: comma-separated (tab- or semicolon-separated is recognised
//! from the header line), cells in double quotes when they hold a separator, a quote or a line
//! break. Rows are numbered as Excel numbers them when it opens the file: one per record, a
//! line break inside a quoted cell staying in its row.
//!
//! The encoding is found from the bytes ([`decode`]): a BOM says UTF-8 or UTF-16; otherwise
//! valid UTF-8 is UTF-8, and anything else is read as GBK, which is what Excel writes for
//! "CSV (逗号分隔)" on Chinese Windows.

use super::{Cell, Grid, Problem};

/// How a CSV file's bytes were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    /// UTF-8 with a byte order mark, as Excel's "CSV UTF-8" writes it.
    Utf8Bom,
    /// UTF-16 with a byte order mark, as Excel's "Unicode text" writes it.
    Utf16,
    /// GBK (GB 18030), as Excel's plain "CSV" writes it on Chinese Windows.
    Gbk,
}

impl TextEncoding {
    pub fn describe(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8 text",
            TextEncoding::Utf8Bom => "UTF-8 text with BOM",
            TextEncoding::Utf16 => "UTF-16 text",
            TextEncoding::Gbk => "GBK text, as Excel saves CSV on Chinese Windows",
        }
    }
}

/// The text of a CSV file and the encoding it was in. Refuses a workbook saved under a `.csv`
/// name and bytes that are neither UTF-8 nor GBK.
#[cfg(feature = "xlsx")]
pub fn decode(bytes: &[u8]) -> Result<(String, TextEncoding), Problem> {
    use encoding_rs::{GBK, UTF_16BE, UTF_16LE};

    if bytes.is_empty() {
        return Err(Problem::file(
            "the file is empty; expected a header row (学校代码, 学校名称, 学段, 区县 …) and \
             one school per row",
        ));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(Problem::file(
            "this is an Excel workbook (.xlsx), not CSV text; name the file .xlsx, or save it \
             from Excel as CSV",
        ));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(Problem::file(
            "this is an old Excel 97-2003 workbook (.xls), not CSV text; open it in Excel or \
             WPS and save it as an Excel workbook (.xlsx) or as CSV",
        ));
    }
    let not_text = |encoding: &str| {
        Problem::file(format!(
            "the file starts as {encoding} text but is not valid {encoding}; save it from \
             Excel again as \"CSV UTF-8\""
        ))
    };
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let text = std::str::from_utf8(rest).map_err(|_| not_text("UTF-8"))?;
        (text.to_owned(), TextEncoding::Utf8Bom)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        let text = UTF_16LE
            .decode_without_bom_handling_and_without_replacement(rest)
            .ok_or_else(|| not_text("UTF-16"))?;
        (text.into_owned(), TextEncoding::Utf16)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        let text = UTF_16BE
            .decode_without_bom_handling_and_without_replacement(rest)
            .ok_or_else(|| not_text("UTF-16"))?;
        (text.into_owned(), TextEncoding::Utf16)
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (text.to_owned(), TextEncoding::Utf8)
    } else {
        let text = GBK
            .decode_without_bom_handling_and_without_replacement(bytes)
            .ok_or_else(|| {
                let at = std::str::from_utf8(bytes)
                    .err()
                    .map_or(0, |e| e.valid_up_to());
                Problem::file(format!(
                    "the file is neither UTF-8 nor GBK text (the first byte that is not UTF-8 is \
                     at offset {at}); is it a CSV file? Save it from Excel as \"CSV UTF-8\""
                ))
            })?;
        (text.into_owned(), TextEncoding::Gbk)
    };
    // Text has no NUL; a binary file read as GBK may decode all the same.
    if text.contains('\0') {
        return Err(Problem::file(
            "the file holds binary data, not CSV text; save the roster from Excel as CSV or as \
             an Excel workbook (.xlsx)",
        ));
    }
    Ok((text, encoding))
}

/// The records of CSV text, numbered from 1. A BOM left in the text is dropped.
pub fn grid(text: &str) -> Result<Grid, Problem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let sep = separator(text);
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    // The cell started with a quote (and may hold separators and line breaks until it closes).
    let mut quoted = false;
    let mut in_quotes = false;
    let mut quote_row = 0;
    let mut number = 1u32;
    let mut chars = text.chars().peekable();
    let end_cell = |cell: &mut String, quoted: &mut bool, row: &mut Vec<Cell>| {
        let text = std::mem::take(cell);
        row.push(if text.trim().is_empty() && !*quoted {
            Cell::Empty
        } else {
            Cell::Text(text)
        });
        *quoted = false;
    };
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cell.push('"');
                } else {
                    in_quotes = false;
                }
            } else {
                cell.push(c);
            }
            continue;
        }
        match c {
            '"' if cell.is_empty() && !quoted => {
                in_quotes = true;
                quoted = true;
                quote_row = number;
            }
            c if c == sep => end_cell(&mut cell, &mut quoted, &mut row),
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                end_cell(&mut cell, &mut quoted, &mut row);
                rows.push((number, std::mem::take(&mut row)));
                number += 1;
            }
            c => cell.push(c),
        }
    }
    if in_quotes {
        return Err(Problem {
            row: Some(quote_row),
            ..Problem::file(
                "a cell opened with a double quote (\") is never closed; the rest of the file \
                 would be one cell",
            )
        });
    }
    if !cell.is_empty() || quoted || !row.is_empty() {
        end_cell(&mut cell, &mut quoted, &mut row);
        rows.push((number, row));
    }
    Ok(Grid { sheet: None, rows })
}

/// The separator the header line uses most: `,`, tab or `;` (comma if none).
fn separator(text: &str) -> char {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let count = |sep: char| line.chars().filter(|c| *c == sep).count();
    [',', '\t', ';']
        .into_iter()
        .rev()
        .max_by_key(|sep| count(*sep))
        .filter(|sep| count(*sep) > 0)
        .unwrap_or(',')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(g: &Grid) -> Vec<(u32, Vec<String>)> {
        g.rows
            .iter()
            .map(|(n, cells)| {
                let cells = cells
                    .iter()
                    .map(|c| match c {
                        Cell::Text(s) => s.clone(),
                        _ => String::new(),
                    })
                    .collect();
                (*n, cells)
            })
            .collect()
    }

    #[test]
    fn quoted_cells_keep_separators_quotes_and_line_breaks_in_their_row() {
        let g = grid("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n\r\nlast,,").unwrap();
        assert_eq!(
            texts(&g),
            vec![
                (1, vec!["a".into(), "b".into(), "c".into()]),
                (
                    2,
                    vec!["x, y".into(), "say \"hi\"".into(), "two\nlines".into()]
                ),
                (3, vec![String::new()]),
                (4, vec!["last".into(), String::new(), String::new()]),
            ]
        );
    }

    #[test]
    fn tabs_or_semicolons_are_recognised_from_the_header() {
        let g = grid("学校代码\t学校名称\nQH0101\t清河县实验小学\n").unwrap();
        assert_eq!(g.rows[1].1.len(), 2);
        let g = grid("code;name\nQH0101;\"a;b\"\n").unwrap();
        assert_eq!(texts(&g)[1].1, vec!["QH0101".to_owned(), "a;b".to_owned()]);
    }

    #[test]
    fn an_unclosed_quote_names_the_row_it_opens_on() {
        let e = grid("a,b\n1,\"open\n2,3\n").unwrap_err();
        assert_eq!(e.row, Some(2));
        assert!(e.message.contains("never closed"), "{e}");
    }
}
