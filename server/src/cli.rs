//! The command line. Every option also reads an environment variable, so a service manager can
//! configure the server without arguments.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
}

impl Cli {
    pub fn command(self) -> Command {
        self.command.unwrap_or(Command::Serve(self.serve))
    }
}

#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// SQLite database file; created with its directory if missing.
    #[arg(long, env = "DUDAO_DATABASE", default_value = "data/dudao.sqlite")]
    pub database: PathBuf,
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
}
