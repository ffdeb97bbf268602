//! Server tests: the router in-process against a real SQLite file, and over real sockets.

mod api;
mod cli;
mod common;
mod socket;
mod static_files;
mod templates;
