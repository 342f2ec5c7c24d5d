"""Modern Work and an Azure area written independently as Polars lazy queries over
the same files capscore reads. The joins and aggregations over usage rows are Polars;
the last step (points in exact fractions, best-of, tracks) is finish.py."""
import os
from fractions import Fraction

from common import months_table, table_path


def _norm(e):
    return e.str.strip_chars().str.replace_all(r"\s+", " ").str.strip_chars_end(".").str.to_lowercase()


def _scan(pl, data, name):
    p = table_path(data, name)
    if p.endswith(".parquet"):
        return pl.scan_parquet(p)
    return pl.scan_csv(p, try_parse_dates=True, infer_schema_length=100000)


def _months(pl, month, lo, hi):
    rows = months_table(month, lo, hi)
    return pl.DataFrame({"off": [r[0] for r in rows], "month": [r[1] for r in rows],
                         "last_day": [r[2] for r in rows],
                         "obit": [1 << (r[0] + 12) if r[0] >= -12 else 0 for r in rows]},
                        schema_overrides={"obit": pl.Int64}).lazy()


def _bits(rules, names):
    return sum(1 << rules["assoc_types"].index(t) for t in names)


class Ctx:
    def __init__(self, pl, data, r0):
        self.pl = pl
        self.data = data
        partners = _scan(pl, data, "partners").select("partner_id", "parent_id").collect()
        parent = dict(zip(partners["partner_id"].to_list(), partners["parent_id"].to_list()))
        root = {}
        for p in parent:
            q, seen = p, 0
            while parent.get(q) and seen <= len(parent):
                q, seen = parent[q], seen + 1
            root[p] = q
        self.roots_df = pl.DataFrame({"partner_id": list(root), "root": list(root.values())}).lazy()
        self.roots = sorted(set(root.values()))
        an = pl.DataFrame({"tn": list(r0["assoc_names"]),
                           "bitv": [1 << r0["assoc_types"].index(t) for t in r0["assoc_names"].values()]}).lazy()
        self.wn = pl.DataFrame({"wn": list(r0["workload_names"]), "wid": list(r0["workload_names"].values())}).lazy()
        cn = pl.DataFrame({"cn": list(r0["cert_names"]), "cid": list(r0["cert_names"].values())}).lazy()
        a = (_scan(pl, data, "associations")
             .join(self.roots_df, on="partner_id")
             .with_columns(tn=_norm(pl.col("type")), wn=_norm(pl.col("workload").cast(pl.Utf8)))
             .join(an, on="tn")
             .join(self.wn, on="wn", how="left")
             .select("root", "tenant_id", pl.col("bitv").cast(pl.Int64), pl.col("wid").alias("workload"),
                     pl.col("subscription_id").cast(pl.Utf8).replace("", None).alias("sub"),
                     pl.col("start_date").cast(pl.Date), pl.col("end_date").cast(pl.Date)))
        self.assoc = a.collect().lazy()
        self.certs = (_scan(pl, data, "certifications")
                      .join(self.roots_df, on="partner_id")
                      .with_columns(cn=_norm(pl.col("certification")))
                      .join(cn, on="cn")
                      .select("root", "person_id", "cid", pl.col("earned_date").cast(pl.Date),
                              pl.col("expires_date").cast(pl.Date))
                      .collect().lazy())


def in_force(pl):
    return (pl.col("start_date") <= pl.col("last_day")) & (
        pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col("last_day")))


def cert_values(ctx, rules, met):
    pl = ctx.pl
    day = rules["day"]
    held = ctx.certs.filter((pl.col("earned_date") <= day) &
                            (pl.col("expires_date").is_null() | (pl.col("expires_date") >= day)))

    def people(certs):
        df = held.filter(pl.col("cid").is_in(certs)).group_by("root").agg(pl.col("person_id").n_unique()).collect()
        return dict(zip(df["root"].to_list(), df["person_id"].to_list()))
    if "steps" not in met:
        return people(met["certs"]), None
    return [people(s["certs"]) for s in met["steps"]], met["steps"]


from peer_duckdb import certs_value  # noqa: E402  (plain Python over the counts)


def modern_work(ctx, rules):
    pl = ctx.pl
    months = _months(pl, rules["month"], -12, 0)
    u = (_scan(pl, ctx.data, "m365_usage")
         .with_columns(wn=_norm(pl.col("workload")), month=pl.col("month").cast(pl.Utf8))
         .join(months.select("off", "month"), on="month")
         .join(ctx.wn, on="wn")
         .filter(pl.col("wid").is_in(rules["eligible_workloads"]))
         .select("tenant_id", "wid", "off", pl.col("paid_units").alias("pau"), pl.col("active_users").alias("mau"))
         .collect().lazy())
    band = u.group_by("tenant_id", "off").agg([
        ((pl.col("pau") > lo) & (pl.lit(True) if hi is None else pl.col("pau") <= hi)).any().alias(f"b_{t}")
        for t, (lo, hi) in rules["bands"].items()]).collect().lazy()
    a = ctx.assoc
    pairs = a.select("root", "tenant_id").unique().join(u.select("tenant_id", "wid").unique(), on="tenant_id")
    cov = (pairs.join(a, on=["root", "tenant_id"])
           .filter((pl.col("workload") == pl.col("wid")) | (pl.col("workload").is_null() & pl.col("sub").is_null()))
           .join(months, how="cross").filter(in_force(pl))
           .group_by("root", "tenant_id", "wid", "off", "obit")
           .agg(pl.col("bitv").bitwise_or().alias("bits")))
    masks = sorted({_bits(rules, o["assoc"]) for met in rules["metrics"] for opts in met["tracks"].values() for o in opts})
    covm = (cov.group_by("root", "tenant_id", "wid").agg([
        pl.when((pl.col("bits") & k) != 0).then(pl.col("obit"))
        .otherwise(0).sum().alias(f"c{k}") for k in masks]).collect().lazy())
    assoc_t = (a.filter((pl.col("workload").is_null() & pl.col("sub").is_null()) |
                        pl.col("workload").is_in(rules["eligible_workloads"]))
               .join(months.filter(pl.col("off").is_in([0, -12])), how="cross").filter(in_force(pl))
               .group_by("root", "tenant_id", "off")
               .agg(pl.col("bitv").bitwise_or().alias("bits"))
               .join(band, on=["tenant_id", "off"]).collect().lazy())
    un = u.filter(pl.col("off") == 0).drop("off")
    uy = u.filter(pl.col("off") == -12).drop("off")
    results = {}
    for met in rules["metrics"]:
        for tid, opts in met["tracks"].items():
            for oi, o in enumerate(opts):
                k = _bits(rules, o["assoc"])
                if met["kind"] == "m365_net_customer_adds":
                    df = (assoc_t.filter(((pl.col("bits") & k) != 0) & pl.col(f"b_{tid}"))
                          .group_by("root").agg(((pl.col("off") == 0).sum().cast(pl.Int64)
                                                 - (pl.col("off") == -12).sum().cast(pl.Int64)).alias("v")).collect())
                elif met["kind"] in ("m365_usage_growth", "m365_deployments"):
                    c = pl.col(f"c{k}")
                    claim = pl.lit(-11)
                    for i in range(-11, 0):
                        claim = pl.when((c & (1 << (i + 12))) == 0).then(i + 1).otherwise(claim)
                    base = (covm.select("root", "tenant_id", "wid", c.alias("c"), claim.alias("off"))
                            .join(un.rename({"pau": "n_pau", "mau": "n_mau"}), on=["tenant_id", "wid"], how="left")
                            .join(uy.rename({"pau": "y_pau", "mau": "y_mau"}), on=["tenant_id", "wid"], how="left")
                            .join(u.rename({"pau": "s_pau", "mau": "s_mau"}), on=["tenant_id", "wid", "off"], how="left")
                            .join(band.filter(pl.col("off") == 0).select("tenant_id", pl.col(f"b_{tid}").alias("bn")),
                                  on="tenant_id", how="left")
                            .join(band.filter(pl.col("off") == -12).select("tenant_id", pl.col(f"b_{tid}").alias("by")),
                                  on="tenant_id", how="left"))
                    now_ok = pl.col("n_mau").is_not_null() & pl.col("bn").fill_null(False) & ((pl.col("c") & (1 << 12)) != 0)
                    new = (pl.col("c") & 1) == 0
                    before_ok = pl.col("y_mau").is_not_null() & pl.col("by").fill_null(False) & ((pl.col("c") & 1) != 0)
                    if met["kind"] == "m365_usage_growth":
                        v = (pl.when(now_ok).then(pl.col("n_mau") - pl.when(new).then(pl.col("s_mau").fill_null(0)).otherwise(0))
                             .otherwise(0).sum()
                             - pl.when(before_ok).then(pl.col("y_mau")).otherwise(0).sum())
                    else:
                        pct = met["active_percent"] or 0
                        dep = lambda p: (pl.col(f"{p}_pau") > 0) & (pl.col(f"{p}_mau") * 100 >= pct * pl.col(f"{p}_pau"))
                        pre = new & pl.col("s_mau").is_not_null() & dep("s").fill_null(False)
                        v = ((now_ok & dep("n").fill_null(False) & ~pre).sum().cast(pl.Int64)
                             - (before_ok & dep("y").fill_null(False)).sum().cast(pl.Int64))
                    df = base.group_by("root").agg(v.alias("v")).collect()
                else:
                    continue
                results[(met["id"], tid, oi)] = dict(zip(df["root"].to_list(), [int(x) for x in df["v"].to_list()]))
    return results


def azure_area(ctx, rules):
    pl = ctx.pl
    months = _months(pl, rules["month"], -13, 0)
    mask = _bits(rules, rules["metrics"][0]["tracks"][None][0]["assoc"])
    z = (_scan(pl, ctx.data, "azure_usage")
         .with_columns(month=pl.col("month").cast(pl.Utf8), svc=_norm(pl.col("service")), offn=_norm(pl.col("offer")))
         .join(months, on="month")
         .filter(~pl.col("offn").is_in(rules["excluded_offers"])))
    if rules["eligible_services"] is not None:
        z = z.filter(pl.col("svc").is_in(rules["eligible_services"]))
    z = (z.select("tenant_id", pl.col("subscription_id").cast(pl.Utf8).replace("", None).alias("sub"), "svc", "off",
                  "last_day", (pl.col("acr_usd").cast(pl.Float64) * 100).round(0).cast(pl.Int64).alias("cents"))
         .with_row_index("rid"))
    a = ctx.assoc.filter(((pl.col("bitv") & mask) != 0)
                         & pl.col("workload").is_null()).rename({"sub": "asub"})
    att = (z.join(a, on="tenant_id")
           .filter((pl.col("asub").is_null() | (pl.col("asub") == pl.col("sub"))) & in_force(pl))
           .select("root", "rid", "tenant_id", "svc", "off", "cents").unique(subset=["root", "rid"])
           .collect().lazy())
    acr = att.group_by("root", "tenant_id", "off").agg(pl.col("cents").sum())
    results = {}
    for met in rules["metrics"]:
        s = met["tracks"][None][0].get("settings", {})
        if met["kind"] == "azure_net_customer_adds":
            lo = int(s["min_monthly_acr_usd"] * 100)
            big = acr.filter(pl.col("cents") >= lo).select("root", "tenant_id", "off")
            e = pl.concat([big, big.with_columns(pl.col("off") + 1)]).unique()
            df = e.group_by("root").agg(((pl.col("off") == 0).sum().cast(pl.Int64)
                                         - (pl.col("off") == -12).sum().cast(pl.Int64)).alias("v")).collect()
            results[(met["id"], None, 0)] = dict(zip(df["root"].to_list(), df["v"].to_list()))
        elif met["kind"] == "azure_usage_growth":
            lo = Fraction(s["min_baseline_acr_usd"]) * 100
            df = acr.group_by("root").agg(
                pl.col("cents").filter(pl.col("off") == 0).sum().alias("now"),
                pl.col("cents").filter(pl.col("off") == -12).sum().alias("before")).collect()
            out = {}
            for r, now, before in df.iter_rows():
                now, before = Fraction(now or 0), Fraction(before or 0)
                out[r] = Fraction(0) if before < lo or before <= 0 else (now - before) * 100 / before
            results[(met["id"], None, 0)] = out
        elif met["kind"] == "azure_deployments":
            df = (att.filter(pl.col("off").is_between(-11, 0)).group_by("root", "svc").agg(pl.col("cents").sum())
                  .filter((pl.col("cents") > 0) & ~pl.col("svc").is_in(met["excluded_services"]))
                  .group_by("root").agg(pl.len().cast(pl.Int64).alias("v")).collect())
            results[(met["id"], None, 0)] = dict(zip(df["root"].to_list(), df["v"].to_list()))
    return results


def run(data, rules_list, threads):
    os.environ.setdefault("POLARS_MAX_THREADS", str(threads))
    import polars as pl
    ctx = Ctx(pl, data, rules_list[0])
    out = []
    for rules in rules_list:
        res = modern_work(ctx, rules) if rules["id"] == "modern_work" else azure_area(ctx, rules)
        certs = {met["id"]: cert_values(ctx, rules, met) for met in rules["metrics"]
                 if met["kind"] in ("certified_people", "certification_steps")}
        out.append((rules, res, certs))
    return ctx.roots, out


certs_value = certs_value
