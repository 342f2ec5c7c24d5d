//! The Parquet file of `capscore score --format parquet`: the columns of
//! docs/output.md, decimals with 2 decimals (exact values rounded half away from zero).

use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Decimal128Builder, StringBuilder};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use capscore_core::Num;
use capscore_engine::Scores;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::rows::{ScoreRow, cents, rows};
use crate::{ExportError, write_atomic};

/// Digits of the decimal columns.
pub const DECIMAL_PRECISION: u8 = 38;
/// Decimals of the decimal columns.
pub const DECIMAL_SCALE: i8 = 2;
/// Rows per record batch (and at most per row group).
const BATCH: usize = 1 << 16;
/// The largest magnitude a decimal(38, 2) holds, in hundredths.
const MAX_CENTS: i128 = 10_i128.pow(38) - 1;

/// The columns: `partner_id, area, track, metric, option, value, points, track_total,
/// qualified`.
#[must_use]
pub fn schema() -> SchemaRef {
    let dec = DataType::Decimal128(DECIMAL_PRECISION, DECIMAL_SCALE);
    Arc::new(Schema::new(vec![
        Field::new("partner_id", DataType::Utf8, false),
        Field::new("area", DataType::Utf8, false),
        Field::new("track", DataType::Utf8, true),
        Field::new("metric", DataType::Utf8, false),
        Field::new("option", DataType::Utf8, true),
        Field::new("value", dec.clone(), false),
        Field::new("points", dec.clone(), false),
        Field::new("track_total", dec, false),
        Field::new("qualified", DataType::Boolean, false),
    ]))
}

fn decimal(v: &Num, what: &'static str, r: &ScoreRow) -> Result<i128, ExportError> {
    let c = cents(v);
    if c.abs() > MAX_CENTS {
        return Err(ExportError::Overflow {
            what,
            partner_id: r.partner_id.clone(),
            area: r.area.clone(),
            metric: r.metric.clone(),
        });
    }
    Ok(c)
}

fn batch(rows: &[ScoreRow], path: &Path) -> Result<RecordBatch, ExportError> {
    let mut partner = StringBuilder::new();
    let mut area = StringBuilder::new();
    let mut track = StringBuilder::new();
    let mut metric = StringBuilder::new();
    let mut option = StringBuilder::new();
    let dec = || {
        Decimal128Builder::with_capacity(rows.len())
            .with_precision_and_scale(DECIMAL_PRECISION, DECIMAL_SCALE)
    };
    let parquet_err = |e: arrow_schema::ArrowError| ExportError::Parquet {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let (mut value, mut points, mut total) = (
        dec().map_err(parquet_err)?,
        dec().map_err(parquet_err)?,
        dec().map_err(parquet_err)?,
    );
    let mut qualified = BooleanBuilder::with_capacity(rows.len());
    for r in rows {
        partner.append_value(&r.partner_id);
        area.append_value(&r.area);
        track.append_option(r.track.as_deref());
        metric.append_value(&r.metric);
        option.append_option(r.option.as_deref());
        value.append_value(decimal(&r.value, "value", r)?);
        points.append_value(decimal(&r.points, "points", r)?);
        total.append_value(decimal(&r.track_total, "track_total", r)?);
        qualified.append_value(r.qualified);
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(partner.finish()),
        Arc::new(area.finish()),
        Arc::new(track.finish()),
        Arc::new(metric.finish()),
        Arc::new(option.finish()),
        Arc::new(value.finish()),
        Arc::new(points.finish()),
        Arc::new(total.finish()),
        Arc::new(qualified.finish()),
    ];
    RecordBatch::try_new(schema(), columns).map_err(parquet_err)
}

/// Writes the rows of `scores` to the Parquet file `path`, atomically.
pub fn write_parquet(scores: &Scores, path: &Path) -> Result<(), ExportError> {
    let all = rows(scores);
    let perr = |e: parquet::errors::ParquetError| ExportError::Parquet {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    write_atomic(path, |out| {
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by("capscore score".to_string())
            .build();
        let mut w = ArrowWriter::try_new(out, schema(), Some(props)).map_err(perr)?;
        for chunk in all.chunks(BATCH) {
            w.write(&batch(chunk, path)?).map_err(perr)?;
        }
        w.close().map_err(perr)?;
        Ok::<(), ExportError>(())
    })
}

/// Reads a file written by [`write_parquet`] back into rows (values in hundredths as
/// exact numbers), for tests and comparisons.
pub fn read_parquet(path: &Path) -> Result<Vec<ScoreRow>, ExportError> {
    let perr = |message: String| ExportError::Parquet {
        path: path.display().to_string(),
        message,
    };
    let file = std::fs::File::open(path).map_err(|source| ExportError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(ParquetRecordBatchReaderBuilder::build)
        .map_err(|e| perr(e.to_string()))?;
    let mut out = Vec::new();
    for b in reader {
        let b = b.map_err(|e| perr(e.to_string()))?;
        let s = |name: &str| -> Result<&arrow_array::StringArray, ExportError> {
            b.column_by_name(name)
                .and_then(|c| c.as_any().downcast_ref())
                .ok_or_else(|| perr(format!("no string column {name}")))
        };
        let d = |name: &str| -> Result<&arrow_array::Decimal128Array, ExportError> {
            b.column_by_name(name)
                .and_then(|c| c.as_any().downcast_ref())
                .ok_or_else(|| perr(format!("no decimal column {name}")))
        };
        let (partner, area, track, metric, option) = (
            s("partner_id")?,
            s("area")?,
            s("track")?,
            s("metric")?,
            s("option")?,
        );
        let (value, points, total) = (d("value")?, d("points")?, d("track_total")?);
        let qualified: &arrow_array::BooleanArray = b
            .column_by_name("qualified")
            .and_then(|c| c.as_any().downcast_ref())
            .ok_or_else(|| perr("no boolean column qualified".into()))?;
        let opt = |a: &arrow_array::StringArray, i: usize| {
            (!a.is_null(i)).then(|| a.value(i).to_string())
        };
        let hundredths = |a: &arrow_array::Decimal128Array, i: usize| Num::new(a.value(i), 100);
        for i in 0..b.num_rows() {
            out.push(ScoreRow {
                partner_id: partner.value(i).to_string(),
                area: area.value(i).to_string(),
                track: opt(track, i),
                metric: metric.value(i).to_string(),
                option: opt(option, i),
                value: hundredths(value, i),
                points: hundredths(points, i),
                track_total: hundredths(total, i),
                qualified: qualified.value(i),
            });
        }
    }
    Ok(out)
}
