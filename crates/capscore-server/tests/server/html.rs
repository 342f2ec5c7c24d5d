//! Text from the data can never become markup: escaping and URL encoding over any input.

use capscore_server::html::{esc, sparkline, url};
use proptest::prelude::*;

proptest! {
    #[test]
    fn escaped_text_has_no_markup_and_reads_back(s in any::<String>()) {
        let e = esc(&s);
        prop_assert!(!e.contains('<') && !e.contains('>') && !e.contains('"') && !e.contains('\''));
        let back = e
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        prop_assert_eq!(back, s);
    }

    #[test]
    fn url_encoded_segments_are_plain_ascii(s in any::<String>()) {
        let u = url(&s);
        prop_assert!(u.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)));
    }

    #[test]
    fn sparkline_labels_are_escaped(label in any::<String>(), totals in proptest::collection::vec(0.0f64..100.0, 0..30)) {
        let points: Vec<(String, f64)> = totals.iter().enumerate().map(|(i, t)| (format!("m{i}"), *t)).collect();
        let svg = sparkline(&points, 70.0, &label);
        prop_assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        prop_assert_eq!(svg.matches('<').count(), svg.matches('>').count());
    }
}
