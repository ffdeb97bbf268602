//! Where photo bytes live: one small interface, so the server can later keep them elsewhere
//! than on its own disk. [`super::LocalPhotoStorage`] is the only implementation.
//!
//! An upload's bytes first go to a partial file, appended in order; once all are in and their
//! SHA-256 matched, [`PhotoStorage::finish`] moves them to their final place. Ids reaching the
//! storage are canonical UUIDs (the handlers check), so they are safe as file names.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::time::SystemTime;

use tokio::io::AsyncRead;

/// What a [`PhotoStorage`] method returns (boxed, so the storage can be a `dyn` chosen at
/// start).
pub type IoFuture<'a, T> = Pin<Box<dyn Future<Output = io::Result<T>> + Send + 'a>>;

/// A complete photo opened for reading, and its length in bytes.
pub type PhotoReader = (u64, Pin<Box<dyn AsyncRead + Send>>);

/// Which copy of a photo's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Still arriving.
    Partial,
    /// Verified and in its final place.
    Complete,
}

pub trait PhotoStorage: Send + Sync + 'static {
    /// How many bytes are held at this stage (0 when there is no file).
    fn len<'a>(&'a self, id: &'a str, stage: Stage) -> IoFuture<'a, Option<u64>>;

    /// Opens the partial file to append at `offset`, first cutting off anything after it
    /// (bytes written but never acknowledged). Creates the file when `offset` is 0.
    fn append_at<'a>(&'a self, id: &'a str, offset: u64) -> IoFuture<'a, Box<dyn Appender>>;

    /// Cuts the partial file back to `len` bytes; 0 removes it, so a failed upload (a chunk or
    /// a whole file that did not hash right) leaves no empty file behind.
    fn truncate<'a>(&'a self, id: &'a str, len: u64) -> IoFuture<'a, ()>;

    /// SHA-256 of the bytes held at this stage.
    fn sha256<'a>(&'a self, id: &'a str, stage: Stage) -> IoFuture<'a, [u8; 32]>;

    /// Moves the partial file to its final place, durably. Done if it is already there.
    fn finish<'a>(&'a self, id: &'a str) -> IoFuture<'a, ()>;

    /// Removes the copy at this stage, if any.
    fn remove<'a>(&'a self, id: &'a str, stage: Stage) -> IoFuture<'a, ()>;

    /// A complete photo for reading; `None` if it is not there.
    fn open<'a>(&'a self, id: &'a str) -> IoFuture<'a, Option<PhotoReader>>;

    /// The partial files held: each upload id with when its file was last written.
    fn partials(&self) -> IoFuture<'_, Vec<(String, SystemTime)>>;
}

/// Appends to one partial file.
pub trait Appender: Send {
    fn write<'a>(&'a mut self, bytes: &'a [u8]) -> IoFuture<'a, ()>;

    /// Makes everything written so far durable: only then may the upload offset move past it.
    fn sync(&mut self) -> IoFuture<'_, ()>;
}
