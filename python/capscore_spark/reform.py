"""A reform on Spark: the SQL of the catalog and the SQL of the catalog under an
overlay (`capscore sql --overlay FILE`), run on the same dataset and compared per
area and track, in the shape of `capscore reform --format json`.

    python -m capscore_spark --reform DATA OVERLAY.toml OUT.json \
        BEFORE.sql AFTER.sql [BEFORE.sql AFTER.sql ...]

One pair of SQL files per area (the same area and month on both sides). The report
holds `month`, `overlay` and `description` (from the overlay file), `partners`, and
per area `qualified_before`, `qualified_after`, `gained`, `lost` (`partner_id`,
`name`), `totals_changed` and `tracks` (per track: the same counts and lists). It
leaves out what the query's rows cannot give exactly: the catalog versions and the
distribution of totals (`catalog_before`, `catalog_after`, `totals`). Totals are
compared as written, in hundredths.
"""

import json
import os
import re
import tempfile

try:
    import tomllib
except ModuleNotFoundError:  # Python before 3.11
    tomllib = None

HEADER = re.compile(r"^-- capscore: Spark SQL for area (\S+) in (\d{4}-\d{2}),")


def _header(path):
    """The area and month a file of `capscore sql` computes."""
    with open(path, encoding="utf-8") as f:
        first = f.readline()
    m = HEADER.match(first)
    if not m:
        raise SystemExit(f"{path}: not a file written by `capscore sql` (no header line)")
    return m.group(1), m.group(2)


def _overlay(path):
    """The overlay's name and description."""
    if tomllib is None:
        raise SystemExit("--reform needs Python 3.11 or later (tomllib)")
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    head = doc.get("overlay") or {}
    if "name" not in head:
        raise SystemExit(f"{path}: no [overlay] name: not a capscore overlay")
    return head["name"], head.get("description")


def pairs_of(args):
    """(data, overlay, out, [(before, after), ...]) from the words of one --reform."""
    if len(args) < 5 or (len(args) - 3) % 2:
        raise SystemExit(
            "--reform DATA OVERLAY.toml OUT.json BEFORE.sql AFTER.sql [BEFORE.sql AFTER.sql ...]"
        )
    data, overlay, out = args[:3]
    sqls = args[3:]
    return data, overlay, out, list(zip(sqls[0::2], sqls[1::2]))


def _read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def run(spark, data, overlay, out, pairs, register):
    """Runs both sides of every pair on `data` and writes the report to `out`."""
    from pyspark.sql import functions as F

    name, description = _overlay(overlay)
    months = set()
    areas = []
    for before, after in pairs:
        (ab, mb), (aa, ma) = _header(before), _header(after)
        if (ab, mb) != (aa, ma):
            raise SystemExit(
                f"{before} computes {ab} in {mb} but {after} computes {aa} in {ma}: "
                "a reform compares the same area and month"
            )
        months.add(mb)
        areas.append(ab)
    if len(months) != 1:
        raise SystemExit("--reform: every SQL file must compute the same month")
    register(spark, data)

    def side(files):
        df = None
        for path in files:
            part = spark.sql(_read(path)).select(
                "partner_id",
                "area",
                F.coalesce(F.col("track"), F.lit("")).alias("track"),
                "qualified",
                "track_total",
            )
            df = part if df is None else df.unionByName(part)
        return df.distinct()

    b = side([p[0] for p in pairs]).alias("b")
    a = side([p[1] for p in pairs]).alias("a")
    keys = ["partner_id", "area", "track"]
    j = (
        b.join(a, keys, "full_outer")
        .select(
            *keys,
            F.coalesce(F.col("b.qualified"), F.lit(False)).alias("qb"),
            F.coalesce(F.col("a.qualified"), F.lit(False)).alias("qa"),
            (~F.col("b.track_total").eqNullSafe(F.col("a.track_total"))).alias("moved"),
        )
        .cache()
    )
    names = spark.sql(
        "SELECT NULLIF(trim(CAST(partner_id AS STRING)), '') AS partner_id, "
        "NULLIF(trim(CAST(name AS STRING)), '') AS name FROM partners"
    )
    # One row per partner and area: qualified in some track evaluated, total moved
    # in some track.
    per_area = j.groupBy("partner_id", "area").agg(
        F.max(F.col("qb").cast("int")).alias("qb"),
        F.max(F.col("qa").cast("int")).alias("qa"),
        F.max(F.col("moved").cast("int")).alias("moved"),
    )

    def changes(df, group):
        counts = {
            tuple(r[g] for g in group): r
            for r in df.groupBy(*group)
            .agg(
                F.sum(F.col("qb").cast("int")).alias("before"),
                F.sum(F.col("qa").cast("int")).alias("after"),
                F.sum(F.col("moved").cast("int")).alias("moved"),
            )
            .collect()
        }
        flips = (
            df.filter(F.col("qb").cast("boolean") != F.col("qa").cast("boolean"))
            .join(names, "partner_id", "left")
            .select(*group, "partner_id", "name", F.col("qa").cast("boolean").alias("gain"))
            .orderBy("partner_id")
            .collect()
        )
        return counts, flips

    area_counts, area_flips = changes(per_area, ["area"])
    track_counts, track_flips = changes(j.filter(F.col("track") != ""), ["area", "track"])
    partners = j.select("partner_id").distinct().count()

    def who(rows, gain):
        return [{"partner_id": r["partner_id"], "name": r["name"]} for r in rows if r["gain"] == gain]

    report_areas = []
    for area in areas:
        c = area_counts.get((area,))
        flips = [r for r in area_flips if r["area"] == area]
        tracks = []
        for (ar, track), tc in sorted(track_counts.items()):
            if ar != area:
                continue
            tf = [r for r in track_flips if r["area"] == area and r["track"] == track]
            tracks.append(
                {
                    "track": track,
                    "qualified_before": tc["before"] or 0,
                    "qualified_after": tc["after"] or 0,
                    "gained": who(tf, True),
                    "lost": who(tf, False),
                }
            )
        report_areas.append(
            {
                "area": area,
                "qualified_before": (c["before"] or 0) if c else 0,
                "qualified_after": (c["after"] or 0) if c else 0,
                "gained": who(flips, True),
                "lost": who(flips, False),
                "tracks": tracks,
                "totals_changed": (c["moved"] or 0) if c else 0,
            }
        )
    j.unpersist()
    report = {"month": months.pop(), "overlay": name}
    if description is not None:
        report["description"] = description
    report["partners"] = partners
    report["areas"] = report_areas
    out = os.path.abspath(out)
    fd, tmp = tempfile.mkstemp(prefix=".capscore-reform-", dir=os.path.dirname(out) or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2, ensure_ascii=False)
            f.write("\n")
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return report
