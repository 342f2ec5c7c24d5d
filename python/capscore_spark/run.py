"""Scores a capscore dataset on Apache Spark with the SQL of `capscore sql`.

Usage (local, from the repository's python/ folder):

    python -m capscore_spark --data DIR --sql FILE --out FILE [--master local[2]]
    python -m capscore_spark --job DIR SQL OUT --job DIR SQL OUT ...
    python -m capscore_spark --reform DIR OVERLAY.toml OUT.json BEFORE.sql AFTER.sql ...

(several jobs share one Spark session: the views are registered again for each;
a reform compares the SQL of the catalog and of the catalog under an overlay, see
reform.py),

or on a cluster:

    spark-submit python/capscore_spark/run.py --data DIR --sql FILE --out FILE

Each table of the dataset (`partners.csv`, `azure_usage.parquet`, or a folder
`azure_usage/` of Parquet files) is registered as a view named after it. CSV is
read without schema inference (every column a string); Parquet keeps its types.
Column names are matched as capscore's loader matches them (trimmed, any case).
A table the dataset lacks is an empty view, a column it lacks a column of NULLs:
the SQL casts every column explicitly. The result, one row per partner, area,
track and metric, is written as one Parquet file in the columns of
`capscore score --format parquet` (atomically: written beside, then renamed).
"""

import argparse
import glob
import os
import shutil
import sys
import tempfile
import time

# The tables of docs/data.md the SQL may read, with their columns.
TABLES = {
    "partners": ["partner_id", "name", "parent_id", "market"],
    "tenants": ["tenant_id", "name", "country"],
    "associations": [
        "partner_id",
        "tenant_id",
        "type",
        "workload",
        "subscription_id",
        "start_date",
        "end_date",
    ],
    "m365_usage": ["tenant_id", "workload", "month", "paid_units", "active_users"],
    "azure_usage": ["tenant_id", "subscription_id", "service", "offer", "month", "acr_usd"],
    "bizapps_usage": ["tenant_id", "workload", "month", "revenue_usd", "units"],
    "certifications": [
        "partner_id",
        "person_id",
        "certification",
        "earned_date",
        "expires_date",
    ],
}


def _source(data, table):
    """The file or folder holding a table, and its format; None when absent."""
    found = []
    for ext, fmt in ((".csv", "csv"), (".parquet", "parquet")):
        path = os.path.join(data, table + ext)
        if os.path.exists(path):
            found.append((path, fmt))
    folder = os.path.join(data, table)
    if os.path.isdir(folder):
        found.append((folder, "parquet"))
    if len(found) > 1:
        raise SystemExit(
            f"{data}: table {table} is given more than once: "
            + ", ".join(p for p, _ in found)
        )
    return found[0] if found else None


def register(spark, data):
    """Registers every table of TABLES found in `data` as a view (empty if absent)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    for table, columns in TABLES.items():
        src = _source(data, table)
        if src is None:
            schema = StructType([StructField(c, StringType(), True) for c in columns])
            df = spark.createDataFrame([], schema)
        else:
            path, fmt = src
            if fmt == "csv":
                df = (
                    spark.read.option("header", True)
                    .option("inferSchema", False)
                    .option("encoding", "UTF-8")
                    .option("multiLine", True)
                    .csv(path)
                )
            else:
                df = spark.read.parquet(path)
            by_name = {}
            for c in df.columns:
                key = c.lstrip("\ufeff").strip().lower()
                if key in by_name:
                    raise SystemExit(f"{path}: column {key} appears twice")
                by_name[key] = c
            df = df.select(
                [
                    (F.col(f"`{by_name[c]}`") if c in by_name else F.lit(None).cast("string")).alias(c)
                    for c in columns
                ]
            )
        df.createOrReplaceTempView(table)


def write_single_parquet(df, out):
    """Writes `df` as one Parquet file at `out`, atomically."""
    out = os.path.abspath(out)
    parent = os.path.dirname(out) or "."
    tmp = tempfile.mkdtemp(prefix=".capscore-spark-", dir=parent)
    try:
        df.coalesce(1).write.mode("overwrite").parquet(os.path.join(tmp, "rows"))
        parts = glob.glob(os.path.join(tmp, "rows", "part-*.parquet"))
        if len(parts) != 1:
            raise SystemExit(f"Spark wrote {len(parts)} part files, expected 1")
        os.replace(parts[0], out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="capscore_spark", description=__doc__.split("\n")[0])
    ap.add_argument("--data", help="dataset folder (CSV or Parquet tables)")
    ap.add_argument("--sql", help="the file written by `capscore sql`")
    ap.add_argument("--out", help="Parquet file to write")
    ap.add_argument(
        "--job",
        nargs=3,
        action="append",
        default=[],
        metavar=("DATA", "SQL", "OUT"),
        help="a dataset, a SQL file and the Parquet file to write (repeatable)",
    )
    ap.add_argument(
        "--reform",
        nargs="+",
        action="append",
        default=[],
        metavar="ARG",
        help="DATA OVERLAY.toml OUT.json BEFORE.sql AFTER.sql [BEFORE.sql AFTER.sql ...]: "
        "a reform compared on Spark, written as JSON (repeatable)",
    )
    ap.add_argument("--master", help="Spark master (default: spark-submit's, else local[2])")
    ap.add_argument(
        "--conf",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a Spark setting (repeatable), e.g. spark.executor.memory=512m",
    )
    args = ap.parse_args(argv)
    jobs = list(args.job)
    single = (args.data, args.sql, args.out)
    if any(single):
        if not all(single):
            ap.error("--data, --sql and --out go together")
        jobs.insert(0, single)
    try:
        from capscore_spark import reform
    except ModuleNotFoundError:  # run.py given to spark-submit as a file
        import reform
    reforms = [reform.pairs_of(r) for r in args.reform]
    if not jobs and not reforms:
        ap.error("nothing to run: give --data, --sql and --out, --job or --reform")

    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.appName("capscore")
        .config("spark.sql.ansi.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
    )
    for kv in args.conf:
        key, sep, value = kv.partition("=")
        if not sep:
            ap.error(f"--conf {kv}: expected KEY=VALUE")
        builder = builder.config(key, value)
    if args.master:
        builder = builder.master(args.master)
    elif not os.environ.get("SPARK_ENV_LOADED"):
        # Not under spark-submit (which sets the master): local mode.
        builder = builder.master("local[2]")
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    try:
        for data, sql_file, out in jobs:
            started = time.monotonic()
            with open(sql_file, encoding="utf-8") as f:
                sql = f.read()
            register(spark, data)
            write_single_parquet(spark.sql(sql), out)
            print(
                f"capscore_spark: {out} written in {time.monotonic() - started:.1f} s",
                file=sys.stderr,
            )
        for data, overlay, out, pairs in reforms:
            started = time.monotonic()
            reform.run(spark, data, overlay, out, pairs, register)
            print(
                f"capscore_spark: {out} written in {time.monotonic() - started:.1f} s",
                file=sys.stderr,
            )
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
