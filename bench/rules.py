"""The rules the peers need, read from the catalog TOML (catalog/): eligible workloads
and their spellings, association types and groups, tenant bands, targets, maximum
points, thresholds, certification lists and steps, excluded offers and services.

The peers are written by hand, independently of capscore's engine; what they know of
the program they read here, not from capscore's code.
"""
import datetime as dt
import pathlib
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
CATALOG = ROOT / "catalog"


def norm(s):
    """capscore's name matching: whitespace collapsed, trailing dots dropped, lower case."""
    return " ".join(s.split()).rstrip(".").strip().lower()


def _date(s):
    return dt.date.fromisoformat(s) if s else None


def _in_force(entry, day):
    since, until = _date(entry.get("since")), _date(entry.get("until"))
    return (since is None or since <= day) and (until is None or day <= until)


def load(area_id, month):
    """Rules of `area_id` in force on the last day of `month` (YYYY-MM)."""
    y, m = map(int, month.split("-"))
    day = (dt.date(y + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1))
    top = tomllib.loads((CATALOG / "catalog.toml").read_text())
    wl = tomllib.loads((CATALOG / "workloads.toml").read_text())["workload"]
    certs = tomllib.loads((CATALOG / "certifications.toml").read_text())["certification"]
    area = tomllib.loads((CATALOG / "areas" / f"{area_id}.toml").read_text())

    groups = top.get("association_group", {})
    assoc_types = [a["id"] for a in top["association_type"]]
    assoc_names = {}
    for a in top["association_type"]:
        for n in [a["id"], a.get("name", "")] + a.get("aliases", []):
            if n:
                assoc_names[norm(n)] = a["id"]

    def mask(names):
        out = set()
        for n in names:
            out.update(groups.get(n, [n]))
        return sorted(out)

    workload_names = {}
    for w in wl:
        for n in [w["name"]] + w.get("aliases", []):
            workload_names[norm(n)] = w["id"]

    prefixes = top["catalog"].get("certification_title_prefixes", [])
    cert_names = {}
    cert_info = {}
    for c in certs:
        titles = [c["name"]] + [f["name"] for f in c.get("former_names", [])]
        for t in titles:
            cert_names[norm(t)] = c["id"]
            for p in prefixes:
                cert_names[norm(f"{p} {t}")] = c["id"]
        for a in c.get("aliases", []):
            cert_names[norm(a)] = c["id"]
        cert_info[c["id"]] = (_date(c.get("retired")), _date(c.get("eligible_through")))

    def cert_ok(cid):
        retired, through = cert_info[cid]
        if through is not None:
            return day <= through
        return retired is None or day < retired

    a = area["area"]
    metrics = []
    for met in area.get("metric", []):
        if not _in_force(met, day):
            continue
        r = {"id": met["id"], "kind": met["kind"], "max": met["max_points"]}
        if "certifications" in met:
            r["certs"] = sorted(
                c["cert"] for c in met["certifications"] if _in_force(c, day) and cert_ok(c["cert"])
            )
        if "steps" in met:
            r["steps"] = [
                {
                    "min_people": s.get("min_people", 0),
                    "scoring": s.get("scoring", False),
                    "certs": sorted(c for c in s["certifications"] if cert_ok(c)),
                }
                for s in met["steps"]
            ]
        tracks = {}
        for tid, tr in met.get("track", {}).items():
            if "options" in tr:
                tracks[tid] = [
                    {"name": o.get("name") or "+".join(o["associations"]), "assoc": mask(o["associations"]), "target": o["target"]}
                    for o in tr["options"]
                ]
            else:
                tracks[tid] = [{"name": None, "assoc": mask(tr.get("associations", [])), "target": tr["target"],
                                "settings": tr.get("settings", {})}]
        if not tracks:
            tracks[None] = [{"name": None, "assoc": mask(met.get("associations", [])), "target": met.get("target", 1),
                             "settings": met.get("settings", {})}]
        r["tracks"] = tracks
        r["active_percent"] = met.get("active_percent_at_least")
        r["excluded_services"] = [norm(s) for s in met.get("excluded_services", [])]
        metrics.append(r)
    bands = {}
    for t in area.get("track", []):
        b = t.get("band")
        if b:
            bands[t["id"]] = (b.get("paid_units_above", 0), b.get("paid_units_at_most"))
    params = top["parameters"]
    # The peers implement the catalog's current choices only; refuse others loudly.
    for name, want in (("deployment_unit", "service"), ("points_rounding", "exact")):
        got = params[name]["values"][-1]["value"]
        if got != want:
            raise SystemExit(f"peer supports {name} = {want!r} only, catalog says {got!r}")
    return {
        "id": area_id,
        "month": month,
        "day": day,
        "track_ids": [t["id"] for t in area.get("track", [])] or [None],
        "bands": bands,
        "eligible_workloads": a.get("eligible_workloads", []),
        "excluded_offers": [norm(o) for o in a.get("excluded_offers", [])],
        "eligible_services": [norm(s) for s in a["eligible_services"]] if "eligible_services" in a else None,
        "metrics": metrics,
        "assoc_types": assoc_types,
        "assoc_names": assoc_names,
        "workload_names": workload_names,
        "cert_names": cert_names,
        "qualifying_total": params["qualifying_total_points"]["values"][-1]["value"],
        "min_metric_points": params["min_metric_points"]["values"][-1]["value"],
    }
