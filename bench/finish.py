"""Points, best-of, tracks, totals and qualification from a peer's metric values, in
exact fractions (the rules say points are exact and shown with 2 decimals), and the
rows in the layout of `capscore score --format csv`."""
from fractions import Fraction
import math


def round2(v):
    """Half away from zero at 2 decimals, as a string."""
    q = Fraction(v) * 100
    r = math.floor(abs(q) + Fraction(1, 2))
    r = -r if q < 0 else r
    s = "-" if r < 0 else ""
    r = abs(r)
    return f"{s}{r // 100}.{r % 100:02d}"


def points(value, target, max_points):
    value, target = Fraction(value), Fraction(target)
    if value <= 0 or target <= 0:
        return Fraction(0)
    return Fraction(max_points) * min(value, target) / target


def area_rows(rules, values, partner):
    """values[track][metric_id] = list of option values (catalog order)."""
    tracks = []
    for tid in rules["track_ids"]:
        metrics = []
        for met in rules["metrics"]:
            opts = met["tracks"].get(tid) or met["tracks"].get(None) or [{"name": None, "target": 1}]
            if met["kind"] in ("certified_people",):
                opts = [{"name": None, "target": opts[0]["target"]}]
            if met["kind"] == "certification_steps":
                opts = [{"name": None, "target": opts[0]["target"]}]
            vals = values[tid][met["id"]]
            scored = [(o["name"], Fraction(v), Fraction(o["target"]), points(v, o["target"], met["max"]))
                      for o, v in zip(opts, vals)]
            best = 0
            for i, s in enumerate(scored):
                if s[3] > scored[best][3]:
                    best = i
            metrics.append((met["id"], met["max"]) + scored[best])
        total = sum((m[5] for m in metrics), Fraction(0))
        qualified = total >= rules["qualifying_total"] and all(m[5] >= rules["min_metric_points"] for m in metrics)
        tracks.append((tid, total, qualified, metrics))
    # The counting track: higher total; on a tie the qualified one, then the first.
    best = 0
    for i, t in enumerate(tracks):
        b = tracks[best]
        if t[1] > b[1] or (t[1] == b[1] and t[2] and not b[2]):
            best = i
    rows = []
    for i, (tid, total, qualified, metrics) in enumerate(tracks):
        for (mid, mx, opt, value, target, pts) in metrics:
            rows.append({
                "partner_id": partner, "area": rules["id"], "track": tid or "",
                "track_counts": "true" if i == best else "false",
                "track_total": round2(total), "track_qualified": "true" if qualified else "false",
                "metric": mid, "option": opt or "", "value": round2(value), "points": round2(pts),
            })
    return rows


KEY = ("partner_id", "area", "track", "metric")
FIELDS = ("track_counts", "track_total", "track_qualified", "option", "value", "points")
