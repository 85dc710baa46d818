"""acmectl, the admin tool built beside the module.

Found through $ACMECTL, else as `acmectl` next to $MOD_ACME_SO (the build
tree puts both in one directory). A missing binary fails the test that needs
it (never a skip: a skipped check would pass unnoticed in ctest).
"""
import os
import subprocess
from dataclasses import dataclass


def path():
    """Absolute path of acmectl; AssertionError (a test failure) if it is missing."""
    explicit = os.environ.get("ACMECTL")
    if explicit:
        candidate, source = explicit, "ACMECTL"
    else:
        so = os.environ.get("MOD_ACME_SO", "")
        candidate = os.path.join(os.path.dirname(os.path.abspath(so)), "acmectl")
        source = "the directory of MOD_ACME_SO (set ACMECTL to point elsewhere)"
    if not (os.path.isfile(candidate) and os.access(candidate, os.X_OK)):
        raise AssertionError(f"acmectl not found: {candidate} from {source} is not an "
                             "executable file; build it (cmake --build BUILD) or set ACMECTL")
    return os.path.abspath(candidate)


@dataclass
class Result:
    argv: list
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self):
        return self.stdout + self.stderr

    def __str__(self):
        return (f"$ {' '.join(self.argv)}\nexit {self.returncode}\n--- stdout\n{self.stdout}"
                f"--- stderr\n{self.stderr}")


def run(*args, timeout=60):
    """Run acmectl with args; never raises for a non-zero exit."""
    argv = [path(), *map(str, args)]
    r = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout,
                       env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    return Result(argv, r.returncode, r.stdout.decode(errors="replace"),
                  r.stderr.decode(errors="replace"))
