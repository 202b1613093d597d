#!/usr/bin/env bash
#
# smart-stick benchmark: measures smart-stick's two engines (fast and Gateway) against plain
# Spring Cloud Gateway, nginx and a bare Reactor Netty proxy (the fast engine's ceiling), all
# in front of the same two nginx backends on loopback, and writes a markdown report to
# bench/out/report-<date>.md. See bench/README.md.
#
# Usage (as root on Debian, from anywhere):  bench/run.sh
# Quick run:                                 BENCH_DURATION=3s BENCH_ROUNDS=1 bench/run.sh
#
# Settings (environment variables):
#   BENCH_ROUNDS=3          measured rounds; the targets are interleaved in every round
#   BENCH_DURATION=10s      length of one measured wrk run (wrk's -d syntax: 10s, 1m)
#   BENCH_WARMUP=<duration> warm-up run per nginx target, and chunk of the JVMs' warm-up
#                           (default: BENCH_DURATION; 0s skips all warm-up)
#   BENCH_JVM_WARMUP=<dur>  load each JVM gets before measuring, in BENCH_WARMUP chunks
#                           (default: 9 x BENCH_DURATION, so 90s; a JVM on one core needs
#                           about that long before its JIT compiler is done)
#   BENCH_THREADS=1         wrk threads (-t)
#   BENCH_CONNECTIONS=32    wrk connections (-c)
#   BENCH_LOAD_CPU=0        core for wrk and the nginx processes
#   BENCH_JVM_CPU=1         core for the JVMs (smart-stick on each engine, the baseline
#                           gateway and the bare Reactor Netty proxy)
#   BENCH_HEAP=256m         JVM heap (-Xms and -Xmx)
#   BENCH_START_TIMEOUT=120 seconds a JVM may take to answer its first proxied request
#   BENCH_SKIP_BUILD=0      1 reuses the jars already built
#   BENCH_MVN_ARGS=         extra Maven arguments, e.g. -o to build offline
#   BENCH_SS_ARGS=          extra application arguments for smart-stick, split on spaces,
#                           e.g. --smartstick.sticky.secret=s3cret
#   BENCH_JAVA_OPTS=        extra JVM options for both JVMs, e.g. -XX:+UseSerialGC
#
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${BENCH_DIR}/.." && pwd)"
readonly BENCH_DIR ROOT

ROUNDS="${BENCH_ROUNDS:-3}"
DURATION="${BENCH_DURATION:-10s}"
WARMUP="${BENCH_WARMUP:-${DURATION}}"
JVM_WARMUP="${BENCH_JVM_WARMUP:-}"
THREADS="${BENCH_THREADS:-1}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
LOAD_CPU="${BENCH_LOAD_CPU:-0}"
JVM_CPU="${BENCH_JVM_CPU:-1}"
HEAP="${BENCH_HEAP:-256m}"
START_TIMEOUT="${BENCH_START_TIMEOUT:-120}"
SKIP_BUILD="${BENCH_SKIP_BUILD:-0}"
read -r -a MVN_ARGS <<<"${BENCH_MVN_ARGS:-}"
read -r -a SS_ARGS <<<"${BENCH_SS_ARGS:-}"
read -r -a EXTRA_JAVA_OPTS <<<"${BENCH_JAVA_OPTS:-}"

# the sticky cookie smart-stick reads by default (smartstick.sticky.cookie-name); without a
# secret its value is the backend's id
readonly STICKY_HEADER="Cookie: X-Backend-ID=0"

PIDS=()           # every process this script started, stopped by the trap
WORK=""           # temp dir: nginx configs, logs, wrk output
POLICY_RC_CREATED=0

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }
# shellcheck source=bench/lib.sh
source "${BENCH_DIR}/lib.sh"

# --- clean-up: stop what we started, by PID -------------------------------------------------

stop_everything_on_exit

# --- helpers --------------------------------------------------------------------------------

# wrk duration (10s, 2m, 1h, 30) in whole seconds
to_seconds() {
	local d="$1"
	case "${d}" in
		*h) echo $((${d%h} * 3600)) ;;
		*m) echo $((${d%m} * 60)) ;;
		*s) echo $((${d%s})) ;;
		*) echo $((d)) ;;
	esac
}

median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# a / b with two decimals, "n/a" if b is zero
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f\n", a / b }'; }

fmt_ms() { awk -v v="$1" 'BEGIN { printf "%.2f\n", v }'; }

# peak resident set size (VmHWM) of the given PIDs, summed, in MiB
peak_rss_mib() {
	local pid kb total=0
	for pid in "$@"; do
		kb="$(awk '/^VmHWM:/ { print $2 }' "/proc/${pid}/status" 2>/dev/null || true)"
		total=$((total + ${kb:-0}))
	done
	awk -v kb="${total}" 'BEGIN { printf "%.0f\n", kb / 1024 }'
}

# busy percentage of cores $1 and $2 over 2 s, as "busy0 busy1": what other processes use
# before this script starts anything
cores_busy() {
	local a b
	a="$(grep -E "^cpu($1|$2) " /proc/stat)"
	sleep 2
	b="$(grep -E "^cpu($1|$2) " /proc/stat)"
	printf '%s\n%s\n' "${a}" "${b}" | awk '{
		idle = $5 + $6; total = 0
		for (i = 2; i <= NF; i++) total += $i
		if ($1 in t) { printf "%.0f ", 100 * (1 - (idle - i0[$1]) / (total - t[$1])) } else { t[$1] = total; i0[$1] = idle }
	} END { print "" }'
}

# CPU time (jiffies) used by what this script runs: the processes it started and their
# children (nginx workers), plus its finished children (wrk, through timeout and taskset);
# sets OWN_JIFFIES (not printed: `times` must run in this shell, not in a $(...) subshell)
own_jiffies() {
	local total t
	total="$(proc_jiffies "${PIDS[@]}")"
	# `times` prints the shell's own user/system time, then its finished children's
	times >"${WORK}/times"
	t="$(tail -n1 "${WORK}/times" | awk -v hz="${CLK_TCK}" '{
		s = 0
		for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); s += p[1] * 60 + p[2] }
		printf "%.0f", s * hz }')"
	OWN_JIFFIES=$((total + t))
}

# --- 1. tools -------------------------------------------------------------------------------

install_missing() {
	local missing=()
	command -v wrk >/dev/null || missing+=(wrk)
	command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
	command -v curl >/dev/null || missing+=(curl)
	command -v python3 >/dev/null || missing+=(python3)
	command -v unzip >/dev/null || missing+=(unzip)
	command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
	command -v taskset >/dev/null || missing+=(util-linux)
	command -v timeout >/dev/null || missing+=(coreutils)
	((${#missing[@]})) || return 0
	apt_install "${missing[@]}"
}

install_missing
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

NPROC="$(nproc)"
((NPROC > LOAD_CPU && NPROC > JVM_CPU)) \
	|| die "needs cores ${LOAD_CPU} and ${JVM_CPU} (nproc is ${NPROC}); set BENCH_LOAD_CPU / BENCH_JVM_CPU"
[[ "${ROUNDS}" =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive integer, got '${ROUNDS}'"
[[ "${DURATION}" =~ ^[1-9][0-9]*[smh]?$ ]] || die "BENCH_DURATION must look like 10s, 1m; got '${DURATION}'"
[[ "${WARMUP}" =~ ^[0-9]+[smh]?$ ]] || die "BENCH_WARMUP must look like 10s, 0s; got '${WARMUP}'"
[[ -n "${JVM_WARMUP}" ]] || JVM_WARMUP="$(($(to_seconds "${DURATION}") * 9))s"
[[ "${JVM_WARMUP}" =~ ^[0-9]+[smh]?$ ]] || die "BENCH_JVM_WARMUP must look like 90s, 2m; got '${JVM_WARMUP}'"

# --- 2. build -------------------------------------------------------------------------------

if [[ "${SKIP_BUILD}" != 1 ]]; then
	log "building the sample jar: ./mvnw -q -DskipTests package ${MVN_ARGS[*]}"
	(cd "${ROOT}" && timeout 1800 ./mvnw -q -DskipTests "${MVN_ARGS[@]}" package) \
		|| die "building smart-stick failed (see Maven's output above)"
	log "building the baseline gateway: ./mvnw -f bench/baseline-gateway/pom.xml -q -DskipTests package"
	(cd "${ROOT}" && timeout 1800 ./mvnw -f bench/baseline-gateway/pom.xml -q -DskipTests "${MVN_ARGS[@]}" package) \
		|| die "building bench/baseline-gateway failed (see Maven's output above)"
	log "building the bare Reactor Netty proxy: ./mvnw -f bench/bare-netty/pom.xml -q -DskipTests package"
	(cd "${ROOT}" && timeout 1800 ./mvnw -f bench/bare-netty/pom.xml -q -DskipTests "${MVN_ARGS[@]}" package) \
		|| die "building bench/bare-netty failed (see Maven's output above)"
fi

SAMPLE_JAR="$(find_jar "${ROOT}/smart-stick-sample/target")"
BASELINE_JAR="$(find_jar "${BENCH_DIR}/baseline-gateway/target")"
BARE_JAR="$(find_jar "${BENCH_DIR}/bare-netty/target")"

# --- 3. nginx backends and proxy ------------------------------------------------------------

read -r BUSY_LOAD BUSY_JVM <<<"$(cores_busy "${LOAD_CPU}" "${JVM_CPU}")"
log "before starting anything, other processes keep core ${LOAD_CPU} ${BUSY_LOAD}% and core ${JVM_CPU} ${BUSY_JVM}% busy"
if ((BUSY_LOAD > 10 || BUSY_JVM > 10)); then
	log "WARNING: the machine is busy; the numbers will be noisy"
fi

WORK="$(mktemp -d /tmp/smart-stick-bench.XXXXXX)"
chmod 755 "${WORK}"
read -r PORT_B0 PORT_B1 PORT_NGINX PORT_SS PORT_GW PORT_SSG PORT_BARE PORT_GWX <<<"$(free_ports 8)"
[[ -n "${PORT_GWX:-}" ]] || die "could not find free loopback ports with python3"

NGINX_USER=""
if [[ "$(id -u)" == 0 ]] && id www-data >/dev/null 2>&1; then
	NGINX_USER="user www-data www-data;"
fi

# writes an nginx config for a master process of its own: $1 name, $2 http-block body
nginx_conf() {
	local dir="${WORK}/$1"
	mkdir -p "${dir}/tmp"
	cat >"${dir}/nginx.conf" <<EOF
${NGINX_USER}
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	keepalive_requests 1000000;
	keepalive_timeout 60s;
	client_body_temp_path ${dir}/tmp/body;
	proxy_temp_path ${dir}/tmp/proxy;
	fastcgi_temp_path ${dir}/tmp/fastcgi;
	uwsgi_temp_path ${dir}/tmp/uwsgi;
	scgi_temp_path ${dir}/tmp/scgi;
$2
}
EOF
	echo "${dir}"
}

# starts an nginx master of its own on the load core and waits until it answers; sets
# STARTED_PID. $1 name, $2 port, $3 http-block body
start_nginx() {
	local name="$1" port="$2" body="$3" dir
	dir="$(nginx_conf "${name}" "${body}")"
	"${NGINX}" -t -q -p "${dir}" -e "${dir}/error.log" -c "${dir}/nginx.conf" \
		|| die "nginx rejected the config for ${name}: ${dir}/nginx.conf"
	taskset -c "${LOAD_CPU}" "${NGINX}" -p "${dir}" -e "${dir}/error.log" -c "${dir}/nginx.conf" \
		>"${dir}/stdout.log" 2>&1 &
	STARTED_PID=$!
	PIDS+=("${STARTED_PID}")
	wait_http "${STARTED_PID}" "http://127.0.0.1:${port}/" "${name}"
}

log "starting nginx backends on 127.0.0.1:${PORT_B0} and 127.0.0.1:${PORT_B1} (core ${LOAD_CPU})"
start_nginx backend0 "${PORT_B0}" "$(backend_server "${PORT_B0}" 0)"
start_nginx backend1 "${PORT_B1}" "$(backend_server "${PORT_B1}" 1)"

log "starting nginx proxy on 127.0.0.1:${PORT_NGINX} (round robin, keepalive upstream)"
start_nginx nginx-proxy "${PORT_NGINX}" "$(cat <<EOF
	upstream backends {
		server 127.0.0.1:${PORT_B0};
		server 127.0.0.1:${PORT_B1};
		keepalive 64;
		keepalive_requests 1000000;
	}
	server {
		listen 127.0.0.1:${PORT_NGINX};
		location / {
			proxy_pass http://backends;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
		}
	}
EOF
)"
NGINX_PROXY_PID="${STARTED_PID}"

# --- 4. the JVMs ----------------------------------------------------------------------------

JAVA_OPTS=(-Xms"${HEAP}" -Xmx"${HEAP}" "${EXTRA_JAVA_OPTS[@]}")

# starts a JVM on the JVM core and measures launch -> first successful proxied answer;
# sets STARTED_PID and STARTUP_MS. $1 name, $2 port, then the java arguments
start_jvm() {
	local name="$1" port="$2"
	shift 2
	local logfile="${WORK}/${name}.log" url="http://127.0.0.1:${port}/" t0 deadline
	t0="$(now_ms)"
	taskset -c "${JVM_CPU}" java "${JAVA_OPTS[@]}" "$@" >"${logfile}" 2>&1 &
	STARTED_PID=$!
	PIDS+=("${STARTED_PID}")
	deadline=$((t0 + START_TIMEOUT * 1000))
	while :; do
		if ! alive "${STARTED_PID}"; then
			tail -n 40 "${logfile}" >&2 || true
			die "${name} exited during start-up (log above, from ${logfile})"
		fi
		if curl -fsS --max-time 1 "${url}" 2>/dev/null | grep backend >/dev/null; then
			STARTUP_MS=$(($(now_ms) - t0))
			return 0
		fi
		if (($(now_ms) > deadline)); then
			tail -n 40 "${logfile}" >&2 || true
			die "${name} gave no proxied answer on ${url} within ${START_TIMEOUT} s"
		fi
		sleep 0.02
	done
}

# four more pools, /p0/** to /p3/**, over the same two backends (which answer every path): the four-pool case
# spreads new clients over them. No Gateway filters, so that auto serves them with the fast engine too.
POOL_ARGS=()
for ((p = 0; p < 4; p++)); do
	POOL_ARGS+=("--smartstick.pools.p${p}.paths=/p${p}/**"
		"--smartstick.pools.p${p}.backends[0].id=0" "--smartstick.pools.p${p}.backends[0].url=http://127.0.0.1:${PORT_B0}"
		"--smartstick.pools.p${p}.backends[1].id=1" "--smartstick.pools.p${p}.backends[1].url=http://127.0.0.1:${PORT_B1}")
done
# $1 name, $2 port, $3 engine, $4 how many pools: 5 (the default pool and the four above) or 1 (the default pool
# alone, as the plain Gateway has one route)
start_smart_stick() {
	local pools=("${POOL_ARGS[@]}")
	(($4 == 5)) || pools=()
	log "starting smart-stick ($3 engine) on 127.0.0.1:$2 (core ${JVM_CPU}, heap ${HEAP}), $4 pool(s)"
	start_jvm "$1" "$2" -jar "${SAMPLE_JAR}" \
		--sample.demo-backends=false \
		--server.address=127.0.0.1 \
		--server.port="$2" \
		--smartstick.engine="$3" \
		"--smartstick.backends[0].id=0" "--smartstick.backends[0].url=http://127.0.0.1:${PORT_B0}" \
		"--smartstick.backends[1].id=1" "--smartstick.backends[1].url=http://127.0.0.1:${PORT_B1}" \
		--smartstick.health.interval=10s \
		--spring.main.banner-mode=off \
		--logging.level.root=WARN \
		--logging.level.io.smartstick.autoconfigure.FastEngineOpener=INFO \
		"${pools[@]}" \
		"${SS_ARGS[@]}"
	log "smart-stick ($3 engine) answered after ${STARTUP_MS} ms"
	# each pool's engine is logged once the context is refreshed, which may come just after the first answer
	local i
	for ((i = 0; i < 100; i++)); do
		(($(grep -c "is served by the" "${WORK}/$1.log") >= $4)) && break
		sleep 0.1
	done
	(($(grep -c "is served by the $3 engine" "${WORK}/$1.log") == $4)) \
		|| die "smart-stick's $4 pool(s) are not all on the $3 engine (see ${WORK}/$1.log)"
}
start_smart_stick smart-stick "${PORT_SS}" fast 5
SS_PID="${STARTED_PID}"
SS_STARTUP_MS="${STARTUP_MS}"
start_smart_stick smart-stick-gateway "${PORT_SSG}" gateway 1
SSG_PID="${STARTED_PID}"
SSG_STARTUP_MS="${STARTUP_MS}"

# starts bench/baseline-gateway over the two backends; $1 name, $2 port, then extra arguments
start_baseline() {
	local name="$1" port="$2"
	shift 2
	start_jvm "${name}" "${port}" -jar "${BASELINE_JAR}" \
		--server.address=127.0.0.1 \
		--server.port="${port}" \
		"--spring.cloud.discovery.client.simple.instances.backends[0].uri=http://127.0.0.1:${PORT_B0}" \
		"--spring.cloud.discovery.client.simple.instances.backends[1].uri=http://127.0.0.1:${PORT_B1}" \
		--spring.main.banner-mode=off \
		--logging.level.root=WARN \
		"$@"
}

log "starting the plain Gateway on 127.0.0.1:${PORT_GW} (core ${JVM_CPU}, heap ${HEAP})"
start_baseline baseline-gateway "${PORT_GW}"
GW_PID="${STARTED_PID}"
GW_STARTUP_MS="${STARTUP_MS}"
log "plain Gateway answered after ${GW_STARTUP_MS} ms"

# smart-stick's default of smartstick.sticky.trusted-proxies, which it also makes Gateway's
# trusted-proxies: with it Gateway writes X-Forwarded-* headers, which the plain Gateway above,
# without trusted proxies, does not. Read from the configuration metadata in the sample jar.
unzip -p "${SAMPLE_JAR}" 'BOOT-INF/lib/smart-stick-spring-boot-autoconfigure-*.jar' >"${WORK}/autoconfigure.jar" \
	|| die "no smart-stick-spring-boot-autoconfigure jar in ${SAMPLE_JAR}"
SS_TRUSTED_PROXIES="$(unzip -p "${WORK}/autoconfigure.jar" META-INF/spring-configuration-metadata.json | python3 -c '
import json, sys
print(next(p["defaultValue"] for p in json.load(sys.stdin)["properties"] if p["name"] == "smartstick.sticky.trusted-proxies"))')" \
	|| die "could not read the default of smartstick.sticky.trusted-proxies from the sample jar"
log "starting the plain Gateway with smart-stick's trusted proxies on 127.0.0.1:${PORT_GWX} (core ${JVM_CPU}, heap ${HEAP})"
start_baseline baseline-gateway-xf "${PORT_GWX}" "--spring.cloud.gateway.server.webflux.trusted-proxies=${SS_TRUSTED_PROXIES}"
GWX_PID="${STARTED_PID}"
GWX_STARTUP_MS="${STARTUP_MS}"
log "plain Gateway with trusted proxies answered after ${GWX_STARTUP_MS} ms"

log "starting the bare Reactor Netty proxy on 127.0.0.1:${PORT_BARE} (core ${JVM_CPU}, heap ${HEAP})"
start_jvm bare-netty "${PORT_BARE}" -jar "${BARE_JAR}" "${PORT_BARE}" \
	"http://127.0.0.1:${PORT_B0}" "http://127.0.0.1:${PORT_B1}"
BARE_PID="${STARTED_PID}"
BARE_STARTUP_MS="${STARTUP_MS}"
log "bare Reactor Netty proxy answered after ${BARE_STARTUP_MS} ms"

# --- 5. sanity: every target proxies, and stickiness works ----------------------------------

bodies() { # $1 url, $2 count, then extra curl args
	local url="$1" n="$2" i
	shift 2
	for ((i = 0; i < n; i++)); do
		curl -fsS --max-time 2 "$@" "${url}" || die "request to ${url} failed"
	done
}
check_spread() { # $1 name, $2 url
	local seen
	seen="$(bodies "$2" 6 | sort -u | wc -l)"
	((seen == 2)) || log "WARNING: $1 answered from ${seen} backend(s) in 6 requests, expected both"
}
check_spread "smart-stick" "http://127.0.0.1:${PORT_SS}/"
check_spread "smart-stick (Gateway engine)" "http://127.0.0.1:${PORT_SSG}/"
check_spread "bare Reactor Netty proxy" "http://127.0.0.1:${PORT_BARE}/"
check_spread "plain Gateway" "http://127.0.0.1:${PORT_GW}/"
check_spread "plain Gateway with trusted proxies" "http://127.0.0.1:${PORT_GWX}/"
check_spread "nginx proxy" "http://127.0.0.1:${PORT_NGINX}/"
curl -fsS --max-time 2 -o /dev/null -D - "http://127.0.0.1:${PORT_SS}/" | grep -i '^set-cookie: X-Backend-ID=' >/dev/null \
	|| die "smart-stick set no X-Backend-ID cookie on a new client's response"
check_spread "smart-stick pool p3" "http://127.0.0.1:${PORT_SS}/p3/"
for port in "${PORT_SS}" "${PORT_SSG}" "${PORT_BARE}"; do
	[[ "$(bodies "http://127.0.0.1:${port}/" 6 -H "${STICKY_HEADER}" | sort -u)" == "Hello from backend 0" ]] \
		|| die "the proxy on port ${port} did not keep '${STICKY_HEADER}' on backend 0"
done

# --- 6. measure -----------------------------------------------------------------------------

TARGETS=(direct ss-new ss-sticky ss-pools ssg-new ssg-sticky gateway gateway-xf bare nginx)
# new clients spread over the four pools /p0/ to /p3/, one after the other
cat >"${WORK}/pools.lua" <<'EOF'
local i = 0
request = function()
	i = i + 1
	return wrk.format(nil, "/p" .. (i % 4) .. "/")
end
EOF
# whose CPU time a target's requests cost (nginx: the proxy's master and worker)
declare -A PROXY_PIDS=([direct]="" [ss-new]="${SS_PID}" [ss-sticky]="${SS_PID}" [ss-pools]="${SS_PID}"
	[ssg-new]="${SSG_PID}" [ssg-sticky]="${SSG_PID}" [gateway]="${GW_PID}" [gateway-xf]="${GWX_PID}" [bare]="${BARE_PID}" [nginx]="${NGINX_PROXY_PID}")
declare -A LABEL=(
	[direct]="direct to one nginx backend"
	[ss-new]="smart-stick fast engine, new clients (no cookie)"
	[ss-sticky]="smart-stick fast engine, sticky clients (cookie)"
	[ss-pools]="smart-stick fast engine, new clients over four pools"
	[ssg-new]="smart-stick Gateway engine, new clients (no cookie)"
	[ssg-sticky]="smart-stick Gateway engine, sticky clients (cookie)"
	[gateway]="plain Spring Cloud Gateway"
	[gateway-xf]="plain Spring Cloud Gateway writing X-Forwarded-* (smart-stick's trusted proxies)"
	[bare]="bare Reactor Netty proxy (ceiling)"
	[nginx]="nginx proxy"
)
declare -A URL=(
	[direct]="http://127.0.0.1:${PORT_B0}/"
	[ss-new]="http://127.0.0.1:${PORT_SS}/"
	[ss-sticky]="http://127.0.0.1:${PORT_SS}/"
	[ss-pools]="http://127.0.0.1:${PORT_SS}/"
	[ssg-new]="http://127.0.0.1:${PORT_SSG}/"
	[ssg-sticky]="http://127.0.0.1:${PORT_SSG}/"
	[gateway]="http://127.0.0.1:${PORT_GW}/"
	[gateway-xf]="http://127.0.0.1:${PORT_GWX}/"
	[bare]="http://127.0.0.1:${PORT_BARE}/"
	[nginx]="http://127.0.0.1:${PORT_NGINX}/"
)

# prints "req/s p50_ms p99_ms errors requests" from wrk --latency output on stdin
parse_wrk() {
	awk '
		function ms(v) {
			if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
			if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
			if (v ~ /s$/) { sub(/s$/, "", v); return v * 1000 }
			if (v ~ /m$/) { sub(/m$/, "", v); return v * 60000 }
			if (v ~ /h$/) { sub(/h$/, "", v); return v * 3600000 }
			return v + 0
		}
		/^ +50% / { p50 = ms($2) }
		/^ +99% / { p99 = ms($2) }
		/ requests in / { requests = $1 }
		/^Requests\/sec:/ { rps = $2 }
		/Non-2xx or 3xx responses:/ { errors += $NF }
		/Socket errors:/ { gsub(",", ""); errors += $4 + $6 + $8 + $10 }
		END {
			if (rps == "" || p99 == "") exit 1
			printf "%s %.3f %.3f %d %d\n", rps, p50, p99, errors, requests
		}'
}

run_wrk() { # $1 target, $2 duration, $3 output file
	local target="$1" duration="$2" out="$3" bound extra=()
	[[ "${target}" == ss-sticky || "${target}" == ssg-sticky ]] && extra=(-H "${STICKY_HEADER}")
	[[ "${target}" == ss-pools ]] && extra=(-s "${WORK}/pools.lua")
	bound=$(($(to_seconds "${duration}") + 30))
	timeout --kill-after=5 "${bound}" taskset -c "${LOAD_CPU}" \
		wrk -t"${THREADS}" -c"${CONNECTIONS}" -d"${duration}" --latency "${extra[@]}" "${URL[${target}]}" \
		>"${out}" 2>&1 || die "wrk against ${LABEL[${target}]} failed: $(cat "${out}")"
}

RESULTS="${WORK}/results"
mkdir -p "${RESULTS}"
LOADAVG_START="$(cut -d' ' -f1-3 /proc/loadavg)"
MEASURE_T0=${SECONDS}
CLK_TCK="$(getconf CLK_TCK)"
MEASURE_T0_MS="$(now_ms)"
BUSY_J0="$(cores_busy_jiffies)"
own_jiffies
OWN_J0="${OWN_JIFFIES}"

# nginx needs little warm-up. A JVM pinned to one core needs much more: its JIT compiler
# shares the core with the load, and req/s keeps rising for a minute or more. Each JVM gets
# JVM_WARMUP of load in WARMUP chunks, recorded so the report shows the curve; smart-stick
# alternates new and sticky clients.
WARMUP_S="$(to_seconds "${WARMUP}")"
JVM_CHUNKS=0
declare -A WARMUP_RPS=([smart-stick]="" [smart-stick-gateway]="" [gateway]="" [gateway-xf]="" [bare]="")
if ((WARMUP_S > 0)); then
	JVM_CHUNKS=$((($(to_seconds "${JVM_WARMUP}") + WARMUP_S - 1) / WARMUP_S))
	((JVM_CHUNKS > 0)) || JVM_CHUNKS=1
	for target in direct nginx; do
		log "warm-up ${WARMUP}: ${LABEL[${target}]}"
		run_wrk "${target}" "${WARMUP}" "${RESULTS}/warmup-${target}.txt"
	done
	for jvm in smart-stick smart-stick-gateway gateway gateway-xf bare; do
		log "warm-up ${jvm}: ${JVM_CHUNKS} x ${WARMUP}"
		for ((c = 1; c <= JVM_CHUNKS; c++)); do
			target="${jvm}"
			if [[ "${jvm}" == smart-stick ]]; then
				# every smart-stick target in turn, so that none is measured before the JIT has compiled its path
				case $((c % 3)) in
					1) target=ss-new ;;
					2) target=ss-sticky ;;
					0) target=ss-pools ;;
				esac
			elif [[ "${jvm}" == smart-stick-gateway ]]; then
				target=ssg-new
				((c % 2 == 1)) || target=ssg-sticky
			fi
			out="${RESULTS}/warmup-${jvm}-${c}.txt"
			run_wrk "${target}" "${WARMUP}" "${out}"
			parsed="$(parse_wrk <"${out}")" || die "could not parse wrk's output in ${out}: $(cat "${out}")"
			WARMUP_RPS[${jvm}]+=" $(fmt_int "${parsed%% *}") |"
		done
		log "warm-up ${jvm}: req/s by chunk:${WARMUP_RPS[${jvm}]}"
	done
fi

for ((round = 1; round <= ROUNDS; round++)); do
	for ((k = 0; k < ${#TARGETS[@]}; k++)); do
		# rotate the order every round, so no target always runs first or last
		target="${TARGETS[$(((k + round - 1) % ${#TARGETS[@]}))]}"
		out="${RESULTS}/round${round}-${target}.txt"
		# shellcheck disable=SC2086
		cpu0="$(proc_jiffies ${PROXY_PIDS[${target}]})"
		run_wrk "${target}" "${DURATION}" "${out}"
		# shellcheck disable=SC2086
		cpu1="$(proc_jiffies ${PROXY_PIDS[${target}]})"
		parsed="$(parse_wrk <"${out}")" || die "could not parse wrk's output in ${out}: $(cat "${out}")"
		read -r rps p50 p99 errors requests <<<"${parsed}"
		# the proxy's CPU time per request in microseconds; the direct target has no proxy
		cpu_us="$(awk -v j=$((cpu1 - cpu0)) -v hz="${CLK_TCK}" -v n="${requests}" -v proxy="${PROXY_PIDS[${target}]}" \
			'BEGIN { if (proxy == "" || n == 0) print "n/a"; else printf "%.1f\n", j / hz * 1e6 / n }')"
		echo "${round} ${parsed} ${cpu_us}" >>"${RESULTS}/${target}.tsv"
		log "round ${round}/${ROUNDS} ${LABEL[${target}]}: $(fmt_int "${rps}") req/s, p50 $(fmt_ms "${p50}") ms, p99 $(fmt_ms "${p99}") ms, errors ${errors}, CPU ${cpu_us} us/request"
	done
done
MEASURE_SECONDS=$((SECONDS - MEASURE_T0))
# share of the pinned cores' time that other processes took while measuring
own_jiffies
PINNED_CORES=2
[[ "${LOAD_CPU}" != "${JVM_CPU}" ]] || PINNED_CORES=1
OTHERS_PCT="$(awk -v busy=$(($(cores_busy_jiffies) - BUSY_J0)) -v own=$((OWN_JIFFIES - OWN_J0)) \
	-v ms=$(($(now_ms) - MEASURE_T0_MS)) -v hz="${CLK_TCK}" -v n="${PINNED_CORES}" \
	'BEGIN { p = 100 * (busy - own) / (ms / 1000 * hz * n); printf "%.0f", (p < 0) ? 0 : p }')"
log "while measuring, other processes took about ${OTHERS_PCT}% of the pinned cores' time"
LOADAVG_END="$(cut -d' ' -f1-3 /proc/loadavg)"

# peak memory after all runs
SS_RSS="$(peak_rss_mib "${SS_PID}")"
SSG_RSS="$(peak_rss_mib "${SSG_PID}")"
GW_RSS="$(peak_rss_mib "${GW_PID}")"
GWX_RSS="$(peak_rss_mib "${GWX_PID}")"
BARE_RSS="$(peak_rss_mib "${BARE_PID}")"
# shellcheck disable=SC2046
NGINX_RSS="$(peak_rss_mib "${NGINX_PROXY_PID}" $(children_of "${NGINX_PROXY_PID}"))"

# --- 7. report ------------------------------------------------------------------------------

declare -A RPS P50 P99 ERR CPU_US
for target in "${TARGETS[@]}"; do
	f="${RESULTS}/${target}.tsv"
	RPS[${target}]="$(awk '{ print $2 }' "${f}" | median)"
	P50[${target}]="$(awk '{ print $3 }' "${f}" | median)"
	P99[${target}]="$(awk '{ print $4 }' "${f}" | median)"
	ERR[${target}]="$(awk '{ s += $5 } END { print s + 0 }' "${f}")"
	CPU_US[${target}]="n/a"
	[[ -z "${PROXY_PIDS[${target}]}" ]] || CPU_US[${target}]="$(awk '{ print $7 }' "${f}" | median)"
done

STAMP="$(date +%Y-%m-%d-%H%M%S)"
OUT_DIR="${BENCH_DIR}/out"
mkdir -p "${OUT_DIR}/raw-${STAMP}"
REPORT="${OUT_DIR}/report-${STAMP}.md"
cp "${RESULTS}"/*.txt "${RESULTS}"/*.tsv "${OUT_DIR}/raw-${STAMP}/"
cp "${WORK}/smart-stick.log" "${WORK}/smart-stick-gateway.log" "${WORK}/baseline-gateway.log" "${WORK}/baseline-gateway-xf.log" "${WORK}/bare-netty.log" \
	"${OUT_DIR}/raw-${STAMP}/" 2>/dev/null || true

CPU_MODEL="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
MEM_TOTAL="$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
JAVA_VERSION="$(java -version 2>&1 | sed 's/^/    /')"
NGINX_VERSION="$("${NGINX}" -v 2>&1 | sed 's/^nginx version: //')"
WRK_VERSION="$(wrk -v 2>&1 | head -n1 | awk '{ print $1, $2 }' || true)"
COMMIT="not a git checkout"
if git -C "${ROOT}" rev-parse --short HEAD >/dev/null 2>&1; then
	COMMIT="$(git -C "${ROOT}" rev-parse --short HEAD)"
	[[ -z "$(git -C "${ROOT}" status --porcelain --untracked-files=no 2>/dev/null)" ]] || COMMIT="${COMMIT} (with uncommitted changes)"
fi
REPRODUCE="cd ${ROOT} && BENCH_SS_ARGS='${BENCH_SS_ARGS:-}' BENCH_JAVA_OPTS='${BENCH_JAVA_OPTS:-}' BENCH_ROUNDS=${ROUNDS} BENCH_DURATION=${DURATION} BENCH_WARMUP=${WARMUP} BENCH_JVM_WARMUP=${JVM_WARMUP} BENCH_THREADS=${THREADS} BENCH_CONNECTIONS=${CONNECTIONS} BENCH_LOAD_CPU=${LOAD_CPU} BENCH_JVM_CPU=${JVM_CPU} BENCH_HEAP=${HEAP} bench/run.sh"

results_table() {
	echo "| target | req/s | p50 (ms) | p99 (ms) | errors | proxy CPU per request (µs) |"
	echo "|---|---:|---:|---:|---:|---:|"
	for target in "${TARGETS[@]}"; do
		echo "| ${LABEL[${target}]} | $(fmt_int "${RPS[${target}]}") | $(fmt_ms "${P50[${target}]}") | $(fmt_ms "${P99[${target}]}") | ${ERR[${target}]} | ${CPU_US[${target}]} |"
	done
}

ratio_table() {
	echo "| smart-stick | req/s vs Gateway | req/s vs ceiling | req/s vs nginx | p99 vs Gateway | p99 vs ceiling | p99 vs nginx | CPU per request vs Gateway |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|"
	for target in ss-new ss-sticky ss-pools ssg-new ssg-sticky; do
		echo "| ${LABEL[${target}]#smart-stick } | $(ratio "${RPS[${target}]}" "${RPS[gateway]}") | $(ratio "${RPS[${target}]}" "${RPS[bare]}") | $(ratio "${RPS[${target}]}" "${RPS[nginx]}") | $(ratio "${P99[${target}]}" "${P99[gateway]}") | $(ratio "${P99[${target}]}" "${P99[bare]}") | $(ratio "${P99[${target}]}" "${P99[nginx]}") | $(ratio "${CPU_US[${target}]}" "${CPU_US[gateway]}") |"
	done
}

xforwarded_line() {
	echo "The Gateway engine against the plain Gateway that writes X-Forwarded-* headers as smart-stick does by default"
	echo "(the same trusted proxies): new clients req/s $(ratio "${RPS[ssg-new]}" "${RPS[gateway-xf]}"), sticky $(ratio "${RPS[ssg-sticky]}" "${RPS[gateway-xf]}"),"
	echo "CPU per request $(ratio "${CPU_US[ssg-new]}" "${CPU_US[gateway-xf]}") and $(ratio "${CPU_US[ssg-sticky]}" "${CPU_US[gateway-xf]}")."
}

pools_line() {
	echo "Four pools against the single pool, new clients: req/s $(ratio "${RPS[ss-pools]}" "${RPS[ss-new]}"),"
	echo "p99 $(ratio "${P99[ss-pools]}" "${P99[ss-new]}"), CPU per request $(ratio "${CPU_US[ss-pools]}" "${CPU_US[ss-new]}")."
}

resources_table() {
	echo "| process | peak RSS (MiB) | start-up to first proxied answer (ms) |"
	echo "|---|---:|---:|"
	echo "| smart-stick, fast engine (sample jar) | ${SS_RSS} | ${SS_STARTUP_MS} |"
	echo "| smart-stick, Gateway engine (sample jar) | ${SSG_RSS} | ${SSG_STARTUP_MS} |"
	echo "| plain Spring Cloud Gateway | ${GW_RSS} | ${GW_STARTUP_MS} |"
	echo "| plain Spring Cloud Gateway with trusted proxies | ${GWX_RSS} | ${GWX_STARTUP_MS} |"
	echo "| bare Reactor Netty proxy | ${BARE_RSS} | ${BARE_STARTUP_MS} |"
	echo "| nginx proxy (master + worker) | ${NGINX_RSS} | n/a |"
}

warmup_table() {
	local header="| JVM |" rule="|---|" c
	for ((c = 1; c <= JVM_CHUNKS; c++)); do header+=" ${c} |"; rule+="---:|"; done
	echo "${header}"
	echo "${rule}"
	echo "| smart-stick, fast engine (new, sticky, four pools in turn) |${WARMUP_RPS[smart-stick]}"
	echo "| smart-stick, Gateway engine (odd: new clients, even: sticky) |${WARMUP_RPS[smart-stick-gateway]}"
	echo "| plain Spring Cloud Gateway |${WARMUP_RPS[gateway]}"
	echo "| plain Spring Cloud Gateway with trusted proxies |${WARMUP_RPS[gateway-xf]}"
	echo "| bare Reactor Netty proxy |${WARMUP_RPS[bare]}"
}

# warns about JVM targets whose req/s rose by more than 15 % from the first to the last round
warming_notes() {
	local target first last
	((ROUNDS > 1)) || return 0
	for target in ss-new ss-sticky ssg-new ssg-sticky gateway gateway-xf bare; do
		first="$(awk '$1 == 1 { print $2 }' "${RESULTS}/${target}.tsv")"
		last="$(awk -v r="${ROUNDS}" '$1 == r { print $2 }' "${RESULTS}/${target}.tsv")"
		if awk -v f="${first}" -v l="${last}" 'BEGIN { exit !(l > 1.15 * f) }'; then
			echo "> **Still warming up?** ${LABEL[${target}]}: $(fmt_int "${first}") req/s in round 1, $(fmt_int "${last}") in round ${ROUNDS}."
			echo "> Run again with a longer BENCH_JVM_WARMUP."
			echo ">"
		fi
	done
}

rounds_table() {
	local header="| target |" rule="|---|" r
	for ((r = 1; r <= ROUNDS; r++)); do header+=" round ${r} |"; rule+="---:|"; done
	echo "${header}"
	echo "${rule}"
	for target in "${TARGETS[@]}"; do
		printf '| %s |' "${LABEL[${target}]}"
		sort -n "${RESULTS}/${target}.tsv" | while read -r _ rps _; do printf ' %s |' "$(fmt_int "${rps}")"; done
		echo
	done
}

{
	echo "# smart-stick benchmark, ${STAMP}"
	echo
	echo "Medians of ${ROUNDS} interleaved round(s) of \`wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION} --latency\`,"
	echo "after warm-up: ${WARMUP} for each nginx target, ${JVM_WARMUP} of load for each JVM."
	echo "Every proxy forwards to the same two nginx backends."
	echo "How to read this: bench/README.md."
	echo
	if ((OTHERS_PCT > 10 || BUSY_LOAD > 10 || BUSY_JVM > 10)); then
		echo "> **Busy machine:** other processes took about ${OTHERS_PCT}% of the pinned cores' time while"
		echo "> measuring (before the benchmark started anything: core ${LOAD_CPU} ${BUSY_LOAD}%, core ${JVM_CPU} ${BUSY_JVM}%),"
		echo "> so they competed with what is measured. Treat these numbers as noisy and compare only runs"
		echo "> made on a quiet machine."
		echo
	fi
	echo "## Machine"
	echo
	echo "- cores (nproc): ${NPROC}"
	echo "- CPU: ${CPU_MODEL:-unknown}"
	echo "- memory: ${MEM_TOTAL}"
	echo "- kernel: $(uname -sr)"
	echo "- other processes' use of the pinned cores: before the benchmark started core ${LOAD_CPU} ${BUSY_LOAD}%, core ${JVM_CPU} ${BUSY_JVM}%; while measuring about ${OTHERS_PCT}% of both cores' time"
	echo "- load average (1, 5, 15 min) before measuring: ${LOADAVG_START}; after: ${LOADAVG_END}"
	echo "- nginx: ${NGINX_VERSION}; wrk: ${WRK_VERSION:-unknown}"
	echo "- smart-stick commit: ${COMMIT}"
	echo "- java -version:"
	echo
	echo "${JAVA_VERSION}"
	echo
	echo "## Set-up"
	echo
	echo "- wrk and all nginx processes (backends, proxy; one worker each) pinned to core ${LOAD_CPU}: \`taskset -c ${LOAD_CPU}\`"
	echo "- each JVM pinned to core ${JVM_CPU}: \`taskset -c ${JVM_CPU} java -Xms${HEAP} -Xmx${HEAP} -jar ...\`, logging at WARN"
	echo "- smart-stick: the sample jar, \`--sample.demo-backends=false\`, backends 0 and 1 = the two nginx backends, health checks every 10 s, one JVM with \`--smartstick.engine=fast\` and four more pools /p0/** to /p3/** over the same backends, one with \`--smartstick.engine=gateway\` and the default pool alone, as the plain Gateway has one route"
	echo "- bare Reactor Netty proxy (ceiling): bench/bare-netty, a sticky round robin of about sixty lines on Reactor Netty, no Spring"
	echo "- plain Gateway: bench/baseline-gateway, route \`lb://backends\`, Spring Cloud LoadBalancer round robin over the same two backends; no trusted proxies, so it writes no X-Forwarded-* headers"
	echo "- plain Gateway writing X-Forwarded-*: the same jar with \`spring.cloud.gateway.server.webflux.trusted-proxies\` set to smart-stick's default (loopback and private addresses), as smart-stick sets it"
	echo "- nginx proxy: round robin over the same two backends, keepalive upstream"
	echo "- sticky clients send \`${STICKY_HEADER}\`; new clients send no cookie"
	echo "- measuring took ${MEASURE_SECONDS} s"
	echo
	echo "## Throughput and latency (medians)"
	echo
	results_table
	echo
	echo "## smart-stick relative to plain Gateway, the ceiling and nginx"
	echo
	echo "req/s ratio above 1 means smart-stick serves more; p99 and CPU ratios above 1 mean smart-stick is slower"
	echo "or costs more CPU per request. The proxy CPU per request (user + system time of the proxy process over"
	echo "the run, per request served) does not depend on how much of the core the proxy got: time other processes"
	echo "take from the core lowers req/s but is not counted in it."
	echo
	ratio_table
	echo
	xforwarded_line
	echo
	pools_line
	echo
	echo "## Memory and start-up"
	echo
	echo "Peak RSS is VmHWM from /proc/<pid>/status after all runs. Start-up is from launching \`java\`"
	echo "to the first successful proxied answer (curl every 20 ms)."
	echo
	resources_table
	echo
	echo "## req/s per round"
	echo
	NOTES="$(warming_notes)"
	if [[ -n "${NOTES}" ]]; then
		echo "${NOTES%>}"
		echo
	fi
	rounds_table
	echo
	if ((JVM_CHUNKS > 0)); then
		echo "## JVM warm-up"
		echo
		echo "req/s of each ${WARMUP} warm-up chunk, before measuring. It should level off before the last chunks;"
		echo "if it still climbs, raise BENCH_JVM_WARMUP."
		echo
		warmup_table
		echo
	fi
	echo "## Reproduce"
	echo
	echo '```sh'
	echo "${REPRODUCE}"
	echo '```'
	echo
	echo "Raw wrk output and the JVM logs: bench/out/raw-${STAMP}/"
} >"${REPORT}"

echo
results_table
echo
ratio_table
echo
pools_line
echo
resources_table
echo
log "report written to ${REPORT} (measuring took ${MEASURE_SECONDS} s)"
