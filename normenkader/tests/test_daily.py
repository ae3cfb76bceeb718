"""Daily deliveries (issue 9): a first full delivery and two change deliveries, loaded and built day by day with
incremental staging, give the same marts, row for row, as the full delivery of the last day built at once (the
session warehouse). The generator's change deliveries are checked first, in plain Python, to turn the first
delivery into exactly that full delivery: the expectation does not come from the SQL under test."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from normenkader import PROJECT_ROOT
from normenkader.contract import load_contract
from normenkader.generate.daily import daily_peildatums, generate_daily
from normenkader.load import DeliveryError, load
from normenkader.tests.conftest import SCALE, SEED
from normenkader.warehouse import NIGHTLY_BUILD, run_dbt

PEILDATUM = "2025-03-01"
DAYS = 2
# kwaliteit describes the deliveries themselves (a row count per delivery of the chain), so it differs by design;
# the history mart keeps a row per delivery built; VOLATILE columns are build stamps
COMPARED_SCHEMAS = ("massa", "normen", "var", "volume")
HISTORY = ("massa.rpt_massa_aansluiting_historie", "normen.fct_norm_bevindingen_historie")
# the findings' history knows the days before (D-79): a full build of the last day alone sees every finding first
# on that day, so the findings of the last day must be the same, not when they were first seen or resolved
HISTORY_ONLY = {"normen.fct_norm_bevindingen_historie": ("eerste_gezien", "status", "opgelost_op")}
# the intermediate models rebuilt per dirty key (D-77) are compared too, with the key column each row has; _built_at
# stamps their rebuilds
INCREMENTAL = {"intermediate.int_bmodel__factuurregel": "factuurregel_id",
               "intermediate.int_bmodel__zorgactiviteit": "zorgactiviteit_id",
               "intermediate.int_factuurregels_beoordeeld": "factuurregel_id",
               "intermediate.int_verrijkte_massa": "patient_id",
               "intermediate.int_bmodel__subtraject_kenmerken": "subtraject_id",
               "intermediate.int_normen__subtraject_sluitregel": "patient_id",
               "intermediate.int_bmodel__subtraject": "subtraject_id",
               "intermediate.int_bmodel__zpm_prestatie": "prestatie_id",
               "intermediate.int_bmodel__zpm_zorgtraject": "zorgtraject_id",
               "intermediate.int_bmodel__ggz_verblijfsdag": "deelprestatie_id",
               "intermediate.int_bmodel__ggz_verlofdag": "verlof_id",
               "intermediate.int_bmodel__ggz_tijdschrijf": "tijdschrijf_id"}
GGZ_DBC_ERA = [t for t in INCREMENTAL if "__ggz_" in t]
B_MODEL = list(INCREMENTAL)[:3]  # the models per invoice line and per activity
# the VAR building blocks rebuilt per year and per prognose moment (D-63), keyed within the institution by
VAR_INCREMENTAL = {"intermediate.int_var__realisatie_componenten": "cast(jaar as varchar)",
                   "intermediate.int_var__prognose_componenten": "soort || '|' || cast(prognosedatum as varchar)"}
# build stamps; _peildatum is the peildatum a VAR realisatie row was built with: a year the nights since did not
# touch keeps the earlier one
VOLATILE = ("built_at", "_built_at", "_peildatum", "_applied_at")
# the delivery a B-model row's version came from: a day's chain delivered an unchanged row on an earlier day than the
# last day's full delivery did
PROVENANCE = ("delivery_id",)


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="|", quotechar='"'))


def _write_rows(path: Path, columns: list[str], rows: list[dict]) -> None:
    """An extract file as the source system writes it (the reverse of _rows)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, columns, delimiter="|", quoting=csv.QUOTE_ALL)
        w.writeheader()
        w.writerows(rows)


@pytest.fixture(scope="module")
def daily(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("daily") / "deliveries"
    stats = generate_daily(SCALE, SEED, root, PEILDATUM, DAYS, echo=lambda *a: None)
    assert stats["peildatums"] == daily_peildatums(PEILDATUM, DAYS)
    return root


def test_change_deliveries_turn_the_first_delivery_into_the_last_days_full_delivery(daily, warehouse):
    contract = load_contract()
    first, *changes = daily_peildatums(PEILDATUM, DAYS)
    mutaties = {"N": 0, "W": 0, "V": 0}
    for inst in ("ziekenhuis_demo", "ggz_demo"):
        for e in (x for x in contract.extracts if (daily / inst / first / x.file_name).exists()):
            state = {tuple(r[k] for k in e.key): r for r in _rows(daily / inst / first / e.file_name)}
            for day in changes:
                manifest = json.loads((daily / inst / day / "levering.json").read_text())
                assert manifest["soort"] == "mutatie" and manifest["basis"] < day
                for r in _rows(daily / inst / day / e.file_name):
                    key, m = tuple(r[k] for k in e.key), r.pop("mutatie")
                    mutaties[m] += 1
                    assert (key in state) == (m != "N"), f"{inst}/{day} {e.name} {key}: {m}"
                    if m == "V":
                        del state[key]
                    else:
                        state[key] = r
            full = {tuple(r[k] for k in e.key): r for r in _rows(warehouse.deliveries / inst / PEILDATUM / e.file_name)}
            assert state == full, f"{inst} {e.name}: the changes do not reproduce the full delivery of {PEILDATUM}"
    # every kind of change occurs, or the comparison below would not exercise it
    assert min(mutaties.values()) > 0, mutaties


def _table_rows(con, table: str) -> tuple[list[str], str]:
    cols = [c for (c,) in con.execute(f"""select column_name from information_schema.columns
        where table_catalog = current_database() and table_schema || '.' || table_name = '{table}'
        order by ordinal_position""").fetchall()
        if c not in VOLATILE and not (table in INCREMENTAL and c in PROVENANCE)
        and c not in HISTORY_ONLY.get(table, ())]
    return cols, ", ".join(f'"{c}"' for c in cols)


def mart_differences(day_db: Path, full_db: Path) -> dict[str, str]:
    """Per compared mart, the rows one build has and the other not (multisets), as a short description."""
    out = {}
    with duckdb.connect(str(day_db), read_only=True) as con:
        con.execute(f"attach '{full_db}' as full_build (read_only)")
        tables = [f"{s}.{t}" for s, t in con.execute(f"""select table_schema, table_name
            from information_schema.tables where table_catalog = current_database()
                and table_schema in {COMPARED_SCHEMAS} order by 1, 2""").fetchall()]
        # every intermediate table rebuilt per dirty key (it stamps `_built_at`, D-77), listed below or not
        tables += sorted({*INCREMENTAL, *VAR_INCREMENTAL} | {f"{s}.{t}" for s, t in con.execute(
            """select table_schema, table_name from information_schema.columns where table_catalog = current_database()
                and table_schema = 'intermediate' and column_name = '_built_at'""").fetchall()})
        assert len(tables) >= 30
        for table in tables:
            # the history keeps the reconciliation of every delivery built: the last day's must be the same
            where = f" where peildatum = date '{PEILDATUM}'" if table in HISTORY else ""
            where += " and status != 'opgelost'" if table in HISTORY_ONLY else ""
            if differs := _table_differences(con, table, where):
                out[table] = differs
    return out


def _table_differences(con, table: str, where: str = "") -> str:
    """The rows `table` has in this database and not in the attached `full_build`, and the reverse (multisets,
    build stamps left out), as a short description; empty when they are equal."""
    _, cols = _table_rows(con, table)
    parts = []
    for a, b in (("", "full_build."), ("full_build.", "")):
        q = f"select {cols} from {a}{table}{where} except all select {cols} from {b}{table}{where}"
        n = con.execute(f"select count(*) from ({q})").fetchone()[0]
        if n:
            parts.append(f"{n} rows only in the {'day-by-day' if a == '' else 'full'} build: "
                         f"{con.execute(q + ' limit 2').fetchall()}")
    return "; ".join(parts)


def _changed_keys(folder: Path, extract: str, column: str | None = None) -> set[tuple[str, str]]:
    """(institution, key) of every row a change delivery's file holds, from the file itself; or (institution,
    `column`) of those rows, where filled in."""
    e = load_contract().by_name(extract)
    column = column or e.key[0]
    return {(folder.parent.name, r[column]) for r in _rows(folder / e.file_name) if r[column]}


def test_day_by_day_incremental_build_equals_the_full_build(daily, warehouse, tmp_path):
    db = tmp_path / "daily.duckdb"
    for day in daily_peildatums(PEILDATUM, DAYS):
        for inst in ("ziekenhuis_demo", "ggz_demo"):
            load(daily / inst / day, db, echo=lambda *a: None)
        # the nightly job: the production build; staging applies only the new delivery
        run_dbt([*NIGHTLY_BUILD, "--quiet"], db)
    with duckdb.connect(str(db), read_only=True) as con:
        chain = con.execute("select institution, count(*), max(peildatum)::varchar from staging.stg_delivery__chain "
                            "group by 1 order by 1").fetchall()
        applied = con.execute("select count(distinct _version_delivery_id) from staging.base_msz__factuurregel_current"
                              ).fetchone()[0]
        deleted = con.execute("select count(*) from staging.base_msz__zorgactiviteit_current where _is_deleted"
                              ).fetchone()[0]
        # each night checked only its own delivery: one stamp per delivery, later for each later delivery (the
        # stamp a night's tests on the checked tables read from, D-61)
        checked = con.execute("""select _delivery_id, count(distinct _checked_at), min(_checked_at)
            from staging.base_msz__zorgactiviteit_checked group by 1 order by 1""").fetchall()
        # per incremental table every key, and the keys the last night rebuilt (the rows stamped by its build)
        keys = {t: con.execute(f"""select list(institution || '|' || {k}), list(institution || '|' || {k})
            filter (where _built_at = (select max(_built_at) from {t})) from {t}""").fetchone()
                for t, k in (INCREMENTAL | VAR_INCREMENTAL).items()}
        stamps = {t: con.execute(f"select max(_built_at) from {t}").fetchone()[0] for t in INCREMENTAL}
        # the verrijkte massa is rebuilt per patient: the patients of the delivered lines in the onderzoeksmassa
        last, ggz = daily / "ziekenhuis_demo" / PEILDATUM, daily / "ggz_demo" / PEILDATUM
        regels = {f"{i}|{k}" for i, k in _changed_keys(last, "factuurregel")}
        delivered = {"intermediate.int_bmodel__factuurregel": regels,
                     "intermediate.int_factuurregels_beoordeeld": regels,
                     "intermediate.int_bmodel__zorgactiviteit": {
                         f"{i}|{k}" for i, k in _changed_keys(last, "zorgactiviteit")},
                     # the subtrajecten the delivered subtrajecten, activities and lines name (D-62)
                     "intermediate.int_bmodel__subtraject_kenmerken": {
                         f"{i}|{k}" for x in ("subtraject", "zorgactiviteit", "factuurregel")
                         for i, k in _changed_keys(last, x, "subtraject_id")},
                     "intermediate.int_bmodel__subtraject": {
                         f"{i}|{k}" for i, k in _changed_keys(last, "subtraject")},
                     # the patients of the delivered subtrajecten (D-62)
                     "intermediate.int_normen__subtraject_sluitregel": {
                         f"{i}|{k}" for i, k in _changed_keys(last, "subtraject", "patient_id")},
                     # the delivered prestaties and stay days (D-63)
                     "intermediate.int_bmodel__zpm_prestatie": {
                         f"{i}|{k}" for x in ("zpm_zorgprestatie", "zpm_verblijfsdag")
                         for i, k in _changed_keys(ggz, x)},
                     # the GGZ B-model per source row: the delivered stays, leave and registrations (D-64)
                     "intermediate.int_bmodel__ggz_verblijfsdag": {
                         f"{i}|{k}" for i, k in _changed_keys(ggz, "ggz_verblijf")},
                     "intermediate.int_bmodel__ggz_verlofdag": {
                         f"{i}|{k}" for i, k in _changed_keys(ggz, "ggz_verlof")},
                     "intermediate.int_bmodel__ggz_tijdschrijf": {
                         f"{i}|{k}" for i, k in _changed_keys(ggz, "ggz_tijdschrijf")}}
        delivered["intermediate.int_verrijkte_massa"] = {r[0] for r in con.execute("""
            select distinct r.institution || '|' || r.patient_id
            from intermediate.int_bmodel__factuurregel as r
            inner join intermediate.int_factuurregels_in_onderzoeksmassa as m
                on r.institution = m.institution and r.factuurregel_id = m.factuurregel_id
            where list_contains(?, r.institution || '|' || r.factuurregel_id)""",
            [sorted(regels)]).fetchall()}
        # a zorgtraject is rebuilt with its client: the clients of the delivered prestaties, stay days and referrals
        clienten = sorted(f"{i}|{c}" for x in ("zpm_zorgprestatie", "zpm_verblijfsdag", "zpm_verwijzing")
                          for i, c in _changed_keys(ggz, x, "client_id"))
        delivered["intermediate.int_bmodel__zpm_zorgtraject"] = {r[0] for r in con.execute("""
            select institution || '|' || zorgtraject_id from intermediate.int_bmodel__zpm_zorgtraject
            where list_contains(?, institution || '|' || client_id)""", [clienten]).fetchall()}
    assert chain == [("ggz_demo", DAYS + 1, PEILDATUM), ("ziekenhuis_demo", DAYS + 1, PEILDATUM)]
    assert applied == DAYS + 1  # the invoice lines of every day are in the state, each from its own delivery
    assert deleted > 0  # deletions went through the incremental state (and would show in the source counts)
    assert [n for _, n, _ in checked] == [1] * (DAYS + 1), checked
    assert [t for *_, t in checked] == sorted({t for *_, t in checked}), checked
    # the VAR building blocks (D-63): the last night rebuilt the years of the delivered prestaties and stay days and
    # the peildatum's year (it moved by a day), and of the prognose moments the new actueel one (the old one went);
    # the earlier years and the back-test moments (a year earlier) were kept
    years = {f"ggz_demo|{d[:4]}" for x in ("zpm_zorgprestatie", "zpm_verblijfsdag")
             for _, d in _changed_keys(ggz, x, "datum")} | {f"ggz_demo|{PEILDATUM[:4]}"}
    for table, expected in (("intermediate.int_var__realisatie_componenten", years),
                            ("intermediate.int_var__prognose_componenten", {f"ggz_demo|actueel|{PEILDATUM}"})):
        existing, rebuilt = keys.pop(table)
        assert set(rebuilt) == expected, (table, set(rebuilt))
        assert len(set(existing)) > len(expected) + 2, (table, set(existing))
    night = max(stamps.values())
    for table, (existing, rebuilt) in keys.items():
        named = delivered[table]
        if not named and table in GGZ_DBC_ERA:
            # the DBC era (before 2022) does not change in 2025: the night wrote none of its rows
            assert stamps[table] < night, table
            continue
        # every key the last change delivery names (new or changed) and that still exists was rebuilt, and the
        # night rebuilt a small part of the table, not all of it
        assert named and named & set(rebuilt), table
        assert named & set(existing) <= set(rebuilt), f"{table}: delivered keys not rebuilt"
        assert 0 < len(rebuilt) < len(existing) / 4, (table, len(rebuilt), len(existing))
    assert mart_differences(db, warehouse.db) == {}
    # every extract's current state rebuilt at once from its whole chain (the full delivery and the two change
    # deliveries after it; only the keys a change delivery names are ranked, D-65) equals the state the nights
    # applied one by one
    with duckdb.connect(str(db), read_only=True) as con:
        current = [f"staging.{t}" for (t,) in con.execute("""select table_name from information_schema.tables
            where table_schema = 'staging' and table_name like 'base%current' order by 1""").fetchall()]
    assert len(current) == len(load_contract().extracts), current
    assert _full_refresh_differences(db, tmp_path, [t.split(".")[1] for t in current], current) == {}


def test_a_change_delivery_without_its_basis_is_refused(daily, tmp_path):
    day = daily_peildatums(PEILDATUM, DAYS)[2]
    with pytest.raises(DeliveryError, match=r"change delivery on basis \d{4}-\d{2}-\d{2}, but ziekenhuis_demo has no"):
        load(daily / "ziekenhuis_demo" / day, tmp_path / "empty.duckdb", echo=lambda *a: None)
    # nor may it skip the delivery before it
    first, second, third = daily_peildatums(PEILDATUM, DAYS)[:3]
    root = tmp_path / "gap"
    for d in (first, third):
        shutil.copytree(daily / "ziekenhuis_demo" / d, root / "ziekenhuis_demo" / d)
    (root / "ziekenhuis_demo" / third / "levering.json").write_text(json.dumps({"soort": "mutatie", "basis": first}))
    load(root / "ziekenhuis_demo" / first, tmp_path / "gap.duckdb", echo=lambda *a: None)
    shutil.copytree(daily / "ziekenhuis_demo" / second, root / "ziekenhuis_demo" / second)
    with pytest.raises(DeliveryError, match=f"has a later delivery {second} before this one"):
        load(root, tmp_path / "gap.duckdb", echo=lambda *a: None)


def test_change_rows_that_break_the_contract_are_quarantined_and_a_changed_chain_is_rebuilt(warehouse, tmp_path):
    contract = load_contract()
    root, day = tmp_path / "deliveries", "2025-03-02"
    shutil.copytree(warehouse.deliveries / "ziekenhuis_demo" / PEILDATUM, root / "ziekenhuis_demo" / PEILDATUM)
    change = root / "ziekenhuis_demo" / day
    change.mkdir()
    (change / "levering.json").write_text(json.dumps({"soort": "mutatie", "basis": PEILDATUM}))
    lines = _rows(root / "ziekenhuis_demo" / PEILDATUM / "factuurregel.csv")
    bad_amount, deleted, bad_code = lines[10], lines[20], lines[30]
    for e in contract.for_sector("msz"):
        rows = []
        if e.name == "factuurregel":
            rows = [{**bad_amount, "bedrag": "12,50", "mutatie": "W"},  # line 2
                    {c: (deleted[c] if c == "factuurregel_id" else "") for c in e.column_names} | {"mutatie": "V"},
                    {**bad_code, "mutatie": "X"}]  # line 4
        _write_rows(change / e.file_name, [*e.column_names, "mutatie"], rows)
    db = tmp_path / "wh.duckdb"
    load(root, db, echo=lambda *a: None)
    run_dbt(["run", "--quiet", "--select", "+fct_quarantine_rows", "+rpt_delivery_rowcounts", "+stg_msz__factuurregel"],
            db)
    with duckdb.connect(str(db), read_only=True) as con:
        quarantined = con.execute("""select line_number, column_name, reason from kwaliteit.fct_quarantine_rows
            where delivery_id = 'ziekenhuis_demo/2025-03-02' order by line_number""").fetchall()
        counts = con.execute("""select file_rows, accepted_rows, quarantined_contract_rows
            from kwaliteit.rpt_delivery_rowcounts
            where delivery_id = 'ziekenhuis_demo/2025-03-02' and extract_name = 'factuurregel'""").fetchone()
        state = dict(con.execute("""select factuurregel_id, cast(bedrag as varchar) from staging.stg_msz__factuurregel
            where factuurregel_id in (?, ?, ?)""", [bad_amount["factuurregel_id"], deleted["factuurregel_id"],
                                                   bad_code["factuurregel_id"]]).fetchall())
        total = con.execute("select count(*) from staging.stg_msz__factuurregel").fetchone()[0]
        described = con.execute("select distinct _delivery_id from staging.stg_msz__factuurregel").fetchall()
    assert quarantined == [(2, "bedrag", 'bedrag: "12,50" is not a decimal'),
                           (4, "mutatie", 'mutatie: "X" is not N, W or V')]
    assert counts == (3, 1, 2)
    # the rejected change leaves the previous version; the key-only deletion removes the line
    assert state == {bad_amount["factuurregel_id"]: bad_amount["bedrag"],
                     bad_code["factuurregel_id"]: bad_code["bedrag"]}
    assert total == len(lines) - 1
    assert described == [("ziekenhuis_demo/2025-03-02",)]

    corrected, dropped = lines[40], lines[50]

    def state_after_build() -> tuple[int, int, str, list]:
        run_dbt(["build", "--quiet", "--select", "+int_bmodel__subtraject_kenmerken", "--exclude-resource-type",
                 "test", "unit_test"], db)
        with duckdb.connect(str(db), read_only=True) as con:
            staged = con.execute("""select count(*), count(*) filter (where factuurregel_id = ?),
                max(cast(bedrag as varchar)) filter (where factuurregel_id = ?), list(distinct _delivery_id)
                from staging.stg_msz__factuurregel""", [deleted["factuurregel_id"], corrected["factuurregel_id"]]
                                 ).fetchone()
            # the incremental B-model (D-58) follows the state, also where a chain was rebuilt
            bmodel = con.execute("""select count(*), count(*) filter (where factuurregel_id = ?),
                max(cast(bedrag as varchar)) filter (where factuurregel_id = ?)
                from intermediate.int_bmodel__factuurregel""", [deleted["factuurregel_id"],
                                                                corrected["factuurregel_id"]]).fetchone()
            # and the subtraject kenmerken per subtraject (D-62): one row per subtraject, invoiced as its lines say
            kenmerken = con.execute("""
                with verwacht as (
                    select s.institution, s.subtraject_id, coalesce(sum(r.bedrag) filter (
                        where r.regelsoort = 'DBC' and not r.is_vecozo_afgewezen), 0) as bedrag
                    from intermediate.int_bmodel__subtraject as s
                    left join intermediate.int_bmodel__factuurregel as r using (institution, subtraject_id)
                    group by all
                )
                select count(*), count(k.subtraject_id), count(v.subtraject_id),
                    count(*) filter (where k.gefactureerd_bedrag <> v.bedrag)
                from verwacht as v
                full join intermediate.int_bmodel__subtraject_kenmerken as k using (institution, subtraject_id)""",
                                    ).fetchone()
        assert bmodel == staged[:3]
        assert kenmerken[0] == kenmerken[1] == kenmerken[2] and kenmerken[3] == 0, kenmerken
        return staged

    # the full delivery re-delivered with one amount corrected: the state is rebuilt from the chain
    full_file = root / "ziekenhuis_demo" / PEILDATUM / "factuurregel.csv"
    text = full_file.read_text(encoding="utf-8")
    old_line = "|".join(f'"{corrected[c]}"' if corrected[c] else "" for c in corrected)
    assert text.count(old_line) == 1
    full_file.write_text(text.replace(old_line, old_line.replace(f'"{corrected["bedrag"]}"', '"99.99"')))

    def checked_at() -> dict:
        with duckdb.connect(str(db), read_only=True) as con:
            return dict(con.execute("""select _delivery_id, max(_checked_at)
                from staging.base_msz__factuurregel_checked group by 1""").fetchall())

    before = checked_at()
    load(root / "ziekenhuis_demo" / PEILDATUM, db, echo=lambda *a: None)
    assert state_after_build() == (len(lines) - 1, 0, "99.99", ["ziekenhuis_demo/2025-03-02"])
    # the delivery loaded again was checked again, under a new stamp (which a night's tests read from, D-61)
    after = checked_at()
    assert after[f"ziekenhuis_demo/{PEILDATUM}"] > before[f"ziekenhuis_demo/{PEILDATUM}"]
    assert after["ziekenhuis_demo/2025-03-02"] == before["ziekenhuis_demo/2025-03-02"]
    # a new full delivery starts a new chain: the deleted line is delivered again and is back; a line it no longer
    # holds (no deletion row: a full delivery is the whole state) disappears, from the B-model too
    shutil.copytree(root / "ziekenhuis_demo" / PEILDATUM, root / "ziekenhuis_demo" / "2025-03-03")
    new_full = root / "ziekenhuis_demo" / "2025-03-03" / "factuurregel.csv"
    kept = [x for x in new_full.read_text(encoding="utf-8").splitlines(keepends=True)
            if f'"{dropped["factuurregel_id"]}"' not in x]
    new_full.write_text("".join(kept), encoding="utf-8")
    load(root / "ziekenhuis_demo" / "2025-03-03", db, echo=lambda *a: None)
    assert state_after_build() == (len(lines) - 1, 1, "99.99", ["ziekenhuis_demo/2025-03-03"])
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from intermediate.int_bmodel__factuurregel where factuurregel_id = ?",
                           [dropped["factuurregel_id"]]).fetchone()[0] == 0


def test_a_malformed_manifest_or_a_misplaced_mutatie_column_stops_the_load(daily, tmp_path):
    first, second = daily_peildatums(PEILDATUM, DAYS)[:2]
    root = tmp_path / "deliveries"
    for d in (first, second):
        shutil.copytree(daily / "ggz_demo" / d, root / "ggz_demo" / d)
    manifest = root / "ggz_demo" / second / "levering.json"
    good = manifest.read_text()
    manifest.write_text("{soort: mutatie")
    with pytest.raises(DeliveryError, match=r"levering.json: not valid JSON"):
        load(root, tmp_path / "a.duckdb", echo=lambda *a: None)
    manifest.write_text(json.dumps({"soort": "mutatie", "basis": second}))
    with pytest.raises(DeliveryError, match=r"a change delivery needs \"basis\""):
        load(root, tmp_path / "a.duckdb", echo=lambda *a: None)
    # without its manifest the change delivery reads as a full one: its mutatie column is not in the contract
    manifest.unlink()
    with pytest.raises(DeliveryError, match=r"column 'mutatie' is not in the contract .* \(only a change delivery"):
        load(root, tmp_path / "a.duckdb", echo=lambda *a: None)
    # and a change delivery without the column misses it
    manifest.write_text(good)
    shutil.copyfile(root / "ggz_demo" / first / "ggz_client.csv", root / "ggz_demo" / second / "ggz_client.csv")
    with pytest.raises(DeliveryError, match=r"ggz_client.csv: column 'mutatie' is missing from the header"):
        load(root, tmp_path / "a.duckdb", echo=lambda *a: None)


def _hospital_change(folder: Path, rows: dict[str, list[dict]], basis: Path | None = None,
                     after: str = PEILDATUM) -> Path:
    """A hospital change delivery after the delivery of `after` (the warehouse's PEILDATUM) holding only `rows` (per
    extract, with mutatie); with `basis`, a change delivery with a file for every extract of that full delivery (a GGZ
    provider's)."""
    folder.mkdir(parents=True)
    (folder / "levering.json").write_text(json.dumps({"soort": "mutatie", "basis": after}))
    contract = load_contract()
    extracts = contract.for_sector("msz") if basis is None else [
        e for e in contract.extracts if (basis / e.file_name).exists()]
    for e in extracts:
        _write_rows(folder / e.file_name, [*e.column_names, "mutatie"], rows.get(e.name, []))
    return folder


def test_a_changed_parent_rebuilds_its_children_and_nothing_else(warehouse, tmp_path, monkeypatch):
    """D-58: a change delivery that changes only a subtraject's specialism and patient and an invoice's financier.
    The incremental B-model must carry both into the activities and invoice lines derived from them (their own rows
    did not change), and rebuild nothing else. The expectation comes from the injected change, not from the SQL.
    D-66: the full delivery has an OZP line that names no subtraject, only one of that subtraject's activities; it
    must take the new patient's pseudonym through the activity.
    The builds run in a time zone far from UTC: the stamps the builds are ordered by must be UTC all the same."""
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14
    root, day = tmp_path / "deliveries", "2025-03-02"
    shutil.copytree(warehouse.deliveries / "ziekenhuis_demo" / PEILDATUM, root / "ziekenhuis_demo" / PEILDATUM)
    full = root / "ziekenhuis_demo" / PEILDATUM
    subtrajecten, facturen = _rows(full / "subtraject.csv"), _rows(full / "factuur.csv")
    financiers = {r["financier_code"]: r for r in _rows(full / "financier.csv")}
    activities = _rows(full / "zorgactiviteit.csv")
    lines = _rows(full / "factuurregel.csv")
    # an OZP line that names no subtraject takes its patient and zorgtype from its activity's subtraject alone
    # (int_bmodel__factuurregel); the full delivery gets one, so that only the activity links it to the change
    activity_of = {a["zorgactiviteit_id"]: a["subtraject_id"] for a in activities}
    ozp = next(r for r in lines if r["zorgactiviteit_id"] in activity_of)
    ozp["subtraject_id"] = ""
    _write_rows(full / "factuurregel.csv", list(lines[0]), lines)
    sub = next(s for s in subtrajecten if s["subtraject_id"] == activity_of[ozp["zorgactiviteit_id"]])
    new_specialisme = next(s["specialisme"] for s in subtrajecten if s["specialisme"] != sub["specialisme"])
    new_patient = next(s["patient_id"] for s in subtrajecten if s["patient_id"] != sub["patient_id"])
    billed = {r["factuur_id"] for r in lines}
    inv = next(f for f in facturen if f["factuur_id"] in billed)
    new_financier = next(c for c, f in financiers.items() if f["uzovi"] and f["uzovi"] != financiers.get(
        inv["financier_code"], {}).get("uzovi"))

    db = tmp_path / "wh.duckdb"
    load(full, db, echo=lambda *a: None)
    select = ["build", "--quiet", "--select", "+int_factuurregels_beoordeeld", "--exclude-resource-type", "test",
              "unit_test"]
    run_dbt(select, db)  # the first build writes every row
    pseudonym = """select distinct bsn_pseudoniem from intermediate.int_bmodel__subtraject where patient_id = ?"""
    line_pseudonym = """select bsn_pseudoniem from intermediate.int_bmodel__factuurregel where factuurregel_id = ?"""
    with duckdb.connect(str(db), read_only=True) as con:
        new_pseudonym = con.execute(pseudonym, [new_patient]).fetchall()
        assert len(new_pseudonym) == 1 and new_pseudonym[0][0] is not None
        assert con.execute(line_pseudonym, [ozp["factuurregel_id"]]).fetchall() == con.execute(
            pseudonym, [sub["patient_id"]]).fetchall() != new_pseudonym

    change = _hospital_change(root / "ziekenhuis_demo" / day, {
        "subtraject": [{**sub, "specialisme": new_specialisme, "patient_id": new_patient, "mutatie": "W"}],
        "factuur": [{**inv, "financier_code": new_financier, "mutatie": "W"}]})
    load(change, db, echo=lambda *a: None)
    run_dbt(select, db)  # the night: incremental

    sub_activities = {a["zorgactiviteit_id"] for a in activities if a["subtraject_id"] == sub["subtraject_id"]}
    inv_lines = {r["factuurregel_id"] for r in lines if r["factuur_id"] == inv["factuur_id"]}
    sub_lines = {r["factuurregel_id"] for r in lines if r["subtraject_id"] == sub["subtraject_id"]
                 or r["zorgactiviteit_id"] in sub_activities}
    with duckdb.connect(str(db), read_only=True) as con:
        got_activities = dict(con.execute("""select zorgactiviteit_id, subtraject_specialisme
            from intermediate.int_bmodel__zorgactiviteit where subtraject_id = ?""", [sub["subtraject_id"]]).fetchall())
        got_lines = dict(con.execute("""select factuurregel_id, financier_code || '/' || uzovi
            from intermediate.int_bmodel__factuurregel where factuur_id = ?""", [inv["factuur_id"]]).fetchall())
        verdicts = {r[0] for r in con.execute("""select factuurregel_id from intermediate.int_factuurregels_beoordeeld
            where uzovi = ?""", [financiers[new_financier]["uzovi"]]).fetchall()}
        rebuilt = {t.split(".")[1]: {r[0] for r in con.execute(f"""select {INCREMENTAL[t]} from {t}
            where _built_at = (select max(_built_at) from {t})""").fetchall()} for t in B_MODEL}
        ozp_pseudonym = con.execute(line_pseudonym, [ozp["factuurregel_id"]]).fetchall()
        stamps = con.execute("""select (select max(_applied_at) from staging.base_msz__subtraject_current),
            (select max(_built_at) from intermediate.int_bmodel__zorgactiviteit),
            (select max(loaded_at) from raw.load_audit)""").fetchone()
    utc_now = datetime.now(UTC).replace(tzinfo=None)
    assert all(abs(utc_now - t) < timedelta(minutes=15) for t in stamps), (utc_now, stamps)
    assert got_activities == {a: new_specialisme for a in sub_activities}
    assert got_lines == {r: f"{new_financier}/{financiers[new_financier]['uzovi']}" for r in inv_lines}
    assert inv_lines <= verdicts  # the verdicts follow the new insurer
    assert ozp_pseudonym == new_pseudonym  # through the activity alone: its subtraject's new patient
    # exactly the rows of the patients the change touches were rebuilt (D-77): the subtraject's patient before and
    # after, the invoice's patient, and the patients of the invoices of the lines billing the subtraject or its
    # activities; an activity belongs to its subtraject's patient, a line to its invoice's
    invoice_patient = {f["factuur_id"]: f["patient_id"] for f in facturen}
    dirty = {sub["patient_id"], new_patient, inv["patient_id"]} | {invoice_patient[r["factuur_id"]] for r in lines
                                                                   if r["factuurregel_id"] in sub_lines}
    patient_after = {s["subtraject_id"]: s["patient_id"] for s in subtrajecten} | {sub["subtraject_id"]: new_patient}
    assert rebuilt["int_bmodel__zorgactiviteit"] == {a["zorgactiviteit_id"] for a in activities
                                                     if patient_after[a["subtraject_id"]] in dirty} > sub_activities
    dirty_lines = {r["factuurregel_id"] for r in lines if invoice_patient[r["factuur_id"]] in dirty}
    assert rebuilt["int_bmodel__factuurregel"] == dirty_lines >= inv_lines | sub_lines
    assert rebuilt["int_factuurregels_beoordeeld"] == dirty_lines
    assert len(dirty_lines) < len(lines) / 10  # a handful of patients, not the hospital


def test_an_invoice_moved_to_another_patient_moves_its_products_in_the_verrijkte_massa(warehouse, tmp_path):
    """D-60: the verrijkte massa is rebuilt per patient. An invoice that changes patient takes its lines' products
    from the old patient to the new one; the old patient is found only through the invoice's earlier version. The
    injected change decides where the products must be; the night must also equal a full rebuild."""
    root = tmp_path / "deliveries"
    full = root / "ziekenhuis_demo" / PEILDATUM
    shutil.copytree(warehouse.deliveries / "ziekenhuis_demo" / PEILDATUM, full)
    db = tmp_path / "wh.duckdb"
    load(full, db, echo=lambda *a: None)
    select = ["build", "--quiet", "--select", "+int_verrijkte_massa", "--exclude-resource-type", "test", "unit_test"]
    run_dbt(select, db)
    with duckdb.connect(str(db), read_only=True) as con:
        # an invoice in the mass whose DBCs no other invoice bills, and another patient of the hospital
        factuur_id, products = con.execute("""
            with producten as (
                select subtraject_id, count(distinct factuur_id) as facturen
                from intermediate.int_bmodel__factuurregel group by subtraject_id
            )
            select r.factuur_id, list(distinct m.product_id order by m.product_id)
            from intermediate.int_factuurregels_in_onderzoeksmassa as m
            inner join intermediate.int_bmodel__factuurregel as r
                on m.institution = r.institution and m.factuurregel_id = r.factuurregel_id
            inner join producten as p on m.product_id = p.subtraject_id
            where m.producttype = 'DBC'
            group by r.factuur_id
            having bool_and(p.facturen = 1)
            order by r.factuur_id limit 1""").fetchone()
    invoices = {f["factuur_id"]: f for f in _rows(full / "factuur.csv")}
    old = invoices[factuur_id]["patient_id"]
    new = next(f["patient_id"] for f in invoices.values() if f["patient_id"] != old)

    load(_hospital_change(root / "ziekenhuis_demo" / "2025-03-02",
                          {"factuur": [{**invoices[factuur_id], "patient_id": new, "mutatie": "W"}]}), db,
         echo=lambda *a: None)
    run_dbt(select, db)  # the night: incremental
    query = """select patient_id, count(*) from intermediate.int_verrijkte_massa
        where rol = 'basis' and list_contains(?, product_id) group by all"""
    with duckdb.connect(str(db), read_only=True) as con:
        owners = dict(con.execute(query, [products]).fetchall())
        rebuilt = {r[0] for r in con.execute("""select distinct patient_id from intermediate.int_verrijkte_massa
            where _built_at = (select max(_built_at) from intermediate.int_verrijkte_massa)""").fetchall()}
    # the old patient lost the products (its rows were rebuilt, or it has none left), the new one has them
    assert set(owners) == {new}, (old, owners)
    assert new in rebuilt

    copy = tmp_path / "full.duckdb"
    shutil.copyfile(db, copy)
    run_dbt(["run", "--quiet", "--select", "int_verrijkte_massa", "--full-refresh"], copy)
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute(f"attach '{copy}' as full_build (read_only)")
        assert _table_differences(con, "intermediate.int_verrijkte_massa") == ""


def test_an_activity_or_subtraject_that_moves_is_judged_again_where_it_was_and_where_it_is(warehouse, tmp_path):
    """D-62: the subtraject kenmerken are rebuilt per subtraject and the MSZ norms per patient. One change delivery
    moves an operative activity from an early-closed subtraject A to the early-closed N0127 finding B of another
    patient, and moves the follow-up subtraject of a finding with impact (SN03, an injected scenario) to another
    patient. A and the finding's patient are found only through the earlier versions. From the injection: A becomes
    conservative and a finding, B is no longer conservative, SN03 keeps its early close without follow-up or impact;
    the night equals a full rebuild."""
    root = tmp_path / "deliveries"
    full = root / "ziekenhuis_demo" / PEILDATUM
    shutil.copytree(warehouse.deliveries / "ziekenhuis_demo" / PEILDATUM, full)
    db = tmp_path / "wh.duckdb"
    load(full, db, echo=lambda *a: None)
    norms = ["fct_norm_n0127", "fct_norm_n0563", "fct_norm_n0525"]
    select = ["build", "--quiet", "--select", *(f"+{m}" for m in norms), "--exclude-resource-type", "test",
              "unit_test"]
    run_dbt(select, db)
    subtrajecten = {s["subtraject_id"]: s for s in _rows(full / "subtraject.csv")}
    activities = _rows(full / "zorgactiviteit.csv")
    with duckdb.connect(str(db), read_only=True) as con:
        # A: closed zorgtype 11 within 90 days, out of the rule only through its one operative activity
        a, operatie = con.execute("""
            select s.subtraject_id, any_value(a.zorgactiviteit_id) filter (where a.is_operatief)
            from intermediate.int_bmodel__subtraject as s
            inner join intermediate.int_bmodel__zorgactiviteit as a using (institution, subtraject_id)
            where s.status = 'gesloten' and s.zorgtype = '11' and s.einddatum < s.begindatum + 89
            group by all
            having count(*) filter (where a.is_operatief) = 1 and count(*) filter (where a.is_verpleegdag) = 0
            order by 1 limit 1""").fetchone()
        n0127 = {r[0] for r in con.execute("select subtraject_id from normen.fct_norm_n0127").fetchall()}
    b, finding = "SN01", "SN03"  # injected N0127 findings: SN01 without follow-up, SN03 with one (850 euro)
    assert {b, finding} <= n0127 and a not in n0127
    assert subtrajecten[a]["patient_id"] != subtrajecten[b]["patient_id"]
    vervolg = next(s for s in subtrajecten.values() if s["patient_id"] == subtrajecten[finding]["patient_id"]
                   and s["specialisme"] == subtrajecten[finding]["specialisme"]
                   and s["begindatum"] > subtrajecten[finding]["einddatum"])
    # a patient with no subtraject in the follow-up's specialism, so that it becomes nobody's follow-up
    elders = next(p for p in sorted({s["patient_id"] for s in subtrajecten.values()}) if not any(
        s["patient_id"] == p and s["specialisme"] == vervolg["specialisme"] for s in subtrajecten.values()))
    activity = next(x for x in activities if x["zorgactiviteit_id"] == operatie)

    load(_hospital_change(root / "ziekenhuis_demo" / "2025-03-02", {
        "zorgactiviteit": [{**activity, "subtraject_id": b, "mutatie": "W"}],
        "subtraject": [{**vervolg, "patient_id": elders, "mutatie": "W"}]}), db, echo=lambda *x: None)
    run_dbt(select, db)  # the night: incremental

    def rebuilt(con, table: str, key: str) -> set[str]:
        return {r[0] for r in con.execute(f"""select distinct {key} from {table}
            where _built_at = (select max(_built_at) from {table})""").fetchall()}

    lines_of_activity = [r for r in _rows(full / "factuurregel.csv") if r["zorgactiviteit_id"] == operatie]
    invoice_patient = {f["factuur_id"]: f["patient_id"] for f in _rows(full / "factuur.csv")}
    with duckdb.connect(str(db), read_only=True) as con:
        got = {r[0]: r[1:] for r in con.execute("""select subtraject_id, aantal_vervolgsubtrajecten, financiele_impact
            from normen.fct_norm_n0127""").fetchall()}
        kenmerken = rebuilt(con, "intermediate.int_bmodel__subtraject_kenmerken", "subtraject_id")
        patients = rebuilt(con, "intermediate.int_normen__subtraject_sluitregel", "patient_id")
        present = {r[0] for r in con.execute(
            "select distinct patient_id from intermediate.int_normen__subtraject_sluitregel").fetchall()}
    assert a in got and b not in got
    assert got[finding] == (0, 0)
    # rebuilt per patient (D-77): every subtraject of the patients of the subtrajecten the activity named before and
    # after, of the invoices of the lines billing it, and of the follow-up before and after; judged again: those
    # patients (a patient left without rows under the rule shows no stamp)
    dirty = ({subtrajecten[x]["patient_id"] for x in (a, b, vervolg["subtraject_id"])} | {elders}
             | {invoice_patient[r["factuur_id"]] for r in lines_of_activity}
             | {subtrajecten[r["subtraject_id"]]["patient_id"] for r in lines_of_activity if r["subtraject_id"]})
    patient_after = {x: v["patient_id"] for x, v in subtrajecten.items()} | {vervolg["subtraject_id"]: elders}
    assert kenmerken == {x for x, p in patient_after.items() if p in dirty} >= {a, b, vervolg["subtraject_id"]}
    judged = {subtrajecten[x]["patient_id"] for x in (a, b, finding)} | {elders}
    assert {subtrajecten[a]["patient_id"], subtrajecten[finding]["patient_id"]} <= judged & present <= patients

    copy = tmp_path / "full.duckdb"
    shutil.copyfile(db, copy)
    run_dbt(["run", "--quiet", "--select", "int_bmodel__subtraject_kenmerken", "int_normen__subtraject_sluitregel",
             *norms, "--full-refresh"], copy)
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute(f"attach '{copy}' as full_build (read_only)")
        for table in ["intermediate.int_bmodel__subtraject_kenmerken", "intermediate.int_normen__subtraject_sluitregel",
                      *(f"normen.{m}" for m in norms)]:
            assert _table_differences(con, table) == "", table


def _ggz_warehouse(warehouse, tmp_path: Path, models: list[str]) -> tuple[Path, Path, Path, list[str]]:
    """A warehouse of the CI GGZ full delivery alone with `models` and their parents built (no tests): the
    deliveries' root, the full delivery's folder, the database and the dbt command that builds them (the night)."""
    root = tmp_path / "deliveries"
    full = root / "ggz_demo" / PEILDATUM
    shutil.copytree(warehouse.deliveries / "ggz_demo" / PEILDATUM, full)
    db = tmp_path / "wh.duckdb"
    load(full, db, echo=lambda *a: None)
    select = ["build", "--quiet", "--select", *(f"+{m}" for m in models), "--exclude-resource-type", "test",
              "unit_test"]
    run_dbt(select, db)
    return root, full, db, select


def _full_refresh_differences(db: Path, tmp_path: Path, models: list[str], tables: list[str]) -> dict[str, str]:
    """Per table of `tables`, how the incremental build in `db` differs from a copy of it with `models` rebuilt by
    --full-refresh (empty when equal)."""
    copy = tmp_path / "full.duckdb"
    shutil.copyfile(db, copy)
    run_dbt(["run", "--quiet", "--select", *models, "--full-refresh"], copy)
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute(f"attach '{copy}' as full_build (read_only)")
        return {t: d for t in tables if (d := _table_differences(con, t))}


def test_a_ggz_dbc_or_stay_that_moves_or_goes_is_judged_again_for_its_clients(warehouse, tmp_path):
    """D-62: the GGZ norms are judged per client. One change delivery moves the N1395 finding DLNG03 (an injected
    scenario) to client CLNG0002, whose own DBC DLNG02 is a finding too, and deletes every stay deelprestatie of
    client CINJ0002 (the N1541 finding DINJ0002-2). The old client of DLNG03 is found only through the DBC's earlier
    version, CINJ0002 only through the deleted stays' versions. From the injection: DLNG03 is one finding, of its
    new client, with the same impact; CINJ0002 has no N1541 finding left; the night equals a full rebuild.
    D-77: the GGZ B-model is rebuilt per client: exactly the time registrations of the clients the change touches
    (DLNG03's now carry CLNG0002), and CINJ0002's stay days and the days of a deleted leave period are gone."""
    norms = ["fct_norm_n1395", "fct_norm_n1541"]
    bmodel = ["int_bmodel__ggz_tijdschrijf", "int_bmodel__ggz_verblijfsdag", "int_bmodel__ggz_verlofdag"]
    root, full, db, select = _ggz_warehouse(warehouse, tmp_path, norms)
    query = "select dbc_id, client_id, financiele_impact from normen.{} order by 1, 2"
    registraties = ("select tijdschrijf_id, client_id from intermediate.int_bmodel__ggz_tijdschrijf "
                    "where dbc_id = 'DLNG03'")
    dagen = "select count(*) from intermediate.int_bmodel__ggz_verblijfsdag where client_id = 'CINJ0002'"
    verlofdagen = "select count(*) from intermediate.int_bmodel__ggz_verlofdag where verlof_id = ?"
    with duckdb.connect(str(db), read_only=True) as con:
        before = {m: con.execute(query.format(m)).fetchall() for m in norms}
        # a weekend or holiday leave of a client without an N1541 finding: fewer counted days make none
        verlof = next(v for v in _rows(full / "ggz_verlof.csv") if v["verlof_soort"] in ("weekend", "vakantie")
                      and v["client_id"] not in {r[1] for r in before["fct_norm_n1541"]})
        assert con.execute(dagen).fetchone()[0] > 0
        assert con.execute(verlofdagen, [verlof["verlof_id"]]).fetchone()[0] > 0
        assert {c for _, c in con.execute(registraties).fetchall()} == {"CLNG0003"}
    n1395 = {r[0]: r for r in before["fct_norm_n1395"]}
    assert n1395["DLNG03"][1] == "CLNG0003" and n1395["DLNG02"][1] == "CLNG0002"
    assert "CINJ0002" in {r[1] for r in before["fct_norm_n1541"]}
    dbc = next(d for d in _rows(full / "ggz_dbc.csv") if d["dbc_id"] == "DLNG03")
    stays = [v for v in _rows(full / "ggz_verblijf.csv") if v["client_id"] == "CINJ0002"]
    assert stays

    load(_hospital_change(root / "ggz_demo" / "2025-03-02", {
        "ggz_dbc": [{**dbc, "client_id": "CLNG0002", "mutatie": "W"}],
        "ggz_verblijf": [{**v, "mutatie": "V"} for v in stays],
        "ggz_verlof": [{**verlof, "mutatie": "V"}]}, basis=full), db, echo=lambda *x: None)
    run_dbt(select, db)  # the night: incremental
    with duckdb.connect(str(db), read_only=True) as con:
        after = {m: con.execute(query.format(m)).fetchall() for m in norms}
        rebuilt = {r[0] for r in con.execute("""select dbc_id from normen.fct_norm_n1395
            where _built_at = (select max(_built_at) from normen.fct_norm_n1395)""").fetchall()}
        moved = dict(con.execute(registraties).fetchall())
        rebuilt_registraties = {r[0] for r in con.execute("""select tijdschrijf_id
            from intermediate.int_bmodel__ggz_tijdschrijf
            where _built_at = (select max(_built_at) from intermediate.int_bmodel__ggz_tijdschrijf)""").fetchall()}
        stay_days_left = con.execute(dagen).fetchone()[0]
        leave_days_left = con.execute(verlofdagen, [verlof["verlof_id"]]).fetchone()[0]
    of_dlng03 = {r["tijdschrijf_id"] for r in _rows(full / "ggz_tijdschrijf.csv") if r["dbc_id"] == "DLNG03"}
    # rebuilt per client (D-77): the registrations of the clients the change touches, each under its DBC's client:
    # DLNG03's old and new client, CINJ0002 (its stays), and the client of the deleted leave
    client_of_dbc = {d["dbc_id"]: d["client_id"] for d in _rows(full / "ggz_dbc.csv")} | {"DLNG03": "CLNG0002"}
    dirty = {"CLNG0003", "CLNG0002", "CINJ0002", verlof["client_id"]}
    assert of_dlng03 and set(moved) == of_dlng03
    assert rebuilt_registraties == {r["tijdschrijf_id"] for r in _rows(full / "ggz_tijdschrijf.csv")
                                    if client_of_dbc.get(r["dbc_id"]) in dirty} >= of_dlng03
    assert set(moved.values()) == {"CLNG0002"}
    assert stay_days_left == 0 and leave_days_left == 0
    assert after["fct_norm_n1395"] == sorted(
        [r for r in before["fct_norm_n1395"] if r[0] != "DLNG03"] + [("DLNG03", "CLNG0002", n1395["DLNG03"][2])])
    assert after["fct_norm_n1541"] == [r for r in before["fct_norm_n1541"] if r[1] != "CINJ0002"]
    assert rebuilt == {"DLNG02", "DLNG03"}  # the new client's findings; the old client has none left

    assert _full_refresh_differences(db, tmp_path, bmodel + norms,
                                     [f"intermediate.{m}" for m in bmodel] + [f"normen.{m}" for m in norms]) == {}


def test_a_stay_that_moves_to_another_client_is_judged_for_that_client(warehouse, tmp_path):
    """D-62, the direct branch from a stay to its client: one change delivery gives every stay deelprestatie of
    client CINJ0002 (injected: stays 2016-06-01 to 2017-03-31 and 2017-04-21 to 2017-06-25, N1541 finding
    DINJ0002-2) to client CINJ0008 (injected: stays 2017-01-01 to 2017-12-31, exactly 365 days, no finding); the
    stays keep their DBCs, which stay CINJ0002's. Only the stays' own new client names CINJ0008: no DBC of it
    changed. From the injection, CINJ0008's stay days now run without a gap from 2016-06-01, so day 366 is
    2017-06-01; the DBC open on that day is its own DINJ0008-1, and its own stay days on that DBC from then on are
    unlawful: 214 days (June to December) in 7 deelprestaties, at the 2017 day rate of category C. CINJ0002 keeps its
    DBCs but no stay: no finding. The night equals a full rebuild."""
    norm = "fct_norm_n1541"
    root, full, db, select = _ggz_warehouse(warehouse, tmp_path, [norm])
    query = f"""select dbc_id, client_id, eerste_onrechtmatige_dag, onrechtmatige_verblijfsdagen,
        onrechtmatige_deelprestaties, onrechtmatige_verblijfswaarde from normen.{norm} order by 1"""
    with duckdb.connect(str(db), read_only=True) as con:
        before = {r[0]: r for r in con.execute(query).fetchall()}
    clients_before = {r[1] for r in before.values()}
    assert "CINJ0002" in clients_before and "CINJ0008" not in clients_before
    with warehouse.truth("ggz_n1541_scenarios").open(encoding="utf-8", newline="") as fh:
        truth = {r["dbc_id"]: r for r in csv.DictReader(fh)}
    dagtarief_2017 = (Decimal(truth["DINJ0002-2"]["onrechtmatige_verblijfswaarde"])
                      / int(truth["DINJ0002-2"]["onrechtmatige_dagen"]))
    verblijf = _rows(full / "ggz_verblijf.csv")
    stays = [v for v in verblijf if v["client_id"] == "CINJ0002"]
    own = [v for v in verblijf if v["client_id"] == "CINJ0008"]
    assert stays and {v["dbc_id"] for v in own} == {"DINJ0008-1"}
    assert (min(v["begindatum"] for v in own), max(v["einddatum"] for v in own)) == ("2017-01-01", "2017-12-31")

    load(_hospital_change(root / "ggz_demo" / "2025-03-02", {
        "ggz_verblijf": [{**v, "client_id": "CINJ0008", "mutatie": "W"} for v in stays]}, basis=full),
        db, echo=lambda *x: None)
    run_dbt(select, db)  # the night: incremental
    with duckdb.connect(str(db), read_only=True) as con:
        after = {r[0]: r for r in con.execute(query).fetchall()}
        rebuilt = {r[0] for r in con.execute(f"""select dbc_id from normen.{norm}
            where _built_at = (select max(_built_at) from normen.{norm})""").fetchall()}
    unlawful_days = 214  # 2017-06-01 to 2017-12-31
    assert after == {**{k: r for k, r in before.items() if r[1] != "CINJ0002"},
                     "DINJ0008-1": ("DINJ0008-1", "CINJ0008", datetime(2017, 6, 1).date(), unlawful_days, 7,
                                    unlawful_days * dagtarief_2017)}
    assert rebuilt == {"DINJ0008-1"}
    assert _full_refresh_differences(db, tmp_path, [norm], [f"normen.{norm}"]) == {}


def test_the_var_blocks_follow_a_peildatum_that_moves_and_a_prestatie_that_changes_year(warehouse, tmp_path):
    """D-63: the VAR realisatie blocks are rebuilt per year, the prognose blocks per moment, the ZPM B-model per
    prestatie. Night 1: a GGZ change delivery without rows a day later (the peildatum moves from 1 to 2 March: March
    begins to count). Night 2: a 2022 prestatie moves to 15 January 2025, and client D takes client E's BSN. From the
    deliveries: night 1 rebuilds only 2025, which gains March; night 2 rebuilds exactly 2022 (found only through the
    prestatie's earlier version) and 2025, and the amount leaves 2022 and joins January 2025; each night builds the
    new actueel prognose moment, and night 2 also the back-test moments of 2023, which read 2022 as their previous
    year (D-96; those of 2024 read 2023 and 2024 and are left alone); the B-model rebuilds exactly the
    prestaties and stay days of D (which now carry E's pseudonym) and of the moved prestatie's client (D-77); the
    nights equal a full rebuild."""
    blocks = ["int_var__realisatie_componenten", "int_var__prognose_componenten"]
    root, full, db, select = _ggz_warehouse(warehouse, tmp_path, blocks)
    prestatie = next(p for p in _rows(full / "zpm_zorgprestatie.csv") if p["datum"].startswith("2022-"))
    uzovi, bedrag = prestatie["uzovi"], Decimal(prestatie["bedrag"])
    omzet = """select jaar, meetpunt, omzet from intermediate.int_var__realisatie_componenten
        where uzovi = ? and (meetpunt = 12 or jaar = 2025)"""
    stamped = """select distinct {k} from {t} where _built_at = (select max(_built_at) from {t})"""

    def state() -> tuple[dict, dict]:
        with duckdb.connect(str(db), read_only=True) as con:
            return ({(j, m): o for j, m, o in con.execute(omzet, [uzovi]).fetchall()},
                    {t: {r[0] for r in con.execute(stamped.format(t=t, k=VAR_INCREMENTAL[t])).fetchall()}
                     for t in VAR_INCREMENTAL})

    before, _ = state()
    assert max(m for j, m in before if j == 2025) == 2

    load(_hospital_change(root / "ggz_demo" / "2025-03-02", {}, basis=full), db, echo=lambda *x: None)
    run_dbt(select, db)  # night 1: only the peildatum moved
    night1, rebuilt = state()
    assert rebuilt == {"intermediate.int_var__realisatie_componenten": {"2025"},
                       "intermediate.int_var__prognose_componenten": {"actueel|2025-03-02"}}
    assert max(m for j, m in night1 if j == 2025) == 3
    assert {k: v for k, v in night1.items() if k != (2025, 3)} == before

    # night 2 also gives client D client E's BSN: D's prestaties and stay days carry E's pseudonym in the B-model
    # (rebuilt per prestatie, through the client), while no VAR block counts a pseudonym
    billed = {p["client_id"] for p in _rows(full / "zpm_zorgprestatie.csv")}
    d, e = [c for c in _rows(full / "ggz_client.csv")
            if c["client_id"] in billed and c["client_id"] != prestatie["client_id"] and c["bsn"]][:2]
    of_d = {r[k] for x, k in (("zpm_zorgprestatie", "zorgprestatie_id"), ("zpm_verblijfsdag", "verblijfsdag_id"))
            for r in _rows(full / f"{x}.csv") if r["client_id"] == d["client_id"]}
    load(_hospital_change(root / "ggz_demo" / "2025-03-03", {
        "zpm_zorgprestatie": [{**prestatie, "datum": "2025-01-15", "mutatie": "W"}],
        "ggz_client": [{**d, "bsn": e["bsn"], "mutatie": "W"}]}, basis=full, after="2025-03-02"),
        db, echo=lambda *x: None)
    run_dbt(select, db)  # night 2: the prestatie moved from 2022 to 2025
    night2, rebuilt = state()
    assert rebuilt == {"intermediate.int_var__realisatie_componenten": {"2022", "2025"},
                       "intermediate.int_var__prognose_componenten": {"actueel|2025-03-03"}
                       | {f"backtest|2023-{m:02d}-01" for m in range(2, 13)}}
    with duckdb.connect(str(db), read_only=True) as con:
        # rebuilt per client (D-77): every prestatie and stay day of D and of the moved prestatie's client
        extracts = (("zpm_zorgprestatie", "zorgprestatie_id"), ("zpm_verblijfsdag", "verblijfsdag_id"))
        of_moved = {r[k] for x, k in extracts for r in _rows(full / f"{x}.csv")
                    if r["client_id"] == prestatie["client_id"]}
        assert {r[0] for r in con.execute(stamped.format(t="intermediate.int_bmodel__zpm_prestatie",
                                                         k="prestatie_id")).fetchall()} == of_d | of_moved
        pseudonyms = dict(con.execute("""select client_id, list(distinct bsn_pseudoniem)
            from intermediate.int_bmodel__zpm_prestatie where client_id in (?, ?) group by 1""",
            [d["client_id"], e["client_id"]]).fetchall())
    assert pseudonyms[d["client_id"]] == pseudonyms[e["client_id"]] and len(pseudonyms[d["client_id"]]) == 1
    assert night2[(2022, 12)] == before[(2022, 12)] - bedrag
    assert night2[(2023, 12)] == before[(2023, 12)] and night2[(2024, 12)] == before[(2024, 12)]
    assert night2[(2025, 1)] == before[(2025, 1)] + bedrag

    assert _full_refresh_differences(db, tmp_path, ["int_bmodel__zpm_prestatie", *blocks],
                                     ["intermediate.int_bmodel__zpm_prestatie", *VAR_INCREMENTAL]) == {}


def test_every_generated_change_delivery_passes_the_validation(daily, tmp_path):
    """Issue 26 item 9: validate crashed on every change delivery (GX refused a suite whose expectations got their
    row condition after they were built). The generator's deliveries meet the contract, so every expectation holds;
    the change deliveries' suites carry the deletion condition and the mutatie checks."""
    from normenkader.validate import validate

    # the change deliveries only: the first is a full delivery like the one `make test` validates before it loads
    first, *changes = daily_peildatums(PEILDATUM, DAYS)
    root = tmp_path / "changes"
    for inst in ("ziekenhuis_demo", "ggz_demo"):
        (root / inst).mkdir(parents=True)
        for day in changes:
            (root / inst / day).symlink_to(daily / inst / day)
    report = validate(root, tmp_path / "validation", echo=lambda *a: None)
    validated = {o.delivery for o in report.outcomes}
    assert validated == {f"{inst}/{day}" for inst in ("ziekenhuis_demo", "ggz_demo") for day in changes}
    assert report.success and not report.warnings, [o.line() for o in report.outcomes if not o.success]
    mutatie_checks = [o for o in report.outcomes if o.column == "mutatie" and o.delivery.endswith(changes[-1])]
    assert len(mutatie_checks) == 2 * 17  # N/W/V and required, for every extract of both institutions


def test_gx_on_the_suspect_rows_of_a_change_delivery_gives_the_report_of_every_row(daily, tmp_path):
    """D-100 on a change delivery, whose deletions are checked on their key alone: a deletion with an unreadable
    date is no break, a new or changed row with one is, and so is an unknown mutatie code; both ways give the same
    report."""
    from normenkader.tests.test_corrupted_delivery import _edit_line, _field
    from normenkader.tests.test_validate import outcomes_of_both_ways

    day = daily_peildatums(PEILDATUM, DAYS)[-1]
    delivery = tmp_path / "d" / "ziekenhuis_demo" / day
    shutil.copytree(daily / "ziekenhuis_demo" / day, delivery)
    path = delivery / "zorgactiviteit.csv"
    codes = [r["mutatie"] for r in _rows(path)]
    deletion = codes.index("V") + 2
    change = next(i for i, c in enumerate(codes, start=2) if c != "V")
    other = next(i for i, c in enumerate(codes, start=2) if i not in (deletion, change))
    for line in (deletion, change):
        _edit_line(path, line, _field(path, line, "datum"), '"gisteren"')
    _edit_line(path, other, "|" + _field(path, other, "mutatie"), '|"X"')
    suspects, every = outcomes_of_both_ways(tmp_path / "d", tmp_path)
    assert suspects == every
    failed = {o[2:4]: (o[7], o[9]) for o in every if not o[6]}
    assert failed == {("datum", "readable as date"): (1, [f'line {change}: "gisteren"']),
                      ("mutatie", "mutatie is N, W or V"): (1, [f'line {other}: "X"'])}

def test_impossible_change_codes_are_quarantined_and_leave_the_state(warehouse, tmp_path):
    """Issue 26 item 5 (D-71): a W for a key never delivered inserted it (a new line of 5,000), an N for an existing
    key overwrote it, a V for an unknown key left a tombstone. Two nights of codes, possible and impossible; the
    state and the quarantine are read off the injection, after a first build of the full delivery and day 1 and an
    incremental night of day 2."""
    contract = load_contract()
    root, day1, day2 = tmp_path / "deliveries", "2025-03-02", "2025-03-03"
    shutil.copytree(warehouse.deliveries / "ziekenhuis_demo" / PEILDATUM, root / "ziekenhuis_demo" / PEILDATUM)
    lines = _rows(root / "ziekenhuis_demo" / PEILDATUM / "factuurregel.csv")
    kept, readded, gone, template = lines[10], lines[20], lines[30], lines[40]
    key = "factuurregel_id"

    def row(base: dict, mutatie: str, **values) -> dict:
        return {**base, **values, "mutatie": mutatie}

    def only_key(base: dict, mutatie: str) -> dict:
        return {c: (base[c] if c == key else "") for c in base} | {"mutatie": mutatie}

    nights = {
        day1: [row(template, "W", factuurregel_id="FRNIEUW001", bedrag="5000.00"),  # line 2: never delivered
               row(kept, "N", bedrag="1.00"),                                         # line 3: exists
               only_key({**template, key: "FRONBEKEND"}, "V"),                       # line 4: never delivered
               only_key(readded, "V"),                                                # line 5: deleted
               only_key(gone, "V"),                                                   # line 6: deleted
               row(template, "N", factuurregel_id="FRNIEUW002", bedrag="10.00")],     # line 7: new
        day2: [row(gone, "W", bedrag="2.00"),                                         # line 2: deleted on day1
               row(readded, "N", bedrag="3.00"),                                      # line 3: back again
               row(template, "W", factuurregel_id="FRNIEUW002", bedrag="11.00"),      # line 4: changed
               row(template, "N", factuurregel_id="FRNIEUW001", bedrag="7.00")],      # line 5: new at last
    }
    basis = PEILDATUM
    for day, rows in nights.items():
        folder = root / "ziekenhuis_demo" / day
        folder.mkdir()
        (folder / "levering.json").write_text(json.dumps({"soort": "mutatie", "basis": basis}))
        basis = day
        for e in contract.for_sector("msz"):
            _write_rows(folder / e.file_name, [*e.column_names, "mutatie"], rows if e.name == "factuurregel" else [])
    expected_quarantine = [
        (f"ziekenhuis_demo/{day1}", 2, "mutatie", "mutatie: W for a key that was never delivered"),
        (f"ziekenhuis_demo/{day1}", 3, "mutatie", f"mutatie: N (new) for a key that exists (delivered {PEILDATUM})"),
        (f"ziekenhuis_demo/{day1}", 4, "mutatie", "mutatie: V for a key that was never delivered"),
        (f"ziekenhuis_demo/{day2}", 2, "mutatie", f"mutatie: W for a key deleted on {day1}"),
    ]
    expected_state = {kept[key]: kept["bedrag"], readded[key]: "3.00", "FRNIEUW001": "7.00", "FRNIEUW002": "11.00"}
    db = tmp_path / "wh.duckdb"
    selection = ["--quiet", "--select", "+fct_quarantine_rows", "+rpt_delivery_rowcounts", "+stg_msz__factuurregel"]

    def observed():
        with duckdb.connect(str(db), read_only=True) as con:
            quarantine = con.execute("""select delivery_id, line_number, column_name, reason
                from kwaliteit.fct_quarantine_rows order by all""").fetchall()
            counts = con.execute("""select peildatum::varchar, file_rows, accepted_rows, quarantined_contract_rows
                from kwaliteit.rpt_delivery_rowcounts where extract_name = 'factuurregel' order by 1""").fetchall()
            ids = [kept[key], readded[key], gone[key], "FRNIEUW001", "FRNIEUW002", "FRONBEKEND"]
            state = dict(con.execute(f"""select factuurregel_id, cast(bedrag as varchar)
                from staging.stg_msz__factuurregel where factuurregel_id in ({', '.join('?' * len(ids))})""",
                                     ids).fetchall())
            tombstones = con.execute("""select count(*) from staging.base_msz__factuurregel_current
                where _is_deleted""").fetchone()[0]
            total = con.execute("select count(*) from staging.stg_msz__factuurregel").fetchone()[0]
        return quarantine, counts, state, tombstones, total

    # the first build applies the full delivery and day 1 from nothing, the second applies day 2 to that state
    load(root / "ziekenhuis_demo" / PEILDATUM, db, echo=lambda *a: None)
    load(root / "ziekenhuis_demo" / day1, db, echo=lambda *a: None)
    run_dbt(["run", *selection], db)
    load(root / "ziekenhuis_demo" / day2, db, echo=lambda *a: None)
    run_dbt(["run", *selection], db)
    quarantine, counts, state, tombstones, total = observed()
    assert quarantine == expected_quarantine
    assert counts == [(PEILDATUM, len(lines), len(lines), 0), (day1, 6, 3, 3), (day2, 4, 3, 1)]
    assert state == expected_state
    assert (tombstones, total) == (1, len(lines) + 1)  # only the line deleted on day 1 and not back


def test_an_edited_seed_counts_on_the_next_night_without_a_full_refresh(warehouse, tmp_path):
    """Issue 27 item 3 (D-76): a controller corrects an afspraak in a beheertabel and the stay limit of a reference
    seed is edited between two nights. The nightly build rebuilds in full what reads the edited seeds (and says so),
    and its marts and incremental tables equal those of a --full-refresh build of the same edit. Both builds select
    what the edited seeds reach: the rest is the same warehouse in both, and building it is not what is tested."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("dbt_project.yml", "models", "macros", "seeds", "tests", "analyses", "profiles"):
        src = PROJECT_ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, project / name)
    afspraak = project / "seeds" / "beheer" / "beheer_var_afspraak.csv"
    afspraak.write_text(afspraak.read_text().replace("ggz_demo,3311,2024,P1,60000", "ggz_demo,3311,2024,P1,61000"))
    limits = project / "seeds" / "regulation" / "regulation_verblijf_limits.csv"
    limits.write_text(limits.read_text().replace(",1095,30,", ",1000,30,"))
    night, full = tmp_path / "night.duckdb", tmp_path / "full.duckdb"
    shutil.copyfile(warehouse.db, night)
    shutil.copyfile(warehouse.db, full)
    # the nightly build and a full refresh of everything the edited seeds reach (the rest of both copies is the
    # same warehouse, untouched)
    reached = ["--select", "beheer_var_afspraak+", "regulation_verblijf_limits+"]
    proc = run_dbt([*NIGHTLY_BUILD, *reached], night, project_dir=project)
    run_dbt([*NIGHTLY_BUILD, *reached, "--full-refresh", "--quiet"], full, project_dir=project)
    said = {line.split(" changed: ")[0].split()[-1]: line for line in proc.stdout.splitlines() if " changed: " in line}
    assert set(said) == {"beheer_var_afspraak", "regulation_verblijf_limits"}, said
    assert "fct_norm_n1541" in said["regulation_verblijf_limits"]
    assert mart_differences(night, full) == {}
    # the edits show: a stay of more than 1,000 days from 2018 on is unlawful now, and the afspraak is the new one
    query = "select count(*), sum(onrechtmatige_verblijfsdagen) from normen.fct_norm_n1541"
    with duckdb.connect(str(night), read_only=True) as con:
        findings = con.execute(query).fetchone()
        afspraak = con.execute("""select distinct afspraak from var.rpt_var_parameters
            where institution = 'ggz_demo' and uzovi = '3311' and jaar = 2024 and parameter = 'P1'""").fetchall()
    before = warehouse.query(query)[0]
    assert findings[0] >= before[0] and findings[1] > before[1]
    assert afspraak == [(Decimal("61000"),)]


def test_findings_are_new_persist_and_resolve_from_one_delivery_to_the_next(warehouse, tmp_path):
    """D-79, issue 28 item 3: three deliveries of the GGZ provider in a row. 2025-03-02 lengthens the clean DBC
    D000000000 (2018-05-25..2019-01-05) to 400 days, which makes it an N1395 finding; 2025-03-03 deletes every stay
    of CINJ0002, whose N1541 finding DINJ0002-2 goes. From the changes: D000000000 is nieuw on 03-02 and blijvend on
    03-03, first seen 03-02; DINJ0002-2 is nieuw on 03-01, blijvend on 03-02 and opgelost on 03-03 (last seen 03-02,
    resolved on 03-03); every other finding is blijvend since 03-01. Building a delivery again and --full-refresh
    change none of it."""
    history = "fct_norm_bevindingen_historie"
    root, full, db, select = _ggz_warehouse(warehouse, tmp_path, [history])
    query = f"""select peildatum::varchar, norm_id, entiteit_id, status, eerste_gezien::varchar,
        laatste_gezien::varchar, opgelost_op::varchar from normen.{history} order by all"""
    dbc = next(d for d in _rows(full / "ggz_dbc.csv") if d["dbc_id"] == "D000000000")
    assert (dbc["begindatum"], dbc["einddatum"]) == ("2018-05-25", "2019-01-05")
    stays = [v for v in _rows(full / "ggz_verblijf.csv") if v["client_id"] == "CINJ0002"]
    assert stays
    with duckdb.connect(str(db), read_only=True) as con:
        first = con.execute(query).fetchall()
    others = {(n, e) for _, n, e, *_ in first} - {("N1541", "DINJ0002-2")}
    assert ("N1541", "DINJ0002-2") in {(n, e) for _, n, e, *_ in first} and len(others) >= 5
    assert ("N1395", "D000000000") not in others
    assert {r[3:] for r in first} == {("nieuw", PEILDATUM, PEILDATUM, None)}

    load(_hospital_change(root / "ggz_demo" / "2025-03-02", {
        "ggz_dbc": [{**dbc, "einddatum": "2019-06-28", "mutatie": "W"}]}, basis=full), db, echo=lambda *x: None)
    run_dbt(select, db)
    load(_hospital_change(root / "ggz_demo" / "2025-03-03", {
        "ggz_verblijf": [{**v, "mutatie": "V"} for v in stays]}, basis=full, after="2025-03-02"),
        db, echo=lambda *x: None)
    run_dbt(select, db)
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(query).fetchall()
    per_day = {}
    for peil, norm, entity, *rest in rows:
        per_day.setdefault(peil, {})[(norm, entity)] = tuple(rest)
    assert per_day["2025-03-01"] == {k: ("nieuw", PEILDATUM, PEILDATUM, None) for k in {*others,
                                                                                       ("N1541", "DINJ0002-2")}}
    assert per_day["2025-03-02"] == {**{k: ("blijvend", PEILDATUM, "2025-03-02", None)
                                        for k in {*others, ("N1541", "DINJ0002-2")}},
                                     ("N1395", "D000000000"): ("nieuw", "2025-03-02", "2025-03-02", None)}
    assert per_day["2025-03-03"] == {**{k: ("blijvend", PEILDATUM, "2025-03-03", None) for k in others},
                                     ("N1395", "D000000000"): ("blijvend", "2025-03-02", "2025-03-03", None),
                                     ("N1541", "DINJ0002-2"): ("opgelost", PEILDATUM, "2025-03-02", "2025-03-03")}
    run_dbt(select, db)  # the same delivery again
    run_dbt(["build", "--quiet", "--select", history, "--full-refresh", "--exclude-resource-type", "unit_test"], db)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(query).fetchall() == rows
