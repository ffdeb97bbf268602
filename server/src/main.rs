use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use dudao_server::cli::{Cli, Command};
use dudao_server::error::error_chain;
use dudao_server::serve::{seed_demo_only, serve};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // Logs go to stderr so stdout carries only the "running at" line scripts look for.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,tower_http=info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();

    let result = match cli.command() {
        Command::Serve(args) => serve(args).await,
        Command::SeedDemo(args) => seed_demo_only(args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dudao-server: {}", error_chain(&e));
            ExitCode::FAILURE
        }
    }
}
