//! Sorting the loaded rows on their full key, skipped when they are already in order.

use rayon::iter::ParallelIterator as _;
use rayon::slice::ParallelSliceMut as _;

/// Sorts `rows` by `key` (keys are unique: they end with the line), where `key` orders
/// rows first by `group` (the tenant, the partner). A file written in key order (for
/// example by a previous export) costs one linear pass instead of a sort; a file
/// written in group order (every export listed by tenant or partner) has each group's
/// rows sorted where they are, groups on every core.
///
/// A counting sort on the tenant followed by a sort of each tenant's rows was tried
/// and measured slower on files in no order: applying the permutation in place moves
/// rows in random order through memory (see docs/performance.md). The sort uses every
/// core (rayon); keys are unique, so the order does not depend on how the work is
/// split.
pub(crate) fn sort_if_needed<R: Send, G: Ord, K: Ord>(
    rows: &mut [R],
    group: impl Fn(&R) -> G + Sync,
    key: impl Fn(&R) -> K + Sync,
) {
    if rows.is_sorted_by_key(&key) {
        return;
    }
    if rows.is_sorted_by_key(&group) {
        rows.par_chunk_by_mut(|a, b| group(a) == group(b))
            .for_each(|rows| rows.sort_unstable_by_key(&key));
    } else {
        rows.par_sort_unstable_by_key(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::sort_if_needed;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn same_order_as_a_full_sort(
            mut rows in proptest::collection::vec((0usize..20, 0u8..5, 0u32..1000), 0..300),
            presorted in 0u8..3,
        ) {
            // Unique keys, as the loader's (they end with the line).
            for (i, r) in rows.iter_mut().enumerate() {
                r.2 = u32::try_from(i).unwrap_or(u32::MAX);
            }
            match presorted {
                // In key order.
                1 => rows.sort_unstable(),
                // In group order only, rows of a group in any order.
                2 => rows.sort_by_key(|r| r.0),
                _ => {}
            }
            let mut want = rows.clone();
            want.sort_unstable();
            sort_if_needed(&mut rows, |r| r.0, |r| *r);
            prop_assert_eq!(rows, want);
        }
    }
}
