//! Dudao's domain: checklist templates, the rule engine, visits and findings.
//!
//! Plain Rust with no web dependency, so that everything here is tested with `cargo test`.
//! The app (wasm) and the server both build on it.

pub mod answer;
pub mod backup;
pub mod basis;
#[cfg(feature = "toml")]
pub mod builtin;
pub mod checklist;
pub mod condition;
pub mod datetime;
pub mod finding;
pub mod finding_list;
pub mod finding_record;
pub mod input;
pub mod local;
pub mod location;
pub mod opinion;
pub mod photo;
pub mod rectify;
pub mod review;
pub mod rule;
pub mod school;
pub mod school_import;
pub mod sync;
pub mod template;
#[cfg(test)]
mod test_support;
pub mod text;
pub mod validate;
pub mod visit;
#[cfg(feature = "xlsx")]
pub mod xlsx;

pub use answer::{AnswerValue, Compliance, TimeOfDay};
pub use basis::Basis;
pub use checklist::{Checklist, CompiledChecklist, Missing, MissingReason, Overview, Progress};
pub use input::ValueError;
pub use rule::{Outcome, Verdict};
pub use school::{Facility, GradeRange, School, Stage};
pub use template::{AnswerKind, Item, Section, Template};
pub use text::Text;
pub use visit::{Answer, Visit, VisitState};
