#!/usr/bin/env python3
"""examples/generator/gen-policy.py: a policy from a capability list, the way
a compiler that knows what its program imports would write one.

    gen-policy.py NAME CAP... [--accept TARGET...]  > NAME.sbx

Capabilities: fs-temp, fs-project-read, fs-project-write, net:HOST:PORT,
exec:PATH. The policy is checked by piping it to `sbxc check --format json
-t TARGETS -`; the `accepts_needed` answer says which `accept` lines the
targets need, and the ones the caller allows (--accept macos ...) are
appended. Anything still needed is an error: the generator never accepts
wider enforcement on its own."""
import json, os, subprocess, sys

SBXC = os.environ.get("SBXC", "sbxc")
TARGETS = os.environ.get("TARGETS", "macos,linux,windows")


def policy(name, caps):
    lines = ["sbx 1", f'policy {name} "generated from capabilities: {" ".join(caps)}"', "use std/base"]
    for c in caps:
        if c == "fs-temp":
            lines.append("use std/tmp")
        elif c == "fs-project-read":
            lines.append("allow read ${PROJECT}")
        elif c == "fs-project-write":
            lines.append("allow read write ${PROJECT}")
        elif c.startswith("net:"):
            _, host, port = c.split(":", 2)
            lines.append(f"allow connect tcp {host}:{int(port)}")
        elif c.startswith("exec:"):
            lines.append(f"allow read exec {c[5:]}")
        else:
            sys.exit(f"gen-policy: unknown capability '{c}'")
    lines.append("expect deny read ${HOME}/.ssh/id_ed25519")
    return "\n".join(lines) + "\n"


def needs(text):
    r = subprocess.run([SBXC, "check", "--format", "json", "-t", TARGETS, "-"], input=text,
                       capture_output=True, text=True)
    out = json.loads(r.stdout)
    if not out["ok"] and not out["accepts_needed"]:  # a real error, not a fidelity gap
        sys.exit("gen-policy: sbxc check failed:\n" + r.stderr)
    return out["accepts_needed"]


def main(argv):
    accept = []
    if "--accept" in argv:
        i = argv.index("--accept")
        argv, accept = argv[:i], argv[i + 1:]
    if len(argv) < 2:
        sys.exit(__doc__)
    text = policy(argv[0], argv[1:])
    missing = []
    for n in needs(text):
        if n["target"] in accept:
            text += f'{n["accept"]} because "the generator\'s caller accepts it on {n["target"]}"\n'
        else:
            missing.append(n["accept"])
    if missing:
        sys.exit("gen-policy: these targets cannot enforce the policy exactly; pass --accept TARGET to allow:\n  "
                 + "\n  ".join(missing))
    sys.stdout.write(text)


if __name__ == "__main__":
    main(sys.argv[1:])
