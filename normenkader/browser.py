"""A headless browser for the dashboard's own tests and screenshots: Debian's Chromium (installed from Debian's
packages when missing), driven by Playwright's Python package. Playwright's own browser download is not used: it
needs a host this machine cannot reach."""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from normenkader.debian import apt_install

# A closed network: without these, Chromium keeps reaching for Google's hosts and logs each refusal.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


class BrowserError(RuntimeError):
    pass


def ensure_chromium(echo=print) -> Path:
    """The path of Debian's Chromium, installed first when it is missing (as root, with apt-get)."""
    found = shutil.which("chromium")
    if found is None and apt_install("chromium", echo):
        found = shutil.which("chromium")
    if found is None:
        raise BrowserError("Debian's chromium is needed for the dashboard's browser test: run as root once, or "
                           "`apt-get install chromium`")
    return Path(found)


@contextmanager
def chromium_page(viewport=(1400, 1000)):
    """A Playwright page in a fresh headless Chromium with an empty profile; closed on exit."""
    from playwright.sync_api import sync_playwright

    executable = ensure_chromium()
    with tempfile.TemporaryDirectory(prefix="nk-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=str(executable), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": viewport[0], "height": viewport[1]})
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()
