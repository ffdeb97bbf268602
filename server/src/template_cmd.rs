//! `dudao-server template …`: how an office checks, converts and publishes templates and its
//! local thresholds. Messages are in English; every problem in a file is printed, each naming
//! where it is (item code and field, line and column, or sheet, row and column).
//!
//! Exit status: 0 done, 1 invalid input, 2 a usage error (also clap's own).

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dudao_domain::datetime;
use dudao_domain::local::LocalThresholds;
use dudao_domain::Template;

use crate::cli::{
    DatabaseArgs, ExportArgs, FileDatabaseArgs, ImportArgs, LibraryArgs, TemplateCommand,
    ValidateArgs,
};
use crate::db::{Database, Store, StoreError};
use crate::library::{self, Library, LibraryError, Origin, PublishError, ThresholdsError};

#[derive(Debug, thiserror::Error)]
pub enum CmdError {
    /// The input is not acceptable; the message lists every problem.
    #[error("{0}")]
    Invalid(String),
    /// The command line asks for something that cannot be done as asked.
    #[error("{0}")]
    Usage(String),
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("the database failed")]
    Store(#[from] StoreError),
    #[error(transparent)]
    Library(#[from] LibraryError),
}

impl CmdError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CmdError::Usage(_) => 2,
            _ => 1,
        }
    }
}

pub async fn run(command: TemplateCommand) -> Result<(), CmdError> {
    match command {
        TemplateCommand::Validate(args) => validate(args).await,
        TemplateCommand::Import(args) => import(args),
        TemplateCommand::Export(args) => export(args).await,
        TemplateCommand::Publish(args) => publish(args).await,
        TemplateCommand::Thresholds(args) => thresholds(args).await,
        TemplateCommand::List(args) => list(args).await,
    }
}

/// What a file turned out to hold.
enum Input {
    Template(Template),
    Thresholds(LocalThresholds),
}

/// Why a file could not be read as what it claims to be: every problem, one per entry.
enum Unreadable {
    Problems(Vec<String>),
    Cmd(CmdError),
}

impl From<CmdError> for Unreadable {
    fn from(e: CmdError) -> Self {
        Unreadable::Cmd(e)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Toml,
    Xlsx,
}

fn format_of(path: &Path) -> Result<Format, CmdError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("toml") => Ok(Format::Toml),
        Some("xlsx") => Ok(Format::Xlsx),
        _ => Err(CmdError::Usage(format!(
            "{}: expected a .toml or .xlsx file",
            path.display()
        ))),
    }
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, CmdError> {
    std::fs::read(path).map_err(|source| CmdError::Read {
        path: path.to_owned(),
        source,
    })
}

fn read_text(path: &Path) -> Result<String, Unreadable> {
    let bytes = read_bytes(path)?;
    String::from_utf8(bytes).map_err(|e| {
        Unreadable::Problems(vec![format!(
            "the file is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )])
    })
}

/// A thresholds file names a district and lists changes; a template has neither at its top.
fn is_thresholds(src: &str) -> bool {
    toml::from_str::<toml::Table>(src)
        .is_ok_and(|t| t.contains_key("changes") || t.contains_key("district"))
}

fn read_input(path: &Path) -> Result<Input, Unreadable> {
    match format_of(path)? {
        Format::Xlsx => read_xlsx(path).map(Input::Template),
        Format::Toml => {
            let src = read_text(path)?;
            if is_thresholds(&src) {
                let parsed = LocalThresholds::from_toml(&src).map_err(|e| {
                    Unreadable::Problems(e.0.iter().map(ToString::to_string).collect())
                })?;
                Ok(Input::Thresholds(parsed))
            } else {
                Template::from_toml(&src).map(Input::Template).map_err(|e| {
                    Unreadable::Problems(e.0.iter().map(ToString::to_string).collect())
                })
            }
        }
    }
}

/// A template from a file, .toml or .xlsx; a thresholds file is a usage error here.
fn read_template(path: &Path, what_for: &str) -> Result<Template, CmdError> {
    match read_input(path) {
        Ok(Input::Template(t)) => Ok(t),
        Ok(Input::Thresholds(_)) => Err(CmdError::Usage(format!(
            "{} is a local thresholds file, not a template; {what_for}",
            path.display()
        ))),
        Err(Unreadable::Cmd(e)) => Err(e),
        Err(Unreadable::Problems(problems)) => {
            Err(invalid(path, "is not a valid template", &problems))
        }
    }
}

fn invalid(path: &Path, what: &str, problems: &[String]) -> CmdError {
    let mut message = format!("{} {what}:", path.display());
    for p in problems {
        for line in p.lines() {
            let _ = write!(message, "\n  {line}");
        }
    }
    CmdError::Invalid(message)
}

fn read_xlsx(path: &Path) -> Result<Template, Unreadable> {
    let bytes = read_bytes(path)?;
    xlsx::import(&bytes).map_err(Unreadable::Problems)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `wuxiang v1 · 52 items · 9 rules`, or `wuxiang v1 + 清河县 edition 1 · …` for an edition.
pub fn summary(t: &Template) -> String {
    let items = t.items().count();
    let rules = t.rules.len();
    let local = t
        .local
        .as_ref()
        .map(|l| format!(" + {} edition {}", l.district, l.edition))
        .unwrap_or_default();
    format!(
        "{} v{}{local} · {items} item{} · {rules} rule{}",
        t.id,
        t.version,
        plural(items),
        plural(rules)
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `wuxiang v1 + 清河县 edition 1 · daily_activity_minutes 中小学: ≥ 60 → ≥ 120`.
fn edition_summary(edition: &Template) -> String {
    let Some(local) = &edition.local else {
        return summary(edition);
    };
    let changes: Vec<String> = local
        .changes
        .iter()
        .map(|c| format!("{} {}: {} → {}", c.rule, c.band.zh, c.before, c.after))
        .collect();
    format!(
        "{} v{} + {} edition {} · {}",
        edition.id,
        edition.version,
        local.district,
        local.edition,
        changes.join("; ")
    )
}

/// The library to check against: built-in templates, plus a database's if one is named.
async fn library_from(args: &LibraryArgs) -> Result<Library, CmdError> {
    let Some(database) = args.database() else {
        return Ok(Library::build(Vec::new(), Vec::new())?);
    };
    if let Database::Sqlite(path) = database {
        if !path.is_file() {
            return Err(CmdError::Invalid(format!(
                "no database at {}; leave out --database to check against the built-in templates",
                path.display()
            )));
        }
    }
    let store = database.open().await?;
    let library = Library::load(store.as_ref()).await;
    store.close().await;
    Ok(library?)
}

async fn validate(args: ValidateArgs) -> Result<(), CmdError> {
    let library = library_from(&args.library).await?;
    let mut failed = 0;
    for path in &args.files {
        match check_file(&library, path) {
            Ok(line) => println!("ok  {line}  ({})", path.display()),
            Err(Unreadable::Problems(problems)) => {
                failed += 1;
                println!("invalid  {}", path.display());
                for p in &problems {
                    for line in p.lines() {
                        println!("  {line}");
                    }
                }
            }
            Err(Unreadable::Cmd(e @ CmdError::Usage(_))) => return Err(e),
            Err(Unreadable::Cmd(e)) => {
                failed += 1;
                println!("invalid  {}", path.display());
                println!("  {}", crate::error::error_chain(&e));
            }
        }
    }
    match failed {
        0 => Ok(()),
        n => Err(CmdError::Invalid(format!(
            "{n} of {} file{} {} invalid",
            args.files.len(),
            plural(args.files.len()),
            if n == 1 { "is" } else { "are" }
        ))),
    }
}

/// The ok line for a valid file, or every problem with it.
fn check_file(library: &Library, path: &Path) -> Result<String, Unreadable> {
    match read_input(path)? {
        Input::Template(t) => {
            let collisions = library.code_collisions(&t);
            if collisions.is_empty() {
                Ok(summary(&t))
            } else {
                Err(Unreadable::Problems(
                    collisions.iter().map(ToString::to_string).collect(),
                ))
            }
        }
        Input::Thresholds(parsed) => match library.check_thresholds(&parsed) {
            Ok(edition) => Ok(edition_summary(&edition)),
            Err(ThresholdsError::DoesNotApply { errors, .. }) => Err(Unreadable::Problems(
                errors.0.iter().map(ToString::to_string).collect(),
            )),
            Err(e) => Err(Unreadable::Problems(vec![e.to_string()])),
        },
    }
}

fn import(args: ImportArgs) -> Result<(), CmdError> {
    if format_of(&args.file)? != Format::Xlsx {
        return Err(CmdError::Usage(format!(
            "{}: import reads a .xlsx spreadsheet",
            args.file.display()
        )));
    }
    if format_of(&args.out)? != Format::Toml {
        return Err(CmdError::Usage(format!(
            "--out {}: import writes a .toml file",
            args.out.display()
        )));
    }
    let template = match read_xlsx(&args.file) {
        Ok(t) => t,
        Err(Unreadable::Cmd(e)) => return Err(e),
        Err(Unreadable::Problems(p)) => {
            return Err(invalid(&args.file, "is not a valid template", &p))
        }
    };
    let src = to_toml(&template)?;
    write_file(&args.out, src.as_bytes())?;
    println!("wrote {}: {}", args.out.display(), summary(&template));
    Ok(())
}

/// The template as TOML that [`Template::from_toml`] reads back to an equal template. Checked
/// before anything is written, so a file that would not load again is never produced.
pub fn to_toml(template: &Template) -> Result<String, CmdError> {
    let mut src = format!(
        "# {} — imported from a spreadsheet by `dudao-server template import`.\n\
         # Format: templates/README.md.\n",
        template.title.zh
    );
    let body = toml::to_string_pretty(template)
        .map_err(|e| CmdError::Invalid(format!("cannot write the template as TOML: {e}")))?;
    src.push_str(&body);
    match Template::from_toml(&src) {
        Ok(back) if back == *template => Ok(src),
        Ok(_) => Err(CmdError::Invalid(
            "the TOML written for this template reads back differently; please report this \
             spreadsheet"
                .to_owned(),
        )),
        Err(e) => Err(CmdError::Invalid(format!(
            "the TOML written for this template does not read back ({e}); please report this \
             spreadsheet"
        ))),
    }
}

async fn export(args: ExportArgs) -> Result<(), CmdError> {
    if format_of(&args.out)? != Format::Xlsx {
        return Err(CmdError::Usage(format!(
            "--out {}: export writes a .xlsx spreadsheet",
            args.out.display()
        )));
    }
    let as_path = Path::new(&args.template);
    let is_file = as_path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
        || as_path.is_file();
    let template = if is_file {
        read_template(as_path, "export a template file or a template id")?
    } else {
        let library = library_from(&args.library).await?;
        let Some(entry) = library.entry(&args.template) else {
            let known: Vec<&str> = library.entries().map(|e| e.national.id.as_str()).collect();
            return Err(CmdError::Invalid(format!(
                "no template {:?} in the library and no such file; the library has {}",
                args.template,
                known.join(", ")
            )));
        };
        // The national template: a spreadsheet is for editing the next version, and local
        // numbers belong in the thresholds file.
        entry.national.clone()
    };
    let bytes = xlsx::export(&template).map_err(CmdError::Invalid)?;
    write_file(&args.out, &bytes)?;
    println!("wrote {}: {}", args.out.display(), summary(&template));
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CmdError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| CmdError::Write {
            path: path.to_owned(),
            source,
        })?;
    }
    std::fs::write(path, bytes).map_err(|source| CmdError::Write {
        path: path.to_owned(),
        source,
    })
}

async fn open_store(args: &DatabaseArgs) -> Result<Arc<dyn Store>, CmdError> {
    Ok(args.database().open().await?)
}

async fn publish(args: FileDatabaseArgs) -> Result<(), CmdError> {
    let template = read_template(
        &args.file,
        "store it with `dudao-server template thresholds`",
    )?;
    let store = open_store(&args.db).await?;
    let published =
        library::publish(store.as_ref(), &file_name(&args.file), template.clone()).await;
    store.close().await;
    let library = published.map_err(|e| match e {
        PublishError::Library(e) => CmdError::Library(e),
        PublishError::Store(e) => CmdError::Store(e),
        e => invalid(&args.file, "cannot be published", &[e.to_string()]),
    })?;
    println!(
        "published {}  (from {}); phones get it on their next sync",
        summary(&template),
        file_name(&args.file)
    );
    print_warnings(&library, Some(&template.id));
    Ok(())
}

async fn thresholds(args: FileDatabaseArgs) -> Result<(), CmdError> {
    if format_of(&args.file)? != Format::Toml {
        return Err(CmdError::Usage(format!(
            "{}: a thresholds file is a .toml file",
            args.file.display()
        )));
    }
    let src = match read_text(&args.file) {
        Ok(src) => src,
        Err(Unreadable::Cmd(e)) => return Err(e),
        Err(Unreadable::Problems(p)) => {
            return Err(invalid(&args.file, "is not a thresholds file", &p))
        }
    };
    if !is_thresholds(&src) && Template::from_toml(&src).is_ok() {
        return Err(CmdError::Usage(format!(
            "{} is a template, not a thresholds file; publish it with `dudao-server template \
             publish`",
            args.file.display()
        )));
    }
    let store = open_store(&args.db).await?;
    let stored = library::store_thresholds(store.as_ref(), &file_name(&args.file), &src).await;
    store.close().await;
    let edition = stored.map_err(|e| match e {
        ThresholdsError::Library(e) => CmdError::Library(e),
        ThresholdsError::Store(e) => CmdError::Store(e),
        ThresholdsError::Parse(errors) => invalid(
            &args.file,
            "is not a valid thresholds file",
            &errors.0.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ),
        ThresholdsError::DoesNotApply {
            id,
            version,
            errors,
        } => invalid(
            &args.file,
            &format!("does not apply to template {id} version {version}"),
            &errors.0.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ),
        e => invalid(&args.file, "cannot be stored", &[e.to_string()]),
    })?;
    println!(
        "stored {}  (from {}); phones get {} on their next sync",
        edition_summary(&edition),
        file_name(&args.file),
        edition.key()
    );
    Ok(())
}

async fn list(args: DatabaseArgs) -> Result<(), CmdError> {
    let store = open_store(&args).await?;
    let library = Library::load(store.as_ref()).await;
    store.close().await;
    let library = library?;
    let rows: Vec<[String; 5]> = library
        .entries()
        .map(|e| {
            let t = e.effective();
            let local = t.local.as_ref().map_or("-".to_owned(), |l| l.tag());
            let mut source = e.origin.to_string();
            if let Origin::Published { published_at, .. } = e.origin {
                // China Standard Time, as the office reads it.
                let at =
                    datetime::format_datetime(published_at, datetime::CHINA_OFFSET_MINUTES, true);
                let _ = write!(source, " ({at})");
            }
            if let Some(l) = &e.local {
                let _ = write!(source, "; thresholds {}", l.file.source);
            }
            [
                t.id.clone(),
                t.version.to_string(),
                local,
                t.items().count().to_string(),
                source,
            ]
        })
        .collect();
    print!(
        "{}",
        table(&["id", "version", "local", "items", "source"], &rows)
    );
    print_warnings(&library, None);
    Ok(())
}

fn print_warnings(library: &Library, only: Option<&str>) {
    for w in library
        .warnings()
        .iter()
        .filter(|w| only.is_none_or(|id| w.template_id == id))
    {
        println!("warning: {}", w.message);
    }
}

/// Columns padded by display width (a Chinese character takes two cells).
fn table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(width);
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            text.push_str(cell);
            if i + 1 < N {
                text.push_str(&" ".repeat(widths[i] - width(cell) + 2));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
    out
}

fn width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
}

/// The spreadsheet form, through `dudao_domain::xlsx`.
mod xlsx {
    use dudao_domain::Template;

    /// Every problem, each naming its sheet, row and column.
    pub fn import(bytes: &[u8]) -> Result<Template, Vec<String>> {
        dudao_domain::xlsx::import(bytes).map_err(|e| e.0.iter().map(ToString::to_string).collect())
    }

    pub fn export(template: &Template) -> Result<Vec<u8>, String> {
        dudao_domain::xlsx::export(template).map_err(|e| e.to_string())
    }
}
