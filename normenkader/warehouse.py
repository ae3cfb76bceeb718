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
    proc = subprocess.run([executable or dbt_executable(), *args], cwd=project_dir, env=env, capture_output=True,
                          text=True)
    if check and proc.returncode != 0:
        raise RuntimeError(
            f"dbt {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout[-6000:]}{proc.stderr[-2000:]}")
    return proc


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
    done, next_share, tail = 0, every, deque(maxlen=120)
    for line in proc.stdout:
        line = line.rstrip("\n")
        tail.append(line)
        text = TIME_PREFIX.sub("", line)
        if match := RESULT_LINE.search(text):
            done, total, status = int(match[1]), int(match[2]), match[3]
            if status in ("WARN", "ERROR", "FAIL"):
                echo(f"  {text}")
            if done / total >= next_share or done == total:
                echo(f"  dbt {args[0]}: {done} of {total} nodes ({done / total:.0%}) in "
                     f"{time.monotonic() - started:.0f} s")
                next_share = (int(done / total / every) + 1) * every
        elif text.startswith(("Finished running", "Completed", "Done.")):
            echo(f"  {text}")
    rc = proc.wait()
    if rc != 0:
        echo("\n".join(tail))
    return rc
