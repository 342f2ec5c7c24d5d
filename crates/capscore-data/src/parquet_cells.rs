//! Parquet values read as what the table reads them as, without a text round trip:
//! integers, decimals and dates as typed values, and dictionary-encoded strings
//! checked (and months or dates parsed) once per dictionary entry instead of once per
//! row.
//!
//! A value is given typed only when the text the CSV path would see for it is
//! accepted by the text parsers without a problem; a batch of a column holding any
//! other value is given as text, so that every problem is found and worded exactly
//! as before, at its row and column.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Decimal128Type, Int32Type, Int64Type};
use arrow_array::{Array, ArrayRef, StringArray};
use arrow_schema::DataType;
use capscore_core::{
    MAX_FRACTION_DIGITS, MAX_INTEGER_DIGITS, MAX_YEAR, MIN_YEAR, Month, NaiveDate, Num, parse_date,
    scaled_decimal,
};

use crate::parquet_text::{TextColumn, UNIX_EPOCH_FROM_CE, to_text};
use crate::source::{Column, Kind, Typed, check_cell};

/// One dictionary entry, checked and parsed once.
#[derive(Debug)]
pub(crate) struct Entry {
    /// The problem of the text (not UTF-8 text allowed in the column), if any.
    pub(crate) bad: Option<String>,
    /// The trimmed text's byte range in the value, when not empty.
    pub(crate) text: Option<(usize, usize)>,
    /// The typed value, when the column's kind has one and the text parses.
    pub(crate) typed: Typed,
}

/// A dictionary of a column, with its entries.
#[derive(Debug)]
pub(crate) struct Dict {
    /// Number, unique within the read of a file.
    pub(crate) no: u32,
    /// The dictionary's values as the reader gave them (kept to recognise the same
    /// dictionary in the next batch).
    source: ArrayRef,
    /// The values as text.
    pub(crate) values: StringArray,
    /// One per value.
    pub(crate) entries: Vec<Entry>,
}

impl Dict {
    /// The trimmed text of an entry.
    pub(crate) fn text(&self, key: usize) -> Option<&str> {
        let (a, b) = self.entries.get(key)?.text?;
        self.values.value(key).get(a..b)
    }
}

/// One slot's values in a batch.
pub(crate) enum SlotValues {
    /// The file has no column for the slot.
    Absent,
    /// Text, checked and parsed row by row.
    Text(TextColumn),
    /// Typed values, `Typed::None` for nulls.
    Typed(Vec<Typed>),
    /// Dictionary keys (`None` for nulls) into a dictionary.
    Dict(Vec<Option<u32>>, Arc<Dict>),
}

impl SlotValues {
    /// The typed value of row `r` when it is known valid without checking the row: a
    /// typed cell, or a dictionary entry checked and parsed once.
    pub(crate) fn checked(&self, r: usize) -> Option<&Typed> {
        match self {
            SlotValues::Typed(v) => v.get(r),
            SlotValues::Dict(keys, dict) => {
                let entry = dict.entries.get((*keys.get(r)?)? as usize)?;
                entry.bad.is_none().then_some(&entry.typed)
            }
            _ => None,
        }
    }
}

/// The last dictionary of each slot, to check a dictionary that a column chunk
/// repeats in every batch only once.
#[derive(Default)]
pub(crate) struct Dicts {
    last: Vec<Option<Arc<Dict>>>,
    count: u32,
}

/// The string types that dictionary columns are asked for.
pub(crate) fn wants_dictionary(dt: &DataType) -> bool {
    matches!(dt, DataType::Utf8)
}

impl Dicts {
    /// The values of one slot (its column's kind `column`) in a batch.
    pub(crate) fn slot_values(
        &mut self,
        slot: usize,
        column: Option<&Column>,
        array: &ArrayRef,
    ) -> Result<SlotValues, String> {
        let kind = column.map_or(Kind::Text, |c| c.kind);
        if let Some(v) = typed(kind, array) {
            return Ok(SlotValues::Typed(v));
        }
        if let DataType::Dictionary(key_type, value_type) = array.data_type()
            && **value_type == DataType::Utf8
            && **key_type == DataType::Int32
        {
            let dict = array.as_dictionary::<Int32Type>();
            let values = dict.values();
            let d = self.dict(slot, column, values);
            let keys = dict
                .keys()
                .iter()
                .map(|k| k.and_then(|k| u32::try_from(k).ok()))
                .collect();
            return Ok(SlotValues::Dict(keys, d));
        }
        to_text(array).map(SlotValues::Text)
    }

    /// The checked dictionary of `values`, reused when the slot's last one.
    fn dict(&mut self, slot: usize, column: Option<&Column>, values: &ArrayRef) -> Arc<Dict> {
        if self.last.len() <= slot {
            self.last.resize(slot + 1, None);
        }
        if let Some(Some(d)) = self.last.get(slot)
            && Arc::ptr_eq(&d.source, values)
        {
            return Arc::clone(d);
        }
        self.count += 1;
        let text = values.as_string::<i32>().clone();
        let kind = column.map_or(Kind::Text, |c| c.kind);
        let entries = (0..text.len())
            .map(|i| {
                if text.is_null(i) {
                    return Entry {
                        bad: None,
                        text: None,
                        typed: Typed::None,
                    };
                }
                let s = text.value(i);
                if let Err(msg) = check_cell(column, s) {
                    return Entry {
                        bad: Some(msg),
                        text: None,
                        typed: Typed::None,
                    };
                }
                let t = s.trim();
                let start = t.as_ptr() as usize - s.as_ptr() as usize;
                let typed = match kind {
                    Kind::Month => t.parse::<Month>().map_or(Typed::None, Typed::Month),
                    Kind::Date => parse_date(t).map_or(Typed::None, Typed::Date),
                    _ => Typed::None,
                };
                Entry {
                    bad: None,
                    text: (!t.is_empty()).then_some((start, start + t.len())),
                    typed,
                }
            })
            .collect();
        let d = Arc::new(Dict {
            no: self.count,
            source: Arc::clone(values),
            values: text,
            entries,
        });
        if let Some(l) = self.last.get_mut(slot) {
            *l = Some(Arc::clone(&d));
        }
        d
    }
}

/// The values of a column as typed values, when the column's type matches the kind
/// and every value is one the text parsers would accept as it is.
fn typed(kind: Kind, array: &ArrayRef) -> Option<Vec<Typed>> {
    match (kind, array.data_type()) {
        (Kind::Whole | Kind::Decimal, DataType::Int64) => ints(kind, array),
        (
            Kind::Whole | Kind::Decimal,
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32,
        ) => ints(kind, &arrow_cast::cast(array, &DataType::Int64).ok()?),
        (Kind::Decimal, DataType::Decimal128(_, scale)) => decimals(*scale, array),
        (Kind::Date | Kind::Month, DataType::Date32) => dates(kind, array),
        _ => None,
    }
}

/// Largest whole number with at most [`MAX_INTEGER_DIGITS`] digits.
fn max_integer() -> i128 {
    10i128.pow(MAX_INTEGER_DIGITS as u32) - 1
}

fn ints(kind: Kind, array: &ArrayRef) -> Option<Vec<Typed>> {
    let a = array.as_primitive::<Int64Type>();
    let max = max_integer();
    a.iter()
        .map(|v| match v {
            None => Some(Typed::None),
            Some(v) if v < 0 => None,
            Some(v) if kind == Kind::Whole => u64::try_from(v).ok().map(Typed::Whole),
            Some(v) if i128::from(v) <= max => Some(Typed::Decimal(Num::from_integer(v.into()))),
            Some(_) => None,
        })
        .collect()
}

fn decimals(scale: i8, array: &ArrayRef) -> Option<Vec<Typed>> {
    let scale = u32::try_from(scale).ok()?;
    if scale as usize > MAX_FRACTION_DIGITS {
        return None;
    }
    let a = array.as_primitive::<Decimal128Type>();
    let denom = 10i128.pow(scale);
    let max = (max_integer() + 1).checked_mul(denom)?;
    a.iter()
        .map(|v| match v {
            None => Some(Typed::None),
            Some(v) if (0..max).contains(&v) => Some(Typed::Decimal(scaled_decimal(v, scale))),
            Some(_) => None,
        })
        .collect()
}

fn dates(kind: Kind, array: &ArrayRef) -> Option<Vec<Typed>> {
    let a = array.as_primitive::<Date32Type>();
    a.iter()
        .map(|v| match v {
            None => Some(Typed::None),
            Some(v) => {
                let d = v
                    .checked_add(UNIX_EPOCH_FROM_CE)
                    .and_then(NaiveDate::from_num_days_from_ce_opt)?;
                let year = chrono_year(d);
                if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
                    return None;
                }
                Some(if kind == Kind::Month {
                    Typed::Month(Month::of(d))
                } else {
                    Typed::Date(d)
                })
            }
        })
        .collect()
}

/// The year of a date.
fn chrono_year(d: NaiveDate) -> i32 {
    Month::of(d).year()
}
