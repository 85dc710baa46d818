#!/usr/bin/python3
"""The layer rule (shared/DESIGN.md "Layers", docs/architecture.md): a file
in mod_acme/<layer>/ includes only headers of its own layer and of the
layers below it. Run by ctest (test `layers`); prints every include that
breaks the rule, with the file, the line and what the layer may use, and
exits 1. A new folder under mod_acme/ must be added to LAYERS first (an
unknown folder fails too), so the order is always written down here.
"""
import os
import re
import sys

# Lowest first; each layer may use itself and the layers listed for it.
LAYERS = {
    "base": [],
    "json": ["base"],
    "crypto": ["base", "json"],
    "http": ["base"],
    "shm": ["base"],
    "store": ["base", "json", "crypto", "http"],
    "acme": ["base", "json", "crypto", "http"],
    "cluster": ["base", "json", "crypto", "http", "store"],
    "preflight": ["base", "json", "crypto", "http", "shm", "store", "acme"],
    "schedule": ["base"],
    "config": ["base", "json", "crypto", "http", "store", "acme", "cluster", "preflight",
               "schedule"],
    "certset": ["base", "crypto", "http", "store", "acme", "config"],
    "solve": ["base", "json", "crypto", "shm", "store", "acme", "preflight", "config"],
    "report": ["base", "json", "store", "acme", "config", "certset"],
    "staple": ["base", "crypto", "http", "shm", "store", "config"],
    "renew": ["base", "json", "crypto", "http", "shm", "store", "acme", "cluster", "preflight",
              "schedule", "config", "certset", "solve", "report", "staple"],
    "httpd": ["base", "json", "crypto", "http", "shm", "store", "acme", "cluster", "preflight",
              "schedule", "config", "certset", "solve", "report", "staple", "renew"],
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_0-9]+)/')


def main(root):
    core = os.path.join(root, "mod_acme")
    problems = []
    for layer in sorted(os.listdir(core)):
        folder = os.path.join(core, layer)
        if not os.path.isdir(folder):
            continue
        if layer not in LAYERS:
            problems.append(f"mod_acme/{layer}/: a folder scripts/check_layers.py does not know; "
                            "add it to LAYERS with the layers it may use")
            continue
        allowed = set(LAYERS[layer]) | {layer}
        for name in sorted(os.listdir(folder)):
            if not name.endswith((".h", ".cc")):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if m and m.group(1) in LAYERS and m.group(1) not in allowed:
                        problems.append(
                            f"mod_acme/{layer}/{name}:{number}: includes {m.group(1)}/, a layer "
                            f"above {layer}/ (it may use: {', '.join(sorted(allowed))})")
    for p in problems:
        print(p)
    print(f"layers: {len(problems)} problem(s)" if problems else "layers: every include "
          "points down or sideways within its layer")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else
                  os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
