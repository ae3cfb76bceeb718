"""N1541 scenarios: stays that cross (or just do not cross) the 365 / 1,095-day limit, and their truth.

The truth is computed here by walking the days of each constructed case, independently of the dbt models:
- a stay day or a registered weekend / vakantie leave day is counted (R-N1541-4);
- a day without stay or leave (or with an 'overig' interruption) is a gap day, not counted (R-N1541-3);
- a run of 31 or more gap days ends the period; counting restarts at 1 on the next stay day (R-N1541-5);
- a counted day is past the limit when its number exceeds the limit in force on that day (365 up to
  2017-12-31, 1,095 from 2018-01-01; R-N1541-2); the first such day is the cut-off (R-N1541-8);
- only Zvw-financed stay counts (R-N1541-6): a stay or leave day inside a DBC financed otherwise (forensic care,
  Wlz) is a gap day (D-72).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

D = date.fromisoformat


def limit_on(day: date) -> int:
    return 365 if day <= date(2017, 12, 31) else 1095


@dataclass
class Case:
    scenario: str
    stays: list[tuple[str, str]]
    dbcs: list[tuple[str, str]]
    leave: list[tuple[str, str, str]] = field(default_factory=list)  # (soort, begin, end)
    niet_zvw: dict[int, str] = field(default_factory=dict)  # DBC index -> its financing when not zvw

    def financiering(self, j: int) -> str:
        return self.niet_zvw.get(j, "zvw")

    def niet_zvw_days(self) -> set[date]:
        """The days inside a DBC not financed by the Zvw: their stay and leave do not count."""
        return {d for j, (a, b) in enumerate(self.dbcs) if j in self.niet_zvw for d in _days(a, b)}


def _days(a: str, b: str):
    d, end = D(a), D(b)
    while d <= end:
        yield d
        d += timedelta(days=1)


def day_statuses(case: Case) -> dict[date, str]:
    """Every stay or leave day of the case: 'stay', 'weekend', 'vakantie' or 'overig'."""
    status: dict[date, str] = {}
    for a, b in case.stays:
        for d in _days(a, b):
            status[d] = "stay"
    for soort, a, b in case.leave:
        for d in _days(a, b):
            status[d] = soort
    return status


def walk(status: dict[date, str], not_counted: set[date] = frozenset()) -> list[tuple[date, str, int | None, bool]]:
    """(day, status, counted day number or None, past the limit) for every day from first to last; a day in
    `not_counted` (not financed by the Zvw) keeps its status but counts as a gap day."""
    out: list[tuple[date, str, int | None, bool]] = []
    if not status:
        return out
    day, last = min(status), max(status)
    count, gap = 0, 0
    while day <= last:
        s = status.get(day, "gap")
        if s in ("stay", "weekend", "vakantie") and day not in not_counted:
            if gap >= 31:
                count = 0
            gap = 0
            count += 1
            out.append((day, s, count, count > limit_on(day)))
        else:
            gap += 1
            out.append((day, s, None, False))
        day += timedelta(days=1)
    return out


def brief_cases() -> list[Case]:
    """The worked examples of BRIEF 4.3, literally."""
    a_b = [("2016-06-01", "2016-12-31"), ("2017-01-01", "2017-12-31")]
    return [
        Case("n1541_case1_370_dagen", [("2016-06-01", "2017-06-05")], a_b),
        Case("n1541_case2_onderbreking_20", [("2016-06-01", "2017-03-31"), ("2017-04-21", "2017-06-25")], a_b),
        Case("n1541_case3_onderbreking_31", [("2016-06-01", "2017-03-31"), ("2017-05-02", "2017-06-25")], a_b),
        Case("n1541_case4_weekendverlof", [("2016-06-01", "2017-03-31"), ("2017-04-03", "2017-06-05")], a_b,
             [("weekend", "2017-04-01", "2017-04-02")]),
        Case("n1541_case4b_afwezig_2_dagen", [("2016-06-01", "2017-03-31"), ("2017-04-03", "2017-06-05")], a_b),
        Case("n1541_case5a_400_dagen_2018", [("2018-03-01", "2019-04-04")],
             [("2018-03-01", "2019-02-28"), ("2019-03-01", "2019-12-31")]),
        Case("n1541_case5b_1096_dagen", [("2018-01-01", "2021-01-05")],
             [("2018-01-01", "2018-12-31"), ("2019-01-01", "2019-12-31"), ("2020-01-01", "2020-12-30"),
              ("2020-12-31", "2021-06-30")]),
        Case("n1541_case6a_precies_365", [("2017-01-01", "2017-12-31")], [("2017-01-01", "2017-12-31")]),
        Case("n1541_case6b_onderbreking_30", [("2016-06-01", "2017-03-31"), ("2017-05-01", "2017-07-10")], a_b),
    ]


def financing_cases() -> list[Case]:
    """Only Zvw-financed stay counts (R-N1541-6, D-72): case 1 of BRIEF 4.3 with other financing."""
    a_b = [("2016-06-01", "2016-12-31"), ("2017-01-01", "2017-12-31")]
    return [
        # forensic care throughout: 370 days of stay, none billed to the Zvw, no finding
        Case("n1541_case7_forensisch", [("2016-06-01", "2017-06-05")], a_b,
             niet_zvw={0: "forensisch", 1: "forensisch"}),
        # the 2016 DBC under the Wlz: counting starts on 2017-01-01, 156 days by 2017-06-05, no finding
        Case("n1541_case8_eerst_wlz", [("2016-06-01", "2017-06-05")], a_b, niet_zvw={0: "wlz"}),
        # the days past the limit under forensic care: nothing Zvw-billed is unlawful
        Case("n1541_case9_daarna_forensisch", [("2016-06-01", "2017-06-05")],
             [("2016-06-01", "2017-05-31"), ("2017-06-01", "2017-12-31")], niet_zvw={1: "forensisch"}),
        # a 20-day forensic DBC between Zvw ones is a gap of 20 days: the period goes on, day 366 = 2017-06-21
        Case("n1541_case10_forensisch_tussendoor", [("2016-06-01", "2017-06-25")],
             [("2016-06-01", "2016-12-31"), ("2017-01-01", "2017-01-20"), ("2017-01-21", "2017-12-31")],
             niet_zvw={1: "forensisch"}),
    ]


def zpm_cases() -> list[Case]:
    """The stay limit under the zorgprestatiemodel (N1541ZPM, D-78): a stay begun under DBCs (up to 2021) and
    continued as ZPM stay days (from 2022) is one stay; stay days from 2022 on are delivered as ZPM stay days."""
    dbcs_2020 = [("2020-07-01", "2021-06-30"), ("2021-07-01", "2021-12-31")]
    return [
        # day 1,096 = 2023-07-01: the stay days of 2023-07-01..12-31 are unlawful (184)
        Case("n1541zpm_1096_dagen", [("2020-07-01", "2023-12-31")], dbcs_2020),
        # exactly 1,095 days: no finding
        Case("n1541zpm_precies_1095", [("2020-07-01", "2023-06-30")], dbcs_2020),
        # January 2022 not registered (31 days): the stay ends, counting restarts on 2022-02-01: no finding
        Case("n1541zpm_onderbreking_31", [("2020-07-01", "2021-12-31"), ("2022-02-01", "2023-12-31")], dbcs_2020),
        # 30 days not registered: the stay goes on, the days do not count: day 1,096 = 2023-07-31
        Case("n1541zpm_onderbreking_30", [("2020-07-01", "2021-12-31"), ("2022-01-31", "2023-12-31")], dbcs_2020),
        # weekend leave counts (2022) but is not billed (2023, past the limit): 182 unlawful stay days
        Case("n1541zpm_weekendverlof", [("2020-07-01", "2022-03-04"), ("2022-03-07", "2023-08-04"),
                                        ("2023-08-07", "2023-12-31")], dbcs_2020,
             [("weekend", "2022-03-05", "2022-03-06"), ("weekend", "2023-08-05", "2023-08-06")]),
        # the limit passed in 2022: a finding for 2022 and one for 2023
        Case("n1541zpm_twee_jaren", [("2019-10-01", "2023-03-31")],
             [("2019-10-01", "2020-09-29"), ("2020-09-30", "2021-09-29"), ("2021-09-30", "2021-12-31")]),
    ]


def _dbc_chain(start: date, end: date, rng: random.Random) -> list[tuple[str, str]]:
    """Consecutive DBCs of at most 365 days covering start..end (N1395)."""
    out, d = [], start
    while d <= end:
        length = rng.randint(200, 365)
        stop = min(d + timedelta(days=length - 1), end)
        out.append((d.isoformat(), stop.isoformat()))
        d = stop + timedelta(days=1)
    return out


def random_cases(n: int, seed: int) -> list[Case]:
    """Variants around both limits: a gap of 1-45 days (sometimes a registered 'overig' interruption) and
    weekend leave, with totals on both sides of the limit."""
    rng = random.Random(seed * 7919 + 1541)
    cases = []
    for k in range(n):
        if k % 2 == 0:  # the 2017 rule: a stay from 2016 into 2017
            start = D("2016-02-01") + timedelta(days=rng.randint(0, 300))
            total = rng.randint(330, 420)
        else:  # the 2018+ rule: a stay from 2018 into 2021
            start = D("2018-01-01") + timedelta(days=rng.randint(0, 60))
            total = rng.randint(1050, 1140)
        gap_len = rng.choice([rng.randint(1, 30), rng.randint(25, 35), rng.randint(31, 45)])
        gap_at = rng.randint(30, total - 30)
        first_end = start + timedelta(days=gap_at - 1)
        second_start = first_end + timedelta(days=gap_len + 1)
        end = start + timedelta(days=total + gap_len - 1)
        stays = [(start.isoformat(), first_end.isoformat()), (second_start.isoformat(), end.isoformat())]
        leave = []
        if rng.random() < 0.4:
            leave.append(("overig", (first_end + timedelta(days=1)).isoformat(),
                          (second_start - timedelta(days=1)).isoformat()))
        # weekend leave: a few weekends inside the stays become leave instead of stay
        status = {}
        for a, b in stays:
            status.update({d: 1 for d in _days(a, b)})
        weekends = [d for d in status if d.weekday() == 5 and d + timedelta(days=1) in status]
        for sat in rng.sample(weekends, k=min(len(weekends), rng.randint(0, 6))):
            leave.append(("weekend", sat.isoformat(), (sat + timedelta(days=1)).isoformat()))
        stays = _split_stays_around(stays, [(a, b) for s, a, b in leave if s == "weekend"])
        cases.append(Case(f"n1541_variant_{k:04d}", stays, _dbc_chain(start, end, rng), leave))
    return cases


def _split_stays_around(stays: list[tuple[str, str]], holes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    days = set()
    for a, b in stays:
        days.update(_days(a, b))
    for a, b in holes:
        days.difference_update(_days(a, b))
    return _runs(sorted(days))


def _runs(days: list[date]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for d in days:
        if out and D(out[-1][1]) + timedelta(days=1) == d:
            out[-1] = (out[-1][0], d.isoformat())
        else:
            out.append((d.isoformat(), d.isoformat()))
    return out
