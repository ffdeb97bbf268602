//! The command line. Every option also reads an environment variable, so a service manager can
//! configure the server without arguments.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::db::Database;

#[derive(Debug, Parser)]
#[command(
    name = "dudao-server",
    version,
    about = "Dudao's office server: API and app"
)]
// Without a subcommand the server serves, taking `serve`'s options directly.
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and the app (the default).
    Serve(ServeArgs),
    /// Put the demo county's schools into an empty database, then exit.
    SeedDemo(DatabaseArgs),
    /// Check, convert, publish and list checklist templates and local thresholds.
    #[command(subcommand)]
    Template(TemplateCommand),
    /// Create accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Assign schools (by code) to a supervisor; assigning one twice is harmless.
    Assign(AssignArgs),
    /// Import the county's school roster.
    #[command(subcommand)]
    Schools(SchoolsCommand),
    /// After restoring a backup the server did not notice (README, "Restoring a backup"): a
    /// new server epoch, so every phone re-sends what it kept and pulls everything again.
    RotateEpoch(RotateEpochArgs),
}

/// `dudao-server rotate-epoch`.
#[derive(Debug, Clone, Args)]
pub struct RotateEpochArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The server's data directory, whose `sync-head` file is updated [default: the SQLite
    /// file's directory, or ./data with PostgreSQL]
    #[arg(long, env = "DUDAO_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

impl RotateEpochArgs {
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir
            .clone()
            .unwrap_or_else(|| crate::photos::default_data_dir(&self.db.database()))
    }
}

/// `dudao-server schools …`. Exit status: 0 done, 1 a file that cannot be imported (every
/// problem is printed), 2 a usage error.
#[derive(Debug, Subcommand)]
pub enum SchoolsCommand {
    /// Add and update schools from a roster (.csv or .xlsx), matched by 学校代码. Nothing is
    /// written unless every row is valid; schools not in the file are left alone.
    Import(SchoolsImportArgs),
}

#[derive(Debug, Clone, Args)]
pub struct SchoolsImportArgs {
    /// A header row (学校代码, 学校名称, 区县, 乡镇/街道, 学段, 起始年级, 结束年级, 在校生数,
    /// 是否寄宿, 地址, 联系人及电话, 责任督学 …, in any order) and one school per row. CSV may
    /// be UTF-8 or GBK, as Excel saves it.
    #[arg(value_name = "FILE.csv|FILE.xlsx")]
    pub file: PathBuf,
    /// Check the file and print what an import would change, without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// The workbook's sheet to read [default: the first]
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

/// `dudao-server user …`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user. Without --password-stdin a random password is made and printed once.
    Add(UserAddArgs),
}

#[derive(Debug, Clone, Args)]
pub struct UserAddArgs {
    /// What they sign in with: a-z, 0-9, '.', '_', '-' (e.g. wangjianhua).
    pub username: String,
    /// supervisor (assigned schools only), office (their district) or admin (everything).
    #[arg(long)]
    pub role: crate::db::Role,
    /// Their name as shown (王建华).
    #[arg(long)]
    pub name: String,
    /// The 区县 or 乡镇 office staff answer for (清河县); required for --role office.
    #[arg(long)]
    pub district: Option<String>,
    /// Read the password from the first line of stdin (at least 8 characters).
    #[arg(long)]
    pub password_stdin: bool,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, Clone, Args)]
pub struct AssignArgs {
    /// The supervisor's username.
    pub username: String,
    /// School codes (QH0101 …). An unknown code assigns nothing.
    #[arg(required = true, value_name = "SCHOOL-CODE")]
    pub codes: Vec<String>,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

/// `dudao-server template …`. Exit status: 0 done, 1 invalid input (every problem is printed),
/// 2 a usage error.
#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// Check template files (.toml or .xlsx) and local thresholds files (.toml).
    Validate(ValidateArgs),
    /// Convert a template spreadsheet (.xlsx) to TOML.
    Import(ImportArgs),
    /// Write a template as a spreadsheet (.xlsx), from the library or from a TOML file.
    Export(ExportArgs),
    /// Publish a template (.toml or .xlsx) to the library the phones fetch.
    Publish(FileDatabaseArgs),
    /// Store a district's thresholds file (.toml) after checking that it applies.
    Thresholds(FileDatabaseArgs),
    /// List the library: id, version, local edition, items and where each comes from.
    List(DatabaseArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// Template files (.toml, .xlsx) and thresholds files (.toml, with `district` and `changes`).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub library: LibraryArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// The spreadsheet, as `template export` writes it.
    #[arg(value_name = "FILE.xlsx")]
    pub file: PathBuf,
    /// The TOML file to write.
    #[arg(long, value_name = "FILE.toml")]
    pub out: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// A template id in the library (`wuxiang`: its newest national version) or a .toml file.
    #[arg(value_name = "ID|FILE.toml")]
    pub template: String,
    /// The spreadsheet to write.
    #[arg(long, value_name = "FILE.xlsx")]
    pub out: PathBuf,
    #[command(flatten)]
    pub library: LibraryArgs,
}

#[derive(Debug, Clone, Args)]
pub struct FileDatabaseArgs {
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

/// Which library a file is checked against: the built-in templates, plus what the office
/// published when a database is given. A SQLite file must exist; it is never created here.
#[derive(Debug, Clone, Args)]
pub struct LibraryArgs {
    /// SQLite database file or postgres:// URL whose published templates and thresholds count
    /// too.
    #[arg(long, env = "DUDAO_DATABASE", value_name = "FILE|URL")]
    pub database: Option<Database>,
    /// PostgreSQL URL, used when --database is not given.
    #[arg(long, env = "DATABASE_URL", value_name = "URL")]
    pub database_url: Option<Database>,
}

impl LibraryArgs {
    pub fn database(&self) -> Option<&Database> {
        self.database.as_ref().or(self.database_url.as_ref())
    }
}

impl Cli {
    pub fn command(self) -> Command {
        self.command.unwrap_or(Command::Serve(self.serve))
    }
}

/// The database: `--database` (or `DUDAO_DATABASE`) if given, else `DATABASE_URL`, else the
/// SQLite file `data/dudao.sqlite`.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// SQLite database file, created with its directory if missing, or a postgres:// URL
    /// [default: data/dudao.sqlite]
    #[arg(long, env = "DUDAO_DATABASE", value_name = "FILE|URL")]
    pub database: Option<Database>,
    /// PostgreSQL URL (postgres://user:password@host:port/database), used when --database is
    /// not given. The database must exist; its tables are created.
    #[arg(long, env = "DATABASE_URL", value_name = "URL")]
    pub database_url: Option<Database>,
}

impl DatabaseArgs {
    pub fn database(&self) -> Database {
        self.database
            .clone()
            .or_else(|| self.database_url.clone())
            .unwrap_or_else(|| Database::Sqlite(PathBuf::from("data/dudao.sqlite")))
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "DUDAO_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The Trunk-built app to serve.
    #[arg(long, env = "DUDAO_DIST", default_value = "dist")]
    pub dist: PathBuf,
    /// Do not seed the demo county into an empty database.
    #[arg(long, env = "DUDAO_NO_DEMO")]
    pub no_demo: bool,
    /// Where uploaded photos are kept (in its `photos` directory) [default: the SQLite file's
    /// directory, or ./data with PostgreSQL]
    #[arg(long, env = "DUDAO_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Connections served at once; past it new ones wait until one closes.
    #[arg(long, env = "DUDAO_MAX_CONNECTIONS", value_name = "N",
          default_value_t = crate::listen::DEFAULT_MAX_CONNECTIONS,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub max_connections: usize,
    /// Seconds a client has to send a request's headers, from when it connects or got its
    /// previous answer (so also how long an idle keep-alive connection stays open).
    #[arg(long, env = "DUDAO_HEADER_TIMEOUT", value_name = "SECONDS",
          default_value_t = crate::listen::DEFAULT_HEADER_TIMEOUT,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout: u64,
    /// Seconds without a byte moving either way after which a connection is closed.
    #[arg(long, env = "DUDAO_IDLE_TIMEOUT", value_name = "SECONDS",
          default_value_t = crate::listen::DEFAULT_IDLE_TIMEOUT,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout: u64,
    /// Days after which an upload's partial photo file untouched since is removed with its
    /// record (checked at start and hourly).
    #[arg(long, env = "DUDAO_PARTIAL_UPLOAD_DAYS", value_name = "DAYS",
          default_value_t = crate::photos::DEFAULT_PARTIAL_DAYS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub partial_upload_days: u64,
}

impl ServeArgs {
    pub fn limits(&self) -> crate::listen::Limits {
        crate::listen::Limits {
            max_connections: self.max_connections.max(1),
            header_timeout: std::time::Duration::from_secs(self.header_timeout),
            idle_timeout: std::time::Duration::from_secs(self.idle_timeout),
        }
    }

    /// `--data-dir`, or the default for the database.
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir
            .clone()
            .unwrap_or_else(|| crate::photos::default_data_dir(&self.db.database()))
    }
}
