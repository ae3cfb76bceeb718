"""The dashboards: a Streamlit app over the published snapshot (normenkader.publish), never over the warehouse (D-89).

`normenkader dashboard` (or `make dashboard`) serves it on 127.0.0.1. The app opens the snapshot read-only for each
query and closes it again, so a snapshot swapped in by the next build shows on the next page load.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from normenkader.publish import SNAPSHOT_NAME

APP = Path(__file__).with_name("app.py")


def streamlit_command(published: Path, port: int) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that serve the app on 127.0.0.1:`port` over the snapshot in `published`:
    headless, no usage statistics, no file watcher (the app reads data, its code does not change while it runs)."""
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP),
           "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
           "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
           "--global.developmentMode", "false", "--client.toolbarMode", "viewer", "--theme.base", "light"]
    env = {**os.environ, "NORMENKADER_PUBLISHED": str(Path(published).resolve() / SNAPSHOT_NAME)}
    return cmd, env


def serve(published: Path, port: int) -> int:
    snapshot = Path(published) / SNAPSHOT_NAME
    if not snapshot.exists():
        print(f"error: {snapshot}: no published snapshot (run `make build`, or `normenkader publish` after a "
              "`dbt build`)", file=sys.stderr)
        return 2
    cmd, env = streamlit_command(published, port)
    print(f"dashboard: http://127.0.0.1:{port}/  (snapshot {snapshot.resolve()}; Ctrl-C stops it)", flush=True)
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 0
