//! Mutation fuzzing of the real `capscore` binary: the CSV loader, the Parquet loader
//! and the Partner Center importer get small valid inputs with bytes flipped, cut,
//! inserted (quotes, CR, NUL, delimiters, escapes, invalid UTF-8), lines duplicated
//! or dropped, huge fields, and odd cell values. Whatever the input:
//!
//! - nothing panics, and the exit code is 0 or 3;
//! - every rejection names a file, and a line where the file has lines;
//! - an import that succeeds writes a dataset that `capscore validate` accepts.
//!
//! A few dozen cases per target run with the test suite; set `CAPSCORE_FUZZ_CASES`
//! for more (`CAPSCORE_FUZZ_CASES=20000 cargo test --release -p capscore-cli --test
//! fuzz -- --nocapture`, see docs/fuzzing.md). Each target prints its outcome counts.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use arrow_array::{ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::{BrotliLevel, Compression, GzipLevel, ZstdLevel};
use parquet::file::properties::WriterProperties;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};

/// Cases per target: `CAPSCORE_FUZZ_CASES`, else a number that keeps each target to
/// a few seconds.
fn cases() -> u32 {
    std::env::var("CAPSCORE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32)
}

fn config() -> Config {
    Config {
        cases: cases(),
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..Config::default()
    }
}

fn capscore(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capscore"))
        .args(args)
        .output()
        .expect("capscore runs")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Outcome counts of one target: exit 0, exit 3, anything else.
struct Counts {
    name: &'static str,
    ok: AtomicUsize,
    rejected: AtomicUsize,
    other: AtomicUsize,
}

impl Counts {
    const fn new(name: &'static str) -> Counts {
        Counts {
            name,
            ok: AtomicUsize::new(0),
            rejected: AtomicUsize::new(0),
            other: AtomicUsize::new(0),
        }
    }

    fn add(&self, code: Option<i32>) {
        let slot = match code {
            Some(0) => &self.ok,
            Some(3) => &self.rejected,
            _ => &self.other,
        };
        slot.fetch_add(1, Ordering::Relaxed);
    }

    fn print(&self) {
        let (ok, rejected, other) = (
            self.ok.load(Ordering::Relaxed),
            self.rejected.load(Ordering::Relaxed),
            self.other.load(Ordering::Relaxed),
        );
        eprintln!(
            "fuzz {}: {} cases: exit 0: {ok}, exit 3: {rejected}, other: {other}",
            self.name,
            ok + rejected + other
        );
    }
}

static CSV: Counts = Counts::new("csv loader");
static PARQUET: Counts = Counts::new("parquet loader");
static IMPORT: Counts = Counts::new("importer");

/// A position in a collection of any size, as a fraction of it (`proptest`'s `Index`,
/// with a value that a replayed case can give).
#[derive(Debug, Clone, Copy)]
struct Index(usize);

impl Index {
    fn index(self, size: usize) -> usize {
        ((size as u128 * self.0 as u128) >> usize::BITS) as usize
    }
}

impl Arbitrary for Index {
    type Parameters = ();
    type Strategy = proptest::strategy::Map<proptest::num::usize::Any, fn(usize) -> Index>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        any::<usize>().prop_map(Index)
    }
}

/// One change to a file's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(Index, u8),
    Truncate(Index),
    Insert(Index, &'static [u8]),
    DuplicateLine(Index),
    DeleteLine(Index),
    Huge(Index, usize),
}

const INSERTS: [&[u8]; 12] = [
    b"\"",
    b"\"\"",
    b"\r",
    b"\r\n",
    b"\n",
    b"\0",
    b",",
    b"\t",
    b";",
    b"\xFF",
    "é\u{1b}[31m".as_bytes(),
    b"\"P1\nP2,\"",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        4 => (any::<Index>(), proptest::sample::select(INSERTS.to_vec()))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        2 => any::<Index>().prop_map(Mutation::DuplicateLine),
        1 => any::<Index>().prop_map(Mutation::DeleteLine),
        1 => (any::<Index>(), proptest::sample::select(vec![70_000usize, 1_100_000]))
            .prop_map(|(i, n)| Mutation::Huge(i, n)),
    ]
}

/// Byte ranges of the lines of a text (with their line break).
fn lines(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < bytes.len() {
        out.push(start..bytes.len());
    }
    out
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let len = bytes.len();
    match m {
        Mutation::Flip(i, b) => {
            if len > 0 {
                let at = i.index(len);
                bytes[at] ^= b | 1;
            }
        }
        Mutation::Truncate(i) => bytes.truncate(i.index(len + 1)),
        Mutation::Insert(i, what) => {
            let at = i.index(len + 1);
            bytes.splice(at..at, what.iter().copied());
        }
        Mutation::DuplicateLine(i) => {
            let ls = lines(bytes);
            if !ls.is_empty() {
                let r = ls[i.index(ls.len())].clone();
                let copy = bytes[r.clone()].to_vec();
                bytes.splice(r.end..r.end, copy);
            }
        }
        Mutation::DeleteLine(i) => {
            let ls = lines(bytes);
            if !ls.is_empty() {
                let r = ls[i.index(ls.len())].clone();
                bytes.drain(r);
            }
        }
        Mutation::Huge(i, n) => {
            let at = i.index(len + 1);
            bytes.splice(at..at, std::iter::repeat_n(b'x', *n));
        }
    }
}

/// Messages that are about a whole file, so carry no line.
const WHOLE_FILE: [&str; 8] = [
    "the file is empty",
    "the table has no partner rows",
    "the required table partners is missing",
    "is given twice",
    "cannot open the file",
    "not a valid Parquet file",
    "no Partner Center file that capscore imports",
    "global account",
];

/// Checks the problems listed on stderr: each names one of `files` (or `place`), and
/// a line when the file has lines (not Parquet) and the message is not about the
/// whole file.
fn check_problems(stderr: &str, files: &[String], place: &str) -> Result<(), String> {
    let problems: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("  ") && !l.trim_start().starts_with('…'))
        .map(str::trim)
        .collect();
    if problems.is_empty() {
        return Err(format!("no problem listed:\n{stderr}"));
    }
    for p in problems {
        let named = files
            .iter()
            .find(|f| p.starts_with(&format!("{f} ")) || p.starts_with(&format!("{f}:")));
        match named {
            Some(f) => {
                let lined = f.ends_with(".parquet")
                    || p.starts_with(&format!("{f} line "))
                    || WHOLE_FILE.iter().any(|w| p.contains(w));
                if !lined {
                    return Err(format!("no line in {p:?}"));
                }
            }
            None if p.starts_with(place) => {}
            None => return Err(format!("no file named in {p:?}")),
        }
    }
    Ok(())
}

fn no_panic(o: &Output) -> Result<(), String> {
    let err = String::from_utf8_lossy(&o.stderr);
    if err.contains("panicked") || !matches!(o.status.code(), Some(0 | 3)) {
        return Err(format!("exit {:?}:\n{err}", o.status.code()));
    }
    Ok(())
}

/// The sample dataset cut to its first lines, as (file, bytes).
fn small_sample() -> Vec<(String, Vec<u8>)> {
    let dir = repo().join("data/sample");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let text = std::fs::read_to_string(dir.join(&n)).unwrap();
            let head: String = text.lines().take(30).map(|l| format!("{l}\n")).collect();
            (n, head.into_bytes())
        })
        .collect()
}

fn write_all(dir: &Path, files: &[(String, Vec<u8>)]) {
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

/// Validates a dataset folder, and scores it when valid.
fn check_dataset(dir: &Path, files: &[String], counts: &Counts) -> Result<(), String> {
    let d = dir.to_string_lossy().into_owned();
    let o = capscore(&["validate", "--data", &d]);
    counts.add(o.status.code());
    no_panic(&o)?;
    if o.status.code() == Some(3) {
        check_problems(&String::from_utf8_lossy(&o.stderr), files, &d)?;
    } else {
        let o = capscore(&["score", "--data", &d, "--format", "json"]);
        no_panic(&o)?;
    }
    Ok(())
}

#[test]
fn csv_loader_survives_mutations() {
    let base = small_sample();
    let names: Vec<String> = base.iter().map(|(n, _)| n.clone()).collect();
    {
        let dir = tempfile::tempdir().unwrap();
        write_all(dir.path(), &base);
        let o = capscore(&["validate", "--data", &dir.path().to_string_lossy()]);
        assert_eq!(o.status.code(), Some(0), "the base validates");
    }
    let n = base.len();
    proptest!(config(), |(file in 0..n, ms in proptest::collection::vec(mutation(), 1..4))| {
        let mut files = base.clone();
        for m in &ms {
            apply(&mut files[file].1, m);
        }
        let dir = tempfile::tempdir().unwrap();
        write_all(dir.path(), &files);
        check_dataset(dir.path(), &names, &CSV).map_err(TestCaseError::fail)?;
    });
    CSV.print();
}

/// A cell value for the Parquet target.
fn cell() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        2 => "\\PC{0,12}".prop_map(Some),
        1 => Just(None),
        1 => Just(Some(String::new())),
        1 => proptest::sample::select(vec![
            "P\u{0}1", "T\n1", "\u{1b}[31mRed", "9999-12", "0001-01-01", "2023-02-30",
            "1e9", "-1", "1.0000000001", "12345678901234567", "specialization:x",
            "designation:modern_work", "Teams", "CPOR",
        ])
        .prop_map(|s| Some(s.to_string())),
        1 => Just(Some("y".repeat(70_000))),
    ]
}

fn codec() -> impl Strategy<Value = Compression> {
    proptest::sample::select(vec![
        Compression::UNCOMPRESSED,
        Compression::SNAPPY,
        Compression::GZIP(GzipLevel::default()),
        Compression::BROTLI(BrotliLevel::default()),
        Compression::LZ4,
        Compression::LZ4_RAW,
        Compression::ZSTD(ZstdLevel::default()),
    ])
}

/// A CSV table (simple: no quotes in the sample's cut) as Parquet text columns.
fn to_parquet(
    csv: &[u8],
    codec: Compression,
    change: Option<(Index, Index, Option<String>)>,
) -> Vec<u8> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(csv);
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows: Vec<Vec<Option<String>>> = reader
        .records()
        .map(|r| {
            r.unwrap()
                .iter()
                .map(|c| (!c.is_empty()).then(|| c.to_string()))
                .collect()
        })
        .collect();
    if let Some((r, c, v)) = change
        && !rows.is_empty()
    {
        let len = rows.len();
        let row = &mut rows[r.index(len)];
        let cols = row.len();
        row[c.index(cols)] = v;
    }
    let fields: Vec<Field> = header
        .iter()
        .map(|h| Field::new(h, DataType::Utf8, true))
        .collect();
    let arrays: Vec<ArrayRef> = (0..header.len())
        .map(|i| {
            let col: Vec<Option<&str>> = rows
                .iter()
                .map(|r| r.get(i).and_then(|c| c.as_deref()))
                .collect();
            Arc::new(StringArray::from(col)) as ArrayRef
        })
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(Arc::clone(&schema), arrays).unwrap();
    let props = WriterProperties::builder().set_compression(codec).build();
    let mut out = Vec::new();
    let mut w = ArrowWriter::try_new(&mut out, schema, Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    out
}

#[test]
fn parquet_loader_survives_mutations() {
    let base = small_sample();
    let n = base.len();
    proptest!(config(), |(
        file in 0..n,
        codec in codec(),
        change in proptest::option::of((any::<Index>(), any::<Index>(), cell())),
        ms in proptest::collection::vec(mutation(), 0..3),
    )| {
        let mut files = base.clone();
        let (name, csv) = files[file].clone();
        let mut bytes = to_parquet(&csv, codec, change);
        for m in &ms {
            apply(&mut bytes, m);
        }
        let pq = name.replace(".csv", ".parquet");
        files[file] = (pq, bytes);
        let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
        let dir = tempfile::tempdir().unwrap();
        write_all(dir.path(), &files);
        check_dataset(dir.path(), &names, &PARQUET).map_err(TestCaseError::fail)?;
    });
    PARQUET.print();
}

#[test]
fn importer_survives_mutations_and_writes_valid_datasets() {
    let dir = repo().join("crates/capscore-import/tests/fixtures/contoso");
    let mut base: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    base.sort();
    let names: Vec<String> = base.iter().map(|(n, _)| n.clone()).collect();
    let n = base.len();
    proptest!(config(), |(
        file in 0..n,
        ms in proptest::collection::vec(mutation(), 1..4),
        order in prop_oneof![1 => Just(None), 4 => Just(Some("mdy")), 1 => Just(Some("dmy"))],
    )| {
        let mut files = base.clone();
        for m in &ms {
            apply(&mut files[file].1, m);
        }
        let root = tempfile::tempdir().unwrap();
        let from = root.path().join("pc");
        std::fs::create_dir(&from).unwrap();
        write_all(&from, &files);
        let out = root.path().join("ds");
        let (f, o) = (from.to_string_lossy().into_owned(), out.to_string_lossy().into_owned());
        let mut args = vec!["import", "partner-center", "--from", &f, "--out", &o];
        if let Some(order) = order {
            args.extend(["--date-order", order]);
        }
        let run = capscore(&args);
        IMPORT.add(run.status.code());
        no_panic(&run).map_err(TestCaseError::fail)?;
        if run.status.code() == Some(0) {
            let v = capscore(&["validate", "--data", &o]);
            prop_assert_eq!(
                v.status.code(),
                Some(0),
                "an import that succeeds validates:\n{}",
                String::from_utf8_lossy(&v.stderr)
            );
        } else {
            let mut named = names.clone();
            named.extend(
                ["partners", "tenants", "associations", "m365_usage", "azure_usage", "bizapps_usage", "certifications"]
                    .iter()
                    .map(|t| format!("output {t}.csv")),
            );
            check_problems(&String::from_utf8_lossy(&run.stderr), &named, &f)
                .map_err(TestCaseError::fail)?;
            prop_assert!(!out.exists(), "nothing written");
        }
    });
    IMPORT.print();
}

/// Cases the long runs found, replayed with every test run.
#[test]
fn found_cases_stay_fixed() {
    // A Parquet file whose pages the reader panics on (caught, and reported as not
    // valid Parquet): the panic message and backtrace were printed all the same.
    let mut files = small_sample();
    let i = files
        .iter()
        .position(|(n, _)| n == "certifications.csv")
        .unwrap();
    let change = Some((Index(0), Index(0), Some(" 0\u{1eef0}\u{1d50d}".to_string())));
    let mut bytes = to_parquet(&files[i].1, Compression::ZSTD(ZstdLevel::default()), change);
    apply(
        &mut bytes,
        &Mutation::DuplicateLine(Index(5_380_300_354_831_952_555)),
    );
    apply(
        &mut bytes,
        &Mutation::Flip(Index(6_329_962_342_995_934_833), 0),
    );
    files[i] = ("certifications.parquet".to_string(), bytes);
    let dir = tempfile::tempdir().unwrap();
    write_all(dir.path(), &files);
    let o = capscore(&["validate", "--data", &dir.path().to_string_lossy()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains("certifications.parquet: not a valid Parquet file"),
        "{err}"
    );
}
