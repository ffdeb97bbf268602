//! Writes a template as a workbook an office clerk can edit in Excel or WPS.

use super::cells::{self, Shape};
use super::layout::{
    Column, ItemCol, RuleCol, TemplateField, ITEM_COLUMNS, RULE_COLUMNS, SHEET_GUIDE, SHEET_ITEMS,
    SHEET_RULES, SHEET_TEMPLATE, TEMPLATE_FIELDS, TEMPLATE_HEADER,
};
use super::ExportError;
use crate::answer::TimeOfDay;
use crate::basis::Basis;
use crate::rule::Band;
use crate::template::{AnswerKind, Item, Section, Template};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, FormatAlign, Note, Workbook,
    Worksheet, XlsxError,
};

/// Rows given dropdowns and column formats beyond the last written row, for the clerk's
/// additions.
const SPARE_ROWS: u32 = 2000;

/// The template as an .xlsx workbook (sheets 模板, 检查项, 规则 and a 填写说明 guide).
pub fn export(t: &Template) -> Result<Vec<u8>, ExportError> {
    if let Some(local) = &t.local {
        return Err(ExportError::LocalEdition {
            template: t.id.clone(),
            district: local.district.clone(),
            edition: local.edition,
        });
    }
    check_representable(t)?;
    let styles = Styles::new();
    let mut wb = Workbook::new();
    template_sheet(wb.add_worksheet(), t, &styles)?;
    items_sheet(wb.add_worksheet(), t, &styles)?;
    rules_sheet(wb.add_worksheet(), t, &styles)?;
    guide_sheet(wb.add_worksheet(), &styles)?;
    Ok(wb.save_to_buffer()?)
}

/// Options and bases are written one per line in a cell; make sure each reads back the same.
fn check_representable(t: &Template) -> Result<(), ExportError> {
    let mut problems = Vec::new();
    let mut check_basis = |at: &str, bases: &[Basis]| {
        for (i, b) in bases.iter().enumerate() {
            let line = b.marked_citation();
            if Basis::parse_citation(&line).as_ref() != Ok(b) || line.contains('\n') {
                problems.push(format!(
                    "{at}, basis[{i}]: {line:?} does not read back as the same basis \
                     (a title starting with 《, a line break, or spaces around a field)"
                ));
            }
        }
    };
    for rule in &t.rules {
        check_basis(&format!("rule {}", rule.id), &rule.basis);
    }
    for (_, item) in t.items() {
        check_basis(&format!("item {}", item.code), &item.basis);
    }
    for (_, item) in t.items() {
        if let AnswerKind::Choice { options, .. } = &item.answer {
            for (i, o) in options.iter().enumerate() {
                let line = cells::format_option(o);
                if cells::option(&line).as_ref() != Ok(o) || line.contains('\n') {
                    problems.push(format!(
                        "item {}, answer.options[{i}]: {line:?} does not read back as the same \
                         option (a line break, \" / \" in the Chinese label, a label ending in \
                         {}, or spaces around it)",
                        item.code,
                        cells::NONCOMPLIANT_MARKER
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ExportError::Unrepresentable(problems))
    }
}

struct Styles {
    header: Format,
    header_required: Format,
    plain: Format,
    wrap: Format,
    text: Format,
    text_wrap: Format,
    time: Format,
    guide_title: Format,
}

impl Styles {
    fn new() -> Styles {
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color(Color::RGB(0xDDEBF7));
        let plain = Format::new().set_align(FormatAlign::Top);
        Styles {
            header_required: header.clone().set_background_color(Color::RGB(0xFCE4D6)),
            header,
            wrap: plain.clone().set_text_wrap(),
            text: plain.clone().set_num_format("@"),
            text_wrap: plain.clone().set_num_format("@").set_text_wrap(),
            time: plain.clone().set_num_format("hh:mm"),
            guide_title: Format::new().set_bold().set_font_size(14),
            plain,
        }
    }

    fn for_column<K>(&self, c: &Column<K>) -> &Format {
        match (c.text, c.wrap) {
            (true, true) => &self.text_wrap,
            (true, false) => &self.text,
            (false, true) => &self.wrap,
            (false, false) => &self.plain,
        }
    }
}

fn note(help: &str) -> Note {
    let lines = help.chars().count() as u32 / 18 + 2;
    Note::new(help)
        .add_author_prefix(false)
        .set_width(300)
        .set_height(lines * 20)
}

/// Header row, widths, column formats, frozen header, filter and notes.
fn lay_out<K>(
    ws: &mut Worksheet,
    columns: &[Column<K>],
    rows: u32,
    s: &Styles,
) -> Result<(), XlsxError> {
    for (i, c) in columns.iter().enumerate() {
        let col = i as u16;
        ws.set_column_width(col, c.width)?;
        ws.set_column_format(col, s.for_column(c))?;
        let f = if c.required {
            &s.header_required
        } else {
            &s.header
        };
        ws.write_string_with_format(0, col, c.header, f)?;
        ws.insert_note(0, col, &note(c.help))?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, rows.max(1), (columns.len() - 1) as u16)?;
    Ok(())
}

fn dropdown<K: PartialEq>(
    ws: &mut Worksheet,
    columns: &[Column<K>],
    key: K,
    rows: u32,
    words: &[&str],
) -> Result<(), XlsxError> {
    let Some(col) = columns.iter().position(|c| c.key == key) else {
        return Ok(());
    };
    let dv = DataValidation::new()
        .allow_list_strings(words)?
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_error_title("不在下拉列表中")?
        .set_error_message(
            "请从下拉列表中选择。其他写法（如英文）也可能可以导入，导入时会检查。",
        )?;
    ws.add_data_validation(1, col as u16, rows + SPARE_ROWS, col as u16, &dv)?;
    Ok(())
}

/// Writes `value` in `key`'s column unless it is empty.
struct Row<'a, K: 'static> {
    ws: &'a mut Worksheet,
    columns: &'static [Column<K>],
    row: u32,
    styles: &'a Styles,
}

impl<K: PartialEq> Row<'_, K> {
    fn col(&self, key: K) -> (u16, &Column<K>) {
        let i = self
            .columns
            .iter()
            .position(|c| c.key == key)
            .expect("every key has a column");
        (i as u16, &self.columns[i])
    }

    fn str(&mut self, key: K, value: &str) -> Result<(), XlsxError> {
        if value.is_empty() {
            return Ok(());
        }
        let (col, c) = self.col(key);
        let f = self.styles.for_column(c).clone();
        self.ws.write_string_with_format(self.row, col, value, &f)?;
        Ok(())
    }

    fn num(&mut self, key: K, value: Option<f64>) -> Result<(), XlsxError> {
        if let Some(v) = value {
            let (col, _) = self.col(key);
            self.ws
                .write_number_with_format(self.row, col, v, &self.styles.plain)?;
        }
        Ok(())
    }

    /// An Excel time (a day fraction shown as hh:mm), so the clerk can type 8:20.
    fn time(&mut self, key: K, value: Option<TimeOfDay>) -> Result<(), XlsxError> {
        if let Some(t) = value {
            let (col, _) = self.col(key);
            let day = f64::from(t.minutes()) / 1440.0;
            self.ws
                .write_number_with_format(self.row, col, day, &self.styles.time)?;
        }
        Ok(())
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "是"
    } else {
        "否"
    }
}

fn template_sheet(ws: &mut Worksheet, t: &Template, s: &Styles) -> Result<(), ExportError> {
    ws.set_name(SHEET_TEMPLATE)?;
    ws.set_column_width(0, 14)?;
    ws.set_column_width(1, 90)?;
    ws.set_column_format(1, &s.wrap)?;
    ws.write_string_with_format(0, 0, TEMPLATE_HEADER[0], &s.header)?;
    ws.write_string_with_format(0, 1, TEMPLATE_HEADER[1], &s.header)?;
    ws.set_freeze_panes(1, 0)?;
    for (i, (field, name, _, required, help)) in TEMPLATE_FIELDS.iter().enumerate() {
        let row = i as u32 + 1;
        let f = if *required {
            &s.header_required
        } else {
            &s.header
        };
        ws.write_string_with_format(row, 0, *name, f)?;
        ws.insert_note(row, 0, &note(help))?;
        let value = match field {
            TemplateField::Version => {
                ws.write_number_with_format(row, 1, f64::from(t.version), &s.plain)?;
                continue;
            }
            TemplateField::Id => &t.id,
            TemplateField::Kind => &t.kind,
            TemplateField::Title => &t.title.zh,
            TemplateField::TitleEn => &t.title.en,
            TemplateField::Description => &t.description.zh,
            TemplateField::DescriptionEn => &t.description.en,
        };
        if !value.is_empty() {
            ws.write_string_with_format(row, 1, value, &s.wrap)?;
        }
    }
    Ok(())
}

fn items_sheet(ws: &mut Worksheet, t: &Template, s: &Styles) -> Result<(), ExportError> {
    ws.set_name(SHEET_ITEMS)?;
    let rows: u32 = t.sections.iter().map(|s| s.items.len().max(1) as u32).sum();
    lay_out(ws, ITEM_COLUMNS, rows, s)?;
    let answers: Vec<&str> = cells::ANSWER_WORDS.iter().map(|(_, w, _)| *w).collect();
    dropdown(ws, ITEM_COLUMNS, ItemCol::Answer, rows, &answers)?;
    dropdown(ws, ITEM_COLUMNS, ItemCol::Boarding, rows, &["是", "否"])?;
    dropdown(ws, ITEM_COLUMNS, ItemCol::Required, rows, &["是", "否"])?;
    dropdown(
        ws,
        ITEM_COLUMNS,
        ItemCol::Evidence,
        rows,
        &["无", "不符合时拍照", "必须拍照"],
    )?;
    dropdown(ws, ITEM_COLUMNS, ItemCol::Severity, rows, &["一般", "重大"])?;
    let mut row = 1;
    for section in &t.sections {
        if section.items.is_empty() {
            let mut r = Row {
                ws: &mut *ws,
                columns: ITEM_COLUMNS,
                row,
                styles: s,
            };
            section_cells(&mut r, section, true)?;
            row += 1;
        }
        for (i, item) in section.items.iter().enumerate() {
            let mut r = Row {
                ws: &mut *ws,
                columns: ITEM_COLUMNS,
                row,
                styles: s,
            };
            section_cells(&mut r, section, i == 0)?;
            item_cells(&mut r, item)?;
            row += 1;
        }
    }
    Ok(())
}

fn section_cells(r: &mut Row<ItemCol>, s: &Section, first: bool) -> Result<(), XlsxError> {
    r.str(ItemCol::SectionCode, &s.code)?;
    if first {
        r.str(ItemCol::SectionName, &s.title.zh)?;
        r.str(ItemCol::SectionNameEn, &s.title.en)?;
    }
    Ok(())
}

fn item_cells(r: &mut Row<ItemCol>, item: &Item) -> Result<(), XlsxError> {
    r.str(ItemCol::Code, &item.code)?;
    r.str(ItemCol::Prompt, &item.prompt.zh)?;
    r.str(ItemCol::PromptEn, &item.prompt.en)?;
    r.str(ItemCol::Help, &item.help.zh)?;
    r.str(ItemCol::HelpEn, &item.help.en)?;
    r.str(ItemCol::Answer, Shape::of(&item.answer).word())?;
    if let Some(unit) = item.answer.unit() {
        r.str(ItemCol::Unit, &unit.zh)?;
        r.str(ItemCol::UnitEn, &unit.en)?;
    }
    match &item.answer {
        AnswerKind::Number { min, max, .. } => {
            r.num(ItemCol::Min, *min)?;
            r.num(ItemCol::Max, *max)?;
        }
        AnswerKind::Count { min, max, .. } => {
            r.num(ItemCol::Min, min.map(f64::from))?;
            r.num(ItemCol::Max, max.map(f64::from))?;
        }
        AnswerKind::Time { earliest, latest } => {
            r.time(ItemCol::Min, *earliest)?;
            r.time(ItemCol::Max, *latest)?;
        }
        AnswerKind::Choice { options, .. } => {
            r.str(ItemCol::Options, &cells::format_options(options))?;
        }
        _ => {}
    }
    r.str(ItemCol::Rule, item.rule.as_deref().unwrap_or(""))?;
    if let Some(g) = item.grades {
        r.str(ItemCol::Grades, &cells::format_grades(g))?;
    }
    if let Some(st) = &item.stages {
        r.str(ItemCol::Stages, &cells::format_stages(st))?;
    }
    if let Some(b) = item.boarding {
        r.str(ItemCol::Boarding, yes_no(b))?;
    }
    r.str(
        ItemCol::Facilities,
        &cells::format_facilities(&item.facilities),
    )?;
    r.str(ItemCol::Required, yes_no(item.required))?;
    r.str(ItemCol::ShowIf, item.show_if.as_deref().unwrap_or(""))?;
    r.str(ItemCol::Evidence, cells::evidence_word(item.evidence))?;
    r.str(ItemCol::Severity, item.severity.zh())?;
    r.str(ItemCol::Basis, &cells::format_basis(&item.basis))?;
    Ok(())
}

fn rules_sheet(ws: &mut Worksheet, t: &Template, s: &Styles) -> Result<(), ExportError> {
    ws.set_name(SHEET_RULES)?;
    let rows: u32 = t.rules.iter().map(|r| r.bands.len().max(1) as u32).sum();
    lay_out(ws, RULE_COLUMNS, rows, s)?;
    let time_format = s.time.clone();
    for key in [RuleCol::NotBefore, RuleCol::NotAfter] {
        if let Some(col) = RULE_COLUMNS.iter().position(|c| c.key == key) {
            ws.set_column_format(col as u16, &time_format)?;
        }
    }
    let mut row = 1;
    for rule in &t.rules {
        let bands: Vec<Option<&Band>> = if rule.bands.is_empty() {
            vec![None]
        } else {
            rule.bands.iter().map(Some).collect()
        };
        for (i, band) in bands.into_iter().enumerate() {
            let mut r = Row {
                ws: &mut *ws,
                columns: RULE_COLUMNS,
                row,
                styles: s,
            };
            r.str(RuleCol::Id, &rule.id)?;
            if i == 0 {
                r.str(RuleCol::Measure, &rule.measure.zh)?;
                r.str(RuleCol::MeasureEn, &rule.measure.en)?;
                r.str(RuleCol::Basis, &cells::format_basis(&rule.basis))?;
            }
            if let Some(b) = band {
                r.str(RuleCol::Grades, &cells::format_grades(b.grades))?;
                if let Some(e) = b.enrolment {
                    r.str(RuleCol::Enrolment, &cells::format_enrolment(e))?;
                }
                r.str(RuleCol::Label, &b.label.zh)?;
                r.str(RuleCol::LabelEn, &b.label.en)?;
                r.num(RuleCol::Min, b.min)?;
                r.num(RuleCol::Max, b.max)?;
                if let Some(st) = b.step {
                    r.str(RuleCol::Step, &cells::format_step(st))?;
                }
                r.time(RuleCol::NotBefore, b.not_before)?;
                r.time(RuleCol::NotAfter, b.not_after)?;
            }
            row += 1;
        }
    }
    Ok(())
}

/// A short guide: every column of every sheet with what to write in it.
fn guide_sheet(ws: &mut Worksheet, s: &Styles) -> Result<(), ExportError> {
    ws.set_name(SHEET_GUIDE)?;
    ws.set_column_width(0, 10)?;
    ws.set_column_width(1, 16)?;
    ws.set_column_width(2, 6)?;
    ws.set_column_width(3, 90)?;
    ws.set_column_format(3, &s.wrap)?;
    ws.write_string_with_format(0, 0, "填写说明", &s.guide_title)?;
    let intro = [
        "“模板”表：模板的编号、版本、类别、标题和说明，每行一个字段。",
        "“检查项”表：一行一个检查项，按手机上显示的顺序排列；同一分区的行连在一起。",
        "“规则”表：一行一个档位（如 一二年级 / 三至六年级 / 初中）；同一规则的行连在一起。",
        "表头不要改名；可以调整列的顺序、删除可空的列，或加一列“备注”写自己的说明（导入时不读）。",
        "导入时会逐格检查，并报告出错的表、行和列。详细格式见 templates/EXCEL.md。",
    ];
    for (i, line) in intro.iter().enumerate() {
        ws.write_string(i as u32 + 1, 0, *line)?;
    }
    let mut row = intro.len() as u32 + 2;
    for (i, h) in ["表", "列", "必填", "填写说明"].iter().enumerate() {
        ws.write_string_with_format(row, i as u16, *h, &s.header)?;
    }
    row += 1;
    for (_, name, _, required, help) in TEMPLATE_FIELDS {
        guide_row(ws, row, SHEET_TEMPLATE, name, *required, help, s)?;
        row += 1;
    }
    for c in ITEM_COLUMNS {
        guide_row(ws, row, SHEET_ITEMS, c.header, c.required, c.help, s)?;
        row += 1;
    }
    for c in RULE_COLUMNS {
        guide_row(ws, row, SHEET_RULES, c.header, c.required, c.help, s)?;
        row += 1;
    }
    Ok(())
}

fn guide_row(
    ws: &mut Worksheet,
    row: u32,
    sheet: &str,
    name: &str,
    required: bool,
    help: &str,
    s: &Styles,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, 0, sheet, &s.plain)?;
    ws.write_string_with_format(row, 1, name, &s.plain)?;
    ws.write_string_with_format(row, 2, if required { "是" } else { "" }, &s.plain)?;
    ws.write_string_with_format(row, 3, help, &s.wrap)?;
    Ok(())
}
