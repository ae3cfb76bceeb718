"""Debian packages the project's own scripts install when a program is missing (PostgreSQL's server, Java)."""

from __future__ import annotations

import os
import shutil
import subprocess


def apt_install(package: str, echo=None) -> bool:
    """Install `package` with apt-get (echo, if given, says so first); False, and nothing done, when this process
    cannot (not root, no apt-get)."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return False
    if echo is not None:
        echo(f"installing {package} from Debian's packages")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", package], check=True, env=env)
    return True
