#!/usr/bin/env python3
"""Runs one peer: `peer.py duckdb|polars DATA MONTH AREA[,AREA] OUT.csv [THREADS]`.
Writes one row per partner, area, track and metric, as `capscore score --format csv`
(the columns finish.KEY + finish.FIELDS)."""
import csv
import sys

import finish
import rules as rules_mod


def main():
    tool, data, month, areas, out = sys.argv[1:6]
    threads = int(sys.argv[6]) if len(sys.argv) > 6 else 2
    rules_list = [rules_mod.load(a, month) for a in areas.split(",")]
    if tool == "duckdb":
        import peer_duckdb as peer
    else:
        import peer_polars as peer
    roots, computed = peer.run(data, rules_list, threads)
    rows = []
    for root in roots:
        for rules, res, certs in computed:
            values = {}
            for tid in rules["track_ids"]:
                values[tid] = {}
                for met in rules["metrics"]:
                    if met["id"] in certs:
                        values[tid][met["id"]] = [peer.certs_value(root, certs[met["id"]])]
                    else:
                        opts = met["tracks"].get(tid) or met["tracks"][None]
                        tkey = tid if tid in met["tracks"] else None
                        values[tid][met["id"]] = [res[(met["id"], tkey, i)].get(root, 0) for i in range(len(opts))]
            rows.extend(finish.area_rows(rules, values, root))
    with open(out, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(finish.KEY + finish.FIELDS))
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    main()
