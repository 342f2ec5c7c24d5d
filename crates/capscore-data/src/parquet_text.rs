//! Parquet values as text: every supported column type is turned into text (or dates)
//! batch by batch, so that the same parsers and checks as for CSV apply to the values
//! that are not read typed (see [`crate::parquet_cells`]).

use std::fmt::Write as _;

use arrow_array::builder::StringBuilder;
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float16Type, Float32Type, Float64Type};
use arrow_array::{Array, ArrayRef, BinaryArray, StringArray, make_array};
use arrow_schema::DataType;
use capscore_core::NaiveDate;

use crate::source::utf8_message;

/// Days from 0001-01-01 (day 1 of the common era) to 1970-01-01.
pub(crate) const UNIX_EPOCH_FROM_CE: i32 = 719_163;

/// A column of one batch, ready to be read as text.
pub(crate) enum TextColumn {
    /// UTF-8 text.
    Text(StringArray),
    /// Bytes that must be UTF-8 (Parquet `BYTE_ARRAY` without a string annotation).
    Bytes(BinaryArray),
}

impl TextColumn {
    /// The text of row `i`: `Ok(None)` when null, `Err` when not UTF-8.
    pub(crate) fn get(&self, i: usize) -> Result<Option<&str>, String> {
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
pub(crate) fn classify(dt: &DataType) -> Option<bool> {
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
pub(crate) fn to_text(array: &ArrayRef) -> Result<TextColumn, String> {
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
