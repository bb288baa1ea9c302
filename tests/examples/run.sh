#!/usr/bin/env bash
# tests/examples/run.sh: the standard library and the shipped examples.
#
#   std/NAME       every fragment in stdlib-policies/ has its header
#                  comment, checks, and a policy using it compiles for
#                  every target; the fragments that are wider somewhere
#                  (a kernel mechanism's limit, documented in their
#                  header) are listed below with the exact accepts they
#                  need, so a new wideness, or a lost one, fails here.
#   out/NAME       every example compiles for -t all, and examples/out
#                  holds exactly those artifacts (`--check`; UPDATE=1
#                  rewrites them).
#   run/NAME/...   every example (docker-default aside: it is a seccomp
#                  profile, exercised by tests/seccomp) runs a real
#                  program under `sbxc run` on this kernel: its real job
#                  succeeds, and operations outside the policy fail with
#                  the error the kernel gives for a Landlock or seccomp
#                  denial (EACCES/EPERM), not some other failure.
#
# Runs use a temporary HOME, PROJECT and TMPDIR (we may be root; Landlock
# applies to root too). Reads $SBXC, $BUILD, $ROOT, $UPDATE; prints
# PASS/FAIL/SKIP lines; under CI=true nothing that can run here skips.
# KEEP=1 leaves the temporary directory (outputs of every run) in /tmp.
SUITE=examples; . "$(dirname "$0")/../lib.sh"
case $SBXC in /*) ;; *) SBXC=$ROOT/$SBXC ;; esac

T=$tmp
PIDS=()
cleanup() {
	[ -n "${KEEP:-}" ] && return
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	lib_cleanup
}
trap cleanup EXIT

# ---- the standard library ----
# Fragments that are wider on some target, and the accepts a policy using
# them must state. Everything else must compile for -t all with none.
declare -A WIDER=(
	[net-client]='accept wider connect on seccomp because "t"
accept wider connect on windows because "t"'
	[ssh-agent]='accept wider connect on landlock because "t"'
	[loopback]='accept wider net on linux because "t"
accept wider net on macos because "t"'
	[rust-toolchain]='accept wider exec on windows because "t"'
	[cargo-build-script]='accept wider exec on windows because "t"'
)
nstd=0
for f in stdlib-policies/*.sbx; do
	n=$(basename "$f" .sbx)
	nstd=$((nstd + 1))
	if sed -n 2p "$f" | grep -q "^# std/$n\b"; then pass "std/$n/header"; else fail "std/$n/header" "line 2 should start '# std/$n'"; fi
	if err=$("$SBXC" check "$f" 2>&1 >/dev/null); then pass "std/$n/check"; else fail "std/$n/check" "$(echo "$err" | oneline)"; fi
	[ "$n" = groups ] && continue
	d=$T/std-$n
	mkdir -p "$d"
	printf 'sbx 1\npolicy use-%s\nuse std/%s\n' "$n" "$n" >"$d/p.sbx"
	if [ -n "${WIDER[$n]:-}" ]; then
		if (cd "$d" && "$SBXC" p.sbx -t all -o out >/dev/null 2>&1); then
			fail "std/$n/wider" "compiles without accepts: is it no longer wider? update WIDER"
		else pass "std/$n/wider"; fi
		printf '%s\n' "${WIDER[$n]}" >>"$d/p.sbx"
	fi
	if err=$(cd "$d" && "$SBXC" p.sbx -t all -o out 2>&1); then pass "std/$n/compile"; else fail "std/$n/compile" "$(echo "$err" | oneline)"; fi
done
# The macOS profiles of every fragment and every example pass the SBPL
# checker of tests/seatbelt (TinyScheme over the Seatbelt vocabulary, with
# sbxc's own lints): each macOS block names real operations and filters.
SBP=(-D HOME=/Users/u -D PROJECT=/Users/u/src/p -D TMPDIR=/var/folders/xy/T/ -D UID=501
	-D CARGO_HOME=/Users/u/.cargo -D OUT=/Users/u/src/p/out -D DATA=/Users/u/src/p/.mcp-data
	-D APP=/Applications/A.app -D XDG_CACHE_HOME=/Users/u/.cache -D XDG_CONFIG_HOME=/Users/u/.config
	-D SSH_AUTH_SOCK=/private/tmp/agent.sock)
sbcheck() { # NAME PROFILE
	local out rc
	for _ in 1 2 3; do # 2: TinyScheme kept crashing (its GC; see sbcheck), not a verdict
		out=$(ROOT=$ROOT BUILD=$BUILD "$ROOT/tests/seatbelt/sbcheck" --strict "${SBP[@]}" "$2" 2>&1); rc=$?
		[ $rc = 2 ] || break
	done
	case $rc in
	0) pass "$1" ;;
	77) skip "$1" "the SBPL checker lacks its vocabulary or tinyscheme: $out" ;;
	*) fail "$1" "sbcheck exited $rc: $(echo "$out" | oneline)" ;;
	esac
}
ninja -C "$ROOT" "$BUILD/tests/seatbelt/sblex" >/dev/null 2>&1
for sb in "$T"/std-*/out/use-*.sb; do
	n=$(basename "$sb" .sb); sbcheck "std/${n#use-}/sbpl" "$sb"
done
if [ "$nstd" -ge 21 ]; then pass "std/count"; else fail "std/count" "$nstd fragments, the issue asks for at least 20 and the groups"; fi

# ---- examples and their committed artifacts ----
for f in examples/*.sbx; do
	n=$(basename "$f" .sbx)
	if [ "$UPDATE" = 1 ]; then
		if err=$("$SBXC" "$f" -t all -o examples/out 2>&1); then pass "out/$n (updated)"; else fail "out/$n" "$(echo "$err" | oneline)"; fi
		continue
	fi
	if err=$("$SBXC" "$f" -t all -o "$T/out-$n" 2>&1); then pass "compile/$n"; else fail "compile/$n" "$(echo "$err" | oneline)"; continue; fi
	"$SBXC" "$f" -t all -o examples/out --check >"$T/check" 2>&1
	rc=$?
	if [ $rc = 0 ]; then pass "out/$n"
	else fail "out/$n" "--check exited $rc (regenerate with tests/run.sh --update --suite examples): $(oneline <"$T/check")"; fi
	if err=$("$SBXC" check "$f" 2>&1 >/dev/null); then pass "check/$n"; else fail "check/$n" "$(echo "$err" | oneline)"; fi
done
for sb in examples/out/*.sb; do sbcheck "out/$(basename "$sb" .sb)/sbpl" "$sb"; done
# The Windows launcher (native plan-only build of tests/appcontainer)
# accepts every example's profile and plans its grants; the manifest
# fragments validate against the MSIX schemas in ../shared/data.
LAUNCH=$ROOT/$BUILD/runtime/windows/sbx-launch
[ -x "$LAUNCH" ] || ninja -C "$ROOT" "$BUILD/windows-all" >/dev/null 2>&1
for prof in examples/out/*.appcontainer.json; do
	n=$(basename "$prof" .appcontainer.json)
	if [ ! -x "$LAUNCH" ]; then skip "out/$n/launch-plan" "no $LAUNCH"; continue; fi
	if "$LAUNCH" --param 'USERPROFILE=C:\Users\u' --param 'TEMP=C:\Users\u\AppData\Local\Temp' \
		--param 'PROJECT=C:\src\proj' --param 'APP=C:\Apps\a' --journal 'C:\j\sbx.journal' --cwd 'C:\src\proj' \
		--plan "$prof" -- 'C:\Tools\tool.exe' >"$T/$n.plan" 2>"$T/$n.plan.err" &&
		grep -q '^run C:\\Tools\\tool.exe' "$T/$n.plan"; then pass "out/$n/launch-plan"
	else fail "out/$n/launch-plan" "$(oneline <"$T/$n.plan.err")"; fi
done
XSD=$ROOT/../shared/data/msix-xsd
if [ -f "$XSD/2015/FoundationManifestSchema.xsd" ] && [ -f "$XSD/minimal-valid-manifest.xml" ] && command -v xmllint >/dev/null; then
	{
		echo '<?xml version="1.0" encoding="utf-8"?>'
		echo '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
		echo "  <xs:import namespace=\"http://schemas.microsoft.com/appx/manifest/foundation/windows10\" schemaLocation=\"$XSD/2015/FoundationManifestSchema.xsd\"/>"
		echo "  <xs:import namespace=\"http://schemas.microsoft.com/appx/manifest/foundation/windows10/restrictedcapabilities\" schemaLocation=\"$XSD/2015/RestrictedCapabilitiesManifestSchema.xsd\"/>"
		echo '</xs:schema>'
	} >"$T/entry.xsd"
	for frag in examples/out/*.appxmanifest.xml; do
		n=$(basename "$frag" .appxmanifest.xml)
		# A minimal package with the fragment in place of its <Capabilities>.
		awk -v frag="$frag" '
			/<Capabilities>/ { skip = 1; while ((getline l < frag) > 0) if (l !~ /^<\?xml/) print l; next }
			skip && /<\/Capabilities>/ { skip = 0; next }
			!skip { print }' "$XSD/minimal-valid-manifest.xml" >"$T/$n.pkg.xml"
		if xmllint --noout --schema "$T/entry.xsd" "$T/$n.pkg.xml" >"$T/xmllint.log" 2>&1; then pass "out/$n/msix-schema"
		else fail "out/$n/msix-schema" "$(grep -m2 -i error "$T/xmllint.log" | oneline)"; fi
	done
else
	skip out/msix-schema "no MSIX schemas at $XSD or no xmllint"
fi
# No stray artifact: every file in examples/out belongs to an example.
for a in examples/out/*; do
	[ -e "$a" ] || continue
	p=$(basename "$a"); p=${p%%.*}
	[ -f "examples/$p.sbx" ] || fail "out/stray" "$a has no examples/$p.sbx"
done

# ---- the cookbook: its policy blocks are the example files ----
# Each `<!-- include examples/NAME.sbx -->` is followed by a ```sbx block
# holding that file; regenerated here, compared (or written with UPDATE=1).
cook=docs/cookbook.md
if [ ! -f "$cook" ]; then fail cookbook "no $cook"
else
	awk -v root="$ROOT" '
		skipping { if ($0 == "```") { skipping = 0; print } ; next }
		/^<!-- include examples\/[A-Za-z0-9_.-]+\.sbx -->$/ {
			print; f = $3
			if ((getline line) <= 0 || line != "```sbx") { print "BROKEN include " f; exit 1 }
			print line
			while ((getline l < (root "/" f)) > 0) print l
			close(root "/" f); skipping = 1; next
		}
		{ print }' "$cook" >"$T/cookbook.md"
	golden cookbook "$T/cookbook.md" "$cook" # a policy block differs from its file
	for f in examples/*.sbx; do
		case $f in examples/docker-default.sbx) continue ;; esac
		grep -qF "<!-- include $f -->" "$cook" && pass "cookbook/$(basename "$f" .sbx)" || fail "cookbook/$(basename "$f" .sbx)" "$f has no recipe"
	done
fi

# ---- man pages: render cleanly and document every option of --help ----
# Options are taken from the binaries' own --help texts; the pages are
# rendered on one very long line per paragraph so no option is hyphenated.
if ! command -v groff >/dev/null; then skip man "no groff (scripts/packages-examples.txt installs groff-base)"
else
	EXEC=$ROOT/$BUILD/sbx-exec
	[ -x "$EXEC" ] || ninja -C "$ROOT" "$BUILD/sbx-exec" >/dev/null 2>&1
	for page in sbxc sbx-exec; do
		src=docs/man/$page.1
		if [ ! -f "$src" ]; then fail "man/$page" "no $src"; continue; fi
		if err=$(groff -man -Tutf8 -ww -z "$src" 2>&1) && [ -z "$err" ]; then pass "man/$page/render"
		else fail "man/$page/render" "$(echo "$err" | oneline)"; fi
		groff -man -Tascii -rLL=2000n -rHY=0 -P-cbou "$src" >"$T/man-$page.txt" 2>/dev/null
		if [ $page = sbxc ]; then
			for c in "" check explain diff fmt run learn import; do "$SBXC" $c --help 2>&1; done >"$T/help-$page"
		elif [ -x "$EXEC" ]; then "$EXEC" --help >"$T/help-$page" 2>&1
		else skip "man/$page/options" "no $EXEC"; continue; fi
		missing=
		for o in $(grep -oE -- '(^|[][ |(,])-{1,2}[A-Za-z][A-Za-z0-9=-]*' "$T/help-$page" | sed -E 's/^[][ |(,]//' | sort -u); do
			grep -qF -- "$o" "$T/man-$page.txt" || missing="$missing $o"
		done
		if [ -z "$missing" ]; then pass "man/$page/options"; else fail "man/$page/options" "--help has, the man page lacks:$missing"; fi
	done
fi

# ---- end to end under sbxc run ----
probe=$T/probe.sbx
printf 'sbx 1\npolicy probe\nuse std/base\nallow read exec /usr /bin\n' >"$probe"
if ! env -i PATH=/usr/bin:/bin HOME="$T" "$SBXC" run "$probe" -- /bin/true 2>"$T/probe.err"; then
	skip run "sbxc run cannot confine here: $(oneline <"$T/probe.err")"
	exit 0
fi

H=$T/home TM=$T/tmp
mkdir -p "$H/.ssh" "$H/.aws" "$TM"
echo "PRIVATE KEY" >"$H/.ssh/id_ed25519"
echo "[default]" >"$H/.aws/credentials"
echo "# bashrc" >"$H/.bashrc"
printf '[user]\n\tname = Example\n\temail = example@example.com\n' >"$H/.gitconfig"
BASEPATH=/usr/local/bin:/usr/bin:/bin

# sbx NAME POLICY PROJECT [VAR=VALUE | -D NAME=VALUE]... -- COMMAND...: run COMMAND in
# PROJECT under POLICY with the temporary HOME and TMPDIR; stdout and
# stderr go to $T/NAME.out and $T/NAME.err, the status to $rc.
sbx() {
	local name=$1 pol=$2 proj=$3
	shift 3
	local vars=() dopts=()
	while [ "$1" != -- ]; do
		if [ "$1" = -D ]; then dopts+=(-D "$2"); shift 2; else vars+=("$1"); shift; fi
	done
	shift
	(cd "$proj" && env -i PATH="$BASEPATH" HOME="$H" TMPDIR="$TM" LANG=C.UTF-8 "${vars[@]}" \
		"$SBXC" run -D PROJECT="$proj" "${dopts[@]}" "$ROOT/$pol" -- "$@") >"$T/$name.out" 2>"$T/$name.err" </dev/null
	rc=$?
}
# want NAME TEST-NAME PATTERN: the run succeeded and its output has PATTERN.
want() {
	if [ $rc != 0 ]; then fail "$2" "exited $rc: $(cat "$T/$1.err" "$T/$1.out" | oneline)"
	elif grep -qE -- "$3" "$T/$1.out" "$T/$1.err"; then pass "$2"
	else fail "$2" "no '$3' in: $(cat "$T/$1.out" "$T/$1.err" | oneline)"; fi
}
# denied NAME TEST-NAME PATTERN: the run failed (or reported) with PATTERN.
denied() {
	if grep -qE -- "$3" "$T/$1.out" "$T/$1.err"; then pass "$2"
	else fail "$2" "exited $rc, no '$3' in: $(cat "$T/$1.out" "$T/$1.err" | oneline)"; fi
}

# A loopback listener outside the sandbox, for the examples that may reach
# local services. It accepts and closes, forever.
PY=/usr/bin/python3
LPORT=
if [ -x "$PY" ]; then
	"$PY" -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept(); c.close()
' >"$T/listener.port" 2>/dev/null &
	PIDS+=($!)
	for _ in $(seq 50); do [ -s "$T/listener.port" ] && break; sleep 0.1; done
	LPORT=$(cat "$T/listener.port")
fi

# -- cargo-build-script: a real offline cargo build with a build.rs --
cvars=()
if ! command -v cargo >/dev/null; then skip run/cargo-build-script "no cargo"
else
	P=$T/crate
	mkdir -p "$P/src"
	printf '[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\nbuild = "build.rs"\n' >"$P/Cargo.toml"
	cat >"$P/build.rs" <<'EOF'
// A build script that does its job (generates code into OUT_DIR), then
// tries what Perry's sandbox forbids and reports how each attempt ended.
fn main() {
    let out = std::env::var("OUT_DIR").unwrap();
    std::fs::write(format!("{}/gen.rs", out), "pub const GREETING: &str = \"built in the sandbox\";\n").unwrap();
    let home = std::env::var("HOME").unwrap();
    match std::fs::write(format!("{}/planted", home), "x") {
        Ok(_) => println!("cargo:warning=home-write: ok"),
        Err(e) => println!("cargo:warning=home-write: {:?}", e.kind()),
    }
    match std::net::TcpStream::connect("127.0.0.1:9") {
        Ok(_) => println!("cargo:warning=tcp-connect: ok"),
        Err(e) => println!("cargo:warning=tcp-connect: {:?}", e.kind()),
    }
    match std::net::UdpSocket::bind("127.0.0.1:0") {
        Ok(_) => println!("cargo:warning=udp-socket: ok"),
        Err(e) => println!("cargo:warning=udp-socket: {:?}", e.kind()),
    }
    println!("cargo:rerun-if-changed=build.rs");
}
EOF
	printf 'include!(concat!(env!("OUT_DIR"), "/gen.rs"));\nfn main() { println!("{}", GREETING); }\n' >"$P/src/main.rs"
	# rustup's toolchains live in the real home: the temporary one links
	# to them (Landlock resolves the link when the policy is applied), and
	# cargo's home is a fresh directory whose bin/ holds the real proxies.
	cargo=$(command -v cargo)
	case $cargo in
	*/.cargo/bin/cargo)
		ln -sfn "${RUSTUP_HOME:-$HOME/.rustup}" "$H/.rustup"
		# bin/ a real directory: running as root, the runtime does not
		# follow a link inside CARGO_HOME (writable: a run could plant it)
		mkdir -p "$H/.cargo/bin"
		for f in "$(dirname "$cargo")"/*; do
			if [ -L "$f" ]; then
				ln -sfn "$(readlink "$f")" "$H/.cargo/bin/$(basename "$f")"
			else
				ln -f "$f" "$H/.cargo/bin/" 2>/dev/null || cp "$f" "$H/.cargo/bin/"
			fi
		done
		cvars=(CARGO_HOME="$H/.cargo" RUSTUP_HOME="$H/.rustup" PATH="$H/.cargo/bin:$BASEPATH")
		;;
	*) cvars=(PATH="$(dirname "$cargo"):$BASEPATH") ;;
	esac
	# A committed Cargo.lock: the source tree is not writable inside.
	(cd "$P" && env -i HOME="$H" "${cvars[@]}" cargo generate-lockfile --offline >/dev/null 2>&1)
	sbx cargo examples/cargo-build-script.sbx "$P" "${cvars[@]}" -- cargo build --offline
	want cargo run/cargo-build-script/build "Finished"
	if [ -x "$P/target/debug/demo" ] && [ "$("$P/target/debug/demo")" = "built in the sandbox" ]; then
		pass run/cargo-build-script/binary
	else fail run/cargo-build-script/binary "target/debug/demo missing or wrong"; fi
	denied cargo run/cargo-build-script/home-write "home-write: PermissionDenied"
	denied cargo run/cargo-build-script/tcp-connect "tcp-connect: PermissionDenied"
	denied cargo run/cargo-build-script/udp-socket "udp-socket: PermissionDenied"
	if [ -e "$H/planted" ]; then fail run/cargo-build-script/home-untouched "$H/planted exists"; else pass run/cargo-build-script/home-untouched; fi
fi

# -- c-build: cc compiles and links; ${HOME}/.ssh stays unreadable --
if ! command -v cc >/dev/null; then skip run/c-build "no cc"
else
	P=$T/cproj
	mkdir -p "$P/build"
	printf '#include <stdio.h>\nint main(void) { puts("hello from the sandbox"); return 0; }\n' >"$P/hello.c"
	sbx cbuild examples/c-build.sbx "$P" -- sh -c 'cc -O2 -o build/hello hello.c && ./build/hello'
	want cbuild run/c-build/compile-link-run "hello from the sandbox"
	sbx cssh examples/c-build.sbx "$P" -- sh -c 'cat "$HOME/.ssh/id_ed25519"'
	[ $rc != 0 ] && denied cssh run/c-build/ssh-key "Permission denied" || fail run/c-build/ssh-key "read the key: $(oneline <"$T/cssh.out")"
	sbx csrc examples/c-build.sbx "$P" -- cc -o hello hello.c
	[ $rc != 0 ] && denied csrc run/c-build/write-outside-build "Permission denied" || fail run/c-build/write-outside-build "cc wrote the project root"
fi

# -- python-tool: read the project, write one output dir, no network --
if [ ! -x "$PY" ]; then skip run/python-tool "no $PY"
else
	P=$T/pyproj
	mkdir -p "$P/src"
	printf 'print("hello")\n' >"$P/src/main.py"
	cat >"$P/src/tool.py" <<'EOF'
import os, socket, sys
root = os.getcwd()
lines = sum(len(open(os.path.join(root, "src", f)).readlines()) for f in sorted(os.listdir(os.path.join(root, "src"))))
os.makedirs(os.path.join(root, "out"), exist_ok=True)
with open(os.path.join(root, "out", "report.txt"), "w") as f:
    f.write("lines: %d\n" % lines)
print("report written", lines)
def attempt(name, fn):
    try:
        fn(); print(name + ": ok")
    except OSError as e:
        print(name + ": " + type(e).__name__ + " errno " + str(e.errno))
attempt("write-src", lambda: open(os.path.join(root, "src", "main.py"), "a").write("#"))
attempt("read-ssh", lambda: open(os.path.join(os.environ["HOME"], ".ssh", "id_ed25519")).read())
attempt("connect", lambda: socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5))
EOF
	sbx py examples/python-tool.sbx "$P" PYTHONDONTWRITEBYTECODE=1 -- "$PY" src/tool.py "${LPORT:-9}"
	want py run/python-tool/report "report written"
	if grep -q "lines: " "$P/out/report.txt" 2>/dev/null; then pass run/python-tool/output; else fail run/python-tool/output "no out/report.txt"; fi
	denied py run/python-tool/write-src "write-src: PermissionError errno 13"
	denied py run/python-tool/read-ssh "read-ssh: PermissionError errno 13"
	denied py run/python-tool/no-network "connect: PermissionError errno (13|1)\b"
fi

# -- node-tool: same job in Node --
NODE=$(command -v node || true)
if [ -z "$NODE" ]; then skip run/node-tool "no node"
else
	P=$T/nodeproj
	mkdir -p "$P/src"
	printf 'export const x = 1;\n' >"$P/src/a.js"
	cat >"$P/tool.js" <<'EOF'
const fs = require("fs"), path = require("path"), net = require("net");
const root = process.cwd();
const src = fs.readdirSync(path.join(root, "src")).map(f => fs.readFileSync(path.join(root, "src", f), "utf8")).join("");
fs.mkdirSync(path.join(root, "dist"), { recursive: true });
fs.writeFileSync(path.join(root, "dist", "bundle.js"), src);
console.log("bundle written " + src.length);
const attempt = (name, fn) => { try { fn(); console.log(name + ": ok"); } catch (e) { console.log(name + ": " + e.code); } };
attempt("write-package", () => fs.writeFileSync(path.join(root, "package.json"), "{}"));
attempt("read-ssh", () => fs.readFileSync(path.join(process.env.HOME, ".ssh", "id_ed25519")));
const s = net.connect({ host: "127.0.0.1", port: Number(process.argv[2]) });
s.on("connect", () => { console.log("connect: ok"); s.destroy(); });
s.on("error", e => console.log("connect: " + e.code));
EOF
	sbx node examples/node-tool.sbx "$P" -- "$NODE" tool.js "${LPORT:-9}"
	want node run/node-tool/bundle "bundle written"
	[ -f "$P/dist/bundle.js" ] && pass run/node-tool/output || fail run/node-tool/output "no dist/bundle.js"
	denied node run/node-tool/write-package "write-package: EACCES"
	denied node run/node-tool/read-ssh "read-ssh: EACCES"
	denied node run/node-tool/no-network "connect: (EACCES|EPERM)"
fi

# -- git-readonly: log and status work, commit fails --
if ! command -v git >/dev/null; then skip run/git-readonly "no git"
else
	P=$T/repo
	mkdir -p "$P"
	(cd "$P" && env -i PATH="$BASEPATH" HOME="$H" sh -c 'git init -q && echo hi >README.md && git add README.md && git commit -qm "first commit"') >/dev/null 2>&1
	sbx gitlog examples/git-readonly.sbx "$P" -- git log --oneline
	want gitlog run/git-readonly/log "first commit"
	echo change >>"$P/README.md"
	sbx gitst examples/git-readonly.sbx "$P" -- git status --porcelain
	want gitst run/git-readonly/status "M README.md"
	sbx gitci examples/git-readonly.sbx "$P" -- git commit -qam second
	[ $rc != 0 ] && denied gitci run/git-readonly/commit "Permission denied|Unable to create" || fail run/git-readonly/commit "commit succeeded"
	n=$(cd "$P" && git rev-list --count HEAD 2>/dev/null)
	[ "$n" = 1 ] && pass run/git-readonly/history-unchanged || fail run/git-readonly/history-unchanged "$n commits"
fi

# -- mcp-server: a stdio JSON-RPC server; state in one dir; loopback only --
if [ ! -x "$PY" ] || [ -z "$LPORT" ]; then skip run/mcp-server "no $PY or listener"
else
	P=$T/mcpproj
	mkdir -p "$P/src"
	echo "notes" >"$P/src/notes.txt"
	cat >"$P/server.py" <<'EOF'
# A minimal MCP-style server: one JSON-RPC request per line on stdin, one
# answer per line on stdout. The "probe" tool tries what the policy forbids.
import json, os, socket, sys
root, data = os.getcwd(), os.environ["MCP_DATA"]
def attempt(fn):
    try:
        fn(); return "ok"
    except OSError as e:
        return type(e).__name__ + " errno " + str(e.errno)
for line in sys.stdin:
    req = json.loads(line)
    if req["method"] == "tools/call" and req["params"]["name"] == "remember":
        os.makedirs(data, exist_ok=True)
        with open(os.path.join(data, "state.json"), "w") as f:
            json.dump({"notes": open(os.path.join(root, "src", "notes.txt")).read()}, f)
        result = "stored"
    elif req["method"] == "tools/call" and req["params"]["name"] == "probe":
        port = req["params"]["port"]
        result = {
            "loopback": attempt(lambda: socket.create_connection(("127.0.0.1", port), timeout=5).close()),
            "privileged-port": attempt(lambda: socket.create_connection(("127.0.0.1", 22), timeout=5).close()),
            "write-src": attempt(lambda: open(os.path.join(root, "src", "x.py"), "w")),
            "read-ssh": attempt(lambda: open(os.path.join(os.environ["HOME"], ".ssh", "id_ed25519")).read()),
        }
    else:
        result = None
    print(json.dumps({"jsonrpc": "2.0", "id": req["id"], "result": result}), flush=True)
EOF
	printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"remember"}}' \
		"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"probe\",\"port\":$LPORT}}" >"$T/mcp.in"
	(cd "$P" && env -i PATH="$BASEPATH" HOME="$H" TMPDIR="$TM" MCP_DATA="$P/.mcp-data" PYTHONDONTWRITEBYTECODE=1 \
		"$SBXC" run -D PROJECT="$P" "$ROOT/examples/mcp-server.sbx" -- "$PY" server.py) <"$T/mcp.in" >"$T/mcp.out" 2>"$T/mcp.err"
	rc=$?
	want mcp run/mcp-server/stdio '"id": 1, "result": "stored"'
	grep -q notes "$P/.mcp-data/state.json" 2>/dev/null && pass run/mcp-server/state || fail run/mcp-server/state "no .mcp-data/state.json"
	denied mcp run/mcp-server/loopback '"loopback": "ok"'
	denied mcp run/mcp-server/privileged-port '"privileged-port": "PermissionError errno 13"'
	denied mcp run/mcp-server/write-src '"write-src": "PermissionError errno 13"'
	denied mcp run/mcp-server/read-ssh '"read-ssh": "PermissionError errno 13"'
fi

# -- agent-tool: edit the project, run tools, loopback only --
if [ ! -x "$PY" ] || [ -z "$LPORT" ]; then skip run/agent-tool "no $PY or listener"
else
	P=$T/agentproj
	mkdir -p "$P/src" "$P/.git/hooks"
	echo "fn main() {}" >"$P/src/lib.rs"
	cat >"$T/agent-probe.py" <<'EOF'
import socket, sys
def attempt(name, fn):
    try:
        fn(); print(name + ": ok")
    except OSError as e:
        print(name + ": " + type(e).__name__ + " errno " + str(e.errno))
attempt("loopback", lambda: socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5).close())
attempt("internet", lambda: socket.create_connection(("192.0.2.1", 443), timeout=5).close())
EOF
	cp "$T/agent-probe.py" "$P/probe.py"
	sbx agent examples/agent-tool.sbx "$P" -- sh -c '
		sed -i "s/main/run/" src/lib.rs && grep -c run src/lib.rs
		echo "#!/bin/sh" > .git/hooks/pre-commit || echo "hook: denied"
		cat "$HOME/.aws/credentials" || echo "aws: denied"
		/usr/bin/python3 probe.py '"$LPORT"
	want agent run/agent-tool/edit "^1$"
	grep -q run "$P/src/lib.rs" && pass run/agent-tool/edited || fail run/agent-tool/edited "src/lib.rs unchanged"
	denied agent run/agent-tool/git-hook "pre-commit: Permission denied"
	denied agent run/agent-tool/aws "credentials: Permission denied"
	denied agent run/agent-tool/loopback "loopback: ok"
	denied agent run/agent-tool/internet "internet: PermissionError errno 13"
fi

# -- project-shell: a shell and everything it starts stay in the project --
P=$T/shellproj
mkdir -p "$P"
sbx shell examples/project-shell.sbx "$P" -- bash -c '
	echo built > artifact && cat artifact && ls
	touch "$HOME/planted" || echo "home-write: denied"
	ls "$HOME" || echo "home-list: denied"
	sh -c "echo x >> \"$HOME/.bashrc\"" || echo "grandchild: denied"
	echo x > /etc/sbxc-test || echo "etc: denied"'
want shell run/project-shell/work "^built$"
denied shell run/project-shell/home-write "planted.*Permission denied"
denied shell run/project-shell/home-list "cannot open directory.*Permission denied"
denied shell run/project-shell/grandchild "grandchild: denied"
denied shell run/project-shell/etc "etc: denied"
[ ! -e "$H/planted" ] && ! grep -q x "$H/.bashrc" && pass run/project-shell/home-untouched || fail run/project-shell/home-untouched "home changed"

# -- each standard fragment alone lets its program do its job --
# A policy of std/base + the fragment (+ the program's own binary where
# the fragment does not grant one) runs the program the fragment is for.
# stdrun NAME 'EXTRA POLICY LINES' PATTERN [VAR=VALUE...] -- COMMAND...
stdrun() {
	local n=$1 extra=$2 pat=$3
	shift 3
	local d=$T/stdrun-$n
	mkdir -p "$d"
	printf 'sbx 1\npolicy std-run-%s\nuse std/base\nuse std/%s\n%s\n' "$n" "$n" "$extra" >"$d/p.sbx"
	local vars=()
	while [ "$1" != -- ]; do vars+=("$1"); shift; done
	shift
	(cd "$d" && env -i PATH="$BASEPATH" HOME="$H" TMPDIR="$TM" LANG=C.UTF-8 "${vars[@]}" \
		"$SBXC" run -D PROJECT="$d" p.sbx -- "$@") >"$T/std-$n.out" 2>"$T/std-$n.err" </dev/null
	rc=$?
	want "std-$n" "run/std/$n" "$pat"
}
have() { command -v "$1" >/dev/null; }
W='accept wider connect on seccomp because "t"'
stdrun base 'allow read exec /usr/bin/date' '^[0-9]{4}-[0-9]{2}' -- date +%F
stdrun tmp 'use std/child-process
allow read exec /usr/bin/touch /usr/bin/ls' 'std-tmp' -- sh -c 'touch "$TMPDIR/std-tmp" && ls "$TMPDIR"'
have locale && stdrun locale 'allow read exec /usr/bin/locale' 'C\.(UTF-8|utf8)' -- locale -a
have getent && stdrun dns "allow read exec /usr/bin/getent
$W" 'localhost' -- getent hosts localhost
have openssl && stdrun tls-ca 'allow read exec /usr/bin/openssl' 'subject=' -- openssl x509 -noout -subject -in /etc/ssl/certs/ca-certificates.crt
stdrun child-process '' '^2$' -- sh -c 'echo $((1 + 1))'
# script(1) opens a pseudo-terminal and runs tty(1) on it: std/tty's job,
# and without std/tty the same command cannot create the terminal.
if have script && have tty; then
	stdrun tty 'use std/child-process
allow read exec /usr/bin/script /usr/bin/tty' '^/dev/pts/[0-9]+' -- script -qec tty /dev/null
	printf 'sbx 1\npolicy no-tty\nuse std/base\nuse std/child-process\nallow read exec /usr/bin/script /usr/bin/tty\n' >"$T/no-tty.sbx"
	(cd "$T" && env -i PATH="$BASEPATH" HOME="$H" TMPDIR="$TM" "$SBXC" run no-tty.sbx -- script -qec tty /dev/null) \
		>"$T/no-tty.out" 2>"$T/no-tty.err" </dev/null
	rc=$?
	[ $rc != 0 ] && denied no-tty run/std/tty/without "pseudo-terminal: Permission denied" || fail run/std/tty/without "a pty without std/tty"
fi
have git && stdrun git '' 'user.name=Example' -- git config --global --list
have ssh && stdrun ssh-agent 'accept wider connect on landlock because "t"' 'OpenSSH' -- ssh -V
[ -x "$PY" ] && stdrun python '' '^py ok 3$' PYTHONDONTWRITEBYTECODE=1 -- "$PY" -c 'import json, sqlite3, ssl; print("py ok", json.loads("3"))'
[ -n "$NODE" ] && stdrun node '' '^node ok$' -- "$NODE" -e 'console.log("node ok")'
# npm is a script (#!/usr/bin/env node): std/node lets it start, and without
# env allowed the refusal names the interpreter the script needs.
if [ -n "$NODE" ] && have npm; then
	printf 'sbx 1\npolicy std-npm\nuse std/base\nuse std/node\n' >"$T/npm.sbx"
	(cd "$T" && env -i PATH="$BASEPATH" HOME="$H" TMPDIR="$TM" "$SBXC" run -D PROJECT="$T" npm.sbx -- npm --version) \
		>"$T/npm.out" 2>"$T/npm.err" </dev/null
	rc=$?
	want npm run/std/node/npm '^[0-9]+\.[0-9]+\.[0-9]+'
	printf 'sbx 1\npolicy no-env\nuse std/base\nallow read exec %s /usr/lib/node_modules\n' "$NODE" >"$T/no-env.sbx"
	(cd "$T" && env -i PATH="$BASEPATH" HOME="$H" TMPDIR="$TM" "$SBXC" run -D PROJECT="$T" no-env.sbx -- npm --version) \
		>"$T/no-env.out" 2>"$T/no-env.err" </dev/null
	rc=$?
	if [ $rc = 127 ] && grep -q "is a script for /usr/bin/env: the policy must allow exec of both" "$T/no-env.err"; then
		pass run/std/node/interpreter-named
	else fail run/std/node/interpreter-named "exit $rc: $(oneline <"$T/no-env.err")"; fi
fi
# A script whose interpreter does not exist says so, not "allow exec".
printf '#!/nonexistent/interp\n' >"$T/noint.sh" && chmod +x "$T/noint.sh"
printf 'sbx 1\npolicy no-interp\nuse std/base\nallow read exec %s\n' "$T/noint.sh" >"$T/no-interp.sbx"
(cd "$T" && env -i PATH="$BASEPATH" HOME="$H" TMPDIR="$TM" "$SBXC" run -D PROJECT="$T" no-interp.sbx -- "$T/noint.sh") \
	>"$T/no-interp.out" 2>"$T/no-interp.err" </dev/null
rc=$?
if [ $rc = 127 ] && grep -q "is a script for /nonexistent/interp, which does not exist" "$T/no-interp.err"; then
	pass run/missing-interpreter-named
else fail run/missing-interpreter-named "exit $rc: $(oneline <"$T/no-interp.err")"; fi
have java && stdrun java '' 'openjdk version|java version' -- java -Xshare:auto -version
if [ -x "$PY" ] && [ -n "$LPORT" ]; then
	stdrun loopback "use std/python
accept wider net on linux because \"t\"" '^ok$' -- "$PY" -c "import socket; socket.create_connection(('127.0.0.1', $LPORT), timeout=5).close(); print('ok')"
	stdrun net-client "use std/python
$W" '^443 refused, 22 errno 13$' -- "$PY" -c '
import socket
def c(p):
    try:
        socket.create_connection(("127.0.0.1", p), timeout=5); return "ok"
    except ConnectionRefusedError: return "refused"
    except OSError as e: return "errno %d" % e.errno
print("443", c(443) + ", 22", c(22))'
fi
have cc && printf 'int main(void) { return 0; }\n' >"$TM/std-cc.c" &&
	stdrun c-toolchain 'use std/tmp' '^built$' -- sh -c 'cc -o "$TMPDIR/std-cc" "$TMPDIR/std-cc.c" && echo built'
mkdir -p "$H/.cache/app" "$H/.config/app" "$H/.config/gh"
echo conf >"$H/.config/app/conf"; echo token >"$H/.config/gh/hosts.yml"
# In a subdirectory: sbxc run's cache is $HOME/.cache/sbxc, denied to every sandbox, so
# $HOME/.cache itself is carved (no new entries directly in it: docs/language.md 8).
stdrun xdg-cache 'use std/child-process
allow read exec /usr/bin/touch' '^cached$' -- sh -c 'touch "$HOME/.cache/app/x" && echo cached'
stdrun xdg-config 'use std/child-process
allow read exec /usr/bin/cat' '^conf$' -- sh -c 'cat "$HOME/.config/app/conf"; cat "$HOME/.config/gh/hosts.yml" || true'
denied std-xdg-config run/std/xdg-config/token-denied "hosts.yml: Permission denied"
if [ ${#cvars[@]} -gt 0 ]; then
	stdrun rust-toolchain 'accept wider exec on windows because "t"' '^rustc [0-9]' "${cvars[@]}" -- rustc --version
	d=$T/stdrun-cargo-build-script
	mkdir -p "$d"; cp -r "$T/crate/." "$d/"; rm -rf "$d/target"
	stdrun cargo-build-script 'accept wider exec on windows because "t"' 'Finished' "${cvars[@]}" -- cargo build --offline
fi

# -- perry-app: the fs-only program and the one that also imports http --
if ! command -v cc >/dev/null; then skip run/perry-app "no cc to build the stand-in program"
else
	A=$T/app
	mkdir -p "$A"
	cat >"$T/perry-demo.c" <<'EOF'
/* A stand-in for a Perry-compiled program: writes its output under
 * TMPDIR (fs), then tries TCP connections and reports how each ended. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
static void try_connect(int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) { printf("connect %d: socket %s\n", port, errno == EPERM ? "EPERM" : strerror(errno)); return; }
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) printf("connect %d: ok\n", port);
	else printf("connect %d: %s\n", port, errno == EACCES ? "EACCES" : errno == EPERM ? "EPERM" : errno == ECONNREFUSED ? "ECONNREFUSED" : strerror(errno));
	close(fd);
}
int main(void)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/perry-out.json", getenv("TMPDIR"));
	FILE *f = fopen(p, "w");
	if (!f || fputs("{\"ok\":true}\n", f) < 0 || fclose(f)) { perror(p); return 1; }
	puts("fs: wrote perry-out.json");
	snprintf(p, sizeof p, "%s/.ssh/id_ed25519", getenv("HOME"));
	printf("read-ssh: %s\n", fopen(p, "r") ? "ok" : strerror(errno));
	try_connect(443);
	try_connect(22);
	return 0;
}
EOF
	if ! cc -O2 -o "$A/perry-demo" "$T/perry-demo.c" 2>"$T/perry-cc.err"; then
		fail run/perry-app/build "$(oneline <"$T/perry-cc.err")"
	else
		sbx perry examples/perry-app.sbx "$T" -D APP="$A" -- "$A/perry-demo"
		want perry run/perry-app/fs "fs: wrote perry-out.json"
		[ -f "$TM/perry-out.json" ] && pass run/perry-app/output || fail run/perry-app/output "no perry-out.json in TMPDIR"
		denied perry run/perry-app/read-ssh "read-ssh: Permission denied"
		denied perry run/perry-app/no-http "connect 443: (socket )?(EACCES|EPERM)"
		rm -f "$TM/perry-out.json"
		sbx perryh examples/perry-app-http.sbx "$T" -D APP="$A" -- "$A/perry-demo"
		want perryh run/perry-app-http/fs "fs: wrote perry-out.json"
		denied perryh run/perry-app-http/https "connect 443: (ok|ECONNREFUSED)"
		denied perryh run/perry-app-http/other-port "connect 22: (socket )?(EACCES|EPERM)"
		denied perryh run/perry-app-http/read-ssh "read-ssh: Permission denied"
	fi
fi
exit 0
