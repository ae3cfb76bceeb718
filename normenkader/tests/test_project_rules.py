"""Project rules (dbt-project-evaluator's useful ones) over target/manifest.json of the session's dbt run."""

from __future__ import annotations

import json

import pytest
import yaml

from normenkader import PROJECT_ROOT

# Exceptions, each with its reason.
STAGING_MAY_READ = {
    "stg_delivery__selected": "every staging model describes the delivery selected per institution",
    "stg_delivery__chain": "the deliveries (a full one and the changes after it) the selected state is built from",
    "stg_delivery__load_audit": "the delivery selection is derived from the loader's audit",
}


@pytest.fixture(scope="module")
def manifest(warehouse):
    path = PROJECT_ROOT / "target" / "manifest.json"
    assert path.exists(), "no target/manifest.json: dbt has not run"
    return json.loads(path.read_text())


def _models(manifest):
    return {n["name"]: n for n in manifest["nodes"].values()
            if n["resource_type"] == "model" and n["package_name"] == "normenkader"}


def test_every_model_and_column_is_documented(manifest):
    models = _models(manifest)
    assert len(models) > 40
    undocumented = [m for m, n in models.items() if not n["description"].strip()]
    columns = [f"{m}.{c}" for m, n in models.items() for c, v in n["columns"].items() if not v["description"].strip()]
    assert undocumented == [] and columns == []


def test_every_model_documents_all_its_columns(warehouse, manifest):
    missing = []
    for name, node in _models(manifest).items():
        schema = node["schema"]
        actual = {r[0] for r in warehouse.query(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [schema, name])}
        missing += [f"{name}.{c}" for c in sorted(actual - set(node["columns"]))]
    assert missing == []


def test_every_model_is_tested(manifest):
    tested = {d for n in manifest["nodes"].values() if n["resource_type"] in ("test", "unit_test")
              for d in n["depends_on"]["nodes"]}
    untested = [m for m, n in _models(manifest).items() if n["unique_id"] not in tested]
    assert untested == []


def test_source_is_only_used_in_staging(manifest):
    offenders = [m for m, n in _models(manifest).items()
                 if n["depends_on"]["nodes"] and any(d.startswith("source.") for d in n["depends_on"]["nodes"])
                 and not n["original_file_path"].startswith("models/staging/")]
    assert offenders == []


def test_staging_reads_no_other_staging_model_but_the_delivery_selection(manifest):
    models = _models(manifest)
    by_id = {n["unique_id"]: m for m, n in models.items()}
    offenders = []
    for name, node in models.items():
        if not name.startswith("stg_"):
            continue
        for dep in node["depends_on"]["nodes"]:
            parent = by_id.get(dep, "")
            if parent.startswith("stg_") and parent not in STAGING_MAY_READ:
                offenders.append(f"{name} <- {parent}")
    assert offenders == []


def test_marts_have_enforced_contracts(manifest):
    marts = [n for n in _models(manifest).values() if n["original_file_path"].startswith("models/marts/")]
    assert marts and all(n["config"]["contract"]["enforced"] for n in marts)


class _StrictLoader(yaml.SafeLoader):
    """A YAML loader that refuses duplicate keys (PyYAML, and so dbt, silently keep the last one)."""


def _no_duplicates(loader, node, deep=False):
    keys = [loader.construct_object(k, deep=deep) for k, _ in node.value]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise yaml.constructor.ConstructorError(None, None, f"duplicate keys {sorted(duplicates)}", node.start_mark)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def test_no_yaml_file_repeats_a_key():
    files = [p for d in ("models", "seeds", "profiles") for p in (PROJECT_ROOT / d).rglob("*.yml")]
    files.append(PROJECT_ROOT / "dbt_project.yml")
    assert len(files) > 8
    for path in files:
        yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # raises on a repeated key


def test_source_counts_follow_the_contracts_control_totals(manifest):
    """Macro bronaantallen (dbt) and the GX validation read the same extract -> controle_totaal pairs."""
    import re

    from normenkader.contract import load_contract

    macro = (PROJECT_ROOT / "macros" / "massa" / "bronaantallen.sql").read_text()
    in_macro = set(re.findall(r"\('(aantal_\w+)', '(stg_\w+)'\)", macro))
    in_contract = {(e.control_total, e.staging_model) for e in load_contract().extracts if e.control_total}
    assert in_macro == in_contract and len(in_contract) == 3


def test_every_mart_a_bi_tool_reads_has_an_enforced_contract(manifest):
    """A changed type or a removed column of a mart fails the build (issue 7), every column typed."""
    marts = {m: n for m, n in _models(manifest).items() if n["original_file_path"].startswith("models/marts/")}
    assert len(marts) >= 20
    unenforced = sorted(m for m, n in marts.items() if not n["config"]["contract"]["enforced"])
    untyped = sorted(f"{m}.{c}" for m, n in marts.items() for c, v in n["columns"].items() if not v.get("data_type"))
    assert unenforced == [] and untyped == []


def test_every_var_that_shapes_rows_is_in_the_fingerprint():
    """D-76: a table kept between builds is rebuilt when a var it could read changed; the macro lists the vars, and
    a var added to dbt_project.yml without it would go unnoticed by the nights after an edit."""
    import re

    listed = set(re.findall(r"'(\w+)'", re.search(
        r"macro nk_fingerprint_vars\(\).*?endmacro", (PROJECT_ROOT / "macros" / "utils" / "fingerprint.sql")
        .read_text(), re.S).group(0)))
    declared = set(yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())["vars"])
    assert listed == declared - {"peildatum"}


def _allow_list():
    """normenkader/incrementality_allow_list.yml: the exceptions to the incrementality rules, each with a reason."""
    allowed = yaml.safe_load((PROJECT_ROOT / "normenkader" / "incrementality_allow_list.yml").read_text())
    for section, entries in allowed.items():
        assert all(isinstance(reason, str) and len(reason) > 20 for reason in entries.values()), section
    return allowed


def _below_staging(manifest):
    return {m: n for m, n in _models(manifest).items() if not n["original_file_path"].startswith("models/staging/")}


def test_no_model_below_staging_reads_a_base_model_or_a_change_feed(manifest):
    """D-77: the dirty sets alone know how a delivery's changes reach the audit's grain; a norm or B-model table reads
    the staging models and what is built on them, so adding one needs no incremental code."""
    allowed = _allow_list()["reads_staging_internals"]
    models = _models(manifest)
    by_id = {n["unique_id"]: m for m, n in models.items()}
    offenders = sorted(
        f"{name} <- {by_id[d]}" for name, node in _below_staging(manifest).items() if name not in allowed
        for d in node["depends_on"]["nodes"]
        if by_id.get(d, "").startswith("base_") or by_id.get(d, "").startswith("stg_delivery__wijzigingen"))
    assert offenders == []
    assert set(allowed) <= set(models), "the allow-list names a model that no longer exists"


def test_every_model_below_staging_is_a_table_a_view_or_rebuilt_per_dirty_key(manifest):
    allowed = _allow_list()["materializations"]
    below = _below_staging(manifest)
    offenders = sorted(f"{m}: {n['config']['materialized']}" for m, n in below.items()
                       if n["config"]["materialized"] not in ("table", "view", "dirty_keys") and m not in allowed)
    assert offenders == []
    assert set(allowed) <= set(below)
    assert sum(n["config"]["materialized"] == "dirty_keys" for n in below.values()) >= 16


def test_no_macro_calls_ref_outside_the_allow_list():
    """A ref() inside a macro hides a dependency from the model that calls it (and from a reader of that model)."""
    import re

    allowed = _allow_list()["macros_calling_ref"]
    calling = set()
    for path in (PROJECT_ROOT / "macros").rglob("*.sql"):
        code = re.sub(r"\{#.*?#\}", "", path.read_text(), flags=re.S)  # not in comments
        if re.search(r"\bref\(", code):
            calling.add(path.relative_to(PROJECT_ROOT).as_posix())
    assert sorted(calling - set(allowed)) == []
    assert set(allowed) <= calling, "the allow-list names a macro file that no longer calls ref()"


def test_model_files_below_staging_hold_no_incremental_code(manifest):
    """No `-- depends_on:` hint, is_incremental() or per-key filter in a model file below staging, but in the dirty sets
    and histories the allow-list names."""
    import re

    allowed = _allow_list()["materializations"]
    offenders = []
    for name, node in _below_staging(manifest).items():
        if name in allowed:
            continue
        code = (PROJECT_ROOT / node["original_file_path"]).read_text()
        for pattern in (r"depends_on", r"is_incremental\(", r"rebuild_keys", r"\{\{\s*this\s*\}\}", r"_wijzigingen"):
            if re.search(pattern, code):
                offenders.append(f"{name}: {pattern}")
    assert offenders == []
