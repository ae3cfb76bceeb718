"""Run dbt for this project from Python (tests, benchmark): one place that knows how dbt is called."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections import deque
from pathlib import Path

from normenkader import PROJECT_ROOT

# The nightly production build: every model, seed and data test. Unit tests check the code, not the data, so they
# run in CI (`make test-warehouse`) and not each night, as dbt advises; their ~20 nodes are a fifth of the fixed
# cost (D-59).
NIGHTLY_BUILD = ["build", "--exclude-resource-type", "unit_test"]


def dbt_executable() -> str:
    return str(Path(sys.executable).with_name("dbt"))


def dbt_env(db_path: Path) -> dict[str, str]:
    """The environment under which dbt (and the loader) work on the DuckDB file db_path."""
    return {**os.environ, "NORMENKADER_DB": str(db_path), "DBT_PROFILES_DIR": str(PROJECT_ROOT / "profiles")}


def run_dbt(args: list[str], db_path: Path, check: bool = True, project_dir: Path = PROJECT_ROOT,
            executable: str | None = None) -> subprocess.CompletedProcess:
    """Run `dbt <args>` on the DuckDB file db_path with the project's profiles; output is captured. project_dir
    runs a copy of the project (tests that change seeds); executable another venv's dbt (Spark's). Under
    pytest-xdist each worker has its own target and log folders, so parallel dbt runs do not overwrite each other's
    manifest or run results."""
    env = dbt_env(db_path)
    if worker := os.environ.get("PYTEST_XDIST_WORKER"):
        env.setdefault("DBT_TARGET_PATH", str(project_dir / "target" / f"pytest-{worker}"))
        env.setdefault("DBT_LOG_PATH", str(project_dir / "logs" / f"pytest-{worker}"))
        env["NORMENKADER_DB"] = str(_worker_database_link(db_path, worker))
    proc = subprocess.run([executable or dbt_executable(), *args], cwd=project_dir, env=env, capture_output=True,
                          text=True)
    if check and proc.returncode != 0:
        raise RuntimeError(
            f"dbt {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout[-6000:]}{proc.stderr[-2000:]}")
    return proc


def _worker_database_link(db_path: Path, worker: str) -> Path:
    """One path per file name for the databases a pytest worker's dbt runs use: a symlink to `db_path`. dbt parses
    the whole project again whenever a value its profile reads changes, and the profile reads NORMENKADER_DB; with
    one path per worker and file name (most tests name theirs wh.duckdb) it parses only what changed from one
    test's database to the next (partial parsing). DuckDB writes its write-ahead log beside the path it was given:
    one left there (a run that did not close its database) belongs to the database the link pointed at before, so
    it stops the run rather than being replayed into another."""
    # the link keeps the file's name: DuckDB names the catalog after the file it opens, dbt after the path it is given
    link = PROJECT_ROOT / "target" / f"pytest-{worker}" / "db" / Path(db_path).name
    link.parent.mkdir(parents=True, exist_ok=True)
    target = Path(db_path).resolve()
    if link.is_symlink() and Path(os.readlink(link)) == target:
        return link
    wal = link.with_name(link.name + ".wal")
    if wal.exists():
        raise RuntimeError(f"{wal}: the write-ahead log of a dbt run on {os.readlink(link)} that did not close it")
    staged = link.with_name(f".{link.name}.{os.getpid()}")
    staged.unlink(missing_ok=True)
    os.symlink(target, staged)
    os.replace(staged, link)
    return link


RESULT_LINE = re.compile(r"\b(\d+) of (\d+) (OK|PASS|WARN|ERROR|FAIL|SKIP|NO-OP)\b")
TIME_PREFIX = re.compile(r"^\d\d:\d\d:\d\d\s+")


def dbt_with_progress(args: list[str], echo=print, every: float = 0.1) -> int:
    """Run `dbt <args>` in this environment and say how far it is instead of printing every node: a line per tenth
    of the nodes done (count, share, seconds), every node that did not pass as dbt printed it, and dbt's summary.
    On a failure dbt's whole closing report (the errors with their SQL and files) follows. Returns dbt's exit code."""
    env = {**os.environ, "DBT_USE_COLORS": "false"}
    started = time.monotonic()
    proc = subprocess.Popen([dbt_executable(), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, bufsize=1)
    # in whole steps (a tenth: 10), so 6 of 20 is 3 tenths exactly and not below 0.30000000000000004
    steps = round(1 / every)
    done, next_step, tail = 0, 1, deque(maxlen=120)
    for line in proc.stdout:
        line = line.rstrip("\n")
        tail.append(line)
        text = TIME_PREFIX.sub("", line)
        # a hook's line ("1 of 3 OK hook: ...") counts the hooks, not the nodes
        if " hook: " not in text and (match := RESULT_LINE.search(text)):
            done, total, status = int(match[1]), int(match[2]), match[3]
            if status in ("WARN", "ERROR", "FAIL"):
                echo(f"  {text}")
            if done * steps >= next_step * total or done == total:
                echo(f"  dbt {args[0]}: {done} of {total} nodes ({done / total:.0%}) in "
                     f"{time.monotonic() - started:.0f} s")
                next_step = done * steps // total + 1
        elif text.startswith(("Finished running", "Completed", "Done.")):
            echo(f"  {text}")
    rc = proc.wait()
    if rc != 0:
        echo("\n".join(tail))
    return rc
