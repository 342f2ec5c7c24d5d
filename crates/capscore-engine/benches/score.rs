//! Benchmarks of loading and scoring on synthetic data (`cargo bench -p capscore-engine`).
//!
//! The dataset is made here, as CSV text, with a small deterministic generator (the
//! same shapes as `scripts/synth_dataset.py`, simplified): each partner owns `tenants`
//! customer tenants with about four Modern Work workloads a month over 24 months
//! (2022-07 ..= 2024-06), an association each (a few ended, a few started inside the
//! window, some workload CPOR claims) and a few certified people. It is loaded with
//! the real loader and the embedded catalog, as `capscore score` does.
//!
//! Results are written down in `docs/performance.md`; nothing here asserts a time.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use capscore_catalog::Catalog;
use capscore_core::Month;
use capscore_data::{Dataset, load_files};
use capscore_engine::{ExplainRequest, ScoreRequest, explain, score};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// First and last month of usage, as month indexes (year * 12 + month - 1).
const FIRST: u32 = 2022 * 12 + 6;
const LAST: u32 = 2024 * 12 + 5;

/// (export label, probability in percent, seat share in percent)
const WORKLOADS: [(&str, u32, u64); 7] = [
    ("Exchange", 100, 100),
    ("Teams", 100, 100),
    ("SPO", 80, 100),
    ("ProPlus", 60, 100),
    ("Intune", 30, 80),
    ("Viva Engage", 15, 100),
    ("Teams Phone", 10, 30),
];
const TYPES: [&str; 4] = ["CSP_T1", "CSP_T2", "DPOR", "CPOR"];
const CERTS: [&str; 5] = [
    "Microsoft 365 Fundamentals",
    "Teams Administrator Associate",
    "Microsoft 365 Certified: Messaging Administrator Associate",
    "Microsoft 365 Certified: Endpoint Administrator Associate",
    "Microsoft 365 Certified: Administrator Expert",
];

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        let span = u64::from(hi - lo) + 1;
        lo + u32::try_from(self.next() % span).unwrap_or(0)
    }

    fn percent(&mut self, p: u32) -> bool {
        self.range(0, 99) < p
    }
}

fn month(i: u32) -> String {
    format!("{:04}-{:02}", i / 12, i % 12 + 1)
}

/// The CSV files of a synthetic dataset and its number of `m365_usage` rows.
struct Synthetic {
    files: Vec<(&'static str, String)>,
    usage_rows: u64,
}

fn synthetic(partners: u32, tenants: u32) -> Synthetic {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut p_csv = String::from("partner_id,name,parent_id,market\n");
    let mut t_csv = String::from("tenant_id,name,country\n");
    let mut a_csv =
        String::from("partner_id,tenant_id,type,workload,subscription_id,start_date,end_date\n");
    let mut u_csv = String::from("tenant_id,workload,month,paid_units,active_users\n");
    let mut c_csv = String::from("partner_id,person_id,certification,earned_date,expires_date\n");
    let mut usage_rows = 0;
    for p in 1..=partners {
        let pid = format!("P{p:07}");
        let market = if rng.percent(15) {
            "emerging"
        } else {
            "mature"
        };
        let _ = writeln!(p_csv, "{pid},Partner {p},,{market}");
        for k in 0..tenants {
            let tid = format!(
                "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
                rng.next() >> 32,
                rng.next() >> 48,
                rng.next() >> 48,
                rng.next() >> 48,
                rng.next() >> 16
            );
            let _ = writeln!(t_csv, "{tid},Customer {p}-{k},US");
            // Seats: 5 % micro, 65 % SMB, 30 % Enterprise.
            let size = rng.range(0, 99);
            let seats = u64::from(match size {
                0..=4 => rng.range(3, 10),
                5..=69 => rng.range(15, 290),
                _ => rng.range(320, 8000),
            });
            let growth = u64::from(rng.range(90, 130));
            let begin = if rng.percent(20) {
                rng.range(FIRST + 1, LAST)
            } else {
                FIRST
            };
            let start = if begin > FIRST || rng.percent(40) {
                begin.max(rng.range(FIRST, LAST))
            } else {
                FIRST - rng.range(1, 48)
            };
            let end = if rng.percent(8) && start < LAST {
                format!("{}-28", month(rng.range(start.max(FIRST - 1) + 1, LAST)))
            } else {
                String::new()
            };
            let kind = TYPES[rng.range(0, 3) as usize];
            let day = rng.range(1, 28);
            let _ = writeln!(
                a_csv,
                "{pid},{tid},{kind},,,{}-{day:02},{end}",
                month(start)
            );
            let mut loads = Vec::new();
            for (label, prob, share) in WORKLOADS {
                if rng.percent(prob) {
                    let ratio = if rng.percent(75) {
                        rng.range(45, 92)
                    } else {
                        rng.range(5, 35)
                    };
                    loads.push((label, share, u64::from(ratio)));
                    if label != "Viva Engage" && rng.percent(10) {
                        let c = month(rng.range(FIRST - 12, LAST));
                        let _ = writeln!(a_csv, "{pid},{tid},CPOR,{label},,{c}-15,");
                    }
                }
            }
            let span = u64::from((LAST - begin).max(1));
            for mi in begin..=LAST {
                let t = u64::from(mi - begin);
                let s = seats * (100 * span + (growth - 100) * t) / (100 * span);
                for &(label, share, ratio) in &loads {
                    let paid = (s * share / 100).max(1);
                    let jitter = u64::from(rng.range(0, 4));
                    let active = (paid * (ratio + jitter) / 100).min(paid);
                    let _ = writeln!(u_csv, "{tid},{label},{},{paid},{active}", month(mi));
                    usage_rows += 1;
                }
            }
        }
        for j in 0..rng.range(1, 4 + tenants / 8) {
            for _ in 0..rng.range(1, 3) {
                let cert = CERTS[rng.range(0, 4) as usize];
                let earned = rng.range(LAST - 48, LAST);
                let _ = writeln!(
                    c_csv,
                    "{pid},{pid}-u{j},{cert},{}-10,{}-10",
                    month(earned),
                    month(earned + 12)
                );
            }
        }
    }
    Synthetic {
        files: vec![
            ("partners.csv", p_csv),
            ("tenants.csv", t_csv),
            ("associations.csv", a_csv),
            ("m365_usage.csv", u_csv),
            ("certifications.csv", c_csv),
        ],
        usage_rows,
    }
}

fn load(catalog: &Catalog, s: &Synthetic) -> Dataset {
    let files: Vec<(&str, &[u8])> = s
        .files
        .iter()
        .map(|(name, text)| (*name, text.as_bytes()))
        .collect();
    match load_files(&files, catalog) {
        Ok(loaded) => loaded.dataset,
        Err(e) => panic!("the synthetic dataset is invalid: {e}"),
    }
}

fn catalog() -> Catalog {
    Catalog::embedded().unwrap_or_else(|e| panic!("embedded catalog: {e}"))
}

/// Loading (CSV parsing, validation, interning, sorting, indexing).
fn bench_load(c: &mut Criterion) {
    let catalog = catalog();
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    for (partners, tenants) in [(100, 10), (1_000, 10)] {
        let s = synthetic(partners, tenants);
        group.throughput(Throughput::Elements(s.usage_rows));
        group.bench_with_input(
            BenchmarkId::new("csv", format!("{partners}x{tenants}")),
            &s,
            |b, s| b.iter(|| black_box(load(&catalog, s))),
        );
    }
    group.finish();
}

/// `score` for one month (2024-06), every partner, every area in force.
fn bench_score(c: &mut Criterion) {
    let catalog = catalog();
    let month: Month = match "2024-06".parse() {
        Ok(m) => m,
        Err(e) => panic!("month: {e}"),
    };
    let mut group = c.benchmark_group("score");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(12));
    for (partners, tenants) in [(1_000, 10), (100, 100)] {
        let data = load(&catalog, &synthetic(partners, tenants));
        let request = ScoreRequest {
            month,
            partners: None,
            areas: None,
        };
        group.throughput(Throughput::Elements(u64::from(partners)));
        group.bench_with_input(
            BenchmarkId::new("month", format!("{partners}x{tenants}")),
            &data,
            |b, data| {
                b.iter(|| match score(data, &catalog, &request) {
                    Ok(scores) => black_box(scores),
                    Err(e) => panic!("score: {e}"),
                });
            },
        );
    }
    group.finish();
}

/// The interactive path: with the dataset in memory, one partner of 5,000 tenants
/// scored for one month in every area in force (the server's and advisor's request).
fn bench_one_partner(c: &mut Criterion) {
    let catalog = catalog();
    let month: Month = match "2024-06".parse() {
        Ok(m) => m,
        Err(e) => panic!("month: {e}"),
    };
    let data = load(&catalog, &synthetic(3, 5_000));
    let request = ScoreRequest {
        month,
        partners: Some(vec![capscore_core::PartnerIdx(1)]),
        areas: None,
    };
    let mut group = c.benchmark_group("one_partner");
    group.sample_size(30);
    group.bench_function("5000_tenants_all_areas", |b| {
        b.iter(|| match score(&data, &catalog, &request) {
            Ok(scores) => black_box(scores),
            Err(e) => panic!("score: {e}"),
        });
    });
    group.finish();
}

/// `explain` (tracing on) for one month, every partner, every area in force: the
/// price of recording every contribution and exclusion.
fn bench_explain(c: &mut Criterion) {
    let catalog = catalog();
    let month: Month = match "2024-06".parse() {
        Ok(m) => m,
        Err(e) => panic!("month: {e}"),
    };
    let mut group = c.benchmark_group("explain");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(12));
    for (partners, tenants) in [(1_000, 10), (100, 100)] {
        let data = load(&catalog, &synthetic(partners, tenants));
        let request = ExplainRequest {
            month,
            partners: None,
            areas: None,
            tracks: None,
            metrics: None,
            exclusions: capscore_engine::explain::Exclusions::All,
        };
        group.throughput(Throughput::Elements(u64::from(partners)));
        group.bench_with_input(
            BenchmarkId::new("month", format!("{partners}x{tenants}")),
            &data,
            |b, data| {
                b.iter(|| match explain(data, &catalog, &request) {
                    Ok(e) => black_box(e),
                    Err(e) => panic!("explain: {e}"),
                });
            },
        );
    }
    group.finish();
}

criterion_group!(
    benches,
    bench_load,
    bench_score,
    bench_one_partner,
    bench_explain
);
criterion_main!(benches);
