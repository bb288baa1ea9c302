#!/usr/bin/env bash
# tests/supervisor/run.sh: the Linux supervisor (runtime/sup.c) on this
# kernel. Every case runs the probe (probe.c) under sbx-exec (and a few
# under `sbxc run`) and compares what the kernel let it do with what `sbxc
# explain` decides: allowed means the call was not refused with EACCES,
# denied means EACCES. Then: the sockaddr-flipping races (thousands of
# tries, zero connections or datagrams to the denied address), the
# supervisor killed mid-run (notified calls then fail with ENOSYS), the
# program unable to signal its supervisor, a policy without address rules
# keeping the single exec, --log, and the added latency per connect.
#
# Needs Landlock ABI >= 6 and seccomp user notification; under CI=true
# nothing skips.
SUITE=supervisor; . "$(dirname "$0")/../lib.sh"

lib_build "$BUILD/supervisor-all"
EXEC=$ROOT/$BUILD/sbx-exec
PROBE=$ROOT/$BUILD/tests/supervisor/probe
T=$tmp
lib_pids_trap

lib_landlock_abi "$EXEC" 6

# Ports of our own: a run of 50 that nothing holds now.
B=
for i in $(seq 20); do
	c=$((20000 + (RANDOM % 800) * 50))
	if "$PROBE" free $c 50; then B=$c; break; fi
done
if [ -z "$B" ]; then fail ports "no 50 free ports found in 20 tries"; exit 0; fi
PA=$B PL=$((B + 1)) PC=$((B + 2)) PR=$((B + 10)) PU=$((B + 20)) PU2=$((B + 21)) PB=$((B + 30)) PW=$((B + 40))

mkdir -p "$T/pol"
cat >"$T/pol/net.sbx" <<EOF
sbx 1
policy net
allow read /
allow exec /
allow connect tcp 127.0.0.1:$PA [::1]:$PA localhost:$PL
allow connect tcp 127.0.0.0/8:$PC
deny connect tcp 127.0.5.0/24:$PC
allow connect tcp 127.0.0.1:$PR-$((PR + 5))
allow connect udp 127.0.0.1:$PU
allow bind tcp 127.0.0.1:$PB
allow bind udp 127.0.0.1:$PU2
EOF
# A peer that never answers must not hold the supervisor (its connect runs
# in a thread): one hung connect beside one that must complete.
cat >"$T/pol/slow.sbx" <<EOF
sbx 1
policy slow
allow read /
allow exec /
allow fork
allow connect tcp 127.0.0.1:$PA 127.0.0.1:$((B + 41))
allow write /dev/null
EOF
# The same endpoints by port only: Landlock decides, no supervisor.
cat >"$T/pol/ports.sbx" <<EOF
sbx 1
policy ports
allow read /
allow exec /
allow connect tcp *:$PA
EOF
for p in net ports slow; do
	if ! err=$("$SBXC" "$T/pol/$p.sbx" -t linux -o "$T/out-$p" 2>&1); then
		fail "compile/$p" "$(echo "$err" | oneline)"
		exit 0
	fi
done
pass compile
if grep -q '^sup connect tcp$' "$T/out-net/net.landlock"; then pass artifact/sup-lines
else fail artifact/sup-lines "no 'sup connect tcp' in net.landlock"; fi
if grep -q '^sup ' "$T/out-ports/ports.landlock"; then fail artifact/no-sup "ports.landlock has sup lines"
else pass artifact/no-sup; fi
# Fidelity: what the supervisor enforces is exact on linux, without accepts.
if "$SBXC" check -t linux "$T/pol/net.sbx" >"$T/check" 2>&1 && ! grep -E '^(allow|deny) (connect|bind) (tcp|udp)' "$T/check" | awk '{print $5}' | grep -qv exact; then
	pass fidelity/exact
else
	fail fidelity/exact "$(grep -E '^(allow|deny) (connect|bind)' "$T/check" | oneline)"
fi

# Servers outside the sandbox: "::" listens on IPv4 and IPv6.
serve() { "$PROBE" "$@" >"$T/serve.$1.$3.$2" 2>&1 & PIDS+=($!); }
for p in $PA $PL $PC $((PR + 3)); do serve tcpserve :: "$p"; done
serve tcpserve 127.0.0.1 $PW
serve stall 127.0.0.1 $((B + 41))
serve udpcount 127.0.0.1 $PU
serve udpcount 127.0.0.2 $PU
sleep 0.3
# Every server must be up (a port another program holds would turn allowed
# connects into refusals and the races into noise).
for f in "$T"/serve.*; do
	if ! grep -q '^ready$' "$f"; then
		fail servers "$(basename "$f"): $(oneline <"$f")"
		exit 0
	fi
done
pass servers

ART=$T/out-net/net.landlock
# case OP EXPLAIN-OP PROBE-ARGS...: the kernel's answer against explain's.
case_() {
	local name=$1 op=$2 want got out
	shift 2
	want=$("$SBXC" explain "$T/pol/net.sbx" "$op" 2>&1 | head -1 | cut -d: -f1)
	out=$(timeout 10 "$EXEC" "$ART" -- "$PROBE" "$@" 2>&1)
	case $out in
	"err EACCES"*) got=deny ;;
	ok | "err ECONNREFUSED"*) got=allow ;;
	*) got="unexpected: $out" ;;
	esac
	if [ "$want" = "$got" ]; then pass "$name ($want)"
	else fail "$name" "explain says '$want' for '$op', the kernel: $got ($out)"; fi
}
case_ tcp/v4 "connect tcp 127.0.0.1:$PA" connect tcp 127.0.0.1 $PA
case_ tcp/v4-other-host "connect tcp 127.0.0.2:$PA" connect tcp 127.0.0.2 $PA
case_ tcp/v4-other-port "connect tcp 127.0.0.1:$((PA + 3))" connect tcp 127.0.0.1 $((PA + 3))
case_ tcp/v6 "connect tcp [::1]:$PA" connect tcp ::1 $PA
case_ tcp/v4-mapped "connect tcp [::ffff:127.0.0.1]:$PA" connect tcp ::ffff:127.0.0.1 $PA
case_ tcp/v4-mapped-other "connect tcp [::ffff:127.0.0.2]:$PA" connect tcp ::ffff:127.0.0.2 $PA
case_ tcp/localhost-v4 "connect tcp 127.0.0.7:$PL" connect tcp 127.0.0.7 $PL
case_ tcp/localhost-v6 "connect tcp [::1]:$PL" connect tcp ::1 $PL
case_ tcp/cidr "connect tcp 127.0.0.9:$PC" connect tcp 127.0.0.9 $PC
case_ tcp/cidr-deny-inside "connect tcp 127.0.5.5:$PC" connect tcp 127.0.5.5 $PC
case_ tcp/range "connect tcp 127.0.0.1:$((PR + 3))" connect tcp 127.0.0.1 $((PR + 3))
case_ tcp/range-out "connect tcp 127.0.0.1:$((PR + 6))" connect tcp 127.0.0.1 $((PR + 6))
case_ tcp/no-rule "connect tcp 127.0.0.1:$PW" connect tcp 127.0.0.1 $PW
# From a thread other than the leader (pidfd of a thread); sends on the
# connected TCP socket pass (TCP ignores a destination).
case_ tcp/thread "connect tcp 127.0.0.1:$PA" tconnect 127.0.0.1 $PA
case_ tcp/thread-other-host "connect tcp 127.0.0.2:$PA" tconnect 127.0.0.2 $PA
for op in connect sendto sendmsg sendmmsg; do
	args=(); [ $op = connect ] && args=(udp)
	case_ udp/$op "connect udp 127.0.0.1:$PU" $op "${args[@]}" 127.0.0.1 $PU
	case_ udp/$op-other-host "connect udp 127.0.0.2:$PU" $op "${args[@]}" 127.0.0.2 $PU
	case_ udp/$op-v6 "connect udp [::1]:$PU" $op "${args[@]}" ::1 $PU
done
case_ bind/tcp "bind tcp 127.0.0.1:$PB" bind tcp 127.0.0.1 $PB
case_ bind/tcp-any-address "bind tcp 0.0.0.0:$PB" bind tcp 0.0.0.0 $PB
case_ bind/tcp-other-port "bind tcp 127.0.0.1:$((PB + 1))" bind tcp 127.0.0.1 $((PB + 1))
case_ bind/udp "bind udp 127.0.0.1:$PU2" bind udp 127.0.0.1 $PU2
case_ bind/udp-other-host "bind udp 127.0.0.2:$PU2" bind udp 127.0.0.2 $PU2

# A real client: curl to a loopback server, allowed on 127.0.0.1 and refused
# on 127.0.0.2 for a policy naming only 127.0.0.1 (the server accepts and
# closes: curl's 52 "empty reply" and 56 "reset" mean it connected, 7 that
# it could not).
if command -v curl >/dev/null; then
	cat >"$T/pol/curl.sbx" <<EOF
sbx 1
policy curl
allow read /
allow exec /
allow write /dev/null
allow connect tcp 127.0.0.1:$PA
EOF
	"$SBXC" "$T/pol/curl.sbx" -t linux -o "$T/out-curl" >/dev/null 2>&1
	"$EXEC" "$T/out-curl/curl.landlock" -- curl -sS -o /dev/null --max-time 5 http://127.0.0.1:$PA/ >"$T/out" 2>&1
	rc=$?
	case $rc in 52 | 56) pass "curl/allowed (exit $rc)" ;; *) fail curl/allowed "exit $rc: $(oneline <"$T/out")" ;; esac
	expect_rc curl/refused 7 "$EXEC" "$T/out-curl/curl.landlock" -- curl -sS -o /dev/null --max-time 5 http://127.0.0.2:$PA/
else
	skip curl "curl is not installed (scripts/packages-landlock.txt)"
fi

# sbxc run shares the runtime: the same answers.
expect_rc run/allowed 0 "$SBXC" run "$T/pol/net.sbx" -- "$PROBE" connect tcp 127.0.0.1 $PA
expect_rc run/denied 1 "$SBXC" run "$T/pol/net.sbx" -- "$PROBE" connect tcp 127.0.0.2 $PA
has run/denied-eacces "$T/out" "err EACCES"

# Races: a thread rewrites the sockaddr while the call is in flight; the
# supervisor decides and connects with its own copy, so no attempt may
# reach 127.0.0.2 (a TCP peer of .2, or ECONNREFUSED from an unchecked try).
N=${SUP_RACE_N:-5000}
out=$(timeout 120 "$EXEC" "$ART" -- "$PROBE" race 127.0.0.1 127.0.0.2 $PA "$N" 2>&1)
case $out in
"wider 0 ok 0 "*) fail race/connect "no connection succeeded: $out" ;;
"wider 0 "*) pass "race/connect ($N tries: ${out#wider 0 })" ;;
*) fail race/connect "$out" ;;
esac
: >"$T/serve.udpcount.$PU.127.0.0.2"
out=$(timeout 120 "$EXEC" "$ART" -- "$PROBE" udprace 127.0.0.1 127.0.0.2 $PU "$N" 2>&1)
sleep 0.2
bad=$(grep -c got "$T/serve.udpcount.$PU.127.0.0.2")
if [ "$bad" = 0 ] && [ -n "$out" ]; then pass "race/sendto ($N tries: $out)"
else fail race/sendto "$bad datagrams reached 127.0.0.2 ($out)"; fi

out=$(timeout 20 "$EXEC" "$T/out-slow/slow.landlock" -- /bin/sh -c "
	for i in 1 2 3 4 5 6; do timeout 4 '$PROBE' connect tcp 127.0.0.1 $((B + 41)) >/dev/null & done
	sleep 0.5; timeout 2 '$PROBE' connect tcp 127.0.0.1 $PA; wait" 2>&1)
case $out in ok*) pass slow-peer ;; *) fail slow-peer "a connect beside hung ones: '$out'" ;; esac

# The program cannot kill its supervisor (Landlock's signal scope).
out=$(timeout 10 "$EXEC" "$ART" -- "$PROBE" killparent 2>&1)
case $out in "err EPERM"*) pass signal-supervisor ;; *) fail signal-supervisor "kill(supervisor) answered: $out" ;; esac

# The supervisor killed mid-run: notified calls fail (ENOSYS), never pass.
"$EXEC" "$ART" -- "$PROBE" tick 127.0.0.1 $PA >"$T/tick" 2>&1 &
sup=$!
PIDS+=($sup)
sleep 0.5
{ kill -KILL $sup; wait $sup; } 2>/dev/null
sleep 0.3
child=$(sed -n 's/^pid //p' "$T/tick" | head -1)
[ -n "$child" ] && PIDS+=("$child")
before=$(sed -n '2,/^$/p' "$T/tick" | head -5 | sort -u | tr '\n' ' ')
n=$(wc -l <"$T/tick")
sleep 0.3
after=$(tail -n +$((n + 1)) "$T/tick" | sort -u | tr '\n' ' ')
[ -n "$child" ] && kill "$child" 2>/dev/null
case "$before|$after" in
"ok |err ENOSYS ") pass supervisor-killed ;;
*) fail supervisor-killed "before the kill: '$before', after: '$after'" ;;
esac

# No address rule: one exec, no supervisor process (the command is sbx-exec's pid).
"$EXEC" "$T/out-ports/ports.landlock" -- "$PROBE" pid >"$T/pid1" 2>&1 &
p1=$!
wait $p1
if grep -q "^pid $p1 " "$T/pid1"; then pass single-exec; else fail single-exec "sbx-exec was $p1: $(cat "$T/pid1")"; fi
"$EXEC" "$ART" -- "$PROBE" pid >"$T/pid2" 2>&1 &
p2=$!
wait $p2
if grep -q "ppid $p2\$" "$T/pid2"; then pass supervised-fork; else fail supervised-fork "sbx-exec was $p2: $(cat "$T/pid2")"; fi

# Exit statuses pass through the supervisor.
expect_rc status/exit 3 "$EXEC" "$ART" -- /bin/sh -c 'exit 3'
expect_rc status/signal 143 /bin/sh -c "'$EXEC' '$ART' -- /bin/sh -c 'kill -TERM \$\$'"
expect_rc status/cannot-exec 127 "$EXEC" "$ART" -- /nonexistent/cmd

# --log: one line per decision, naming the rule.
timeout 10 "$EXEC" --log "$T/log" "$ART" -- "$PROBE" connect tcp 127.0.0.1 $PA >/dev/null 2>&1
timeout 10 "$EXEC" --log "$T/log" "$ART" -- "$PROBE" connect tcp 127.0.0.2 $PA >/dev/null 2>&1
has log/allow "$T/log" "allow pid [0-9]* connect: connect tcp 127.0.0.1:$PA (.*net.sbx:5)"
has log/deny "$T/log" "deny pid [0-9]* connect: connect tcp 127.0.0.2:$PA (no rule allows it)"

# Added latency per notified connect (loopback, accept-and-close server).
M=${SUP_LAT_N:-2000}
"$PROBE" loop 127.0.0.1 $PA "$M" >/dev/null 2>&1 # warm up
none_us=$("$PROBE" loop 127.0.0.1 $PA "$M" 2>&1 | sed -n 's/^us \([0-9.]*\) failed 0$/\1/p')
sup_us=$(timeout 60 "$EXEC" "$ART" -- "$PROBE" loop 127.0.0.1 $PA "$M" 2>&1 | sed -n 's/^us \([0-9.]*\) failed 0$/\1/p')
ll_us=$(timeout 60 "$EXEC" "$T/out-ports/ports.landlock" -- "$PROBE" loop 127.0.0.1 $PA "$M" 2>&1 | sed -n 's/^us \([0-9.]*\) failed 0$/\1/p')
if [ -n "$sup_us" ] && [ -n "$ll_us" ]; then
	pass "latency (socket+connect+close: ${sup_us} us supervised, ${ll_us} us Landlock alone, ${none_us:-?} us unsandboxed, $M each)"
else
	fail latency "loops failed: supervised '$sup_us', Landlock alone '$ll_us'"
fi

# ---- deny-inside-allow writes, decided per name (runtime/sup_fs.c) ----
FSP=$ROOT/$BUILD/tests/supervisor/fsprobe
W=$T/proj
mkdir -p "$W/sub/deep" "$W/.env.d"
echo old >"$W/.env"
echo old >"$W/sub/.env"
echo keep >"$W/keep"
cat >"$T/pol/srt.sbx" <<EOF
sbx 1
policy srt
allow read /
allow exec /
allow fork
allow write /dev/null
allow write \${PROJECT}
deny write \${PROJECT}/**/.env
EOF
if ! err=$("$SBXC" "$T/pol/srt.sbx" -t linux -o "$T/out-srt" 2>&1); then
	fail compile/srt "$(echo "$err" | oneline)"
	exit 0
fi
SRT=$T/out-srt/srt.landlock
if grep -q '^sup write$' "$SRT"; then pass fs/artifact-sup-write; else fail fs/artifact-sup-write "no 'sup write' line"; fi
# No write deny inside an allow: no supervisor for files.
if grep -q '^sup write' "$T/out-ports/ports.landlock"; then fail fs/no-sup-write "ports.landlock has sup write"; else pass fs/no-sup-write; fi
if "$SBXC" check -t linux "$T/pol/srt.sbx" 2>&1 | grep -E '^(allow|deny) write \$\{PROJECT\}' | awk '{print $4}' | grep -qv exact; then
	fail fs/fidelity-exact "$("$SBXC" check -t linux "$T/pol/srt.sbx" 2>&1 | grep 'write \${PROJECT}' | oneline)"
else pass fs/fidelity-exact; fi

# fcase NAME EXPLAIN-PATH FSPROBE-ARGS...: the kernel's answer against explain's.
fcase() {
	local name=$1 path=$2 want got out
	shift 2
	want=$("$SBXC" explain -D PROJECT="$W" "$T/pol/srt.sbx" "write $path" 2>&1 | head -1 | cut -d: -f1)
	out=$(cd "$W" && timeout 10 "$EXEC" "$SRT" -- "$FSP" "$@" 2>&1)
	case $out in
	"err EACCES"* | "err EPERM"*) got=deny ;;
	ok) got=allow ;;
	*) got="unexpected: $out" ;;
	esac
	if [ "$want" = "$got" ]; then pass "fs/$name ($want)"
	else fail "fs/$name" "explain says '$want' for 'write $path', the kernel: $got ($out)"; fi
}
fcase create-new "$W/new.txt" create "$W/new.txt"
fcase create-relative "$W/rel.txt" create rel.txt
fcase create-env "$W/.env" create "$W/.env"
fcase create-env-deep "$W/sub/deep/.env" create sub/deep/.env
fcase write-existing-env "$W/sub/.env" write "$W/sub/.env"
fcase write-existing "$W/keep" write "$W/keep"
fcase truncate-env "$W/.env" truncate "$W/.env"
fcase mkdir-new "$W/newdir" mkdir "$W/newdir"
fcase mkdir-env "$W/sub/deep/.env" mkdir "$W/sub/deep/.env"
fcase create-in-newdir "$W/newdir/a.o" create "$W/newdir/a.o"
fcase mkfifo "$W/fifo" mkfifo "$W/fifo"
fcase mkfifo-env "$W/sub/deep/.env" mkfifo "$W/sub/deep/.env"
fcase symlink "$W/lnk" symlink keep "$W/lnk"
fcase symlink-env "$W/sub/deep/.env" symlink keep "$W/sub/deep/.env"
fcase rename "$W/renamed" rename "$W/new.txt" "$W/renamed"
fcase rename-onto-env "$W/.env" rename "$W/renamed" "$W/.env"
fcase rename-env-away "$W/sub/.env" rename "$W/sub/.env" "$W/sub/stolen"
# Moving a directory moves the denied file inside it.
fcase rename-dir-with-env "$W/sub/.env" rename "$W/sub" "$W/sub2"
fcase link "$W/keep2" link "$W/keep" "$W/keep2"
fcase link-env "$W/sub/deep/.env" link "$W/keep" "$W/sub/deep/.env"
# A second name for a denied file would make it writable.
fcase link-of-env "$W/.env" link "$W/.env" "$W/envcopy"
fcase unlink "$W/keep2" unlink "$W/keep2"
fcase unlink-env "$W/.env" unlink "$W/.env"
fcase unlink-in-newdir "$W/newdir/a.o" unlink "$W/newdir/a.o"
fcase rmdir "$W/newdir" rmdir "$W/newdir"
# A symlink in the last component pointing at a denied file: the kernel
# follows it, and Landlock gives the tree no write right.
ln -sf .env "$W/toenv"
fcase create-through-symlink "$W/.env" create "$W/toenv"
if [ "$(cat "$W/.env")" = old ] && [ "$(cat "$W/sub/.env")" = old ]; then pass fs/env-untouched; else fail fs/env-untouched "a .env changed"; fi
# The same policy without the filter: carved, no supervisor (stricter).
out=$(cd "$W" && "$EXEC" --no-seccomp "$SRT" -- "$FSP" create "$W/nosup.txt" 2>&1)
case $out in *"err EACCES"*) pass fs/no-seccomp-carves ;; *) fail fs/no-seccomp-carves "$(echo "$out" | oneline)" ;; esac
# --log names the deciding rule.
(cd "$W" && "$EXEC" --log "$T/fslog" "$SRT" -- "$FSP" create "$W/sub/deep/.env") >/dev/null 2>&1
has fs/log-deny "$T/fslog" "deny pid [0-9]* openat: write $W/sub/deep/.env (.*srt.sbx:8)"

# Races: a path component, then the last component, swapped to reach a
# denied name while creates are in flight.
N=${SUP_FS_RACE_N:-5000}
for kind in dir last; do
	R=$T/race-$kind
	mkdir -p "$R/.env"
	echo secret >"$R/.env/t"
	out=$(cd "$R" && timeout 120 "$EXEC" "$SRT" -- "$FSP" race-$kind "$R" "$N" 2>&1)
	n_in=$(find "$R/.env" -mindepth 1 | wc -l)
	if [ "$n_in" = 1 ] && [ "$(cat "$R/.env/t")" = secret ] && echo "$out" | grep -q "^tries $N created [1-9]"; then
		pass "fs/race-$kind ($out, zero wider)"
	else
		fail "fs/race-$kind" "$(echo "$out" | oneline); entries in .env: $n_in; t: $(cat "$R/.env/t")"
	fi
done

# ---- real programs under the srt-shaped policy ----
# A C build with make: new directories and objects everywhere in the
# project, and a recipe that writes .env (refused, the build goes on).
M=$T/cproj
mkdir -p "$M/src"
for i in $(seq 40); do printf 'int f%d(void) { return %d; }\n' "$i" "$i" >"$M/src/f$i.c"; done
printf 'int main(void) { return 0; }\n' >"$M/src/main.c"
cat >"$M/Makefile" <<'MK'
SRCS := $(wildcard src/*.c)
OBJS := $(SRCS:src/%.c=build/obj/%.o)
build/app: $(OBJS)
	$(CC) -o $@ $^
	-echo SECRET=1 > .env
	-echo SECRET=1 > build/.env
build/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) -c -o $@ $<
MK
mkdir -p "$M/tmp"
out=$(cd "$M" && TMPDIR=$M/tmp timeout 300 "$EXEC" "$SRT" -- make -s CC=cc 2>&1)
if [ -x "$M/build/app" ] && [ "$(ls "$M/build/obj" | wc -l)" = 41 ] && [ ! -e "$M/.env" ] && [ ! -e "$M/build/.env" ]; then
	pass "real/make (41 objects, .env refused)"
else
	fail real/make "$(echo "$out" | tail -5 | oneline); .env: $(ls -a "$M" | oneline)"
fi
# Without the supervisor the same build fails (carving: no new entries in the project).
rm -rf "$M/build"
if (cd "$M" && TMPDIR=$M/tmp timeout 120 "$EXEC" --no-seccomp "$SRT" -- make -s CC=cc >/dev/null 2>&1); then
	fail real/make-carved "the build succeeded with carving alone"
else pass real/make-carved; fi

# npm install of a local package tree (a tarball dependency, no network).
if command -v npm >/dev/null; then
	N=$T/npm
	mkdir -p "$N/pkgs/a/lib" "$N/app"
	printf '{"name":"a","version":"1.0.0","main":"lib/index.js","bin":{"a-cli":"lib/index.js"}}\n' >"$N/pkgs/a/package.json"
	printf '#!/usr/bin/env node\nmodule.exports = 1;\n' >"$N/pkgs/a/lib/index.js"
	for i in $(seq 30); do echo "module.exports = $i;" >"$N/pkgs/a/lib/f$i.js"; done
	(cd "$N/pkgs/a" && npm pack --silent >/dev/null 2>&1)
	printf '{"name":"app","version":"1.0.0","dependencies":{"a":"file:../pkgs/a/a-1.0.0.tgz"},"scripts":{"postinstall":"echo SECRET=1 > .env || echo env-refused"}}\n' >"$N/app/package.json"
	out=$(cd "$N/app" && timeout 300 "$EXEC" "$SRT" -- env npm_config_cache="$N/app/.npm-cache" HOME="$N/app" npm install --offline --no-audit --no-fund --no-update-notifier 2>&1)
	if [ -f "$N/app/node_modules/a/lib/f30.js" ] && [ -L "$N/app/node_modules/.bin/a-cli" ] && [ ! -e "$N/app/.env" ] && echo "$out" | grep -q env-refused; then
		pass "real/npm-install (31 files, .bin link, .env refused)"
	else
		fail real/npm-install "$(echo "$out" | tail -5 | oneline)"
	fi
else
	skip real/npm-install "npm not installed (scripts/install-deps.sh installs it)"
fi

# What decides the next run stays unwritable inside a supervised root.
"$SBXC" "$T/pol/srt.sbx" -t linux -o "$W/out" >/dev/null 2>&1
out=$(cd "$W" && "$EXEC" "$W/out/srt.landlock" -- "$FSP" write "$W/out/srt.landlock" 2>&1)
out2=$(cd "$W" && "$EXEC" "$W/out/srt.landlock" -- "$FSP" rename "$W/out" "$W/out2" 2>&1)
out3=$(cd "$W" && "$EXEC" "$W/out/srt.landlock" -- "$FSP" create "$W/out/other" 2>&1)
if [ "$out" = "err EACCES" ] && [ "$out2" = "err EACCES" ] && [ "$out3" = ok ]; then pass fs/self-protect
else fail fs/self-protect "write artifact: $out; rename its directory: $out2; create beside: $out3"; fi
