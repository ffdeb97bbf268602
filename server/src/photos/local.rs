//! [`PhotoStorage`] in a local directory:
//!
//! - `<root>/partial/<id>`: uploads still arriving;
//! - `<root>/<id[0..2]>/<id>`: complete photos, 256 subdirectories so no directory holds
//!   every photo of a county.
//!
//! Nothing is created until the first upload.

use std::io::{self, Read as _, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};
use tokio::fs::{self, File, OpenOptions};
use tokio::io::{AsyncSeekExt, AsyncWriteExt};

use super::storage::{Appender, IoFuture, PhotoReader, PhotoStorage, Stage};

#[derive(Debug, Clone)]
pub struct LocalPhotoStorage {
    root: PathBuf,
}

impl LocalPhotoStorage {
    /// Photos under `root` (`<data dir>/photos`).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        LocalPhotoStorage { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, id: &str, stage: Stage) -> io::Result<PathBuf> {
        // Handlers only pass canonical UUIDs; refuse anything else rather than build a path
        // from it.
        if id.len() != 36 || !id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("photo id {id:?} is not a UUID"),
            ));
        }
        Ok(match stage {
            Stage::Partial => self.root.join("partial").join(id),
            Stage::Complete => self.root.join(&id[..2]).join(id),
        })
    }
}

/// `None` for a missing file, as `Ok`.
fn missing_ok<T>(result: io::Result<T>) -> io::Result<Option<T>> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Makes a rename or a new file in `dir` durable (a no-op where directories cannot be opened).
async fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir).await?.sync_all().await?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

impl PhotoStorage for LocalPhotoStorage {
    fn len<'a>(&'a self, id: &'a str, stage: Stage) -> IoFuture<'a, Option<u64>> {
        Box::pin(async move {
            let path = self.path(id, stage)?;
            Ok(missing_ok(fs::metadata(path).await)?.map(|m| m.len()))
        })
    }

    fn append_at<'a>(&'a self, id: &'a str, offset: u64) -> IoFuture<'a, Box<dyn Appender>> {
        Box::pin(async move {
            let path = self.path(id, Stage::Partial)?;
            if offset == 0 {
                if let Some(dir) = path.parent() {
                    fs::create_dir_all(dir).await?;
                }
            }
            let mut file = OpenOptions::new()
                .write(true)
                .create(offset == 0)
                .truncate(false)
                .open(&path)
                .await?;
            if offset == 0 {
                // The new file's name must survive a crash as well as its bytes.
                if let Some(dir) = path.parent() {
                    sync_dir(dir).await?;
                }
            }
            let held = file.metadata().await?.len();
            if held < offset {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("{} holds {held} bytes, not {offset}", path.display()),
                ));
            }
            if held > offset {
                file.set_len(offset).await?;
            }
            file.seek(SeekFrom::Start(offset)).await?;
            Ok(Box::new(LocalAppender { file }) as Box<dyn Appender>)
        })
    }

    fn truncate<'a>(&'a self, id: &'a str, len: u64) -> IoFuture<'a, ()> {
        Box::pin(async move {
            let path = self.path(id, Stage::Partial)?;
            if len == 0 {
                missing_ok(fs::remove_file(&path).await)?;
                if let Some(dir) = path.parent() {
                    missing_ok(sync_dir(dir).await)?;
                }
                return Ok(());
            }
            let Some(file) = missing_ok(OpenOptions::new().write(true).open(&path).await)? else {
                return Ok(());
            };
            file.set_len(len).await?;
            file.sync_all().await
        })
    }

    fn sha256<'a>(&'a self, id: &'a str, stage: Stage) -> IoFuture<'a, [u8; 32]> {
        Box::pin(async move {
            let path = self.path(id, stage)?;
            // Up to 20 MiB of reading and hashing: off the async workers.
            tokio::task::spawn_blocking(move || {
                let mut file = std::fs::File::open(path)?;
                let mut hasher = Sha256::new();
                let mut buf = vec![0u8; 256 * 1024];
                loop {
                    match file.read(&mut buf)? {
                        0 => break,
                        n => hasher.update(&buf[..n]),
                    }
                }
                Ok(hasher.finalize().into())
            })
            .await
            .map_err(io::Error::other)?
        })
    }

    fn finish<'a>(&'a self, id: &'a str) -> IoFuture<'a, ()> {
        Box::pin(async move {
            let from = self.path(id, Stage::Partial)?;
            let to = self.path(id, Stage::Complete)?;
            let dir = to.parent().expect("a complete photo is in a subdirectory");
            fs::create_dir_all(dir).await?;
            match fs::rename(&from, &to).await {
                Ok(()) => {}
                // Moved before, and the server stopped before it was recorded.
                Err(e)
                    if e.kind() == io::ErrorKind::NotFound && fs::metadata(&to).await.is_ok() =>
                {
                    return Ok(())
                }
                Err(e) => return Err(e),
            }
            sync_dir(dir).await?;
            if let Some(partial_dir) = from.parent() {
                sync_dir(partial_dir).await?;
            }
            Ok(())
        })
    }

    fn remove<'a>(&'a self, id: &'a str, stage: Stage) -> IoFuture<'a, ()> {
        Box::pin(async move {
            let path = self.path(id, stage)?;
            missing_ok(fs::remove_file(path).await)?;
            Ok(())
        })
    }

    fn open<'a>(&'a self, id: &'a str) -> IoFuture<'a, Option<PhotoReader>> {
        Box::pin(async move {
            let path = self.path(id, Stage::Complete)?;
            let Some(file) = missing_ok(File::open(path).await)? else {
                return Ok(None);
            };
            let len = file.metadata().await?.len();
            Ok(Some((len, Box::pin(file) as _)))
        })
    }

    fn partials(&self) -> IoFuture<'_, Vec<(String, SystemTime)>> {
        Box::pin(async move {
            let Some(mut dir) = missing_ok(fs::read_dir(self.root.join("partial")).await)? else {
                return Ok(Vec::new());
            };
            let mut found = Vec::new();
            while let Some(entry) = dir.next_entry().await? {
                let Ok(id) = entry.file_name().into_string() else {
                    continue;
                };
                // Only files this storage made: anything else in the directory is left alone.
                if self.path(&id, Stage::Partial).is_err() {
                    continue;
                }
                if let Some(meta) = missing_ok(entry.metadata().await)? {
                    if meta.is_file() {
                        found.push((id, meta.modified()?));
                    }
                }
            }
            found.sort();
            Ok(found)
        })
    }
}

struct LocalAppender {
    file: File,
}

impl Appender for LocalAppender {
    fn write<'a>(&'a mut self, bytes: &'a [u8]) -> IoFuture<'a, ()> {
        Box::pin(self.file.write_all(bytes))
    }

    fn sync(&mut self) -> IoFuture<'_, ()> {
        Box::pin(async move {
            self.file.flush().await?;
            self.file.sync_data().await
        })
    }
}
