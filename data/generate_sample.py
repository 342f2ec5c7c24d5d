#!/usr/bin/env python3
"""Deterministic generator of capscore's bundled sample dataset (``data/sample/``).

    python3 data/generate_sample.py             # (re)write data/sample/*.csv

Stdlib only; every random draw comes from a ``random.Random`` seeded with a string built
from ``SEED`` and the tenant id / workload it is for (never from hash() or the clock), so
two runs give byte-identical files. Tenant ids are handed out in scenario order.

The dataset holds seven partners. P001-P006 are each built by one ``scenario_*`` function
to show one Modern Work outcome at evaluation month 2024-06; the ``cloud_*`` functions
(run after the Modern Work calibration) add Azure, Business Applications and Security data
to them and build P007, which qualifies in all six areas (see ``data/sample/README.md``).
Usage is noisy, but every number a scenario depends on is either structural (counts of
tenants and deployed services, kept far from the 40 % and band thresholds) or pinned by
``CALIBRATED_MAU``.

The ``membership_*`` functions (run last) add what ``capscore status`` reads: the
``enrollments``, ``exams`` and ``customer_references`` tables, plus legacy-era DAP /
FASTTRACK associations and Skype for Business usage (2022-09 at the latest) and
certifications that no score counts.

The outcomes the sample shows are checked against the engine by the rule cases over
``data/sample`` (``cases/*/sample_*.toml``, ``docs/cases.md``); this script holds no
second implementation of the rules. After changing it, regenerate and run
``cargo test -p capscore-status --test cases``.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import random
import sys
import uuid
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
    ("P007", "Contoso Cloud Solutions Inc.", "mature"),  # all six areas (see CLOUD_SCENARIOS)
]

COUNTRIES = {
    "P001": ("GB", "GB", "GB", "IE"),
    "P002": ("US", "US", "US", "CA"),
    "P003": ("DE", "DE", "AT", "CH"),
    "P004": ("NL", "NL", "BE", "LU"),
    "P005": ("AU", "AU", "AU", "NZ"),
    "P006": ("IN", "IN", "IN", "LK"),
    "P007": ("US", "US", "CA", "GB"),
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
        if canon not in self.labels:  # Security / Business Applications names, drawn lazily
            rng = random.Random(f"{SEED}/{self.tenant_id}/label/{canon}")
            self.labels[canon] = rng.choice(OTHER_LABELS[canon])
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
        # Other areas (added after calibrate(), see CLOUD_SCENARIOS).
        self.azure: dict = {}  # (tenant, subscription, service, offer, month) -> "acr"
        self.biz: dict = {}  # (tenant, canonical workload, month) -> (label, revenue, units)
        self.subscriptions: dict = {}  # (tenant, name) -> subscription id
        # Membership over time (added last, see MEMBERSHIP_SCENARIOS).
        self.exams: list[dict] = []
        self.enrollments: list[dict] = []
        self.references: list[dict] = []

    def get(self, tenant_id: str) -> Tenant:
        t = self.tenants[int(tenant_id[1:]) - 1]
        assert t.tenant_id == tenant_id
        return t

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
                  workload: str | None = None, subscription: str | None = None) -> None:
        self.associations.append({
            "partner_id": partner,
            "tenant_id": t.tenant_id,
            "type": kind,
            "workload": t.label(workload) if workload else "",
            "subscription_id": subscription or "",
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

    # -- membership: legacy exams, enrollments, customer references -----------------------

    def exam(self, partner: str, person: str, exam: str, passed: str) -> None:
        self.exams.append({"partner_id": partner, "person_id": person, "exam": exam,
                           "passed_date": passed})

    def enroll(self, partner: str, program: str, enrolled: str, anniversary: str,
               level: str | None = None, benefits: str | None = None) -> None:
        self.enrollments.append({
            "partner_id": partner,
            "program": program,
            "level": level or "",
            "enrolled_date": enrolled,
            "anniversary_date": anniversary,
            "benefits": benefits or "",
        })

    def reference(self, partner: str, program: str, t: Tenant, submitted: str, status: str,
                  reviewed: str | None = None) -> None:
        assert (status == "pending") == (reviewed is None), (status, reviewed)
        self.references.append({
            "partner_id": partner,
            "program": program,
            "tenant_id": t.tenant_id,
            "submitted_date": submitted,
            "status": status,
            "reviewed_date": reviewed or "",
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
    "azure_usage": ("tenant_id", "subscription_id", "service", "offer", "month", "acr_usd"),
    "bizapps_usage": ("tenant_id", "workload", "month", "revenue_usd", "units"),
    "exams": ("partner_id", "person_id", "exam", "passed_date"),
    "enrollments": ("partner_id", "program", "level", "enrolled_date", "anniversary_date",
                    "benefits"),
    "customer_references": ("partner_id", "program", "tenant_id", "submitted_date", "status",
                            "reviewed_date"),
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
    azure = [{"tenant_id": t, "subscription_id": sub, "service": service, "offer": offer,
              "month": month, "acr_usd": value}
             for (t, sub, service, offer, month), value in b.azure.items()]
    azure.sort(key=lambda r: (r["tenant_id"], r["month"], r["subscription_id"], r["service"],
                              r["offer"]))
    biz = [{"tenant_id": t, "workload": label, "month": month, "revenue_usd": revenue,
            "units": units}
           for (t, _, month), (label, revenue, units) in b.biz.items()]
    biz.sort(key=lambda r: (r["tenant_id"], r["month"], r["workload"]))
    exams = sorted(b.exams, key=lambda r: (r["partner_id"], r["person_id"], r["passed_date"],
                                           r["exam"]))
    enrollments = sorted(b.enrollments, key=lambda r: (r["partner_id"], r["enrolled_date"],
                                                       r["program"]))
    references = sorted(b.references, key=lambda r: (r["partner_id"], r["program"],
                                                     r["submitted_date"], r["tenant_id"]))
    return {
        "partners": [{"partner_id": p, "name": n, "parent_id": "", "market": mk}
                     for p, n, mk in PARTNERS],
        "tenants": [{"tenant_id": t.tenant_id, "name": t.name, "country": t.country}
                    for t in b.tenants],
        "associations": assocs,
        "m365_usage": usage,
        "certifications": certs,
        "azure_usage": azure,
        "bizapps_usage": biz,
        "exams": exams,
        "enrollments": enrollments,
        "customer_references": references,
    }


def write_tables(data: dict[str, list[dict]], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, cols in COLUMNS.items():
        with open(out_dir / f"{name}.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
            w.writeheader()
            w.writerows(data[name])


# --------------------------------------------------------------------------------------
# Certification titles the Modern Work scenarios count people by
# --------------------------------------------------------------------------------------


INTERMEDIATE = {
    "microsoft 365 fundamentals", "teams application developer associate",
    "teams administrator associate", "messaging administrator associate",
    "identity and access administrator associate",
    "collaboration communications systems engineer associate",
    "endpoint administrator associate",
}
RENAMED = {  # old title -> (new title, renamed on)
    "modern desktop administrator associate": ("endpoint administrator associate", "2023-07-01"),
    "enterprise administrator expert": ("administrator expert", "2023-07-01"),
}
TITLE_PREFIXES = ("microsoft 365 certified: ", "microsoft certified: ")


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


# --------------------------------------------------------------------------------------
# Calibration
# --------------------------------------------------------------------------------------


# Active users at 2024-06 that pin the usage-growth values the Modern Work scenarios of
# P003, P005 and P006 depend on (21.00, 9.00 and 7.20 points), and keep every other
# uncapped usage-growth value a multiple of what gives points exact to two decimals.
# (tenant, workload, month, active users); each stays inside the "deployed" range.
CALIBRATED_MAU = (
    ("T0137", "exchange", "2024-06", 172),
    ("T0137", "teams", "2024-06", 172),
    ("T0137", "m365_apps", "2024-06", 168),
    ("T0206", "exchange", "2024-06", 99),
    ("T0219", "exchange", "2024-06", 1926),
    ("T0233", "teams", "2024-06", 136),
    ("T0234", "teams", "2024-06", 178),
    ("T0235", "teams", "2024-06", 81),
)


def calibrate(b: Builder) -> None:
    tenants = {t.tenant_id: t for t in b.tenants}
    for tenant, canon, month, mau in CALIBRATED_MAU:
        tenants[tenant].usage[(canon, month)][1] = mau


# ======================================================================================
# Other solution areas: Security, Data & AI, Infrastructure, Digital & App Innovation and
# Business Applications (docs/rules.md sections 2, 3 and 4)
# ======================================================================================
#
# These scenarios run after calibrate(). They only add things that Modern Work never
# reads: new tenants (T0291 onwards, for P007), Azure and Business Applications usage,
# Security workloads in m365_usage (never Intune on P001-P006), PAL associations,
# associations scoped to a non-Modern Work workload or to an Azure subscription (only on
# tenants without Microsoft 365 usage), and certifications that no Modern Work metric
# lists. So the Modern Work scorecards of P001-P006 stay exactly as before.

ACR_JITTER = 0.04  # relative month-to-month noise on Azure consumed revenue
UNIT_JITTER = 0.02  # relative noise on Business Applications units

# Export names of the Security and Business Applications workloads (one per tenant,
# drawn lazily by Tenant.label()).
OTHER_LABELS = {
    "aad_premium": ("Azure Active Directory Premium", "AAD Premium", "Azure AD Premium"),
    "defender_office": ("Microsoft Defender for Office 365", "Defender for Office 365"),
    "defender_identity": ("Microsoft Defender for Identity", "MDI"),
    "information_protection": ("Microsoft Information Protection", "MIP"),
    "business_central": ("Business Central", "Dynamics 365 Business Central"),
    "sales": ("Dynamics 365 Sales", "Sales"),
    "customer_service": ("Dynamics 365 Customer Service", "Customer Service"),
    "field_service": ("Dynamics 365 Field Service", "Field Service"),
    "finance": ("Dynamics 365 Finance", "Finance"),
    "project_operations": ("Dynamics 365 Project Operations", "Project Operations"),
    "customer_insights": ("Customer Insights", "Dynamics 365 Customer Insights"),
    "power_apps": ("Power Apps", "PowerApps"),
    "power_bi": ("Power BI", "PowerBI"),
    "skype_for_business": ("Skype for Business",),  # legacy era only (MEMBERSHIP_SCENARIOS)
}
# List prices per unit and month (USD): what revenue_usd is made of.
PRICE = {"business_central": 70, "sales": 95, "customer_service": 95, "field_service": 95,
         "finance": 180, "project_operations": 120, "customer_insights": 0.017,
         "power_apps": 20, "power_bi": 10}

# Azure service mixes (share of a tenant's monthly spend).
INFRA_MIX = {"Virtual Machines": 0.46, "Storage": 0.14, "Backup": 0.07, "Virtual Network": 0.05,
             "Azure Site Recovery": 0.06, "Azure Monitor": 0.04, "Key Vault": 0.01,
             "Azure Firewall": 0.12, "Bandwidth": 0.05}
DATA_MIX = {"Azure SQL Database": 0.22, "Azure Synapse Analytics": 0.15,
            "Azure Data Factory": 0.08, "Azure Databricks": 0.18, "Storage": 0.12,
            "Azure Machine Learning": 0.07, "Cognitive Services": 0.05, "Virtual Machines": 0.13}
APP_MIX = {"App Service": 0.24, "Azure Kubernetes Service": 0.2, "Azure Cosmos DB": 0.12,
           "Functions": 0.05, "Container Registry": 0.03, "Azure SQL Database": 0.15,
           "Storage": 0.08, "API Management": 0.07, "Virtual Machines": 0.06}


def subscription(b: Builder, t: Tenant, name: str) -> str:
    """A stable, GUID-shaped subscription id for the tenant's subscription ``name``."""
    key = (t.tenant_id, name)
    if key not in b.subscriptions:
        rng = random.Random(f"{SEED}/{t.tenant_id}/subscription/{name}")
        b.subscriptions[key] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return b.subscriptions[key]


def grow(v0: float, v1: float) -> Curve:
    return [(FIRST_MONTH, v0), (LAST_MONTH, v1)]


def ramp_up(start: str, level: float, months: int = 3, growth: float = 1.1) -> Curve:
    """Starts at a fifth of ``level`` in ``start``, reaches it ``months`` later, then grows."""
    return [(start, level * 0.2), (add_months(start, months), level), (LAST_MONTH, level * growth)]


def scaled(curve: Curve, k: float) -> Curve:
    return [(m, v * k) for m, v in curve]


def acr(b: Builder, t: Tenant, service: str, curve: Curve, sub: str = "prod",
        offer: str = "Enterprise Agreement", first: str = FIRST_MONTH,
        last: str = LAST_MONTH) -> None:
    """Monthly Azure consumed revenue of one service in one subscription."""
    sid = subscription(b, t, sub)
    rng = random.Random(f"{SEED}/{t.tenant_id}/acr/{sub}/{service}/{offer}")
    for mo in months_between(first, last):
        value = at(curve, mo) * (1 + rng.uniform(-ACR_JITTER, ACR_JITTER))
        if value < 0.01:
            continue
        key = (t.tenant_id, sid, service, offer, mo)
        assert key not in b.azure, key
        b.azure[key] = f"{value:.2f}"


def estate(b: Builder, t: Tenant, level: Curve, mix: dict, pick: int | None = None,
           sub: str = "prod", offer: str = "Enterprise Agreement", first: str = FIRST_MONTH,
           last: str = LAST_MONTH) -> None:
    """A tenant's Azure footprint: ``level`` (total monthly ACR) spread over a service mix.
    With ``pick``, Virtual Machines, Storage and ``pick`` other services of the mix."""
    if pick is not None:
        rng = random.Random(f"{SEED}/{t.tenant_id}/estate/{sub}")
        core = [s for s in mix if s in ("Virtual Machines", "Storage")]
        rest = [s for s in mix if s not in core]
        chosen = core + sorted(rng.sample(rest, min(pick, len(rest))))
        total = sum(mix[s] for s in chosen)
        mix = {s: mix[s] / total for s in chosen}
    for service, share in mix.items():
        acr(b, t, service, scaled(level, share), sub, offer, first, last)


def bizapp(b: Builder, t: Tenant, canon: str, units: Curve, first: str = FIRST_MONTH,
           last: str = LAST_MONTH, price: float | None = None) -> None:
    """Monthly units (users or profiles) and revenue of one Business Applications workload."""
    price = PRICE[canon] if price is None else price
    label = t.label(canon)
    rng = random.Random(f"{SEED}/{t.tenant_id}/biz/{canon}")
    for mo in months_between(first, last):
        n = max(0, round(at(units, mo) * (1 + rng.uniform(-UNIT_JITTER, UNIT_JITTER))))
        key = (t.tenant_id, canon, mo)
        assert key not in b.biz, key
        b.biz[key] = (label, f"{n * price:.2f}", str(n))


def security_seats(b: Builder, t: Tenant, canon: str, seats: Curve, ratio: float,
                   first: str = FIRST_MONTH) -> None:
    """A Microsoft 365 Security workload (never Intune here) with a stable adoption."""
    assert canon != "intune"
    b.addon(t, canon, seats, flat(ratio), first=first)


# --------------------------------------------------------------------------------------
# Scenarios of the other areas, one function per partner
# --------------------------------------------------------------------------------------


def cloud_p001(b: Builder) -> None:
    """P001 Northwind: a little Azure (baseline under $1,000: no usage-growth points) and
    Business Central for small businesses through CSP -> Business Applications, SMB track."""
    P, g = "P001", b.get
    # Azure: backup and storage of a few small customers, all through CSP (whole tenant).
    for tid in ("T0001", "T0002", "T0003", "T0004"):
        rng = random.Random(f"{SEED}/{tid}/azure-profile")
        acr(b, g(tid), "Storage", grow(rng.uniform(35, 60), rng.uniform(70, 95)),
            offer="Azure Plan")
        acr(b, g(tid), "Backup", grow(rng.uniform(25, 45), rng.uniform(40, 60)),
            offer="Azure Plan")
    acr(b, g("T0002"), "Virtual Machines", grow(140, 230), offer="Azure Plan")
    acr(b, g("T0002"), "Azure Monitor", grow(8, 14), offer="Azure Plan")
    for tid, start in (("T0005", "2023-09"), ("T0006", "2023-11"), ("T0007", "2024-02")):
        for service, level in (("Storage", 90), ("Backup", 60), ("Virtual Machines", 180)):
            acr(b, g(tid), service, ramp_up(start, level, 2), offer="Azure Plan", first=start)
    # Offers that never count (and would add a fourth deployed service).
    acr(b, g("T0003"), "Azure OpenAI", flat(120), offer="Trial", first="2024-03")
    acr(b, g("T0002"), "Azure Support", flat(29), offer="Support", first="2023-01")

    # Business Central: 9 long-standing users of it, 7 new in the TTM (5 existing
    # customers, 2 start-ups won in the TTM), a transfer, a lost customer, a tiny one.
    for i, tid in enumerate(("T0001", "T0002", "T0003", "T0004", "T0005", "T0006", "T0007",
                             "T0008", "T0009")):
        rng = random.Random(f"{SEED}/{tid}/bc")
        u0 = rng.randint(8, 12)
        bizapp(b, g(tid), "business_central", grow(u0, u0 + rng.randint(1, 4)),
               first=f"2022-{1 + i:02d}", price=rng.choice((70, 100)))
    for tid, start in (("T0010", "2023-08"), ("T0011", "2023-10"), ("T0012", "2023-12"),
                       ("T0013", "2024-02"), ("T0014", "2024-03"), ("T0083", "2023-08"),
                       ("T0085", "2023-10")):
        rng = random.Random(f"{SEED}/{tid}/bc")
        bizapp(b, g(tid), "business_central", ramp_up(start, rng.randint(9, 12), 2, 1.0),
               first=start)
    bizapp(b, g("T0093"), "business_central", flat(10), first="2022-05")  # CSP from 2023-07
    bizapp(b, g("T0098"), "business_central", flat(9))  # CSP ended 2023-10-31
    bizapp(b, g("T0015"), "business_central", flat(3), first="2022-03")  # too small to count
    for tid in ("T0001", "T0003", "T0005", "T0016", "T0017"):
        rng = random.Random(f"{SEED}/{tid}/pbi")
        bizapp(b, g(tid), "power_bi", grow(rng.randint(5, 8), rng.randint(8, 12)))

    b.certify(P, "p-105", "Microsoft Certified: Dynamics 365 Business Central Functional "
              "Consultant Associate", "2022-11-21", "2024-11-21")
    b.certify(P, "p-106", "Dynamics 365 Business Central Functional Consultant Associate",
              "2023-09-04", "2024-09-04")
    b.certify(P, "p-107", "Microsoft Certified: Power Platform Functional Consultant Associate",
              "2023-03-15", "2025-03-15")
    b.certify(P, "p-108", "Microsoft Certified: Power Platform App Maker Associate",
              "2023-04-12", "2025-04-12")  # not eligible after 2023-11-30
    b.certify(P, "p-109", "Microsoft Certified: Power BI Data Analyst Associate", "2024-01-29",
              "2025-01-29")  # alias of Data Analyst Associate
    b.certify(P, "p-110", "Microsoft Certified: Power Platform Solution Architect Expert",
              "2023-06-05", "2025-06-05")
    b.certify(P, "p-111", "Microsoft Certified: Dynamics 365 + Power Platform Solution "
              "Architect Expert", "2022-09-26", "2024-09-26")  # not eligible after 2023-06-30


def cloud_p002(b: Builder) -> None:
    """P002 Fabrikam: Azure infrastructure of its DPOR customers -> qualifies for
    Infrastructure (not for Data & AI or Digital & App Innovation: no scoring certs)."""
    P, g = "P002", b.get
    for n in range(100, 112):  # long-standing DPOR customers
        t = g(f"T{n:04d}")
        rng = random.Random(f"{SEED}/{t.tenant_id}/azure-profile")
        s0 = rng.uniform(3500, 14000)
        estate(b, t, grow(s0, s0 * rng.uniform(1.45, 1.8)), INFRA_MIX, pick=rng.randint(3, 6))
    # Decommissioned: its servers leave Azure in January 2024 (storage stays, < $1,000).
    t = g("T0112")
    acr(b, t, "Virtual Machines", grow(2300, 2500), last="2023-12")
    acr(b, t, "Storage", grow(110, 130))
    estate(b, g("T0119"), grow(3800, 5600), INFRA_MIX, pick=4)  # DPOR renewed back to back
    # New DPOR customers with an existing Azure estate (T0198 comes from P004 on 2023-12-01) ...
    for tid, s0 in (("T0126", 4800), ("T0127", 3400), ("T0128", 6100)):
        estate(b, g(tid), grow(s0, s0 * 1.5), INFRA_MIX, pick=4, offer="Pay-As-You-Go")
    # ... and migrations that start after the DPOR.
    for tid, start, level in (("T0129", "2023-08", 8000), ("T0130", "2023-11", 5000),
                              ("T0131", "2024-02", 6000)):
        estate(b, g(tid), ramp_up(start, level, 4), INFRA_MIX, pick=5, first=start)
    # CPOR (Modern Work claims) never attribute Azure: T0120's estate is nobody's.
    estate(b, g("T0120"), grow(16000, 21000), INFRA_MIX, pick=5)
    # Offers that never count.
    acr(b, g("T0100"), "Azure Support", flat(1000), offer="Support", first="2022-07")
    acr(b, g("T0105"), "Azure OpenAI", flat(300), offer="Trial", first="2024-04")
    # Security signals that P002 gets no Security credit for (DPOR counts for neither
    # Security source): Sentinel, and Azure AD Premium seats.
    acr(b, g("T0103"), "Sentinel", grow(900, 1400), sub="security")
    for tid in ("T0100", "T0101", "T0102"):
        t = g(tid)
        seats = t.usage[("exchange", LAST_MONTH)][0]
        security_seats(b, t, "aad_premium", flat(seats), 0.7)

    b.certify(P, "p-208", "Microsoft Certified: Azure Administrator Associate", "2023-02-13",
              "2025-02-13")
    b.certify(P, "p-208", "Microsoft Certified: Azure Stack Hub Operator Associate",
              "2022-10-10", "2024-10-10")  # retired 2023-07-31, eligible through 2024-07-31
    b.certify(P, "p-209", "Azure Administrator Associate", "2023-11-06", "2024-11-06")
    b.certify(P, "p-210", "Microsoft Certified: Azure Network Engineer Associate", "2023-05-22",
              "2025-05-22")
    b.certify(P, "p-211", "Microsoft Certified: Windows Server Hybrid Administrator Associate",
              "2023-08-28", "2024-08-28")
    b.certify(P, "p-212", "Microsoft Certified: Azure Solutions Architect Expert", "2022-12-05",
              "2024-12-05")
    b.certify(P, "p-212", "Microsoft Certified: Azure Virtual Desktop Specialty", "2023-10-16",
              "2024-10-16")
    b.certify(P, "p-213", "Azure Solutions Architect Expert", "2023-07-24", "2024-07-24")
    b.certify(P, "p-214", "Microsoft Certified: Azure for SAP Workloads Specialty",
              "2024-02-19", "2025-02-19")


def cloud_p003(b: Builder) -> None:
    """P003 Adatum: Security from both sources (Azure via PAL, Microsoft 365 via CPOR),
    each too small alone, qualifying together."""
    P, g = "P003", b.get
    # Azure security linked by PAL. T0171: whole tenant, long-standing.
    t = g("T0171")
    b.associate(P, t, "PAL", "2021-03-15")
    acr(b, t, "Sentinel", grow(2000, 5600))
    acr(b, t, "Azure Firewall", flat(1100))
    acr(b, t, "Key Vault", grow(50, 90))
    acr(b, t, "Security Center", flat(300))
    # T0172: PAL on its security subscription only (from 2023-09); the production
    # subscription (Key Vault, Application Gateway, servers) is not P003's.
    t = g("T0172")
    b.associate(P, t, "PAL", "2023-09-11", subscription=subscription(b, t, "sec-ops"))
    acr(b, t, "Sentinel", grow(3000, 6000), sub="sec-ops", first="2022-06")
    acr(b, t, "Azure DDOS Protection", flat(2944), sub="sec-ops", first="2022-06")
    acr(b, t, "Azure Firewall", flat(1250), sub="sec-ops", first="2022-06")
    acr(b, t, "Key Vault", flat(300), first="2022-01")
    acr(b, t, "Application Gateway", flat(400), first="2022-01")
    acr(b, t, "Virtual Machines", grow(2600, 3100), first="2022-01")
    # Small businesses (CSP_T2 customers) starting Azure security in the TTM, with PAL.
    t = g("T0137")
    b.associate(P, t, "PAL", "2023-08-07")
    acr(b, t, "Azure Firewall", flat(1150), offer="Azure Plan", first="2023-08")
    acr(b, t, "Sentinel", flat(600), offer="Azure Plan", first="2023-08")
    t = g("T0139")
    b.associate(P, t, "PAL", "2023-08-21")
    acr(b, t, "Sentinel", flat(1050), offer="Azure Plan", first="2023-08")
    acr(b, t, "Azure Defender", flat(500), offer="Azure Plan", first="2023-08")
    t = g("T0138")
    b.associate(P, t, "PAL", "2023-10-02")
    for service, level in (("Key Vault", 25), ("Azure Bastion", 140), ("Sentinel", 180)):
        acr(b, t, service, flat(level), offer="Azure Plan", first="2023-10")
    t = g("T0140")
    b.associate(P, t, "PAL", "2024-02-12")
    acr(b, t, "key vault", flat(35), offer="Azure Plan", first="2024-02")  # lower case
    # A CSP customer with Sentinel but no PAL: Azure areas yes (CSP), Security no.
    acr(b, g("T0141"), "Sentinel", grow(700, 900), offer="Azure Plan", first="2022-09")

    # Microsoft 365 security workloads claimed by CPOR (never Intune: it is Modern Work too).
    t = g("T0171")
    security_seats(b, t, "aad_premium", grow(2050, 2150), 0.72)
    b.associate(P, t, "CPOR", "2021-03-15", workload="aad_premium")
    t = g("T0172")
    security_seats(b, t, "defender_office", flat(1200), 0.62, first="2023-03")
    b.associate(P, t, "CPOR", "2023-09-18", workload="defender_office")
    t = g("T0137")
    security_seats(b, t, "aad_premium", flat(t.usage[("exchange", LAST_MONTH)][0]), 0.75,
                   first="2023-08")
    b.associate(P, t, "CPOR", "2023-10-09", workload="aad_premium")
    t = g("T0139")
    security_seats(b, t, "aad_premium", flat(t.usage[("exchange", LAST_MONTH)][0]), 0.7,
                   first="2023-12")
    b.associate(P, t, "CPOR", "2024-01-15", workload="aad_premium")
    t = g("T0143")  # bought in February 2024, hardly used yet: a customer, no deployment
    security_seats(b, t, "information_protection", flat(60), 0.05, first="2024-02")
    b.associate(P, t, "CPOR", "2024-02-05", workload="information_protection")
    # (T0178's Defender for Endpoint claim from 2023-10-16 counts too; T0141's Defender
    # seats are CSP only and do not.)

    b.certify(P, "p-306", "Microsoft Certified: Azure Security Engineer Associate",
              "2023-05-08", "2025-05-08")
    b.certify(P, "p-306", "Microsoft Certified: Cybersecurity Architect Expert", "2024-01-22",
              "2025-01-22")
    b.certify(P, "p-307", "Azure Security Engineer Associate", "2023-11-14", "2024-11-14")
    b.certify(P, "p-308", "Microsoft Certified: Security Operations Analyst Associate",
              "2023-02-20", "2025-02-20")  # step 2 only: no longer scoring from 2023-12-01
    b.certify(P, "p-309", "Microsoft 365 Certified: Security Administrator Associate",
              "2022-09-12", "2024-09-12")  # retired 2023-06-30, eligible through 2024-06-30
    b.certify(P, "p-310", "Microsoft Certified: Information Protection and Compliance "
              "Administrator Associate", "2023-07-03", "2024-07-03")
    b.certify(P, "p-311", "Information Protection Administrator Associate", "2024-03-11",
              "2025-03-11")  # alias


def cloud_p004(b: Builder) -> None:
    """P004 Litware: a strong Data & AI practice blocked by the first certification step
    (only one Azure Solutions Architect Expert left)."""
    P, g = "P004", b.get
    for n in range(179, 191):  # long-standing DPOR customers
        t = g(f"T{n:04d}")
        rng = random.Random(f"{SEED}/{t.tenant_id}/azure-profile")
        s0 = rng.uniform(3000, 12000)
        estate(b, t, grow(s0, s0 * rng.uniform(1.45, 1.8)), DATA_MIX, pick=rng.randint(3, 6))
    # T0198: P004's DPOR until 2023-11-30, P002's from 2023-12-01: its ACR follows.
    estate(b, g("T0198"), grow(4200, 5200), INFRA_MIX, pick=3, offer="Pay-As-You-Go")
    # New DPOR customers: existing estates (T0199-T0202) and data-platform builds.
    for tid, s0 in (("T0199", 5200), ("T0200", 3900), ("T0201", 7400), ("T0202", 4600)):
        estate(b, g(tid), grow(s0, s0 * 1.4), DATA_MIX, pick=4, offer="Pay-As-You-Go")
    for tid, start, level in (("T0203", "2023-09", 6500), ("T0204", "2024-01", 4800)):
        estate(b, g(tid), ramp_up(start, level, 4), DATA_MIX, pick=5, first=start)
    acr(b, g("T0181"), "Azure OpenAI", flat(450), offer="Trial", first="2024-02")

    b.certify(P, "p-411", "Microsoft Certified: Azure Solutions Architect Expert", "2023-03-20",
              "2025-03-20")
    b.certify(P, "p-419", "Microsoft Certified: Azure Solutions Architect Expert", "2022-03-15",
              "2024-03-15")  # expired: step 1 is left with one person
    b.certify(P, "p-412", "Microsoft Certified: Azure Administrator Associate", "2023-09-04",
              "2024-09-04")  # with p-406 (Modern Work scenario): step 2 is met
    b.certify(P, "p-413", "Microsoft Certified: Azure Data Engineer Associate", "2023-01-16",
              "2025-01-16")
    b.certify(P, "p-414", "Microsoft Certified: Azure AI Engineer Associate", "2023-06-26",
              "2024-06-30")  # expires on the evaluation day: still counts
    b.certify(P, "p-415", "Microsoft Certified: Azure Data Scientist Associate", "2023-10-09",
              "2024-10-09")
    b.certify(P, "p-416", "Microsoft Certified: Azure Database Administrator Associate",
              "2022-08-22", "2024-08-22")
    b.certify(P, "p-417", "Microsoft Certified: Azure Cosmos DB Developer Specialty",
              "2024-04-02", "2025-04-02")


def cloud_p005(b: Builder) -> None:
    """P005 Tailspin: strong Security usage from both sources, but only one Azure Security
    Engineer Associate: the step rule in force from 2023-12-01 needs two."""
    P, g = "P005", b.get
    sec = {tid: subscription(b, g(tid), "security")
           for tid in ("T0216", "T0217", "T0218", "T0219", "T0220", "T0222")}
    for tid, start in (("T0216", "2022-02-01"), ("T0217", "2022-10-17"), ("T0218", "2023-08-01"),
                       ("T0219", "2023-08-14"), ("T0220", "2023-11-20"),
                       ("T0222", "2024-04-22")):
        b.associate(P, g(tid), "PAL", start, subscription=sec[tid])
    t = g("T0216")
    acr(b, t, "Sentinel", grow(2600, 4400), sub="security")
    acr(b, t, "Azure Firewall", flat(1200), sub="security")
    acr(b, t, "Key Vault", grow(60, 95), sub="security")
    estate(b, t, grow(13000, 17500), INFRA_MIX, pick=4)  # production: not linked to P005
    t = g("T0217")
    acr(b, t, "Sentinel", grow(1300, 2100), sub="security")
    acr(b, t, "Azure DDOS Protection", flat(2944), sub="security")
    t = g("T0218")  # security estate older than the PAL (from 2023-08-01)
    acr(b, t, "Sentinel", grow(3500, 5200), sub="security")
    acr(b, t, "Azure Firewall", flat(2400), sub="security")
    acr(b, t, "Azure Defender", grow(1300, 1900), sub="security")
    acr(b, g("T0219"), "Sentinel", ramp_up("2023-09", 2500, 2, 1.0), sub="security",
        first="2023-09")
    for service, level in (("Azure Firewall", 1900), ("Key Vault", 50),
                           ("Application Gateway", 420)):
        acr(b, g("T0220"), service, flat(level), sub="security", first="2023-12")
    acr(b, g("T0222"), "Security Center", flat(120), sub="security", first="2024-05")
    acr(b, g("T0218"), "Azure Support", flat(800), sub="security", offer="SUPPORT",
        first="2023-01")  # never counts, whatever the case

    # Microsoft 365 security workloads claimed by CPOR (T0221's Intune claim from the
    # Modern Work scenario counts here too).
    for tid, canon, seats, ratio, first, claim in (
            ("T0216", "defender_endpoint", 1950, 0.8, FIRST_MONTH, "2022-03-01"),
            ("T0217", "defender_endpoint", 990, 0.78, FIRST_MONTH, "2022-11-02"),
            ("T0218", "defender_office", 4600, 0.5, "2023-06", "2023-09-04"),
            ("T0219", "defender_identity", 2400, 0.6, FIRST_MONTH, "2023-08-14"),
            ("T0220", "aad_premium", 1213, 0.7, "2023-10", "2023-11-20")):
        security_seats(b, g(tid), canon, flat(seats), ratio, first=first)
        b.associate(P, g(tid), "CPOR", claim, workload=canon)

    b.certify(P, "p-507", "Microsoft Certified: Azure Security Engineer Associate",
              "2023-04-11", "2025-04-11")
    b.certify(P, "p-512", "Azure Security Engineer Associate", "2022-02-28",
              "2024-02-28")  # lapsed: one Azure Security Engineer left
    b.certify(P, "p-508", "Security Operations Analyst Associate", "2023-06-19", "2025-06-19")
    b.certify(P, "p-509", "Microsoft Certified: Security Operations Analyst Associate",
              "2023-10-02", "2024-10-02")
    b.certify(P, "p-510", "Microsoft Certified: Cybersecurity Architect Expert", "2023-12-05",
              "2024-12-05")
    b.certify(P, "p-511", "Microsoft Certified: Information Protection Administrator Associate",
              "2023-03-13", "2025-03-13")  # alias


def cloud_p006(b: Builder) -> None:
    """P006 Wingtip: Business Applications through CSP, losing customers (classified SMB)."""
    P, g = "P006", b.get
    # Business Central on 13 CSP customers; five of them are lost in the TTM (T0228-T0232)
    # and keep using it with another partner.
    for n in range(228, 241):
        t = g(f"T{n:04d}")
        rng = random.Random(f"{SEED}/{t.tenant_id}/bc")
        u0 = rng.randint(9, 13)
        bizapp(b, t, "business_central", grow(u0, u0 + rng.randint(0, 3)),
               first=f"2022-{rng.randint(1, 6):02d}")
    # Dynamics 365 Sales, > $5,000 a month each: 4 at m-12, 6 at m.
    for n in range(241, 245):
        t = g(f"T{n:04d}")
        rng = random.Random(f"{SEED}/{t.tenant_id}/sales")
        u0 = rng.randint(60, 66)
        bizapp(b, t, "sales", grow(u0, u0 + rng.randint(0, 6)))
    bizapp(b, g("T0245"), "sales", ramp_up("2023-10", 60, 3, 1.05), first="2023-10")
    bizapp(b, g("T0246"), "sales", ramp_up("2024-02", 62, 3, 1.0), first="2024-02")

    b.certify(P, "p-606", "Dynamics 365 Business Central Functional Consultant Associate",
              "2023-02-06", "2025-02-06")
    b.certify(P, "p-607", "Microsoft Certified: Dynamics 365 Sales Functional Consultant "
              "Associate", "2023-08-14", "2024-08-14")
    b.certify(P, "p-608", "Power Platform Functional Consultant Associate", "2022-12-12",
              "2024-12-12")
    b.certify(P, "p-609", "Microsoft Certified: Power Platform Solution Architect Expert",
              "2023-05-02", "2025-05-02")


def cloud_p007(b: Builder) -> None:
    """P007 Contoso: a new partner that qualifies in all six areas (Microsoft Cloud badge),
    Business Applications on the Enterprise track. Tenants T0291 onwards."""
    P = "P007"
    # -- Modern Work: 8 long-standing DPOR enterprises, 6 migrations in the TTM -----------
    steady = []
    for _ in range(8):
        t = b.tenant(P)
        steady_ent(b, t, growth=(0.03, 0.08))
        b.associate(P, t, "DPOR", old_start(t))
        steady.append(t)
    GREEN = (("2023-07", 1400), ("2023-08", 900), ("2023-10", 2200), ("2023-11", 1100),
             ("2024-01", 1600), ("2024-02", 800))
    green = []
    for month, seats in GREEN:
        t = b.tenant(P)
        greenfield(b, t, month, seats, deployed=("exchange", "teams", "m365_apps", "sharepoint"),
                   ramp_months=4)
        b.associate(P, t, "DPOR", on(month, 11))
        green.append(t)
    # Azure-only start-ups (no Microsoft 365), CSP_T2 on one subscription each.
    azure_only = [b.tenant(P), b.tenant(P)]
    # A Business Applications customer claimed by CPOR only (no Microsoft 365 either).
    cpor_only = b.tenant(P)
    s, gr = steady, green

    # -- Azure: the DPOR estates, migrations, the CSP start-ups ---------------------------
    for i, t in enumerate(s):
        rng = random.Random(f"{SEED}/{t.tenant_id}/azure-profile")
        s0 = rng.uniform(3000, 12000)
        mix = (APP_MIX, DATA_MIX, INFRA_MIX)[i % 3]
        estate(b, t, grow(s0, s0 * rng.uniform(1.4, 1.8)), mix, pick=rng.randint(3, 6))
    for i, (t, (month, _)) in enumerate(zip(gr, GREEN)):
        rng = random.Random(f"{SEED}/{t.tenant_id}/azure-profile")
        start = add_months(month, 1)  # servers move once the tenant is set up
        estate(b, t, ramp_up(start, rng.uniform(2500, 7000), 4), (INFRA_MIX, APP_MIX)[i % 2],
               pick=rng.randint(3, 5), offer="Pay-As-You-Go", first=start)
    a0, a1 = azure_only
    b.associate(P, a0, "CSP_T2", "2023-09-05", subscription=subscription(b, a0, "prod"))
    for service, level in (("App Service", 900), ("Azure Cosmos DB", 700), ("Functions", 150),
                           ("Storage", 200), ("Azure Cache for Redis", 250)):
        acr(b, a0, service, ramp_up("2023-09", level, 2), offer="Azure Plan", first="2023-09")
    acr(b, a0, "Virtual Machines", flat(400), sub="lab", offer="Pay-As-You-Go",
        first="2022-11")  # the start-up's own lab subscription: not covered
    b.associate(P, a1, "CSP_T2", "2024-01-08", subscription=subscription(b, a1, "prod"))
    for service, level in (("Azure Kubernetes Service", 1100), ("Container Registry", 60),
                           ("Azure Database for PostgreSQL", 500), ("Azure Monitor", 90)):
        acr(b, a1, service, ramp_up("2024-01", level, 2), offer="Azure Plan", first="2024-01")
    acr(b, s[0], "Virtual Machines", flat(500), sub="dev", offer="Benefit Program",
        first="2023-01")  # never counts
    acr(b, s[1], "Azure DevOps", flat(200), sub="dev", offer="Internal", first="2023-03")

    # -- Security: PAL on security subscriptions, CPOR on Microsoft 365 security ----------
    pal = ((s[0], "2022-02-07"), (s[1], "2022-05-09"), (s[2], "2023-09-04"),
           (s[3], "2023-11-06"), (gr[0], "2023-08-14"), (gr[1], "2023-09-18"),
           (gr[2], "2023-11-20"))
    for t, start in pal:
        b.associate(P, t, "PAL", start, subscription=subscription(b, t, "security"))
    for service, curve in (("Sentinel", grow(2200, 3400)), ("Key Vault", grow(40, 70)),
                           ("Azure Firewall", flat(1100))):
        acr(b, s[0], service, curve, sub="security")
    for service, curve in (("Sentinel", grow(1500, 2300)), ("Azure Bastion", flat(140)),
                           ("Application Gateway", flat(380))):
        acr(b, s[1], service, curve, sub="security")
    acr(b, s[2], "Sentinel", grow(1800, 2600), sub="security", first="2022-03")
    for service, level in (("Azure Firewall", 1300), ("Azure DDOS Protection", 2944)):
        acr(b, s[3], service, flat(level), sub="security", first="2023-11")
    acr(b, gr[0], "Sentinel", ramp_up("2023-08", 1500, 3, 1.0), sub="security", first="2023-08")
    acr(b, gr[0], "Key Vault", flat(40), sub="security", first="2023-08")
    for service, level in (("Key Vault", 60), ("Azure Front Door Service", 450)):
        acr(b, gr[1], service, flat(level), sub="security", first="2023-10")
    for service, level in (("Network Watcher", 25), ("Key Vault", 35)):
        acr(b, gr[2], service, flat(level), sub="security", first="2023-12")
    acr(b, s[4], "Sentinel", grow(600, 900), sub="security")  # DPOR only: not Security

    for t, canon, claim, first, ratio in (
            (s[0], "aad_premium", "2022-02-07", FIRST_MONTH, 0.72),
            (s[1], "aad_premium", "2022-05-09", FIRST_MONTH, 0.68),
            (s[2], "aad_premium", "2023-09-04", "2023-07", 0.7),
            (gr[0], "defender_endpoint", "2023-09-11", "2023-09", 0.75),
            (gr[1], "defender_endpoint", "2023-10-16", "2023-10", 0.78),
            (gr[2], "defender_endpoint", "2024-01-08", "2024-01", 0.74),
            (gr[3], "defender_endpoint", "2024-06-10", "2024-05", 0.08)):  # not deployed yet
        seats = t.usage[("exchange", LAST_MONTH)][0]
        security_seats(b, t, canon, flat(seats), ratio, first=first)
        b.associate(P, t, "CPOR", claim, workload=canon)

    # -- Business Applications (Enterprise): Dynamics 365 through DPOR, Power Platform and
    # Customer Insights through PAL on the workload ----------------------------------------
    for t, canon, units, first, last in (
            (s[0], "sales", grow(165, 185), FIRST_MONTH, LAST_MONTH),
            (s[0], "customer_service", grow(85, 95), FIRST_MONTH, LAST_MONTH),
            (s[1], "sales", grow(110, 125), FIRST_MONTH, LAST_MONTH),
            (s[1], "field_service", grow(58, 64), FIRST_MONTH, LAST_MONTH),
            (s[2], "finance", grow(120, 135), FIRST_MONTH, LAST_MONTH),
            (s[3], "sales", grow(70, 78), FIRST_MONTH, LAST_MONTH),
            (s[3], "customer_service", flat(56), FIRST_MONTH, "2023-12"),  # dropped
            (s[4], "sales", grow(130, 150), FIRST_MONTH, LAST_MONTH),
            (s[4], "power_apps", grow(360, 420), FIRST_MONTH, LAST_MONTH),
            (s[5], "project_operations", grow(65, 72), FIRST_MONTH, LAST_MONTH),
            (s[5], "power_bi", grow(450, 520), FIRST_MONTH, LAST_MONTH),
            (s[6], "sales", grow(90, 100), FIRST_MONTH, LAST_MONTH),
            (s[6], "customer_insights", flat(300000), "2023-10", LAST_MONTH),
            (s[7], "customer_insights", grow(190000, 215000), "2022-03", LAST_MONTH),
            (gr[0], "sales", ramp_up("2023-10", 150, 3, 1.0), "2023-10", LAST_MONTH),
            (gr[1], "sales", ramp_up("2023-12", 110, 3, 1.0), "2023-12", LAST_MONTH),
            (gr[2], "customer_service", ramp_up("2024-01", 80, 3, 1.0), "2024-01", LAST_MONTH),
            (gr[3], "finance", ramp_up("2023-11", 160, 3, 1.0), "2023-11", LAST_MONTH),
            (gr[4], "sales", ramp_up("2024-03", 100, 2, 1.0), "2024-03", LAST_MONTH),
            (gr[4], "power_apps", ramp_up("2024-03", 250, 2, 1.0), "2024-03", LAST_MONTH),
            (gr[5], "field_service", ramp_up("2024-02", 70, 3, 1.0), "2024-02", LAST_MONTH),
            (cpor_only, "sales", flat(60), "2022-05", LAST_MONTH),
            (cpor_only, "power_bi", flat(300), "2022-05", LAST_MONTH)):
        bizapp(b, t, canon, units, first=first, last=last,
               price=20 if (t is cpor_only and canon == "power_bi") else None)
    for t, canon, start in ((s[4], "power_apps", "2021-06-14"), (s[5], "power_bi", "2021-09-20"),
                            (s[7], "customer_insights", "2022-04-11"),
                            (s[6], "customer_insights", "2023-10-02"),
                            (gr[4], "power_apps", "2024-03-04")):
        b.associate(P, t, "PAL", start, workload=canon)
    # CPOR counts for performance on every workload, for customer success only on
    # Dynamics 365: the Power BI claim adds a customer but no usage.
    b.associate(P, cpor_only, "CPOR", "2023-09-12", workload="sales")
    b.associate(P, cpor_only, "CPOR", "2023-09-12", workload="power_bi")

    # -- Certifications ------------------------------------------------------------------
    certs = (
        # Modern Work
        ("p-701", "Microsoft 365 Certified: Teams Administrator Associate", "2023-04-17"),
        ("p-702", "Microsoft 365 Certified: Messaging Administrator Associate", "2023-06-05"),
        ("p-703", "Microsoft 365 Certified: Endpoint Administrator Associate", "2023-09-25"),
        ("p-704", "Microsoft Certified: Identity and Access Administrator Associate",
         "2023-11-13"),  # also a Security scorer
        ("p-705", "Microsoft 365 Certified: Administrator Expert", "2023-08-21"),
        ("p-706", "Teams Meetings and Meeting Rooms Technical Assessment", "2023-02-27"),
        # Security
        ("p-707", "Microsoft Certified: Azure Security Engineer Associate", "2023-05-15"),
        ("p-708", "Azure Security Engineer Associate", "2023-10-30"),
        ("p-709", "Microsoft Certified: Security Operations Analyst Associate", "2023-07-10"),
        ("p-710", "Security Operations Analyst Associate", "2024-01-08"),
        ("p-711", "Microsoft Certified: Cybersecurity Architect Expert", "2023-12-11"),
        ("p-712", "Microsoft Certified: Information Protection and Compliance Administrator "
                  "Associate", "2023-04-24"),
        # Azure
        ("p-713", "Microsoft Certified: Azure Solutions Architect Expert", "2023-03-06"),
        ("p-713", "Microsoft Certified: Power Platform Solution Architect Expert", "2023-10-09"),
        ("p-714", "Azure Solutions Architect Expert", "2023-08-14"),
        ("p-715", "Microsoft Certified: Azure Administrator Associate", "2023-01-23"),
        ("p-715", "Microsoft Certified: Azure Network Engineer Associate", "2023-06-12"),
        ("p-716", "Azure Administrator Associate", "2023-09-18"),
        ("p-717", "Microsoft Certified: Azure Data Engineer Associate", "2023-02-06"),
        ("p-718", "Microsoft Certified: Azure AI Engineer Associate", "2023-11-27"),
        ("p-719", "Microsoft Certified: Azure Data Scientist Associate", "2024-01-15"),
        ("p-720", "Microsoft Certified: Azure Database Administrator Associate", "2023-05-29"),
        ("p-721", "Microsoft Certified: Power BI Data Analyst Associate", "2023-08-07"),
        ("p-722", "Microsoft Certified: Azure Developer Associate", "2023-03-27"),
        ("p-723", "Azure Developer Associate", "2023-10-23"),
        ("p-724", "Microsoft Certified: Azure Developer Associate", "2024-02-12"),
        ("p-725", "Microsoft Certified: DevOps Engineer Expert", "2023-06-19"),
        ("p-726", "Microsoft Certified: Azure IoT Developer Specialty", "2023-01-09"),
        ("p-727", "Microsoft Certified: Windows Server Hybrid Administrator Associate",
         "2023-04-03"),
        ("p-728", "Azure Network Engineer Associate", "2024-03-18"),
        ("p-729", "Microsoft Certified: Azure Virtual Desktop Specialty", "2023-09-11"),
        ("p-730", "Microsoft Certified: Azure for SAP Workloads Specialty", "2023-12-04"),
        # Business Applications
        ("p-731", "Microsoft Certified: Dynamics 365 Sales Functional Consultant Associate",
         "2023-02-13"),
        ("p-732", "Dynamics 365 Sales Functional Consultant Associate", "2023-10-02"),
        ("p-733", "Microsoft Certified: Dynamics 365 Customer Service Functional Consultant "
                  "Associate", "2022-11-14"),  # retired 2023-06-30, eligible through 2024-06-30
        ("p-734", "Microsoft Certified: Dynamics 365 Field Service Functional Consultant "
                  "Associate", "2023-05-08"),
        ("p-735", "Microsoft Certified: Dynamics 365 Finance Functional Consultant Associate",
         "2023-03-20"),
        ("p-736", "Dynamics 365 Finance Functional Consultant Associate", "2024-01-22"),
        ("p-737", "Microsoft Certified: Dynamics 365 Supply Chain Management Functional "
                  "Consultant Associate", "2023-07-31"),
        ("p-739", "Microsoft Certified: Dynamics 365 Marketing Functional Consultant Associate",
         "2023-09-04"),
        ("p-740", "Microsoft Certified: Dynamics 365 Finance and Operations Apps Developer "
                  "Associate", "2023-06-26"),
        ("p-741", "Microsoft Certified: Power Platform Functional Consultant Associate",
         "2023-01-30"),
        ("p-742", "Microsoft Certified: Power Platform Developer Associate", "2023-08-28"),
        ("p-743", "Microsoft Certified: Power Automate RPA Developer Associate", "2023-12-18"),
        ("p-744", "Microsoft Certified: Customer Data Platform Specialty", "2023-04-10"),
        ("p-745", "Microsoft Certified: Power Platform App Maker Associate", "2023-02-10"),
        ("p-746", "Microsoft Certified: Dynamics 365 Finance and Operations Apps Solution "
                  "Architect Expert", "2023-05-22"),
        ("p-747", "Microsoft Certified: Dynamics 365 Supply Chain Management Functional "
                  "Consultant Expert", "2023-11-06"),
        ("p-748", "Power Platform Solution Architect Expert", "2024-04-15"),
        ("p-749", "Microsoft Certified: Dynamics 365 + Power Platform Solution Architect Expert",
         "2022-06-20"),
    )
    for person, title, earned in certs:
        if "Fundamentals" in title or "Assessment" in title:
            expires = None
        else:
            expires = f"{int(earned[:4]) + 2}{earned[4:]}"  # renewed: two years on
        b.certify(P, person, title, earned, expires)


CLOUD_SCENARIOS = (cloud_p001, cloud_p002, cloud_p003, cloud_p004, cloud_p005, cloud_p006,
                   cloud_p007)


# --------------------------------------------------------------------------------------
# Membership over time (docs/rules.md §0, §5-§8; `capscore status`): enrollments, legacy
# exams, customer references, and the few legacy-era rows the Cloud Productivity
# competency and Teamwork Deployment of 2022 read. Built last. Apart from three tables of
# their own, these rows are DAP / FASTTRACK associations that end on 2022-09-30, Skype for
# Business usage of 2022-01 .. 2022-09, certifications no area lists, and Modern Work
# certifications for people whose other Modern Work certification already covers the same
# days; so no score of any area in any month changes (the sample cases in cases/ check the 2024-06 scorecards).
# --------------------------------------------------------------------------------------

LEGACY_END = "2022-09-30"  # the legacy competencies' last day (docs/rules.md §5)
LEGACY_MONTHS = months_between(FIRST_MONTH, "2022-09")
DESIGNATION = "designation:"
CLOUD_PRODUCTIVITY = "competency:cloud_productivity"
SPECIALIZATION = "specialization:"
TEAMWORK = "specialization:teamwork_deployment"
MESSAGING_ADMIN = "Microsoft 365 Certified: Messaging Administrator Associate"
TEAMS_ADMIN = "Microsoft 365 Certified: Teams Administrator Associate"
TEAMWORK_ADMIN = "Microsoft 365 Certified: Teamwork Administrator Associate"  # retired
MCSA_OFFICE_365 = "MCSA: Office 365"


def legacy_link(b: Builder, partner: str, tid: str, kind: str, start: str) -> None:
    """A DAP or FASTTRACK association of the legacy era: it ends with the competencies,
    so it never reaches a Solutions Partner score (which reads neither type anyway)."""
    assert kind in ("DAP", "FASTTRACK") and start < LEGACY_END
    b.associate(partner, b.get(tid), kind, start, LEGACY_END)


def mw_intermediate_key(title: str) -> str:
    key = cert_key(title)
    return RENAMED[key][0] if key in RENAMED else key


def certify_counted(b: Builder, partner: str, person: str, title: str, earned: str,
                    expires: str) -> None:
    """A Modern Work intermediate certification for a person whose other Modern Work
    intermediate certification covers every day of it: the person counts already, so no
    Modern Work people count changes in any month."""
    assert mw_intermediate_key(title) in INTERMEDIATE, title
    assert any(r["partner_id"] == partner and r["person_id"] == person
               and mw_intermediate_key(r["certification"]) in INTERMEDIATE
               and r["earned_date"] <= earned
               and (r["expires_date"] == "" or r["expires_date"] >= expires)
               for r in b.certifications), (partner, person, title)
    b.certify(partner, person, title, earned, expires)


def skype_usage(b: Builder, t: Tenant, ratio: Curve) -> None:
    """Skype for Business on the tenant's suite seats, legacy era only (2022-01 .. 2022-09)."""
    paus = {mo: t.usage[("exchange", mo)][0] for mo in LEGACY_MONTHS}
    b.workload(t, "skype_for_business", paus, ratio)


def membership_p001(b: Builder) -> None:
    """P001 buys Business Applications on 2023-07-14 (qualified then); Modern Work, which it
    qualifies for from data month 2023-09, joins automatically with the same anniversary.
    On 2024-07-25 both are inside the renewal window (2024-07-14 .. 2024-08-13)."""
    b.enroll("P001", DESIGNATION + "business_applications", "2023-07-14", "2024-07-14",
             benefits="solutions_partner")


def membership_p002(b: Builder) -> None:
    """P002 Fabrikam: gold Cloud Productivity, meets every Teamwork Deployment requirement
    on 2022-09-15 (legacy era: data month 2022-07, associations DAP/CSP/DPOR/FASTTRACK),
    buys Modern Work on 2022-10-03, cannot renew it in 2023 (not qualified in the renewal
    window) and buys it again on 2023-11-24; Infrastructure then joins automatically."""
    P, g = "P002", b.get
    b.enroll(P, CLOUD_PRODUCTIVITY, "2021-12-01", "2022-12-01", level="gold")
    # Knowledge of the competency: p-201 passed both exams, p-205 holds MCSA: Office 365;
    # p-208 passed only 70-346 (an incomplete set counts for nothing).
    b.exam(P, "p-201", "70-346", "2017-03-14")
    b.exam(P, "p-201", "70-347", "2017-06-20")
    b.exam(P, "p-208", "70-346", "2018-02-05")
    b.certify(P, "p-205", MCSA_OFFICE_365, "2017-09-28")
    # Teamwork Deployment knowledge: the alternative, 4 holders of the retired Teamwork
    # Administrator Associate (no area lists it), valid through the end of 2022.
    for person, earned, expires in (("p-201", "2020-10-12", "2022-10-12"),
                                    ("p-202", "2020-11-02", "2022-11-02"),
                                    ("p-207", "2020-11-23", "2022-11-23"),
                                    ("p-215", "2020-12-07", "2022-12-07")):
        b.certify(P, person, TEAMWORK_ADMIN, earned, expires)
    # New customers of 2022: delegated admin on the tenants it only claims (CPOR) and
    # FastTrack onboarding of three tenants that become DPOR customers in 2023-2024.
    for tid, start in (("T0120", "2022-01-17"), ("T0121", "2022-02-07"), ("T0122", "2022-02-21"),
                       ("T0123", "2022-03-07"), ("T0124", "2022-03-21"), ("T0125", "2022-04-04"),
                       ("T0132", "2022-04-19"), ("T0133", "2022-05-02"), ("T0134", "2022-05-16"),
                       ("T0135", "2022-06-06"), ("T0136", "2022-06-20")):
        legacy_link(b, P, tid, "DAP", start)
    for tid, start in (("T0126", "2022-03-14"), ("T0127", "2022-04-11"), ("T0128", "2022-05-09")):
        legacy_link(b, P, tid, "FASTTRACK", start)
    # Three approved customer references (and one rejected, which never counts).
    b.reference(P, TEAMWORK, g("T0101"), "2022-03-07", "rejected", "2022-03-28")
    b.reference(P, TEAMWORK, g("T0105"), "2022-04-11", "approved", "2022-05-09")
    b.reference(P, TEAMWORK, g("T0113"), "2022-05-23", "approved", "2022-06-20")
    b.reference(P, TEAMWORK, g("T0122"), "2022-07-04", "approved", "2022-08-01")
    b.enroll(P, TEAMWORK, "2022-09-16", "2023-09-16")
    # Modern Work on launch day (qualified on data month 2022-08); the renewal window of
    # 2023-10-03 .. 2023-11-02 finds no qualifying month, so it lapses; bought again once
    # data month 2023-10 (qualified) is published.
    b.enroll(P, DESIGNATION + "modern_work", "2022-10-03", "2023-10-03",
             benefits="solutions_partner")
    b.enroll(P, DESIGNATION + "modern_work", "2023-11-24", "2024-11-24",
             benefits="solutions_partner")


def membership_p004(b: Builder) -> None:
    """P004 Litware: gold Cloud Productivity; on 2022-09-15 it meets every Teamwork
    Deployment requirement but knowledge (the same two people hold both certifications).
    At its competency anniversary (2023-02-15) it buys Modern Work and keeps the legacy
    benefits package; renewed on 2024-02-20, Data & AI joins automatically."""
    P, g = "P004", b.get
    b.enroll(P, CLOUD_PRODUCTIVITY, "2022-02-15", "2023-02-15", level="gold")
    b.exam(P, "p-405", "70-346", "2016-11-08")
    b.exam(P, "p-405", "70-347", "2017-01-24")
    b.certify(P, "p-409", MCSA_OFFICE_365, "2018-05-16")
    # p-404 (Modern Desktop Administrator, 2022-06-14 .. 2024-12-14) and p-409 (Microsoft
    # 365 Fundamentals, open) already count for Modern Work: both take both certifications.
    for person, messaging, teams in (("p-404", "2022-07-04", "2022-07-18"),
                                     ("p-409", "2022-08-01", "2022-08-15")):
        certify_counted(b, P, person, MESSAGING_ADMIN, messaging, add_months(messaging[:7], 12)
                        + messaging[7:])
        certify_counted(b, P, person, TEAMS_ADMIN, teams, add_months(teams[:7], 12) + teams[7:])
    # New customers of 2022: FastTrack onboarding of four tenants that become DPOR
    # customers in 2023-2024, delegated admin on T0205 and on five former customers (its
    # own T0279, and T0268, T0270, T0272, T0283 of P003, P006 and P002).
    for tid, start in (("T0199", "2022-02-07"), ("T0200", "2022-03-07"), ("T0201", "2022-04-04"),
                       ("T0202", "2022-05-02")):
        legacy_link(b, P, tid, "FASTTRACK", start)
    for tid, start in (("T0205", "2022-01-24"), ("T0279", "2022-02-14"), ("T0268", "2022-03-14"),
                       ("T0270", "2022-04-11"), ("T0272", "2022-05-16"), ("T0283", "2022-06-13")):
        legacy_link(b, P, tid, "DAP", start)
    b.reference(P, TEAMWORK, g("T0180"), "2022-05-02", "approved", "2022-05-30")
    b.reference(P, TEAMWORK, g("T0186"), "2022-06-06", "approved", "2022-07-04")
    b.reference(P, TEAMWORK, g("T0193"), "2022-07-11", "approved", "2022-08-08")
    # Modern Work bought at the competency anniversary (qualified on data months 2022-11
    # and 2022-12), choosing to keep the legacy benefits; renewed in its renewal window
    # (qualified on 2023-10 and 2023-11), the legacy package again.
    b.enroll(P, DESIGNATION + "modern_work", "2023-02-15", "2024-02-15", benefits="legacy")
    b.enroll(P, DESIGNATION + "modern_work", "2024-02-20", "2025-02-15", benefits="legacy")


def membership_p005(b: Builder) -> None:
    """P005 Tailspin: silver Cloud Productivity only. Two people pass the exams (enough for
    gold), but its active entitlements stay between 2,000 and 4,000: its CSP customers, the
    delegated admin of T0220 and some remaining Skype for Business use."""
    P, g = "P005", b.get
    b.enroll(P, CLOUD_PRODUCTIVITY, "2022-04-01", "2023-04-01", level="silver")
    b.exam(P, "p-501", "70-346", "2018-04-10")
    b.exam(P, "p-501", "70-347", "2018-08-21")
    b.exam(P, "p-506", "70-346", "2019-03-05")
    b.exam(P, "p-506", "70-347", "2019-05-14")
    legacy_link(b, P, "T0220", "DAP", "2022-02-14")
    for tid, ratio in (("T0220", [(FIRST_MONTH, 0.32), ("2022-09", 0.14)]),
                       ("T0223", [(FIRST_MONTH, 0.38), ("2022-09", 0.22)]),
                       ("T0226", [(FIRST_MONTH, 0.30), ("2022-09", 0.18)])):
        skype_usage(b, g(tid), ratio)


def membership_p007(b: Builder) -> None:
    """P007 Contoso: buys Modern Work on 2023-10-23 (qualified on data month 2023-09); the
    five other areas join automatically (all six: Microsoft Cloud badge). Four Modern Work
    specializations are held (benefits stack for three). Teamwork Deployment fails on one
    requirement only: 8 new customer tenants in the TTM, 12 needed."""
    P, g = "P007", b.get
    b.enroll(P, DESIGNATION + "modern_work", "2023-10-23", "2024-10-23",
             benefits="solutions_partner")
    # Second Messaging and Teams administrators: p-703 (Endpoint Administrator,
    # 2023-09-25 .. 2025-09-25) and p-704 (Identity and Access Administrator, 2023-11-13 ..
    # 2025-11-13) already count for Modern Work.
    certify_counted(b, P, "p-703", MESSAGING_ADMIN, "2024-02-05", "2025-02-05")
    certify_counted(b, P, "p-704", TEAMS_ADMIN, "2024-03-11", "2025-03-11")
    b.reference(P, TEAMWORK, g("T0291"), "2023-11-06", "approved", "2023-12-04")
    b.reference(P, TEAMWORK, g("T0294"), "2024-01-22", "approved", "2024-02-19")
    b.reference(P, TEAMWORK, g("T0296"), "2024-03-11", "approved", "2024-04-08")
    b.reference(P, TEAMWORK, g("T0298"), "2024-07-08", "pending")
    for spec, enrolled, refs in (
            ("adoption_and_change_management", "2024-01-15",
             (("T0292", "2023-09-11", "2023-10-09"), ("T0293", "2023-10-02", "2023-10-30"),
              ("T0295", "2023-11-06", "2023-12-04"))),
            ("modernize_endpoints", "2024-02-12",
             (("T0294", "2023-10-16", "2023-11-13"), ("T0295", "2023-11-20", "2023-12-18"),
              ("T0298", "2023-12-11", "2024-01-08"))),
            ("calling_for_microsoft_teams", "2024-03-18",
             (("T0291", "2023-12-04", "2024-01-02"), ("T0292", "2024-01-08", "2024-02-05"),
              ("T0297", "2024-01-29", "2024-02-26"))),
            ("meetings_and_meeting_rooms_for_microsoft_teams", "2024-05-06",
             (("T0293", "2024-02-05", "2024-03-04"), ("T0296", "2024-02-26", "2024-03-25"),
              ("T0299", "2024-03-18", "2024-04-15")))):
        for tid, submitted, reviewed in refs:
            b.reference(P, SPECIALIZATION + spec, g(tid), submitted, "approved", reviewed)
        anniversary = f"{int(enrolled[:4]) + 1}{enrolled[4:]}"
        b.enroll(P, SPECIALIZATION + spec, enrolled, anniversary)


MEMBERSHIP_SCENARIOS = (membership_p001, membership_p002, membership_p004, membership_p005,
                        membership_p007)


# --------------------------------------------------------------------------------------
# Certification ids the other areas' scenarios use
# --------------------------------------------------------------------------------------


SAE, AAA = "azure_solutions_architect_expert", "azure_administrator_associate"


# --------------------------------------------------------------------------------------


def build() -> dict[str, list[dict]]:
    """The tables: the Modern Work scenarios (calibrated), then the other areas, then the
    membership rows."""
    b = Builder()
    for scenario in SCENARIOS:
        scenario(b)
    calibrate(b)
    for scenario in CLOUD_SCENARIOS:
        scenario(b)
    for scenario in MEMBERSHIP_SCENARIOS:
        scenario(b)
    return tables(b)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT_DIR, help="output directory")
    args = ap.parse_args(argv)
    data = build()
    write_tables(data, args.out)
    for name in COLUMNS:
        print(f"{name}.csv: {len(data[name])} rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
