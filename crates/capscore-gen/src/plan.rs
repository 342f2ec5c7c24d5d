//! How tenants are shared among partners (heavy-tailed sizes) and how partners are
//! cut into chunks that are generated independently, each with its own seeded RNG.

use std::ops::Range;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::profile::PartnerShape;

/// Tenants a chunk aims at (chunks end on partner boundaries).
const CHUNK_TENANTS: u64 = 2048;
/// Partners a chunk holds at most.
const CHUNK_PARTNERS: usize = 256;

/// The RNG of stream `stream` of `seed` (stream 0: the plan; chunk `c`: stream `c + 1`).
#[must_use]
pub(crate) fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(stream);
    r
}

/// A Pareto draw of scale 1 and shape `alpha` (>= 1).
pub(crate) fn pareto(r: &mut ChaCha8Rng, alpha: f64) -> f64 {
    let u: f64 = r.random();
    (1.0 - u).max(f64::MIN_POSITIVE).powf(-1.0 / alpha)
}

/// Who owns which tenants, and the chunks.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// `tenant_start[p]..tenant_start[p + 1]` are partner `p`'s own tenants.
    pub tenant_start: Vec<u64>,
    /// Consecutive partner ranges.
    pub chunks: Vec<Range<usize>>,
}

impl Plan {
    /// Shares `tenants` among `partners` by Pareto weights.
    #[must_use]
    pub(crate) fn new(partners: usize, tenants: u64, seed: u64, shape: &PartnerShape) -> Plan {
        let mut r = rng(seed, 0);
        let mut w: Vec<f64> = (0..partners)
            .map(|_| pareto(&mut r, shape.pareto_alpha))
            .collect();
        let mean = w.iter().sum::<f64>() / partners.max(1) as f64;
        let cap = mean * shape.max_share_of_mean;
        for x in &mut w {
            *x = x.min(cap);
        }
        let total: f64 = w.iter().sum();
        let mut tenant_start = Vec::with_capacity(partners + 1);
        let mut acc = 0.0;
        tenant_start.push(0);
        for x in &w {
            acc += x;
            let t = if total > 0.0 {
                ((acc / total) * tenants as f64).floor() as u64
            } else {
                0
            };
            tenant_start.push(t.min(tenants));
        }
        if let Some(last) = tenant_start.last_mut() {
            *last = tenants;
        }
        let mut chunks = Vec::new();
        let mut from = 0;
        for p in 0..partners {
            let held = tenant_start[p + 1] - tenant_start[from];
            if held >= CHUNK_TENANTS || p + 1 - from >= CHUNK_PARTNERS || p + 1 == partners {
                chunks.push(from..p + 1);
                from = p + 1;
            }
        }
        Plan {
            tenant_start,
            chunks,
        }
    }

    /// Partner `p`'s own tenants.
    #[must_use]
    pub(crate) fn tenants_of(&self, p: usize) -> Range<u64> {
        self.tenant_start[p]..self.tenant_start[p + 1]
    }
}
