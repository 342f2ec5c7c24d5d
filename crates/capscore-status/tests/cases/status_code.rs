//! Status code paths that are not rule cases: the refresh calendar function, the history
//! the standing carries, refusals of dates outside the data, requirements that cannot be
//! checked. The status rules of docs/rules.md §5–§8 on both sides of their dates are cases
//! in cases/{designations,legacy,specializations}/ (docs/cases.md).

use capscore_catalog::Catalog;
use capscore_core::{Month, parse_date};
use capscore_status::{PartnerStanding, StatusError, StatusRequest, status};

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

// ---- enrollment, anniversary, renewal ----------------------------------------------

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

// ---- regressions found by the sample data's checks -------------------------------------

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
