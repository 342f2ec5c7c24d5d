//! Checks on the account hierarchy of `partners` (`parent_id`).

/// The cycles of the parent links: each cycle once, as the partners on it in link
/// order starting from its smallest index (a partner that is its own parent is a
/// cycle of one).
pub(crate) fn parent_cycles(parent: &[Option<usize>]) -> Vec<Vec<usize>> {
    // 0: not visited, 1: on the current path, 2: done.
    let mut state = vec![0u8; parent.len()];
    let mut cycles = Vec::new();
    for start in 0..parent.len() {
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at {
            match state.get(i).copied() {
                Some(0) => {
                    if let Some(s) = state.get_mut(i) {
                        *s = 1;
                    }
                    path.push(i);
                    at = parent.get(i).copied().flatten();
                }
                Some(1) => {
                    // `i` is on the current path: the cycle is the path from it.
                    if let Some(from) = path.iter().position(|p| *p == i) {
                        let mut cycle: Vec<usize> = path.get(from..).unwrap_or(&[]).to_vec();
                        if let Some(min_at) = cycle
                            .iter()
                            .enumerate()
                            .min_by_key(|(_, p)| **p)
                            .map(|(k, _)| k)
                        {
                            cycle.rotate_left(min_at);
                        }
                        cycles.push(cycle);
                    }
                    break;
                }
                _ => break,
            }
        }
        for p in path {
            if let Some(s) = state.get_mut(p) {
                *s = 2;
            }
        }
    }
    cycles.sort();
    cycles
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_each_cycle_once() {
        // 0 <-> 1, 2 self, 3 -> 0 (not on a cycle), 4 root.
        let parent = [Some(1), Some(0), Some(2), Some(0), None];
        assert_eq!(parent_cycles(&parent), vec![vec![0, 1], vec![2]]);
        assert!(parent_cycles(&[None, Some(0), Some(1)]).is_empty());
    }

    proptest! {
        /// Every partner found on a cycle reaches itself by parent links, and every
        /// partner that reaches itself is found.
        #[test]
        fn cycles_are_exactly_the_self_reaching_partners(
            links in proptest::collection::vec(proptest::option::of(0usize..12), 1..12)
        ) {
            let n = links.len();
            let parent: Vec<Option<usize>> = links.iter().map(|l| l.filter(|p| *p < n)).collect();
            let on_cycle: std::collections::BTreeSet<usize> =
                parent_cycles(&parent).into_iter().flatten().collect();
            for i in 0..n {
                let mut at = parent[i];
                let mut reaches = false;
                for _ in 0..n {
                    match at {
                        Some(p) if p == i => { reaches = true; break; }
                        Some(p) => at = parent[p],
                        None => break,
                    }
                }
                prop_assert_eq!(reaches, on_cycle.contains(&i), "partner {}", i);
            }
        }
    }
}
