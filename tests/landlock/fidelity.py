"""The landlock column of `sbxc check --format json` (stdin), one line per rule."""
import json
import sys

for r in json.load(sys.stdin)["rules"]:
    f = r["fidelity"]["landlock"]
    note = f"  # {f['note']}" if "note" in f else ""
    print(f"{f['class']:9} {r['rule']}{note}")
