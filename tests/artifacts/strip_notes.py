"""Normalise a diff output for a golden: keep every class (exact, stricter,
wider, n/a) but drop the backends' wording of their notes, which each
backend owns and may improve without touching this suite."""
import json, re, sys
src, kind = sys.argv[1], sys.argv[2]
t = open(src, encoding="utf-8").read()
if kind == "json":
    d = json.loads(t)
    for c in d["changes"]:
        for v in c.get("targets", {}).values():
            v.pop("note", None)
    t = json.dumps(d, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
elif kind == "md":
    t = re.sub(r"(exact|stricter|wider|n/a)( ⚠)?: [^|]*\|", r"\1\2 |", t)
else:
    t = "".join(l for l in t.splitlines(True) if not re.match(r"    (linux|macos|windows) (wider|stricter): ", l))
open(src, "w", encoding="utf-8").write(t)
