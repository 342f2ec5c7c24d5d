//! Case-insensitive name matching with suggestions for near misses.

use std::collections::HashMap;

/// Normalises a name: lower case, runs of white space folded, surrounding white
/// space and a trailing full stop dropped.
pub fn normalize(name: &str) -> String {
    let folded = name.split_whitespace().collect::<Vec<_>>().join(" ");
    folded.trim_end_matches('.').trim().to_lowercase()
}

/// Names (canonical and aliases) mapping to ids.
#[derive(Debug, Clone)]
pub(crate) struct NameIndex<I> {
    map: HashMap<String, I>,
    /// Display names offered as suggestions.
    display: Vec<String>,
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
    pub fn add(&mut self, name: &str, id: I, suggest: bool) -> Result<(), I> {
        let key = normalize(name);
        match self.map.get(&key) {
            Some(&other) if other != id => return Err(other),
            Some(_) => {}
            None => {
                self.map.insert(key, id);
            }
        }
        if suggest && !self.display.iter().any(|d| d == name) {
            self.display.push(name.to_string());
        }
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<I> {
        self.map.get(&normalize(name)).copied()
    }

    /// Up to three display names closest to `name`, best first.
    pub fn suggest(&self, name: &str) -> Vec<String> {
        let key = normalize(name);
        let mut scored: Vec<(f64, &String)> = self
            .display
            .iter()
            .map(|d| (strsim::jaro_winkler(&key, &normalize(d)), d))
            .filter(|(s, _)| *s >= 0.75)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        scored.into_iter().take(3).map(|(_, d)| d.clone()).collect()
    }
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
}
