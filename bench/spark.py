#!/usr/bin/env python3
"""Spark local against native capscore: the same area and month scored by
`capscore score --format parquet` and by the SQL of `capscore sql` run with the
PySpark runner (`python -m capscore_spark --master local[2]`), on generated datasets.

For each size and area: the rows of both are checked equal first (every column,
in a separate Spark session); then each side is run `--repeat` times, alternating,
measuring wall time and the peak resident memory of the whole process tree (the
runner's JVM included), sampled from /proc every 0.1 s. Writes a Markdown table
to stdout and JSON to --json.

    bench/spark.py --capscore target/release/capscore --sizes S M \
        --areas infrastructure security --python ~/.cache/capscore-venv/bin/python

Run it on a quiet machine: it notes the load average before and after.
"""
import argparse
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent

COMPARE = r"""
import sys
from pyspark.sql import SparkSession
spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
         .config("spark.sql.shuffle.partitions", "4").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
bad = 0
for native, other in zip(sys.argv[1::2], sys.argv[2::2]):
    a = spark.read.parquet(native)
    b = spark.read.parquet(other).select(a.columns)
    n, x, y = a.count(), a.exceptAll(b).count(), b.exceptAll(a).count()
    print(f"{native}: {n} rows, {x} only native, {y} only Spark")
    bad += (x + y) > 0 or n == 0 or b.count() != n
spark.stop()
sys.exit(1 if bad else 0)
"""


def tree_rss_kb(root):
    """Resident memory (kB) of `root` and all its descendants."""
    parent = {}
    rss = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{d}/status") as f:
                m = re.search(r"^VmRSS:\s+(\d+)", f.read(), re.M)
        except (OSError, IndexError, ValueError):
            continue
        parent[int(d)] = ppid
        rss[int(d)] = int(m.group(1)) if m else 0
    total = 0
    for pid, kb in rss.items():
        p = pid
        while p and p != root:
            p = parent.get(p, 0)
        if p == root:
            total += kb
    return total


def measured(cmd, cwd=None):
    """Runs `cmd`; returns (wall seconds, peak tree RSS in MB, stderr)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    err = []
    import threading

    reader = threading.Thread(target=lambda: err.append(proc.stderr.read()))
    reader.start()
    while proc.poll() is None:
        peak = max(peak, tree_rss_kb(proc.pid))
        time.sleep(0.1)
    reader.join()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{''.join(err)[-3000:]}")
    return wall, peak / 1024, "".join(err)


def load():
    return os.getloadavg()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--capscore", required=True, help="the capscore binary (a release build)")
    ap.add_argument("--python", default=os.path.expanduser("~/.cache/capscore-venv/bin/python"))
    ap.add_argument("--sizes", nargs="+", default=["S", "M"])
    ap.add_argument("--areas", nargs="+", default=["infrastructure", "security"])
    ap.add_argument("--month", default="2024-06")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--data", default="/tmp/capscore-bench-spark", help="datasets (cached)")
    ap.add_argument("--json", help="write the measurements as JSON to this file")
    args = ap.parse_args()
    data = pathlib.Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    results = []
    load_before = load()
    with tempfile.TemporaryDirectory(dir=data) as tmp:
        tmp = pathlib.Path(tmp)
        for size in args.sizes:
            d = data / f"{size}-seed{args.seed}"
            if not (d / "partners.parquet").exists():
                subprocess.run(
                    [args.capscore, "generate", "--size", size, "--seed", args.seed, "--out", str(d), "--force"],
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
            pairs = []
            runs = []
            for area in args.areas:
                sql = tmp / f"{size}-{area}.sql"
                subprocess.run(
                    [args.capscore, "sql", "--month", args.month, "--area", area, "--out", str(sql)],
                    check=True,
                )
                native = [args.capscore, "score", "--data", str(d), "--month", args.month, "--area", area,
                          "--format", "parquet", "--out", str(tmp / f"{size}-{area}-native.parquet")]
                spark = [args.python, "-m", "capscore_spark", "--master", "local[2]", "--data", str(d),
                         "--sql", str(sql), "--out", str(tmp / f"{size}-{area}-spark.parquet")]
                runs.append((area, native, spark))
            # Check first: one run of each, then every row compared.
            for area, native, spark in runs:
                measured(native)
                measured(spark, cwd=ROOT / "python")
                pairs += [native[-1], spark[-1]]
            subprocess.run([args.python, "-c", COMPARE, *pairs], check=True, cwd=ROOT / "python")
            for area, native, spark in runs:
                times = {"native": [], "spark": [], "spark_query": []}
                peaks = {"native": 0.0, "spark": 0.0}
                for _ in range(args.repeat):
                    w, p, _ = measured(native)
                    times["native"].append(w)
                    peaks["native"] = max(peaks["native"], p)
                    w, p, err = measured(spark, cwd=ROOT / "python")
                    times["spark"].append(w)
                    peaks["spark"] = max(peaks["spark"], p)
                    q = re.search(r"written in ([\d.]+) s", err)
                    if q:
                        times["spark_query"].append(float(q.group(1)))
                results.append(
                    {
                        "size": size,
                        "area": area,
                        "native_s": statistics.median(times["native"]),
                        "spark_s": statistics.median(times["spark"]),
                        "spark_query_s": statistics.median(times["spark_query"]) if times["spark_query"] else None,
                        "native_peak_mb": round(peaks["native"]),
                        "spark_peak_mb": round(peaks["spark"]),
                        "repeat": args.repeat,
                    }
                )
                print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    load_after = load()
    print(f"load average (1, 5, 15 min) before: {load_before}, after: {load_after}; {os.cpu_count()} cores\n")
    print("| size | area | native wall | native peak RSS | Spark local wall (query) | Spark peak RSS | Spark / native |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        q = f" ({r['spark_query_s']:.1f} s)" if r["spark_query_s"] is not None else ""
        print(
            f"| {r['size']} | {r['area']} | {r['native_s']:.2f} s | {r['native_peak_mb']} MB | "
            f"{r['spark_s']:.1f} s{q} | {r['spark_peak_mb']} MB | {r['spark_s'] / r['native_s']:.0f}× |"
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"load_before": load_before, "load_after": load_after, "results": results}, f, indent=2)


if __name__ == "__main__":
    main()
