//! Reading one delimited text file: byte order marks, the delimiter (comma, tab or
//! semicolon, as Excel and the API write them), the header, and the rows with the
//! physical line each starts on (LF, CRLF or CR line ends alike). Quoted fields (with
//! commas or line breaks inside) are the `csv` crate's job.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use capscore_core::text::{LineMeter, MAX_RECORD_BYTES, check_text};
use csv::{ByteRecord, ReaderBuilder, StringRecord};

use crate::error::Problem;

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];
/// How much of a file is looked at to find its delimiter.
const SNIFF_BYTES: u64 = 64 * 1024;

/// What the start of a file says about it.
#[derive(Debug)]
pub(crate) enum Opened {
    /// Delimited text with a header.
    Table {
        /// The field delimiter.
        delimiter: u8,
        /// Header names as written (byte order mark removed, trimmed).
        header: Vec<String>,
    },
    /// Not something to import; why.
    NotTable(String),
}

/// Looks at a file's first line: encoding, delimiter and header.
///
/// # Errors
/// A problem when the file cannot be read, or is UTF-16 (a Partner Center file saved
/// again by a spreadsheet program in the wrong encoding: worth stopping for).
pub(crate) fn open(path: &Path, file: &str) -> Result<Opened, Problem> {
    let io = |e: std::io::Error| Problem::file(file, format!("cannot read the file: {e}"));
    let mut head = Vec::new();
    File::open(path)
        .map_err(io)?
        .take(SNIFF_BYTES)
        .read_to_end(&mut head)
        .map_err(io)?;
    if head.is_empty() {
        return Ok(Opened::NotTable("the file is empty".to_string()));
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(Problem::at(
            file,
            1,
            None,
            "the file is UTF-16 encoded: save it as UTF-8 (CSV UTF-8 in Excel)".to_string(),
        ));
    }
    let body = head.strip_prefix(UTF8_BOM).unwrap_or(&head);
    let line = body.split(|b| *b == b'\n').next().unwrap_or(body);
    let first_line = line.strip_suffix(b"\r").unwrap_or(line);
    if first_line.contains(&0) {
        return Ok(Opened::NotTable("not a text file".to_string()));
    }
    let Ok(text) = std::str::from_utf8(first_line) else {
        return Ok(Opened::NotTable(
            "the first line is not UTF-8 text".to_string(),
        ));
    };
    let delimiter = guess_delimiter(text);
    let mut reader = ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => {}
        Ok(false) => return Ok(Opened::NotTable("the file is empty".to_string())),
        Err(e) => return Ok(Opened::NotTable(format!("the header cannot be read: {e}"))),
    }
    let header: Vec<String> = record.iter().map(|h| h.trim().to_string()).collect();
    if header.iter().all(String::is_empty) {
        return Ok(Opened::NotTable("the first line is empty".to_string()));
    }
    Ok(Opened::Table { delimiter, header })
}

/// The delimiter of a header line: the most frequent of tab, semicolon and comma
/// outside quotes (comma on a tie).
fn guess_delimiter(line: &str) -> u8 {
    let (mut quoted, mut counts) = (false, [0usize; 3]);
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            '\t' if !quoted => counts[1] += 1,
            ';' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let [comma, tab, semicolon] = counts;
    if tab > comma && tab >= semicolon {
        b'\t'
    } else if semicolon > comma && semicolon > tab {
        b';'
    } else {
        b','
    }
}

/// One data row: its fields and the line it starts on.
pub(crate) struct RawRow<'a> {
    /// Physical line where the record starts (the header is line 1).
    pub line: u64,
    /// The fields.
    pub record: &'a StringRecord,
}

/// Reads every data row of a table file, calling `on_row` for each. Structural
/// problems (text that is not UTF-8 or holds a NUL byte, a field or row over the size
/// bounds of [`capscore_core::text`], a row with fewer fields than the header, or
/// with more that are not empty) are pushed to `problems` with their line and column,
/// and the row is passed over. Lines are physical lines (LF, CRLF or CR line ends).
/// Returns the number of data rows seen.
pub(crate) fn rows(
    path: &Path,
    file: &str,
    delimiter: u8,
    header: &[String],
    problems: &mut Vec<Problem>,
    on_row: &mut dyn FnMut(&RawRow<'_>),
) -> u64 {
    let handle = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            problems.push(Problem::file(file, format!("cannot read the file: {e}")));
            return 0;
        }
    };
    let mut buffered = BufReader::new(handle);
    if let Ok(buf) = buffered.fill_buf()
        && buf.starts_with(UTF8_BOM)
    {
        buffered.consume(UTF8_BOM.len());
    }
    let (meter, metered) = LineMeter::new(buffered);
    let mut reader = ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(metered);
    let mut raw = ByteRecord::new();
    let mut record = StringRecord::new();
    let mut seen = 0u64;
    let mut first = true;
    loop {
        let next_start = reader.position().byte();
        match reader.read_byte_record(&mut raw) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = Some(meter.line_at(next_start));
                let message = if meter.overflowed() {
                    format!(
                        "a row is longer than {MAX_RECORD_BYTES} bytes: is this a table file? \
                         (a quote left open makes the rest of the file one field)"
                    )
                } else {
                    format!("cannot read the file: {e}")
                };
                problems.push(Problem {
                    file: file.to_string(),
                    line,
                    column: None,
                    message,
                });
                break;
            }
        }
        meter.record_starts_at(reader.position().byte());
        let line = meter.line_at(raw.position().map_or(next_start, csv::Position::byte));
        if std::mem::take(&mut first) {
            // The header, read by `open`.
            continue;
        }
        seen += 1;
        match text_record(&raw, &mut record) {
            Ok(()) => {}
            Err((i, message)) => {
                problems.push(Problem {
                    file: file.to_string(),
                    line: Some(line),
                    column: header.get(i).cloned(),
                    message,
                });
                continue;
            }
        }
        if record.len() < header.len() {
            let quote_hint = if record.iter().any(|f| f.contains('\n')) {
                " (a quote that never closes?)"
            } else {
                ""
            };
            problems.push(Problem {
                file: file.to_string(),
                line: Some(line),
                column: None,
                message: format!(
                    "the row has {} fields, the header has {}{quote_hint}",
                    record.len(),
                    header.len()
                ),
            });
            continue;
        }
        if record.len() > header.len()
            && record
                .iter()
                .skip(header.len())
                .any(|f| !f.trim().is_empty())
        {
            problems.push(Problem {
                file: file.to_string(),
                line: Some(line),
                column: None,
                message: format!(
                    "the row has {} fields, the header has {} (an unquoted delimiter in a value?)",
                    record.len(),
                    header.len()
                ),
            });
            continue;
        }
        on_row(&RawRow {
            line,
            record: &record,
        });
    }
    seen
}

/// The fields of a record as text: every field UTF-8 and within the shared text
/// rules (no NUL, bounded size). The index of the first bad field and why.
fn text_record(raw: &ByteRecord, out: &mut StringRecord) -> Result<(), (usize, String)> {
    out.clear();
    for (i, field) in raw.iter().enumerate() {
        let s = std::str::from_utf8(field).map_err(|e| {
            (
                i,
                format!(
                    "not valid UTF-8 text: byte 0x{:02X} at byte {} of the value (save the file as UTF-8)",
                    field.get(e.valid_up_to()).copied().unwrap_or(0),
                    e.valid_up_to() + 1
                ),
            )
        })?;
        check_text(s).map_err(|m| (i, m))?;
        out.push_field(s);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_are_guessed_outside_quotes() {
        assert_eq!(guess_delimiter("a,b,c"), b',');
        assert_eq!(guess_delimiter("a\tb\tc"), b'\t');
        assert_eq!(guess_delimiter("a;b;c"), b';');
        assert_eq!(guess_delimiter("\"a;b;c\",d"), b',');
        assert_eq!(guess_delimiter("single"), b',');
    }
}
