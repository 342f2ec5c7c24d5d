#!/usr/bin/env python3
"""capscore against the same computations written as DuckDB SQL and as Polars lazy
queries, on generated datasets (see README in bench/ and docs/performance.md).

1. Builds capscore (release) and generates each size once per seed (cached in
   bench/data/).
2. On S, checks that both peers' per-partner results (metric values, points, totals,
   qualification, counting track) equal capscore's, after rounding to 2 decimals as
   capscore prints; stops if they differ.
3. Runs every tool on every size and area, alternating tools, --repeat times,
   measuring wall time and peak RSS (/usr/bin/time -v), and writes
   bench/results/results.md, results.json and scaling.svg.
"""
import argparse
import csv
import json
import os
import pathlib
import platform
import re
import statistics
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
AREAS = ["modern_work", "infrastructure"]
TOOLS = ["capscore", "duckdb", "polars"]


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def capscore_bin(args):
    if args.capscore:
        return args.capscore
    sh(["cargo", "build", "--release", "-q"], cwd=ROOT)
    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    return str(pathlib.Path(target) / "release" / "capscore")


def dataset(cap, size, seed):
    d = HERE / "data" / f"{size}-seed{seed}"
    info = HERE / "data" / f"{size}-seed{seed}.json"
    if not (d / "partners.parquet").exists() or not info.exists():
        t0 = time.perf_counter()
        out = sh([cap, "generate", "--size", size, "--seed", str(seed), "--out", str(d), "--force"],
                 capture_output=True, text=True).stdout
        secs = time.perf_counter() - t0
        rows = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s+(\w+)\s+(\d+) rows$", out, re.M)}
        usage = sum(v for k, v in rows.items() if k.endswith("_usage"))
        info.write_text(json.dumps({"size": size, "seed": seed, "generate_s": secs, "rows": rows,
                                    "usage_rows": usage}, indent=1))
        print(f"generated {size}: {usage} usage rows in {secs:.1f} s", flush=True)
    return d, json.loads(info.read_text())


def command(tool, cap, data, month, area, out, threads):
    if tool == "capscore":
        return [cap, "score", "--data", str(data), "--month", month, "--area", area, "--format", "csv"], out
    return [PY, str(HERE / "peer.py"), tool, str(data), month, area, out, str(threads)], None


def measured(cmd, stdout_path):
    """Wall seconds and peak RSS (MiB) of a command, by /usr/bin/time -v."""
    t0 = time.perf_counter()
    with open(stdout_path or os.devnull, "w") as out:
        p = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=out, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr[-3000:]}")
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    return wall, rss_kb / 1024


def read_rows(path, area):
    from decimal import Decimal, ROUND_HALF_UP
    out = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if r["area"] != area:
                continue
            key = (r["partner_id"], r["area"], r["track"], r["metric"])
            val = lambda s: str(Decimal(s).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
            out[key] = (r["track_counts"], val(r["track_total"]), r["track_qualified"], r["option"],
                        val(r["value"]), val(r["points"]))
    return out


def check_equal(cap, data, month, threads, work):
    ok = True
    for area in AREAS:
        ref_path = work / f"check-capscore-{area}.csv"
        measured(command("capscore", cap, data, month, area, str(ref_path), threads)[0], str(ref_path))
        ref = read_rows(ref_path, area)
        for tool in TOOLS[1:]:
            out = work / f"check-{tool}-{area}.csv"
            measured(command(tool, cap, data, month, area, str(out), threads)[0], None)
            got = read_rows(out, area)
            diff = [k for k in sorted(set(ref) | set(got)) if ref.get(k) != got.get(k)]
            qualified = sum(1 for k, v in ref.items() if v[0] == "true" and v[2] == "true") 
            print(f"equality {tool} vs capscore, {area}: {len(ref)} rows, {len(diff)} differ"
                  f" ({qualified} metric rows of qualifying partners)", flush=True)
            for k in diff[:15]:
                print(f"  {k}: capscore {ref.get(k)} {tool} {got.get(k)}")
            ok &= not diff
    return ok


def chart(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for area in AREAS:
        for tool in TOOLS:
            pts = sorted((r["usage_rows"], r["wall_s"], r["rss_mib"]) for r in results
                         if r["tool"] == tool and r["area"] == area)
            if not pts:
                continue
            style = "-" if area == "modern_work" else "--"
            a1.plot([p[0] for p in pts], [p[1] for p in pts], style, marker="o", label=f"{tool} {area}")
            a2.plot([p[0] for p in pts], [p[2] for p in pts], style, marker="o", label=f"{tool} {area}")
    for a, y in ((a1, "wall time (s)"), (a2, "peak RSS (MiB)")):
        a.set_xscale("log")
        a.set_yscale("log")
        a.set_xlabel("usage rows")
        a.set_ylabel(y)
        a.grid(True, which="both", alpha=0.3)
    a1.legend(fontsize=7)
    fig.suptitle("capscore vs DuckDB SQL vs Polars (median of repetitions)")
    fig.tight_layout()
    fig.savefig(path, format="svg", metadata={"Date": None})


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="S,M")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--month", default="2024-06")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--capscore", help="capscore binary (default: cargo build --release)")
    ap.add_argument("--tools", default=",".join(TOOLS),
                    help="tools timed, e.g. capscore alone for XL (the peers are still checked equal on S)")
    args = ap.parse_args()
    cap = capscore_bin(args)
    work = HERE / "results" / "raw"
    work.mkdir(parents=True, exist_ok=True)
    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    tools = [t for t in TOOLS if t in {x.strip() for x in args.tools.split(",")}]
    s_data, _ = dataset(cap, "S", args.seed)
    if not check_equal(cap, s_data, args.month, args.threads, work):
        sys.exit("the peers' results differ from capscore's on S: no timing counts")
    runs = []
    for size in sizes:
        data, info = dataset(cap, size, args.seed)
        for rep in range(args.repeat):
            k = rep % len(tools)
            order = tools[k:] + tools[:k]  # alternate who goes first
            for area in AREAS:
                for tool in order:
                    cmd, out = command(tool, cap, data, args.month, area, str(work / f"run-{tool}.csv"), args.threads)
                    wall, rss = measured(cmd, out or None)
                    runs.append({"size": size, "usage_rows": info["usage_rows"], "area": area, "tool": tool,
                                 "rep": rep, "wall_s": wall, "rss_mib": rss, "load1": os.getloadavg()[0]})
                    print(f"{size} {area:15} {tool:9} rep {rep}: {wall:7.2f} s {rss:8.0f} MiB"
                          f" load {runs[-1]['load1']:.1f}", flush=True)
    # Keep earlier runs of sizes not measured this time (e.g. L run on its own later).
    old = HERE / "results" / "results.json"
    if old.exists():
        runs = [r for r in json.loads(old.read_text())["runs"] if r["size"] not in sizes] + runs
    order = ["S", "M", "L", "XL"]
    sizes = sorted({r["size"] for r in runs}, key=lambda s: order.index(s) if s in order else 99)
    reps = {s: max(r["rep"] for r in runs if r["size"] == s) + 1 for s in sizes}
    results = []
    for size in sizes:
        for area in AREAS:
            for tool in TOOLS:
                rs = [r for r in runs if r["size"] == size and r["area"] == area and r["tool"] == tool]
                if not rs:  # e.g. XL measured for capscore only
                    continue
                results.append({"size": size, "usage_rows": rs[0]["usage_rows"], "area": area, "tool": tool,
                                 "wall_s": statistics.median(r["wall_s"] for r in rs),
                                 "rss_mib": statistics.median(r["rss_mib"] for r in rs), "n": len(rs)})
    gens = {s: json.loads(p.read_text()) for s in sizes
            if (p := HERE / "data" / f"{s}-seed{args.seed}.json").exists()}
    loads = [r["load1"] for r in runs if "load1" in r]
    load = f"{statistics.mean(loads):.1f}" if loads else "not recorded"
    lines = [f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
             f"{round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB; "
             f"month {args.month}; seed {args.seed}; alternating repetitions per size "
             f"({', '.join(f'{s}: {n}' for s, n in reps.items())}), median; "
             f"peers with {args.threads} threads; mean 1-minute load average after the runs that recorded it "
             f"{load}.", "",
             "| size | usage rows | area | tool | wall (s) | peak RSS (MiB) | wall / capscore | RSS / capscore |",
             "|---|---:|---|---|---:|---:|---:|---:|"]
    for r in results:
        c = next((x for x in results if x["size"] == r["size"] and x["area"] == r["area"] and x["tool"] == "capscore"), r)
        lines.append(f"| {r['size']} | {r['usage_rows']:,} | {r['area']} | {r['tool']} | {r['wall_s']:.2f} | "
                     f"{r['rss_mib']:.0f} | {r['wall_s'] / c['wall_s']:.2f} | {r['rss_mib'] / c['rss_mib']:.2f} |")
    lines += ["", "| size | partners | tenants | usage rows | generate (s) | usage rows/s |", "|---|---:|---:|---:|---:|---:|"]
    for s, g in gens.items():
        lines.append(f"| {s} | {g['rows'].get('partners', 0):,} | {g['rows'].get('tenants', 0):,} | "
                     f"{g['usage_rows']:,} | {g['generate_s']:.1f} | {g['usage_rows'] / g['generate_s'] / 1e6:.2f} M |")
    (HERE / "results" / "results.md").write_text("\n".join(lines) + "\n")
    (HERE / "results" / "results.json").write_text(json.dumps({"runs": runs, "results": results}, indent=1))
    chart(results, HERE / "results" / "scaling.svg")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
