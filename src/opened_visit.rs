//! A visit loaded for a screen: the visit plus the exact template versions it pinned.

use crate::storage::{repo, StorageError};
use dudao_domain::{Checklist, Template, Visit};
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
            // Pinned when the visit started; a built-in one can be rebuilt, matched by its whole
            // key so a visit pinned to a local edition never falls back to national numbers.
            let t = match repo::load_template(&r.key()).await? {
                Some(t) => t,
                None => crate::templates::builtin()
                    .ok()
                    .and_then(|b| b.iter().find(|t| t.key() == r.key()).cloned())
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
