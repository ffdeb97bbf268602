//! Photo evidence in the browser: a picked or taken photo brought down to the stored size with
//! its orientation respected, watermarked, encoded as JPEG and hashed, without freezing the page.

pub mod process;

pub use process::{process, PhotoError, PhotoInput};
