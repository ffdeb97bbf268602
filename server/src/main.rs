use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use dudao_server::cli::{Cli, Command};
use dudao_server::error::error_chain;
use dudao_server::serve::{seed_demo_only, serve};
use dudao_server::{school_cmd, template_cmd, user_cmd};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command();
    // The template commands print their own report, warnings included; logs would repeat it.
    let default_filter = match command {
        Command::Template(_) | Command::User(_) | Command::Assign(_) | Command::Schools(_) => {
            "error"
        }
        _ => "info,tower_http=info,sqlx=warn",
    };
    // Logs go to stderr so stdout carries only the "running at" line scripts look for.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter)),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();

    let result = match command {
        Command::Serve(args) => serve(args).await,
        Command::SeedDemo(args) => seed_demo_only(args).await,
        Command::RotateEpoch(args) => dudao_server::restore::rotate_epoch_cmd(args).await,
        Command::Template(_) | Command::User(_) | Command::Assign(_) | Command::Schools(_) => {
            let done = match command {
                Command::Template(command) => template_cmd::run(command).await,
                Command::User(command) => user_cmd::run_user(command).await,
                Command::Assign(args) => user_cmd::assign(args).await,
                Command::Schools(command) => school_cmd::run(command).await,
                _ => unreachable!("matched above"),
            };
            return match done {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("dudao-server: {}", error_chain(&e));
                    ExitCode::from(e.exit_code())
                }
            };
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dudao-server: {}", error_chain(&e));
            ExitCode::FAILURE
        }
    }
}
