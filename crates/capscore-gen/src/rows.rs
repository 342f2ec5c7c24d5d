//! The tables a dataset holds and a row buffer that builds either Arrow columns
//! (Parquet) or CSV text, so that a chunk is encoded on the thread that made it.

use std::fmt::Write as _;
use std::sync::Arc;

use arrow_array::builder::{Date32Builder, Decimal128Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use capscore_core::NaiveDate;
use chrono::Datelike;

use crate::Format;

/// The kind of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text (may be empty / null when `nullable`).
    Text,
    /// Whole number.
    Int,
    /// Amount in USD with 2 decimals, held as cents.
    Usd,
    /// A date.
    Date,
}

/// The tables `capscore generate` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// `partners`.
    Partners,
    /// `tenants`.
    Tenants,
    /// `associations`.
    Associations,
    /// `m365_usage`.
    M365Usage,
    /// `azure_usage`.
    AzureUsage,
    /// `bizapps_usage`.
    BizAppsUsage,
    /// `certifications`.
    Certifications,
}

impl Table {
    /// Every table, in writing order.
    pub const ALL: [Table; 7] = [
        Table::Partners,
        Table::Tenants,
        Table::Associations,
        Table::M365Usage,
        Table::AzureUsage,
        Table::BizAppsUsage,
        Table::Certifications,
    ];

    /// The table's name (file name without extension).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Table::Partners => "partners",
            Table::Tenants => "tenants",
            Table::Associations => "associations",
            Table::M365Usage => "m365_usage",
            Table::AzureUsage => "azure_usage",
            Table::BizAppsUsage => "bizapps_usage",
            Table::Certifications => "certifications",
        }
    }

    /// Whether rows of the table are usage rows.
    #[must_use]
    pub fn is_usage(self) -> bool {
        matches!(
            self,
            Table::M365Usage | Table::AzureUsage | Table::BizAppsUsage
        )
    }

    /// Columns: name, kind, nullable.
    #[must_use]
    pub fn columns(self) -> &'static [(&'static str, Kind, bool)] {
        use Kind::{Date, Int, Text, Usd};
        match self {
            Table::Partners => &[
                ("partner_id", Text, false),
                ("name", Text, false),
                ("parent_id", Text, true),
                ("market", Text, false),
            ],
            Table::Tenants => &[
                ("tenant_id", Text, false),
                ("name", Text, false),
                ("country", Text, false),
            ],
            Table::Associations => &[
                ("partner_id", Text, false),
                ("tenant_id", Text, false),
                ("type", Text, false),
                ("workload", Text, true),
                ("subscription_id", Text, true),
                ("start_date", Date, false),
                ("end_date", Date, true),
            ],
            Table::M365Usage => &[
                ("tenant_id", Text, false),
                ("workload", Text, false),
                ("month", Text, false),
                ("paid_units", Int, false),
                ("active_users", Int, false),
            ],
            Table::AzureUsage => &[
                ("tenant_id", Text, false),
                ("subscription_id", Text, false),
                ("service", Text, false),
                ("offer", Text, false),
                ("month", Text, false),
                ("acr_usd", Usd, false),
            ],
            Table::BizAppsUsage => &[
                ("tenant_id", Text, false),
                ("workload", Text, false),
                ("month", Text, false),
                ("revenue_usd", Usd, false),
                ("units", Int, false),
            ],
            Table::Certifications => &[
                ("partner_id", Text, false),
                ("person_id", Text, false),
                ("certification", Text, false),
                ("earned_date", Date, false),
                ("expires_date", Date, true),
            ],
        }
    }

    /// The Arrow schema of the table's Parquet file.
    #[must_use]
    pub fn schema(self) -> SchemaRef {
        let fields: Vec<Field> = self
            .columns()
            .iter()
            .map(|&(name, kind, nullable)| {
                let dt = match kind {
                    Kind::Text => DataType::Utf8,
                    Kind::Int => DataType::Int64,
                    Kind::Usd => DataType::Decimal128(18, 2),
                    Kind::Date => DataType::Date32,
                };
                Field::new(name, dt, nullable)
            })
            .collect();
        Arc::new(Schema::new(fields))
    }

    /// The CSV header line.
    #[must_use]
    pub fn csv_header(self) -> String {
        let names: Vec<&str> = self.columns().iter().map(|c| c.0).collect();
        format!("{}\n", names.join(","))
    }
}

enum Builder {
    Text(StringBuilder),
    Int(Int64Builder),
    Usd(Decimal128Builder),
    Date(Date32Builder),
}

/// Rows of one table made by one chunk.
pub(crate) struct TableBuf {
    table: Table,
    csv: Option<String>,
    cols: Vec<Builder>,
    col: usize,
    rows: u64,
}

/// Days from 0001-01-01 to 1970-01-01 (chrono's `num_days_from_ce` of the epoch).
const EPOCH_FROM_CE: i32 = 719_163;

impl TableBuf {
    /// An empty buffer for `table` in `format`.
    #[must_use]
    pub(crate) fn new(table: Table, format: Format) -> TableBuf {
        let (csv, cols) = match format {
            Format::Csv => (Some(String::new()), Vec::new()),
            Format::Parquet => (
                None,
                table
                    .columns()
                    .iter()
                    .map(|&(_, kind, _)| match kind {
                        Kind::Text => Builder::Text(StringBuilder::new()),
                        Kind::Int => Builder::Int(Int64Builder::new()),
                        Kind::Usd => Builder::Usd(Decimal128Builder::new()),
                        Kind::Date => Builder::Date(Date32Builder::new()),
                    })
                    .collect(),
            ),
        };
        TableBuf {
            table,
            csv,
            cols,
            col: 0,
            rows: 0,
        }
    }

    fn sep(&mut self) {
        if let Some(s) = &mut self.csv
            && self.col > 0
        {
            s.push(',');
        }
    }

    /// A text cell (`None`: empty / null).
    pub(crate) fn text(&mut self, v: Option<&str>) {
        self.sep();
        if let Some(s) = &mut self.csv {
            if let Some(v) = v {
                if v.contains([',', '"', '\n', '\r']) {
                    s.push('"');
                    s.push_str(&v.replace('"', "\"\""));
                    s.push('"');
                } else {
                    s.push_str(v);
                }
            }
        } else if let Some(Builder::Text(b)) = self.cols.get_mut(self.col) {
            b.append_option(v);
        }
        self.col += 1;
    }

    /// A whole number.
    pub(crate) fn int(&mut self, v: i64) {
        self.sep();
        if let Some(s) = &mut self.csv {
            let _ = write!(s, "{v}");
        } else if let Some(Builder::Int(b)) = self.cols.get_mut(self.col) {
            b.append_value(v);
        }
        self.col += 1;
    }

    /// An amount in cents, written with 2 decimals.
    pub(crate) fn usd(&mut self, cents: i64) {
        self.sep();
        if let Some(s) = &mut self.csv {
            let _ = write!(s, "{}.{:02}", cents / 100, cents % 100);
        } else if let Some(Builder::Usd(b)) = self.cols.get_mut(self.col) {
            b.append_value(i128::from(cents));
        }
        self.col += 1;
    }

    /// A date (`None`: empty / null).
    pub(crate) fn date(&mut self, v: Option<NaiveDate>) {
        self.sep();
        if let Some(s) = &mut self.csv {
            if let Some(d) = v {
                let _ = write!(s, "{}", d.format("%Y-%m-%d"));
            }
        } else if let Some(Builder::Date(b)) = self.cols.get_mut(self.col) {
            b.append_option(v.map(|d| d.num_days_from_ce() - EPOCH_FROM_CE));
        }
        self.col += 1;
    }

    /// Ends a row.
    pub(crate) fn end(&mut self) {
        if let Some(s) = &mut self.csv {
            s.push('\n');
        }
        self.col = 0;
        self.rows += 1;
    }

    /// Rows held.
    #[must_use]
    pub(crate) fn rows(&self) -> u64 {
        self.rows
    }

    /// The rows, encoded for the writer.
    ///
    /// # Errors
    /// Arrow refuses the columns (a generator defect, reported).
    pub(crate) fn finish(self) -> Result<Piece, crate::GenError> {
        if let Some(s) = self.csv {
            return Ok(Piece::Csv(s.into_bytes()));
        }
        let arrays: Vec<ArrayRef> = self
            .cols
            .into_iter()
            .map(|b| -> Result<ArrayRef, crate::GenError> {
                Ok(match b {
                    Builder::Text(mut b) => Arc::new(b.finish()),
                    Builder::Int(mut b) => Arc::new(b.finish()),
                    Builder::Usd(mut b) => Arc::new(
                        b.finish()
                            .with_precision_and_scale(18, 2)
                            .map_err(|e| crate::GenError::Encode(e.to_string()))?,
                    ),
                    Builder::Date(mut b) => Arc::new(b.finish()),
                })
            })
            .collect::<Result<_, _>>()?;
        RecordBatch::try_new(self.table.schema(), arrays)
            .map(Piece::Batch)
            .map_err(|e| crate::GenError::Encode(e.to_string()))
    }
}

/// Encoded rows of one table from one chunk.
pub(crate) enum Piece {
    /// CSV lines (no header).
    Csv(Vec<u8>),
    /// An Arrow batch.
    Batch(RecordBatch),
}
