#!/usr/bin/env bash
# Builds the Debian package libapache2-mod-acme and checks it with lintian.
# Usage: scripts/package.sh [OUTDIR]   (default: build-deb/ in the source tree)
#
# dpkg-buildpackage builds in the source tree and writes the .deb next to it
# (../), so this copies the sources (the files git knows, plus new ones not
# ignored) to a temporary directory, builds there and copies the results
# (.deb, .ddeb, .buildinfo, .changes) and lintian's report (lintian.txt) to
# OUTDIR. The source tree is left as it was. Fails if lintian reports an error;
# its warnings are in lintian.txt. CMAKE_CXX_COMPILER_LAUNCHER=ccache in the
# environment is passed on to CMake.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$top/build-deb}")
"$top/scripts/deps.sh" package

version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
work=$(mktemp -d /tmp/mod_acme-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
src="$work/mod-acme-$version"
mkdir "$src"
# The names git lists that exist (a file deleted but not yet committed does not).
existing() { while IFS= read -r -d '' f; do [[ -e $top/$f ]] && printf '%s\0' "$f"; done; }
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$top" && git ls-files -z --cached --others --exclude-standard | existing |
     tar --null -T - -cf -) | tar -C "$src" -xf -
else
  tar -C "$top" --exclude='./build' --exclude='./build-*' --exclude='./.git' -cf - . |
    tar -C "$src" -xf -
fi

(cd "$src" && dpkg-buildpackage -b -us -uc)
mkdir -p "$out"
# Only this build's files: a test takes the one libapache2-mod-acme_*.deb it finds.
rm -f "$out"/libapache2-mod-acme*_*.deb "$out"/libapache2-mod-acme*_*.ddeb \
      "$out"/mod-acme_*.changes "$out"/mod-acme_*.buildinfo "$out/lintian.txt"
changes=$(ls "$work"/mod-acme_"$version"_*.changes)
cp "$work"/*.deb "$work"/*.buildinfo "$changes" "$out"/
cp "$work"/*.ddeb "$out"/ 2>/dev/null || true
# Errors fail the build; warnings and info are listed for the reader.
status=0
# Its temporary files (mldbm-elf-*) go under $work, which the trap removes:
# in /tmp they were left behind by every run.
TMPDIR="$work" lintian --display-level '>=info' "$changes" >"$out/lintian.txt" 2>&1 || status=$?
cat "$out/lintian.txt"
if [[ $status -ne 0 ]]; then
  echo "mod_acme: lintian reports errors (above, and in $out/lintian.txt)" >&2
  exit 1
fi
echo "mod_acme: package in $out:"
ls -1 "$out"
