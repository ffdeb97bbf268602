//! The template library the phones fetch (`GET /api/templates`) and the checks on what the office
//! adds to it.
//!
//! 1. Every template id is served at its newest version, among the built-in templates (shipped
//!    in the binary from `templates/`) and those the office published.
//! 2. Where the office stored local thresholds for that id and they apply to that version, the
//!    local edition (`wuxiang@1+清河县.2`) is served instead of the national template. Where they
//!    do not apply (written for an older version, a band since renamed), the national template is
//!    served and a warning names the file and why: phones keep working with national numbers
//!    rather than lose the template.
//!
//! Publishing a template requires that it validates, that its version is above every version of
//! its id already in the library, and that none of its item codes is used by another template:
//! answers in a visit are keyed by item code across all of the visit's templates.

use crate::clock::now_ms;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use dudao_domain::builtin;
use dudao_domain::local::{LocalErrors, LocalThresholds};
use dudao_domain::validate::{self, TemplateErrors};
use dudao_domain::Template;

use crate::db::{PublishedTemplate, Store, StoreError, ThresholdsFile};

/// Where a national template comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// Shipped in the binary, from `templates/<file>`.
    BuiltIn { file: &'static str },
    /// Published by the office from `source`.
    Published { source: String, published_at: i64 },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::BuiltIn { file } => write!(f, "built-in {file}"),
            Origin::Published { source, .. } if source.is_empty() => f.write_str("published"),
            Origin::Published { source, .. } => write!(f, "published from {source}"),
        }
    }
}

/// One national template version the library knows.
#[derive(Debug, Clone)]
pub struct Version {
    pub template: Template,
    pub origin: Origin,
}

/// A template id as served.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The newest national version.
    pub national: Template,
    pub origin: Origin,
    /// The local edition served instead of `national`, when the office's thresholds apply.
    pub local: Option<LocalEntry>,
}

#[derive(Debug, Clone)]
pub struct LocalEntry {
    pub template: Template,
    /// The stored thresholds file that made it.
    pub file: ThresholdsFile,
}

impl Entry {
    /// What the phones get: the local edition if there is one, else the national template.
    pub fn effective(&self) -> &Template {
        self.local.as_ref().map_or(&self.national, |l| &l.template)
    }
}

/// Something the office should fix, already logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub template_id: String,
    pub message: String,
}

/// The effective library: see the module documentation.
#[derive(Debug, Clone)]
pub struct Library {
    versions: Vec<Version>,
    entries: BTreeMap<String, Entry>,
    /// Template ids in the order phones offer them: see [`Library::entries`].
    order: Vec<String>,
    warnings: Vec<Warning>,
}

/// An item code of a new template that another template already uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collision {
    pub code: String,
    pub template_id: String,
    pub version: u32,
}

impl fmt::Display for Collision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "item {}, field `code`: is already used by template {} version {}; item codes must be \
             unique across templates",
            self.code, self.template_id, self.version
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// A bug in `templates/`, which the domain tests catch before it ships.
    #[error("built-in template {file} is invalid: {errors}")]
    BuiltIn {
        file: String,
        errors: TemplateErrors,
    },
    #[error("cannot read the library from the database")]
    Store(#[from] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// Every problem, one per line.
    #[error("{0}")]
    Invalid(TemplateErrors),
    #[error(
        "template {id} version {version} carries local thresholds ({tag}); publish the national \
         template and store the thresholds file with `dudao-server template thresholds`"
    )]
    LocalEdition {
        id: String,
        version: u32,
        tag: String,
    },
    #[error(
        "template {id} version {version} is already in the library ({origin}); raise `version`"
    )]
    Exists {
        id: String,
        version: u32,
        origin: String,
    },
    #[error(
        "template {id} version {version} is not above version {latest} already in the library; \
         raise `version` to {next} or more",
        next = latest + 1
    )]
    NotNewer {
        id: String,
        version: u32,
        latest: u32,
    },
    /// Every colliding code, one per line.
    #[error("{}", lines(.0))]
    CodeCollision(Vec<Collision>),
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error("cannot store the template")]
    Store(#[source] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum ThresholdsError {
    /// The file's syntax or shape, by line and column.
    #[error("{0}")]
    Parse(LocalErrors),
    #[error(
        "the file adjusts template {id}, which is not in the library; the library has {}",
        known.join(", ")
    )]
    UnknownTemplate { id: String, known: Vec<String> },
    /// Every reason, one per line.
    #[error("{errors}")]
    DoesNotApply {
        id: String,
        version: u32,
        errors: LocalErrors,
    },
    #[error(
        "{district} already has edition {latest} of its thresholds for template {template}; set \
         `edition` to {next} or more",
        next = latest + 1
    )]
    NotNewer {
        template: String,
        district: String,
        edition: u32,
        latest: u32,
    },
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error("cannot store the thresholds")]
    Store(#[source] StoreError),
}

fn lines(items: &[impl fmt::Display]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The built-in templates with their file names, parsed once per process.
pub fn builtins() -> Result<&'static [(&'static str, Template)], LibraryError> {
    type Parsed = Result<Vec<(&'static str, Template)>, (String, TemplateErrors)>;
    static BUILTINS: OnceLock<Parsed> = OnceLock::new();
    BUILTINS
        .get_or_init(|| {
            builtin::SOURCES
                .iter()
                .map(|(file, src)| {
                    Template::from_toml(src)
                        .map(|t| (*file, t))
                        .map_err(|e| ((*file).to_owned(), e))
                })
                .collect()
        })
        .as_deref()
        .map_err(|(file, errors)| LibraryError::BuiltIn {
            file: file.clone(),
            errors: errors.clone(),
        })
}

impl Library {
    /// The library as the store holds it now.
    pub async fn load(store: &dyn Store) -> Result<Library, LibraryError> {
        let published = store.list_published_templates().await?;
        let thresholds = store.latest_local_thresholds().await?;
        Library::build(published, thresholds)
    }

    /// The built-in templates plus `published`, with the newest of `thresholds` per template
    /// applied. Problems with the thresholds are logged and kept in [`Library::warnings`].
    pub fn build(
        published: Vec<PublishedTemplate>,
        thresholds: Vec<ThresholdsFile>,
    ) -> Result<Library, LibraryError> {
        let mut versions: Vec<Version> = builtins()?
            .iter()
            .map(|(file, t)| Version {
                template: t.clone(),
                origin: Origin::BuiltIn { file },
            })
            .collect();
        // The office's own templates after the built-in ones, in the order it first published
        // them; the versions of one id in version order.
        let mut first: BTreeMap<String, i64> = BTreeMap::new();
        for p in &published {
            let at = first.entry(p.template.id.clone()).or_insert(p.published_at);
            *at = (*at).min(p.published_at);
        }
        let mut published = published;
        published.sort_by_cached_key(|p| {
            let at = first.get(&p.template.id).copied().unwrap_or_default();
            (at, p.template.id.clone(), p.template.version)
        });
        versions.extend(published.into_iter().map(|p| Version {
            template: p.template,
            origin: Origin::Published {
                source: p.source,
                published_at: p.published_at,
            },
        }));
        let mut library = Library {
            versions: Vec::new(),
            entries: BTreeMap::new(),
            order: Vec::new(),
            warnings: Vec::new(),
        };
        for v in &versions {
            library.offer(v);
        }
        library.versions = versions;
        library.apply_thresholds(thresholds);
        Ok(library)
    }

    /// Makes `v` the entry for its id if it is newer than what is there.
    fn offer(&mut self, v: &Version) {
        let id = &v.template.id;
        let Some(current) = self.entries.get(id) else {
            self.order.push(id.clone());
            self.entries.insert(id.clone(), entry(v));
            return;
        };
        if v.template.version < current.national.version {
            return;
        }
        if v.template.version > current.national.version {
            self.entries.insert(id.clone(), entry(v));
            return;
        }
        // The same id@version twice can only be a built-in template and a published one: the
        // office published a version before an upgrade shipped its own. Phones may hold visits
        // pinned to the published one, so it keeps the key.
        if v.template == current.national {
            return;
        }
        let (published, builtin) = match (&current.origin, &v.origin) {
            (Origin::BuiltIn { .. }, Origin::Published { .. }) => {
                (v.origin.clone(), &current.origin)
            }
            (Origin::Published { .. }, Origin::BuiltIn { .. }) => {
                (current.origin.clone(), &v.origin)
            }
            _ => return,
        };
        let message = format!(
            "{builtin} has version {} of template {id}, which the office already published \
             ({published}); serving the published one. Publish the built-in changes as a \
             higher version",
            v.template.version
        );
        self.warn(id, message);
        if matches!(v.origin, Origin::Published { .. }) {
            self.entries.insert(id.clone(), entry(v));
        }
    }

    fn apply_thresholds(&mut self, files: Vec<ThresholdsFile>) {
        let mut by_template: BTreeMap<String, Vec<ThresholdsFile>> = BTreeMap::new();
        for f in files {
            by_template
                .entry(f.template_id.clone())
                .or_default()
                .push(f);
        }
        for (id, mut files) in by_template {
            // One edition per template is served. Several districts for one template means the
            // office renamed its district or stored a file for another one: the file stored
            // last is the one it means now.
            files.sort_by_key(|f| (f.created_at, f.edition));
            let Some(file) = files.pop() else { continue };
            for other in &files {
                let message = format!(
                    "local thresholds {} ({} edition {}) for template {id} are not served: {} \
                     edition {} was stored later",
                    describe_source(other),
                    other.district,
                    other.edition,
                    file.district,
                    file.edition
                );
                self.warn(&id, message);
            }
            let Some(entry) = self.entries.get(&id) else {
                let message = format!(
                    "local thresholds {} ({} edition {}) adjust template {id}, which is not in \
                     the library",
                    describe_source(&file),
                    file.district,
                    file.edition
                );
                self.warn(&id, message);
                continue;
            };
            let national = &entry.national;
            let applied = LocalThresholds::from_toml(&file.body).and_then(|t| t.apply(national));
            match applied {
                Ok(template) => {
                    if let Some(entry) = self.entries.get_mut(&id) {
                        entry.local = Some(LocalEntry { template, file });
                    }
                }
                Err(errors) => {
                    let message = format!(
                        "local thresholds {} ({} edition {}) do not apply to template {id} \
                         version {}, so phones get the national thresholds: {}",
                        describe_source(&file),
                        file.district,
                        file.edition,
                        national.version,
                        errors
                            .0
                            .iter()
                            .map(|e| e.to_string())
                            .collect::<Vec<_>>()
                            .join("; ")
                    );
                    self.warn(&id, message);
                }
            }
        }
    }

    fn warn(&mut self, template_id: &str, message: String) {
        tracing::warn!(template = template_id, "{message}");
        self.warnings.push(Warning {
            template_id: template_id.to_owned(),
            message,
        });
    }

    /// What the phones get, in the order of [`Library::entries`].
    pub fn templates(&self) -> impl Iterator<Item = &Template> {
        self.entries().map(Entry::effective)
    }

    /// Every template id once: the built-in templates in the order they ship (the order a
    /// supervisor is offered them), then the office's own in the order it first published them.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.order.iter().filter_map(|id| self.entries.get(id))
    }

    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries.get(id)
    }

    /// Every national version known, built-in and published.
    pub fn versions(&self) -> &[Version] {
        &self.versions
    }

    /// National version `version` of template `id`, as a visit pinning it was started with: the
    /// published one when the office published that version before a built-in one shipped (it
    /// keeps the key, see [`Library::build`]). A local edition changes only rule bands, so its
    /// visits' answers are those of its national version.
    pub fn version(&self, id: &str, version: u32) -> Option<&Template> {
        // Published versions come after the built-in ones.
        self.versions
            .iter()
            .rev()
            .map(|v| &v.template)
            .find(|t| t.id == id && t.version == version)
    }

    /// What the office should fix; each was logged when the library was built.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Item codes of `template` that a template with another id already uses, in any version:
    /// a phone may still hold an older version pinned by a visit.
    pub fn code_collisions(&self, template: &Template) -> Vec<Collision> {
        let mut found: BTreeMap<&str, Collision> = BTreeMap::new();
        for v in self
            .versions
            .iter()
            .filter(|v| v.template.id != template.id)
        {
            for (_, item) in template.items() {
                if v.template.item(&item.code).is_none() {
                    continue;
                }
                let newer = found
                    .get(item.code.as_str())
                    .is_none_or(|c| c.version < v.template.version);
                if newer {
                    found.insert(
                        &item.code,
                        Collision {
                            code: item.code.clone(),
                            template_id: v.template.id.clone(),
                            version: v.template.version,
                        },
                    );
                }
            }
        }
        let mut collisions: Vec<Collision> = found.into_values().collect();
        // In the template's own order, as the author reads it.
        let order: Vec<&str> = template.items().map(|(_, i)| i.code.as_str()).collect();
        collisions.sort_by_key(|c| order.iter().position(|code| *code == c.code));
        collisions
    }

    /// Whether `template` can be published: see the module documentation.
    pub fn check_publish(&self, template: &Template) -> Result<(), PublishError> {
        validate::validate(template).map_err(PublishError::Invalid)?;
        let (id, version) = (&template.id, template.version);
        if let Some(local) = &template.local {
            return Err(PublishError::LocalEdition {
                id: id.clone(),
                version,
                tag: local.tag(),
            });
        }
        if let Some(same) = self
            .versions
            .iter()
            .find(|v| v.template.id == *id && v.template.version == version)
        {
            return Err(PublishError::Exists {
                id: id.clone(),
                version,
                origin: same.origin.to_string(),
            });
        }
        if let Some(latest) = self.entries.get(id).map(|e| e.national.version) {
            if version <= latest {
                return Err(PublishError::NotNewer {
                    id: id.clone(),
                    version,
                    latest,
                });
            }
        }
        let collisions = self.code_collisions(template);
        if !collisions.is_empty() {
            return Err(PublishError::CodeCollision(collisions));
        }
        Ok(())
    }

    /// The local edition `thresholds` make of the library's template, or why they cannot.
    pub fn check_thresholds(
        &self,
        thresholds: &LocalThresholds,
    ) -> Result<Template, ThresholdsError> {
        let Some(entry) = self.entries.get(&thresholds.template) else {
            return Err(ThresholdsError::UnknownTemplate {
                id: thresholds.template.clone(),
                known: self.entries.keys().cloned().collect(),
            });
        };
        thresholds
            .apply(&entry.national)
            .map_err(|errors| ThresholdsError::DoesNotApply {
                id: entry.national.id.clone(),
                version: entry.national.version,
                errors,
            })
    }
}

fn entry(v: &Version) -> Entry {
    Entry {
        national: v.template.clone(),
        origin: v.origin.clone(),
        local: None,
    }
}

fn describe_source(file: &ThresholdsFile) -> &str {
    if file.source.is_empty() {
        "(no file name)"
    } else {
        &file.source
    }
}

/// Checks `template` against the library and publishes it under `source` (the file name).
/// Returns the library as it is afterwards, whose warnings say, for instance, that the office's
/// thresholds were written for the previous version.
pub async fn publish(
    store: &dyn Store,
    source: &str,
    template: Template,
) -> Result<Library, PublishError> {
    Library::load(store).await?.check_publish(&template)?;
    let published = PublishedTemplate {
        template,
        source: source.to_owned(),
        published_at: now_ms(),
    };
    store
        .publish_template(&published)
        .await
        .map_err(|e| match e {
            // Published by someone else between the check and the insert.
            StoreError::TemplateExists { id, version } => PublishError::Exists {
                id,
                version,
                origin: "published".to_owned(),
            },
            e => PublishError::Store(e),
        })?;
    Ok(Library::load(store).await?)
}

/// Parses a thresholds file, checks that it applies to the library's template and stores it
/// under `source` (the file name). Returns the local edition phones will now get.
pub async fn store_thresholds(
    store: &dyn Store,
    source: &str,
    src: &str,
) -> Result<Template, ThresholdsError> {
    let thresholds = LocalThresholds::from_toml(src).map_err(ThresholdsError::Parse)?;
    let edition = Library::load(store).await?.check_thresholds(&thresholds)?;
    let file = ThresholdsFile {
        template_id: thresholds.template.clone(),
        // As the edition records it, so the key and the served tag agree.
        district: thresholds.district.trim().to_owned(),
        edition: thresholds.edition,
        body: src.to_owned(),
        source: source.to_owned(),
        created_at: now_ms(),
    };
    store
        .save_local_thresholds(&file)
        .await
        .map_err(|e| match e {
            StoreError::ThresholdsNotNewer {
                template,
                district,
                edition,
                latest,
            } => ThresholdsError::NotNewer {
                template,
                district,
                edition,
                latest,
            },
            e => ThresholdsError::Store(e),
        })?;
    Ok(edition)
}
