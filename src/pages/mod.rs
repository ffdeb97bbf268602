//! The app's screens, one module per route (学校, 督导记录, the visit editor, 核定问题 and
//! signing, the 督导意见书, 整改, 同步, 备份), and what they share.

pub mod backup;
pub mod finding;
pub mod findings;
pub mod login;
pub mod opinion;
pub mod review;
pub mod schools;
pub mod summary;
pub mod sync;
pub mod visit;
pub mod visits;
