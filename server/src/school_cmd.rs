//! `dudao-server schools import FILE`: how a county office loads its school roster (学校名单)
//! from the spreadsheet it keeps, and updates it each term. Schools are matched by 学校代码: a
//! new code is added, a known one updated in place (keeping its id, so visits and assignments
//! stay with it), and a school the file does not list is left alone.
//!
//! Every problem in the file is printed, each with its row and column as Excel shows them, and
//! nothing is written until there are none. `--dry-run` prints what an import would do.
//!
//! Exit status: 0 done, 1 a file that cannot be imported, 2 a usage error (also clap's own).

use std::path::Path;

use dudao_domain::school_import::{self, Problems, Roster};
use dudao_domain::School;

use crate::cli::{SchoolsCommand, SchoolsImportArgs};
use crate::db::{Database, SchoolsImported};
use crate::template_cmd::CmdError;

pub async fn run(command: SchoolsCommand) -> Result<(), CmdError> {
    match command {
        SchoolsCommand::Import(args) => import(args).await,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Xlsx,
}

fn format_of(path: &Path) -> Result<Format, CmdError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") | Some("txt") => Ok(Format::Csv),
        Some("xlsx") => Ok(Format::Xlsx),
        Some("xls") | Some("et") => Err(CmdError::Usage(format!(
            "{}: open it in Excel or WPS and save it as an Excel workbook (.xlsx) or as CSV",
            path.display()
        ))),
        _ => Err(CmdError::Usage(format!(
            "{}: expected the roster as a .csv or .xlsx file",
            path.display()
        ))),
    }
}

async fn import(args: SchoolsImportArgs) -> Result<(), CmdError> {
    let format = format_of(&args.file)?;
    if format == Format::Csv && args.sheet.is_some() {
        return Err(CmdError::Usage(format!(
            "--sheet is for workbooks; {} is a CSV file",
            args.file.display()
        )));
    }
    let bytes = std::fs::read(&args.file).map_err(|source| CmdError::Read {
        path: args.file.clone(),
        source,
    })?;
    let read = match format {
        Format::Csv => school_import::read_csv(&bytes),
        Format::Xlsx => school_import::read_xlsx(&bytes, args.sheet.as_deref()),
    };
    let roster = read.map_err(|problems| refused(&args.file, &problems))?;

    let n = roster.schools.len();
    println!(
        "read {n} school{} from {} ({})",
        plural(n),
        args.file.display(),
        roster.source
    );
    for w in &roster.warnings {
        println!("warning: {w}");
    }

    let database = args.db.database();
    let done = if args.dry_run {
        dry_run(&database, &roster).await?
    } else {
        let store = database.open().await?;
        let done = store.import_schools(&roster.schools, true).await;
        store.close().await;
        done?
    };

    let (add, update) = if args.dry_run {
        ("would add", "would update")
    } else {
        ("added", "updated")
    };
    for s in &done.added {
        println!("{add}  {}  {}", s.code, s.name);
    }
    for (s, fields) in &done.updated {
        println!("{update}  {}  {}  ({})", s.code, s.name, fields.join(", "));
    }
    let (added, updated, unchanged) = (done.added.len(), done.updated.len(), done.unchanged);
    if args.dry_run {
        println!(
            "dry run, nothing written: {added} to add, {updated} to update, {unchanged} unchanged"
        );
    } else {
        println!(
            "imported into {database}: {added} added, {updated} updated, {unchanged} unchanged"
        );
    }
    Ok(())
}

/// What an import would do, written nowhere. A SQLite file that does not exist is not created:
/// every school would be new.
async fn dry_run(database: &Database, roster: &Roster) -> Result<SchoolsImported, CmdError> {
    if let Database::Sqlite(path) = database {
        if !path.exists() {
            let added: Vec<School> = roster
                .schools
                .iter()
                .map(|s| s.apply(None, String::new))
                .collect();
            return Ok(SchoolsImported {
                added,
                ..SchoolsImported::default()
            });
        }
    }
    let store = database.open().await?;
    let done = store.import_schools(&roster.schools, false).await;
    store.close().await;
    Ok(done?)
}

/// The file's problems, one per line under a line naming the file.
fn refused(path: &Path, problems: &Problems) -> CmdError {
    let n = problems.0.len();
    let mut message = format!(
        "{} has {n} problem{}; nothing was imported:",
        path.display(),
        plural(n)
    );
    for p in &problems.0 {
        for line in p.to_string().lines() {
            message.push_str("\n  ");
            message.push_str(line);
        }
    }
    CmdError::Invalid(message)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
