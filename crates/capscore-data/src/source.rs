//! What CSV and Parquet tables have in common: the expected columns, header
//! resolution, and the view of one row (trimmed text cells) with the field parsers that
//! report problems at the row's line and column.

use std::path::PathBuf;

use capscore_core::{
    MAX_FRACTION_DIGITS, MAX_INTEGER_DIGITS, MAX_YEAR, MIN_YEAR, Month, NaiveDate, Num, parse_date,
    parse_decimal,
};

use crate::diag::{Diagnostic, Diags, quoted};

/// Most columns any table has.
pub(crate) const MAX_COLS: usize = 8;

/// A column a table knows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    /// Lower-case name.
    pub(crate) name: &'static str,
    /// Whether the column must be in the header and every row must fill it.
    pub(crate) required: bool,
    /// Whether the column holds free text (a name, a title) that may span lines and
    /// hold any character but NUL; every other column holds an id or a coded value,
    /// with no control character (see [`capscore_core::text::check_code`]).
    pub(crate) text: bool,
    /// How the table reads the column's values (a Parquet reader gives values of a
    /// matching type without a text round trip).
    pub(crate) kind: Kind,
}

/// How a table reads a column's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Text: an id, a coded value or free text.
    Text,
    /// A date `YYYY-MM-DD`.
    Date,
    /// A month `YYYY-MM`.
    Month,
    /// A whole number >= 0.
    Whole,
    /// An exact decimal.
    Decimal,
}

/// A required column.
pub(crate) const fn req(name: &'static str) -> Column {
    Column {
        name,
        required: true,
        text: false,
        kind: Kind::Text,
    }
}

/// An optional column.
pub(crate) const fn opt(name: &'static str) -> Column {
    Column {
        name,
        required: false,
        text: false,
        kind: Kind::Text,
    }
}

impl Column {
    /// The same column, holding free text.
    pub(crate) const fn text(self) -> Column {
        Column { text: true, ..self }
    }

    /// The same column, read with the given kind.
    pub(crate) const fn of(self, kind: Kind) -> Column {
        Column { kind, ..self }
    }
}

/// A cell given as a typed value instead of text, by a reader that found it valid by
/// the very rules the text would be checked with (a Parquet integer, decimal or date
/// column, or a dictionary entry parsed once). Only values that the text parsers
/// would accept without a problem or warning are given typed; any other value comes as
/// text, so that every problem is found and worded by one set of parsers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Typed {
    /// No typed value: read the text cell.
    #[default]
    None,
    /// A whole number >= 0.
    Whole(u64),
    /// An exact decimal >= 0.
    Decimal(Num),
    /// A date of the accepted range.
    Date(NaiveDate),
    /// A month of the accepted range.
    Month(Month),
}

/// Where a cell's text comes from in a dictionary-encoded column: the dictionary (a
/// number unique within the file's read) and the entry. Rows with the same key hold
/// the same text, so what is derived from the text may be derived once per entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DictKey {
    /// The dictionary, numbered from 1 as met.
    pub(crate) dict: u32,
    /// The entry.
    pub(crate) key: u32,
}

/// The file format of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// Apache Parquet.
    Parquet,
}

/// Where a table's bytes are.
#[derive(Debug, Clone)]
pub(crate) enum Data<'a> {
    /// A file on disk, streamed.
    Path(PathBuf),
    /// Bytes in memory.
    Bytes(&'a [u8]),
}

/// One table file to read.
#[derive(Debug, Clone)]
pub(crate) struct Input<'a> {
    /// Table name (`"m365_usage"`).
    pub(crate) table: &'static str,
    /// File name as given (`"m365_usage.csv"`).
    pub(crate) file: String,
    /// CSV or Parquet.
    pub(crate) format: Format,
    /// The bytes.
    pub(crate) data: Data<'a>,
}

impl Input<'_> {
    /// A problem about this file.
    pub(crate) fn diag(
        &self,
        line: Option<u64>,
        column: Option<&str>,
        message: String,
    ) -> Diagnostic {
        Diagnostic {
            table: self.table.to_string(),
            file: self.file.clone(),
            line,
            column: column.map(str::to_string),
            message,
        }
    }
}

/// The header of a file matched against a table's columns.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    /// For each column of the file, the table column (slot) it fills, if any.
    pub(crate) slot_of: Vec<Option<usize>>,
    /// For each slot, the file column that fills it, if any.
    pub(crate) source_of: Vec<Option<usize>>,
    /// For each slot, the column name as written in the file (the table's name when absent).
    pub(crate) names: Vec<String>,
}

/// Matches header names (case-insensitively, trimmed) to the table's columns. Reports
/// unknown columns as warnings, duplicate and missing required columns as problems;
/// `None` when the table cannot be read.
pub(crate) fn resolve_header(
    input: &Input<'_>,
    header: &[String],
    columns: &[Column],
    header_line: Option<u64>,
    diags: &mut Diags,
) -> Option<Header> {
    let mut slot_of = vec![None; header.len()];
    let mut source_of: Vec<Option<usize>> = vec![None; columns.len()];
    let mut names: Vec<String> = columns.iter().map(|c| c.name.to_string()).collect();
    let mut ok = true;
    for (i, raw) in header.iter().enumerate() {
        let name = raw.trim();
        let lower = name.to_lowercase();
        if let Some(slot) = columns.iter().position(|c| c.name == lower) {
            if let Some(first) = source_of.get(slot).copied().flatten() {
                diags.error(input.diag(
                    header_line,
                    Some(name),
                    format!(
                        "column {name:?} appears twice in the header (columns {} and {})",
                        first + 1,
                        i + 1
                    ),
                ));
                ok = false;
            } else {
                if let Some(s) = source_of.get_mut(slot) {
                    *s = Some(i);
                }
                if let Some(n) = names.get_mut(slot) {
                    *n = name.to_string();
                }
                if let Some(s) = slot_of.get_mut(i) {
                    *s = Some(slot);
                }
            }
        } else {
            let known: Vec<&str> = columns.iter().map(|c| c.name).collect();
            let what = if name.is_empty() {
                format!("column {} has no name and is ignored", i + 1)
            } else {
                format!(
                    "unknown column {} ignored (known columns: {})",
                    quoted(name),
                    known.join(", ")
                )
            };
            diags.warn(input.diag(header_line, Some(name), what));
        }
    }
    for (slot, col) in columns.iter().enumerate() {
        if col.required && source_of.get(slot).copied().flatten().is_none() {
            let found: Vec<&str> = header.iter().map(|h| h.trim()).collect();
            diags.error(input.diag(
                header_line,
                Some(col.name),
                format!(
                    "required column {:?} is missing (the header has: {})",
                    col.name,
                    if found.is_empty() {
                        "no columns".to_string()
                    } else {
                        found.join(", ")
                    }
                ),
            ));
            ok = false;
        }
    }
    ok.then_some(Header {
        slot_of,
        source_of,
        names,
    })
}

/// Checks one cell's text by the rules of its column (shared with the importer):
/// free text may hold anything but NUL, ids and coded values no control character;
/// both are bounded in size. A file column the table does not know (`None`) is checked
/// as free text. Returns the message when bad.
pub(crate) fn check_cell(column: Option<&Column>, s: &str) -> Result<(), String> {
    match column {
        Some(c) if !c.text => capscore_core::text::check_code(s),
        _ => capscore_core::text::check_text(s),
    }
}

/// The message for bytes that are not UTF-8.
pub(crate) fn utf8_message(bytes: &[u8], err: &std::str::Utf8Error) -> String {
    let at = err.valid_up_to();
    let byte = bytes.get(at).copied().unwrap_or(0);
    format!(
        "not valid UTF-8: byte 0x{byte:02X} at byte {} of the value; save the file as UTF-8 \
         (Latin-1 / Windows-1252 text is not accepted)",
        at + 1
    )
}

/// One data row being read: its trimmed cells (by slot) and the means to report a
/// problem at its line and column.
pub(crate) struct RowCtx<'r> {
    /// The file.
    pub(crate) input: &'r Input<'r>,
    /// CSV line / Parquet row.
    pub(crate) line: u64,
    /// Trimmed, non-empty cell text by slot.
    pub(crate) cells: &'r [Option<&'r str>],
    /// Typed values by slot (empty for CSV): when a slot holds one, its text cell is
    /// empty.
    pub(crate) typed: &'r [Typed],
    /// Dictionary entries of text cells by slot (empty for CSV).
    pub(crate) keys: &'r [Option<DictKey>],
    /// Rows the file holds, when known before reading (Parquet), else 0: a size to
    /// reserve (only the memory filled is ever touched).
    pub(crate) rows_hint: usize,
    /// Column names by slot, as written in the header.
    pub(crate) names: &'r [String],
    /// By slot: whether the Parquet column holds dates (a month column may then hold
    /// any date of the month).
    pub(crate) date_typed: &'r [bool],
    /// Where problems go.
    pub(crate) diags: &'r mut Diags,
    /// Whether a problem was found in this row (it is then not stored).
    pub(crate) failed: bool,
}

impl<'r> RowCtx<'r> {
    /// The line, as stored in the model.
    pub(crate) fn line32(&self) -> u32 {
        u32::try_from(self.line).unwrap_or(u32::MAX)
    }

    /// The cell of a slot, `None` when absent or empty.
    pub(crate) fn get(&self, slot: usize) -> Option<&'r str> {
        self.cells.get(slot).copied().flatten()
    }

    /// The typed value of a slot, if the reader gave one.
    fn typed(&self, slot: usize) -> Typed {
        self.typed.get(slot).copied().unwrap_or_default()
    }

    /// The dictionary entry of a slot's text, if any.
    pub(crate) fn key(&self, slot: usize) -> Option<DictKey> {
        self.keys.get(slot).copied().flatten()
    }

    fn diag(&self, slot: Option<usize>, message: String) -> Diagnostic {
        let column = slot.and_then(|s| self.names.get(s)).map(String::as_str);
        self.input.diag(Some(self.line), column, message)
    }

    /// Reports a problem in a column of this row.
    pub(crate) fn error(&mut self, slot: usize, message: String) {
        let d = self.diag(Some(slot), message);
        self.diags.error(d);
        self.failed = true;
    }

    /// Reports a warning in a column of this row.
    pub(crate) fn warn(&mut self, slot: usize, message: String) {
        let d = self.diag(Some(slot), message);
        self.diags.warn(d);
    }

    /// The cell of a required column (`""` and a problem when empty).
    pub(crate) fn required(&mut self, slot: usize) -> &'r str {
        if let Some(s) = self.get(slot) {
            s
        } else {
            self.error(slot, "empty value in a required column".to_string());
            ""
        }
    }

    /// A required date.
    pub(crate) fn date(&mut self, slot: usize) -> NaiveDate {
        if let Typed::Date(d) = self.typed(slot) {
            return d;
        }
        match self.get(slot) {
            None => {
                self.error(
                    slot,
                    "empty value in a required column (a date YYYY-MM-DD is expected)".to_string(),
                );
                NaiveDate::MIN
            }
            Some(s) => self.parse_date_at(slot, s).unwrap_or(NaiveDate::MIN),
        }
    }

    /// An optional date.
    pub(crate) fn opt_date(&mut self, slot: usize) -> Option<NaiveDate> {
        if let Typed::Date(d) = self.typed(slot) {
            return Some(d);
        }
        let s = self.get(slot)?;
        self.parse_date_at(slot, s)
    }

    fn parse_date_at(&mut self, slot: usize, s: &str) -> Option<NaiveDate> {
        if let Ok(d) = parse_date(s) {
            Some(d)
        } else {
            self.error(slot, date_message(s));
            None
        }
    }

    /// A required month (`YYYY-MM`; a Parquet date column gives the month of its dates).
    pub(crate) fn month(&mut self, slot: usize) -> Month {
        if let Typed::Month(m) = self.typed(slot) {
            return m;
        }
        let fallback = Month::of(NaiveDate::MIN);
        let Some(s) = self.get(slot) else {
            self.error(
                slot,
                "empty value in a required column (a month YYYY-MM is expected)".to_string(),
            );
            return fallback;
        };
        if let Ok(m) = s.parse::<Month>() {
            return m;
        }
        if self.date_typed.get(slot).copied().unwrap_or(false)
            && let Ok(d) = parse_date(s)
        {
            return Month::of(d);
        }
        self.error(slot, month_message(s));
        fallback
    }

    /// A required whole number >= 0 (`12`, also `12.0`).
    pub(crate) fn whole(&mut self, slot: usize) -> u64 {
        if let Typed::Whole(n) = self.typed(slot) {
            return n;
        }
        let Some(s) = self.get(slot) else {
            self.error(
                slot,
                "empty value in a required column (a whole number is expected)".to_string(),
            );
            return 0;
        };
        // Fast path: plain digits.
        if s.len() <= 19 && s.bytes().all(|b| b.is_ascii_digit()) {
            return s.parse().unwrap_or(0);
        }
        let Ok(v) = parse_decimal(s) else {
            self.error(slot, format!("not a whole number: {}", quoted(s)));
            return 0;
        };
        if v < Num::from_integer(0) {
            let name = self.names.get(slot).cloned().unwrap_or_default();
            self.error(
                slot,
                format!(
                    "negative {name}: {} (units, seats and users cannot be negative)",
                    quoted(s)
                ),
            );
            return 0;
        }
        if !v.is_integer() {
            self.error(slot, format!("not a whole number: {}", quoted(s)));
            return 0;
        }
        if let Ok(n) = u64::try_from(v.to_integer()) {
            n
        } else {
            self.error(slot, format!("number too large: {}", quoted(s)));
            0
        }
    }

    /// A required exact decimal (negative allowed).
    pub(crate) fn decimal(&mut self, slot: usize) -> Num {
        if let Typed::Decimal(v) = self.typed(slot) {
            return v;
        }
        let Some(s) = self.get(slot) else {
            self.error(
                slot,
                "empty value in a required column (a number is expected)".to_string(),
            );
            return Num::from_integer(0);
        };
        self.parse_decimal_at(slot, s)
    }

    /// An optional exact decimal, 0 when empty; `non_negative` rejects values below 0.
    pub(crate) fn opt_decimal(&mut self, slot: usize, non_negative: bool) -> Num {
        if let Typed::Decimal(v) = self.typed(slot) {
            return v;
        }
        let Some(s) = self.get(slot) else {
            return Num::from_integer(0);
        };
        let v = self.parse_decimal_at(slot, s);
        if non_negative && v < Num::from_integer(0) {
            let name = self.names.get(slot).cloned().unwrap_or_default();
            self.error(
                slot,
                format!("negative {name}: {} (units cannot be negative)", quoted(s)),
            );
        }
        v
    }

    fn parse_decimal_at(&mut self, slot: usize, s: &str) -> Num {
        if let Ok(v) = parse_decimal(s) {
            v
        } else {
            self.error(
                slot,
                format!(
                    "not a number: {} (a plain decimal such as 1234.56 is expected: no \
                     exponent, no thousands separator, at most {MAX_INTEGER_DIGITS} digits \
                     before the decimal point and {MAX_FRACTION_DIGITS} after it)",
                    quoted(s)
                ),
            );
            Num::from_integer(0)
        }
    }
}

/// Why a value is not a date: the form, the year range or the calendar.
fn date_message(s: &str) -> String {
    let b = s.as_bytes();
    let form = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    let year = s.get(..4).and_then(|y| y.parse::<i32>().ok());
    match year {
        Some(y) if form && !(MIN_YEAR..=MAX_YEAR).contains(&y) => format!(
            "date out of range: {} (years {MIN_YEAR} to {MAX_YEAR} are accepted)",
            quoted(s)
        ),
        _ if form => format!("not a calendar date: {}", quoted(s)),
        _ => format!("not a date of the form YYYY-MM-DD: {}", quoted(s)),
    }
}

/// Why a value is not a month: the form, the year range or the month number.
fn month_message(s: &str) -> String {
    let b = s.as_bytes();
    let form = b.len() == 7
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    let year = s.get(..4).and_then(|y| y.parse::<i32>().ok());
    match year {
        Some(y) if form && !(MIN_YEAR..=MAX_YEAR).contains(&y) => format!(
            "month out of range: {} (years {MIN_YEAR} to {MAX_YEAR} are accepted)",
            quoted(s)
        ),
        _ if form => format!("not a month (01 to 12): {}", quoted(s)),
        _ => format!("not a month of the form YYYY-MM: {}", quoted(s)),
    }
}
