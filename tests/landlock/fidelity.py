"""The landlock column of `sbxc check --format json` (stdin), one line per rule,
then one per policy-wide entry of the landlock target."""
import json
import sys

doc = json.load(sys.stdin)
for r in doc["rules"]:
    f = r["fidelity"]["landlock"]
    note = f"  # {f['note']}" if "note" in f else ""
    print(f"{f['class']:9} {r['rule']}{note}")
# Policy-wide entries of this target (the default deny itself).
for w in doc.get("policy_wide", []):
    if w["target"] == "landlock":
        note = f"  # {w['note']}" if "note" in w else ""
        print(f"{w['class']:9} policy-wide {w['id']}{' (not gated)' if not w['gated'] else ''}{note}")
