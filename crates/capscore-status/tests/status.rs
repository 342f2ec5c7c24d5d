//! docs/rules.md §5–§8 on dates: statuses around windows and anniversaries, the legacy
//! transition, Teamwork Deployment, benefits. Datasets go through the real loader and
//! catalog.

use capscore_catalog::Catalog;
use capscore_core::{Month, parse_date};
use capscore_status::{
    DesignationStatus, EnrolledVia, PartnerStanding, StatusError, StatusRequest, status,
};

#[derive(Clone, Default)]
struct Data {
    partners: Vec<String>,
    assocs: Vec<String>,
    usage: Vec<String>,
    certs: Vec<String>,
    enrollments: Vec<String>,
    exams: Vec<String>,
    references: Vec<String>,
}

impl Data {
    fn new() -> Self {
        Data {
            partners: vec!["P1,One,,mature".into()],
            ..Data::default()
        }
    }
    fn market(mut self, market: &str) -> Self {
        self.partners = vec![format!("P1,One,,{market}")];
        self
    }
    fn assoc(mut self, t: &str, kind: &str, workload: &str, start: &str) -> Self {
        self.assocs
            .push(format!("P1,{t},{kind},{workload},{start},"));
        self
    }
    fn usage(mut self, t: &str, w: &str, month: &str, paid: u64, active: u64) -> Self {
        self.usage.push(format!("{t},{w},{month},{paid},{active}"));
        self
    }
    /// Usage of a tenant no partner is associated with in every month `from ..= to`:
    /// it changes no score, and makes the data cover those months (a date whose data
    /// month the usage tables do not cover is refused).
    fn covering(mut self, from: &str, to: &str) -> Self {
        for x in Month::range(from.parse().unwrap(), to.parse().unwrap()) {
            self = self.usage("UNASSOCIATED", "Exchange Online", &x.to_string(), 1, 1);
        }
        self
    }
    fn cert(mut self, person: &str, title: &str, earned: &str) -> Self {
        self.certs.push(format!("P1,{person},{title},{earned},"));
        self
    }
    fn enroll(
        mut self,
        program: &str,
        level: &str,
        enrolled: &str,
        anniversary: &str,
        benefits: &str,
    ) -> Self {
        self.enrollments.push(format!(
            "P1,{program},{level},{enrolled},{anniversary},{benefits}"
        ));
        self
    }
    fn exam(mut self, person: &str, exam: &str, passed: &str) -> Self {
        self.exams.push(format!("P1,{person},{exam},{passed}"));
        self
    }
    fn reference(mut self, program: &str, submitted: &str, st: &str, reviewed: &str) -> Self {
        self.references
            .push(format!("P1,{program},,{submitted},{st},{reviewed}"));
        self
    }

    /// A strong SMB Modern Work partner qualifying in every month from `from` for a
    /// year: 10 customers claimed the month before (with no active users yet, so the
    /// claim baseline is 0), active from `from` on.
    fn qualifying_mw(self, from: &str) -> Self {
        self.qualifying_mw_until(from, "")
    }

    /// As [`Data::qualifying_mw`], the claims ending on `end` (empty: open).
    fn qualifying_mw_until(mut self, from: &str, end: &str) -> Self {
        self = self
            .cert("a", "Teams Administrator Associate", "2021-01-01")
            .cert("b", "Messaging Administrator Associate", "2021-01-01")
            .cert("c", "Administrator Expert", "2021-01-01");
        let start: Month = from.parse().unwrap();
        for i in 0..10 {
            let t = format!("S{i}");
            self.assocs.push(format!(
                "P1,{t},CPOR,,{},{end}",
                start.offset(-1).first_day()
            ));
            for x in Month::range(start.offset(-12), "2024-12".parse().unwrap()) {
                for w in ["Exchange", "Teams"] {
                    let active = if x < start { 0 } else { 80 };
                    self = self.usage(&t, w, &x.to_string(), 100, active);
                }
            }
        }
        self
    }

    fn files(&self) -> Vec<(String, String)> {
        let mk = |head: &str, rows: &[String]| {
            let mut s = String::from(head);
            for r in rows {
                s.push('\n');
                s.push_str(r);
            }
            s.push('\n');
            s
        };
        vec![
            (
                "partners.csv".into(),
                mk("partner_id,name,parent_id,market", &self.partners),
            ),
            (
                "associations.csv".into(),
                mk(
                    "partner_id,tenant_id,type,workload,start_date,end_date",
                    &self.assocs,
                ),
            ),
            (
                "m365_usage.csv".into(),
                mk(
                    "tenant_id,workload,month,paid_units,active_users",
                    &self.usage,
                ),
            ),
            (
                "certifications.csv".into(),
                mk(
                    "partner_id,person_id,certification,earned_date,expires_date",
                    &self.certs,
                ),
            ),
            (
                "enrollments.csv".into(),
                mk(
                    "partner_id,program,level,enrolled_date,anniversary_date,benefits",
                    &self.enrollments,
                ),
            ),
            (
                "exams.csv".into(),
                mk("partner_id,person_id,exam,passed_date", &self.exams),
            ),
            (
                "customer_references.csv".into(),
                mk(
                    "partner_id,program,tenant_id,submitted_date,status,reviewed_date",
                    &self.references,
                ),
            ),
        ]
    }

    fn on(&self, date: &str) -> PartnerStanding {
        self.try_on(date).unwrap().partners.remove(0)
    }

    fn try_on(&self, date: &str) -> Result<capscore_status::Standing, StatusError> {
        let catalog = Catalog::embedded().unwrap();
        let files = self.files();
        let borrowed: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_bytes()))
            .collect();
        let data = match capscore_data::load_files(&borrowed, &catalog) {
            Ok(l) => l.dataset,
            Err(e) => panic!("{e}"),
        };
        let req = StatusRequest {
            date: parse_date(date).unwrap(),
            month: None,
            partners: None,
        };
        status(&data, &catalog, &req)
    }
}

fn mw(p: &PartnerStanding) -> &capscore_status::DesignationStanding {
    p.designations
        .iter()
        .find(|d| d.area == "modern_work")
        .unwrap()
}

fn months(ms: &[Month]) -> Vec<String> {
    ms.iter().map(ToString::to_string).collect()
}

// ---- refresh calendar and the qualification window ----------------------------------

#[test]
fn data_month_follows_the_20th() {
    let c = Catalog::embedded().unwrap();
    let lc = &c.membership.lifecycle;
    assert_eq!(
        lc.data_month(parse_date("2024-07-19").unwrap()).to_string(),
        "2024-05"
    );
    assert_eq!(
        lc.data_month(parse_date("2024-07-20").unwrap()).to_string(),
        "2024-06"
    );
    assert_eq!(
        lc.data_month(parse_date("2024-01-05").unwrap()).to_string(),
        "2023-11"
    );
}

#[test]
fn qualified_from_the_day_the_qualifying_month_is_published() {
    let d = Data::new().qualifying_mw("2024-06");
    // 2024-06 qualifies (the first month with customers); it is published on 2024-07-20.
    assert_eq!(
        mw(&d.on("2024-07-19")).status,
        DesignationStatus::InProgress
    );
    let p = d.on("2024-07-20");
    assert_eq!(mw(&p).status, DesignationStatus::Qualified);
    assert_eq!(months(&mw(&p).qualifying_months), ["2024-06"]);
    assert_eq!(p.annual_fee_usd, Some(4730.0));
}

/// A partner that qualified in data month 2024-01 only.
fn qualified_once() -> Data {
    // Every customer is lost from 2024-02 on: the claims end on 2024-01-31.
    Data::new().qualifying_mw_until("2024-01", "2024-01-31")
}

#[test]
fn window_of_six_months_rolls_with_the_date() {
    let d = qualified_once();
    // 2024-07-25: window 2024-02-01..; on 2024-02-01 the score in force is 2023-12's,
    // then 2024-01's from 2024-02-20: 2024-01 is in the window.
    assert_eq!(
        months(&mw(&d.on("2024-07-25")).qualifying_months),
        ["2024-01"]
    );
    // 2024-08-31: window from 2024-03-01, when 2024-01 was still in force (until 03-19).
    assert_eq!(mw(&d.on("2024-08-31")).status, DesignationStatus::Qualified);
    // 2024-09-01: window from 2024-04-01, in force then: 2024-02. No longer qualified.
    let p = d.on("2024-09-01");
    assert_eq!(mw(&p).status, DesignationStatus::InProgress);
    assert_eq!(mw(&p).window_start.to_string(), "2024-04-01");
    assert_eq!(p.annual_fee_usd, None);
}

#[test]
fn before_2023_09_19_the_window_was_30_days() {
    let d = Data::new().qualifying_mw_until("2023-03", "2023-03-31");
    // 2023-03 is in force from 2023-04-20 to 2023-05-19.
    assert_eq!(mw(&d.on("2023-05-19")).status, DesignationStatus::Qualified);
    // 30 days: window 2023-05-20..2023-06-18 sees 2023-04 and 2023-05 only.
    let p = d.on("2023-06-18");
    assert_eq!(mw(&p).status, DesignationStatus::InProgress);
    assert_eq!(mw(&p).window_start.to_string(), "2023-05-20");
    // Under the six-month rule (from 2023-09-19) the same month would still count on
    // 2023-06-18's equivalent; on 2023-09-19 the window starts 2023-04-01.
    assert_eq!(mw(&d.on("2023-09-19")).status, DesignationStatus::Qualified);
    assert_eq!(
        mw(&d.on("2023-09-18")).status,
        DesignationStatus::InProgress
    );
}

// ---- enrollment, anniversary, renewal ----------------------------------------------

fn enrolled_partner() -> Data {
    Data::new().enroll(
        "designation:modern_work",
        "",
        "2023-10-01",
        "2024-10-01",
        "solutions_partner",
    )
}

#[test]
fn enrolled_until_the_anniversary_whatever_the_score() {
    let d = enrolled_partner();
    let p = d.on("2024-09-30");
    assert_eq!(mw(&p).status, DesignationStatus::Enrolled);
    assert_eq!(mw(&p).enrolled_via, Some(EnrolledVia::Purchase));
    assert_eq!(mw(&p).anniversary_date.unwrap().to_string(), "2024-10-01");
    assert_eq!(mw(&p).can_renew, Some(false), "never qualified");
    assert_eq!(p.badges, vec!["modern_work".to_string()]);
}

#[test]
fn renewal_window_opens_on_the_anniversary_for_30_days() {
    let d = enrolled_partner();
    assert_eq!(
        mw(&d.on("2024-10-01")).status,
        DesignationStatus::EnrolledRenewalDue
    );
    let p = d.on("2024-10-31");
    assert_eq!(mw(&p).status, DesignationStatus::EnrolledRenewalDue);
    assert_eq!(mw(&p).renewal_window_end.unwrap().to_string(), "2024-10-31");
    let lapsed = d.on("2024-11-01");
    assert_eq!(mw(&lapsed).status, DesignationStatus::InProgress);
    assert!(lapsed.badges.is_empty());
}

#[test]
fn renewing_starts_the_next_cycle() {
    let d = enrolled_partner().enroll(
        "designation:modern_work",
        "",
        "2024-10-10",
        "2025-10-10",
        "solutions_partner",
    );
    let p = d.on("2024-10-15");
    assert_eq!(mw(&p).status, DesignationStatus::Enrolled);
    assert_eq!(mw(&p).anniversary_date.unwrap().to_string(), "2025-10-10");
}

#[test]
fn can_renew_when_qualified_in_the_renewal_window() {
    // Qualifies from 2024-03; anniversary 2024-10-01: renewal window months 2024-05..2024-10.
    let d = enrolled_partner().qualifying_mw("2024-03");
    let p = d.on("2024-10-05");
    assert_eq!(mw(&p).status, DesignationStatus::EnrolledRenewalDue);
    assert_eq!(mw(&p).can_renew, Some(true));
    assert_eq!(mw(&p).window_start.to_string(), "2024-05-01");
    assert!(
        mw(&p)
            .qualifying_months
            .iter()
            .all(|m| m.to_string().as_str() >= "2024-03")
    );
}

#[test]
fn further_areas_are_enrolled_automatically_with_the_shared_anniversary() {
    // Enrolled in Security (bought), then qualifies in Modern Work during the cycle.
    let d = Data::new()
        .enroll(
            "designation:security",
            "",
            "2023-10-01",
            "2024-10-01",
            "solutions_partner",
        )
        .qualifying_mw("2024-03");
    let p = d.on("2024-07-25");
    let m = mw(&p);
    assert_eq!(m.status, DesignationStatus::Enrolled);
    assert_eq!(m.enrolled_via, Some(EnrolledVia::Automatic));
    assert_eq!(m.anniversary_date.unwrap().to_string(), "2024-10-01");
    assert_eq!(
        p.badges,
        vec!["modern_work".to_string(), "security".to_string()]
    );
    // The fee is once, whatever the number of designations.
    assert_eq!(p.annual_fee_usd, Some(4730.0));
}

#[test]
fn designations_start_on_2022_10_03() {
    let d = Data::new();
    assert!(d.on("2022-10-02").designations.is_empty());
    assert_eq!(d.on("2022-10-03").designations.len(), 6);
}

#[test]
fn history_shows_the_current_month_and_five_before() {
    let p = Data::new().qualifying_mw("2024-03").on("2024-07-25");
    let h: Vec<String> = p.history.iter().map(|h| h.month.to_string()).collect();
    assert_eq!(
        h,
        [
            "2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"
        ]
    );
    let mw_q: Vec<bool> = p.history.iter().map(|h| h.areas[0].qualified).collect();
    assert_eq!(mw_q, [false, false, true, true, true, true]);
}

// ---- legacy competency ---------------------------------------------------------------

/// Active entitlements `ae` on Exchange through DAP in every 2022 month.
fn legacy_partner(ae: u64) -> Data {
    let mut d = Data::new().assoc("L1", "DAP", "", "2021-01-01");
    for x in Month::range("2022-01".parse().unwrap(), "2022-12".parse().unwrap()) {
        d = d.usage("L1", "Exchange Online", &x.to_string(), ae, ae);
    }
    d.covering("2023-01", "2023-12")
}

#[test]
fn cloud_productivity_levels_from_data() {
    let gold = legacy_partner(4000)
        .exam("p1", "70-346", "2019-01-01")
        .exam("p1", "70-347", "2019-02-01")
        .cert("p2", "MCSA: Office 365", "2019-03-01");
    let e = &gold.on("2022-09-15").competency_requirements[0];
    assert_eq!(e.month.to_string(), "2022-07");
    assert_eq!((e.active_entitlements, e.qualifying_people), (4000, 2));
    assert_eq!(e.level_met.as_deref(), Some("gold"));
    // One exam of the pair is not enough.
    let half = legacy_partner(4000)
        .exam("p1", "70-346", "2019-01-01")
        .cert("p2", "MCSA: Office 365", "2019-03-01");
    assert_eq!(
        half.on("2022-09-15").competency_requirements[0]
            .level_met
            .as_deref(),
        Some("silver")
    );
    // 1,999 active entitlements: no level in a mature market, silver in an emerging one.
    let small = legacy_partner(1999).cert("p2", "MCSA: Office 365", "2019-03-01");
    assert_eq!(
        small.on("2022-09-15").competency_requirements[0].level_met,
        None
    );
    assert_eq!(
        small
            .market("emerging")
            .on("2022-09-15")
            .competency_requirements[0]
            .level_met
            .as_deref(),
        Some("silver")
    );
}

#[test]
fn only_legacy_association_types_count_for_active_entitlements() {
    let d = legacy_partner(4000).cert("p2", "MCSA: Office 365", "2019-03-01");
    let mut cpor = d.clone();
    cpor.assocs = vec!["P1,L1,CPOR,,2021-01-01,".into()];
    assert_eq!(
        cpor.on("2022-09-15").competency_requirements[0].active_entitlements,
        0
    );
}

#[test]
fn legacy_to_designation_transition() {
    let d = legacy_partner(4000).enroll(
        "competency:cloud_productivity",
        "gold",
        "2022-03-01",
        "2023-03-01",
        "",
    );
    let before = d.on("2022-09-30");
    assert_eq!(before.competencies.len(), 1);
    assert_eq!(before.competencies[0].level, "gold");
    assert!(before.designations.is_empty());
    assert!(before.legacy_benefits.is_none());
    assert!(before.benefits.iter().any(|b| b.package == "legacy"));
    let gap = d.on("2022-10-01");
    assert!(gap.competencies.is_empty() && gap.designations.is_empty());
    let after = d.on("2022-10-03");
    assert!(
        after.competencies.is_empty(),
        "legacy competencies are no longer valid"
    );
    assert_eq!(after.designations.len(), 6);
    let l = after.legacy_benefits.as_ref().unwrap();
    assert_eq!(l.kept_until.to_string(), "2023-03-01");
    assert!(l.may_retain);
    assert!(
        after.benefits.iter().any(|b| b.package == "legacy"),
        "kept until the anniversary"
    );
    let later = d.on("2023-03-02");
    assert!(
        !later.benefits.iter().any(|b| b.package == "legacy"),
        "not retained"
    );
    // With an active designation the partner cannot renew legacy benefits.
    let with = d
        .enroll(
            "designation:modern_work",
            "",
            "2022-11-01",
            "2023-11-01",
            "solutions_partner",
        )
        .on("2023-03-02");
    assert!(!with.legacy_benefits.unwrap().may_retain);
}

// ---- Teamwork Deployment ------------------------------------------------------------------

const SERVICES: [&str; 4] = ["Exchange", "SharePoint", "Teams", "Yammer"];

/// Passes every Teamwork Deployment requirement on 2024-07-25 (data month 2024-06).
fn teamwork() -> Data {
    let mut d = Data::new()
        .enroll(
            "designation:modern_work",
            "",
            "2024-01-01",
            "2025-01-01",
            "solutions_partner",
        )
        .enroll(
            "specialization:teamwork_deployment",
            "",
            "2024-02-01",
            "2025-02-01",
            "",
        )
        .cert("a", "Messaging Administrator Associate", "2023-01-01")
        .cert("b", "Messaging Administrator Associate", "2023-01-01")
        .cert("c", "Teams Administrator Associate", "2023-01-01")
        .cert("d", "Teams Administrator Associate", "2023-01-01");
    for r in 0..3 {
        d = d.reference(
            "specialization:teamwork_deployment",
            "2024-03-01",
            "approved",
            &format!("2024-04-0{}", r + 1),
        );
    }
    for i in 0..12 {
        let t = format!("W{i}");
        d = d.assoc(&t, "CPOR", "", "2024-01-15");
        for x in Month::range("2023-06".parse().unwrap(), "2024-06".parse().unwrap()) {
            for w in SERVICES {
                d = d.usage(&t, w, &x.to_string(), 1000, 250);
            }
        }
    }
    // Dates up to 2026-04 are asked about.
    d.covering("2024-07", "2026-03")
}

fn teamwork_req(p: &PartnerStanding, id: &str) -> (bool, String) {
    let s = p
        .specializations
        .iter()
        .find(|s| s.specialization == "teamwork_deployment")
        .unwrap();
    let r = s.requirements.iter().find(|r| r.requirement == id).unwrap();
    (r.met, r.detail.clone())
}

fn teamwork_met(p: &PartnerStanding) -> bool {
    p.specializations
        .iter()
        .find(|s| s.specialization == "teamwork_deployment")
        .unwrap()
        .met
}

#[test]
fn teamwork_deployment_passes() {
    let p = teamwork().on("2024-07-25");
    assert!(teamwork_met(&p), "{:#?}", p.specializations[0]);
    let s = &p.specializations[0];
    assert_eq!(s.held.as_ref().unwrap().phase, "active");
}

#[test]
fn teamwork_fails_without_the_prerequisite() {
    let mut d = teamwork();
    d.enrollments.retain(|e| !e.contains("designation:"));
    let p = d.on("2024-07-25");
    assert!(!teamwork_met(&p));
    assert!(!teamwork_req(&p, "prerequisite").0);
    assert_eq!(
        p.specializations[0].held.as_ref().unwrap().phase,
        "prerequisite_lost"
    );
}

#[test]
fn teamwork_fails_on_mau_growth() {
    // Yammer and Teams without growth: only 2 services grow.
    let mut d = teamwork();
    d.usage
        .retain(|u| !(u.contains(",Yammer,") || u.contains(",Teams,")) || !u.contains("2024-06"));
    d.usage = d
        .usage
        .iter()
        .map(|u| {
            if u.contains(",Yammer,2024-06") || u.contains(",Teams,2024-06") {
                u.replace(",250", ",0")
            } else {
                u.clone()
            }
        })
        .collect();
    let p = d.on("2024-07-25");
    let (met, detail) = teamwork_req(&p, "mau_growth");
    assert!(!met, "{detail}");
    assert!(!teamwork_met(&p));
}

#[test]
fn teamwork_fails_on_active_usage() {
    // 19% active on every service.
    let mut d = teamwork();
    d.usage = d
        .usage
        .iter()
        .map(|u| u.replace(",1000,250", ",1316,250"))
        .collect();
    let p = d.on("2024-07-25");
    let (met, detail) = teamwork_req(&p, "active_usage");
    assert!(!met, "{detail}");
    assert!(teamwork_req(&p, "mau_growth").0);
}

#[test]
fn teamwork_fails_on_new_customers() {
    // One tenant was already a customer a year ago: 11 new.
    let mut d = teamwork();
    d.assocs[0] = "P1,W0,CPOR,,2023-01-15,".into();
    let p = d.on("2024-07-25");
    let (met, detail) = teamwork_req(&p, "new_customers");
    assert!(!met, "{detail}");
}

#[test]
fn teamwork_knowledge_needs_different_people_or_the_retired_alternative() {
    // The same two people hold both certifications: not 2 + 2 different people.
    let mut d = teamwork();
    d.certs = vec![
        "P1,a,Messaging Administrator Associate,2023-01-01,".into(),
        "P1,b,Messaging Administrator Associate,2023-01-01,".into(),
        "P1,a,Teams Administrator Associate,2023-01-01,".into(),
        "P1,b,Teams Administrator Associate,2023-01-01,".into(),
    ];
    assert!(!teamwork_req(&d.on("2024-07-25"), "knowledge").0);
    // Four holders of the retired Teamwork Administrator Associate still qualify.
    for p in ["w", "x", "y", "z"] {
        d = d.cert(
            p,
            "Microsoft 365 Certified: Teamwork Administrator Associate",
            "2020-01-01",
        );
    }
    assert!(teamwork_req(&d.on("2024-07-25"), "knowledge").0);
}

#[test]
fn teamwork_needs_three_approved_references_within_two_years() {
    let mut d = teamwork();
    d.references.pop();
    d = d.reference(
        "specialization:teamwork_deployment",
        "2024-05-01",
        "pending",
        "",
    );
    let (met, detail) = teamwork_req(&d.on("2024-07-25"), "customer_references");
    assert!(!met);
    assert_eq!(detail, "2 of 3 approved, 1 pending");
    // Approved more than two years before the date: no longer valid.
    let old = teamwork().on("2026-04-05");
    let (met, detail) = teamwork_req(&old, "customer_references");
    assert!(!met, "{detail}");
    assert!(detail.contains("older than 2 years"), "{detail}");
}

#[test]
fn teamwork_before_2022_10_03_needs_gold_cloud_productivity() {
    let d = Data::new().enroll(
        "competency:cloud_productivity",
        "silver",
        "2022-01-01",
        "2023-01-01",
        "",
    );
    let p = d.on("2022-09-01");
    let (met, detail) = teamwork_req(&p, "prerequisite");
    assert!(!met);
    assert!(
        detail.contains("gold") && detail.contains("holds silver"),
        "{detail}"
    );
    let g = Data::new().enroll(
        "competency:cloud_productivity",
        "gold",
        "2022-01-01",
        "2023-01-01",
        "",
    );
    assert!(teamwork_req(&g.on("2022-09-01"), "prerequisite").0);
}

#[test]
fn specialization_renewal_cycle() {
    // The designation is renewed, so the prerequisite holds throughout.
    let d = teamwork().enroll(
        "designation:modern_work",
        "",
        "2025-01-05",
        "2026-01-05",
        "solutions_partner",
    );
    let phase = |date: &str| d.on(date).specializations[0].held.clone().unwrap().phase;
    // Anniversary 2025-02-01: window opens 60 days before, grace 30 days after.
    assert_eq!(phase("2024-12-02"), "active");
    assert_eq!(phase("2024-12-03"), "renewal_window");
    assert_eq!(phase("2025-02-01"), "renewal_window");
    assert_eq!(phase("2025-02-02"), "grace");
    assert_eq!(phase("2025-03-03"), "grace");
    assert_eq!(phase("2025-03-04"), "lapsed");
    // Without the designation's renewal the prerequisite is lost.
    assert_eq!(
        teamwork().on("2025-02-15").specializations[0]
            .held
            .clone()
            .unwrap()
            .phase,
        "prerequisite_lost"
    );
}

#[test]
fn other_modern_work_specializations_report_what_cannot_be_checked() {
    let p = teamwork().on("2024-07-25");
    let s = p
        .specializations
        .iter()
        .find(|s| s.specialization == "modernize_endpoints")
        .unwrap();
    assert!(!s.met);
    assert!(
        s.requirements
            .iter()
            .any(|r| !r.checked && r.detail.contains("not checkable"))
    );
    assert!(
        s.requirements
            .iter()
            .any(|r| r.requirement == "prerequisite" && r.met)
    );
}

// ---- benefits -----------------------------------------------------------------------

#[test]
fn modern_work_specialization_benefits_stack_up_to_three() {
    let mut d = teamwork();
    for s in [
        "adoption_and_change_management",
        "calling_for_microsoft_teams",
        "modernize_endpoints",
    ] {
        d = d.enroll(
            &format!("specialization:{s}"),
            "",
            "2024-02-01",
            "2025-02-01",
            "",
        );
    }
    let p = d.on("2024-07-25");
    let pkg = |id: &str| p.benefits.iter().find(|b| b.package == id);
    assert_eq!(pkg("solutions_partner_modern_work").unwrap().count, 1);
    let spec = pkg("modern_work_specialization").unwrap();
    assert_eq!(spec.count, 3, "4 held, 3 stack");
    assert!(spec.reason.contains("4 specializations held"));
}

#[test]
fn choosing_legacy_benefits_replaces_the_solutions_partner_package() {
    let d = Data::new().enroll(
        "designation:modern_work",
        "",
        "2023-10-01",
        "2024-10-01",
        "legacy",
    );
    let p = d.on("2024-07-25");
    let ids: Vec<&str> = p.benefits.iter().map(|b| b.package.as_str()).collect();
    assert_eq!(ids, ["legacy"]);
}

// ---- regressions found by the sample data's checks -------------------------------------

#[test]
fn enrolled_window_runs_to_the_anniversary() {
    let p = enrolled_partner().on("2024-02-10");
    let m = mw(&p);
    assert_eq!(m.window_start.to_string(), "2024-05-01");
    assert_eq!(m.window_end.to_string(), "2024-10-01");
    assert!(m.window_start <= m.window_end);
    assert!(m.qualifying_months.is_empty(), "nothing in force yet");
}

#[test]
fn prerequisite_detail_uses_the_status_in_words() {
    let mut d = teamwork();
    d.enrollments.retain(|e| !e.contains("designation:"));
    let (_, detail) = teamwork_req(&d.on("2024-07-25"), "prerequisite");
    assert!(detail.ends_with("status: in progress"), "{detail}");
}

#[test]
fn a_reference_reviewed_after_the_date_is_still_pending() {
    let mut d = teamwork();
    d.references.pop();
    d = d.reference(
        "specialization:teamwork_deployment",
        "2024-05-01",
        "approved",
        "2024-08-01",
    );
    let (met, detail) = teamwork_req(&d.on("2024-07-25"), "customer_references");
    assert!(!met);
    assert_eq!(detail, "2 of 3 approved, 1 pending");
    assert!(teamwork_req(&d.on("2024-08-01"), "customer_references").0);
}

#[test]
fn specializations_whose_prerequisite_is_lost_earn_no_benefits() {
    // The Modern Work designation lapses after 2025-01-31; the Teamwork specialization,
    // held until 2025-02-01, loses its prerequisite and earns no specialization benefits.
    let d = teamwork().enroll(
        "designation:security",
        "",
        "2025-01-10",
        "2026-01-10",
        "solutions_partner",
    );
    let p = d.on("2025-02-01");
    assert_eq!(
        p.specializations[0].held.as_ref().unwrap().phase,
        "prerequisite_lost"
    );
    assert!(
        !p.benefits
            .iter()
            .any(|b| b.package == "modern_work_specialization"),
        "{:?}",
        p.benefits
    );
}

#[test]
fn dates_outside_the_data_are_refused_and_months_it_cannot_compute_marked() {
    // Usage 2023-06 ..= 2024-06 only.
    let mut d = teamwork();
    d.usage.retain(|r| !r.starts_with("UNASSOCIATED"));
    for date in ["2024-09-01", "2023-07-15", "1999-01-01"] {
        match d.try_on(date) {
            Err(StatusError::NotCovered { month, covered, .. }) => {
                assert_eq!(covered, "m365_usage 2023-06..2024-06");
                assert!(
                    !(Month::range("2023-06".parse().unwrap(), "2024-06".parse().unwrap())
                        .any(|x| x == month))
                );
            }
            other => panic!("{date}: {:?}", other.map(|s| s.month)),
        }
    }
    // On 2024-07-25 the data month is 2024-06: Modern Work reads 2023-06 ..= 2024-06,
    // which the data has; the months before read 2023-05 and earlier, which it lacks.
    let p = d.on("2024-07-25");
    for h in &p.history {
        let mw = h.areas.iter().find(|a| a.area == "modern_work").unwrap();
        if h.month.to_string() == "2024-06" {
            assert!(mw.missing_months.is_empty());
        } else {
            assert!(!mw.missing_months.is_empty(), "{}", h.month);
            assert!(!mw.qualified);
        }
    }
    let months: Vec<String> = mw(&p)
        .not_computable_months
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(!months.contains(&"2024-06".to_string()), "{months:?}");
}

#[test]
fn a_prerequisite_without_enrollment_says_what_the_data_supports() {
    // The data supports gold Cloud Productivity, but no enrollment is recorded.
    let gold = legacy_partner(4000)
        .exam("p1", "70-346", "2019-01-01")
        .exam("p1", "70-347", "2019-02-01")
        .cert("p2", "MCSA: Office 365", "2019-03-01");
    let (met, detail) = teamwork_req(&gold.on("2022-09-15"), "prerequisite");
    assert!(!met);
    assert_eq!(
        detail,
        "needs a gold Cloud Productivity competency; the data of 2022-07 supports gold, \
         but no Cloud Productivity enrollment is recorded"
    );
    let none = legacy_partner(10);
    let (_, detail) = teamwork_req(&none.on("2022-09-15"), "prerequisite");
    assert!(
        detail.ends_with("supports no level, and no Cloud Productivity enrollment is recorded"),
        "{detail}"
    );
}

#[test]
fn a_designation_prerequisite_names_the_area_and_the_status_in_words() {
    let d = Data::new().qualifying_mw("2023-06");
    let (met, detail) = teamwork_req(&d.on("2024-02-25"), "prerequisite");
    assert!(!met);
    assert_eq!(
        detail,
        "needs the Modern Work designation (enrolled); status: qualified"
    );
}
