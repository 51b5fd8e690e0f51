//! CSV files that staff open in Excel: a byte-order mark so that Excel reads
//! UTF-8, and no cell that Excel would run as a formula. Partner records
//! and staff text reach these files (event ids, names, reasons), and a cell
//! starting with `=`, `+`, `-` or `@` would be evaluated on opening
//! (formula injection); such a cell is written with a leading `'`, which
//! Excel shows as plain text. Numbers, negative ones included, stay numbers.

use anyhow::Result;
use std::borrow::Cow;

/// Characters that make Excel read a cell as a formula (tab and carriage
/// return as well, which some versions strip before looking).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as it is safe to write.
pub fn plain_cell(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some(first) if FORMULA_STARTS.contains(&first) && text.trim().parse::<f64>().is_err() => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

/// A CSV file being written in memory.
pub struct CsvFile {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvFile {
    /// A file that starts with the byte-order mark Excel needs.
    pub fn new() -> Self {
        Self { writer: csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec()) }
    }

    /// A continuation of a streamed file, without the mark.
    pub fn continued() -> Self {
        Self { writer: csv::Writer::from_writer(Vec::new()) }
    }

    /// Writes one row, each cell made plain.
    pub fn row<I, S>(&mut self, cells: I) -> Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells.into_iter().map(|c| plain_cell(c.as_ref()).into_owned()).collect();
        Ok(self.writer.write_record(&cells)?)
    }

    /// The bytes written.
    pub fn finish(self) -> Result<Vec<u8>> {
        self.writer.into_inner().map_err(|e| anyhow::anyhow!("writing a CSV file: {e}"))
    }
}

impl Default for CsvFile {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r8_1_cells_that_excel_would_run_are_written_as_text() {
        let cases = [
            ("=HYPERLINK(\"http://x\",\"看\")", "'=HYPERLINK(\"http://x\",\"看\")"),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("-100", "-100"),
            ("+3.5", "+3.5"),
            ("2026-01-01", "2026-01-01"),
            ("张三", "张三"),
            ("", ""),
        ];
        for (cell, written) in cases {
            assert_eq!(plain_cell(cell), written, "{cell:?}");
        }
    }

    #[test]
    fn a_file_starts_with_the_byte_order_mark_and_a_continuation_does_not() {
        let mut file = CsvFile::new();
        file.row(["a", "=b"]).unwrap();
        assert_eq!(file.finish().unwrap(), b"\xEF\xBB\xBFa,'=b\n");
        let mut more = CsvFile::continued();
        more.row(["c"]).unwrap();
        assert_eq!(more.finish().unwrap(), b"c\n");
    }
}
