//! Bilingual text as stored in templates: Chinese first, English as the switch.

use serde::{Deserialize, Serialize};

/// A piece of user-facing text in zh-CN and English.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub zh: String,
    #[serde(default)]
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The text in the requested language, falling back to Chinese when no translation exists.
    pub fn get(&self, english: bool) -> &str {
        if english && !self.en.trim().is_empty() {
            &self.en
        } else {
            &self.zh
        }
    }

    pub fn is_blank(&self) -> bool {
        self.zh.trim().is_empty()
    }
}
