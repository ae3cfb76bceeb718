"""The published snapshot and the dashboards over it (issue 31, D-89): every page in a real browser (Debian's Chromium
driven by Playwright) without an error, the figures the pages show equal to the marts of the warehouse, a build and
a new publication while a page and a reader hold the snapshot open, and DuckDB 1.4 opening the published file.

The expected figures are read from the warehouse's marts (not from the snapshot the app reads) and formatted by
this file's own Dutch formatting, not the app's."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from normenkader.browser import chromium_page
from normenkader.dashboard import streamlit_command
from normenkader.publish import SNAPSHOT_NAME, publish
from normenkader.warehouse import PROJECT_ROOT, run_dbt

PAGES = {"Overzicht": "overzicht", "VAR": "var", "VAR-parameters": "var-parameters",
         "Logging parameters": "logging-parameters", "Facturatieblokkade": "facturatieblokkade",
         "Normrisico": "normrisico", "Massa-aansluiting": "massa-aansluiting", "Volumenormen": "volumenormen",
         "Steekproeven": "steekproeven"}
# where the screenshots go: `make screenshots` points this at docs/screenshots for the README
SCREENSHOTS = Path(os.environ.get("NORMENKADER_SCREENSHOTS", PROJECT_ROOT / "data" / "ci" / "screenshots"))
READER_DUCKDB = "1.4.5"


def nl(value, decimals: int = 2) -> str:
    text = f"{Decimal(str(value)):,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(warehouse, tmp_path_factory):
    """A copy of the CI warehouse, its published snapshot, and the dashboard serving that snapshot."""
    root = tmp_path_factory.mktemp("dashboard")
    db = root / "normenkader.duckdb"
    shutil.copyfile(warehouse.db, db)
    published = root / "published"
    counts = publish(db, published, echo=lambda *a: None)
    port = free_port()
    cmd, env = streamlit_command(published, port)
    with open(root / "streamlit.log", "w") as log:
        server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while not _healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"the dashboard did not start:\n{(root / 'streamlit.log').read_text()}")
            time.sleep(0.3)
        yield {"db": db, "published": published, "counts": counts, "url": url}
        server.terminate()
        server.wait(timeout=20)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def browser(site):
    with chromium_page() as page:
        problems: list[str] = []
        page.on("console", lambda m: m.type in ("error", "warning") and problems.append(f"console {m.type}: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
        page.problems = problems
        yield page


def open_page(page, site, title: str, **filters):
    """Load the app at its home with `filters` in the address, then go to `title` through the sidebar as a user
    would, and wait until the page has finished running."""
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    page.goto(f"{site['url']}/{'?' + query if query else ''}")
    page.get_by_role("heading", level=1, name="Overzicht", exact=True).wait_for(timeout=30_000)
    if title != "Overzicht":
        page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    page.get_by_role("heading", level=1, name=title, exact=True).wait_for(timeout=30_000)
    # the page has run to its end when the footer naming the snapshot shows, and nothing is running any more
    page.get_by_text("Snapshot gepubliceerd op").wait_for(timeout=30_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(300)
    errors = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    assert errors.count() == 0, f"{title}: {errors.first.inner_text()}"


def metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label))
    return box.locator('[data-testid="stMetricValue"]').first.inner_text().strip()


def test_every_page_loads_without_an_error_and_is_photographed(site, browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for title, slug in PAGES.items():
        browser.problems.clear()
        open_page(browser, site, title)
        assert browser.problems == [], f"{title}: {browser.problems}"
        browser.screenshot(path=str(SCREENSHOTS / f"{slug}.png"), full_page=True)
        assert (SCREENSHOTS / f"{slug}.png").stat().st_size > 10_000


def test_the_pages_show_the_figures_of_the_marts(warehouse, site, browser):
    # the largest VAR of any category, on the page of its financier and year
    institution, uzovi, jaar, categorie, var_eur = warehouse.query("""
        select institution, uzovi, jaar, var_categorie, var_eur from var.rpt_var
        order by var_eur desc, uzovi, jaar, var_categorie limit 1""")[0]
    assert var_eur > 0
    open_page(browser, site, "VAR", institution=institution, uzovi=uzovi, jaar=jaar)
    assert metric(browser, f"VAR {categorie}") == f"€ {nl(var_eur)}"
    # the registration of the last months' care on the VAR-parameters page (D-97): the consults of the cut-off's
    # month as the delivery holds them and as the prognose expects them
    institution, geregistreerd, verwacht = warehouse.query("""
        select institution, geregistreerd, verwacht from var.rpt_var_registratievoltooiing
        where bron = 'zpm_zorgprestatie' and maanden_terug = 0 order by institution limit 1""")[0]
    uzovi, jaar = warehouse.query(f"""
        select uzovi, jaar from var.rpt_var_parameters where institution = '{institution}'
        order by jaar desc, uzovi limit 1""")[0]
    open_page(browser, site, "VAR-parameters", institution=institution, uzovi=uzovi, jaar=jaar)
    row = browser.locator('[data-testid="stTable"] tr', has_text="Prestaties").first.inner_text()
    assert geregistreerd > 0 and f"€ {nl(geregistreerd)}" in row and f"€ {nl(verwacht)}" in row
    # the number of blocked items and what they hold back, per institution
    for institution, posten, impact in warehouse.query("""
            select institution, count(*), sum(financiele_impact) from normen.rpt_facturatieblokkade
            group by all order by all"""):
        open_page(browser, site, "Facturatieblokkade", institution=institution)
        assert metric(browser, "Geblokkeerde posten") == nl(posten, 0)
        assert metric(browser, "Financiële impact") == f"€ {nl(impact)}"
    # a massa-aansluiting cell in euros: the warehouse's and the institution's value on its row
    institution, cel, ours, theirs, status = warehouse.query("""
        select institution, cel, waarde_warehouse, waarde_instelling, status from massa.rpt_massa_aansluiting
        where maat = 'bedrag' order by waarde_warehouse desc, cel limit 1""")[0]
    open_page(browser, site, "Massa-aansluiting", institution=institution)
    row = browser.locator('[data-testid="stTable"] tr', has_text=cel).first.inner_text()
    assert f"€ {nl(ours)}" in row and f"€ {nl(theirs)}" in row and status in row
    # the findings of the risk overview, each norm and year counted once
    institution, bevindingen = warehouse.query("""
        select institution, sum(aantal_bevindingen) from normen.rpt_norm_risico where telt_in_totaal
        group by all order by 2 desc, 1 limit 1""")[0]
    open_page(browser, site, "Normrisico", institution=institution, jaar="alle")
    assert metric(browser, "Bevindingen") == nl(bevindingen, 0)


def test_the_reviewers_workbook_downloads_from_the_steekproeven_page(warehouse, site, browser, tmp_path):
    from openpyxl import load_workbook

    institution, design = warehouse.query("""select institution, steekproef_id from steekproef.rpt_steekproef_uitkomst
        order by institution, steekproef_id limit 1""")[0]
    open_page(browser, site, "Steekproeven", institution=institution)
    with browser.expect_download() as download:
        browser.get_by_role("button", name="Werkboek om te beoordelen (xlsx)").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == f"steekproef_{institution}_{design}.xlsx"
    items = [(r[2], r[3]) for r in load_workbook(path)["Items"].iter_rows(min_row=2, values_only=True)]
    assert items == warehouse.query("""select item_id, oordeel from steekproef.rpt_steekproef_items
        where institution = ? and steekproef_id = ? order by item_id""", [institution, design])
    assert browser.problems == [], browser.problems


def test_a_build_and_a_new_publication_while_a_page_and_a_reader_hold_the_snapshot(site, browser):
    snapshot = site["published"] / SNAPSHOT_NAME
    stamp = "select max(gepubliceerd_op) from publicatie"
    open_page(browser, site, "VAR")
    with duckdb.connect(str(snapshot), read_only=True) as reader:
        before = reader.execute(stamp).fetchall()[0][0]
        # the build writes the warehouse while the page and the reader stay open
        proc = run_dbt(["build", "--select", "marts.var", "--quiet"], site["db"], check=False)
        assert proc.returncode == 0, proc.stdout[-3000:]
        publish(site["db"], site["published"], echo=lambda *a: None)
        # the reader that held the old snapshot keeps reading it, whole
        assert reader.execute(stamp).fetchall()[0][0] == before
        assert reader.execute("select count(*) from var.rpt_var").fetchall()[0][0] == site["counts"]["var.rpt_var"]
    with duckdb.connect(str(snapshot), read_only=True) as fresh:
        after = fresh.execute(stamp).fetchall()[0][0]
    assert after > before
    # the page shows the new snapshot on its next load
    browser.problems.clear()
    open_page(browser, site, "VAR")
    assert f"gepubliceerd op {after:%Y-%m-%d %H:%M}" in browser.locator('[data-testid="stCaptionContainer"]').last \
        .inner_text()
    assert browser.problems == []


def test_duckdb_1_4_opens_the_published_snapshot_and_its_parquet(warehouse, site):
    target = PROJECT_ROOT / ".venv" / "readers" / f"duckdb-{READER_DUCKDB}"
    if not (target / "duckdb").exists():
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                        "--target", str(target), f"duckdb=={READER_DUCKDB}"], check=True)
    parquet = site["published"] / "parquet" / "var.rpt_var.parquet"
    script = f"""
import duckdb, json
con = duckdb.connect({str(site['published'] / SNAPSHOT_NAME)!r}, read_only=True)
tables = con.execute("select table_schema || '.' || table_name from information_schema.tables "
                     "where table_schema <> 'main'").fetchall()
counts = {{t: con.execute(f"select count(*) from {{t}}").fetchall()[0][0] for (t,) in tables}}
parquet = con.execute("select count(*) from read_parquet({str(parquet)!r})")
print(json.dumps({{"version": duckdb.__version__, "counts": counts, "parquet": parquet.fetchall()[0][0]}}))
"""
    proc = subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": str(target)},
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout)
    assert seen["version"] == READER_DUCKDB
    assert seen["counts"] == site["counts"]
    # every mart of the warehouse is published, with its rows
    marts = warehouse.query("""select table_schema || '.' || table_name from information_schema.tables
        where table_schema in ('kwaliteit', 'massa', 'normen', 'var', 'volume') and table_type = 'BASE TABLE'""")
    for (table,) in marts:
        assert seen["counts"][table] == warehouse.query(f"select count(*) from {table}")[0][0], table
    assert seen["parquet"] == seen["counts"]["var.rpt_var"]
