#!/usr/bin/env bash
# tests/proxy: the runtime's egress proxy (runtime/proxy*.c, issue 15).
#
# Loopback only. Names under .test resolve through a hosts file given to the
# proxy (127.0.0.x and ::1); a python3 helper (px.py) runs the servers and
# the hostile clients. Part 1 drives sbx-proxy directly: the decision (name,
# wildcard depth, port, resolved address, IPv6), the protocols, and the
# limits (slow-loris, oversized heads, SOCKS garbage, 1000 tunnels).
# Part 2 runs real clients under `sbxc run` / sbx-exec with a policy that
# names hosts: allowed, refused, and a program that ignores the proxy.
# Part 1 runs twice: on sbx-proxy, and (as the suite proxy-portable) on the
# build with the calls macOS has (runtime/proxy_os.h). Part 3: the macOS
# runner sbx-seatbelt, with a stand-in for sandbox-exec.
SUITE=${PX_SUITE:-proxy}; . "$(dirname "$0")/../lib.sh"
lib_build "$BUILD/sbx-proxy" "$BUILD/sbxc" "$BUILD/sbx-exec" "$BUILD/portable/sbx-proxy" "$BUILD/portable/sbx-seatbelt"
PROXY=${PX_BINARY:-$ROOT/$BUILD/sbx-proxy}
PX="python3 $ROOT/tests/proxy/px.py"
if ! command -v python3 >/dev/null; then
	skip all "python3 is needed for the loopback servers"
	exit 0
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; lib_cleanup; }
trap cleanup EXIT

wait_file() { for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.05; done; return 1; }

have_v6=1
python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' 2>/dev/null || have_v6=0
addrs="127.0.0.1 127.0.0.9"
[ $have_v6 = 1 ] && addrs="$addrs ::1"
# shellcheck disable=SC2086
$PX serve "$tmp/sport" $addrs & pids+=($!)
wait_file "$tmp/sport" || { fail server "the loopback server did not start"; exit 0; }
SP=$(cat "$tmp/sport")
OTHER=$((SP == 65535 ? SP - 1 : SP + 1))

cat >"$tmp/hosts" <<EOF
# the suite's resolver: names under .test only
127.0.0.1 allowed.test a.wild.test b.a.wild.test wild.test x.in.wild.test in.wild.test evil.test echo.test registry.test
127.0.0.1 exact.wild.test
127.0.0.9 rebind.test
127.0.0.9 multi.test
127.0.0.1 multi.test
::1 v6.test
127.0.0.1 slow.test
sleep 4000 slow.test
EOF
cat >"$tmp/rules" <<EOF
proxy allow allowed.test $SP "t.sbx:1"
proxy allow *.wild.test * "t.sbx:2"
proxy deny *.in.wild.test * "t.sbx:3"
proxy deny exact.wild.test * "t.sbx:4"
proxy deny evil.test * "t.sbx:5"
proxy allow rebind.test * "t.sbx:6"
proxy allow multi.test * "t.sbx:7"
proxy deny 127.0.0.9 * "t.sbx:8"
proxy allow v6.test * "t.sbx:9"
proxy allow echo.test * "t.sbx:10"
proxy allow [::1] $SP "t.sbx:11"
proxy allow slow.test * "t.sbx:12"
EOF

start_proxy() { # $1 = name, then sbx-proxy options; sets PP (port) and PPID_
	local name=$1
	shift
	"$PROXY" --rules "$tmp/rules" --hosts "$tmp/hosts" --log "$@" >"$tmp/$name.port" 2>"$tmp/$name.log" &
	PPID_=$!
	pids+=($PPID_)
	wait_file "$tmp/$name.port" || { fail "$name" "sbx-proxy did not start: $(oneline <"$tmp/$name.log")"; return 1; }
	PP=$(cat "$tmp/$name.port")
}

export SBX_PROXY_HEADER_MS=700 SBX_PROXY_IDLE_MS=5000
start_proxy core || exit 0

# ---- the decision, through each protocol ----
check() { # name want got
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$3', want '$2'"; fi
}
code() { curl -s -m 5 -o "$tmp/body" -w '%{http_code}' "$@"; }

check allowed-name-http 200 "$(code -x "http://127.0.0.1:$PP" "http://allowed.test:$SP/")"
has allowed-name-body "$tmp/body" "hello from 127.0.0.1"
check allowed-name-connect 200 "$(code -p -x "http://127.0.0.1:$PP" "http://allowed.test:$SP/")"
check allowed-name-socks5h 200 "$(code -x "socks5h://127.0.0.1:$PP" "http://allowed.test:$SP/")"
check denied-name-http 403 "$(code -x "http://127.0.0.1:$PP" "http://evil.test:$SP/")"
has denied-name-names-rule "$tmp/body" "refused: denied by t.sbx:5 (deny connect tcp evil.test:\*)"
check denied-name-connect 403 "$($PX status "$PP" evil.test "$SP")"
check denied-name-socks rep2 "$($PX socks "$PP" evil.test "$SP")"
check unknown-name 502 "$(code -x "http://127.0.0.1:$PP" "http://nowhere.test:$SP/")"
has unknown-name-says "$tmp/body" "the name does not resolve"
check port-mismatch 403 "$(code -x "http://127.0.0.1:$PP" "http://allowed.test:$OTHER/")"
check port-mismatch-socks rep2 "$($PX socks "$PP" allowed.test "$OTHER")"
# *.wild.test: subdomains at any depth, never wild.test itself; a longer
# suffix and an exact name beat it
check wildcard-one-label 200 "$(code -x "http://127.0.0.1:$PP" "http://a.wild.test:$SP/")"
check wildcard-two-labels 200 "$(code -x "http://127.0.0.1:$PP" "http://a.wild.test:$SP/")"
check wildcard-not-apex 403 "$(code -x "http://127.0.0.1:$PP" "http://wild.test:$SP/")"
check wildcard-longer-suffix-wins 403 "$(code -x "http://127.0.0.1:$PP" "http://x.in.wild.test:$SP/")"
has wildcard-longer-suffix-rule "$tmp/body" "t.sbx:3"
check wildcard-suffix-apex-allowed 200 "$(code -x "http://127.0.0.1:$PP" "http://in.wild.test:$SP/")"
check wildcard-exact-wins 403 "$(code -x "http://127.0.0.1:$PP" "http://exact.wild.test:$SP/")"
check wildcard-case 200 "$(code -x "http://127.0.0.1:$PP" "http://A.WILD.test:$SP/")"
# a name allowed by name but resolving to a denied address
check resolved-denied-address 403 "$(code -x "http://127.0.0.1:$PP" "http://rebind.test:$SP/")"
has resolved-denied-says "$tmp/body" "resolves to 127.0.0.9, denied by t.sbx:8"
check resolved-denied-socks rep2 "$($PX socks "$PP" rebind.test "$SP")"
# several addresses: the denied one is skipped, the allowed one is used
check resolved-skips-denied 200 "$(code -x "http://127.0.0.1:$PP" "http://multi.test:$SP/")"
has resolved-skips-denied-body "$tmp/body" "hello from 127.0.0.1"
# by address: only address rules decide (none allows 127.0.0.1)
check address-no-rule 403 "$(code -x "http://127.0.0.1:$PP" "http://127.0.0.1:$SP/")"
check address-no-rule-socks rep2 "$($PX socksip "$PP" 127.0.0.1 "$SP")"
check address-denied-socks rep2 "$($PX socksip "$PP" 127.0.0.9 "$SP")"
# plain HTTP: the Host the server sees is the URL's, not the client's
code -x "http://127.0.0.1:$PP" -H "Host: evil.test" "http://allowed.test:$SP/" >/dev/null
has plain-host-from-url "$tmp/body" "host=allowed.test:$SP"
raw() { printf "$@" | $PX raw "$PP"; }
check plain-https-url 400 "$(raw 'GET https://allowed.test/ HTTP/1.1\r\n\r\n')"
check origin-form-refused 400 "$(raw 'GET / HTTP/1.1\r\nHost: allowed.test\r\n\r\n')"
check http09-refused 505 "$(raw 'GET http://allowed.test:%s/ HTTP/0.9\r\n\r\n' "$SP")"
check bare-lf-refused 400 "$(raw 'GET http://allowed.test:%s/ HTTP/1.1\nHost: x\n\r\n\r\n' "$SP")"
check userinfo-refused 400 "$($PX status "$PP" "user@allowed.test" "$SP")"
if [ $have_v6 = 1 ]; then
	check ipv6-name-connect 200 "$($PX status "$PP" v6.test "$SP")"
	check ipv6-literal-socks rep0 "$($PX socksip "$PP" ::1 "$SP")"
	check ipv6-literal-port-mismatch rep2 "$($PX socksip "$PP" ::1 "$OTHER")"
	check ipv6-literal-connect 200 "$(code -p -x "http://127.0.0.1:$PP" "http://[::1]:$SP/")"
	start_proxy v6listen --listen "[::1]:0" &&
		check ipv6-listen 200 "$(code -x "http://[::1]:$PP" "http://v6.test:$SP/")"
	start_proxy core >/dev/null || exit 0
else
	skip ipv6 "::1 cannot be bound here (IPv6 disabled on loopback)"
fi

# bulk through each path (splice in a tunnel; the plain request too)
for via in "connect:-p -x http://127.0.0.1:$PP" "plain:-x http://127.0.0.1:$PP" "socks:-x socks5h://127.0.0.1:$PP"; do
	# shellcheck disable=SC2086
	got=$(curl -s -m 30 ${via#*:} -o "$tmp/big" -w '%{size_download}' "http://allowed.test:$SP/big?mb=40")
	sum=$(tr -d x <"$tmp/big" | wc -c)
	check "bulk-40MiB-${via%%:*}" "41943040 0" "$got $sum"
done
rm -f "$tmp/big"

# ---- the limits ----
out=$($PX slowloris "$PP" "$SBX_PROXY_HEADER_MS")
check slowloris-408-in-time "408 in-time" "$out"
check oversized-head 431 "$($PX bighead "$PP" 20000)"
check head-just-fits 200 "$(code -p -x "http://127.0.0.1:$PP" -H "X-Pad: $(head -c 12000 /dev/zero | tr '\0' a)" "http://allowed.test:$SP/")"
out=$($PX socksgarbage "$PP")
# no methods, no acceptable method, a bad request version, unknown command,
# unknown address type, NUL in the name, empty name, 255 methods then
# silence, an overlong label, HTTP-looking noise
check socks-garbage "closed 05ff 0500 050005070001000000000000 050005080001000000000000 050005010001000000000000 050005010001000000000000 0500 050005010001000000000000 485454502f312e3120343030" "$out"
python3 -c '
import socket,sys
s=socket.create_connection(("127.0.0.1",int(sys.argv[1]))); s.sendall(b"\x05\x01\x00"); s.recv(2)
n=b"esc\x1b[31m\nFORGED"; s.sendall(b"\x05\x01\x00\x03"+bytes([len(n)])+n+b"\x00\x50"); print(s.recv(10)[1])' "$PP" >"$tmp/o"
check socks-control-name-refused 1 "$(cat "$tmp/o")"
sleep 0.2
hasnt socks-log-no-forged-line "$tmp/core.log" "^FORGED"
has socks-log-sanitised "$tmp/core.log" "SOCKS esc?\[31m?FORGED:80 deny"
check mutated-heads "done 0" "$($PX mutate "$PP" 1500 "$SP")"
check alive-after-garbage 200 "$(code -x "socks5h://127.0.0.1:$PP" "http://allowed.test:$SP/")"
check folded-header 400 "$(raw 'GET http://allowed.test:%s/ HTTP/1.1\r\nX: a\r\n b\r\n\r\n' "$SP")"
check cl-and-te 400 "$(raw 'POST http://allowed.test:%s/ HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc' "$SP")"
check nul-in-head 400 "$(raw 'GET http://allowed.test:%s/ HTTP/1.1\r\nX: a\0b\r\n\r\n' "$SP")"
# one request per CONNECT: bytes after the head are the tunnel's, never a
# second request the proxy would decide
printf 'CONNECT allowed.test:%s HTTP/1.1\r\n\r\nCONNECT evil.test:%s HTTP/1.1\r\n\r\n' "$SP" "$SP" |
	timeout 5 python3 -c '
import socket,sys
s=socket.create_connection(("127.0.0.1",int(sys.argv[1])));s.sendall(sys.stdin.buffer.read());s.settimeout(3)
d=b""
try:
    while True:
        b=s.recv(4096)
        if not b: break
        d+=b
except OSError: pass
print(d.count(b"HTTP/1.1 200 Connection established"), b"400" in d or b"501" in d)' "$PP" >"$tmp/smuggle"
check connect-one-request "1 True" "$(cat "$tmp/smuggle")"
hasnt connect-second-not-decided "$tmp/core.log" "CONNECT evil.test:$SP"
# bounded: a head buffer (16 KiB) until the decision, then a tunnel's bytes
# move by splice(2) through two pipes (kernel buffers, 64 KiB each at most)
# and user space keeps a few hundred bytes per tunnel; the sanitizers'
# shadow and red zones add their share
limit=$((40 * 1024))
case $BUILD in *asan*) limit=$((160 * 1024)) ;; esac
out=$($PX many "$PP" "$PPID_" 1000)
set -- $out
if [ "${2:-0}" = 1000 ] && [ "${4:-999999}" -lt $limit ]; then pass "1000-tunnels-bounded ($4 KiB)"
else fail 1000-tunnels-bounded "$out (want ok 1000 and under $limit KiB)"; fi
check alive-after-many 200 "$(code -x "http://127.0.0.1:$PP" "http://allowed.test:$SP/")"
# name lookups run beside the loop: while slow.test's takes 4 s, other
# requests are served (the answer order is what is checked, not a time)
SBX_PROXY_HEADER_MS=9000 start_proxy dns || exit 0
$PX status "$PP" slow.test "$SP" >"$tmp/slow.out" 2>&1 &
slowpid=$!
sleep 0.3
check dns-others-served-meanwhile 200 "$(code -x "http://127.0.0.1:$PP" "http://allowed.test:$SP/")"
check dns-slow-still-pending "" "$(cat "$tmp/slow.out")"
wait $slowpid
check dns-slow-answered 200 "$(cat "$tmp/slow.out")"
# a lookup longer than the header deadline: 504, and its late answer is
# dropped (the proxy serves on)
start_proxy core >/dev/null || exit 0
check dns-lookup-timeout 504 "$($PX status "$PP" slow.test "$SP")"
sleep 3.5
check dns-alive-after-late-answer 200 "$(code -x "http://127.0.0.1:$PP" "http://allowed.test:$SP/")"
has dns-timeout-logged "$tmp/core.log" "slow.test"
printf 'sleep 99999 x.test\n' >"$tmp/badhosts"
"$PROXY" --rules "$tmp/rules" --hosts "$tmp/badhosts" >/dev/null 2>"$tmp/err"
check bad-hosts-sleep-refused 126 "$?"
SBX_PROXY_MAX_CONNS=2 start_proxy capped || exit 0
exec 7<>/dev/tcp/127.0.0.1/"$PP" 8<>/dev/tcp/127.0.0.1/"$PP"
out=$(code -x "http://127.0.0.1:$PP" "http://allowed.test:$SP/")
check conn-cap-queues-then-serves 200 "$out"
exec 7>&- 8>&-
SBX_PROXY_HEADER_MS=abc "$PROXY" --rules "$tmp/rules" >/dev/null 2>"$tmp/err"
check bad-env-refused 126 "$?"
printf 'proxy allow *.* * "x:1"\n' >"$tmp/badrules"
"$PROXY" --rules "$tmp/badrules" >/dev/null 2>"$tmp/err"
check bad-rule-refused 126 "$?"
has log-names-decision "$tmp/core.log" "sbx-proxy: HTTP allowed.test:$SP -> 127.0.0.1 allow"

[ -n "${PX_PART1_ONLY:-}" ] && exit 0
PX_BINARY=$ROOT/$BUILD/portable/sbx-proxy PX_PART1_ONLY=1 PX_SUITE=proxy-portable bash "$0" ||
	fail portable-run "the portable pass exited $?"

# ---- part 2: real clients under `sbxc run` and sbx-exec ----
export SBX_PROXY_HOSTS=$tmp/hosts SBX_PROXY_LOG=1
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY all_proxy NO_PROXY no_proxy
mkpolicy() { # $1 = file, then extra rule lines
	local f=$1
	shift
	{
		echo 'sbx 1'
		echo 'policy p "host names through the egress proxy"'
		echo 'allow read /'
		echo 'allow exec /'
		echo 'allow fork'
		printf '%s\n' "$@"
	} >"$f"
}
mkpolicy "$tmp/p.sbx" "allow connect tcp allowed.test:$SP" "allow connect tcp a.wild.test:$SP" \
	"deny connect tcp evil.test:*" "allow connect tcp rebind.test:*" "deny connect tcp 127.0.0.9:*" \
	"accept wider connect on linux because \"the 127.0.0.9 deny is enforced by the proxy only\""
run() { "$SBXC" run "$tmp/p.sbx" -- "$@"; }

expect_rc run-compiles-without-accept 0 "$SBXC" check -t linux "$tmp/p.sbx"
has run-fidelity-stricter "$tmp/out" "allow connect tcp allowed.test:$SP .*stricter"
run curl -s -m 5 "http://allowed.test:$SP/" >"$tmp/o" 2>"$tmp/e"
has run-curl-allowed "$tmp/o" "hello from 127.0.0.1 host=allowed.test:$SP"
has run-log-shows-request "$tmp/e" "sbx-proxy: HTTP allowed.test:$SP -> 127.0.0.1 allow"
check run-curl-tunnel-allowed 200 "$(run curl -s -m 5 -p -o /dev/null -w '%{http_code}' "http://allowed.test:$SP/" 2>/dev/null)"
check run-curl-socks5h-allowed 200 "$(run sh -c 'curl -s -m 5 -x "$ALL_PROXY" -o /dev/null -w "%{http_code}" "$0"' "http://a.wild.test:$SP/" 2>/dev/null)"
run curl -s -m 5 "http://evil.test:$SP/" >"$tmp/o" 2>/dev/null
has run-curl-refused-readable "$tmp/o" "refused: denied by p.sbx:8 (deny connect tcp evil.test:\*)"
# only a.wild.test is named: another subdomain is refused
check run-curl-other-subdomain 403 "$(run curl -s -m 5 -o /dev/null -w '%{http_code}' "http://b.a.wild.test:$SP/" 2>/dev/null)"
check run-curl-port-mismatch 403 "$(run curl -s -m 5 -o /dev/null -w '%{http_code}' "http://allowed.test:$OTHER/" 2>/dev/null)"
run curl -s -m 5 "http://rebind.test:$SP/" >"$tmp/o" 2>/dev/null
has run-curl-resolved-denied "$tmp/o" "resolves to 127.0.0.9, denied by p.sbx:10"
run curl -s -m 5 "https://evil.test:$SP/" >/dev/null 2>&1
check run-curl-https-refused 56 "$?"
check run-urllib-allowed "200 hello from 127.0.0.1 host=allowed.test:$SP" "$(run python3 "$ROOT/tests/proxy/px.py" urllib "http://allowed.test:$SP/" 2>/dev/null)"
out=$(run python3 "$ROOT/tests/proxy/px.py" urllib "http://evil.test:$SP/" 2>/dev/null)
case $out in "403 sbx: connect tcp evil.test:$SP refused: denied by"*) pass run-urllib-refused ;;
*) fail run-urllib-refused "$out" ;; esac
# a program that ignores the proxy: the name's port is not open to it
check run-direct-refused "refused 13" "$(run python3 "$ROOT/tests/proxy/px.py" direct 127.0.0.1 "$SP" 2>/dev/null)"
check run-curl-noproxy-refused 7 "$(run curl -s -m 5 --noproxy '*' -o /dev/null "http://127.0.0.1:$SP/" 2>/dev/null; echo $?)"
run env >"$tmp/o" 2>/dev/null
has run-env-https-proxy "$tmp/o" '^HTTPS_PROXY=http://127\.0\.0\.1:[0-9]*$'
has run-env-lower "$tmp/o" '^https_proxy=http://127\.0\.0\.1:[0-9]*$'
has run-env-all-proxy "$tmp/o" '^ALL_PROXY=socks5h://127\.0\.0\.1:[0-9]*$'
has run-env-no-proxy-empty "$tmp/o" '^NO_PROXY=$'
hasnt run-env-settings-removed "$tmp/o" '^SBX_PROXY_'
# --log: the proxy's decisions with the deciding rule, where the supervisor's go
unset SBX_PROXY_LOG
"$SBXC" run --log "$tmp/px.log" "$tmp/p.sbx" -- sh -c 'curl -s -m 5 -o /dev/null "$0"; curl -s -m 5 -o /dev/null "$1"' \
	"http://allowed.test:$SP/" "http://evil.test:$SP/" >/dev/null 2>"$tmp/e"
has log-allow-names-rule "$tmp/px.log" "^sbx-proxy: HTTP allowed.test:$SP -> 127.0.0.1 allow p.sbx:6$"
has log-deny-names-rule "$tmp/px.log" "^sbx-proxy: HTTP evil.test:$SP deny p.sbx:8$"
hasnt log-not-on-stderr "$tmp/e" "sbx-proxy:"
export SBX_PROXY_LOG=1
# the proxy ends with the program
"$SBXC" run --report "$tmp/p.sbx" -- true 2>"$tmp/e"
ppid_=$(sed -n 's/.*egress proxy on 127\.0\.0\.1:[0-9]* (pid \([0-9]*\),.*/\1/p' "$tmp/e")
sleep 0.3
if [ -n "$ppid_" ] && ! kill -0 "$ppid_" 2>/dev/null; then pass run-proxy-ends-with-program
else fail run-proxy-ends-with-program "pid '${ppid_}' still there or not reported: $(oneline <"$tmp/e")"; fi
expect_rc run-dry-run 0 "$SBXC" run --dry-run "$tmp/p.sbx"
has run-dry-run-says "$tmp/err" "egress proxy: .* would listen"
# an address rule: NO_PROXY names it and the program connects directly
mkpolicy "$tmp/a.sbx" "allow connect tcp allowed.test:$SP" "allow connect tcp 127.0.0.1:$SP" \
	"accept wider connect on linux because \"Landlock opens the port to every host\""
"$SBXC" run "$tmp/a.sbx" -- env >"$tmp/o" 2>/dev/null
has run-no-proxy-address "$tmp/o" '^NO_PROXY=127\.0\.0\.1$'
check run-direct-address-allowed connected "$("$SBXC" run "$tmp/a.sbx" -- python3 "$ROOT/tests/proxy/px.py" direct 127.0.0.1 "$SP" 2>/dev/null)"
# no host name: no proxy, no variables
mkpolicy "$tmp/n.sbx" "allow connect tcp *:443"
"$SBXC" run "$tmp/n.sbx" -- env >"$tmp/o" 2>/dev/null
hasnt run-no-names-no-proxy "$tmp/o" '^HTTPS_PROXY='
# sbx-exec on the compiled artifact: the same
if "$SBXC" "$tmp/p.sbx" -t linux -o "$tmp/out.d" >/dev/null 2>&1; then
	has artifact-proxy-lines "$tmp/out.d/p.landlock" "^proxy allow allowed.test $SP \"p.sbx:6\"$"
	has artifact-proxy-deny-address "$tmp/out.d/p.landlock" "^proxy deny 127.0.0.9 \* \"p.sbx:10\"$"
	has artifact-port-not-open "$tmp/out.d/p.landlock" "^net connect_tcp@4 none$"
	check exec-curl-allowed 200 "$("$ROOT/$BUILD/sbx-exec" "$tmp/out.d/p.landlock" -- curl -s -m 5 -o /dev/null -w '%{http_code}' "http://a.wild.test:$SP/" 2>/dev/null)"
	check exec-curl-refused 403 "$("$ROOT/$BUILD/sbx-exec" "$tmp/out.d/p.landlock" -- curl -s -m 5 -o /dev/null -w '%{http_code}' "http://evil.test:$SP/" 2>/dev/null)"
	sed 's/^proxy allow allowed.test .*/proxy allow allowed.test 99999 "x:1"/' "$tmp/out.d/p.landlock" >"$tmp/out.d/bad.landlock"
	expect_rc exec-bad-proxy-line 126 "$ROOT/$BUILD/sbx-exec" "$tmp/out.d/bad.landlock" -- true
	has exec-bad-proxy-line-says "$tmp/err" "proxy: bad port"
else
	fail artifact "cannot compile $tmp/p.sbx"
fi
SBX_PROXY_HOSTS=$tmp/nonexistent "$SBXC" run "$tmp/p.sbx" -- true 2>"$tmp/e"
check run-bad-hosts-refused 126 "$?"

# ---- git and npm through the proxy (a dumb-HTTP git remote and a static
# npm registry on loopback, reached by name only) ----
rp=$tmp/real
mkdir -p "$rp/www/tarballs" "$rp/pkg/tiny-dep" "$rp/home" "$rp/proj" "$rp/cache"
$PX files "$rp/port" "$rp/www" & pids+=($!)
if ! wait_file "$rp/port"; then
	fail real-clients "the file server did not start"
else
	FP=$(cat "$rp/port")
	mkpolicy "$rp/p.sbx" 'allow write ${PROJECT} '"$rp/home" 'allow write /dev/null' \
		"allow connect tcp registry.test:$FP" "deny connect tcp evil.test:*"
	realrun() { (cd "$rp/proj" && HOME=$rp/home SBXC_CACHE_DIR=$rp/cache "$SBXC" run -D PROJECT="$rp/proj" "$rp/p.sbx" -- "$@"); }
	git init -q "$rp/src" && git -C "$rp/src" -c user.email=t@t -c user.name=t commit -q --allow-empty -m one &&
		echo hi >"$rp/src/f" && git -C "$rp/src" add f && git -C "$rp/src" -c user.email=t@t -c user.name=t commit -qm two &&
		git clone -q --bare "$rp/src" "$rp/www/repo.git" && git -C "$rp/www/repo.git" update-server-info
	realrun git clone -q "http://registry.test:$FP/repo.git" clone >"$rp/o" 2>&1
	check real-git-clone-by-name "hi" "$(cat "$rp/proj/clone/f" 2>/dev/null || oneline <"$rp/o")"
	realrun git clone -q "http://evil.test:$FP/repo.git" clone2 >"$rp/o" 2>&1
	has real-git-clone-refused "$rp/o" "connect tcp evil.test:$FP refused: denied by p.sbx:9"
	[ ! -e "$rp/proj/clone2/.git/HEAD" ] && pass real-git-clone-refused-nothing-fetched || fail real-git-clone-refused-nothing-fetched "clone2 exists"
	realrun git -c http.proxy= clone -q "http://127.0.0.1:$FP/repo.git" clone3 >"$rp/o" 2>&1
	check real-git-direct-address-refused 128 "$?"
	if command -v npm >/dev/null; then
		printf '{"name":"tiny-dep","version":"1.0.0","main":"index.js"}\n' >"$rp/pkg/tiny-dep/package.json"
		echo 'module.exports = 42;' >"$rp/pkg/tiny-dep/index.js"
		(cd "$rp/pkg/tiny-dep" && npm pack --silent >/dev/null 2>&1) && mv "$rp/pkg/tiny-dep/tiny-dep-1.0.0.tgz" "$rp/www/tarballs/"
		mkmeta() { # $1 = package name, $2 = host of its tarball
			python3 - "$rp/www/tarballs/tiny-dep-1.0.0.tgz" "$2" "$FP" "$1" >"$rp/www/$1" <<'PY'
import base64, hashlib, json, sys
d = open(sys.argv[1], "rb").read()
url = "http://%s:%s/tarballs/tiny-dep-1.0.0.tgz" % (sys.argv[2], sys.argv[3])
v = {"name": sys.argv[4], "version": "1.0.0", "main": "index.js",
     "dist": {"tarball": url, "shasum": hashlib.sha1(d).hexdigest(),
              "integrity": "sha512-" + base64.b64encode(hashlib.sha512(d).digest()).decode()}}
print(json.dumps({"name": sys.argv[4], "dist-tags": {"latest": "1.0.0"}, "versions": {"1.0.0": v}}))
PY
		}
		mkmeta tiny-dep registry.test
		mkmeta evil-dep evil.test
		npmi() { realrun npm install --no-audit --no-fund --registry "http://registry.test:$FP/" "$@"; }
		printf '{"name":"app","version":"1.0.0","dependencies":{"tiny-dep":"1.0.0"}}\n' >"$rp/proj/package.json"
		npmi >"$rp/o" 2>&1
		check real-npm-install-by-name "module.exports = 42;" "$(cat "$rp/proj/node_modules/tiny-dep/index.js" 2>/dev/null || oneline <"$rp/o")"
		has real-npm-requests-logged "$rp/o" "sbx-proxy: HTTP registry.test:$FP -> 127.0.0.1 allow"
		# a package whose tarball lives on a denied host
		printf '{"name":"app","version":"1.0.0","dependencies":{"evil-dep":"1.0.0"}}\n' >"$rp/proj/package.json"
		rm -rf "$rp/proj/node_modules" "$rp/proj/package-lock.json" "$rp/home/.npm/_cacache"
		npmi >"$rp/o" 2>&1
		check real-npm-denied-host-fails 1 "$?"
		has real-npm-denied-host-403 "$rp/o" "403"
		[ ! -e "$rp/proj/node_modules/evil-dep" ] && pass real-npm-denied-not-installed || fail real-npm-denied-not-installed "evil-dep installed"
	else
		fail real-npm "npm is not installed (scripts/install-deps.sh installs it)"
	fi
fi

# ---- sbxc import srt: allowedDomains need no accept on Linux ----
cat >"$tmp/srt.json" <<EOF
{"filesystem": {"denyRead": [], "allowWrite": ["."], "denyWrite": []},
 "network": {"allowedDomains": ["allowed.test:$SP", "a.wild.test"], "deniedDomains": ["evil.test"]}}
EOF
"$SBXC" import srt "$tmp/srt.json" >"$tmp/imp.sbx" 2>"$tmp/e"
has import-srt-allow "$tmp/imp.sbx" "^allow connect tcp allowed.test:$SP$"
has import-srt-accept-other-targets-commented "$tmp/imp.sbx" '^# accept wider connect on windows because'
hasnt import-srt-no-accept-for-linux "$tmp/imp.sbx" '^accept wider connect'
expect_rc import-srt-compiles-for-linux 0 "$SBXC" "$tmp/imp.sbx" -t linux -o "$tmp/imp.d"
has import-srt-proxy-lines "$tmp/imp.d/srt.landlock" "^proxy deny evil.test \* "
check import-srt-runs-allowed 200 "$(cd "$tmp" && "$SBXC" run "$tmp/imp.sbx" -- curl -s -m 5 -o /dev/null -w '%{http_code}' "http://allowed.test:$SP/" 2>/dev/null)"
check import-srt-runs-refused 403 "$(cd "$tmp" && "$SBXC" run "$tmp/imp.sbx" -- curl -s -m 5 -o /dev/null -w '%{http_code}' "http://evil.test:$SP/" 2>/dev/null)"

# ---- part 3: sbx-seatbelt, the macOS runner (a stand-in for sandbox-exec
# records its arguments and runs the command) ----
SEAT=$ROOT/$BUILD/portable/sbx-seatbelt
sd=$tmp/seat
mkdir -p "$sd"
cat >"$sd/sandbox-exec" <<'EOF'
#!/bin/sh
printf '%s\n' "$@" >"$SEAT_ARGS"
[ "$1" = -f ] && [ -f "$2" ] || { echo "stand-in: want -f PROFILE" >&2; exit 99; }
shift 2
while [ "$1" = -D ]; do shift 2; done
exec "$@"
EOF
chmod +x "$sd/sandbox-exec"
export SBX_SANDBOX_EXEC=$sd/sandbox-exec SEAT_ARGS=$sd/args
echo ';; a profile' >"$sd/p.sb"
{ echo "proxy allow allowed.test $SP \"p.sbx:6\""; echo 'proxy deny evil.test * "p.sbx:8"'; } >"$sd/p.proxy"
seat() { "$SEAT" "$@"; }
check seat-curl-allowed 200 "$(seat -D HOME=/h "$sd/p.sb" -- curl -s -m 5 -o /dev/null -w '%{http_code}' "http://allowed.test:$SP/" 2>/dev/null)"
port=$(sed -n 's/^SBX_PROXY_PORT=//p' "$sd/args")
check seat-args "-f|$sd/p.sb|-D|SBX_PROXY_PORT=$port|-D|HOME=/h|curl" "$(head -7 "$sd/args" | tr '\n' '|' | sed 's/|$//')"
check seat-curl-refused 403 "$(seat "$sd/p.sb" -- curl -s -m 5 -o /dev/null -w '%{http_code}' "http://evil.test:$SP/" 2>/dev/null)"
seat "$sd/p.sb" -- env >"$sd/env" 2>/dev/null
port=$(sed -n 's/^SBX_PROXY_PORT=//p' "$sd/args")
has seat-env-https-proxy "$sd/env" "^HTTPS_PROXY=http://127\.0\.0\.1:$port$"
has seat-env-all-proxy "$sd/env" "^ALL_PROXY=socks5h://127\.0\.0\.1:$port$"
has seat-env-no-proxy "$sd/env" '^NO_PROXY=$'
hasnt seat-env-settings-removed "$sd/env" '^SBX_PROXY_\|^SBX_SANDBOX_EXEC='
# the proxy ends with the program (its stop pipe closes)
gone=0
for _ in $(seq 40); do
	python3 "$ROOT/tests/proxy/px.py" direct 127.0.0.1 "$port" 2>/dev/null | grep -q connected || { gone=1; break; }
	sleep 0.05
done
[ $gone = 1 ] && pass seat-proxy-ends-with-program || fail seat-proxy-ends-with-program "port $port still answers"
# a descendant that outlives the command keeps it
seat "$sd/p.sb" -- sh -c 'sleep 2 </dev/null >/dev/null 2>&1 & echo started' >/dev/null 2>&1
port=$(sed -n 's/^SBX_PROXY_PORT=//p' "$sd/args")
check seat-proxy-lives-with-descendant connected "$(python3 "$ROOT/tests/proxy/px.py" direct 127.0.0.1 "$port" 2>/dev/null)"
seat --log "$sd/log" "$sd/p.sb" -- curl -s -m 5 -o /dev/null "http://allowed.test:$SP/" 2>/dev/null
has seat-log "$sd/log" "^sbx-proxy: HTTP allowed.test:$SP -> 127.0.0.1 allow p.sbx:6$"
# without NAME.proxy: sandbox-exec only
echo ';; no names' >"$sd/q.sb"
seat "$sd/q.sb" -- env >"$sd/env" 2>/dev/null
hasnt seat-no-rules-no-proxy "$sd/env" '^HTTPS_PROXY='
hasnt seat-no-rules-no-port "$sd/args" 'SBX_PROXY_PORT'
echo 'proxy allow allowed.test 99999 "p.sbx:1"' >"$sd/bad.proxy"
echo ';;' >"$sd/bad.sb"
expect_rc seat-bad-rules 126 "$SEAT" "$sd/bad.sb" -- true
has seat-bad-rules-says "$tmp/err" "bad.proxy:1: .*port"
expect_rc seat-own-port-refused 64 "$SEAT" -D SBX_PROXY_PORT=1 "$sd/p.sb" -- true
expect_rc seat-usage 64 "$SEAT" "$sd/p.sb" true
SBX_SANDBOX_EXEC=$sd/nonexistent "$SEAT" "$sd/q.sb" -- true 2>"$tmp/err"
check seat-no-sandbox-exec 127 "$?"
# what `sbxc -t macos` writes: the profile opens only the proxy's port, and
# NAME.proxy beside it is what the runner's proxy decides with
mkpolicy "$sd/m.sbx" "allow connect tcp allowed.test:$SP" "deny connect tcp evil.test:*"
if "$SBXC" "$sd/m.sbx" -t macos -o "$sd/m" >"$sd/m.log" 2>&1; then
	has seat-compiled-proxy-rules "$sd/m/p.proxy" "^proxy allow allowed.test $SP \"m.sbx:6\"$"
	has seat-compiled-profile-port "$sd/m/p.sb" '(remote tcp sbx-proxy-address)'
	check seat-compiled-allowed 200 "$(seat -D HOME=/h "$sd/m/p.sb" -- curl -s -m 5 -o /dev/null -w '%{http_code}' "http://allowed.test:$SP/" 2>/dev/null)"
	check seat-compiled-refused 403 "$(seat -D HOME=/h "$sd/m/p.sb" -- curl -s -m 5 -o /dev/null -w '%{http_code}' "http://evil.test:$SP/" 2>/dev/null)"
else
	fail seat-compiled "$(oneline <"$sd/m.log")"
fi
unset SBX_SANDBOX_EXEC SEAT_ARGS
