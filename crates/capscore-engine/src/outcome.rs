//! The value a metric kind computes for one association option, with notes that say
//! why it is what it is where a rule cut it (a baseline not met, a step not met).

use capscore_core::Num;

/// One option's computed value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Outcome {
    pub value: Num,
    pub notes: Vec<String>,
}

impl Outcome {
    pub(crate) fn of(value: Num) -> Self {
        Outcome {
            value,
            notes: Vec::new(),
        }
    }

    pub(crate) fn noted(value: Num, note: String) -> Self {
        Outcome {
            value,
            notes: vec![note],
        }
    }
}

/// A count as an exact number.
pub(crate) fn count(n: usize) -> Num {
    Num::from_integer(i128::try_from(n).unwrap_or(i128::MAX))
}
