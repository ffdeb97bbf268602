//! Excel import and export of checklist templates, for office staff who keep their checklists
//! in Excel or WPS (feature `xlsx`; the wasm app does not carry it).
//!
//! The workbook has three sheets: `模板` (字段 | 值: id, version, kind, title, description),
//! `检查项` (one row per item, in section order) and `规则` (one row per band of a threshold
//! rule). Headers are Chinese; `templates/EXCEL.md` describes every column for the clerk.
//! [`export`] writes a template; [`import`] reads one back, checks every cell and then the
//! template as a whole ([`crate::validate::validate`]), and names the sheet, row and column of
//! every problem it finds. `import(&export(&t)?)? == t` for every valid national template.
//!
//! A template with a local edition (`Template::local`, see [`crate::local`]) is not exported:
//! local editions are made by applying a thresholds file to the national template, so the
//! office edits that file, not a spreadsheet copy of its result.

mod cells;
mod export;
mod import;
pub mod layout;

pub use export::export;
pub use import::import;

use std::fmt;

/// Why a template could not be written as a workbook.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error(
        "template {template} is the local edition {district}.{edition}; export the national \
         template and change local thresholds in the district's thresholds file"
    )]
    LocalEdition {
        template: String,
        district: String,
        edition: u32,
    },
    /// Some values cannot be written in the cell format so that they read back the same
    /// (an option label with a line break, a basis whose title starts with 《).
    #[error("the template cannot be written to Excel without changing it:\n{}", .0.join("\n"))]
    Unrepresentable(Vec<String>),
    #[error("could not write the workbook: {0}")]
    Xlsx(String),
}

impl From<rust_xlsxwriter::XlsxError> for ExportError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        ExportError::Xlsx(e.to_string())
    }
}

/// One problem in an imported workbook, located as Excel shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The sheet as named in the workbook (`检查项`); empty for the file as a whole.
    pub sheet: String,
    /// 1-based row number, as Excel shows it.
    pub row: Option<u32>,
    /// Column letter, e.g. `E`.
    pub column: Option<String>,
    /// The column's header as written in the workbook (`题目`), or the 模板 field.
    pub header: Option<String>,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.sheet.is_empty() {
            write!(f, "workbook")?;
        } else {
            write!(f, "sheet {}", self.sheet)?;
        }
        if let Some(r) = self.row {
            write!(f, ", row {r}")?;
        }
        match (&self.column, &self.header) {
            (Some(c), Some(h)) => write!(f, ", column {c} ({h})")?,
            (Some(c), None) => write!(f, ", column {c}")?,
            (None, Some(h)) => write!(f, ", {h}")?,
            (None, None) => {}
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found in a workbook, by sheet, row and column; displayed one per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportErrors(pub Vec<ImportError>);

impl fmt::Display for ImportErrors {
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

impl std::error::Error for ImportErrors {}
impl std::error::Error for ImportError {}
