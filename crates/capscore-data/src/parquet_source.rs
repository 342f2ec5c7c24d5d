//! Parquet tables: the metadata and header are read here, the row groups are decoded
//! on a second thread (batch by batch, into typed values, checked dictionaries or
//! text: see [`crate::parquet_cells`]) while this thread checks the rows in order, so
//! that the problems found and their order are those of a single-threaded read.

use std::fs::File;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc::sync_channel;

use arrow_schema::{DataType, Field, Schema};
use bytes::Bytes;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReader,
    ParquetRecordBatchReaderBuilder,
};
use parquet::file::reader::ChunkReader;

use crate::diag::Diags;
use crate::parquet_cells::{Dicts, SlotValues, wants_dictionary};
use crate::parquet_text::classify;
use crate::source::{
    Column, Data, DictKey, Input, MAX_COLS, RowCtx, Typed, check_cell, resolve_header,
};

/// Rows per batch.
const BATCH_ROWS: usize = 8192;

/// Decoded batches the decoding thread may be ahead by.
const QUEUE: usize = 4;

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
    read_parquet_with(input, columns, diags, &mut |_, _, _| false, on_row)
}

/// A row's values seen before the row is checked: given the row's number, the slots'
/// values of its batch and its index in the batch, whether it was taken whole (it is
/// then neither checked nor given to `on_row`). For a reader that needs a cell whose
/// values were checked once per dictionary entry, and nothing else of the row.
pub(crate) type Shortcut<'a> = dyn FnMut(u64, &[SlotValues], usize) -> bool + 'a;

/// Reads one Parquet table as [`read_parquet`] does, offering each row to `shortcut`
/// first.
pub(crate) fn read_parquet_with(
    input: &Input<'_>,
    columns: &[Column],
    diags: &mut Diags,
    shortcut: &mut Shortcut<'_>,
    on_row: &mut dyn FnMut(&mut RowCtx<'_>),
) -> bool {
    let was = GUARDED.with(|g| g.replace(true));
    let outcome = catch_unwind(AssertUnwindSafe(|| match &input.data {
        Data::Path(path) => match File::open(path) {
            Ok(f) => read_chunks(f, input, columns, diags, (shortcut, on_row)),
            Err(e) => {
                diags.error(input.diag(None, None, format!("cannot open the file: {e}")));
                false
            }
        },
        Data::Bytes(b) => read_chunks(
            Bytes::copy_from_slice(b),
            input,
            columns,
            diags,
            (shortcut, on_row),
        ),
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
    (shortcut, on_row): (&mut Shortcut<'_>, &mut dyn FnMut(&mut RowCtx<'_>)),
) -> bool {
    let meta = match ArrowReaderMetadata::load(&reader, ArrowReaderOptions::new()) {
        Ok(m) => m,
        Err(e) => {
            diags.error(input.diag(None, None, format!("not a valid Parquet file: {e}")));
            return false;
        }
    };
    let schema = Arc::clone(meta.schema());
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
    let rows_hint = usize::try_from(meta.metadata().file_metadata().num_rows()).unwrap_or(0);
    let meta = with_dictionaries(meta, &resolved.source_of);
    let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(reader, meta);
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
    let (tx, rx) = sync_channel::<Decoded>(QUEUE);
    std::thread::scope(|scope| {
        let batch_index = &batch_index;
        scope.spawn(move || decode(reader, columns, batch_index, &tx));
        let mut row_base: u64 = 0;
        for decoded in rx {
            let (rows, slots) = match decoded {
                Decoded::Batch(rows, slots) => (rows, slots),
                Decoded::Unreadable(e) => {
                    diags.error(input.diag(
                        Some(row_base + 1),
                        None,
                        format!("not a valid Parquet file: cannot read the rows from here on: {e}"),
                    ));
                    return true;
                }
                Decoded::BadColumn(slot, e) => {
                    let name = resolved.names.get(slot).map_or("", String::as_str);
                    diags.error(input.diag(
                        Some(row_base + 1),
                        Some(name),
                        format!("cannot read the column's values: {e}"),
                    ));
                    return true;
                }
                Decoded::Panicked => {
                    diags.error(input.diag(
                        None,
                        None,
                        "not a valid Parquet file: the Parquet reader failed on it".to_string(),
                    ));
                    return false;
                }
            };
            check_rows(
                input,
                columns,
                (&resolved.names, &date_typed, rows_hint),
                (row_base, rows),
                &slots,
                diags,
                (shortcut, on_row),
            );
            row_base += rows as u64;
        }
        true
    })
}

/// The metadata with the text columns the table reads asked for as dictionaries, so
/// that dictionary-encoded values are checked once per entry (the metadata as it is
/// when the reader refuses).
fn with_dictionaries(
    meta: ArrowReaderMetadata,
    source_of: &[Option<usize>],
) -> ArrowReaderMetadata {
    let schema = meta.schema();
    let mut changed = false;
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if source_of.contains(&Some(i)) && wants_dictionary(f.data_type()) {
                changed = true;
                f.as_ref().clone().with_data_type(DataType::Dictionary(
                    Box::new(DataType::Int32),
                    Box::new(f.data_type().clone()),
                ))
            } else {
                f.as_ref().clone()
            }
        })
        .collect();
    if !changed {
        return meta;
    }
    let hinted = Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()));
    ArrowReaderMetadata::try_new(
        Arc::clone(meta.metadata()),
        ArrowReaderOptions::new().with_schema(hinted),
    )
    .unwrap_or(meta)
}

/// What the decoding thread sends.
enum Decoded {
    /// A batch: its row count and the values of each slot.
    Batch(usize, Vec<SlotValues>),
    /// The rows from here on cannot be read.
    Unreadable(String),
    /// A column of a slot cannot be read.
    BadColumn(usize, String),
    /// The Parquet reader panicked on the file.
    Panicked,
}

/// Decodes the batches of `reader` in order and sends them, stopping at the first
/// that cannot be read (or when the receiver is gone).
fn decode(
    reader: ParquetRecordBatchReader,
    columns: &[Column],
    batch_index: &[Option<usize>],
    tx: &std::sync::mpsc::SyncSender<Decoded>,
) {
    GUARDED.with(|g| g.set(true));
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut dicts = Dicts::default();
        for batch in reader {
            let batch = match batch {
                Ok(b) => b,
                Err(e) => {
                    let _ = tx.send(Decoded::Unreadable(e.to_string()));
                    return;
                }
            };
            let mut slots = Vec::with_capacity(batch_index.len());
            for (slot, index) in batch_index.iter().enumerate() {
                let Some(array) = index.and_then(|i| batch.columns().get(i)) else {
                    slots.push(SlotValues::Absent);
                    continue;
                };
                match dicts.slot_values(slot, columns.get(slot), array) {
                    Ok(v) => slots.push(v),
                    Err(e) => {
                        let _ = tx.send(Decoded::BadColumn(slot, e));
                        return;
                    }
                }
            }
            if tx.send(Decoded::Batch(batch.num_rows(), slots)).is_err() {
                return;
            }
        }
    }));
    if outcome.is_err() {
        let _ = tx.send(Decoded::Panicked);
    }
}

/// Checks the rows of one decoded batch (its first row's number and its row count)
/// and hands the valid ones to `on_row` (the slots' names and date types and the
/// file's rows travel together).
fn check_rows(
    input: &Input<'_>,
    columns: &[Column],
    (names, date_typed, rows_hint): (&[String], &[bool], usize),
    (row_base, rows): (u64, usize),
    slots: &[SlotValues],
    diags: &mut Diags,
    (shortcut, on_row): (&mut Shortcut<'_>, &mut dyn FnMut(&mut RowCtx<'_>)),
) {
    // A row's cells, typed values and dictionary keys: each slot's are cleared as the
    // row fills them (a typed value is as large as an exact decimal, and clearing every
    // slot of every row took a fifth of this loop).
    let mut cells: [Option<&str>; MAX_COLS] = [None; MAX_COLS];
    let mut typed = [Typed::None; MAX_COLS];
    let mut keys: [Option<DictKey>; MAX_COLS] = [None; MAX_COLS];
    for r in 0..rows {
        let line = row_base + r as u64 + 1;
        if shortcut(line, slots, r) {
            continue;
        }
        let mut bad = false;
        for (slot, values) in slots.iter().enumerate() {
            let name = names.get(slot).map_or("", String::as_str);
            if let (Some(c), Some(t), Some(k)) =
                (cells.get_mut(slot), typed.get_mut(slot), keys.get_mut(slot))
            {
                (*c, *t, *k) = (None, Typed::None, None);
            }
            match values {
                SlotValues::Absent => {}
                SlotValues::Typed(v) => {
                    if let (Some(t), Some(v)) = (typed.get_mut(slot), v.get(r)) {
                        *t = *v;
                    }
                }
                SlotValues::Dict(k, dict) => {
                    let Some(key) = k.get(r).copied().flatten() else {
                        continue;
                    };
                    let Some(entry) = dict.entries.get(key as usize) else {
                        continue;
                    };
                    if let Some(msg) = &entry.bad {
                        diags.error(input.diag(Some(line), Some(name), msg.clone()));
                        bad = true;
                        break;
                    }
                    if let Some(t) = typed.get_mut(slot) {
                        *t = entry.typed;
                    }
                    if entry.typed == Typed::None
                        && let Some(c) = cells.get_mut(slot)
                    {
                        *c = dict.text(key as usize);
                    }
                    if let Some(k) = keys.get_mut(slot) {
                        *k = Some(DictKey { dict: dict.no, key });
                    }
                }
                SlotValues::Text(text) => match text.get(r) {
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
                },
            }
        }
        if bad {
            continue;
        }
        let mut ctx = RowCtx {
            input,
            line,
            cells: &cells,
            names,
            date_typed,
            typed: &typed,
            keys: &keys,
            rows_hint,
            diags,
            failed: false,
        };
        on_row(&mut ctx);
    }
}
