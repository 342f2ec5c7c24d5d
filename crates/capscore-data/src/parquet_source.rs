//! Parquet tables: every supported column type is turned into text (or dates) batch by
//! batch, so that the same parsers and checks as for CSV apply.

use std::fmt::Write as _;
use std::fs::File;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float16Type, Float32Type, Float64Type};
use arrow_array::{Array, ArrayRef, BinaryArray, StringArray, make_array};
use arrow_schema::DataType;
use bytes::Bytes;
use capscore_core::NaiveDate;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::reader::ChunkReader;

use crate::diag::Diags;
use crate::source::{
    Column, Data, Input, MAX_COLS, RowCtx, check_cell, resolve_header, utf8_message,
};

/// Rows per batch.
const BATCH_ROWS: usize = 8192;

/// Days from 0001-01-01 (day 1 of the common era) to 1970-01-01.
const UNIX_EPOCH_FROM_CE: i32 = 719_163;

/// A column of one batch, ready to be read as text.
enum TextColumn {
    /// UTF-8 text.
    Text(StringArray),
    /// Bytes that must be UTF-8 (Parquet `BYTE_ARRAY` without a string annotation).
    Bytes(BinaryArray),
}

impl TextColumn {
    /// The text of row `i`: `Ok(None)` when null, `Err` when not UTF-8.
    fn get(&self, i: usize) -> Result<Option<&str>, String> {
        match self {
            TextColumn::Text(a) => Ok((i < a.len() && a.is_valid(i)).then(|| a.value(i))),
            TextColumn::Bytes(a) => {
                if i >= a.len() || a.is_null(i) {
                    return Ok(None);
                }
                let b = a.value(i);
                std::str::from_utf8(b)
                    .map(Some)
                    .map_err(|e| utf8_message(b, &e))
            }
        }
    }
}

/// Whether a column type can be read, and whether it holds dates.
fn classify(dt: &DataType) -> Option<bool> {
    match dt {
        DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Binary
        | DataType::LargeBinary
        | DataType::BinaryView
        | DataType::FixedSizeBinary(_)
        | DataType::Null
        | DataType::Boolean
        | DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64
        | DataType::Float16
        | DataType::Float32
        | DataType::Float64
        | DataType::Decimal32(_, _)
        | DataType::Decimal64(_, _)
        | DataType::Decimal128(_, _)
        | DataType::Decimal256(_, _) => Some(false),
        DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _) => Some(true),
        DataType::Dictionary(_, value) => classify(value),
        _ => None,
    }
}

/// Turns a column of a supported type into text.
fn to_text(array: &ArrayRef) -> Result<TextColumn, String> {
    let cast = |to: &DataType| arrow_cast::cast(array.as_ref(), to).map_err(|e| e.to_string());
    match array.data_type() {
        DataType::Utf8 => Ok(TextColumn::Text(array.as_string::<i32>().clone())),
        DataType::Binary => Ok(TextColumn::Bytes(array.as_binary::<i32>().clone())),
        DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => {
            to_text(&cast(&DataType::Binary)?)
        }
        DataType::Dictionary(_, value) => to_text(&cast(value)?),
        DataType::Float16 => Ok(floats(
            array
                .as_primitive::<Float16Type>()
                .iter()
                .map(|v| v.map(f64::from)),
        )),
        DataType::Float32 => {
            // Formatted as f32 so that 0.1f32 reads "0.1", not 0.100000001….
            let mut b = StringBuilder::new();
            for v in array.as_primitive::<Float32Type>() {
                match v {
                    Some(v) => {
                        let _ = write!(b, "{v}");
                        b.append_value("");
                    }
                    None => b.append_null(),
                }
            }
            Ok(TextColumn::Text(b.finish()))
        }
        DataType::Float64 => Ok(floats(array.as_primitive::<Float64Type>().iter())),
        DataType::Date32 => {
            let mut b = StringBuilder::new();
            for v in array.as_primitive::<Date32Type>() {
                match v
                    .and_then(|d| d.checked_add(UNIX_EPOCH_FROM_CE))
                    .and_then(NaiveDate::from_num_days_from_ce_opt)
                {
                    Some(d) => {
                        let _ = write!(b, "{d}");
                        b.append_value("");
                    }
                    None if v.is_some() => b.append_value("(a date out of range)"),
                    None => b.append_null(),
                }
            }
            Ok(TextColumn::Text(b.finish()))
        }
        DataType::Timestamp(unit, Some(tz)) if is_utc(tz) => {
            // Read UTC instants as they are: their date is the UTC date.
            let data = array
                .to_data()
                .into_builder()
                .data_type(DataType::Timestamp(*unit, None))
                .build()
                .map_err(|e| e.to_string())?;
            to_text(&make_array(data))
        }
        DataType::Timestamp(_, Some(tz)) => to_text(&cast(&DataType::Date32).map_err(|e| {
            format!(
                "timestamps in time zone {tz:?} cannot be read ({e}); write dates or UTC timestamps"
            )
        })?),
        DataType::Date64 | DataType::Timestamp(_, None) => to_text(&cast(&DataType::Date32)?),
        _ => Ok(TextColumn::Text(
            cast(&DataType::Utf8)?.as_string::<i32>().clone(),
        )),
    }
}

/// Whether a timestamp's time zone is UTC.
fn is_utc(tz: &str) -> bool {
    [
        "utc", "etc/utc", "z", "gmt", "etc/gmt", "+00:00", "+0000", "+00", "-00:00",
    ]
    .iter()
    .any(|u| tz.trim().eq_ignore_ascii_case(u))
}

/// Floats as text: whole values without a decimal point, others in the shortest form
/// that reads back the same.
fn floats(values: impl Iterator<Item = Option<f64>>) -> TextColumn {
    let mut b = StringBuilder::new();
    for v in values {
        match v {
            Some(v) => {
                let _ = write!(b, "{v}");
                b.append_value("");
            }
            None => b.append_null(),
        }
    }
    TextColumn::Text(b.finish())
}

thread_local! {
    /// Whether this thread is inside the Parquet reader, whose panics on malformed files
    /// are caught and reported as a problem of the file.
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs a panic hook that keeps quiet about the panics the Parquet reader raises on
/// malformed files (they are caught, and the file reported as not valid Parquet) and
/// leaves every other panic to the hook installed before. For programs: a library
/// caller keeps the default hook unless it calls this.
pub fn quiet_parquet_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !GUARDED.with(std::cell::Cell::get) {
            previous(info);
        }
    }));
}

/// Reads one Parquet table, calling `on_row` for each row whose cells are valid text.
/// Returns whether the columns could be read (all required columns present).
pub(crate) fn read_parquet(
    input: &Input<'_>,
    columns: &[Column],
    diags: &mut Diags,
    on_row: &mut dyn FnMut(&mut RowCtx<'_>),
) -> bool {
    let was = GUARDED.with(|g| g.replace(true));
    let outcome = catch_unwind(AssertUnwindSafe(|| match &input.data {
        Data::Path(path) => match File::open(path) {
            Ok(f) => read_chunks(f, input, columns, diags, on_row),
            Err(e) => {
                diags.error(input.diag(None, None, format!("cannot open the file: {e}")));
                false
            }
        },
        Data::Bytes(b) => read_chunks(Bytes::copy_from_slice(b), input, columns, diags, on_row),
    }));
    GUARDED.with(|g| g.set(was));
    outcome.unwrap_or_else(|_| {
        diags.error(input.diag(
            None,
            None,
            "not a valid Parquet file: the Parquet reader failed on it".to_string(),
        ));
        false
    })
}

fn read_chunks<T: ChunkReader + 'static>(
    reader: T,
    input: &Input<'_>,
    columns: &[Column],
    diags: &mut Diags,
    on_row: &mut dyn FnMut(&mut RowCtx<'_>),
) -> bool {
    let builder = match ParquetRecordBatchReaderBuilder::try_new(reader) {
        Ok(b) => b,
        Err(e) => {
            diags.error(input.diag(None, None, format!("not a valid Parquet file: {e}")));
            return false;
        }
    };
    let schema = Arc::clone(builder.schema());
    let header: Vec<String> = schema
        .fields()
        .iter()
        .map(|f| f.name().trim().to_string())
        .collect();
    let Some(resolved) = resolve_header(input, &header, columns, None, diags) else {
        return false;
    };
    let mut date_typed = [false; MAX_COLS];
    let mut ok = true;
    for (slot, source) in resolved.source_of.iter().enumerate() {
        let Some(field) = source.and_then(|i| schema.fields().get(i)) else {
            continue;
        };
        if let Some(is_date) = classify(field.data_type()) {
            if let Some(d) = date_typed.get_mut(slot) {
                *d = is_date;
            }
        } else {
            let name = resolved.names.get(slot).map_or("", String::as_str);
            diags.error(input.diag(
                None,
                Some(name),
                format!(
                    "unsupported Parquet column type {}: expected text, a number or a date",
                    field.data_type()
                ),
            ));
            ok = false;
        }
    }
    if !ok {
        return false;
    }
    // Read only the table's columns, when the Parquet roots match the Arrow fields.
    let mut wanted: Vec<usize> = resolved.source_of.iter().flatten().copied().collect();
    wanted.sort_unstable();
    let roots = builder.parquet_schema().root_schema().get_fields().len();
    let (builder, batch_index): (_, Vec<Option<usize>>) = if roots == schema.fields().len() {
        let mask = ProjectionMask::roots(builder.parquet_schema(), wanted.iter().copied());
        let index = resolved
            .source_of
            .iter()
            .map(|s| s.and_then(|i| wanted.iter().position(|w| *w == i)))
            .collect();
        (builder.with_projection(mask), index)
    } else {
        (builder, resolved.source_of.clone())
    };
    let reader = match builder.with_batch_size(BATCH_ROWS).build() {
        Ok(r) => r,
        Err(e) => {
            diags.error(input.diag(None, None, format!("not a valid Parquet file: {e}")));
            return false;
        }
    };
    let mut row_base: u64 = 0;
    for batch in reader {
        let batch = match batch {
            Ok(b) => b,
            Err(e) => {
                diags.error(input.diag(
                    Some(row_base + 1),
                    None,
                    format!("not a valid Parquet file: cannot read the rows from here on: {e}"),
                ));
                return true;
            }
        };
        let mut texts: Vec<Option<TextColumn>> = Vec::with_capacity(columns.len());
        for (slot, index) in batch_index.iter().enumerate() {
            let Some(array) = index.and_then(|i| batch.columns().get(i)) else {
                texts.push(None);
                continue;
            };
            match to_text(array) {
                Ok(t) => texts.push(Some(t)),
                Err(e) => {
                    let name = resolved.names.get(slot).map_or("", String::as_str);
                    diags.error(input.diag(
                        Some(row_base + 1),
                        Some(name),
                        format!("cannot read the column's values: {e}"),
                    ));
                    return true;
                }
            }
        }
        for r in 0..batch.num_rows() {
            let line = row_base + r as u64 + 1;
            let mut cells: [Option<&str>; MAX_COLS] = [None; MAX_COLS];
            let mut bad = false;
            for (slot, text) in texts.iter().enumerate() {
                let Some(text) = text else { continue };
                let name = resolved.names.get(slot).map_or("", String::as_str);
                match text.get(r) {
                    Ok(Some(s)) => {
                        if let Err(msg) = check_cell(columns.get(slot), s) {
                            diags.error(input.diag(Some(line), Some(name), msg));
                            bad = true;
                            break;
                        }
                        let t = s.trim();
                        if let Some(c) = cells.get_mut(slot) {
                            *c = (!t.is_empty()).then_some(t);
                        }
                    }
                    Ok(None) => {}
                    Err(msg) => {
                        diags.error(input.diag(Some(line), Some(name), msg));
                        bad = true;
                        break;
                    }
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
                diags,
                failed: false,
            };
            on_row(&mut ctx);
        }
        row_base += batch.num_rows() as u64;
    }
    true
}
