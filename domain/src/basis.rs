//! The policy basis (依据) an item or a threshold rests on.

use serde::{Deserialize, Serialize};

/// A cited document: 文件名称, optional 文号 and article, and the year it was issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Basis {
    /// 文件名称, e.g. 《教育部办公厅关于加强中小学生手机管理工作的通知》.
    pub document: String,
    /// 文号, e.g. 教基厅函〔2021〕11号.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub year: u16,
    /// 条款, e.g. 第四条.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    /// Set when the rule is local (📍) rather than national.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub local: bool,
}

impl Basis {
    /// One line as a supervisor would cite it: 《…》（文号，2021年）第四条.
    pub fn citation(&self) -> String {
        let doc = if self.document.starts_with('《') {
            self.document.clone()
        } else {
            format!("《{}》", self.document)
        };
        let mut s = doc;
        match &self.number {
            Some(n) => s.push_str(&format!("（{}，{}年）", n, self.year)),
            None => s.push_str(&format!("（{}年）", self.year)),
        }
        if let Some(a) = &self.article {
            s.push_str(a);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citation_reads_like_a_gongwen_reference() {
        let b = Basis {
            document: "关于进一步加强中小学生睡眠管理工作的通知".into(),
            number: Some("教基厅函〔2021〕11号".into()),
            year: 2021,
            article: None,
            local: false,
        };
        assert_eq!(
            b.citation(),
            "《关于进一步加强中小学生睡眠管理工作的通知》（教基厅函〔2021〕11号，2021年）"
        );
    }
}
