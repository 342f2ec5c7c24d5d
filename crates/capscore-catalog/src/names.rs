//! Case-insensitive name matching with suggestions for near misses.

use std::collections::HashMap;

/// Normalises a name: lower case, runs of white space folded, surrounding white
/// space and a trailing full stop dropped.
#[must_use]
pub fn normalize(name: &str) -> String {
    let folded = name.split_whitespace().collect::<Vec<_>>().join(" ");
    folded.trim_end_matches('.').trim().to_lowercase()
}

/// Names (canonical and aliases) mapping to ids.
#[derive(Debug, Clone)]
pub(crate) struct NameIndex<I> {
    map: HashMap<String, I>,
    /// Display names offered as suggestions, with their normalised form.
    display: Vec<(String, String)>,
}

impl<I> Default for NameIndex<I> {
    fn default() -> Self {
        NameIndex {
            map: HashMap::new(),
            display: Vec::new(),
        }
    }
}

impl<I: Copy + PartialEq> NameIndex<I> {
    /// Adds a name; returns the other id if the name already means something else.
    pub(crate) fn add(&mut self, name: &str, id: I, suggest: bool) -> Result<(), I> {
        let key = normalize(name);
        match self.map.get(&key) {
            Some(&other) if other != id => return Err(other),
            Some(_) => {}
            None => {
                self.map.insert(key, id);
            }
        }
        if suggest && !self.display.iter().any(|(d, _)| d == name) {
            self.display.push((name.to_string(), normalize(name)));
        }
        Ok(())
    }

    pub(crate) fn get(&self, name: &str) -> Option<I> {
        self.map.get(&normalize(name)).copied()
    }

    /// Up to three display names closest to `name`, best first.
    pub(crate) fn suggest(&self, name: &str) -> Vec<String> {
        suggest_among(
            name,
            self.display.iter().map(|(d, n)| (d.as_str(), n.as_str())),
        )
    }
}

/// Longest name (in characters) for which suggestions are looked for: far longer
/// than any catalog name, so a longer value is no near miss of one, and comparing it
/// would only cost time (the comparison is quadratic in the length).
pub(crate) const MAX_SUGGEST_CHARS: usize = 200;

/// Up to three of `candidates` (display name, normalised name) closest to `name`,
/// best first. Values longer than [`MAX_SUGGEST_CHARS`] get none.
pub(crate) fn suggest_among<'a>(
    name: &str,
    candidates: impl Iterator<Item = (&'a str, &'a str)>,
) -> Vec<String> {
    if name.chars().count() > MAX_SUGGEST_CHARS {
        return Vec::new();
    }
    let key = normalize(name);
    let mut scored: Vec<(f64, &str)> = candidates
        .map(|(d, n)| (strsim::jaro_winkler(&key, n), d))
        .filter(|(s, _)| *s >= 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(3)
        .map(|(_, d)| d.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_case_space_and_full_stop() {
        assert_eq!(normalize("  Exchange   Online. "), "exchange online");
        assert_eq!(normalize("EXO"), "exo");
    }

    #[test]
    fn suggests_near_misses() {
        let mut idx = NameIndex::default();
        idx.add("Exchange", 1, true).unwrap();
        idx.add("SharePoint", 2, true).unwrap();
        assert_eq!(idx.get("exchange"), Some(1));
        assert_eq!(idx.suggest("Exchnage"), vec!["Exchange".to_string()]);
        assert!(idx.add("EXCHANGE", 2, true).is_err());
    }

    #[test]
    fn long_values_get_no_suggestion() {
        let mut idx = NameIndex::default();
        idx.add("Exchange", 1, true).unwrap();
        let long = format!("Exchange{}", "e".repeat(MAX_SUGGEST_CHARS));
        assert!(idx.suggest(&long).is_empty());
    }
}
