//! Starting the server: open the store, seed the demo county, listen, shut down cleanly.

use std::io::{self, Write as _};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::cli::{DatabaseArgs, ServeArgs};
use crate::db::{Store, StoreError};
use crate::error::error_chain;
use crate::library::Library;
use crate::photos::sweep::sweep_forever;
use crate::{app, demo, listen, AppState};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the database")]
    Store(#[from] StoreError),
    #[error("cannot listen on {addr}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: io::Error,
    },
    #[error("the server stopped")]
    Serve(#[source] io::Error),
}

pub async fn serve(args: ServeArgs) -> Result<(), StartError> {
    let store = open_store(&args.db).await?;
    if !args.no_demo {
        seed_demo(store.as_ref()).await?;
    }
    check_library(store.as_ref()).await;
    // Visits signed before findings were records of their own (issue 17, item 9).
    crate::findings_backfill::backfill(store.as_ref(), None, crate::clock::now_ms()).await?;
    let listener = TcpListener::bind(args.addr)
        .await
        .map_err(|source| StartError::Bind {
            addr: args.addr,
            source,
        })?;
    let local = listener.local_addr().map_err(StartError::Serve)?;
    tracing::info!(addr = %local, dist = %args.dist.display(), "listening");
    if !args.dist.join("index.html").is_file() {
        tracing::warn!(dist = %args.dist.display(), "the app is not built; run scripts/run");
    }
    println!("Dudao is running at {}", browser_url(local));
    // After the "running at" line: scripts and tests read that one first.
    if !args.no_demo && store.user_by_username(demo::USERS[0].0).await?.is_some() {
        let names: Vec<&str> = demo::USERS.iter().map(|u| u.0).collect();
        // Ignored if stdout is gone (a script that read only the first line).
        let _ = writeln!(
            io::stdout(),
            "Demo accounts (demo only): {} — password {}",
            names.join(", "),
            demo::DEMO_PASSWORD
        );
    }

    let data_dir = args.data_dir();
    tracing::info!(photos = %data_dir.join("photos").display(), "photo storage");
    let limits = args.limits();
    let partial_age = Duration::from_secs(args.partial_upload_days * 24 * 60 * 60);
    let state = AppState::new(store.clone(), args.dist).with_data_dir(&data_dir);
    // A database restored from a backup is told here, before any device asks (`crate::restore`).
    let (epoch, head) = state.sync_head.current(store.as_ref()).await?;
    tracing::info!(%epoch, head, "change log");
    let sweeper = tokio::spawn(sweep_forever(
        store.clone(),
        state.photos.clone(),
        partial_age,
    ));
    tracing::info!(
        max_connections = limits.max_connections,
        header_timeout_s = limits.header_timeout.as_secs(),
        idle_timeout_s = limits.idle_timeout.as_secs(),
        partial_upload_days = args.partial_upload_days,
        "connection limits"
    );
    // The client address (`ConnectInfo`) feeds the login rate limit (per username and address).
    listen::serve(listener, app(state), limits, shutdown_signal()).await;
    sweeper.abort();
    // Closing checkpoints SQLite's WAL, so the database is one file again after a clean stop.
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// `dudao-server seed-demo`.
pub async fn seed_demo_only(args: DatabaseArgs) -> Result<(), StartError> {
    let store = open_store(&args).await?;
    seed_demo(store.as_ref()).await?;
    store.close().await;
    Ok(())
}

async fn open_store(args: &DatabaseArgs) -> Result<Arc<dyn Store>, StoreError> {
    let database = args.database();
    let store = database.open().await?;
    tracing::info!(backend = store.backend(), %database, "database open");
    Ok(store)
}

async fn seed_demo(store: &dyn Store) -> Result<(), StoreError> {
    match demo::seed(store).await? {
        0 => tracing::info!("schools present; demo data not needed"),
        n => tracing::info!(schools = n, county = demo::COUNTY, "seeded the demo county"),
    }
    Ok(())
}

/// Builds the template library once at start, so the office sees in the log at once when its
/// thresholds no longer apply (each is logged as a warning while building). The server still
/// starts: schools and the app do not depend on the library.
async fn check_library(store: &dyn Store) {
    match Library::load(store).await {
        Ok(library) => tracing::info!(
            templates = library.entries().count(),
            warnings = library.warnings().len(),
            "template library ready"
        ),
        Err(e) => tracing::error!(
            error = %error_chain(&e),
            "the template library cannot be built; GET /api/templates will fail"
        ),
    }
}

/// The address to paste into a browser: a wildcard bind is reachable on loopback.
fn browser_url(addr: SocketAddr) -> String {
    let host = match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_owned(),
        ip if ip.is_unspecified() => "[::1]".to_owned(),
        ip if ip.is_ipv6() => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    format!("http://{host}:{}/", addr.port())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
