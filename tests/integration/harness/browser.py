"""A real browser: headless Chromium renders a page, we read its text.

dump_dom() runs /usr/bin/chromium (installed by scripts/deps.sh) with a new
profile in a temp dir (removed after), no network beyond the URL we give
(no proxy, no background or component updates, no QUIC), and returns the
DOM after scripts ran. page_text() turns that into the visible text.
"""
import html.parser
import os
import shutil
import subprocess
import tempfile

from . import procs

CHROMIUM = "/usr/bin/chromium"


def dump_dom(url, timeout=60):
    if not os.access(CHROMIUM, os.X_OK):
        raise AssertionError(f"{CHROMIUM} is missing: run scripts/deps.sh (apt-get install "
                             "chromium)")
    profile = tempfile.mkdtemp(prefix="mod_acme-chromium-")
    argv = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-proxy-server", "--disable-dev-shm-usage",
            "--disable-breakpad", "--disable-crash-reporter",
            f"--user-data-dir={profile}", "--dump-dom", url]
    proc = None
    try:
        # Own session: its pid is the group id of every helper it forks.
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True,
                                env={"PATH": "/usr/bin:/bin", "HOME": profile,
                                     "LANG": "C.UTF-8"})
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        procs.stop(proc, timeout=2)
        raise AssertionError(f"chromium --dump-dom {url} did not finish in {timeout}s")
    finally:
        if proc is not None:
            procs.stop(proc, timeout=2)   # and any helper it left in its group
        shutil.rmtree(profile, ignore_errors=True)
    r = subprocess.CompletedProcess(argv, proc.returncode, out, err)
    dom = r.stdout.decode(errors="replace")
    if r.returncode != 0 or "<html" not in dom.lower():
        raise AssertionError(f"chromium --dump-dom {url} failed (exit {r.returncode}):\n"
                             f"{dom[-2000:]}\n{r.stderr.decode(errors='replace')[-2000:]}")
    return dom


class _Text(html.parser.HTMLParser):
    SKIP = {"script", "style", "head", "title"}

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
        elif tag in ("td", "th", "p", "div", "tr", "li", "h1", "h2", "br"):
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(dom):
    """The visible text of a DOM, whitespace collapsed."""
    p = _Text()
    p.feed(dom)
    return " ".join("".join(p.parts).split())


def table_rows(dom):
    """Each <tr> of dom as a list of its cells' texts (th or td)."""
    rows = []

    class Rows(html.parser.HTMLParser):
        def __init__(self):
            super().__init__()
            self.row = self.cell = None

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.row = []
            elif tag in ("td", "th") and self.row is not None:
                self.cell = []

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.cell is not None:
                self.row.append(" ".join("".join(self.cell).split()))
                self.cell = None
            elif tag == "tr" and self.row is not None:
                rows.append(self.row)
                self.row = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    Rows().feed(dom)
    return rows
