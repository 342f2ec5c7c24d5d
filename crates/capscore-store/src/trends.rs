//! The metric values kept from every import (the counting track's metrics of each
//! month and area scored), for the partner's trends: written with the import's
//! scores in its transaction, several rows per statement.

use serde::Serialize;

use crate::{Store, StoreError};

/// One metric of a partner's area in a month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricRow {
    /// `YYYY-MM`.
    pub month: String,
    /// Partner.
    pub partner_id: String,
    /// Area id.
    pub area: String,
    /// Metric id.
    pub metric: String,
    /// The winning option's value (rounded to 2 decimals).
    pub value: f64,
    /// Its target.
    pub target: f64,
    /// Points.
    pub points: f64,
}

/// Rows per `INSERT` (9 parameters each, well under both databases' limits).
const BATCH: usize = 200;

/// Inserts (or replaces) metric rows of an import in its transaction.
pub(crate) async fn insert_metrics(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    workspace_id: i64,
    import_id: i64,
    rows: &[MetricRow],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(BATCH) {
        let mut sql = String::from(
            "INSERT INTO metric_values (workspace_id, partner_id, area, metric, month, import_id, value, target, points) VALUES ",
        );
        for i in 0..chunk.len() {
            let b = i * 9;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8,
                b + 9
            ));
        }
        sql.push_str(
            " ON CONFLICT (workspace_id, partner_id, area, metric, month) DO UPDATE SET \
             import_id = excluded.import_id, value = excluded.value, target = excluded.target, points = excluded.points",
        );
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = q
                .bind(workspace_id)
                .bind(&r.partner_id)
                .bind(&r.area)
                .bind(&r.metric)
                .bind(&r.month)
                .bind(import_id)
                .bind(r.value)
                .bind(r.target)
                .bind(r.points);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

impl Store {
    /// A partner's metric values over every month kept, by area, metric, then month.
    ///
    /// # Errors
    /// A database error.
    pub async fn metric_history(
        &self,
        workspace_id: i64,
        partner_id: &str,
    ) -> Result<Vec<MetricRow>, StoreError> {
        let rows: Vec<(String, String, String, String, f64, f64, f64)> = sqlx::query_as(
            "SELECT month, partner_id, area, metric, value, target, points FROM metric_values
             WHERE workspace_id = $1 AND partner_id = $2 ORDER BY area, metric, month",
        )
        .bind(workspace_id)
        .bind(partner_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| MetricRow {
                month: r.0,
                partner_id: r.1,
                area: r.2,
                metric: r.3,
                value: r.4,
                target: r.5,
                points: r.6,
            })
            .collect())
    }
}
