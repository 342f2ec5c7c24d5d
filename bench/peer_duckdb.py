"""Modern Work and an Azure area written independently as DuckDB SQL over the same
files capscore reads. The joins and aggregations over usage rows are SQL; the last
step (points in exact fractions, best-of, tracks) is finish.py."""
import duckdb
from fractions import Fraction
from decimal import Decimal

from common import month_add, months_table, table_path

NORM = "lower(regexp_replace(regexp_replace(trim({}), '\\s+', ' ', 'g'), '\\.+$', ''))"


def _scan(data, name):
    p = table_path(data, name)
    if p is None:
        return None
    if p.endswith(".parquet"):
        return f"read_parquet('{p}')"
    return f"read_csv('{p}', header=true, all_varchar=false)"


def setup(con, data, rules_list):
    r0 = rules_list[0]
    con.execute("CREATE TEMP TABLE assoc_names(name VARCHAR, bit INTEGER)")
    con.executemany("INSERT INTO assoc_names VALUES (?, ?)",
                    [(n, r0["assoc_types"].index(t)) for n, t in r0["assoc_names"].items()])
    con.execute("CREATE TEMP TABLE workload_names(name VARCHAR, wid VARCHAR)")
    con.executemany("INSERT INTO workload_names VALUES (?, ?)", list(r0["workload_names"].items()))
    con.execute("CREATE TEMP TABLE cert_names(name VARCHAR, cid VARCHAR)")
    con.executemany("INSERT INTO cert_names VALUES (?, ?)", list(r0["cert_names"].items()))
    con.execute(f"CREATE TEMP TABLE partners AS SELECT partner_id, parent_id FROM {_scan(data, 'partners')}")
    con.execute("""
        CREATE TEMP TABLE roots AS
        WITH RECURSIVE r(pid, root) AS (
            SELECT partner_id, partner_id FROM partners WHERE parent_id IS NULL OR parent_id = ''
            UNION ALL
            SELECT p.partner_id, r.root FROM partners p JOIN r ON p.parent_id = r.pid
        ) SELECT pid, root FROM r""")
    con.execute(f"""
        CREATE TEMP TABLE assoc AS
        SELECT r.root, a.tenant_id, n.bit, w.wid AS workload,
               nullif(a.subscription_id, '') AS sub,
               CAST(a.start_date AS DATE) AS start_date, CAST(a.end_date AS DATE) AS end_date
        FROM {_scan(data, 'associations')} a
        JOIN roots r ON r.pid = a.partner_id
        JOIN assoc_names n ON n.name = {NORM.format('a.type')}
        LEFT JOIN workload_names w ON w.name = {NORM.format('a.workload')}""")
    cs = _scan(data, "certifications")
    con.execute(f"""
        CREATE TEMP TABLE certs AS
        SELECT r.root, c.person_id, n.cid, CAST(c.earned_date AS DATE) AS earned,
               CAST(c.expires_date AS DATE) AS expires
        FROM {cs} c JOIN roots r ON r.pid = c.partner_id
        JOIN cert_names n ON n.name = {NORM.format('c.certification')}""")


def bits(rules, names):
    return sum(1 << rules["assoc_types"].index(t) for t in names)


def cert_values(con, rules, met):
    """Per root: the metric's value from certified people (or certification steps)."""
    day = rules["day"].isoformat()
    held = f"earned <= DATE '{day}' AND (expires IS NULL OR expires >= DATE '{day}')"
    def people(certs):
        lst = ",".join(f"'{c}'" for c in certs) or "''"
        return dict(con.execute(
            f"SELECT root, count(DISTINCT person_id) FROM certs WHERE cid IN ({lst}) AND {held} GROUP BY root").fetchall())
    if "steps" not in met:
        return people(met["certs"]), None
    counts = [people(s["certs"]) for s in met["steps"]]
    return counts, met["steps"]


def certs_value(root, counted):
    counts, steps = counted
    if steps is None:
        return counts.get(root, 0)
    scoring = 0
    for c, s in zip(counts, steps):
        n = c.get(root, 0)
        if s["scoring"]:
            scoring = n
        elif n < s["min_people"]:
            return 0
    return scoring


def modern_work(con, data, rules):
    m = rules["month"]
    months = months_table(m, -12, 0)  # (off, month, last_day)
    con.execute("CREATE OR REPLACE TEMP TABLE months(off INTEGER, month VARCHAR, last_day DATE)")
    con.executemany("INSERT INTO months VALUES (?, ?, ?)", months)
    elig = ",".join(f"'{w}'" for w in rules["eligible_workloads"])
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE u AS
        SELECT z.tenant_id, w.wid, mo.off, z.paid_units AS pau, z.active_users AS mau
        FROM {_scan(data, 'm365_usage')} z
        JOIN months mo ON mo.month = CAST(z.month AS VARCHAR)
        JOIN workload_names w ON w.name = {NORM.format('z.workload')}
        WHERE w.wid IN ({elig})""")
    band_cols = ", ".join(
        f"bool_or(pau > {lo}" + (f" AND pau <= {hi}" if hi is not None else "") + f") AS b_{t}"
        for t, (lo, hi) in rules["bands"].items())
    con.execute(f"CREATE OR REPLACE TEMP TABLE band AS SELECT tenant_id, off, {band_cols} FROM u GROUP BY ALL")
    # Coverage bits of every (root, tenant, eligible workload with usage) per month.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cov AS
        WITH pairs AS (
            SELECT DISTINCT a.root, a.tenant_id, uw.wid
            FROM assoc a JOIN (SELECT DISTINCT tenant_id, wid FROM u) uw USING (tenant_id))
        SELECT p.root, p.tenant_id, p.wid, mo.off, bit_or(1 << a.bit) AS bits
        FROM pairs p
        JOIN assoc a ON a.root = p.root AND a.tenant_id = p.tenant_id
             AND (a.workload = p.wid OR (a.workload IS NULL AND a.sub IS NULL))
        JOIN months mo ON a.start_date <= mo.last_day AND (a.end_date IS NULL OR a.end_date >= mo.last_day)
        GROUP BY ALL""")
    # Tenants associated (whole tenant or an eligible workload) at m and m-12.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE assoc_t AS
        SELECT a.root, a.tenant_id, mo.off, bit_or(1 << a.bit) AS bits
        FROM assoc a JOIN months mo ON mo.off IN (0, -12)
             AND a.start_date <= mo.last_day AND (a.end_date IS NULL OR a.end_date >= mo.last_day)
        WHERE (a.workload IS NULL AND a.sub IS NULL) OR a.workload IN ({elig})
        GROUP BY ALL""")
    masks = {}
    for met in rules["metrics"]:
        for opts in met["tracks"].values():
            for o in opts:
                masks[bits(rules, o["assoc"])] = True
    cov_cols = ", ".join(f"bit_or(1 << (off + 12)) FILTER (WHERE bits & {k} <> 0) AS c{k}" for k in masks)
    con.execute(f"CREATE OR REPLACE TEMP TABLE covm AS SELECT root, tenant_id, wid, {cov_cols} FROM cov GROUP BY ALL")

    def claim(k):
        # Month (offset) where the unbroken spell of coverage ending at m began (>= m-11).
        cases = " ".join(f"WHEN coalesce(c{k}, 0) & {1 << (i + 12)} = 0 THEN {i + 1}" for i in range(-1, -12, -1))
        return f"CASE {cases} ELSE -11 END"

    results = {}
    for met in rules["metrics"]:
        for tid, opts in met["tracks"].items():
            for oi, o in enumerate(opts):
                k = bits(rules, o["assoc"])
                if met["kind"] == "m365_net_customer_adds":
                    q = f"""SELECT root, count(*) FILTER (WHERE t.off = 0) - count(*) FILTER (WHERE t.off = -12)
                            FROM assoc_t t JOIN band b USING (tenant_id, off)
                            WHERE t.bits & {k} <> 0 AND b.b_{tid} GROUP BY root"""
                elif met["kind"] in ("m365_usage_growth", "m365_deployments"):
                    pct = met["active_percent"] or 0
                    dep = lambda a: f"({a}.pau > 0 AND {a}.mau * 100 >= {pct} * {a}.pau)"
                    base = f"""
                        FROM covm c
                        LEFT JOIN u n ON n.tenant_id = c.tenant_id AND n.wid = c.wid AND n.off = 0
                        LEFT JOIN band bn ON bn.tenant_id = c.tenant_id AND bn.off = 0
                        LEFT JOIN u y ON y.tenant_id = c.tenant_id AND y.wid = c.wid AND y.off = -12
                        LEFT JOIN band byr ON byr.tenant_id = c.tenant_id AND byr.off = -12
                        LEFT JOIN u s ON s.tenant_id = c.tenant_id AND s.wid = c.wid AND s.off = {claim(k)}"""
                    now_ok = f"n.mau IS NOT NULL AND bn.b_{tid} AND coalesce(c.c{k}, 0) & {1 << 12} <> 0"
                    new = f"coalesce(c.c{k}, 0) & 1 = 0"
                    before_ok = f"y.mau IS NOT NULL AND byr.b_{tid} AND coalesce(c.c{k}, 0) & 1 <> 0"
                    if met["kind"] == "m365_usage_growth":
                        q = f"""SELECT c.root,
                                  sum(CASE WHEN {now_ok} THEN n.mau - CASE WHEN {new} THEN coalesce(s.mau, 0) ELSE 0 END ELSE 0 END)
                                - sum(CASE WHEN {before_ok} THEN y.mau ELSE 0 END) {base} GROUP BY c.root"""
                    else:
                        q = f"""SELECT c.root,
                                  count(*) FILTER (WHERE {now_ok} AND {dep('n')} AND NOT ({new} AND s.mau IS NOT NULL AND {dep('s')}))
                                - count(*) FILTER (WHERE {before_ok} AND {dep('y')}) {base} GROUP BY c.root"""
                else:
                    continue
                results[(met["id"], tid, oi)] = {r: int(v) for r, v in con.execute(q).fetchall()}
    return results


def azure_area(con, data, rules):
    m = rules["month"]
    months = months_table(m, -13, 0)
    con.execute("CREATE OR REPLACE TEMP TABLE months(off INTEGER, month VARCHAR, last_day DATE)")
    con.executemany("INSERT INTO months VALUES (?, ?, ?)", months)
    excl = ",".join(f"'{o}'" for o in rules["excluded_offers"]) or "''"
    svc_ok = "TRUE" if rules["eligible_services"] is None else \
        "svc IN (" + ",".join(f"'{s}'" for s in rules["eligible_services"]) + ")"
    mask = bits(rules, rules["metrics"][0]["tracks"][None][0]["assoc"])
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE az AS
        SELECT row_number() OVER () AS rid, * FROM (
            SELECT z.tenant_id, nullif(CAST(z.subscription_id AS VARCHAR), '') AS sub,
                   {NORM.format('z.service')} AS svc, mo.off, CAST(z.acr_usd AS DECIMAL(38, 2)) AS acr
            FROM {_scan(data, 'azure_usage')} z
            JOIN months mo ON mo.month = CAST(z.month AS VARCHAR)
            WHERE {NORM.format('z.offer')} NOT IN ({excl}))
        WHERE {svc_ok}""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE att AS
        SELECT DISTINCT a.root, z.rid
        FROM az z JOIN assoc a ON a.tenant_id = z.tenant_id AND (1 << a.bit) & {mask} <> 0
             AND a.workload IS NULL AND (a.sub IS NULL OR a.sub = z.sub)
        JOIN months mo ON mo.off = z.off
             AND a.start_date <= mo.last_day AND (a.end_date IS NULL OR a.end_date >= mo.last_day)""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE acr AS
        SELECT t.root, z.tenant_id, z.off, sum(z.acr) AS acr
        FROM att t JOIN az z USING (rid) GROUP BY ALL""")
    results = {}
    for met in rules["metrics"]:
        o = met["tracks"][None][0]
        s = o.get("settings", {})
        if met["kind"] == "azure_net_customer_adds":
            lo = s["min_monthly_acr_usd"]
            q = f"""WITH e AS (
                        SELECT root, tenant_id, off FROM acr WHERE acr >= {lo}
                        UNION SELECT root, tenant_id, off + 1 FROM acr WHERE acr >= {lo})
                    SELECT root, count(*) FILTER (WHERE off = 0) - count(*) FILTER (WHERE off = -12)
                    FROM e GROUP BY root"""
            results[(met["id"], None, 0)] = {r: int(v) for r, v in con.execute(q).fetchall()}
        elif met["kind"] == "azure_usage_growth":
            lo = Fraction(s["min_baseline_acr_usd"])
            q = """SELECT root, sum(acr) FILTER (WHERE off = 0), sum(acr) FILTER (WHERE off = -12)
                   FROM acr GROUP BY root"""
            out = {}
            for r, now, before in con.execute(q).fetchall():
                now = Fraction(Decimal(now or 0))
                before = Fraction(Decimal(before or 0))
                out[r] = Fraction(0) if before < lo or before <= 0 else (now - before) * 100 / before
            results[(met["id"], None, 0)] = out
        elif met["kind"] == "azure_deployments":
            ex = ",".join(f"'{e}'" for e in met["excluded_services"]) or "''"
            q = f"""SELECT root, count(*) FROM (
                        SELECT t.root, z.svc FROM att t JOIN az z USING (rid)
                        WHERE z.off BETWEEN -11 AND 0 GROUP BY ALL HAVING sum(z.acr) > 0)
                    WHERE svc NOT IN ({ex}) GROUP BY root"""
            results[(met["id"], None, 0)] = {r: int(v) for r, v in con.execute(q).fetchall()}
    return results


def run(data, rules_list, threads):
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    setup(con, data, rules_list)
    roots = [r for (r,) in con.execute("SELECT DISTINCT root FROM roots ORDER BY root").fetchall()]
    out = []
    for rules in rules_list:
        if rules["id"] == "modern_work":
            res = modern_work(con, data, rules)
        else:
            res = azure_area(con, data, rules)
        certs = {met["id"]: cert_values(con, rules, met) for met in rules["metrics"]
                 if met["kind"] in ("certified_people", "certification_steps")}
        out.append((rules, res, certs))
    return roots, out
