//! Why an import failed, with every input problem located by file, line and column.

use std::fmt;

use serde::Serialize;

/// How many problems an [`ImportError::Input`] lists; the rest are only counted.
pub const MAX_PROBLEMS: usize = 100;

/// One problem in the input, located.
///
/// Displayed as `office_usage.csv line 14, column "Month": not a month: "Junk"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The file name (or the input folder, for problems about the folder).
    pub file: String,
    /// The physical line where the record starts (the header is line 1); `None` when
    /// about the whole file.
    pub line: Option<u64>,
    /// The column as written in the file's header, when about one column.
    pub column: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    /// A problem about a whole file.
    pub(crate) fn file(file: &str, message: String) -> Problem {
        Problem {
            file: file.to_string(),
            line: None,
            column: None,
            message,
        }
    }

    /// A problem at a line (and column).
    pub(crate) fn at(file: &str, line: u64, column: Option<&str>, message: String) -> Problem {
        Problem {
            file: file.to_string(),
            line: Some(line),
            column: column.map(str::to_string),
            message,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, " line {line}")?;
        }
        if let Some(column) = &self.column {
            if self.line.is_some() {
                f.write_str(",")?;
            }
            write!(f, " column {column:?}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Why an import did not produce a dataset. Nothing is written in any case.
#[derive(Debug)]
pub enum ImportError {
    /// The input is wrong: every problem found (up to [`MAX_PROBLEMS`]) and how many
    /// more were not listed.
    Input {
        /// The problems, in file then line order.
        problems: Vec<Problem>,
        /// How many further problems were found.
        omitted: usize,
    },
    /// The output folder cannot be used as asked (it holds files and `--force` was
    /// not given, or it is a file, or it is the input folder).
    Output(String),
    /// The import rules or the catalog do not fit together (a defect of capscore's
    /// own files, or of a catalog given with `--catalog`).
    Rules(String),
    /// Reading or writing failed at the operating-system level.
    Io {
        /// What was being done.
        context: String,
        /// The error.
        source: std::io::Error,
    },
}

impl ImportError {
    /// Total number of input problems, listed or not (0 for other errors).
    #[must_use]
    pub fn total(&self) -> usize {
        match self {
            ImportError::Input { problems, omitted } => problems.len() + omitted,
            _ => 0,
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Input { problems, omitted } => {
                let total = problems.len() + omitted;
                let noun = if total == 1 { "problem" } else { "problems" };
                write!(
                    f,
                    "the Partner Center files were not imported: {total} {noun} found"
                )?;
                for p in problems {
                    write!(f, "\n  {p}")?;
                }
                if *omitted > 0 {
                    write!(f, "\n  … and {omitted} more")?;
                }
                Ok(())
            }
            ImportError::Output(m) => f.write_str(m),
            ImportError::Rules(m) => write!(f, "the import rules are invalid: {m}"),
            ImportError::Io { context, source } => write!(f, "{context}: {source}"),
        }
    }
}

impl std::error::Error for ImportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ImportError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Collects problems, keeping at most [`MAX_PROBLEMS`].
#[derive(Debug, Default)]
pub(crate) struct Problems {
    list: Vec<Problem>,
    omitted: usize,
}

impl Problems {
    pub(crate) fn push(&mut self, p: Problem) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(p);
        } else {
            self.omitted += 1;
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty() && self.omitted == 0
    }

    /// The error, problems sorted by file then line.
    pub(crate) fn into_error(mut self) -> ImportError {
        self.list
            .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        ImportError::Input {
            problems: self.list,
            omitted: self.omitted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_name_file_line_and_column() {
        let p = Problem::at("a.csv", 3, Some("Month"), "not a month".to_string());
        assert_eq!(
            p.to_string(),
            r#"a.csv line 3, column "Month": not a month"#
        );
        assert_eq!(Problem::file("b.csv", "x".into()).to_string(), "b.csv: x");
        let mut ps = Problems::default();
        for i in 0..(MAX_PROBLEMS as u64 + 5) {
            ps.push(Problem::at(
                "a.csv",
                MAX_PROBLEMS as u64 + 10 - i,
                None,
                "bad".into(),
            ));
        }
        let e = ps.into_error();
        assert_eq!(e.total(), MAX_PROBLEMS + 5);
        let text = e.to_string();
        assert!(text.starts_with("the Partner Center files were not imported: 105 problems found"));
        assert!(text.ends_with("… and 5 more"));
    }
}
