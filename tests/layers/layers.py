#!/usr/bin/env python3
"""tests/layers/layers.py ROOT: the shape rules of the source tree (issue 11).

Layers depend one way: lib <- ir <- {lang, target} <- driver <- cli, and
runtime/ (what runs inside the sandboxed process's parent) includes only
its own headers, so the runtime can be audited alone. One line per finding
on stdout; exit 1 if any. Checked:
  - every #include "..." resolves (the file's directory, then the -I dirs
    of rules.ninja: lib/ and the generated dir, which belongs to lang/)
    to a file of a layer the including file may use;
  - no source file of a layer is over 1,000 lines;
  - no ninja file links with --start-group (the layer order suffices).
"""
import os, re, sys

ALLOWED = {
    "lib": {"lib"},
    "ir": {"lib", "ir"},
    "lang": {"lib", "ir", "lang"},
    "target": {"lib", "ir", "target"},
    "driver": {"lib", "ir", "lang", "target", "driver"},
    "cli": {"lib", "ir", "lang", "target", "driver", "cli", "runtime"},
    "runtime": {"runtime"},
}
# The landlock artifact's format is an ABI between the compiler and the
# runtime; its one header is the only thing of runtime/ another layer uses.
SHARED = {os.path.join("runtime", "ll_abi.h")}
GENERATED = {"grammar.h": "lang"}  # lemon's header, written to the build dir
MAX_LINES = 1000
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of(rel):
    top = rel.split(os.sep, 1)[0]
    return top if top in ALLOWED else None


def main(root):
    bad = []
    for layer in sorted(ALLOWED):
        for d, _, files in sorted(os.walk(os.path.join(root, layer))):
            for f in sorted(files):
                if not f.endswith((".c", ".h", ".re", ".y")):
                    continue
                path = os.path.join(d, f)
                rel = os.path.relpath(path, root)
                text = open(path, encoding="utf-8", errors="replace").read()
                n = text.count("\n")
                if n > MAX_LINES:
                    bad.append(f"{rel}: {n} lines (at most {MAX_LINES})")
                for m in INCLUDE.finditer(text):
                    inc = m.group(1)
                    line = text.count("\n", 0, m.start()) + 1
                    where = None
                    for base in (d, os.path.join(root, "lib")):
                        cand = os.path.normpath(os.path.join(base, inc))
                        if os.path.isfile(cand):
                            crel = os.path.relpath(cand, root)
                            where = "shared" if crel in SHARED else layer_of(crel)
                            break
                    else:
                        where = GENERATED.get(os.path.basename(inc))
                        if where is None:
                            bad.append(f"{rel}:{line}: #include \"{inc}\" resolves to no file")
                            continue
                    if where is None:
                        bad.append(f"{rel}:{line}: #include \"{inc}\" points outside the layers")
                    elif where != "shared" and where not in ALLOWED[layer]:
                        bad.append(f"{rel}:{line}: #include \"{inc}\": {layer}/ may not use {where}/")
    for d, _, files in os.walk(root):
        top = os.path.relpath(d, root).split(os.sep)[0]
        if top == "build" or (top.startswith(".") and top != "."):
            continue
        for f in files:
            if f.endswith(".ninja"):
                p = os.path.join(d, f)
                for i, l in enumerate(open(p), 1):
                    if "--start-group" in l and not l.lstrip().startswith("#"):
                        bad.append(f"{os.path.relpath(p, root)}:{i}: --start-group (link the layers in order)")
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
