//! The workbook's layout: sheet names, columns (header, accepted aliases, width) and the
//! short help an office clerk sees on each header. Import finds columns by header, so a
//! clerk may reorder them, leave out optional ones or add a 备注 column.

pub const SHEET_TEMPLATE: &str = "模板";
pub const SHEET_ITEMS: &str = "检查项";
pub const SHEET_RULES: &str = "规则";
/// Written on export for the clerk; ignored on import.
pub const SHEET_GUIDE: &str = "填写说明";

/// A column of 检查项 or 规则.
pub struct Column<K: 'static> {
    pub key: K,
    pub header: &'static str,
    /// Other headers that mean the same column (English names, common wording).
    pub aliases: &'static [&'static str],
    pub width: f64,
    /// Long text: wrapped in its cells.
    pub wrap: bool,
    /// The sheet cannot be read without it.
    pub required: bool,
    /// Stored as text so Excel does not turn `3-6` into a date.
    pub text: bool,
    pub help: &'static str,
}

/// Columns of 检查项, one row per item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemCol {
    SectionCode,
    SectionName,
    SectionNameEn,
    Code,
    Prompt,
    PromptEn,
    Help,
    HelpEn,
    Answer,
    Unit,
    UnitEn,
    Min,
    Max,
    Options,
    Rule,
    Grades,
    Stages,
    Boarding,
    Facilities,
    Required,
    ShowIf,
    Evidence,
    Severity,
    Basis,
}

/// Columns of 规则, one row per band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleCol {
    Id,
    Measure,
    MeasureEn,
    Basis,
    Grades,
    Enrolment,
    Label,
    LabelEn,
    Min,
    Max,
    Step,
    NotBefore,
    NotAfter,
}

/// Rows of 模板 (字段 | 值).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TemplateField {
    Id,
    Version,
    Kind,
    Title,
    TitleEn,
    Description,
    DescriptionEn,
}

pub const TEMPLATE_HEADER: [&str; 2] = ["字段", "值"];

/// (field, name in column 字段, aliases, required, help)
pub const TEMPLATE_FIELDS: &[(TemplateField, &str, &[&str], bool, &str)] = &[
    (
        TemplateField::Id,
        "编号",
        &["id", "模板编号"],
        true,
        "模板编号：英文字母、数字、- _ .，如 wuxiang。发布后不要再改。",
    ),
    (
        TemplateField::Version,
        "版本",
        &["version", "版本号"],
        true,
        "整数，从 1 开始。检查项的含义或阈值改变时加 1。",
    ),
    (
        TemplateField::Kind,
        "类别",
        &["kind", "督导类别"],
        true,
        "督导类别：五项管理、校园安全、挂牌督导……",
    ),
    (
        TemplateField::Title,
        "标题",
        &["title", "名称", "模板名称"],
        true,
        "模板标题（中文，必填）。",
    ),
    (
        TemplateField::TitleEn,
        "标题(英文)",
        &["title_en", "英文标题"],
        false,
        "模板标题（英文，可空）。",
    ),
    (
        TemplateField::Description,
        "说明",
        &["description", "模板说明"],
        false,
        "模板适用范围和内容（中文）。",
    ),
    (
        TemplateField::DescriptionEn,
        "说明(英文)",
        &["description_en", "英文说明"],
        false,
        "模板说明（英文，可空）。",
    ),
];

const fn col<K>(
    key: K,
    header: &'static str,
    aliases: &'static [&'static str],
    width: f64,
    help: &'static str,
) -> Column<K> {
    Column {
        key,
        header,
        aliases,
        width,
        wrap: false,
        required: false,
        text: false,
        help,
    }
}

const fn wrap<K>(mut c: Column<K>) -> Column<K> {
    c.wrap = true;
    c
}

const fn required<K>(mut c: Column<K>) -> Column<K> {
    c.required = true;
    c
}

const fn text<K>(mut c: Column<K>) -> Column<K> {
    c.text = true;
    c
}

pub const ITEM_COLUMNS: &[Column<ItemCol>] = &[
    required(text(col(
        ItemCol::SectionCode,
        "分区代码",
        &["section", "分区编码", "分区编号"],
        9.0,
        "分区（部分）的代码，如 SJ。同一分区的行必须连在一起；留空表示与上一行同一分区。",
    ))),
    required(wrap(col(
        ItemCol::SectionName,
        "分区名称",
        &["section_title", "分区", "分区标题"],
        12.0,
        "分区名称，如 手机管理。写在该分区第一行即可。",
    ))),
    wrap(col(
        ItemCol::SectionNameEn,
        "分区名称(英文)",
        &["section_title_en", "分区英文名称"],
        14.0,
        "分区名称（英文，可空）。",
    )),
    required(text(col(
        ItemCol::Code,
        "编码",
        &["code", "项目编码", "检查项编码", "编号"],
        12.0,
        "检查项编码，全库唯一，如 WX-SJ-01：字母、数字、- _ .。发布后不要改、不要重复使用。",
    ))),
    required(wrap(col(
        ItemCol::Prompt,
        "题目",
        &["prompt", "检查内容", "检查项目", "内容"],
        40.0,
        "督学看到的题目或要求（中文，必填）。",
    ))),
    wrap(col(
        ItemCol::PromptEn,
        "题目(英文)",
        &["prompt_en", "英文题目"],
        34.0,
        "题目（英文，可空）。",
    )),
    wrap(col(
        ItemCol::Help,
        "说明",
        &["help", "检查方法", "核查方法"],
        50.0,
        "看什么、问谁、哪些佐证材料，符合与基本符合怎么区分。",
    )),
    wrap(col(
        ItemCol::HelpEn,
        "说明(英文)",
        &["help_en", "英文说明"],
        40.0,
        "说明（英文，可空）。",
    )),
    required(col(
        ItemCol::Answer,
        "答题方式",
        &["answer", "答案类型", "题型"],
        16.0,
        "符合度、是否、是否（是为符合）、是否（否为符合）、数值、计数、时间、单选、多选、文本、照片。",
    )),
    col(
        ItemCol::Unit,
        "单位",
        &["unit"],
        8.0,
        "数值、计数题必填，如 分钟、课时、次。",
    ),
    col(
        ItemCol::UnitEn,
        "单位(英文)",
        &["unit_en", "英文单位"],
        10.0,
        "单位（英文，可空），如 min。",
    ),
    col(
        ItemCol::Min,
        "最小值",
        &["min", "输入下限"],
        8.0,
        "数值、计数题必填：可填的最小数；时间题可填最早时间（如 18:00）。用来拦住输错，不是判定阈值（阈值写在规则里）。",
    ),
    col(
        ItemCol::Max,
        "最大值",
        &["max", "输入上限"],
        8.0,
        "数值题必填、计数题必填：可填的最大数，如 600 分钟、每周 7 天，用来拦住把 60 输成 6000；时间题可填最晚时间，次日凌晨写 04:59 这样的时间（一天从 05:00 算到次日 04:59）。",
    ),
    wrap(col(
        ItemCol::Options,
        "选项",
        &["options"],
        36.0,
        "仅单选、多选题：每行一个选项，写成 代码：中文 / English，不符合的选项在行末加（不符合）。\
         例：wu：无任何通话渠道 / No channel（不符合）",
    )),
    text(col(
        ItemCol::Rule,
        "规则",
        &["rule", "阈值规则", "规则编号"],
        20.0,
        "判定用的规则编号（见“规则”表），仅数值、计数、时间题。",
    )),
    text(col(
        ItemCol::Grades,
        "年级",
        &["grades", "适用年级"],
        8.0,
        "适用年级，如 3-6；0 为幼儿园，1-6 小学，7-9 初中，10-12 高中。空白为所有年级（含幼儿园）。",
    )),
    wrap(col(
        ItemCol::Stages,
        "学段",
        &["stages", "适用学段"],
        14.0,
        "只适用于这些学段，用、分隔：幼儿园、小学、初中、高中、九年一贯制、完全中学。空白为不限。",
    )),
    col(
        ItemCol::Boarding,
        "寄宿",
        &["boarding", "寄宿制"],
        7.0,
        "是：仅寄宿制学校；否：仅非寄宿制学校；空白：都适用。",
    ),
    col(
        ItemCol::Facilities,
        "设施",
        &["facilities", "涉及设施"],
        10.0,
        "涉及的设施，用、分隔：校车、食堂、危化品、周边水域。学校确定没有时不显示该项。",
    ),
    col(
        ItemCol::Required,
        "必答",
        &["required", "是否必答"],
        7.0,
        "是：显示时必须作答；否或空白：可不答。",
    ),
    wrap(text(col(
        ItemCol::ShowIf,
        "显示条件",
        &["show_if", "条件"],
        22.0,
        "追问：条件成立时才显示，如 WX-SJ-02 = 是。空白为总是显示。",
    ))),
    col(
        ItemCol::Evidence,
        "佐证",
        &["evidence", "佐证材料", "拍照"],
        14.0,
        "无（或空白）、不符合时拍照、必须拍照。拍照功能上线前请填“无”。",
    ),
    col(
        ItemCol::Severity,
        "严重程度",
        &["severity", "严重性"],
        9.0,
        "一般（或空白）、重大。",
    ),
    required(wrap(col(
        ItemCol::Basis,
        "依据",
        &["basis", "政策依据", "依据文件"],
        50.0,
        "每行一个依据：《文件名称》（文号，2021年）第五条；没有文号写《文件名称》（2021年）。\
         地方文件在行首加〔地方〕。",
    ))),
];

pub const RULE_COLUMNS: &[Column<RuleCol>] = &[
    required(text(col(
        RuleCol::Id,
        "规则编号",
        &["rule", "id", "规则"],
        24.0,
        "规则编号：英文字母、数字、- _ .，检查项的“规则”列引用它。一行一个档位，同一规则的行连在一起；留空表示与上一行同一规则。",
    ))),
    required(wrap(col(
        RuleCol::Measure,
        "测量",
        &["measure", "测量内容", "指标"],
        24.0,
        "测量的是什么，如 书面作业平均完成时间。写在该规则第一行即可。",
    ))),
    wrap(col(
        RuleCol::MeasureEn,
        "测量(英文)",
        &["measure_en", "英文测量"],
        24.0,
        "测量（英文，可空）。",
    )),
    required(wrap(col(
        RuleCol::Basis,
        "依据",
        &["basis", "政策依据", "依据文件"],
        44.0,
        "阈值的依据，每行一个，格式同“检查项”表。写在该规则第一行即可。",
    ))),
    text(col(
        RuleCol::Grades,
        "年级",
        &["grades", "适用年级"],
        8.0,
        "本档适用年级，如 3-6。同一规则的档位不能重叠。空白为 0-12。",
    )),
    col(
        RuleCol::Enrolment,
        "在校生",
        &["enrolment", "在校生人数", "学生人数"],
        12.0,
        "本档只适用于这些在校生人数：1000-2000、1000以上、999以下、不限。空白为不分人数。",
    ),
    required(wrap(col(
        RuleCol::Label,
        "档位",
        &["label", "档位名称", "档"],
        14.0,
        "档位名称，要求文字以它开头，如 三至六年级、小学、初中。",
    ))),
    wrap(col(
        RuleCol::LabelEn,
        "档位(英文)",
        &["label_en", "英文档位"],
        14.0,
        "档位名称（英文，可空）。",
    )),
    col(
        RuleCol::Min,
        "下限",
        &["min", "不少于", "最低"],
        8.0,
        "数值下限（含本数）：≥ 此数为符合。",
    ),
    col(
        RuleCol::Max,
        "上限",
        &["max", "不超过", "最高"],
        8.0,
        "数值上限（含本数）：≤ 此数为符合；0 表示应为 0。",
    ),
    col(
        RuleCol::Step,
        "递增",
        &["step", "按人数递增"],
        22.0,
        "下限随在校生人数增加，如 超出1000人每500人加1。",
    ),
    col(
        RuleCol::NotBefore,
        "不早于",
        &["not_before", "最早"],
        9.0,
        "时间下限（含），24 小时制，如 08:20。",
    ),
    col(
        RuleCol::NotAfter,
        "不晚于",
        &["not_after", "最晚"],
        9.0,
        "时间上限（含），24 小时制，如 21:20。",
    ),
];

/// Headers of columns that are kept for the clerk's own notes and skipped on import.
pub fn is_note_header(h: &str) -> bool {
    let h = normalize(h);
    ["备注", "注", "note", "#"].iter().any(|p| h.starts_with(p))
}

/// How headers and field names are compared: no spaces, half-width brackets, lower case.
pub fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Whether `written` names the column or field `header` (or one of its aliases).
pub fn names(written: &str, header: &str, aliases: &[&str]) -> bool {
    let w = normalize(written);
    w == normalize(header) || aliases.iter().any(|a| normalize(a) == w)
}

/// Excel's column letter for a 0-based column index: 0 → A, 26 → AA.
pub fn column_letter(mut col: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(4), "E");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn headers_match_loosely() {
        assert!(names("分区名称（英文）", "分区名称(英文)", &[]));
        assert!(names(" 题 目 ", "题目", &[]));
        assert!(names("Show_If", "显示条件", &["show_if"]));
        assert!(!names("题目2", "题目", &[]));
        assert!(is_note_header("备注（张三）"));
    }

    #[test]
    fn no_two_columns_share_a_name() {
        fn check<K>(cols: &[Column<K>]) {
            let mut seen = std::collections::HashSet::new();
            for c in cols {
                for n in std::iter::once(&c.header).chain(c.aliases) {
                    assert!(seen.insert(normalize(n)), "{n} names two columns");
                }
            }
        }
        check(ITEM_COLUMNS);
        check(RULE_COLUMNS);
    }
}
