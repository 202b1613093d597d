#!/usr/bin/env bash
#
# smart-stick scale test: measures what smart-stick costs at scale, on loopback, and writes
# a markdown report to bench/out/scale-<date>.md. See bench/README.md.
#
#   1. Health checking at scale: 1,000 backends (one nginx master listening on 1,000 ports)
#      checked every second, with no proxy traffic: the JVM's CPU time as % of one core, its
#      live threads (start, end, max sampled every second), RSS, and the checks actually
#      made (smartstick.health.checks). The same window with 2 backends is the baseline.
#   2. No per-client state: 1,000,000 requests that each look like a different client
#      (unique X-Forwarded-For, valid, garbage, unknown or no sticky cookie; see
#      bench/distinct-clients.lua), with heap used after a full GC and RSS measured after a
#      warm-up and after every chunk of clients.
#   3. Churn: the SCALE_BACKENDS-backend JVM under load (wrk, a new client per request) for
#      SCALE_CHURN_SECONDS without changes, then as long while a tenth of its backends
#      (SCALE_CHURN_PERCENT) is replaced every second by editing its config.json (removed
#      ones, new ones on other ports with new ids; smartstick.config-file reloads on change):
#      failed requests, req/s of both windows, and the CPU cost of churn (the JVM's CPU time
#      with churn and no traffic, against part 1's idle window).
#
# Usage (as root on Debian, from anywhere):  bench/scale.sh   (about 9 minutes on 2 cores)
# Quick run:            SCALE_HEALTH_WINDOW=15 SCALE_BASELINE_WINDOW=10 SCALE_CLIENTS=100000 bench/scale.sh
# Health checking only, with a profile of the 1,000-backend JVM:  SCALE_CLIENTS=0 SCALE_PROFILE=30 bench/scale.sh
#
# Settings (environment variables):
#   SCALE_BACKENDS=1000          backends in part 1 (1 to 10000)
#   SCALE_INTERVAL_MS=1000       health check interval, both parts (smartstick.health.interval)
#   SCALE_HEALTH_WINDOW=60       seconds of the measured window with SCALE_BACKENDS backends
#   SCALE_BASELINE_WINDOW=30     seconds of the measured window with 2 backends
#   SCALE_SETTLE=10              seconds each JVM idles at least between all-healthy and its window
#   SCALE_SETTLE_MAX=180         ... and at most: after SCALE_SETTLE it waits until the JIT compiler
#                                threads use at most 1% of a core in two 5 s periods in a row
#   SCALE_HEALTHY_TIMEOUT=120    seconds the JVM may take to report every backend healthy
#   SCALE_CLIENTS=1000000        distinct clients in part 2, after the warm-up (0 skips part 2)
#   SCALE_WARMUP_CLIENTS=50000   distinct clients before the first memory reading
#   SCALE_CHUNKS=4               chunks of SCALE_CLIENTS, memory is read after each
#   SCALE_CLIENTS_TIMEOUT=900    seconds all chunks together may take (then wrk stops early)
#   SCALE_THREADS=1              wrk threads (-t)
#   SCALE_CONNECTIONS=32         wrk connections (-c)
#   SCALE_LOAD_CPU=0             core for wrk, nginx, and this script's own sampling
#   SCALE_JVM_CPU=1              core for the JVM
#   SCALE_HEAP=256m              JVM heap (-Xms and -Xmx)
#   SCALE_START_TIMEOUT=180      seconds a JVM may take to serve its status endpoint
#   SCALE_FLAT_MIB=4             heap growth (MiB) over all clients still called flat
#   SCALE_CPU_LIMIT=5            % of one core the extra backends may cost (the difference between
#                                the two windows, without the JIT compiler threads' CPU time)
#   SCALE_THREAD_SLACK=2         thread count rise (max - start) still called no growth
#                                (the JIT adds and removes compiler threads as it works)
#   SCALE_PROFILE=0              seconds of Java Flight Recorder profile of the SCALE_BACKENDS
#                                JVM after its window (0: none); hottest methods go to the raw output
#   SCALE_CHURN_SECONDS=60       seconds of each loaded window of part 3 (0 skips part 3)
#   SCALE_CHURN_IDLE=30          seconds of the churn window without traffic (CPU cost of churn)
#   SCALE_CHURN_WARMUP=30        seconds of load with churn before part 3's windows, not measured
#   SCALE_CHURN_PERCENT=10       % of the backends replaced every second
#   SCALE_CHURN_PROFILE=0        seconds of Java Flight Recorder profile in each loaded window of
#                                part 3, from its 5th second (0: none; at most SCALE_CHURN_SECONDS - 10)
#   SCALE_RPS_LIMIT=5            % by which req/s under churn may fall short of the no-churn window
#   SCALE_SKIP_BUILD=0           1 reuses the sample jar already built
#   SCALE_MVN_ARGS=              extra Maven arguments, e.g. -o to build offline
#
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${BENCH_DIR}/.." && pwd)"
readonly BENCH_DIR ROOT
readonly LUA_SCRIPT="${BENCH_DIR}/distinct-clients.lua"

BACKENDS="${SCALE_BACKENDS:-1000}"
INTERVAL_MS="${SCALE_INTERVAL_MS:-1000}"
HEALTH_WINDOW="${SCALE_HEALTH_WINDOW:-60}"
BASELINE_WINDOW="${SCALE_BASELINE_WINDOW:-30}"
SETTLE="${SCALE_SETTLE:-10}"
SETTLE_MAX="${SCALE_SETTLE_MAX:-180}"
HEALTHY_TIMEOUT="${SCALE_HEALTHY_TIMEOUT:-120}"
CLIENTS="${SCALE_CLIENTS:-1000000}"
WARMUP_CLIENTS="${SCALE_WARMUP_CLIENTS:-50000}"
CHUNKS="${SCALE_CHUNKS:-4}"
CLIENTS_TIMEOUT="${SCALE_CLIENTS_TIMEOUT:-900}"
THREADS="${SCALE_THREADS:-1}"
CONNECTIONS="${SCALE_CONNECTIONS:-32}"
LOAD_CPU="${SCALE_LOAD_CPU:-0}"
JVM_CPU="${SCALE_JVM_CPU:-1}"
HEAP="${SCALE_HEAP:-256m}"
START_TIMEOUT="${SCALE_START_TIMEOUT:-180}"
FLAT_MIB="${SCALE_FLAT_MIB:-4}"
CPU_LIMIT="${SCALE_CPU_LIMIT:-5}"
THREAD_SLACK="${SCALE_THREAD_SLACK:-2}"
PROFILE="${SCALE_PROFILE:-0}"
CHURN_SECONDS="${SCALE_CHURN_SECONDS:-60}"
CHURN_IDLE="${SCALE_CHURN_IDLE:-30}"
CHURN_WARMUP="${SCALE_CHURN_WARMUP:-30}"
CHURN_PERCENT="${SCALE_CHURN_PERCENT:-10}"
CHURN_PROFILE="${SCALE_CHURN_PROFILE:-0}"
RPS_LIMIT="${SCALE_RPS_LIMIT:-5}"
SKIP_BUILD="${SCALE_SKIP_BUILD:-0}"
read -r -a MVN_ARGS <<<"${SCALE_MVN_ARGS:-}"

PIDS=()           # every process this script started and has not stopped yet, stopped by the trap
WORK=""           # temp dir: nginx configs, config.json files, logs, samples
POLICY_RC_CREATED=0

log() { printf '[scale %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[scale] ERROR: %s\n' "$*" >&2; exit 1; }
# shellcheck source=bench/lib.sh
source "${BENCH_DIR}/lib.sh"

# --- clean-up: stop what we started, by PID -------------------------------------------------

stop_everything_on_exit

# --- helpers --------------------------------------------------------------------------------

# CPU time of a process in clock ticks, without forking; sets UTICKS (user), STICKS (kernel)
# and TICKS (both)
proc_ticks() {
	local line
	local -a f
	read -r line <"/proc/$1/stat" || return 1
	line="${line##*) }"
	read -r -a f <<<"${line}"
	UTICKS="${f[11]}" STICKS="${f[12]}"
	TICKS=$((UTICKS + STICKS))
}

# live threads and resident memory of a process, without forking; sets THREADS_NOW,
# RSS_KB and RSS_ANON_KB
proc_status() {
	local key value _
	THREADS_NOW=0 RSS_KB=0 RSS_ANON_KB=0
	while read -r key value _; do
		case "${key}" in
			Threads:) THREADS_NOW="${value}" ;;
			VmRSS:) RSS_KB="${value}" ;;
			RssAnon:) RSS_ANON_KB="${value}" ;;
		esac
	done <"/proc/$1/status"
}

# CPU ticks of each live JIT compiler thread of a process, into the associative array named $2
# (thread id -> ticks)
jit_snapshot() {
	local task comm line
	local -a f
	local -n snapshot="$2" # the caller's array
	snapshot=()
	for task in "/proc/$1/task/"*; do
		read -r comm 2>/dev/null <"${task}/comm" || continue
		[[ "${comm}" == C[12]" CompilerThre"* ]] || continue
		read -r line 2>/dev/null <"${task}/stat" || continue
		line="${line##*) }"
		read -r -a f <<<"${line}"
		# shellcheck disable=SC2034
		snapshot[${task##*/}]=$((f[11] + f[12]))
	done
}

# ticks the JIT compiler threads used between two snapshots (named $1 and $2); a thread that
# ended in between is not counted, so this is a lower bound
jit_delta() {
	local -n before="$1" after="$2"
	local tid total=0
	for tid in "${!after[@]}"; do
		total=$((total + ${after[${tid}]} - ${before[${tid}]:-0}))
	done
	echo "${total}"
}

# idles at least SETTLE s, then until the JIT compiler threads used at most 1% of a core in
# two 5 s periods in a row (at most SETTLE_MAX s in all): a JVM that is still compiling would count its JIT
# compiler's work as the cost of what is measured. Sets SETTLED_S. $1 pid
settle() {
	local pid="$1" t0 i quiet=0
	# shellcheck disable=SC2034 # filled and read through namerefs
	declare -A jit_a=() jit_b=()
	t0="$(now_ms)"
	sleep "${SETTLE}"
	for ((i = SETTLE; i < SETTLE_MAX; i += 5)); do
		jit_snapshot "${pid}" jit_a
		sleep 5
		jit_snapshot "${pid}" jit_b
		if (($(jit_delta jit_a jit_b) * 100 <= 5 * CLK_TCK)); then
			quiet=$((quiet + 1))
			((quiet < 2)) || break
		else
			quiet=0
		fi
	done
	SETTLED_S=$((($(now_ms) - t0) / 1000))
	if ((quiet >= 2)); then
		log "the JIT compiler went quiet; measuring after ${SETTLED_S} s idle"
	else
		log "WARNING: the JIT compiler was still busy after ${SETTLED_S} s (SCALE_SETTLE_MAX); measuring anyway"
	fi
}

# thread names of a process, counted (digits folded, so pools show as one line)
thread_names() {
	cat "/proc/$1/task/"*/comm 2>/dev/null | sed 's/[0-9][0-9]*/N/g' | sort | uniq -c | sort -rn
}

mib() { awk -v kb="$1" 'BEGIN { printf "%.1f\n", kb / 1024 }'; }
# 1234567 -> 1,234,567 (anything not a number is printed as it is)
fmt_thousands() {
	[[ "$1" =~ ^-?[0-9]+(\.[0-9]*)?$ ]] || { echo "$1"; return 0; }
	fmt_int "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'
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
# children (nginx workers), plus its finished children (wrk, curl, sleep); sets OWN_JIFFIES
# (not printed: `times` must run in this shell, not in a $(...) subshell)
own_jiffies() {
	local total t
	total="$(proc_jiffies "${PIDS[@]}")"
	# `times` prints the shell's own user/system time, then its finished children's
	times >"${WORK}/times"
	t="$(awk -v hz="${CLK_TCK}" '{
		for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); s += p[1] * 60 + p[2] } }
		END { printf "%.0f", s * hz }' "${WORK}/times")"
	OWN_JIFFIES=$((total + t))
}

# starts a measurement of how much of the pinned cores other processes take
others_start() {
	OTHERS_T0_MS="$(now_ms)"
	OTHERS_BUSY0="$(cores_busy_jiffies)"
	own_jiffies
	OTHERS_OWN0="${OWN_JIFFIES}"
}

# sets OTHERS_PCT: the share (%) of the pinned cores' time that other processes took since
# others_start (call it in this shell, not in a $(...) subshell: see own_jiffies)
others_end() {
	own_jiffies
	OTHERS_PCT="$(awk -v busy=$(($(cores_busy_jiffies) - OTHERS_BUSY0)) -v own=$((OWN_JIFFIES - OTHERS_OWN0)) \
		-v ms=$(($(now_ms) - OTHERS_T0_MS)) -v hz="${CLK_TCK}" -v n="${PINNED_CORES}" \
		'BEGIN { p = 100 * (busy - own) / (ms / 1000 * hz * n); printf "%.0f\n", (p < 0) ? 0 : p }')"
}

# sum of the values of a Prometheus metric in a scrape; $1 file, $2 metric name, $3 optional
# text every counted line must contain (a label, e.g. outcome="healthy")
prom_sum() {
	awk -v m="$2" -v f="${3:-}" '(index($0, m "{") == 1 || index($0, m " ") == 1) && (f == "" || index($0, f)) { s += $NF }
		END { printf "%.0f\n", s }' "$1"
}

# reads /actuator/prometheus; sets SCRAPE_MS, the middle of the time the scrape took
# (with 1,000 backends it is close to 1 MB). $1 port, $2 output file
scrape() {
	local t0
	t0="$(now_ms)"
	curl -fsS --max-time 120 "http://127.0.0.1:$1/actuator/prometheus" -o "$2" \
		|| die "could not read /actuator/prometheus on port $1"
	SCRAPE_MS=$(((t0 + $(now_ms)) / 2))
}

# prints "healthy total checked" from the status endpoint, checked being the backends whose
# lastChecked is set; fails if the endpoint does not answer
lb_status() {
	curl -fsS --max-time 10 "http://127.0.0.1:$1/_lb/health" 2>/dev/null | python3 -c 'import json, sys
d = json.load(sys.stdin)
print(d["healthy"], d["total"], sum(1 for b in d["backends"] if b.get("lastChecked")))'
}

# --- 1. tools, settings ---------------------------------------------------------------------

install_missing() {
	local missing=()
	command -v wrk >/dev/null || missing+=(wrk)
	command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
	command -v curl >/dev/null || missing+=(curl)
	command -v python3 >/dev/null || missing+=(python3)
	{ command -v java >/dev/null && command -v jcmd >/dev/null; } || missing+=(openjdk-17-jdk-headless)
	command -v taskset >/dev/null || missing+=(util-linux)
	((${#missing[@]})) || return 0
	apt_install "${missing[@]}"
}

install_missing
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
CLK_TCK="$(getconf CLK_TCK)"

is_int() { [[ "$1" =~ ^[0-9]+$ ]]; }
for setting in BACKENDS INTERVAL_MS HEALTH_WINDOW BASELINE_WINDOW SETTLE SETTLE_MAX HEALTHY_TIMEOUT CLIENTS WARMUP_CLIENTS \
	CHUNKS CLIENTS_TIMEOUT THREADS CONNECTIONS LOAD_CPU JVM_CPU START_TIMEOUT FLAT_MIB CPU_LIMIT THREAD_SLACK PROFILE \
	CHURN_SECONDS CHURN_IDLE CHURN_WARMUP CHURN_PERCENT CHURN_PROFILE RPS_LIMIT; do
	is_int "${!setting}" || die "SCALE_${setting} must be a whole number, got '${!setting}'"
done
((BACKENDS >= 1 && BACKENDS <= 10000)) || die "SCALE_BACKENDS must be 1 to 10000, got ${BACKENDS}"
((INTERVAL_MS >= 100)) || die "SCALE_INTERVAL_MS must be at least 100, got ${INTERVAL_MS}"
((HEALTH_WINDOW >= 5 && BASELINE_WINDOW >= 5)) || die "SCALE_HEALTH_WINDOW and SCALE_BASELINE_WINDOW must be at least 5 s"
((CHURN_PERCENT >= 1 && CHURN_PERCENT <= 50)) || die "SCALE_CHURN_PERCENT must be 1 to 50, got ${CHURN_PERCENT}"
((CHURN_SECONDS == 0 || (CHURN_SECONDS >= 5 && CHURN_IDLE >= 5 && CHURN_WARMUP >= 1))) \
	|| die "SCALE_CHURN_SECONDS must be 0 (no part 3) or at least 5, SCALE_CHURN_IDLE at least 5, SCALE_CHURN_WARMUP at least 1"
((CHURN_PROFILE == 0 || CHURN_PROFILE + 10 <= CHURN_SECONDS)) \
	|| die "SCALE_CHURN_PROFILE must be 0 or at most SCALE_CHURN_SECONDS - 10, got ${CHURN_PROFILE}"
((CHUNKS >= 1 && CHUNKS <= 100)) || die "SCALE_CHUNKS must be 1 to 100, got ${CHUNKS}"
((CLIENTS == 0 || CLIENTS >= CHUNKS)) || die "SCALE_CLIENTS must be 0 (no part 2) or at least SCALE_CHUNKS"
((CLIENTS + WARMUP_CLIENTS + 1000 * (CHUNKS + 1) < 16777216)) \
	|| die "SCALE_CLIENTS + SCALE_WARMUP_CLIENTS must stay below 16.7 million (one 10.0.0.0/8 address each)"
((THREADS >= 1 && CONNECTIONS >= THREADS)) || die "SCALE_THREADS must be at least 1 and at most SCALE_CONNECTIONS"
[[ "${HEAP}" =~ ^[1-9][0-9]*[kKmMgG]$ ]] || die "SCALE_HEAP must look like 256m, got '${HEAP}'"
NPROC="$(nproc)"
((NPROC > LOAD_CPU && NPROC > JVM_CPU)) \
	|| die "needs cores ${LOAD_CPU} and ${JVM_CPU} (nproc is ${NPROC}); set SCALE_LOAD_CPU / SCALE_JVM_CPU"
PINNED_CORES=2
[[ "${LOAD_CPU}" != "${JVM_CPU}" ]] || PINNED_CORES=1
[[ -f "${LUA_SCRIPT}" ]] || die "missing ${LUA_SCRIPT}"
# one nginx worker holds 1000 listening sockets plus the health checks' connections
if (($(ulimit -n) < BACKENDS + 1024)); then
	ulimit -n $((BACKENDS + 4096)) 2>/dev/null || die "needs at least $((BACKENDS + 1024)) open files (ulimit -n)"
fi

# --- 2. build -------------------------------------------------------------------------------

if [[ "${SKIP_BUILD}" != 1 ]]; then
	log "building the sample jar: ./mvnw -q -DskipTests package ${MVN_ARGS[*]}"
	(cd "${ROOT}" && timeout 1800 ./mvnw -q -DskipTests "${MVN_ARGS[@]}" package) \
		|| die "building smart-stick failed (see Maven's output above)"
fi
SAMPLE_JAR=""
for jar in "${ROOT}"/smart-stick-sample/target/*.jar; do
	case "${jar}" in
		*-plain.jar | *-sources.jar | *-javadoc.jar) ;;
		*) [[ -f "${jar}" ]] && SAMPLE_JAR="${jar}" && break ;;
	esac
done
[[ -n "${SAMPLE_JAR}" ]] || die "no jar in smart-stick-sample/target; run without SCALE_SKIP_BUILD=1"
JAR_NOTE=""
if [[ -n "$(find "${ROOT}"/smart-stick-*/src/main -newer "${SAMPLE_JAR}" -type f -print -quit 2>/dev/null)" ]]; then
	JAR_NOTE=" (but the sample jar is older than some sources: it may not be this commit's code)"
	log "WARNING: ${SAMPLE_JAR} is older than some sources; run without SCALE_SKIP_BUILD=1 to rebuild it"
fi

# --- 3. set-up ------------------------------------------------------------------------------

read -r BUSY_LOAD BUSY_JVM <<<"$(cores_busy "${LOAD_CPU}" "${JVM_CPU}")"
log "before starting anything, other processes keep core ${LOAD_CPU} ${BUSY_LOAD}% and core ${JVM_CPU} ${BUSY_JVM}% busy"
if ((BUSY_LOAD > 10 || BUSY_JVM > 10)); then
	log "WARNING: the machine is busy; the numbers will be noisy"
fi
LOADAVG_START="$(cut -d' ' -f1-3 /proc/loadavg)"

WORK="$(mktemp -d /tmp/smart-stick-scale.XXXXXX)"
chmod 755 "${WORK}"
RAW="${WORK}/raw"
mkdir -p "${RAW}"
# a copy of the jar, so that a build started elsewhere during the run cannot change it
cp "${SAMPLE_JAR}" "${WORK}/smart-stick-sample.jar"
JAR="${WORK}/smart-stick-sample.jar"

# this shell, and so every curl, awk and sleep it runs, stays off the JVM's core from here on
taskset -p -c "${LOAD_CPU}" $$ >/dev/null || die "taskset could not pin this script to core ${LOAD_CPU}"

# part 3 replaces a tenth of the backends every second with backends on spare ports
SPARE=0
((CHURN_SECONDS == 0)) || SPARE=$(((BACKENDS * CHURN_PERCENT + 99) / 100))
read -r -a PORTS <<<"$(free_ports $((BACKENDS + SPARE + 4)))"
((${#PORTS[@]} == BACKENDS + SPARE + 4)) || die "could not find $((BACKENDS + SPARE + 4)) free loopback ports with python3"
MANY_PORTS=("${PORTS[@]:0:BACKENDS}")
SPARE_PORTS=("${PORTS[@]:BACKENDS:SPARE}")
PORT_LB1="${PORTS[BACKENDS + SPARE]}"
PORT_B0="${PORTS[BACKENDS + SPARE + 1]}"
PORT_B1="${PORTS[BACKENDS + SPARE + 2]}"
PORT_LB2="${PORTS[BACKENDS + SPARE + 3]}"

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
worker_rlimit_nofile $((BACKENDS + SPARE + 8192));
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections $((BACKENDS + SPARE + 4096)); }
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

# starts an nginx master of its own on the load core and waits until it answers on every
# given port; sets STARTED_PID. $1 name, $2 http-block body, then the ports to check
start_nginx() {
	local name="$1" body="$2" dir port
	shift 2
	dir="$(nginx_conf "${name}" "${body}")"
	timeout 60 "${NGINX}" -t -q -p "${dir}" -e "${dir}/error.log" -c "${dir}/nginx.conf" \
		|| die "nginx rejected the config for ${name}: ${dir}/nginx.conf"
	taskset -c "${LOAD_CPU}" "${NGINX}" -p "${dir}" -e "${dir}/error.log" -c "${dir}/nginx.conf" \
		>"${dir}/stdout.log" 2>&1 &
	STARTED_PID=$!
	PIDS+=("${STARTED_PID}")
	for port in "$@"; do
		wait_http "${STARTED_PID}" "http://127.0.0.1:${port}/" "${name}"
	done
}

# writes an original-format config.json (see docs/migrating-from-node.md);
# $1 file, $2 the load balancer's port, then the backends' ports (ids 0, 1, ...)
write_config_json() {
	local file="$1" port="$2" id=0 sep="" p
	shift 2
	{
		printf '{\n  "port": %d,\n  "strategy": "round-robin",\n  "backends": [\n' "${port}"
		for p in "$@"; do
			printf '%s    { "id": %d, "url": "http://127.0.0.1:%d" }' "${sep}" "${id}" "${p}"
			sep=$',\n'
			id=$((id + 1))
		done
		printf '\n  ],\n  "health": { "interval": %d, "timeout": 2000, "path": "/health", "method": "GET", "algorithm": "http-status" }\n}\n' \
			"${INTERVAL_MS}"
	} >"${file}"
	python3 -m json.tool "${file}" >/dev/null || die "wrote invalid JSON to ${file}"
}

JAVA_OPTS=(-Xms"${HEAP}" -Xmx"${HEAP}")

# starts the sample jar on the JVM core with a config.json and waits (bounded) until its
# status endpoint answers; sets STARTED_PID and STARTUP_MS. $1 name, $2 port, $3 config.json,
# then extra arguments for the application
start_jvm() {
	local name="$1" port="$2" config="$3" logfile="${WORK}/$1.log" t0 deadline
	shift 3
	t0="$(now_ms)"
	taskset -c "${JVM_CPU}" java "${JAVA_OPTS[@]}" -jar "${JAR}" "$@" \
		--sample.demo-backends=false \
		--smartstick.config-file="${config}" \
		--server.address=127.0.0.1 \
		--server.port="${port}" \
		--spring.main.banner-mode=off \
		--logging.level.root=WARN \
		>"${logfile}" 2>&1 &
	STARTED_PID=$!
	PIDS+=("${STARTED_PID}")
	deadline=$((t0 + START_TIMEOUT * 1000))
	while :; do
		if ! alive "${STARTED_PID}"; then
			tail -n 60 "${logfile}" >&2 || true
			die "${name} exited during start-up (log above, from ${logfile})"
		fi
		if curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:${port}/_lb/health" 2>/dev/null; then
			STARTUP_MS=$(($(now_ms) - t0))
			return 0
		fi
		if (($(now_ms) > deadline)); then
			tail -n 60 "${logfile}" >&2 || true
			die "${name} did not serve /_lb/health on port ${port} within ${START_TIMEOUT} s"
		fi
		sleep 0.1
	done
}

# waits (bounded) until the status endpoint reports all N backends healthy and checked;
# sets HEALTHY_MS (from $4, the launch time). $1 pid, $2 port, $3 N, $4 launch time (ms)
wait_all_healthy() {
	local pid="$1" port="$2" n="$3" t0="$4" deadline healthy=0 total=0 checked=0 status i
	deadline=$(($(now_ms) + HEALTHY_TIMEOUT * 1000))
	for ((i = 0; i < HEALTHY_TIMEOUT * 4 + 10; i++)); do
		alive "${pid}" || die "the JVM (PID ${pid}) exited while its backends were being checked"
		if status="$(lb_status "${port}")"; then
			read -r healthy total checked <<<"${status}"
			if ((healthy == n && total == n && checked == n)); then
				HEALTHY_MS=$(($(now_ms) - t0))
				return 0
			fi
		fi
		(($(now_ms) < deadline)) || break
		sleep 0.25
	done
	die "after ${HEALTHY_TIMEOUT} s /_lb/health reports ${healthy} of ${total} backends healthy and ${checked} checked, expected ${n}"
}

# measures an idle window of a JVM: CPU time, threads (sampled every second), RSS, and the
# health checks it made. $1 label, $2 pid, $3 port, $4 seconds. Sets W_CPU_PCT (user + system),
# W_USER_PCT, W_SYS_PCT, W_THREADS_START, W_THREADS_END, W_THREADS_MAX, W_RSS_START_KB,
# W_JIT_PCT (JIT compiler threads), W_RSS_END_KB, W_CHECKS_PER_S, W_UNHEALTHY, W_DOWNS, W_OTHERS_PCT, W_SECONDS, W_HEALTHY
# (healthy backends after the window)
measure_window() {
	local label="$1" pid="$2" port="$3" seconds="$4" samples="${RAW}/$1-samples.tsv"
	local start="${RAW}/$1-prometheus-start.txt" end="${RAW}/$1-prometheus-end.txt"
	local t0 t1 u0 s0 scrape0 i wait_ms
	# shellcheck disable=SC2034 # filled and read through namerefs
	declare -A jit0=() jit1=()
	local metric=smartstick_health_checks_seconds_count transitions=smartstick_backend_transitions_total
	scrape "${port}" "${start}"
	scrape0="${SCRAPE_MS}"
	thread_names "${pid}" >"${RAW}/$1-threads-start.txt"
	others_start
	t0="$(now_ms)"
	proc_ticks "${pid}"
	u0="${UTICKS}" s0="${STICKS}"
	jit_snapshot "${pid}" jit0
	proc_status "${pid}"
	W_THREADS_START="${THREADS_NOW}" W_THREADS_MAX="${THREADS_NOW}" W_RSS_START_KB="${RSS_KB}"
	printf 'second\tuser_ticks\tsystem_ticks\tthreads\trss_kb\n0\t%s\t%s\t%s\t%s\n' \
		"${UTICKS}" "${STICKS}" "${THREADS_NOW}" "${RSS_KB}" >"${samples}"
	for ((i = 1; i <= seconds; i++)); do
		wait_ms=$((t0 + i * 1000 - $(now_ms)))
		if ((wait_ms > 0)); then
			sleep "$(awk -v ms="${wait_ms}" 'BEGIN { printf "%.3f", ms / 1000 }')"
		fi
		alive "${pid}" || die "the JVM (PID ${pid}) exited during the ${label} window; its log is in ${WORK}"
		proc_ticks "${pid}"
		proc_status "${pid}"
		if ((THREADS_NOW > W_THREADS_MAX)); then
			W_THREADS_MAX="${THREADS_NOW}"
		fi
		printf '%d\t%s\t%s\t%s\t%s\n' "${i}" "${UTICKS}" "${STICKS}" "${THREADS_NOW}" "${RSS_KB}" >>"${samples}"
	done
	t1="$(now_ms)"
	jit_snapshot "${pid}" jit1
	W_THREADS_END="${THREADS_NOW}" W_RSS_END_KB="${RSS_KB}"
	others_end
	W_OTHERS_PCT="${OTHERS_PCT}"
	thread_names "${pid}" >"${RAW}/$1-threads-end.txt"
	scrape "${port}" "${end}"
	pct() { awk -v t="$1" -v hz="${CLK_TCK}" -v ms=$((t1 - t0)) 'BEGIN { printf "%.2f", 100 * t / hz / (ms / 1000) }'; }
	W_SECONDS="$(awk -v ms=$((t1 - t0)) 'BEGIN { printf "%.1f", ms / 1000 }')"
	W_CPU_PCT="$(pct $((TICKS - u0 - s0)))"
	W_USER_PCT="$(pct $((UTICKS - u0)))"
	W_SYS_PCT="$(pct $((STICKS - s0)))"
	W_JIT_PCT="$(pct "$(jit_delta jit0 jit1)")"
	W_CHECKS_PER_S="$(awk -v c=$(($(prom_sum "${end}" "${metric}") - $(prom_sum "${start}" "${metric}"))) \
		-v ms=$((SCRAPE_MS - scrape0)) 'BEGIN { printf "%.1f", c / (ms / 1000) }')"
	W_UNHEALTHY=$(($(prom_sum "${end}" "${metric}" 'outcome="unhealthy"') - $(prom_sum "${start}" "${metric}" 'outcome="unhealthy"')))
	W_DOWNS=$(($(prom_sum "${end}" "${transitions}" 'state="down"') - $(prom_sum "${start}" "${transitions}" 'state="down"')))
	W_HEALTHY="$(lb_status "${port}" | cut -d' ' -f1)" || W_HEALTHY="?"
	log "${label}: ${W_CPU_PCT}% of one core (user ${W_USER_PCT}, system ${W_SYS_PCT}; JIT compiler ${W_JIT_PCT}) over ${W_SECONDS} s, threads ${W_THREADS_START} -> ${W_THREADS_END} (max ${W_THREADS_MAX}), ${W_CHECKS_PER_S} checks/s (${W_UNHEALTHY} unhealthy, ${W_DOWNS} went down), RSS $(mib "${W_RSS_END_KB}") MiB, others took ${W_OTHERS_PCT}% of the pinned cores"
}

# copies the W_* results of the latest window into an associative array. $1 its name,
# $2 backends, $3 launch-to-status-endpoint ms, $4 launch-to-all-healthy ms, $5 window label
keep_window() {
	local -n into="$1"
	# startup_downs: backends that went down between launch and the window (failed first probes)
	# shellcheck disable=SC2034 # read through namerefs
	into=(
		[backends]="$2" [startup]="$3" [healthy_ms]="$4"
		[cpu]="${W_CPU_PCT}" [user]="${W_USER_PCT}" [sys]="${W_SYS_PCT}" [jit]="${W_JIT_PCT}" [settled]="${SETTLED_S}"
		[nojit]="$(awk -v c="${W_CPU_PCT}" -v j="${W_JIT_PCT}" 'BEGIN { printf "%.2f", c - j }')"
		[t_start]="${W_THREADS_START}" [t_end]="${W_THREADS_END}" [t_max]="${W_THREADS_MAX}"
		[rss_start]="${W_RSS_START_KB}" [rss_end]="${W_RSS_END_KB}" [checks]="${W_CHECKS_PER_S}"
		[unhealthy]="${W_UNHEALTHY}" [downs]="${W_DOWNS}" [others]="${W_OTHERS_PCT}" [seconds]="${W_SECONDS}"
		[healthy]="${W_HEALTHY}"
		[startup_downs]="$(prom_sum "${RAW}/$5-prometheus-start.txt" smartstick_backend_transitions_total 'state="down"')"
		[log_warn]="$(grep -cE ' (WARN|ERROR) ' "${WORK}/smart-stick-$2.log" || true)"
	)
}

# records $3 s of Java Flight Recorder samples of the JVM and writes the hottest methods to
# RAW/$2-profile.txt. $1 pid, $2 label, $3 seconds
profile_jvm() {
	local pid="$1" label="$2" seconds="$3" jfr="${WORK}/$2.jfr" jfc="${WORK}/profile-with-exceptions.jfc" java_home
	log "profiling the JVM for ${seconds} s with Java Flight Recorder (SCALE_PROFILE)"
	# the JDK's "profile" settings, plus every exception thrown (with its stack)
	java_home="$(java -XshowSettings:properties -version 2>&1 | awk -F' = ' '$1 ~ /^ *java.home$/ { print $2 }')"
	sed '/<event name="jdk.JavaExceptionThrow">/,/<\/event>/ s/control="enable-exceptions">false</control="enable-exceptions">true</' \
		"${java_home}/lib/jfr/profile.jfc" >"${jfc}" || die "no ${java_home}/lib/jfr/profile.jfc"
	timeout 60 taskset -c "${LOAD_CPU}" jcmd "${pid}" JFR.start name=scale settings="${jfc}" \
		duration="${seconds}s" filename="${jfr}" >/dev/null || die "jcmd ${pid} JFR.start failed"
	sleep $((seconds + 2))
	local i
	for ((i = 0; i < 60; i++)); do
		[[ -s "${jfr}" ]] && ! timeout 30 jcmd "${pid}" JFR.check name=scale 2>/dev/null | grep -q running && break
		sleep 1
	done
	timeout 300 taskset -c "${LOAD_CPU}" jfr print --events jdk.ExecutionSample --stack-depth 64 "${jfr}" \
		>"${WORK}/$2-samples.txt" || die "jfr print failed on ${jfr}"
	timeout 300 taskset -c "${LOAD_CPU}" jfr print --events jdk.JavaExceptionThrow --stack-depth 24 "${jfr}" \
		>"${WORK}/$2-exceptions.txt" || die "jfr print failed on ${jfr}"
	cp "${jfr}" "${RAW}/"
	python3 - "${WORK}/$2-samples.txt" "${WORK}/$2-exceptions.txt" "${seconds}" >"${RAW}/${label}-profile.txt" <<'PY'
import collections, re, sys

# exceptions: count by class and message, and the most common place each is created
kinds, where = collections.Counter(), collections.defaultdict(collections.Counter)
for event in open(sys.argv[2]).read().split("jdk.JavaExceptionThrow {")[1:]:
    cls = re.search(r"thrownClass = ([\w$.]+)", event)
    msg = re.search(r'message = (".*"|N/A|null)', event)
    key = (cls.group(1) if cls else "?") + ": " + (msg.group(1)[:100] if msg else "?")
    kinds[key] += 1
    frames = [f for f in re.findall(r"^\s+([\w$.<>/]+)\(", event, re.M)
              if not f.startswith(("java.lang.Throwable", "java.lang.Exception", "java.lang.RuntimeException",
                                   "jdk.jfr.", "java.io.IOException"))]
    where[key][" <- ".join(frames[:6])] += 1
total = sum(kinds.values())
print(f"exceptions created while recording: {total} (about {total / float(sys.argv[3]):.0f} per second)")
for key, n in kinds.most_common(8):
    print(f"  {n:8d}  {key}")
    for stack, m in where[key].most_common(1):
        print(f"            at {stack}")
print()

samples, self_count, incl, threads = 0, collections.Counter(), collections.Counter(), collections.Counter()
frames, thread, in_stack = [], None, False
frame_re = re.compile(r"^\s+([\w$.<>/]+)\(")
with open(sys.argv[1]) as f:
    for line in f:
        if line.startswith("jdk.ExecutionSample"):
            frames, thread, in_stack = [], None, False
        elif "sampledThread = " in line:
            m = re.search(r'"([^"]*)"', line)
            thread = re.sub(r"\d+", "N", m.group(1)) if m else "?"
        elif "stackTrace = [" in line:
            in_stack = True
        elif in_stack and line.strip() == "]":
            in_stack = False
            if frames:
                samples += 1
                self_count[frames[0]] += 1
                for fr in set(frames):
                    incl[fr] += 1
                threads[thread] += 1
        elif in_stack:
            m = frame_re.match(line)
            if m:
                frames.append(m.group(1))

def table(title, counter, n, keep=lambda k: True):
    print(title)
    for k, v in [(k, v) for k, v in counter.most_common() if keep(k)][:n]:
        print(f"  {100 * v / max(samples, 1):5.1f}%  {k}")
    print()

print(f"{samples} execution samples (Java code running on a CPU)\n")
table("by thread:", threads, 15)
table("hottest methods, self (the frame on top of the stack):", self_count, 30)
table("smart-stick methods, inclusive (on the stack anywhere):", incl, 30, lambda k: k.startswith("io.smartstick."))
table("all methods, inclusive:", incl, 60)
PY
	log "profile written to ${RAW}/${label}-profile.txt"
}

# --- part 3 helpers: churn ------------------------------------------------------------------

# replaces CHURN_PERCENT % of the backends every second for $1 s by rewriting CONFIG_MANY (a
# new file moved over the old one, as an editor saves); the last backend set goes to $2.
# Runs in the background on the load core; sets STARTED_PID
start_churn() {
	taskset -c "${LOAD_CPU}" python3 - "${CONFIG_MANY}" "${PORT_LB1}" "${INTERVAL_MS}" "$1" "${CHURN_PERCENT}" \
		"$2" "${RAW}/churn-steps.tsv" "${MANY_PORTS[*]}" "${SPARE_PORTS[*]}" <<'PY' &
import json, os, random, sys, time
config, port, interval, seconds, percent, final, steps = sys.argv[1:8]
# go on from the backends the file lists now (an earlier churn run may have replaced some)
with open(config) as f:
    active = {b["id"]: int(b["url"].rsplit(":", 1)[1]) for b in json.load(f)["backends"]}
ports = [int(p) for p in sys.argv[8].split()] + [int(p) for p in sys.argv[9].split()]
spare = [p for p in ports if p not in set(active.values())]
next_id = max(active) + 1
rng = random.Random(next_id)
count = max(1, len(active) * int(percent) // 100)

def write():
    doc = {"port": int(port), "strategy": "round-robin",
           "backends": [{"id": i, "url": f"http://127.0.0.1:{p}"} for i, p in sorted(active.items())],
           "health": {"interval": int(interval), "timeout": 2000, "path": "/health", "method": "GET",
                      "algorithm": "http-status"}}
    tmp = config + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1)
    os.replace(tmp, config)

with open(steps, "a") as log:
    start = time.monotonic()
    for step in range(int(seconds)):
        removed = rng.sample(sorted(active), count)
        freed = [active.pop(i) for i in removed]
        added = []
        for _ in range(count):
            active[next_id] = spare.pop(0)
            added.append(next_id)
            next_id += 1
        spare.extend(freed)
        write()
        log.write(f"{step}\t{time.monotonic() - start:.3f}\t{len(removed)}\t{len(added)}\n")
        time.sleep(max(0, start + step + 1 - time.monotonic()))
with open(final, "w") as f:
    json.dump(sorted(active), f)
PY
	STARTED_PID=$!
	PIDS+=("${STARTED_PID}")
}

# runs wrk (a new client per request: no cookie) against the BACKENDS-backend JVM for $2 s,
# with churn if $3 is 1, measuring the JVM's CPU time; fills the associative array named $1
# with requests, rps, errors (non-2xx + socket errors), cpu (% of one core), p99
load_window() {
	local -n into="$1"
	local seconds="$2" churn="$3" out="${RAW}/wrk-churn-$1.txt" t0 u0 churn_pid="" parsed
	proc_ticks "${LB1_PID}"
	u0="${TICKS}"
	t0="$(now_ms)"
	if ((churn == 1)); then
		start_churn "${seconds}" "${RAW}/churn-final-$1.json"
		churn_pid="${STARTED_PID}"
	fi
	timeout --kill-after=5 $((seconds + 60)) taskset -c "${LOAD_CPU}" \
		wrk -t"${THREADS}" -c"${CONNECTIONS}" -d"${seconds}s" --timeout 10s --latency "http://127.0.0.1:${PORT_LB1}/" \
		>"${out}" 2>&1 || die "wrk ($1) failed: $(cat "${out}")"
	if [[ -n "${churn_pid}" ]]; then
		wait "${churn_pid}" || die "the churn driver failed"
		forget_pid "${churn_pid}"
	fi
	proc_ticks "${LB1_PID}"
	parsed="$(awk '
		/ requests in / { requests = $1 }
		/^Requests\/sec:/ { rps = $2 }
		/^ +99%/ { p99 = $2 }
		/Non-2xx or 3xx responses:/ { non2xx += $NF }
		/Socket errors:/ { gsub(",", ""); sock += $4 + $6 + $8 + $10 }
		END { if (rps == "") exit 1; printf "%d %.0f %d %s\n", requests, rps, non2xx + sock, p99 }' "${out}")" \
		|| die "could not parse wrk's output in ${out}: $(cat "${out}")"
	local requests rps errors p99
	read -r requests rps errors p99 <<<"${parsed}"
	# shellcheck disable=SC2034 # read through namerefs
	into=([requests]="${requests}" [rps]="${rps}" [errors]="${errors}" [p99]="${p99}")
	into[cpu]="$(awk -v t=$((TICKS - u0)) -v hz="${CLK_TCK}" -v ms=$(($(now_ms) - t0)) 'BEGIN { printf "%.1f", 100 * t / hz / (ms / 1000) }')"
	into[seconds]="${seconds}"
	log "$1: ${into[requests]} requests, ${into[rps]} req/s, ${into[errors]} failed, p99 ${into[p99]}, JVM ${into[cpu]}% of one core"
}

# with SCALE_CHURN_PROFILE, profiles the JVM in the background from 5 s on (the loaded window
# starting next); $1 label. wait_profile waits for it
PROFILER_PID=""
profile_window() {
	((CHURN_PROFILE > 0)) || return 0
	(sleep 5 && profile_jvm "${LB1_PID}" "$1" "${CHURN_PROFILE}") &
	PROFILER_PID=$!
	PIDS+=("${PROFILER_PID}")
}
wait_profile() {
	[[ -n "${PROFILER_PID}" ]] || return 0
	wait "${PROFILER_PID}" || die "profiling the churn window failed"
	forget_pid "${PROFILER_PID}"
	PROFILER_PID=""
}

# part 3: no churn, then churn, under load; then churn without traffic
churn_part() {
	local expected actual
	declare -gA WARM=() STEADY=() CHURN=() CHURN_IDLE_RUN=()
	# part 1 left the proxy path cold, and the reload path has never run: without a warm-up the first
	# loaded windows pay for the JIT compiling both (seconds of C2 time on the one core, and request-path
	# methods recompiled as churn brings new types to their call sites)
	log "part 3: ${CHURN_WARMUP} s of load with churn to warm the proxy and reload paths up (not measured)"
	load_window WARM "${CHURN_WARMUP}" 1
	log "part 3: ${CHURN_SECONDS} s of load without churn (wrk -t${THREADS} -c${CONNECTIONS}, a new client per request)"
	profile_window churn-steady
	load_window STEADY "${CHURN_SECONDS}" 0
	wait_profile
	log "part 3: ${CHURN_SECONDS} s of load while ${CHURN_PERCENT}% of the backends are replaced every second"
	profile_window churn-churn
	load_window CHURN "${CHURN_SECONDS}" 1
	wait_profile
	log "part 3: ${CHURN_IDLE} s of churn without traffic"
	local t0 u0
	proc_ticks "${LB1_PID}"
	u0="${TICKS}"
	t0="$(now_ms)"
	start_churn "${CHURN_IDLE}" "${RAW}/churn-final-idle.json"
	wait "${STARTED_PID}" || die "the churn driver failed"
	forget_pid "${STARTED_PID}"
	proc_ticks "${LB1_PID}"
	CHURN_IDLE_RUN[cpu]="$(awk -v t=$((TICKS - u0)) -v hz="${CLK_TCK}" -v ms=$(($(now_ms) - t0)) 'BEGIN { printf "%.2f", 100 * t / hz / (ms / 1000) }')"
	# every edit applied: once the last one is (within a reload interval and a health check), the
	# status endpoint lists the driver's last backend set, all healthy
	sleep 3
	expected="$(cat "${RAW}/churn-final-idle.json")"
	actual="$(curl -fsS --max-time 10 "http://127.0.0.1:${PORT_LB1}/_lb/health" | python3 -c 'import json, sys
d = json.load(sys.stdin)
print(json.dumps(sorted(b["id"] for b in d["backends"])), d["healthy"])')" || die "could not read /_lb/health"
	CHURN_APPLIED="NO"
	if [[ "${actual% *}" == "$(python3 -c 'import json, sys; print(json.dumps(json.loads(sys.argv[1])))' "${expected}")" \
		&& "${actual##* }" == "${BACKENDS}" ]]; then
		CHURN_APPLIED="yes"
	fi
	CHURN_REJECTED="$(grep -c 'Rejected' "${WORK}/smart-stick-${BACKENDS}.log" || true)"
	log "part 3: churn without traffic cost ${CHURN_IDLE_RUN[cpu]}% of one core (idle without churn: ${MANY[cpu]}%); last backend set applied: ${CHURN_APPLIED}; rejected edits: ${CHURN_REJECTED}"
}

# --- 4. part 1: health checking at scale ----------------------------------------------------

log "part 1: one nginx master listening on ${BACKENDS} ports (core ${LOAD_CPU})"
listens=""
for p in "${MANY_PORTS[@]}" "${SPARE_PORTS[@]}"; do
	listens+=$'\t\tlisten 127.0.0.1:'"${p}"$';\n'
done
start_nginx many-backends "$(
	cat <<EOF
	server {
${listens}
		location = /health {
			default_type text/plain;
			return 200 "ok\n";
		}
		location / {
			default_type text/plain;
			return 200 "Hello from backend\n";
		}
	}
EOF
)" "${MANY_PORTS[0]}" "${MANY_PORTS[BACKENDS - 1]}"
NGINX_MANY_PID="${STARTED_PID}"

CONFIG_MANY="${WORK}/config-${BACKENDS}.json"
write_config_json "${CONFIG_MANY}" "${PORT_LB1}" "${MANY_PORTS[@]}"

log "starting smart-stick with ${BACKENDS} backends, health checks every ${INTERVAL_MS} ms (core ${JVM_CPU}, heap ${HEAP})"
T_LAUNCH="$(now_ms)"
# the config file is read every 250 ms so that part 3's edits, one a second, each apply
start_jvm "smart-stick-${BACKENDS}" "${PORT_LB1}" "${CONFIG_MANY}" --smartstick.reload.interval=250ms
LB1_PID="${STARTED_PID}"
MANY_STARTUP_MS="${STARTUP_MS}"
log "status endpoint up after ${MANY_STARTUP_MS} ms; waiting for ${BACKENDS} healthy backends (at most ${HEALTHY_TIMEOUT} s)"
wait_all_healthy "${LB1_PID}" "${PORT_LB1}" "${BACKENDS}" "${T_LAUNCH}"
MANY_HEALTHY_MS="${HEALTHY_MS}"
log "all ${BACKENDS} backends healthy ${MANY_HEALTHY_MS} ms after launch; idling at least ${SETTLE} s before measuring"
settle "${LB1_PID}"

log "measuring ${HEALTH_WINDOW} s with ${BACKENDS} backends and no proxy traffic"
measure_window "health-${BACKENDS}" "${LB1_PID}" "${PORT_LB1}" "${HEALTH_WINDOW}"
declare -A MANY=()
keep_window MANY "${BACKENDS}" "${MANY_STARTUP_MS}" "${MANY_HEALTHY_MS}" "health-${BACKENDS}"

if ((PROFILE > 0)); then
	profile_jvm "${LB1_PID}" "health-${BACKENDS}" "${PROFILE}"
fi
if ((CHURN_SECONDS > 0)); then
	churn_part
fi
cp "${WORK}/smart-stick-${BACKENDS}.log" "${CONFIG_MANY}" "${RAW}/"

log "stopping the ${BACKENDS}-backend JVM and nginx"
stop_started "${LB1_PID}"
stop_started "${NGINX_MANY_PID}"

# --- 5. part 1 baseline and part 2: two backends --------------------------------------------

log "starting two nginx backends on 127.0.0.1:${PORT_B0} and 127.0.0.1:${PORT_B1} (core ${LOAD_CPU})"
start_nginx backend0 "$(backend_server "${PORT_B0}" 0)" "${PORT_B0}"
start_nginx backend1 "$(backend_server "${PORT_B1}" 1)" "${PORT_B1}"

CONFIG_TWO="${WORK}/config-2.json"
write_config_json "${CONFIG_TWO}" "${PORT_LB2}" "${PORT_B0}" "${PORT_B1}"
log "starting smart-stick with 2 backends, health checks every ${INTERVAL_MS} ms (core ${JVM_CPU}, heap ${HEAP})"
T_LAUNCH="$(now_ms)"
start_jvm smart-stick-2 "${PORT_LB2}" "${CONFIG_TWO}"
LB2_PID="${STARTED_PID}"
TWO_STARTUP_MS="${STARTUP_MS}"
wait_all_healthy "${LB2_PID}" "${PORT_LB2}" 2 "${T_LAUNCH}"
TWO_HEALTHY_MS="${HEALTHY_MS}"
log "both backends healthy ${TWO_HEALTHY_MS} ms after launch; idling at least ${SETTLE} s before measuring"
settle "${LB2_PID}"

log "measuring ${BASELINE_WINDOW} s with 2 backends and no proxy traffic (baseline)"
measure_window health-2 "${LB2_PID}" "${PORT_LB2}" "${BASELINE_WINDOW}"
declare -A TWO=()
keep_window TWO 2 "${TWO_STARTUP_MS}" "${TWO_HEALTHY_MS}" health-2

# sanity: stickiness and new-client cookies work before the clients arrive
LB2_URL="http://127.0.0.1:${PORT_LB2}/"
for b in 0 1; do
	body="$(curl -fsS --max-time 5 -H "Cookie: X-Backend-ID=${b}" "${LB2_URL}")" || die "request to ${LB2_URL} failed"
	[[ "${body}" == "Hello from backend ${b}" ]] || die "Cookie X-Backend-ID=${b} was answered by '${body}'"
done
curl -fsS --max-time 5 -o /dev/null -D - "${LB2_URL}" | grep -i '^set-cookie: X-Backend-ID=' >/dev/null \
	|| die "smart-stick set no X-Backend-ID cookie on a new client's response"

# runs distinct clients through wrk until COUNT responses or the time bound, then reads the
# memory. $1 label, $2 first client number, $3 count, $4 time bound (s). Appends
# "label clients_so_far requests rps non2xx socket_errors" to CLIENT_RUNS
CLIENTS_SO_FAR=0
CLIENT_RUNS="${RAW}/client-runs.tsv"
run_clients() {
	local label="$1" first="$2" count="$3" bound="$4" out="${RAW}/wrk-$1.txt" marker="${WORK}/marker-$1"
	local pid i t deadline markers parsed
	timeout --kill-after=5 $((bound + 30)) taskset -c "${LOAD_CPU}" \
		wrk -t"${THREADS}" -c"${CONNECTIONS}" -d"${bound}s" --timeout 10s --latency -s "${LUA_SCRIPT}" "${LB2_URL}" \
		-- "${first}" "${count}" "${THREADS}" "${marker}" >"${out}" 2>&1 &
	pid=$!
	PIDS+=("${pid}")
	# wrk sleeps its whole -d even after the script stops its threads: interrupt it (SIGINT
	# makes it print its results) once every thread has marked its share done
	deadline=$(($(now_ms) + (bound + 40) * 1000))
	for ((i = 0; i < (bound + 40) * 5; i++)); do
		alive "${pid}" || break
		markers=0
		for ((t = 0; t < THREADS; t++)); do
			[[ -e "${marker}.${t}" ]] && markers=$((markers + 1))
		done
		if ((markers == THREADS)); then
			kill -INT "${pid}" 2>/dev/null || true
			break
		fi
		(($(now_ms) < deadline)) || break
		sleep 0.2
	done
	wait "${pid}" || die "wrk (${label}) failed: $(cat "${out}")"
	forget_pid "${pid}"
	parsed="$(awk '
		/ requests in / { requests = $1 }
		/^Requests\/sec:/ { rps = $2 }
		/Non-2xx or 3xx responses:/ { non2xx += $NF }
		/Socket errors:/ { gsub(",", ""); sock += $4 + $6 + $8 + $10 }
		/^distinct-clients:/ { bad = $7 }
		END { if (rps == "") exit 1; printf "%d %.0f %d %d %d\n", requests, rps, non2xx, sock, bad }' "${out}")" \
		|| die "could not parse wrk's output in ${out}: $(cat "${out}")"
	read -r RUN_REQUESTS RUN_RPS RUN_NON2XX RUN_SOCK RUN_BAD <<<"${parsed}"
	CLIENTS_SO_FAR=$((CLIENTS_SO_FAR + RUN_REQUESTS))
	printf '%s\t%d\t%d\t%d\t%d\t%d\t%d\n' "${label}" "${CLIENTS_SO_FAR}" "${RUN_REQUESTS}" "${RUN_RPS}" \
		"${RUN_NON2XX}" "${RUN_SOCK}" "${RUN_BAD}" >>"${CLIENT_RUNS}"
	log "${label}: ${RUN_REQUESTS} distinct clients at ${RUN_RPS} req/s, non-2xx ${RUN_NON2XX}, socket errors ${RUN_SOCK}"
}

# full GC, then heap used (generations), metaspace used, RSS and threads; appends
# "label clients heap_kb metaspace_kb rss_kb rss_anon_kb threads" to MEMORY
MEMORY="${RAW}/memory.tsv"
measure_memory() {
	local label="$1" info heap meta
	timeout 60 taskset -c "${LOAD_CPU}" jcmd "${LB2_PID}" GC.run >/dev/null || die "jcmd ${LB2_PID} GC.run failed"
	sleep 1
	timeout 60 taskset -c "${LOAD_CPU}" jcmd "${LB2_PID}" GC.run >/dev/null || die "jcmd ${LB2_PID} GC.run failed"
	info="$(timeout 60 taskset -c "${LOAD_CPU}" jcmd "${LB2_PID}" GC.heap_info)" || die "jcmd ${LB2_PID} GC.heap_info failed"
	printf '== %s\n%s\n' "${label}" "${info}" >>"${RAW}/heap-info.txt"
	# Serial: "def new generation ... used 1234K", "tenured generation ... used 5678K";
	# Parallel: PSYoungGen, ParOldGen; G1: "garbage-first heap ... used"; Z: "ZHeap used 30M"
	read -r heap meta <<<"$(awk '
		function kb(v) { if (v ~ /M,?$/) return v * 1024; if (v ~ /G,?$/) return v * 1048576; return v + 0 }
		/^ *Metaspace/ { for (i = 1; i < NF; i++) if ($i == "used") meta = kb($(i + 1)); next }
		/^ *class space/ { next }
		/generation|PSYoungGen|ParOldGen|garbage-first heap|ZHeap|Shenandoah/ {
			for (i = 1; i < NF; i++) if ($i == "used") heap += kb($(i + 1))
		}
		END { printf "%.0f %.0f\n", heap, meta }' <<<"${info}")"
	((heap > 0)) || die "could not read the heap size from jcmd GC.heap_info: ${info}"
	proc_status "${LB2_PID}"
	printf '%s\t%d\t%d\t%d\t%d\t%d\t%d\n' "${label}" "${CLIENTS_SO_FAR}" "${heap}" "${meta}" "${RSS_KB}" \
		"${RSS_ANON_KB}" "${THREADS_NOW}" >>"${MEMORY}"
	log "${label}: after ${CLIENTS_SO_FAR} clients, heap used after full GC $(mib "${heap}") MiB, metaspace $(mib "${meta}") MiB, RSS $(mib "${RSS_KB}") MiB"
}

CLIENTS_AT_START=0
MEASURED_CLIENTS=0
CLIENTS_SECONDS=0
CLIENTS_OTHERS_PCT=0
if ((CLIENTS > 0)); then
	log "part 2: warm-up, ${WARMUP_CLIENTS} distinct clients"
	NEXT_CLIENT=1
	if ((WARMUP_CLIENTS > 0)); then
		run_clients warmup "${NEXT_CLIENT}" "${WARMUP_CLIENTS}" 300
		NEXT_CLIENT=$((NEXT_CLIENT + RUN_REQUESTS + 1000))
	fi
	measure_memory before
	scrape "${PORT_LB2}" "${RAW}/clients-prometheus-start.txt"
	CLIENTS_AT_START="${CLIENTS_SO_FAR}"
	others_start
	T_CLIENTS0="$(now_ms)"
	CHUNK_BOUND=$((CLIENTS_TIMEOUT / CHUNKS))
	((CHUNK_BOUND >= 10)) || CHUNK_BOUND=10
	for ((c = 1; c <= CHUNKS; c++)); do
		count=$((CLIENTS / CHUNKS))
		if ((c == CHUNKS)); then
			count=$((CLIENTS - (CHUNKS - 1) * (CLIENTS / CHUNKS)))
		fi
		log "part 2: chunk ${c}/${CHUNKS}, ${count} distinct clients (at most ${CHUNK_BOUND} s)"
		run_clients "chunk${c}" "${NEXT_CLIENT}" "${count}" "${CHUNK_BOUND}"
		NEXT_CLIENT=$((NEXT_CLIENT + RUN_REQUESTS + 1000))
		measure_memory "chunk${c}"
	done
	CLIENTS_SECONDS=$((($(now_ms) - T_CLIENTS0) / 1000))
	others_end
	CLIENTS_OTHERS_PCT="${OTHERS_PCT}"
	scrape "${PORT_LB2}" "${RAW}/clients-prometheus-end.txt"
	MEASURED_CLIENTS=$((CLIENTS_SO_FAR - CLIENTS_AT_START))
fi
LOADAVG_END="$(cut -d' ' -f1-3 /proc/loadavg)"
cp "${WORK}/smart-stick-2.log" "${CONFIG_TWO}" "${RAW}/"

# --- 6. results ------------------------------------------------------------------------------

verdict() { if "$@"; then echo yes; else echo NO; fi; }
# compared without the JIT compiler threads: what checking costs once the code is compiled
CPU_ATTRIBUTABLE="$(awk -v a="${MANY[nojit]}" -v b="${TWO[nojit]}" 'BEGIN { printf "%.2f", a - b }')"
EXPECTED_CHECKS="$(awk -v n="${BACKENDS}" -v ms="${INTERVAL_MS}" 'BEGIN { printf "%.0f", n * 1000 / ms }')"
cpu_ok() { awk -v d="${CPU_ATTRIBUTABLE}" -v l="${CPU_LIMIT}" 'BEGIN { exit !(d < l) }'; }
threads_flat() { ((MANY[t_max] - MANY[t_start] <= THREAD_SLACK && MANY[t_end] - MANY[t_start] <= THREAD_SLACK)); }
checks_ok() {
	((MANY[unhealthy] == 0 && MANY[downs] == 0)) \
		&& awk -v r="${MANY[checks]}" -v e="${EXPECTED_CHECKS}" 'BEGIN { exit !(r >= 0.9 * e && r <= 1.1 * e) }'
}
CPU_OK="$(verdict cpu_ok)"
THREADS_OK="$(verdict threads_flat)"
CHECKS_OK="$(verdict checks_ok)"

if ((CLIENTS > 0)); then
	read -r _ _ HEAP_BEFORE META_BEFORE RSS_BEFORE _ <<<"$(awk -F'\t' '$1 == "before"' "${MEMORY}")"
	read -r _ _ HEAP_AFTER META_AFTER RSS_AFTER _ <<<"$(tail -n1 "${MEMORY}")"
	HEAP_GROWTH_KB=$((HEAP_AFTER - HEAP_BEFORE))
	RSS_GROWTH_KB=$((RSS_AFTER - RSS_BEFORE))
	per_million() {
		awk -v kb="$1" -v n="${MEASURED_CLIENTS}" 'BEGIN { if (n == 0) print "n/a"; else printf "%.0f\n", kb * 1024 * 1000000 / n }'
	}
	HEAP_PER_M="$(per_million "${HEAP_GROWTH_KB}")"
	RSS_PER_M="$(per_million "${RSS_GROWTH_KB}")"
	heap_flat() { awk -v g="${HEAP_GROWTH_KB}" -v l="${FLAT_MIB}" 'BEGIN { a = (g < 0) ? -g : g; exit !(a <= l * 1024) }'; }
	HEAP_OK="$(verdict heap_flat)"
	TOTAL_ERRORS="$(awk -F'\t' '{ s += $5 + $6 } END { print s + 0 }' "${CLIENT_RUNS}")"
	all_answered() { ((TOTAL_ERRORS == 0 && MEASURED_CLIENTS >= CLIENTS)); }
	ANSWERED_OK="$(verdict all_answered)"
	sticky_delta() { # $1 result tag
		echo $(($(prom_sum "${RAW}/clients-prometheus-end.txt" smartstick_sticky_total "result=\"$1\"") \
			- $(prom_sum "${RAW}/clients-prometheus-start.txt" smartstick_sticky_total "result=\"$1\"")))
	}
	STICKY_HIT="$(sticky_delta hit)"
	STICKY_MISS="$(sticky_delta miss)"
	STICKY_REASSIGNED="$(sticky_delta reassigned)"
fi

if ((CHURN_SECONDS > 0)); then
	churn_errors_ok() { ((CHURN[errors] == 0)); }
	CHURN_ERRORS_OK="$(verdict churn_errors_ok)"
	CHURN_RPS_DELTA="$(awk -v c="${CHURN[rps]}" -v s="${STEADY[rps]}" 'BEGIN { printf "%+.1f", (s > 0) ? 100 * (c - s) / s : 0 }')"
	churn_rps_ok() { awk -v d="${CHURN_RPS_DELTA}" -v l="${RPS_LIMIT}" 'BEGIN { exit !(d >= -l) }'; }
	CHURN_RPS_OK="$(verdict churn_rps_ok)"
	CHURN_CPU_COST="$(awk -v c="${CHURN_IDLE_RUN[cpu]}" -v s="${MANY[cpu]}" 'BEGIN { printf "%.2f", c - s }')"
fi

STAMP="$(date +%Y-%m-%d-%H%M%S)"
OUT_DIR="${BENCH_DIR}/out"
mkdir -p "${OUT_DIR}/scale-raw-${STAMP}"
REPORT="${OUT_DIR}/scale-${STAMP}.md"
cp "${RAW}"/* "${OUT_DIR}/scale-raw-${STAMP}/"

CPU_MODEL="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
MEM_TOTAL="$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
JAVA_VERSION="$(java -version 2>&1 | sed 's/^/    /')"
NGINX_VERSION="$("${NGINX}" -v 2>&1 | sed 's/^nginx version: //')"
COMMIT="not a git checkout"
if git -C "${ROOT}" rev-parse --short HEAD >/dev/null 2>&1; then
	COMMIT="$(git -C "${ROOT}" rev-parse --short HEAD)"
	[[ -z "$(git -C "${ROOT}" status --porcelain --untracked-files=no 2>/dev/null)" ]] || COMMIT="${COMMIT} (with uncommitted changes)"
fi
REPRODUCE="cd ${ROOT} && SCALE_BACKENDS=${BACKENDS} SCALE_INTERVAL_MS=${INTERVAL_MS} SCALE_HEALTH_WINDOW=${HEALTH_WINDOW} SCALE_BASELINE_WINDOW=${BASELINE_WINDOW} SCALE_SETTLE=${SETTLE} SCALE_SETTLE_MAX=${SETTLE_MAX} SCALE_CLIENTS=${CLIENTS} SCALE_WARMUP_CLIENTS=${WARMUP_CLIENTS} SCALE_CHUNKS=${CHUNKS} SCALE_THREADS=${THREADS} SCALE_CONNECTIONS=${CONNECTIONS} SCALE_LOAD_CPU=${LOAD_CPU} SCALE_JVM_CPU=${JVM_CPU} SCALE_HEAP=${HEAP} SCALE_PROFILE=${PROFILE} SCALE_CHURN_SECONDS=${CHURN_SECONDS} SCALE_CHURN_IDLE=${CHURN_IDLE} SCALE_CHURN_WARMUP=${CHURN_WARMUP} SCALE_CHURN_PERCENT=${CHURN_PERCENT} SCALE_CHURN_PROFILE=${CHURN_PROFILE} bench/scale.sh"

health_table() {
	echo "| backends | CPU, % of one core (user + system) | of which JIT compiler | without JIT | threads start / end / max | RSS start / end (MiB) | checks/s (expected) | unhealthy checks | went down | healthy after | window (s) | others on pinned cores |"
	echo "|---:|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|"
	local -n r
	for r in MANY TWO; do
		echo "| ${r[backends]} | ${r[cpu]} (${r[user]} + ${r[sys]}) | ${r[jit]} | ${r[nojit]} | ${r[t_start]} / ${r[t_end]} / ${r[t_max]} | $(mib "${r[rss_start]}") / $(mib "${r[rss_end]}") | ${r[checks]} ($(awk -v n="${r[backends]}" -v ms="${INTERVAL_MS}" 'BEGIN { printf "%.0f", n * 1000 / ms }')) | ${r[unhealthy]} | ${r[downs]} | ${r[healthy]} | ${r[seconds]} | ${r[others]}% |"
	done
}

startup_table() {
	echo "| backends | launch to status endpoint (ms) | launch to all backends healthy (ms) | idle before the window (s) | backends that went down before the window | WARN/ERROR log lines |"
	echo "|---:|---:|---:|---:|---:|---:|"
	local -n r
	for r in MANY TWO; do
		echo "| ${r[backends]} | ${r[startup]} | ${r[healthy_ms]} | ${r[settled]} | ${r[startup_downs]} | ${r[log_warn]} |"
	done
}

memory_table() {
	echo "| after | distinct clients so far | heap used after full GC (MiB) | metaspace (MiB) | RSS (MiB) | RSS anon (MiB) | threads | req/s of the chunk | non-2xx + socket errors |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	local label clients heap meta rss anon threads rps errors
	while IFS=$'\t' read -r label clients heap meta rss anon threads; do
		read -r rps errors <<<"$(awk -F'\t' -v l="${label/before/warmup}" '$1 == l { print $4, $5 + $6 }' "${CLIENT_RUNS}")"
		[[ "${label}" == before ]] && label="warm-up"
		echo "| ${label} | $(fmt_thousands "${clients}") | $(mib "${heap}") | $(mib "${meta}") | $(mib "${rss}") | $(mib "${anon}") | ${threads} | ${rps:-n/a} | ${errors:-n/a} |"
	done <"${MEMORY}"
}

summary_table() {
	echo "| claim | measured | holds |"
	echo "|---|---|---|"
	echo "| ${BACKENDS} backends checked every ${INTERVAL_MS} ms cost under ${CPU_LIMIT}% of one core | without the JIT compiler, ${MANY[nojit]}% with ${BACKENDS}, ${TWO[nojit]}% with 2: ${CPU_ATTRIBUTABLE} points for the extra backends | ${CPU_OK} |"
	echo "| ... with no thread growth | threads ${MANY[t_start]} at start, ${MANY[t_end]} at end, ${MANY[t_max]} max (tolerance ${THREAD_SLACK}) | ${THREADS_OK} |"
	echo "| ... and every check runs and passes | ${MANY[checks]} checks/s, expected ${EXPECTED_CHECKS}; ${MANY[unhealthy]} unhealthy, ${MANY[downs]} backends went down | ${CHECKS_OK} |"
	if ((CHURN_SECONDS > 0)); then
		echo "| ${CHURN_PERCENT}% of ${BACKENDS} backends replaced every second for ${CHURN_SECONDS} s under load: zero failed requests | ${CHURN[errors]} failed of ${CHURN[requests]} (no churn: ${STEADY[errors]} of ${STEADY[requests]}) | ${CHURN_ERRORS_OK} |"
		echo "| ... req/s within ${RPS_LIMIT}% of the no-churn run | ${CHURN[rps]} req/s with churn, ${STEADY[rps]} without: ${CHURN_RPS_DELTA}% | ${CHURN_RPS_OK} |"
		echo "| ... every edit applied | last backend set listed by /_lb/health, all healthy: ${CHURN_APPLIED}; rejected edits: ${CHURN_REJECTED} | ${CHURN_APPLIED} |"
		echo "| CPU cost of churn (reported, no limit) | ${CHURN_IDLE_RUN[cpu]}% of one core with churn and no traffic, ${MANY[cpu]}% without churn: ${CHURN_CPU_COST} points | - |"
	fi
	if ((CLIENTS > 0)); then
		echo "| memory stays flat while $(fmt_thousands "${CLIENTS}") distinct clients arrive | heap after full GC $(mib "${HEAP_BEFORE}") -> $(mib "${HEAP_AFTER}") MiB over $(fmt_thousands "${MEASURED_CLIENTS}") clients: $(fmt_thousands "${HEAP_PER_M}") bytes per million (tolerance ${FLAT_MIB} MiB) | ${HEAP_OK} |"
		echo "| ... and every client is answered | ${TOTAL_ERRORS} non-2xx answers or socket errors; $(fmt_thousands "${MEASURED_CLIENTS}") of $(fmt_thousands "${CLIENTS}") clients sent | ${ANSWERED_OK} |"
	fi
}

profile_excerpt() {
	local profile="${RAW}/health-${BACKENDS}-profile.txt"
	[[ -f "${profile}" ]] || return 0
	echo "### Profile of the ${BACKENDS}-backend JVM"
	echo
	echo "Java Flight Recorder, ${PROFILE} s after the window (\`settings=profile\`); the full list is in"
	echo "scale-raw-${STAMP}/health-${BACKENDS}-profile.txt."
	echo
	echo '```'
	sed -n '1,/^all methods, inclusive:/p' "${profile}" | sed '$d'
	echo '```'
	echo
}

{
	echo "# smart-stick scale test, ${STAMP}"
	echo
	echo "How it works and how to read it: bench/README.md (section *Scale test*)."
	echo
	MAX_OTHERS="$(printf '%s\n' "${MANY[others]}" "${TWO[others]}" "${CLIENTS_OTHERS_PCT}" "${BUSY_LOAD}" "${BUSY_JVM}" | sort -n | tail -n1)"
	if ((MAX_OTHERS > 10)); then
		echo "> **Busy machine:** other processes took up to ${MAX_OTHERS}% of the pinned cores' time (see *Machine*),"
		echo "> so they competed with what is measured. CPU percentages are the JVM's own CPU time and hold up"
		echo "> better than req/s or start-up times, but compare only runs made on a quiet machine."
		echo
	fi
	echo "## Summary"
	echo
	summary_table
	echo
	echo "## Machine"
	echo
	echo "- cores (nproc): ${NPROC}"
	echo "- CPU: ${CPU_MODEL:-unknown}"
	echo "- memory: ${MEM_TOTAL}"
	echo "- kernel: $(uname -sr)"
	echo "- other processes' use of the pinned cores: before the test started core ${LOAD_CPU} ${BUSY_LOAD}%, core ${JVM_CPU} ${BUSY_JVM}%;"
	echo "  of both cores' time, ${MANY[others]}% during the ${BACKENDS}-backend window, ${TWO[others]}% during the 2-backend window, ${CLIENTS_OTHERS_PCT}% during the clients"
	echo "- load average (1, 5, 15 min) at the start: ${LOADAVG_START}; at the end: ${LOADAVG_END}"
	echo "- nginx: ${NGINX_VERSION}"
	echo "- smart-stick commit: ${COMMIT}${JAR_NOTE}"
	echo "- java -version:"
	echo
	echo "${JAVA_VERSION}"
	echo
	echo "## Set-up"
	echo
	echo "- the JVM: the sample jar, \`taskset -c ${JVM_CPU} java -Xms${HEAP} -Xmx${HEAP} -jar ... --sample.demo-backends=false --smartstick.config-file=<generated config.json>\`, logging at WARN"
	echo "- config.json in the original's format: backends with ids 0, 1, ..., \`\"health\": {\"interval\": ${INTERVAL_MS}, \"timeout\": 2000, \"path\": \"/health\"}\`"
	echo "- nginx (one worker each) and wrk pinned to core ${LOAD_CPU}, and so is this script's own sampling"
	echo "- part 1: one nginx master listening on ${BACKENDS} loopback ports; once every backend was healthy, at least ${SETTLE} s idle and until the JIT compiler threads were quiet, then the window; no proxy traffic"
	echo "- part 1 baseline and part 2: one JVM in front of two nginx backends; its idle window first, then the clients"
	if ((CLIENTS > 0)); then
		echo "- part 2: \`wrk -t${THREADS} -c${CONNECTIONS} -s bench/distinct-clients.lua\`, every request a new client: a unique X-Forwarded-For;"
		echo "  by client number, 1/2 a valid sticky cookie (X-Backend-ID=0 or 1) next to a unique app cookie, 1/8 a garbage"
		echo "  one (X-Backend-ID=client-<n>), 1/8 an unknown backend id, 1/4 no cookie"
		echo "- memory: \`jcmd <pid> GC.run\` twice, then \`GC.heap_info\` (heap used = all generations) and VmRSS / RssAnon"
	fi
	echo
	echo "## 1. Health checking at scale"
	echo
	echo "CPU is the JVM's utime + stime from /proc/<pid>/stat over the window; threads are \`Threads:\` of"
	echo "/proc/<pid>/status, sampled every second; checks/s is the growth of \`smartstick_health_checks_seconds_count\`"
	echo "(all backends and outcomes) in /actuator/prometheus around the window; *went down* counts"
	echo "\`smartstick_backend_transitions_total{state=\"down\"}\` in the window."
	echo
	health_table
	echo
	echo "Cost of the extra $((BACKENDS - 2)) backends, without the JIT compiler threads (whose work is warm-up, not"
	echo "steady state): ${CPU_ATTRIBUTABLE} percentage points of one core,"
	echo "$(awk -v d="${CPU_ATTRIBUTABLE}" -v c="${MANY[checks]}" -v b="${TWO[checks]}" 'BEGIN { if (c - b > 0) printf "about %.0f microseconds of CPU per check", d / 100 * 1e6 / (c - b); else printf "n/a per check" }')."
	echo "Thread names at the start and end of each window: scale-raw-${STAMP}/health-*-threads-*.txt."
	echo
	echo "Start-up:"
	echo
	startup_table
	echo
	profile_excerpt
	if ((CHURN_SECONDS > 0)); then
		echo "## 3. Churn"
		echo
		echo "The ${BACKENDS}-backend JVM of part 1 under \`wrk -t${THREADS} -c${CONNECTIONS}\` (a new client per request, no cookie),"
		echo "after ${CHURN_WARMUP} s of the same load with churn to warm the proxy and reload paths up, first without changes, then while a python script replaced ${CHURN_PERCENT}% of its backends every second"
		echo "by rewriting its config.json (removed backends, new ones on other ports with new ids; the JVM reads the"
		echo "file every 250 ms); new backends take clients after their first passing health check (every ${INTERVAL_MS} ms)."
		echo "The JVM is pinned to one core, so under load its CPU is near 100% in both windows and churn"
		echo "shows as req/s; its cost in CPU is measured without traffic, against part 1's idle window."
		echo
		echo "| window | seconds | requests | req/s | p99 | failed (non-2xx + socket errors) | JVM CPU, % of one core |"
		echo "|---|---:|---:|---:|---:|---:|---:|"
		echo "| no churn | ${STEADY[seconds]} | ${STEADY[requests]} | ${STEADY[rps]} | ${STEADY[p99]} | ${STEADY[errors]} | ${STEADY[cpu]} |"
		echo "| churn | ${CHURN[seconds]} | ${CHURN[requests]} | ${CHURN[rps]} | ${CHURN[p99]} | ${CHURN[errors]} | ${CHURN[cpu]} |"
		echo "| churn, no traffic | ${CHURN_IDLE} | - | - | - | - | ${CHURN_IDLE_RUN[cpu]} |"
		echo "| no churn, no traffic (part 1) | ${MANY[seconds]} | - | - | - | - | ${MANY[cpu]} |"
		echo
		echo "Edits per second and their timing: scale-raw-${STAMP}/churn-steps.tsv."
		echo
	fi
	if ((CLIENTS > 0)); then
		echo "## 2. No per-client state"
		echo
		echo "$(fmt_thousands "${MEASURED_CLIENTS}") distinct clients after a warm-up of $(fmt_thousands "${WARMUP_CLIENTS}"), in ${CHUNKS} chunk(s), in ${CLIENTS_SECONDS} s."
		echo "The load balancer counted $(fmt_thousands "${STICKY_HIT}") sticky hits, $(fmt_thousands "${STICKY_MISS}") new clients and $(fmt_thousands "${STICKY_REASSIGNED}") reassignments"
		echo "(\`smartstick_sticky_total\`; a garbage or unknown cookie counts as no cookie, so as a new client)."
		echo
		memory_table
		echo
		echo "Growth from the warm-up to the end: heap after full GC $(fmt_thousands "${HEAP_GROWTH_KB}") KiB ($(fmt_thousands "${HEAP_PER_M}") bytes per million clients),"
		echo "metaspace $(fmt_thousands $((META_AFTER - META_BEFORE))) KiB, RSS $(fmt_thousands "${RSS_GROWTH_KB}") KiB ($(fmt_thousands "${RSS_PER_M}") bytes per million clients)."
		echo "RSS also grows when the JIT compiles more code and when heap pages are touched for the first time"
		echo "(the heap is reserved at -Xms but only becomes resident when used); heap after a full GC is where"
		echo "per-client state would show."
		echo
	fi
	echo "## Reproduce"
	echo
	echo '```sh'
	echo "${REPRODUCE}"
	echo '```'
	echo
	echo "Raw output (per-second samples, Prometheus scrapes, thread names, wrk output, heap info, JVM logs, config.json files): bench/out/scale-raw-${STAMP}/"
} >"${REPORT}"

echo
summary_table
echo
health_table
echo
startup_table
if ((CLIENTS > 0)); then
	echo
	memory_table
fi
echo
log "report written to ${REPORT}"
