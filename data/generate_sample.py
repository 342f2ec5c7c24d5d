#!/usr/bin/env python3
"""Deterministic generator of capscore's bundled sample dataset (``data/sample/``).

    python3 data/generate_sample.py             # (re)write data/sample/*.csv
    python3 data/generate_sample.py --explain   # ... and print the expected Modern Work
                                                # scorecards for 2024-06 (markdown)

Stdlib only; every random draw comes from a ``random.Random`` seeded with a string built
from ``SEED`` and the tenant id / workload it is for (never from hash() or the clock), so
two runs give byte-identical files. Tenant ids are handed out in scenario order.

The dataset holds six partners, each built by one ``scenario_*`` function to show one
Modern Work outcome at evaluation month 2024-06 (see ``data/sample/README.md``).
Usage is noisy, but every number a scenario depends on is either structural (counts of
tenants and deployed services, kept far from the 40 % and band thresholds) or pinned by
``calibrate()``; ``check_scenarios()`` asserts the required outcomes on every run.

``expected_scorecards()`` is a deliberately small, independent restatement of the Modern
Work rules (spec ``rules.md`` sections 0, 1 and 9), written only to design this data and
to hand-check the engine; the real engine is the Rust code.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import random
import sys
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

# --------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------

SEED = "capscore-sample-2024"
FIRST_MONTH = "2022-01"
LAST_MONTH = "2024-06"
EVAL_MONTH = "2024-06"
OUT_DIR = Path(__file__).resolve().parent / "sample"

SEAT_JITTER = 0.008  # relative month-to-month noise on paid seats
RATIO_JITTER = 0.025  # absolute noise on MAU / PAU

# Band limits (rules.md section 0) and the safety margins the generator keeps from them.
SMB_MIN_EXCLUSIVE = 10
SMB_MAX = 300
SMB_SEATS_RANGE = (18, 270)  # steady SMB tenants stay inside this
ENT_MIN_SEATS = 360  # steady Enterprise tenants (and their add-ons) stay above this
TINY_SEATS_RANGE = (3, 8)  # counts in neither band

# Deployment threshold is MAU/PAU >= 40 %; adoption ratios stay clear of it.
HIGH_ADOPTION = (0.50, 0.93)
LOW_ADOPTION = (0.08, 0.30)

YAMMER_RENAMED = "2023-02"  # the export switches from "Yammer" to "Viva Engage" here

# Export labels (canonical workload -> names seen in the source files).
EXPORT_LABELS = {
    "exchange": ("Exchange", "EXO", "Exchange Online"),
    "sharepoint": ("SharePoint", "SPO"),
    "teams": ("Teams",),
    "m365_apps": ("Microsoft 365 Apps", "ProPlus"),
    "intune": ("Intune",),
    "teams_phone": ("Teams Phone",),
    "yammer": ("Yammer",),  # "Viva Engage" from YAMMER_RENAMED
    "viva_insights": ("Viva Insights",),
    "defender_endpoint": ("Microsoft Defender for Endpoint",),  # Security area, not MW
}

PARTNERS = [
    # partner_id, name, market
    ("P001", "Northwind Cloud Services Ltd", "mature"),
    ("P002", "Fabrikam Enterprise Consulting Inc.", "mature"),
    ("P003", "Adatum Collaboration GmbH", "mature"),
    ("P004", "Litware Systems B.V.", "mature"),
    ("P005", "Tailspin Modern IT Pty Ltd", "mature"),
    ("P006", "Wingtip IT Solutions Pvt Ltd", "emerging"),
]

COUNTRIES = {
    "P001": ("GB", "GB", "GB", "IE"),
    "P002": ("US", "US", "US", "CA"),
    "P003": ("DE", "DE", "AT", "CH"),
    "P004": ("NL", "NL", "BE", "LU"),
    "P005": ("AU", "AU", "AU", "NZ"),
    "P006": ("IN", "IN", "IN", "LK"),
    "former": ("US", "GB", "DE", "FR", "ES", "IT", "SE"),
}

NAME_FIRST = (
    "Alder", "Alpine", "Amber", "Anchor", "Apex", "Arbor", "Ashford", "Aspen", "Atlas",
    "Aurora", "Bayside", "Beacon", "Birch", "Blue Ridge", "Bluewater", "Boulder", "Bramble",
    "Brightwater", "Brook", "Cardinal", "Cedar", "Clearview", "Coastal", "Cobalt", "Copper",
    "Crescent", "Crest", "Crystal", "Delta", "Eagle", "Elm", "Evergreen", "Fairfield",
    "Falcon", "Fern", "Fieldstone", "Foxglove", "Garnet", "Glacier", "Golden Gate", "Granite",
    "Greenfield", "Harbor", "Hawthorn", "Heather", "Highland", "Horizon", "Hudson", "Indigo",
    "Iris", "Ironwood", "Juniper", "Keystone", "Lakeside", "Larch", "Laurel", "Linden",
    "Maple", "Marigold", "Meadow", "Meridian", "Millbrook", "Monarch", "Northgate", "Oakridge",
    "Orchard", "Osprey", "Pacific", "Peak", "Pinecrest", "Prairie", "Quarry", "Redwood",
    "Riverbend", "Rosewood", "Sable", "Saffron", "Sandstone", "Silverline", "Skyline",
    "Sparrow", "Spruce", "Stonebridge", "Summit", "Sunrise", "Thistle", "Timber", "Trillium",
    "Tundra", "Valley", "Vantage", "Willow", "Windmill", "Yarrow", "Zenith",
)
NAME_SECOND = (
    "Accounting", "Architects", "Bakery", "Builders", "Capital", "Clinic", "Consulting",
    "Dental Group", "Design Studio", "Distribution", "Engineering", "Foods", "Freight",
    "Health", "Holdings", "Hospitality", "Insurance", "Labs", "Law", "Logistics",
    "Manufacturing", "Media", "Medical", "Motors", "Partners", "Pharma", "Properties",
    "Publishing", "Realty", "Retail", "Robotics", "School", "Solar", "Supply", "Textiles",
    "Travel", "Utilities", "Ventures", "Veterinary", "Wealth",
)

# --------------------------------------------------------------------------------------
# Months and curves
# --------------------------------------------------------------------------------------


def month_index(month: str) -> int:
    year, mon = month.split("-")
    return int(year) * 12 + int(mon) - 1


def month_from_index(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def add_months(month: str, delta: int) -> str:
    return month_from_index(month_index(month) + delta)


def months_between(first: str, last: str) -> list[str]:
    return [month_from_index(i) for i in range(month_index(first), month_index(last) + 1)]


def last_day(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:])
    return f"{month}-{calendar.monthrange(year, mon)[1]:02d}"


def on(month: str, day: int) -> str:
    """A date inside ``month`` (day clamped to the month's length)."""
    return f"{month}-{min(day, int(last_day(month)[-2:])):02d}"


Curve = list  # [(month, value), ...] piecewise linear, constant outside


def flat(value: float) -> Curve:
    return [(FIRST_MONTH, value)]


def at(curve: Curve, month: str) -> float:
    points = sorted((month_index(m), v) for m, v in curve)
    x = month_index(month)
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


def rollout(low: float, high: float, begin: str, months: int = 3) -> Curve:
    """Adoption that sits at ``low`` until ``begin`` and reaches ``high`` ``months`` later."""
    return [(FIRST_MONTH, low), (begin, low), (add_months(begin, months), high)]


# --------------------------------------------------------------------------------------
# The dataset being built
# --------------------------------------------------------------------------------------


@dataclass
class Tenant:
    tenant_id: str
    name: str
    country: str
    labels: dict = field(default_factory=dict)  # canonical workload -> export label
    usage: dict = field(default_factory=dict)  # (canonical workload, month) -> [pau, mau]

    def label(self, canon: str, month: str | None = None) -> str:
        if canon == "yammer":
            return "Viva Engage" if month is None or month >= YAMMER_RENAMED else "Yammer"
        return self.labels[canon]


class Builder:
    def __init__(self) -> None:
        self.tenants: list[Tenant] = []
        self.associations: list[dict] = []
        self.certifications: list[dict] = []
        self._names = random.Random(f"{SEED}/names")
        self._used_names: set[str] = set()
        # Links between scenarios, and the tenants calibrate() may nudge.
        self.shared_p001_p003: Tenant | None = None
        self.shared_p002_p005: Tenant | None = None
        self.p003_balance: list[Tenant] = []
        self.p005_balance: list[Tenant] = []
        self.p006_balance: list[Tenant] = []

    # -- tenants ----------------------------------------------------------------------

    def tenant(self, country_pool: str) -> Tenant:
        rng = random.Random(f"{SEED}/tenant/{len(self.tenants)}")
        tid = f"T{len(self.tenants) + 1:04d}"
        while True:
            name = f"{self._names.choice(NAME_FIRST)} {self._names.choice(NAME_SECOND)}"
            if name not in self._used_names:
                break
        self._used_names.add(name)
        t = Tenant(tid, name, rng.choice(COUNTRIES[country_pool]))
        label_rng = random.Random(f"{SEED}/{tid}/labels")
        for canon, choices in EXPORT_LABELS.items():
            t.labels[canon] = label_rng.choice(choices)
        self.tenants.append(t)
        return t

    # -- usage ------------------------------------------------------------------------

    def seats(self, t: Tenant, curve: Curve, first: str, last: str, key: str) -> dict:
        rng = random.Random(f"{SEED}/{t.tenant_id}/seats/{key}")
        out = {}
        for mo in months_between(first, last):
            out[mo] = max(0, round(at(curve, mo) * (1 + rng.uniform(-SEAT_JITTER, SEAT_JITTER))))
        return out

    def workload(self, t: Tenant, canon: str, paus: dict, ratio: Curve) -> None:
        rng = random.Random(f"{SEED}/{t.tenant_id}/{canon}/mau")
        for mo, pau in paus.items():
            r = min(0.97, max(0.0, at(ratio, mo) + rng.uniform(-RATIO_JITTER, RATIO_JITTER)))
            t.usage[(canon, mo)] = [pau, round(pau * r)]

    def suite(self, t: Tenant, seats: Curve, ratios: dict, first=FIRST_MONTH, last=LAST_MONTH):
        """Workloads licensed together (same paid seats), e.g. Office 365 E3."""
        paus = self.seats(t, seats, first, last, "suite")
        for canon, ratio in ratios.items():
            self.workload(t, canon, paus, ratio)

    def addon(self, t: Tenant, canon: str, seats: Curve, ratio: Curve,
              first=FIRST_MONTH, last=LAST_MONTH) -> None:
        """A separately licensed workload (Teams Phone, Intune, Viva Insights, Defender)."""
        self.workload(t, canon, self.seats(t, seats, first, last, canon), ratio)

    # -- associations and certifications ------------------------------------------------

    def associate(self, partner: str, t: Tenant, kind: str, start: str, end: str | None = None,
                  workload: str | None = None) -> None:
        self.associations.append({
            "partner_id": partner,
            "tenant_id": t.tenant_id,
            "type": kind,
            "workload": t.label(workload) if workload else "",
            "subscription_id": "",
            "start_date": start,
            "end_date": end or "",
        })

    def certify(self, partner: str, person: str, title: str, earned: str,
                expires: str | None = None) -> None:
        self.certifications.append({
            "partner_id": partner,
            "person_id": person,
            "certification": title,
            "earned_date": earned,
            "expires_date": expires or "",
        })


# --------------------------------------------------------------------------------------
# Tenant profiles (shared by the scenarios)
# --------------------------------------------------------------------------------------


def adoption(rng: random.Random, high: bool) -> Curve:
    """A stable adoption ratio on one side of 40 %, with a small drift over time."""
    lo, hi = HIGH_ADOPTION if high else LOW_ADOPTION
    start = rng.uniform(lo + 0.02, hi - 0.04)
    end = min(hi, max(lo, start + rng.uniform(-0.02, 0.04)))
    return [(FIRST_MONTH, start), (LAST_MONTH, end)]


def steady_smb(b: Builder, t: Tenant, growth: tuple = (0.0, 0.12), seats0=None,
               first=FIRST_MONTH, spo_high=None) -> None:
    """A small business on Microsoft 365 Business Standard/Premium all along."""
    rng = random.Random(f"{SEED}/{t.tenant_id}/profile")
    s0 = seats0 or rng.randint(25, 180)
    s1 = min(SMB_SEATS_RANGE[1], s0 * (1 + rng.uniform(*growth) * 2.5))
    ratios = {
        "exchange": adoption(rng, True),
        "teams": adoption(rng, True),
        "m365_apps": adoption(rng, True),
        "sharepoint": adoption(rng, rng.random() < 0.6 if spo_high is None else spo_high),
    }
    if rng.random() < 0.35:
        ratios["intune"] = adoption(rng, True)
    if rng.random() < 0.15:
        ratios["yammer"] = adoption(rng, False)
    b.suite(t, [(FIRST_MONTH, s0), (LAST_MONTH, s1)], ratios, first=first)


def steady_ent(b: Builder, t: Tenant, growth: tuple = (0.02, 0.09), seats0=None,
               addons: bool = True) -> None:
    """An enterprise on Office/Microsoft 365 E3/E5 all along; add-ons stay > 300 seats."""
    rng = random.Random(f"{SEED}/{t.tenant_id}/profile")
    s0 = seats0 or rng.randint(600, 5200)
    s1 = s0 * (1 + rng.uniform(*growth) * 2.5)
    ratios = {
        "exchange": adoption(rng, True),
        "teams": adoption(rng, True),
        "m365_apps": adoption(rng, True),
        "sharepoint": adoption(rng, True),
    }
    if rng.random() < 0.5:
        ratios["yammer"] = adoption(rng, False)
    b.suite(t, [(FIRST_MONTH, s0), (LAST_MONTH, s1)], ratios)
    if addons and rng.random() < 0.6 and s0 * 0.6 >= ENT_MIN_SEATS:
        share = rng.uniform(0.6, 1.0)
        b.addon(t, "intune", [(FIRST_MONTH, s0 * share), (LAST_MONTH, s1 * share)],
                adoption(rng, True))
    if addons and rng.random() < 0.25 and s0 * 0.5 >= ENT_MIN_SEATS:
        b.addon(t, "viva_insights", flat(s0 * 0.5), adoption(rng, False))


def tiny(b: Builder, t: Tenant, seats: int | None = None, first=FIRST_MONTH) -> None:
    """A micro business (<= 10 seats): in neither band."""
    rng = random.Random(f"{SEED}/{t.tenant_id}/profile")
    s = seats or rng.randint(*TINY_SEATS_RANGE)
    b.suite(t, flat(s), {"exchange": adoption(rng, True), "teams": adoption(rng, True)},
            first=first)


def greenfield(b: Builder, t: Tenant, start: str, seats: int, deployed: tuple,
               not_deployed: tuple = (), ramp_months: int = 3) -> None:
    """A tenant that first buys Microsoft 365 in ``start`` (migration: adoption starts low)."""
    rng = random.Random(f"{SEED}/{t.tenant_id}/profile")
    ratios = {}
    for canon in deployed:
        ratios[canon] = [(start, rng.uniform(0.12, 0.25)),
                         (add_months(start, ramp_months), rng.uniform(0.62, 0.88))]
    for canon in not_deployed:
        ratios[canon] = [(start, rng.uniform(0.05, 0.12)),
                         (add_months(start, ramp_months), rng.uniform(0.2, 0.3))]
    b.suite(t, [(start, seats * 0.85), (add_months(start, 2), seats)], ratios, first=start)


def former_customer(b: Builder, t: Tenant, partner: str, kind: str) -> None:
    """A customer lost before the data window (association ended in 2021)."""
    rng = random.Random(f"{SEED}/{t.tenant_id}/former")
    if rng.random() < 0.7:
        steady_smb(b, t)
    else:
        steady_ent(b, t, addons=False)
    start = on(f"{rng.randint(2017, 2019)}-{rng.randint(1, 12):02d}", rng.randint(1, 28))
    end = on(f"2021-{rng.randint(1, 12):02d}", rng.randint(1, 28))
    b.associate(partner, t, kind, start, end)


def old_start(t: Tenant, latest_year: int = 2021) -> str:
    """A start date before the TTM comparison point (the customer is long-standing)."""
    rng = random.Random(f"{SEED}/{t.tenant_id}/start")
    return on(f"{rng.randint(2018, latest_year)}-{rng.randint(1, 12):02d}", rng.randint(1, 28))


# --------------------------------------------------------------------------------------
# Scenarios: one function per partner
# --------------------------------------------------------------------------------------


def scenario_p001_smb_reseller(b: Builder) -> None:
    """P001 Northwind: direct CSP reseller of small businesses -> qualifies on SMB only."""
    P = "P001"
    STEADY_SMB = 75
    NEW_GREENFIELD = (("2023-07", 40), ("2023-08", 65), ("2023-09", 25), ("2023-10", 120),
                      ("2023-10", 55), ("2023-11", 30), ("2023-12", 80), ("2024-01", 45),
                      ("2024-02", 150), ("2024-03", 35))
    NEW_TRANSFERS = ("2023-07", "2023-09", "2023-12", "2024-02", "2024-04")
    LOST = (on("2023-10", 31), on("2024-03", 15))

    steady = []
    for _ in range(STEADY_SMB):
        t = b.tenant(P)
        steady_smb(b, t, growth=(0.06, 0.22))
        b.associate(P, t, "CSP_T1", old_start(t))
        steady.append(t)
    b.shared_p001_p003 = steady[7]  # also claimed by P003 (CPOR on Teams), see P003

    # An enterprise customer whose Teams Phone add-on (60 seats) also puts it in the SMB
    # band: it counts in both tracks. CSP for the tenant, CPOR claim on Exchange.
    t = b.tenant(P)
    steady_ent(b, t, seats0=420, growth=(0.04, 0.06), addons=False)
    b.addon(t, "teams_phone", [(FIRST_MONTH, 52), (LAST_MONTH, 60)], flat(0.62))
    b.associate(P, t, "CSP_T1", "2021-05-03")
    b.associate(P, t, "CPOR", "2022-02-14", workload="exchange")

    # Band changer: SMB (about 260 seats) becomes Enterprise (340) in January 2024.
    t = b.tenant(P)
    b.suite(t, [(FIRST_MONTH, 235), ("2023-12", 262), ("2024-01", 338), (LAST_MONTH, 346)],
            {"exchange": flat(0.9), "teams": flat(0.78), "m365_apps": flat(0.7),
             "sharepoint": flat(0.56)})
    b.associate(P, t, "CSP_T1", "2020-09-21")
    b.associate(P, t, "CPOR", "2022-04-04", workload="teams")

    # Shrinker: 16 seats -> 8 (leaves the SMB band early 2024).
    t = b.tenant(P)
    b.suite(t, [(FIRST_MONTH, 17), ("2023-10", 16), ("2024-01", 8)],
            {"exchange": flat(0.85), "teams": flat(0.7)})
    b.associate(P, t, "CSP_T1", "2021-02-11")

    # Grower: 7 seats -> 14 (enters the SMB band in December 2023).
    t = b.tenant(P)
    b.suite(t, [(FIRST_MONTH, 6), ("2023-10", 7), ("2023-12", 14)],
            {"exchange": flat(0.9), "teams": flat(0.75), "m365_apps": flat(0.6)})
    b.associate(P, t, "CSP_T1", "2020-03-30")

    # Micro customers (<= 10 seats) never count; one of them is new in the TTM.
    for _ in range(2):
        t = b.tenant(P)
        tiny(b, t)
        b.associate(P, t, "CSP_T1", old_start(t))
    t = b.tenant(P)
    tiny(b, t, seats=5, first="2023-12")
    b.associate(P, t, "CSP_T1", on("2023-12", 4))

    # New customers in the TTM: start-ups buying Microsoft 365 for the first time...
    for i, (month, seats) in enumerate(NEW_GREENFIELD):
        t = b.tenant(P)
        greenfield(b, t, month, seats, deployed=("exchange", "teams", "m365_apps"),
                   not_deployed=("sharepoint",) if i % 2 else ())
        b.associate(P, t, "CSP_T1", on(month, 3 + 2 * i))
    # ... and existing tenants transferred from another reseller (claim baseline applies).
    for month in NEW_TRANSFERS:
        t = b.tenant(P)
        steady_smb(b, t)
        b.associate(P, t, "CSP_T1", on(month, 17))

    # Customers lost in the TTM (the tenant moves to another reseller, usage continues).
    for end in LOST:
        t = b.tenant(P)
        steady_smb(b, t)
        b.associate(P, t, "CSP_T1", old_start(t), end)

    b.certify(P, "p-101", "Teams Administrator Associate", "2022-05-10", "2025-05-10")
    b.certify(P, "p-101", "Microsoft 365 Fundamentals", "2021-11-03")  # same person: once
    b.certify(P, "p-102", "Microsoft 365 Certified: Modern Desktop Administrator Associate",
              "2022-11-08", "2024-11-08")  # renamed Endpoint Administrator Associate
    b.certify(P, "p-103", "Teams Meetings and Meeting Rooms Technical Assessment", "2023-02-14")
    b.certify(P, "p-104", "Microsoft Certified: Azure Fundamentals", "2023-03-01")  # no area


def scenario_p002_enterprise(b: Builder) -> None:
    """P002 Fabrikam: DPOR/CPOR on large enterprises -> qualifies on Enterprise only."""
    P = "P002"
    STEADY_DPOR = 18
    ROLLOUTS = (("teams_phone", "2023-09"), ("intune", "2023-11"), ("teams_phone", "2024-01"))
    STEADY_CPOR = 6
    NEW_EXISTING = ("2023-08", "2023-12", "2024-03")
    NEW_GREENFIELD = (("2023-07", 900), ("2023-10", 1500), ("2024-01", 700))
    STEADY_SMB_CPOR = 4

    for i in range(STEADY_DPOR):
        t = b.tenant(P)
        steady_ent(b, t, growth=(0.04, 0.10))
        b.associate(P, t, "DPOR", old_start(t))
        if i < len(ROLLOUTS):
            canon, begin = ROLLOUTS[i]
            seats = t.usage[("exchange", LAST_MONTH)][0]
            b.addon(t, canon, flat(max(ENT_MIN_SEATS + 40, seats * 0.4)),
                    rollout(0.18, 0.62, begin))

    # Shared with P005: P002 holds DPOR for the whole tenant; P005 claims Teams Phone
    # (CPOR) from 2023-09 and rolls it out. Both are credited.
    t = b.tenant(P)
    steady_ent(b, t, seats0=1800, growth=(0.05, 0.06), addons=False)
    b.addon(t, "teams_phone", flat(520), rollout(0.14, 0.52, "2023-10", 4))
    b.associate(P, t, "DPOR", "2021-06-07")
    b.shared_p002_p005 = t

    # DPOR renewed back to back (2023-09-30 / 2023-10-01): coverage never broke, so this is
    # not a new claim and no claim baseline applies.
    t = b.tenant(P)
    steady_ent(b, t, seats0=2600, growth=(0.06, 0.07))
    b.associate(P, t, "DPOR", "2021-10-01", "2023-09-30")
    b.associate(P, t, "DPOR", "2023-10-01")

    # Long-standing CPOR claims on single workloads of other enterprises.
    for i in range(STEADY_CPOR):
        t = b.tenant(P)
        steady_ent(b, t, growth=(0.0, 0.02))
        for canon in (("exchange", "teams") if i % 2 == 0 else ("sharepoint",)):
            b.associate(P, t, "CPOR", old_start(t, 2022), workload=canon)

    # New DPOR customers in the TTM: existing tenants (claim baseline applies) ...
    for month in NEW_EXISTING:
        t = b.tenant(P)
        steady_ent(b, t)
        b.associate(P, t, "DPOR", on(month, 9))
    # ... and enterprises moving to Microsoft 365 (migrations).
    for month, seats in NEW_GREENFIELD:
        t = b.tenant(P)
        greenfield(b, t, month, seats, deployed=("exchange", "teams", "m365_apps", "sharepoint"),
                   ramp_months=4)
        b.associate(P, t, "DPOR", on(month, 21))

    # A few SMB customers through CPOR (Teams), one new in the TTM (Exchange).
    for _ in range(STEADY_SMB_CPOR):
        t = b.tenant(P)
        steady_smb(b, t)
        b.associate(P, t, "CPOR", old_start(t), workload="teams")
    t = b.tenant(P)
    steady_smb(b, t)
    b.associate(P, t, "CPOR", "2024-03-12", workload="exchange")

    b.certify(P, "p-201", "Microsoft 365 Certified: Messaging Administrator Associate",
              "2022-03-22", "2025-03-22")
    b.certify(P, "p-202", "Teams Administrator Associate", "2021-09-30", "2024-09-30")
    b.certify(P, "p-202", "Microsoft 365 Certified: Modern Desktop Administrator Associate",
              "2023-01-17", "2025-01-17")  # second cert of p-202: counted once
    b.certify(P, "p-203", "Microsoft Certified: Identity and Access Administrator Associate",
              "2023-04-05", "2025-04-05")
    b.certify(P, "p-204", "Microsoft 365 Certified: Endpoint Administrator Associate",
              "2023-09-12", "2024-09-12")
    b.certify(P, "p-205", "Microsoft 365 Certified: Enterprise Administrator Expert",
              "2022-08-19", "2024-08-19")  # renamed Administrator Expert
    b.certify(P, "p-206", "Microsoft 365 Certified: Administrator Expert", "2023-10-26",
              "2024-10-26")
    b.certify(P, "p-201", "Microsoft 365 Certified: Administrator Expert", "2023-11-02",
              "2024-11-02")  # p-201 counts once in each metric
    b.certify(P, "p-207", "Microsoft 365 Fundamentals", "2022-02-08")


def scenario_p003_just_short(b: Builder) -> None:
    """P003 Adatum: indirect CSP reseller + CPOR, best track exactly 68.00 -> not qualified."""
    P = "P003"
    STEADY_CSP = 34
    STEADY_ENT_CPOR = 2

    steady = []
    for i in range(STEADY_CSP):
        t = b.tenant(P)
        steady_smb(b, t, growth=(0.06, 0.16))
        # The 10th contract runs out on the last day of the evaluation month: still in force.
        end = last_day(EVAL_MONTH) if i == 9 else None
        b.associate(P, t, "CSP_T2", old_start(t), end)
        steady.append(t)
    # A CSP customer that also buys Defender for Endpoint (Security area, 350 seats,
    # growing): must count neither for the band nor for usage.
    b.addon(steady[4], "defender_endpoint", flat(350), [(FIRST_MONTH, 0.3), ("2023-07", 0.3),
                                                          (LAST_MONTH, 0.85)], first="2023-01")
    b.p003_balance = steady[:12]

    for _ in range(STEADY_ENT_CPOR):
        t = b.tenant(P)
        steady_ent(b, t, growth=(0.01, 0.03), addons=False)
        b.associate(P, t, "CPOR", old_start(t, 2022), workload="exchange")
        b.associate(P, t, "CPOR", old_start(t, 2022), workload="teams")

    # New CSP customers in the TTM: two start-ups (2 services deployed each by 2024-06) ...
    for month, seats in (("2023-09", 45), ("2024-01", 32)):
        t = b.tenant(P)
        greenfield(b, t, month, seats, deployed=("exchange", "teams"),
                   not_deployed=("sharepoint", "m365_apps"))
        b.associate(P, t, "CSP_T2", on(month, 12 if month == "2023-09" else 22))
    # ... and a transfer whose services were all deployed already (no new deployment).
    t = b.tenant(P)
    steady_smb(b, t, spo_high=True)
    b.associate(P, t, "CSP_T2", "2023-11-03")

    # New CPOR claims in the TTM on existing tenants:
    b.associate(P, b.shared_p001_p003, "CPOR", "2023-08-07", workload="teams")  # P001's CSP
    t = b.tenant(P)
    steady_smb(b, t, growth=(0.05, 0.08))
    b.associate(P, t, "CPOR", "2024-02-19", workload="exchange")  # already deployed
    t = b.tenant(P)
    steady_smb(b, t, seats0=55, growth=(0.02, 0.04))
    b.addon(t, "teams_phone", flat(40), rollout(0.2, 0.6, "2023-11"))
    b.associate(P, t, "CPOR", "2023-10-02", workload="teams_phone")  # deployed after claim

    # A CPOR claim on a Security workload only: not a Modern Work customer. The tenant
    # has 120 Modern Work seats and 450 Defender seats (which must not make it Enterprise).
    t = b.tenant(P)
    steady_smb(b, t, seats0=110, growth=(0.02, 0.03))
    b.addon(t, "defender_endpoint", flat(450), flat(0.7), first="2023-04")
    b.associate(P, t, "CPOR", "2023-10-16", workload="defender_endpoint")

    b.certify(P, "p-301", "Teams Administrator Associate", "2023-03-02", "2025-03-02")
    b.certify(P, "p-302", "Microsoft 365 Fundamentals", "2022-09-15")
    b.certify(P, "p-303", "Teams Meetings and Meeting Rooms Technical Assessment", "2023-05-10")
    b.certify(P, "p-304", "Microsoft 365 Certified: Messaging Administrator Associate",
              "2022-01-20", "2024-01-20")  # expired before 2024-06-30
    b.certify(P, "p-305", "Teams Administrator Asociate", "2024-02-01", "2025-02-01")  # typo


def scenario_p004_no_advanced(b: Builder) -> None:
    """P004 Litware: Enterprise total 85 but no valid advanced certification."""
    P = "P004"
    STEADY_DPOR = 18
    ROLLOUTS = (("teams_phone", "2023-08"), ("intune", "2023-09"), ("teams_phone", "2023-10"),
                ("intune", "2023-11"), ("teams_phone", "2024-01"), ("intune", "2024-02"))
    NEW_EXISTING = ("2023-07", "2023-10", "2024-01", "2024-04")
    NEW_GREENFIELD = (("2023-08", 1200), ("2023-12", 800))
    STEADY_SMB_CSP = 10

    for i in range(STEADY_DPOR):
        t = b.tenant(P)
        steady_ent(b, t, growth=(0.08, 0.14))
        b.associate(P, t, "DPOR", old_start(t))
        if i < len(ROLLOUTS):
            canon, begin = ROLLOUTS[i]
            seats = t.usage[("exchange", LAST_MONTH)][0]
            if ("intune", LAST_MONTH) in t.usage:
                canon = "teams_phone"
            b.addon(t, canon, flat(max(ENT_MIN_SEATS + 40, seats * 0.5)),
                    rollout(0.15, 0.6, begin))

    # Downsizer: 380 seats -> 260 in December 2023 (leaves the Enterprise band).
    t = b.tenant(P)
    b.suite(t, [(FIRST_MONTH, 395), ("2023-11", 380), ("2023-12", 262), (LAST_MONTH, 258)],
            {"exchange": flat(0.88), "teams": flat(0.74), "m365_apps": flat(0.22),
             "sharepoint": flat(0.25)})
    b.associate(P, t, "DPOR", "2020-11-16")

    # Lost in the TTM.
    t = b.tenant(P)
    b.suite(t, [(FIRST_MONTH, 640), (LAST_MONTH, 700)],
            {"exchange": flat(0.9), "teams": flat(0.8), "m365_apps": flat(0.25),
             "sharepoint": flat(0.2)})
    b.associate(P, t, "DPOR", "2019-05-02", "2023-11-30")
    b.associate("P002", t, "DPOR", "2023-12-01")  # ... won by P002 the next day

    for month in NEW_EXISTING:
        t = b.tenant(P)
        steady_ent(b, t)
        b.associate(P, t, "DPOR", on(month, 14))
    for month, seats in NEW_GREENFIELD:
        t = b.tenant(P)
        greenfield(b, t, month, seats, deployed=("exchange", "teams", "m365_apps", "sharepoint"),
                   ramp_months=4)
        b.associate(P, t, "DPOR", on(month, 6))
    # A CPOR claim on a workload the tenant does not use yet (Viva Insights): still a
    # Modern Work customer (net customer adds), with no usage and no deployment.
    t = b.tenant(P)
    steady_ent(b, t, seats0=950, addons=False)
    b.associate(P, t, "CPOR", "2024-04-08", workload="viva_insights")

    for _ in range(STEADY_SMB_CSP):
        t = b.tenant(P)
        steady_smb(b, t)
        b.associate(P, t, "CSP_T1", old_start(t))

    b.certify(P, "p-401", "Teams Administrator Associate", "2022-10-03", "2024-10-03")
    b.certify(P, "p-402", "Microsoft 365 Certified: Messaging Administrator Associate",
              "2023-02-27", "2025-02-27")
    b.certify(P, "p-403", "Microsoft Certified: Identity and Access Administrator Associate",
              "2023-06-12", "2024-06-12")  # expired on 2024-06-12: does not count
    b.certify(P, "p-404", "Microsoft 365 Certified: Modern Desktop Administrator Associate",
              "2022-06-14", "2024-12-14")
    b.certify(P, "p-409", "Microsoft 365 Fundamentals", "2020-12-01")
    b.certify(P, "p-410", "Microsoft Certified: Identity and Access Administrator Associate",
              "2023-08-30", "2024-08-30")
    b.certify(P, "p-405", "Microsoft 365 Certified: Enterprise Administrator Expert",
              "2022-03-01", "2024-03-01")  # expired: no advanced certification left
    b.certify(P, "p-408", "Microsoft 365 Certified: Administrator Expert",
              "2024-07-08", "2025-07-08")  # earned after the evaluation month
    b.certify(P, "p-406", "Microsoft Certified: Azure Administrator Associate", "2023-05-19",
              "2025-05-19")  # an Azure certification: not Modern Work


def scenario_p005_claims_in_ttm(b: Builder) -> None:
    """P005 Tailspin: growth from CPOR claims started in the TTM (claim baseline)."""
    P = "P005"
    STEADY_ENT_CPOR = 3
    STEADY_SMB_CSP = 5

    for _ in range(STEADY_ENT_CPOR):
        t = b.tenant(P)
        steady_ent(b, t, growth=(0.0, 0.02), addons=False)
        b.associate(P, t, "CPOR", old_start(t, 2022), workload="exchange")

    # Claim on P002's DPOR customer: Teams Phone, rolled out after the claim.
    b.associate(P, b.shared_p002_p005, "CPOR", "2023-09-05", workload="teams_phone")

    # Large tenants already using everything, claimed in the TTM: big raw MAU, no growth.
    t = b.tenant(P)
    b.suite(t, [(FIRST_MONTH, 2380), (LAST_MONTH, 2410)],
            {"exchange": flat(0.9), "teams": flat(0.8), "sharepoint": flat(0.56),
             "m365_apps": flat(0.72)})
    for canon in ("exchange", "teams", "sharepoint", "m365_apps"):
        b.associate(P, t, "CPOR", "2023-08-14", workload=canon)
    b.p005_balance = [t]
    t = b.tenant(P)
    b.suite(t, [(FIRST_MONTH, 1190), (LAST_MONTH, 1215)],
            {"exchange": flat(0.88), "teams": flat(0.83), "m365_apps": flat(0.66)})
    for canon in ("exchange", "teams"):
        b.associate(P, t, "CPOR", "2023-11-20", workload=canon)
    # Intune claimed while hardly used, then rolled out (a new deployment).
    t = b.tenant(P)
    b.suite(t, [(FIRST_MONTH, 760), (LAST_MONTH, 800)],
            {"exchange": flat(0.9), "teams": flat(0.75), "m365_apps": flat(0.7)})
    b.addon(t, "intune", flat(420), rollout(0.1, 0.5, "2024-02"))
    b.associate(P, t, "CPOR", "2024-01-10", workload="intune")
    t = b.tenant(P)
    b.suite(t, [(FIRST_MONTH, 630), (LAST_MONTH, 655)],
            {"exchange": flat(0.86), "teams": flat(0.8), "sharepoint": flat(0.5)})
    b.associate(P, t, "CPOR", "2024-04-22", workload="teams")

    for _ in range(STEADY_SMB_CSP):
        t = b.tenant(P)
        steady_smb(b, t)
        b.associate(P, t, "CSP_T1", old_start(t))

    b.certify(P, "p-501", "Teams Administrator Associate", "2023-01-09", "2025-01-09")
    b.certify(P, "p-502", "Microsoft 365 Certified: Endpoint Administrator Associate",
              "2024-01-15", "2025-01-15")
    b.certify(P, "p-503", "Microsoft 365 Fundamentals", "2022-07-28")
    b.certify(P, "p-504", "Microsoft Certified: Identity and Access Administrator Associate",
              "2022-12-02", "2024-12-02")
    b.certify(P, "p-505", "Microsoft 365 Certified: Administrator Expert", "2023-10-05",
              "2024-10-05")
    b.certify(P, "p-506", "Teams Meetings and Meeting Rooms Technical Assessment", "2022-11-30")


def scenario_p006_losing_customers(b: Builder) -> None:
    """P006 Wingtip: customers lost in the TTM -> net customer adds negative, 0 points."""
    P = "P006"
    STEADY_CSP = 36
    LOST_ENDS = (on("2023-09", 30), on("2023-12", 15), on("2024-02", 29), on("2024-04", 30),
                 on("2024-06", 15))  # the last one ends before the end of the eval month
    CPOR_TEAMS = 6
    PHONE_ROLLOUTS = ("2023-10", "2024-01")

    steady = []
    for i in range(STEADY_CSP):
        t = b.tenant(P)
        steady_smb(b, t, growth=(0.0, 0.08))
        end = LOST_ENDS[i] if i < len(LOST_ENDS) else None
        b.associate(P, t, "CSP_T1", old_start(t), end)
        steady.append(t)
    # CPOR claims on Teams (and Teams Phone where it is being rolled out) of kept customers.
    for i, t in enumerate(steady[len(LOST_ENDS):len(LOST_ENDS) + CPOR_TEAMS]):
        b.associate(P, t, "CPOR", on("2022-03", 1 + i), workload="teams")
        if i < len(PHONE_ROLLOUTS):
            b.addon(t, "teams_phone", flat(30 + 8 * i), rollout(0.2, 0.62, PHONE_ROLLOUTS[i]))
            b.associate(P, t, "CPOR", on("2022-03", 1 + i), workload="teams_phone")
    b.p006_balance = steady[len(LOST_ENDS):len(LOST_ENDS) + CPOR_TEAMS]

    # Re-won on the 20th of the evaluation month (lost in 2022): in force at 2024-06, and
    # its whole usage is claim baseline.
    t = b.tenant(P)
    steady_smb(b, t)
    b.associate(P, t, "CSP_T1", "2020-02-03", "2022-08-31")
    b.associate(P, t, "CSP_T1", "2024-06-20")

    # The one enterprise customer (DPOR) was lost in September 2023.
    t = b.tenant(P)
    steady_ent(b, t, seats0=900, addons=False)
    b.associate(P, t, "DPOR", "2021-01-18", on("2023-09", 30))

    b.certify(P, "p-601", "Microsoft 365 Fundamentals", "2021-06-21")
    b.certify(P, "p-602", "Microsoft 365 Certified: Messaging Administrator Associate",
              "2022-10-11", "2024-10-11")
    b.certify(P, "p-603", "Teams Administrator Associate", "2023-05-30", "2025-05-30")
    b.certify(P, "p-604", "Microsoft 365 Certified: Enterprise Administrator Expert",
              "2022-04-12", "2025-04-12")
    b.certify(P, "p-605", "Teams Administrator Associate", "2021-10-31", "2023-10-31")  # expired


def scenario_former_customers(b: Builder) -> None:
    """Tenants whose only association ended before the data window."""
    FORMER = (("P001", "CSP_T1"), ("P002", "DPOR"), ("P003", "CSP_T2"), ("P004", "DPOR"),
              ("P006", "CSP_T1")) * 5
    for partner, kind in FORMER:
        former_customer(b, b.tenant("former"), partner, kind)


SCENARIOS = (
    scenario_p001_smb_reseller,
    scenario_p002_enterprise,
    scenario_p003_just_short,
    scenario_p004_no_advanced,
    scenario_p005_claims_in_ttm,
    scenario_p006_losing_customers,
    scenario_former_customers,
)

# --------------------------------------------------------------------------------------
# Tables (rows as they are written, all values strings)
# --------------------------------------------------------------------------------------

COLUMNS = {
    "partners": ("partner_id", "name", "parent_id", "market"),
    "tenants": ("tenant_id", "name", "country"),
    "associations": ("partner_id", "tenant_id", "type", "workload", "subscription_id",
                     "start_date", "end_date"),
    "m365_usage": ("tenant_id", "workload", "month", "paid_units", "active_users"),
    "certifications": ("partner_id", "person_id", "certification", "earned_date",
                       "expires_date"),
}


def tables(b: Builder) -> dict[str, list[dict]]:
    usage = []
    for t in b.tenants:
        for (canon, month), (pau, mau) in t.usage.items():
            usage.append({"tenant_id": t.tenant_id, "workload": t.label(canon, month),
                          "month": month, "paid_units": str(pau), "active_users": str(mau)})
    usage.sort(key=lambda r: (r["tenant_id"], r["month"], r["workload"]))
    assocs = sorted(b.associations, key=lambda r: (r["partner_id"], r["tenant_id"],
                                                   r["start_date"], r["type"], r["workload"]))
    certs = sorted(b.certifications, key=lambda r: (r["partner_id"], r["person_id"],
                                                    r["earned_date"], r["certification"]))
    return {
        "partners": [{"partner_id": p, "name": n, "parent_id": "", "market": mk}
                     for p, n, mk in PARTNERS],
        "tenants": [{"tenant_id": t.tenant_id, "name": t.name, "country": t.country}
                    for t in b.tenants],
        "associations": assocs,
        "m365_usage": usage,
        "certifications": certs,
    }


def write_tables(data: dict[str, list[dict]], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, cols in COLUMNS.items():
        with open(out_dir / f"{name}.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
            w.writeheader()
            w.writerows(data[name])


def read_tables(in_dir: Path) -> dict[str, list[dict]]:
    out = {}
    for name in COLUMNS:
        with open(in_dir / f"{name}.csv", newline="", encoding="utf-8") as f:
            out[name] = list(csv.DictReader(f))
    return out


# --------------------------------------------------------------------------------------
# Independent check: Modern Work rules of rules.md sections 0-1, written plainly
# --------------------------------------------------------------------------------------

MW_WORKLOADS = {
    "intune": ("intune",),
    "exchange": ("exchange", "exo", "exchange online"),
    "m365_apps": ("microsoft 365 apps", "proplus", "microsoft365apps"),
    "sharepoint": ("sharepoint", "spo", "sharepoint online"),
    "teams": ("teams",),
    "teams_meetings": ("teams meetings",),
    "teams_phone": ("teams phone", "teamsphonecalling 1p/3p", "teams phone calling"),
    "teams_platform": ("teams platform", "teamsapps"),
    "yammer": ("yammer", "viva engage"),
    "viva_insights": ("viva insights",),
    "viva_topics": ("viva topics",),
    "viva_learning": ("viva learning",),
    "viva_connections": ("viva connections",),
    "viva_ideas": ("viva ideas",),
}
OTHER_AREA_WORKLOADS = {"microsoft defender for endpoint"}
MW_ALIAS = {alias: canon for canon, aliases in MW_WORKLOADS.items() for alias in aliases}

INTERMEDIATE = {
    "microsoft 365 fundamentals", "teams application developer associate",
    "teams administrator associate", "messaging administrator associate",
    "identity and access administrator associate",
    "collaboration communications systems engineer associate",
    "endpoint administrator associate",
}
ADVANCED = {"administrator expert", "teams meetings and meeting rooms technical assessment"}
RENAMED = {  # old title -> (new title, renamed on)
    "modern desktop administrator associate": ("endpoint administrator associate", "2023-07-01"),
    "enterprise administrator expert": ("administrator expert", "2023-07-01"),
}
TITLE_PREFIXES = ("microsoft 365 certified: ", "microsoft certified: ")

# Per track: association types of net customer adds, targets, and the best-of options
# (option -> target) of usage growth and deployments (rules.md section 1 table).
TRACKS = {
    "enterprise": {
        "nca_types": {"CPOR", "DPOR"}, "nca_target": 5,
        "intermediate_target": 4, "advanced_target": 2,
        "usage_options": {"CPOR": 1000, "DPOR": 4000},
        "deploy_options": {"CPOR": 5, "DPOR": 10},
    },
    "smb": {
        "nca_types": {"CPOR", "CSP_T1", "CSP_T2"}, "nca_target": 10,
        "intermediate_target": 2, "advanced_target": 1,
        "usage_options": {"CPOR": 500, "CSP": 2000},
        "deploy_options": {"CPOR": 5, "CSP": 10},
    },
}
OPTION_TYPES = {"CPOR": {"CPOR"}, "DPOR": {"DPOR"}, "CSP": {"CSP_T1", "CSP_T2"}}
MAX_POINTS = {"net_customer_adds": 20, "intermediate_certifications": 10,
              "advanced_certifications": 15, "usage_growth": 30, "deployments": 25}
QUALIFY_TOTAL = 70
MIN_METRIC_POINTS = 1
DEPLOYED_RATIO = Fraction(40, 100)


def points(max_points: int, value, target: int) -> Fraction:
    if value <= 0:
        return Fraction(0)
    return Fraction(max_points) * min(Fraction(value), target) / target


def cert_key(title: str) -> str:
    key = " ".join(title.strip().lower().split())
    for prefix in TITLE_PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix):]
    return "microsoft 365 fundamentals" if key == "fundamentals" else key


class Model:
    """The tables parsed for Modern Work."""

    def __init__(self, data: dict[str, list[dict]], month: str) -> None:
        self.m = month
        self.m12 = add_months(month, -12)
        self.usage: dict = {}  # (tenant, canonical workload) -> {month: (pau, mau)}
        self.tenant_months: dict = {}  # (tenant, month) -> [pau of eligible workloads]
        for r in data["m365_usage"]:
            name = r["workload"].strip().lower()
            if name in OTHER_AREA_WORKLOADS:
                continue
            canon = MW_ALIAS[name]  # KeyError = unknown workload
            pau, mau = int(r["paid_units"]), int(r["active_users"])
            cell = self.usage.setdefault((r["tenant_id"], canon), {})
            assert r["month"] not in cell, ("duplicate usage key", r)
            cell[r["month"]] = (pau, mau)
            self.tenant_months.setdefault((r["tenant_id"], r["month"]), []).append(pau)
        self.workloads_of: dict = {}
        for tenant, canon in self.usage:
            self.workloads_of.setdefault(tenant, []).append(canon)
        self.assocs: dict = {}  # (partner, tenant) -> [(type, canon|None|"other", start, end)]
        for r in data["associations"]:
            wl = r["workload"].strip().lower()
            canon = None if wl == "" else MW_ALIAS.get(wl, "other")
            if canon == "other":
                assert wl in OTHER_AREA_WORKLOADS, r
            end = r["end_date"] or None
            assert end is None or end >= r["start_date"], r
            self.assocs.setdefault((r["partner_id"], r["tenant_id"]), []).append(
                (r["type"], canon, r["start_date"], end))
        self.certs: dict = {}
        for r in data["certifications"]:
            self.certs.setdefault(r["partner_id"], []).append(r)

    # -- facts ------------------------------------------------------------------------

    def in_band(self, tenant: str, month: str, track: str) -> bool:
        paus = self.tenant_months.get((tenant, month), [])
        if track == "enterprise":
            return any(p > SMB_MAX for p in paus)
        return any(SMB_MIN_EXCLUSIVE < p <= SMB_MAX for p in paus)

    def mau(self, tenant: str, canon: str, month: str) -> int:
        return self.usage.get((tenant, canon), {}).get(month, (0, 0))[1]

    def deployed(self, tenant: str, canon: str, month: str) -> bool:
        pau, mau = self.usage.get((tenant, canon), {}).get(month, (0, 0))
        return pau > 0 and Fraction(mau, pau) >= DEPLOYED_RATIO

    @staticmethod
    def in_force(start: str, end: str | None, month: str) -> bool:
        day = last_day(month)
        return start <= day and (end is None or end >= day)

    def associated(self, partner: str, tenant: str, types: set, month: str) -> bool:
        return any(k in types and canon != "other" and self.in_force(s, e, month)
                   for k, canon, s, e in self.assocs.get((partner, tenant), []))

    def covered(self, partner: str, tenant: str, canon: str, types: set, month: str) -> bool:
        return any(k in types and c in (None, canon) and self.in_force(s, e, month)
                   for k, c, s, e in self.assocs.get((partner, tenant), []))

    def claim_month(self, partner: str, tenant: str, canon: str, types: set) -> str | None:
        """Start of the current coverage spell, when it began after m-12 (else None)."""
        if self.covered(partner, tenant, canon, types, self.m12):
            return None
        month = self.m
        while self.covered(partner, tenant, canon, types, add_months(month, -1)):
            month = add_months(month, -1)
        return month

    def tenants_of(self, partner: str) -> list[str]:
        return sorted({t for p, t in self.assocs if p == partner})

    # -- metrics ----------------------------------------------------------------------

    def net_customer_adds(self, partner: str, track: str) -> dict:
        types = TRACKS[track]["nca_types"]
        count = {}
        for month in (self.m, self.m12):
            count[month] = sum(1 for t in self.tenants_of(partner)
                               if self.in_band(t, month, track)
                               and self.associated(partner, t, types, month))
        value = count[self.m] - count[self.m12]
        return {"value": value, "at_m": count[self.m], "at_m12": count[self.m12]}

    def usage_growth(self, partner: str, track: str, option: str, baseline=True) -> dict:
        types = OPTION_TYPES[option]
        now = before = base = 0
        for t in self.tenants_of(partner):
            for canon in self.workloads_of.get(t, []):
                if self.in_band(t, self.m, track) and self.covered(partner, t, canon, types, self.m):
                    now += self.mau(t, canon, self.m)
                    claim = self.claim_month(partner, t, canon, types)
                    if baseline and claim is not None:
                        base += self.mau(t, canon, claim)
                if (self.in_band(t, self.m12, track)
                        and self.covered(partner, t, canon, types, self.m12)):
                    before += self.mau(t, canon, self.m12)
        return {"value": now - before - base, "at_m": now, "at_m12": before, "baseline": base}

    def deployments(self, partner: str, track: str, option: str, baseline=True) -> dict:
        types = OPTION_TYPES[option]
        now = before = base = 0
        for t in self.tenants_of(partner):
            for canon in self.workloads_of.get(t, []):
                if (self.in_band(t, self.m, track) and self.covered(partner, t, canon, types, self.m)
                        and self.deployed(t, canon, self.m)):
                    now += 1
                    claim = self.claim_month(partner, t, canon, types)
                    if baseline and claim is not None and self.deployed(t, canon, claim):
                        base += 1
                if (self.in_band(t, self.m12, track)
                        and self.covered(partner, t, canon, types, self.m12)
                        and self.deployed(t, canon, self.m12)):
                    before += 1
        return {"value": now - before - base, "at_m": now, "at_m12": before, "baseline": base}

    def certified_people(self, partner: str) -> dict:
        day = last_day(self.m)
        people = {"intermediate": set(), "advanced": set()}
        for r in self.certs.get(partner, []):
            key = cert_key(r["certification"])
            if key in RENAMED:
                new, renamed_on = RENAMED[key]
                assert r["earned_date"] < renamed_on, r  # old title earned before the rename
                key = new
            if r["earned_date"] > day or (r["expires_date"] and r["expires_date"] < day):
                continue
            if key in INTERMEDIATE:
                people["intermediate"].add(r["person_id"])
            elif key in ADVANCED:
                people["advanced"].add(r["person_id"])
        return people


def scorecard(model: Model, partner: str, track: str, baseline: bool = True) -> dict:
    cfg = TRACKS[track]
    metrics = []
    nca = model.net_customer_adds(partner, track)
    metrics.append({"metric": "net_customer_adds", "value": nca["value"],
                    "target": cfg["nca_target"], "option": None, "detail": nca,
                    "points": points(20, nca["value"], cfg["nca_target"])})
    people = model.certified_people(partner)
    for metric, level in (("intermediate_certifications", "intermediate"),
                          ("advanced_certifications", "advanced")):
        target = cfg[f"{level}_target"]
        value = len(people[level])
        metrics.append({"metric": metric, "value": value, "target": target, "option": None,
                        "detail": {"people": sorted(people[level])},
                        "points": points(MAX_POINTS[metric], value, target)})
    for metric, fn, key in (("usage_growth", model.usage_growth, "usage_options"),
                            ("deployments", model.deployments, "deploy_options")):
        options = []
        for option, target in cfg[key].items():
            d = fn(partner, track, option, baseline=baseline)
            options.append({"option": option, "value": d["value"], "target": target,
                            "detail": d, "points": points(MAX_POINTS[metric], d["value"], target)})
        best = max(options, key=lambda o: o["points"])  # first option wins a tie
        metrics.append({"metric": metric, "value": best["value"], "target": best["target"],
                        "option": best["option"], "options": options, "points": best["points"]})
    total = sum(x["points"] for x in metrics)
    failing = []
    if total < QUALIFY_TOTAL:
        failing.append(f"total {total_str(total)} < {QUALIFY_TOTAL}")
    for x in metrics:
        if x["points"] < MIN_METRIC_POINTS:
            failing.append(f"{x['metric']} {total_str(x['points'])} < {MIN_METRIC_POINTS}")
    return {"track": track, "metrics": metrics, "total": total, "qualified": not failing,
            "failing": failing}


def total_str(x: Fraction) -> str:
    assert (x * 100).denominator == 1, f"{x} is not exact to 2 decimals"
    return f"{float(x):.2f}"


def expected_scorecards(data: dict[str, list[dict]], month: str = EVAL_MONTH,
                        baseline: bool = True) -> dict:
    model = Model(data, month)
    out = {}
    for partner, name, _ in PARTNERS:
        tracks = {tr: scorecard(model, partner, tr, baseline) for tr in ("enterprise", "smb")}
        best = max(tracks.values(),
                   key=lambda c: (c["total"], c["qualified"], c["track"] == "enterprise"))
        out[partner] = {"name": name, "tracks": tracks, "reported": best["track"]}
    return out


# --------------------------------------------------------------------------------------
# Calibration and scenario assertions
# --------------------------------------------------------------------------------------

# (partner, track, option, exact usage-growth value wanted, builder attribute holding the
#  tenants whose MAU at the evaluation month may be nudged, workloads nudged)
CALIBRATIONS = (
    ("P003", "smb", "CSP", 1400, "p003_balance", ("exchange", "teams", "m365_apps")),  # 21.00
    ("P005", "enterprise", "CPOR", 300, "p005_balance", ("exchange", "teams")),  # 9.00
    ("P006", "smb", "CPOR", 120, "p006_balance", ("teams",)),  # 7.20
)
# Usage-growth points per MAU are 30/4000 (DPOR) and 30/2000 (CSP): an uncapped value must
# be a multiple of these to give points exact to 2 decimals.
EXACT_STEP = {"CPOR": 1, "DPOR": 4, "CSP": 2}


def nudge(b: Builder, partner: str, track: str, option: str, wanted: int, tenants: list,
          workloads: tuple) -> None:
    """Move the option's usage growth to ``wanted`` by changing MAU at the evaluation month
    of the given services, keeping each one's adoption inside the "deployed" range."""
    delta = wanted - Model(tables(b), EVAL_MONTH).usage_growth(partner, track, option)["value"]
    for t in tenants:
        for canon in workloads:
            if delta == 0 or (canon, EVAL_MONTH) not in t.usage:
                continue
            pau, mau = t.usage[(canon, EVAL_MONTH)]
            lo, hi = round(pau * (HIGH_ADOPTION[0] + 0.05)), round(pau * 0.95)
            new = min(hi, max(lo, mau + delta))
            t.usage[(canon, EVAL_MONTH)][1] = new
            delta -= new - mau
    got = Model(tables(b), EVAL_MONTH).usage_growth(partner, track, option)["value"]
    assert got == wanted, (partner, track, option, "calibration out of range", got, wanted)


def sole_customers(b: Builder, partner: str, option: str) -> list:
    """Tenants associated with nobody but ``partner``, only through ``option``'s types."""
    kinds: dict = {}
    for r in b.associations:
        kinds.setdefault(r["tenant_id"], set()).add((r["partner_id"], r["type"], r["workload"]))
    return [t for t in b.tenants
            if kinds.get(t.tenant_id)
            and all(p == partner and k in OPTION_TYPES[option] and w == ""
                    for p, k, w in kinds[t.tenant_id])]


def calibrate(b: Builder) -> None:
    for partner, track, option, wanted, attr, workloads in CALIBRATIONS:
        nudge(b, partner, track, option, wanted, getattr(b, attr), workloads)
    model = Model(tables(b), EVAL_MONTH)
    for partner, _, _ in PARTNERS:
        for track, cfg in TRACKS.items():
            for option, target in cfg["usage_options"].items():
                value = model.usage_growth(partner, track, option)["value"]
                step = EXACT_STEP[option]
                if 0 < value < target and value % step:
                    other = "smb" if track == "enterprise" else "enterprise"
                    tenants = [t for t in sole_customers(b, partner, option)
                               if model.in_band(t.tenant_id, EVAL_MONTH, track)
                               and not model.in_band(t.tenant_id, EVAL_MONTH, other)]
                    nudge(b, partner, track, option, value + step - value % step, tenants,
                          ("exchange", "teams"))


def check_scenarios(cards: dict, raw: dict) -> None:
    def track(p, tr):
        return cards[p]["tracks"][tr]

    def metric(p, tr, name):
        return next(x for x in track(p, tr)["metrics"] if x["metric"] == name)

    # P001: SMB qualifies, Enterprise far from it.
    assert track("P001", "smb")["qualified"] and cards["P001"]["reported"] == "smb"
    assert track("P001", "enterprise")["total"] < 50
    # P002: Enterprise qualifies, SMB does not.
    assert track("P002", "enterprise")["qualified"] and not track("P002", "smb")["qualified"]
    assert cards["P002"]["reported"] == "enterprise"
    # P003: best track 68.00, every metric >= 1 point, so only "total under 70" fails.
    best = track("P003", cards["P003"]["reported"])
    assert best["total"] == 68 and best["failing"] == ["total 68.00 < 70"], best["failing"]
    # P004: total over 70 but no advanced certification.
    best = track("P004", cards["P004"]["reported"])
    assert best["total"] > QUALIFY_TOTAL and not best["qualified"]
    assert metric("P004", best["track"], "advanced_certifications")["points"] == 0
    assert len(best["failing"]) == 1
    # P005: usage growth small with the claim baseline, capped without it.
    assert cards["P005"]["reported"] == "enterprise"
    assert metric("P005", "enterprise", "usage_growth")["points"] <= 10
    assert metric_raw(raw, "P005", "enterprise", "usage_growth")["points"] == 30
    # P006: net customer adds negative on both tracks.
    for tr in ("enterprise", "smb"):
        assert metric("P006", tr, "net_customer_adds")["value"] < 0
        assert metric("P006", tr, "net_customer_adds")["points"] == 0
    # Every usage-growth option in (0, target) gives points exact to 2 decimals.
    for p in cards:
        for tr in ("enterprise", "smb"):
            for x in track(p, tr)["metrics"]:
                for o in x.get("options", [x]):
                    total_str(o["points"])
    # No ties between options (the reported option is then unambiguous).
    for p in cards:
        for tr in ("enterprise", "smb"):
            for x in track(p, tr)["metrics"]:
                pts = [o["points"] for o in x.get("options", []) if o["points"] > 0]
                assert len(pts) == len(set(pts)), (p, tr, x["metric"], pts)


def metric_raw(raw: dict, partner: str, track: str, name: str) -> dict:
    return next(x for x in raw[partner]["tracks"][track]["metrics"] if x["metric"] == name)


def check_data(data: dict[str, list[dict]]) -> None:
    """Structural sanity: keys unique, MAU <= PAU, dates well formed."""
    seen = set()
    model = Model(data, EVAL_MONTH)  # also rejects unknown workloads and duplicate keys
    del model
    for r in data["m365_usage"]:
        key = (r["tenant_id"], r["workload"].lower(), r["month"])
        assert key not in seen, key
        seen.add(key)
        assert 0 <= int(r["active_users"]) <= int(r["paid_units"]), r
    tenants = {t["tenant_id"] for t in data["tenants"]}
    assert {r["tenant_id"] for r in data["associations"]} <= tenants
    assert {r["tenant_id"] for r in data["m365_usage"]} <= tenants


# --------------------------------------------------------------------------------------
# Explanation (markdown)
# --------------------------------------------------------------------------------------

LABEL = {"net_customer_adds": "Net customer adds",
         "intermediate_certifications": "Intermediate certifications",
         "advanced_certifications": "Advanced certifications",
         "usage_growth": "Usage growth", "deployments": "Deployments"}


def explain(cards: dict, raw: dict) -> str:
    lines = [f"Expected Modern Work scorecards, evaluation month {EVAL_MONTH}", ""]
    for p, card in cards.items():
        rep = card["tracks"][card["reported"]]
        verdict = "qualified" if rep["qualified"] else "not qualified: " + "; ".join(rep["failing"])
        lines.append(f"### {p} {card['name']} -- reported track {card['reported']}, "
                     f"total {total_str(rep['total'])}, {verdict}")
        lines.append("")
        for tr in ("enterprise", "smb"):
            c = card["tracks"][tr]
            lines.append(f"**{tr}**: total {total_str(c['total'])} -- "
                         + ("qualified" if c["qualified"] else "not qualified: "
                            + "; ".join(c["failing"])))
            lines.append("")
            lines.append("| Metric | Value per option | Points per option | Metric points |")
            lines.append("|---|---|---|---|")
            for x in c["metrics"]:
                raw_x = next(y for y in raw[p]["tracks"][tr]["metrics"]
                             if y["metric"] == x["metric"])
                if "options" in x:
                    vals, pts = [], []
                    for o, ro in zip(x["options"], raw_x["options"]):
                        d = o["detail"]
                        v = (f"{o['option']} {o['value']} = {d['at_m']} - {d['at_m12']}"
                             f" - {d['baseline']} (target {o['target']})")
                        if ro["value"] != o["value"]:
                            v += f"; without baseline {ro['value']}"
                        vals.append(v)
                        pts.append(f"{o['option']} {total_str(o['points'])}")
                    won = f" ({x['option']})" if x["points"] > 0 else ""
                    lines.append(f"| {LABEL[x['metric']]} | {'<br>'.join(vals)} | "
                                 f"{'<br>'.join(pts)} | {total_str(x['points'])}{won} |")
                elif x["metric"] == "net_customer_adds":
                    d = x["detail"]
                    lines.append(f"| {LABEL[x['metric']]} | {x['value']} = {d['at_m']} - "
                                 f"{d['at_m12']} (target {x['target']}) | | "
                                 f"{total_str(x['points'])} |")
                else:
                    people = ", ".join(x["detail"]["people"]) or "none"
                    lines.append(f"| {LABEL[x['metric']]} | {x['value']} ({people}; target "
                                 f"{x['target']}) | | {total_str(x['points'])} |")
            raw_total = raw[p]["tracks"][tr]["total"]
            if raw_total != c["total"]:
                lines.append("")
                lines.append(f"Without the claim baseline this track would total "
                             f"{total_str(raw_total)}.")
            lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------


def build() -> dict[str, list[dict]]:
    b = Builder()
    for scenario in SCENARIOS:
        scenario(b)
    calibrate(b)
    return tables(b)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--explain", action="store_true",
                    help="print the expected Modern Work scorecards for 2024-06")
    ap.add_argument("--out", type=Path, default=OUT_DIR, help="output directory")
    args = ap.parse_args(argv)
    data = build()
    check_data(data)
    write_tables(data, args.out)
    written = read_tables(args.out)  # score what is on disk, not the builder's objects
    cards = expected_scorecards(written)
    raw = expected_scorecards(written, baseline=False)
    check_scenarios(cards, raw)
    for name in COLUMNS:
        print(f"{name}.csv: {len(written[name])} rows", file=sys.stderr)
    if args.explain:
        print(explain(cards, raw))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
