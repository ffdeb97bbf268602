//! A visit loaded for a screen: the visit plus the exact template versions it pinned; and the
//! progress of every visit for 督导记录, with the templates read once.

use crate::storage::{repo, StorageError};
use dudao_domain::{Checklist, CompiledChecklist, Progress, School, Template, Visit};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Clone)]
pub struct OpenedVisit {
    pub visit: Visit,
    pub templates: Arc<Vec<Template>>,
}

impl OpenedVisit {
    /// Loads a visit and its pinned templates; `None` when the visit does not exist.
    pub async fn load(id: String) -> Result<Option<OpenedVisit>, StorageError> {
        let Some(visit) = repo::load_visit(&id).await? else {
            return Ok(None);
        };
        let mut templates = Vec::new();
        for r in &visit.templates {
            // Pinned when the visit started; a built-in one can be rebuilt.
            let t = match repo::load_template(&r.key()).await? {
                Some(t) => t,
                None => crate::templates::builtin_by_key(&r.key())
                    .ok_or_else(|| StorageError::TemplateMissing(r.key()))?,
            };
            templates.push(t);
        }
        Ok(Some(OpenedVisit {
            visit,
            templates: Arc::new(templates),
        }))
    }
}

/// Runs `f` with the checklist of these templates at the visit's school.
pub fn with_checklist<R>(
    templates: &[Template],
    visit: &Visit,
    f: impl FnOnce(&Checklist) -> R,
) -> R {
    let refs: Vec<&Template> = templates.iter().collect();
    f(&Checklist::new(&refs, &visit.school))
}

/// How far visits have got, as 督导记录 lists them: the stored templates are read in one go
/// ([`ProgressBook::load`]), and visits that pinned the same templates at the same school share
/// one compiled checklist, made when the first of them is asked about.
pub struct ProgressBook {
    stored: HashMap<String, Template>,
    compiled: Vec<(Vec<String>, School, Option<CompiledChecklist>)>,
}

impl ProgressBook {
    pub async fn load() -> Result<ProgressBook, StorageError> {
        Ok(ProgressBook {
            stored: repo::stored_templates().await?,
            compiled: Vec::new(),
        })
    }

    /// The visit's progress; `None` when its templates are not on this phone.
    pub fn progress(&mut self, v: &Visit) -> Option<Progress> {
        let keys: Vec<String> = v.templates.iter().map(|r| r.key()).collect();
        let at = match self
            .compiled
            .iter()
            .position(|(k, s, _)| *k == keys && *s == v.school)
        {
            Some(i) => i,
            None => {
                let stored = &mut self.stored;
                let templates: Option<Vec<Template>> = keys
                    .iter()
                    .map(|k| {
                        if !stored.contains_key(k) {
                            stored.insert(k.clone(), crate::templates::builtin_by_key(k)?);
                        }
                        stored.get(k).cloned()
                    })
                    .collect();
                let checklist =
                    templates.map(|t| CompiledChecklist::new(Arc::new(t), v.school.clone()));
                self.compiled.push((keys, v.school.clone(), checklist));
                self.compiled.len() - 1
            }
        };
        self.compiled[at]
            .2
            .as_ref()
            .map(|c| c.checklist().progress(&v.answers))
    }
}
