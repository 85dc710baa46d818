"""acmectl's bash completion (tools/acmectl/acmectl.bash, installed as
/usr/share/bash-completion/completions/acmectl): sourced in a plain bash, it
offers the commands `acmectl --help` lists, each command's options its
--help lists, and certificate names from the store.
"""
import os
import pathlib
import re
import subprocess

from harness import acmectl

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(TOP, "tools", "acmectl", "acmectl.bash")

# Splits the line as readline does for a word list, completes the last word.
DRIVER = r'''
source "$1" || exit 3
line=$2
read -ra COMP_WORDS <<< "$line"
[[ $line == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE=$line
COMP_POINT=${#line}
complete -p acmectl >/dev/null || exit 4
_acmectl
printf '%s\n' "${COMPREPLY[@]}"
'''


def complete(line, env_store=None):
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    if env_store:
        env["ACME_STORE_DIR"] = env_store
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", DRIVER, "bash", SCRIPT, line],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, timeout=30)
    assert r.returncode == 0 and r.stderr == b"", (line, r.returncode, r.stderr.decode())
    return [w for w in r.stdout.decode().split("\n") if w]


def help_commands():
    r = acmectl.run("--help")
    assert r.returncode == 0, r
    block = r.stdout.split("Commands:", 1)[1].split("Options:", 1)[0]
    commands = re.findall(r"^  ([a-z]+)\b", block, re.M)
    assert len(commands) >= 5, block
    return commands


def help_options(command):
    """The options a command's --help lists (two-space indent, as it prints them)."""
    r = acmectl.run(command, "--help")
    assert r.returncode == 0, r
    return set(re.findall(r"^  (--[a-z][a-z-]*)", r.stdout, re.M))


def test_720_01_commands():
    offered = complete("acmectl ")
    assert set(help_commands()) <= set(offered), offered
    assert set(offered) - set(help_commands()) == {"help"}, offered
    assert complete("acmectl re") == ["renew", "revoke"]
    assert complete("acmectl --store /tmp ro") == ["rollover"]


def test_720_02_options_of_each_command():
    for command in help_commands():
        offered = complete(f"acmectl {command} --")
        missing = help_options(command) - set(offered)
        assert not missing, f"acmectl {command} --<TAB> lacks {missing}: {offered}"
    assert complete("acmectl check --c") == ["--ca-file", "--connect"]
    assert complete("acmectl status --j") == ["--json"]


def test_720_03_names_from_the_store(session):
    tmp_path = pathlib.Path(session.mkdir("completion"))  # removed with the session
    for name in ("a.test", "a.test_rsa2048", "b.test"):
        (tmp_path / "live" / name).mkdir(parents=True)
    assert complete(f"acmectl --store {tmp_path} renew ") == ["a.test", "b.test"]
    assert complete("acmectl revoke a", env_store=str(tmp_path)) == ["a.test"]
    assert "keyCompromise" in complete(f"acmectl --store {tmp_path} revoke a.test ")
    (tmp_path / "my store").mkdir()
    assert complete(f"acmectl --store {tmp_path}/my") == [f"{tmp_path}/my store"]
