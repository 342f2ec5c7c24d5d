//! Exit codes and error printing.

use std::process::ExitCode;

/// Why a command failed, which decides the exit code.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Input data rejected, or a request the data cannot answer (exit 3).
    Input(anyhow::Error),
    /// The catalog is invalid (exit 4).
    Catalog(anyhow::Error),
    /// Anything else (exit 1).
    Internal(anyhow::Error),
}

pub(crate) const INPUT: u8 = 3;
pub(crate) const CATALOG: u8 = 4;
pub(crate) const INTERNAL: u8 = 1;

/// Prints a failure to stderr and gives the exit code. A closed stdout (a pipe to
/// `head`) is not an error.
pub(crate) fn report(result: Result<(), Failure>) -> ExitCode {
    let (code, err) = match result {
        Ok(()) => return ExitCode::SUCCESS,
        Err(Failure::Input(e)) => (INPUT, e),
        Err(Failure::Catalog(e)) => (CATALOG, e),
        Err(Failure::Internal(e)) => (INTERNAL, e),
    };
    if err
        .chain()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    {
        return ExitCode::SUCCESS;
    }
    eprintln!("error: {err:#}");
    ExitCode::from(code)
}
