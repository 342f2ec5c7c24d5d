//! What every CLI test module runs: the `capscore` binary built for the tests.

use std::process::{Command, Output};

/// Runs `capscore args` and waits for it.
pub(crate) fn capscore(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capscore"))
        .args(args)
        .output()
        .unwrap()
}

/// Its stdout, after asserting it succeeded (stderr in the failure message).
pub(crate) fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}
