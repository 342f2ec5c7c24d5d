//! Rules for text read from table files, shared by the dataset loader and the
//! importer so that what one accepts the other accepts: the size bounds of a record
//! and a field, which characters an identifier may hold, and a reader that numbers
//! physical lines the same way for LF, CRLF and CR files.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, Read};
use std::rc::Rc;

/// Most bytes one record (a CSV row, with every line a quoted field spans) may hold.
///
/// Why: a reader keeps a whole record in memory, so without a bound a file with no
/// line break (a link to `/dev/zero`, a binary file named `.csv`) grows memory until
/// the process dies. The widest real row (eight columns of ids, names, dates and
/// numbers) is well under a kilobyte; a mebibyte leaves room for any honest file and
/// stops a runaway one at once.
pub const MAX_RECORD_BYTES: u64 = 1 << 20;

/// Most bytes one field (cell) may hold.
///
/// Why: the longest honest value is a partner or certification name (a few hundred
/// bytes); every value is kept, compared and quoted in messages, so a bound keeps
/// the work per value small (name suggestions, interning) whatever the input.
pub const MAX_FIELD_BYTES: usize = 64 * 1024;

/// Checks the text of a free-text cell (a name, a certification title): no NUL byte,
/// at most [`MAX_FIELD_BYTES`]. Returns the message when bad.
///
/// # Errors
/// The message saying what is wrong.
pub fn check_text(s: &str) -> Result<(), String> {
    check_size(s)?;
    if let Some(pos) = s.bytes().position(|b| b == 0) {
        return Err(format!(
            "contains a NUL byte (at byte {} of the value); is the file UTF-16 or binary? save it as UTF-8 text",
            pos + 1
        ));
    }
    Ok(())
}

/// Checks the text of an identifier or coded value (an id, a date, a number, a
/// workload name): at most [`MAX_FIELD_BYTES`] and no control character (NUL, line
/// break, tab, escape, …), which no identifier holds and which would not survive
/// being written back to a file. Returns the message when bad.
///
/// # Errors
/// The message saying what is wrong.
pub fn check_code(s: &str) -> Result<(), String> {
    check_size(s)?;
    // Fast path: printable ASCII holds no control character (C0, DEL and the C1
    // controls U+0080..U+009F are all outside 0x20..0x7E).
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Ok(());
    }
    if let Some((pos, c)) = s.chars().enumerate().find(|(_, c)| c.is_control()) {
        let what = match c {
            '\0' => "a NUL byte (is the file UTF-16 or binary? save it as UTF-8 text)".to_string(),
            '\n' | '\r' => "a line break (is a quote left open?)".to_string(),
            '\t' => "a tab".to_string(),
            _ => format!("the control character U+{:04X}", u32::from(c)),
        };
        return Err(format!(
            "contains {what} at character {} of the value; identifiers and coded values hold no control characters",
            pos + 1
        ));
    }
    Ok(())
}

fn check_size(s: &str) -> Result<(), String> {
    if s.len() > MAX_FIELD_BYTES {
        return Err(format!(
            "the value is {} bytes long; at most {MAX_FIELD_BYTES} bytes are accepted in a field",
            s.len()
        ));
    }
    Ok(())
}

#[derive(Debug, Default)]
struct Meter {
    /// Bytes given out so far.
    read: u64,
    /// Offsets of the line breaks given out and not yet passed by a query.
    breaks: VecDeque<u64>,
    /// Line breaks already passed by a query.
    passed: u64,
    /// Offset of a `\r` whose next byte is not known yet.
    pending_cr: Option<u64>,
    /// Where the record being read starts.
    record_start: u64,
    /// Whether the record bound was hit.
    overflow: bool,
    /// The last byte given out that is not a line break.
    last: Option<u8>,
}

/// The reading side of a [`LineMeter`]: give it to the CSV reader.
#[derive(Debug)]
pub struct MeteredRead<R> {
    inner: R,
    meter: Rc<RefCell<Meter>>,
}

/// Numbers physical lines and bounds record sizes for a stream read through its
/// [`MeteredRead`]. A line ends at `\n`, `\r\n` or a lone `\r`, so every file gets the
/// same line numbers as an editor shows.
#[derive(Debug, Clone)]
pub struct LineMeter {
    meter: Rc<RefCell<Meter>>,
}

impl LineMeter {
    /// Wraps a stream; offsets count from its first byte.
    pub fn new<R: Read>(inner: R) -> (LineMeter, MeteredRead<R>) {
        let meter = Rc::new(RefCell::new(Meter::default()));
        (
            LineMeter {
                meter: Rc::clone(&meter),
            },
            MeteredRead { inner, meter },
        )
    }

    /// The 1-based line of the text that starts at byte `offset` of the stream (a
    /// line break at `offset` belongs to the line before). Offsets asked must not
    /// decrease from one call to the next.
    #[must_use]
    pub fn line_at(&self, offset: u64) -> u64 {
        let mut m = self.meter.borrow_mut();
        // A break at `offset` itself counts: a CSV reader may place a record's start
        // on the line break that ends the record before it (CRLF).
        while m.breaks.front().is_some_and(|b| *b <= offset) {
            m.breaks.pop_front();
            m.passed += 1;
        }
        let lone_cr = u64::from(m.pending_cr.is_some_and(|cr| cr <= offset));
        m.passed + lone_cr + 1
    }

    /// Tells the meter where the next record starts: the record bound counts from
    /// there.
    pub fn record_starts_at(&self, offset: u64) {
        self.meter.borrow_mut().record_start = offset;
    }

    /// Whether reading stopped because a record grew past [`MAX_RECORD_BYTES`].
    #[must_use]
    pub fn overflowed(&self) -> bool {
        self.meter.borrow().overflow
    }

    /// The last byte read that is not a line break.
    #[must_use]
    pub fn last_byte(&self) -> Option<u8> {
        self.meter.borrow().last
    }
}

impl<R: Read> Read for MeteredRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut m = self.meter.borrow_mut();
        if m.overflow || m.read.saturating_sub(m.record_start) > MAX_RECORD_BYTES {
            m.overflow = true;
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("a row is longer than {MAX_RECORD_BYTES} bytes"),
            ));
        }
        drop(m);
        let n = self.inner.read(buf)?;
        let mut m = self.meter.borrow_mut();
        for (i, &b) in buf.get(..n).unwrap_or(&[]).iter().enumerate() {
            let at = m.read + i as u64;
            if let Some(cr) = m.pending_cr.take()
                && b != b'\n'
            {
                m.breaks.push_back(cr);
            }
            match b {
                b'\n' => m.breaks.push_back(at),
                b'\r' => m.pending_cr = Some(at),
                _ => m.last = Some(b),
            }
        }
        m.read += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &[u8], offsets: &[u64]) -> Vec<u64> {
        let (meter, mut r) = LineMeter::new(text);
        let mut sink = Vec::new();
        r.read_to_end(&mut sink).unwrap();
        offsets.iter().map(|o| meter.line_at(*o)).collect()
    }

    #[test]
    fn lf_crlf_and_cr_number_lines_alike() {
        // "a\nb\nc": b at 2, c at 4.
        assert_eq!(lines_of(b"a\nb\nc", &[0, 2, 4]), [1, 2, 3]);
        // "a\r\nb\r\nc": b at 3, c at 6.
        assert_eq!(lines_of(b"a\r\nb\r\nc", &[0, 3, 6]), [1, 2, 3]);
        // "a\rb\rc": b at 2, c at 4.
        assert_eq!(lines_of(b"a\rb\rc", &[0, 2, 4]), [1, 2, 3]);
    }

    #[test]
    fn a_runaway_record_is_stopped() {
        let (meter, mut r) = LineMeter::new(std::io::repeat(0));
        let mut buf = [0u8; 8192];
        let mut total = 0u64;
        let err = loop {
            match r.read(&mut buf) {
                Ok(n) => total += n as u64,
                Err(e) => break e,
            }
            assert!(total <= 4 * MAX_RECORD_BYTES, "never stopped");
        };
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
        assert!(meter.overflowed());
        assert!(total <= MAX_RECORD_BYTES + 8192);
    }

    #[test]
    fn codes_refuse_control_characters_and_text_only_nul() {
        assert!(check_code("P1").is_ok());
        assert!(check_code("P\u{1}1").unwrap_err().contains("U+0001"));
        assert!(check_code("P\n1").unwrap_err().contains("line break"));
        assert!(check_text("Alpha\nBeta").is_ok());
        assert!(check_text("A\0").unwrap_err().contains("NUL"));
        assert!(check_code(&"x".repeat(MAX_FIELD_BYTES + 1)).is_err());
    }
}

#[cfg(test)]
mod check_code_props {
    use super::check_code;
    use proptest::prelude::*;

    proptest! {
        /// The printable-ASCII fast path accepts exactly what the character scan
        /// accepts: a value is refused when and only when it holds a control character.
        #[test]
        fn refused_exactly_when_a_control_character_is_present(s in "\\PC{0,20}|[\\x00-\\x7f\\u{80}-\\u{a0}]{0,20}") {
            let has_control = s.chars().any(char::is_control);
            prop_assert_eq!(check_code(&s).is_err(), has_control);
        }
    }
}
