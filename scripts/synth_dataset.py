#!/usr/bin/env python3
"""Deterministic generator of large synthetic capscore datasets, for benchmarks.

    python3 scripts/synth_dataset.py --partners 1000 --tenants-per-partner 40 \\
        --months 24 --out /tmp/capscore-synth/p1000

writes ``partners.csv``, ``tenants.csv``, ``associations.csv``, ``m365_usage.csv`` and
``certifications.csv`` in the canonical formats of ``shared/spec/data-model.md`` (the same
shapes as ``data/sample/``), valid for ``capscore validate``. Python 3 stdlib only.

Shape (per partner, on average):

* ``--tenants-per-partner`` customer tenants, each owned by that partner (ids are
  GUIDs, as in Partner Center exports); 30 % enterprise (> 300 paid seats), 65 % SMB
  (11..300), 5 % micro (<= 10, in neither band); 20 % are greenfield and only start
  using Microsoft 365 inside the window.
* about 4 workloads a tenant-month: Exchange and Teams always, SharePoint 80 %,
  Microsoft 365 Apps 60 %, Intune 30 %, Yammer / Viva Engage 15 %, Teams Phone 10 %,
  Viva Insights 5 %, Defender for Endpoint 2 % (not a Modern Work workload); workload
  names use the export aliases (``EXO``, ``SPO``, ``ProPlus``...), as real files do.
  So ``m365_usage`` has about partners x tenants-per-partner x months x 4 rows
  (a bit fewer, as greenfield tenants start late).
* about 1.5 associations a tenant: the owner's (CSP T1/T2, DPOR or CPOR, long-standing
  or started inside the window, 8 % ended), the previous partner's for tenants that
  changed hands, workload CPOR claims, and 3 % of tenants also claimed by another
  partner.
* a few certified people (more for larger partners), 1-3 certifications each, in the
  title forms the catalog accepts, some expired, a few not eligible anywhere (one load
  warning per such title).
* 4 % of partners are location accounts (``parent_id``) of an earlier global account;
  15 % are in emerging markets.

Every random draw comes from a ``random.Random`` seeded with ``--seed`` and the partner
number, so two runs with the same arguments write byte-identical files. Rows are
streamed partner by partner: the script's memory stays small whatever the size (the
limits are the disk, about 60 bytes of CSV per usage row, and the loader's memory; see
docs/performance.md).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

DEFAULT_SEED = "capscore-synth-1"
DEFAULT_LAST_MONTH = "2024-06"

# canonical workload -> (probability a tenant has it, export labels, seat share)
WORKLOADS = (
    ("exchange", 1.00, ("Exchange", "EXO", "Exchange Online"), 1.0),
    ("teams", 1.00, ("Teams", "Microsoft Teams"), 1.0),
    ("sharepoint", 0.80, ("SharePoint", "SPO", "SharePoint Online"), 1.0),
    ("m365_apps", 0.60, ("Microsoft 365 Apps", "ProPlus"), 1.0),
    ("intune", 0.30, ("Intune", "Microsoft Intune"), 0.8),
    ("yammer", 0.15, None, 1.0),  # "Yammer" until YAMMER_RENAMED, then "Viva Engage"
    ("teams_phone", 0.10, ("Teams Phone",), 0.3),
    ("viva_insights", 0.05, ("Viva Insights",), 0.5),
    ("defender_endpoint", 0.02, ("Microsoft Defender for Endpoint", "MDE"), 0.9),
)
YAMMER_RENAMED = "2023-02"

ASSOC_TYPES = (("CSP_T1", 0.45), ("CSP_T2", 0.20), ("DPOR", 0.25), ("CPOR", 0.10))
CPOR_CLAIMABLE = ("exchange", "teams", "sharepoint", "m365_apps", "intune")

# (title as written, expiry in years or None). Several forms of the same certification,
# as in real exports; the last ones are in the catalog but listed by no Modern Work area.
CERTIFICATIONS = (
    ("Microsoft 365 Fundamentals", None),
    ("Teams Administrator Associate", 1),
    ("Microsoft 365 Certified: Teams Administrator Associate", 1),
    ("Messaging Administrator Associate", 1),
    ("Microsoft 365 Certified: Messaging Administrator Associate", 1),
    ("Microsoft 365 Certified: Endpoint Administrator Associate", 1),
    ("Microsoft 365 Certified: Modern Desktop Administrator Associate", 2),
    ("Microsoft Certified: Identity and Access Administrator Associate", 1),
    ("Teams Application Developer Associate", 1),
    ("Collaboration Communications Systems Engineer Associate", 1),
    ("Microsoft 365 Certified: Administrator Expert", 1),
    ("Microsoft 365 Certified: Enterprise Administrator Expert", 2),
    ("Teams Meetings and Meeting Rooms Technical Assessment", None),
)
NOT_ELIGIBLE = (
    ("Microsoft Certified: Azure Administrator Associate", 1),
    ("Microsoft Certified: Azure Fundamentals", None),
)

COUNTRIES = ("US", "GB", "DE", "FR", "NL", "AU", "IN", "CA", "JP", "BR", "ES", "IT", "SE")
NAME_FIRST = (
    "Alder", "Alpine", "Amber", "Anchor", "Apex", "Arbor", "Aspen", "Atlas", "Aurora",
    "Beacon", "Birch", "Bluewater", "Boulder", "Cardinal", "Cedar", "Cobalt", "Copper",
    "Crescent", "Delta", "Eagle", "Elm", "Evergreen", "Falcon", "Fern", "Garnet", "Glacier",
    "Granite", "Harbor", "Hawthorn", "Highland", "Horizon", "Indigo", "Juniper", "Keystone",
    "Lakeside", "Laurel", "Linden", "Maple", "Meadow", "Meridian", "Monarch", "Oakridge",
    "Orchard", "Osprey", "Pacific", "Peak", "Prairie", "Redwood", "Riverbend", "Sable",
    "Sandstone", "Skyline", "Spruce", "Summit", "Sunrise", "Timber", "Valley", "Willow",
)
NAME_SECOND = (
    "Accounting", "Architects", "Builders", "Capital", "Clinic", "Consulting", "Design",
    "Distribution", "Engineering", "Foods", "Freight", "Health", "Holdings", "Insurance",
    "Labs", "Law", "Logistics", "Manufacturing", "Media", "Medical", "Motors", "Partners",
    "Pharma", "Properties", "Retail", "Robotics", "School", "Solar", "Supply", "Travel",
)
PARTNER_SUFFIX = ("Cloud Services", "IT Solutions", "Consulting", "Systems", "Digital",
                  "Technologies", "Managed Services", "Modern Workplace")


def month_index(month: str) -> int:
    year, mon = month.split("-")
    return int(year) * 12 + int(mon) - 1


def month_str(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def date_in(index: int, day: int) -> str:
    """A date of the month with this index (day <= 28, valid in every month)."""
    return f"{month_str(index)}-{day:02d}"


def guid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class Writer:
    """The five table files, written row by row."""

    HEADERS = {
        "partners": "partner_id,name,parent_id,market",
        "tenants": "tenant_id,name,country",
        "associations": "partner_id,tenant_id,type,workload,subscription_id,start_date,end_date",
        "m365_usage": "tenant_id,workload,month,paid_units,active_users",
        "certifications": "partner_id,person_id,certification,earned_date,expires_date",
    }

    def __init__(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.files = {}
        self.rows = {}
        for table, header in self.HEADERS.items():
            f = open(out / f"{table}.csv", "w", encoding="utf-8", newline="\n",
                     buffering=1 << 20)
            f.write(header + "\n")
            self.files[table] = f
            self.rows[table] = 0

    def write(self, table: str, lines: list[str]) -> None:
        if lines:
            self.files[table].write("\n".join(lines) + "\n")
            self.rows[table] += len(lines)

    def close(self) -> None:
        for f in self.files.values():
            f.close()


def pick(rng: random.Random, weighted) -> str:
    x = rng.random()
    for value, p in weighted:
        x -= p
        if x < 0:
            return value
    return weighted[-1][0]


def seats_of(rng: random.Random) -> int:
    x = rng.random()
    if x < 0.05:
        return rng.randint(3, 10)  # micro: in neither band
    if x < 0.70:
        return rng.randint(15, 290)  # SMB
    return int(320 * (25 ** rng.random()))  # Enterprise, 320 .. 8000, log-uniform


def adoption(rng: random.Random) -> float:
    """A month-stable MAU / PAU ratio: mostly deployed (>= 40 %), a quarter not."""
    if rng.random() < 0.75:
        return rng.uniform(0.45, 0.92)
    return rng.uniform(0.05, 0.35)


def gen_partner(p: int, args, months: list[int], parent: str | None, w: Writer) -> None:
    rng = random.Random(f"{args.seed}/partner/{p}")
    pid = f"P{p + 1:07d}"
    first, last = months[0], months[-1]
    n_months = len(months)
    name = (f"{rng.choice(NAME_FIRST)} {rng.choice(NAME_SECOND)} "
            f"{rng.choice(PARTNER_SUFFIX)} {p + 1}")
    market = "emerging" if rng.random() < 0.15 else "mature"
    w.write("partners", [f"{pid},{name},{parent or ''},{market}"])
    home = rng.choice(COUNTRIES)

    tenants, assocs, usage = [], [], []
    for k in range(args.tenants_per_partner):
        tid = guid(rng)
        country = home if rng.random() < 0.8 else rng.choice(COUNTRIES)
        tenants.append(f"{tid},{rng.choice(NAME_FIRST)} {rng.choice(NAME_SECOND)} {k + 1},"
                       f"{country}")

        # When the tenant starts using Microsoft 365, and its seats over the window.
        greenfield = rng.random() < 0.20 and n_months > 1
        begin = rng.randint(first + 1, last) if greenfield else first
        s0 = seats_of(rng)
        s1 = s0 * (1 + rng.uniform(-0.10, 0.30))
        span = max(1, last - begin)

        # Its workloads, export labels and adoption.
        loads = []
        for canon, prob, labels, share in WORKLOADS:
            if rng.random() < prob:
                label = rng.choice(labels) if labels else None
                loads.append((canon, label, share, adoption(rng)))

        # The owner's association.
        kind = pick(rng, ASSOC_TYPES)
        if greenfield:
            start = begin
        elif rng.random() < 0.6:
            start = first - rng.randint(1, 48)  # long-standing customer
        else:
            start = rng.randint(first, last)  # changed hands inside the window
            if rng.random() < 0.5 and args.partners > 1:
                prev = f"P{rng.randrange(args.partners) + 1:07d}"
                if prev != pid:
                    assocs.append(f"{prev},{tid},{pick(rng, ASSOC_TYPES)},,,"
                                  f"{date_in(start - rng.randint(6, 40), rng.randint(1, 28))},"
                                  f"{date_in(start - 1, 28)}")
        end = ""
        if rng.random() < 0.08 and start < last:
            end = date_in(rng.randint(start + 1, last) if start >= first
                          else rng.randint(first, last), 28)
        start_day = date_in(start, rng.randint(1, 28))
        assocs.append(f"{pid},{tid},{kind},,,{start_day},{end}")

        # Workload claims (CPOR) by the owner, and another partner's claim.
        for canon, label, _, _ in loads:
            if canon in CPOR_CLAIMABLE and rng.random() < 0.10:
                cstart = date_in(rng.randint(max(start, first - 12), last), rng.randint(1, 28))
                assocs.append(f"{pid},{tid},CPOR,{label},,{cstart},")
        if rng.random() < 0.03 and args.partners > 1:
            other = f"P{rng.randrange(args.partners) + 1:07d}"
            if other != pid:
                canon, label, _, _ = loads[rng.randrange(len(loads))]
                label = label or "Viva Engage"
                ostart = date_in(rng.randint(first - 12, last), rng.randint(1, 28))
                if rng.random() < 0.5:
                    assocs.append(f"{other},{tid},CPOR,{label},,{ostart},")
                else:
                    assocs.append(f"{other},{tid},DPOR,,,{ostart},")

        # Usage, month by month (rows sorted by month, then workload as listed).
        ramp = greenfield
        for mi in range(begin, last + 1):
            month = month_str(mi)
            seats = s0 + (s1 - s0) * (mi - begin) / span
            seats *= 1 + rng.uniform(-0.01, 0.01)
            since = mi - begin
            for canon, label, share, ratio in loads:
                if label is None:
                    label = "Viva Engage" if month >= YAMMER_RENAMED else "Yammer"
                paid = max(1, round(seats * share))
                r = ratio
                if ramp and since < 3:
                    r = ratio * (0.25 + 0.25 * since)
                r += rng.uniform(-0.02, 0.02)
                active = min(paid, max(0, round(paid * r)))
                usage.append(f"{tid},{label},{month},{paid},{active}")
        if len(usage) > 50_000:
            w.write("m365_usage", usage)
            usage = []

    w.write("tenants", tenants)
    w.write("associations", assocs)
    w.write("m365_usage", usage)

    # Certified people: a few, more for partners with more customers.
    certs = []
    people = rng.randint(1, 4 + args.tenants_per_partner // 8)
    for j in range(people):
        person = f"{pid}-u{j + 1:03d}"
        for _ in range(rng.randint(1, 3)):
            pool = NOT_ELIGIBLE if rng.random() < 0.03 else CERTIFICATIONS
            title, years = pool[rng.randrange(len(pool))]
            earned_m = rng.randint(last - 48, last)
            day = rng.randint(1, 28)
            expires = ""
            if years is not None:
                expires = date_in(earned_m + 12 * years, day)
            certs.append(f"{pid},{person},{title},{date_in(earned_m, day)},{expires}")
    w.write("certifications", certs)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--partners", type=int, required=True, help="number of partner accounts")
    ap.add_argument("--tenants-per-partner", type=int, required=True,
                    help="customer tenants owned by each partner")
    ap.add_argument("--months", type=int, required=True, help="months of usage history")
    ap.add_argument("--out", type=Path, required=True, help="directory to write (created)")
    ap.add_argument("--last-month", default=DEFAULT_LAST_MONTH,
                    help=f"latest usage month, YYYY-MM (default {DEFAULT_LAST_MONTH})")
    ap.add_argument("--seed", default=DEFAULT_SEED, help=f"seed (default {DEFAULT_SEED})")
    args = ap.parse_args(argv)
    if args.partners < 1 or args.tenants_per_partner < 1 or args.months < 1:
        ap.error("--partners, --tenants-per-partner and --months must be at least 1")

    last = month_index(args.last_month)
    months = list(range(last - args.months + 1, last + 1))
    began = time.monotonic()
    w = Writer(args.out)
    layout = random.Random(f"{args.seed}/layout")
    last_global = None
    try:
        for p in range(args.partners):
            parent = None
            if last_global is not None and layout.random() < 0.04:
                parent = f"P{last_global + 1:07d}"
            else:
                last_global = p
            gen_partner(p, args, months, parent, w)
    finally:
        w.close()
    took = time.monotonic() - began
    sizes = ", ".join(f"{t} {n}" for t, n in w.rows.items())
    print(f"wrote {args.out}: {sizes} rows ({took:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
