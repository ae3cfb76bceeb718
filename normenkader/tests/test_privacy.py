"""No BSN, name or street address outside the source layer: the scan finds planted values, and finds none in the
warehouse but the delivered BSNs in `raw`."""

from __future__ import annotations

import duckdb

from normenkader.generate.core import valid_bsn
from normenkader.privacy import scan


def test_no_personal_data_outside_the_source_layer(warehouse):
    assert [str(f) for f in scan(warehouse.db)] == []
    # the same scan over the source layer does find every delivered BSN there
    everywhere = {(f.table, f.column, f.kind): f.values for f in scan(warehouse.db, exclude_schemas=())}
    patients = warehouse.query("select count(*) from raw.patient")[0][0]
    assert everywhere[("patient", "bsn", "is a delivered BSN")] == patients
    assert {t for t, _, _ in everywhere} == {"patient", "ggz_client"}


def test_the_scan_finds_planted_personal_data(tmp_path):
    db = tmp_path / "planted.duckdb"
    bsn, bsn_zero = valid_bsn(11122233), valid_bsn(1234567)  # the second starts with 0
    assert bsn_zero.startswith("0")
    with duckdb.connect(str(db)) as con:
        con.execute("create schema raw; create schema marts")
        con.execute("create table raw.patient (bsn varchar)")
        con.execute("insert into raw.patient values (?), ('999999990')", [bsn_zero])
        con.execute("create table marts.t (omschrijving varchar, zorgproduct varchar, nummer bigint)")
        con.execute("""insert into marts.t values
            (?, ?, 1), ('Kerkstraat 12', 'x', 2), ('Jan de Vries', 'x', 3), ('Locatie Noord', 'x', ?),
            ('mevr. Jansen', 'x', 4), ('Zilveren Kruis', 'x', 5)""", [bsn, bsn, int(bsn_zero)])
    got = {(f.table, f.column, f.kind): f.values for f in scan(db)}
    assert got == {
        ("t", "omschrijving", "pass the BSN elfproef"): 1,
        ("t", "omschrijving", "look like a street address"): 1,
        ("t", "omschrijving", "look like a person's name"): 2,
        ("t", "nummer", "is a delivered BSN"): 1,
    }


def test_a_bsn_inside_a_text_is_found_where_people_type(tmp_path):
    db = tmp_path / "embedded.duckdb"
    bsn = valid_bsn(22353597)
    with duckdb.connect(str(db)) as con:
        con.execute("create schema raw; create schema marts")
        con.execute("create table marts.t (diagnose varchar, naam varchar, reason varchar, subtraject_id varchar)")
        con.execute("insert into marts.t values (?, ?, ?, ?), ('1234', 'Zilveren Kruis', 'ok', ?)", [
            f"BSN {bsn} gebeld", f"bsn:{bsn[:3]} {bsn[3:6]} {bsn[6:]}",
            f'beroep: "(cl. {bsn[:3]}.{bsn[3:6]}.{bsn[6:]})"', "FRCD000002069", "S" + bsn])
    got = {(f.column, f.kind): f.values for f in scan(db)}
    # an identifier that holds a nine-digit run passing the elfproef by chance is not a finding
    assert got == {("diagnose", "hold a BSN in their text"): 1, ("naam", "hold a BSN in their text"): 1,
                   ("reason", "hold a BSN in their text"): 1}
