"""The man pages: acmectl(8) and mod_acme(5) render without a warning from
man or groff, mod_acme(5) documents every directive the module registers
(config/directive_actions.cc's list, from which httpd/directives.cc makes
the command table) with its syntax, context, default and an
example, and acmectl(8) every command `acmectl --help` lists. A new directive
or command without its documentation fails here.
"""
import os
import re
import subprocess

from harness import acmectl

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAN_DIR = os.path.join(TOP, "man")
DIRECTIVES_CC = os.path.join(TOP, "mod_acme", "config", "directive_actions.cc")
FIELDS = ("Syntax:", "Context:", "Default:", "Example:")


def render(page):
    """man -l of man/page with every groff warning on (-ww): (text, warnings)."""
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "MANWIDTH": "80"}
    r = subprocess.run(["man", "-l", "--warnings=w", os.path.join(MAN_DIR, page)],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, timeout=60)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    return r.stdout.decode(), r.stderr.decode(errors="replace")


def sections(text):
    """{subsection heading: its text} of a rendered page (.SS headings are
    indented by three spaces, body text by seven)."""
    found, name = {}, None
    for line in text.splitlines():
        m = re.match(r"^ {3}(\S.*)$", line)
        if m:
            name = m.group(1).strip()
            found[name] = ""
        elif re.match(r"^\S", line):
            name = None
        elif name is not None:
            found[name] += line + "\n"
    return found


def registered_directives():
    with open(DIRECTIVES_CC) as f:
        names = re.findall(r'\{"(ACME\w+)", k(?:Vhost|Global), Arity::', f.read())
    assert len(names) >= 20, f"only {names} found in {DIRECTIVES_CC}: has its table moved?"
    return names


def test_710_01_pages_render_without_warnings():
    for page in ("acmectl.8", "mod_acme.5"):
        text, warnings = render(page)
        assert warnings == "", f"man -l --warnings {page}:\n{warnings}"
        r = subprocess.run(["groff", "-ww", "-z", "-man", os.path.join(MAN_DIR, page)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        assert r.returncode == 0 and r.stdout == b"", f"groff -ww {page}:\n{r.stdout.decode()}"
        assert "NAME" in text and "SEE ALSO" in text


def test_710_02_every_directive_documented():
    text, _ = render("mod_acme.5")
    documented = sections(text)
    missing = [d for d in registered_directives() if d not in documented]
    assert not missing, f"directives without a section in man/mod_acme.5: {missing}"
    for name in registered_directives():
        block = documented[name]
        lacking = [f for f in FIELDS if f not in block]
        assert not lacking, f"mod_acme(5) {name}: no {lacking}"
        syntax = re.search(r"Syntax:\s+(\S+)", block).group(1)
        example = re.search(r"Example:\s+(\S+)", block).group(1)
        assert syntax == example == name, f"{name}: Syntax/Example name {syntax}/{example}"


def test_710_03_every_acmectl_command_documented():
    overview = acmectl.run("--help")
    assert overview.returncode == 0, overview
    block = overview.stdout.split("Commands:", 1)[1].split("Options:", 1)[0]
    commands = re.findall(r"^  ([a-z]+)\b", block, re.M)
    assert len(commands) >= 5, block
    text, _ = render("acmectl.8")
    documented = sections(text)
    missing = [c for c in commands if c not in documented]
    assert not missing, f"acmectl commands without a section in man/acmectl.8: {missing}"
    for c in commands:
        assert re.search(rf"acmectl\s+{c}\b", documented[c]), f"acmectl(8) {c}: no synopsis line"
