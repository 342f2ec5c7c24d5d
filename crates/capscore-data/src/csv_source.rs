//! Streaming CSV tables: header row, UTF-8 checked field by field, ragged rows,
//! quotes that never close or that merge rows reported with their line, and rows
//! bounded in size. Lines are physical lines (LF, CRLF or CR), the header is line 1.

use std::fs::File;
use std::io::{self, Read};

use csv::{ByteRecord, ReaderBuilder};

use crate::diag::Diags;
use capscore_core::text::{LineMeter, MAX_RECORD_BYTES};

use crate::source::{
    Column, Data, Input, MAX_COLS, RowCtx, check_cell, resolve_header, utf8_message,
};

/// How a file starts.
enum Start {
    /// Nothing at all.
    Empty,
    /// UTF-16 byte order mark.
    Utf16,
    /// Anything else; the bytes read so far (without a UTF-8 BOM).
    Text(Vec<u8>),
}

/// Reads the first bytes of a stream to find a byte order mark.
fn sniff<R: Read>(r: &mut R) -> io::Result<Start> {
    let mut head = [0u8; 4];
    let mut n = 0;
    while n < head.len() {
        let Some(rest) = head.get_mut(n..) else { break };
        match r.read(rest) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let got = head.get(..n).unwrap_or(&[]);
    if got.is_empty() {
        return Ok(Start::Empty);
    }
    if got.starts_with(&[0xFF, 0xFE]) || got.starts_with(&[0xFE, 0xFF]) {
        return Ok(Start::Utf16);
    }
    let body = got.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(got);
    Ok(Start::Text(body.to_vec()))
}

/// Reads one CSV table, calling `on_row` for each data row whose fields are valid
/// text. Returns whether the header could be read (all required columns present).
pub(crate) fn read_csv(
    input: &Input<'_>,
    columns: &[Column],
    diags: &mut Diags,
    on_row: &mut dyn FnMut(&mut RowCtx<'_>),
) -> bool {
    match &input.data {
        Data::Path(path) => match File::open(path) {
            Ok(f) => read_stream(f, input, columns, diags, on_row),
            Err(e) => {
                diags.error(input.diag(None, None, format!("cannot open the file: {e}")));
                false
            }
        },
        Data::Bytes(b) => read_stream(*b, input, columns, diags, on_row),
    }
}

fn read_stream<R: Read>(
    mut raw: R,
    input: &Input<'_>,
    columns: &[Column],
    diags: &mut Diags,
    on_row: &mut dyn FnMut(&mut RowCtx<'_>),
) -> bool {
    let head = match sniff(&mut raw) {
        Ok(Start::Text(head)) => head,
        Ok(Start::Empty) => {
            diags.error(input.diag(
                None,
                None,
                "the file is empty: a header row is expected".to_string(),
            ));
            return false;
        }
        Ok(Start::Utf16) => {
            diags.error(input.diag(
                Some(1),
                None,
                "the file is UTF-16 encoded; save it as UTF-8".to_string(),
            ));
            return false;
        }
        Err(e) => {
            diags.error(input.diag(None, None, format!("cannot read the file: {e}")));
            return false;
        }
    };
    let (meter, metered) = LineMeter::new(io::Cursor::new(head).chain(raw));
    let mut reader = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(metered);
    let too_long = |line: u64| {
        input.diag(
            Some(line),
            None,
            format!(
                "the row is longer than {MAX_RECORD_BYTES} bytes: is this a table file? \
                 (a row of any table is far shorter; a quote left open makes the rest of the \
                 file one field)"
            ),
        )
    };

    let mut record = ByteRecord::new();
    // Header.
    match reader.read_byte_record(&mut record) {
        Ok(true) => {}
        Ok(false) => {
            diags.error(input.diag(
                None,
                None,
                "the file is empty: a header row is expected".to_string(),
            ));
            return false;
        }
        Err(_) if meter.overflowed() => {
            diags.error(too_long(1));
            return false;
        }
        Err(e) => {
            diags.error(input.diag(Some(1), None, format!("cannot read the header: {e}")));
            return false;
        }
    }
    let header_line = meter.line_at(record.position().map_or(0, csv::Position::byte));
    meter.record_starts_at(reader.position().byte());
    let mut header = Vec::with_capacity(record.len());
    for (i, field) in record.iter().enumerate() {
        match std::str::from_utf8(field) {
            Ok(s) => {
                if let Err(msg) = check_cell(None, s) {
                    diags.error(input.diag(
                        Some(header_line),
                        None,
                        format!("header field {}: {msg}", i + 1),
                    ));
                    return false;
                }
                header.push(s.trim().to_string());
            }
            Err(e) => {
                diags.error(input.diag(
                    Some(header_line),
                    None,
                    format!("header field {}: {}", i + 1, utf8_message(field, &e)),
                ));
                return false;
            }
        }
    }
    let Some(resolved) = resolve_header(input, &header, columns, Some(header_line), diags) else {
        return false;
    };
    let width = header.len();
    let date_typed = [false; MAX_COLS];

    // A ragged row whose last field spans lines: reported once we know whether a quote
    // was left open (then that is the message).
    let mut pending: Option<crate::diag::Diagnostic> = None;
    // Line of the last record when its last field holds a line break.
    let mut last_multiline: Option<u64> = None;
    loop {
        let next_start = reader.position().byte();
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) if meter.overflowed() => {
                if let Some(p) = pending.take() {
                    diags.error(p);
                }
                diags.error(too_long(meter.line_at(next_start)));
                return true;
            }
            Err(e) => {
                let line = meter.line_at(next_start);
                diags.error(input.diag(Some(line), None, format!("cannot read the file: {e}")));
                return true;
            }
        }
        meter.record_starts_at(reader.position().byte());
        if let Some(p) = pending.take() {
            diags.error(p);
        }
        let line = meter.line_at(record.position().map_or(next_start, csv::Position::byte));
        let multiline = record
            .iter()
            .next_back()
            .is_some_and(|f| f.iter().any(|b| *b == b'\n' || *b == b'\r'));
        last_multiline = multiline.then_some(line);
        if record.len() != width {
            let d = input.diag(
                Some(line),
                None,
                format!(
                    "wrong number of fields: {} (the header has {width}){}",
                    record.len(),
                    if multiline {
                        "; a field spans several lines: is a quote left open?"
                    } else {
                        ""
                    }
                ),
            );
            if multiline {
                pending = Some(d);
            } else {
                diags.error(d);
            }
            continue;
        }
        if let Some(msg) = merged_rows(&record, &resolved, columns, width) {
            // Held like a ragged row: a quote that never closes says it better.
            let column = msg.0.map(|i| resolved_name(&resolved, &header, i));
            pending = Some(input.diag(Some(line), column, msg.1));
            continue;
        }
        let mut cells: [Option<&str>; MAX_COLS] = [None; MAX_COLS];
        let mut bad = false;
        for (i, field) in record.iter().enumerate() {
            let slot = resolved.slot_of.get(i).copied().flatten();
            let column = slot.and_then(|s| columns.get(s));
            let checked = std::str::from_utf8(field)
                .map_err(|e| utf8_message(field, &e))
                .and_then(|s| check_cell(column, s).map(|()| s));
            let text = match checked {
                Ok(s) => s,
                Err(msg) => {
                    let column = resolved_name(&resolved, &header, i);
                    diags.error(input.diag(Some(line), Some(column), msg));
                    bad = true;
                    break;
                }
            };
            if let Some(slot) = slot
                && let Some(cell) = cells.get_mut(slot)
            {
                let t = text.trim();
                *cell = (!t.is_empty()).then_some(t);
            }
        }
        if bad {
            continue;
        }
        let mut ctx = RowCtx {
            input,
            line,
            cells: &cells,
            names: &resolved.names,
            date_typed: &date_typed,
            typed: &[],
            keys: &[],
            rows_hint: 0,
            diags,
            failed: false,
        };
        on_row(&mut ctx);
    }
    drop(reader);
    let unclosed = last_multiline.filter(|_| meter.last_byte() != Some(b'"'));
    match (unclosed, pending) {
        (Some(line), _) => diags.error(input.diag(
            Some(line),
            None,
            "a quote opened in this record never closes: the rest of the file was read as one field"
                .to_string(),
        )),
        (None, Some(p)) => diags.error(p),
        (None, None) => {}
    }
    true
}

/// Whether quoting merged several lines of the file into this one row: a field that
/// spans lines in a column that is not free text (an id or a coded value never holds
/// a line break), or a free-text field one of whose further lines holds as many
/// delimiters as a row of the table (a name may span lines, even with a comma). Returns the file column at fault and the message.
fn merged_rows(
    record: &ByteRecord,
    resolved: &crate::source::Header,
    columns: &[Column],
    width: usize,
) -> Option<(Option<usize>, String)> {
    for (i, field) in record.iter().enumerate() {
        let breaks = field.iter().filter(|b| **b == b'\n').count()
            + field
                .windows(2)
                .filter(|w| w.first() == Some(&b'\r') && w.get(1) != Some(&b'\n'))
                .count()
            + usize::from(field.last() == Some(&b'\r'));
        if breaks == 0 {
            continue;
        }
        let text = resolved
            .slot_of
            .get(i)
            .copied()
            .flatten()
            .and_then(|s| columns.get(s))
            .is_some_and(|c| c.text);
        let looks_like_rows = width > 1
            && field
                .split(|b| *b == b'\n' || *b == b'\r')
                .skip(1)
                .any(|l| l.iter().filter(|b| **b == b',').count() >= width - 1);
        if !text || looks_like_rows {
            return Some((
                Some(i),
                format!(
                    "a quote opened on this line spans {} line breaks inside one field{}: \
                     the lines after it were read as part of this row, not as rows; is a quote \
                     left open or a stray quote in a value?",
                    breaks,
                    if text {
                        " and the lines inside it look like rows"
                    } else {
                        " of a column that holds no line breaks"
                    }
                ),
            ));
        }
    }
    None
}

/// The header name of a file column, for messages.
fn resolved_name<'h>(
    resolved: &'h crate::source::Header,
    header: &'h [String],
    i: usize,
) -> &'h str {
    match resolved.slot_of.get(i).copied().flatten() {
        Some(slot) => resolved.names.get(slot).map_or("", String::as_str),
        None => header.get(i).map_or("", String::as_str),
    }
}
