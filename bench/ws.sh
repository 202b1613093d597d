#!/usr/bin/env bash
#
# smart-stick WebSocket benchmark: echo round trips through smart-stick, a plain Spring Cloud
# Gateway route and nginx, all in front of the same two WebSocket echo backends on loopback,
# for small and 64 KiB messages; writes a markdown report to bench/out/ws-report-<date>.md.
# See bench/README.md.
#
# Usage (as root on Debian, from anywhere):  bench/ws.sh
# Quick run:                                 BENCH_WS_QUICK=1 bench/ws.sh
#
# Settings (environment variables):
#   BENCH_WS_ROUNDS=3         measured rounds; the targets are interleaved in every round
#   BENCH_WS_DURATION=10      seconds of one measured run (one target, one message size)
#   BENCH_WS_WARMUP=60        seconds of load each JVM proxy gets before measuring
#   BENCH_WS_CONNECTIONS=32   WebSocket connections, each a closed loop (send, wait, repeat)
#   BENCH_WS_SIZES="64 65536" message sizes in bytes, one binary frame each
#   BENCH_WS_QUICK=0          1: 1 round of 3 s after 6 s of warm-up, to check the set-up
#   BENCH_LOAD_CPU=0          core for the load client, the echo backends and nginx
#   BENCH_JVM_CPU=1           core for the JVM proxies (smart-stick and the plain Gateway)
#   BENCH_HEAP=256m           JVM heap (-Xms and -Xmx) of every JVM
#   BENCH_START_TIMEOUT=120   seconds a JVM may take to answer its first proxied request
#   BENCH_SKIP_BUILD=0        1 reuses the jars already built
#   BENCH_MVN_ARGS=           extra Maven arguments, e.g. -o to build offline
#
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${BENCH_DIR}/.." && pwd)"
readonly BENCH_DIR ROOT

ROUNDS="${BENCH_WS_ROUNDS:-3}"
DURATION="${BENCH_WS_DURATION:-10}"
WARMUP="${BENCH_WS_WARMUP:-60}"
CONNECTIONS="${BENCH_WS_CONNECTIONS:-32}"
read -r -a SIZES <<<"${BENCH_WS_SIZES:-64 65536}"
if [[ "${BENCH_WS_QUICK:-0}" == 1 ]]; then
	ROUNDS=1
	DURATION=3
	WARMUP=6
fi
LOAD_CPU="${BENCH_LOAD_CPU:-0}"
JVM_CPU="${BENCH_JVM_CPU:-1}"
HEAP="${BENCH_HEAP:-256m}"
START_TIMEOUT="${BENCH_START_TIMEOUT:-120}"
SKIP_BUILD="${BENCH_SKIP_BUILD:-0}"
read -r -a MVN_ARGS <<<"${BENCH_MVN_ARGS:-}"
# seconds of load each measured run starts with and does not count: the client is a new JVM
readonly CLIENT_WARMUP=2

PIDS=()           # every process this script started, stopped by the trap
WORK=""           # temp dir: nginx config, logs, load client output
POLICY_RC_CREATED=0

log() { printf '[ws-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[ws-bench] ERROR: %s\n' "$*" >&2; exit 1; }
# shellcheck source=bench/lib.sh
source "${BENCH_DIR}/lib.sh"

stop_everything_on_exit

for setting in ROUNDS DURATION WARMUP CONNECTIONS; do
	[[ "${!setting}" =~ ^[0-9]+$ ]] || die "BENCH_WS_${setting} must be a whole number, got '${!setting}'"
done
((ROUNDS > 0 && DURATION > 0 && CONNECTIONS > 0)) || die "rounds, duration and connections must be positive"
for size in "${SIZES[@]}"; do
	[[ "${size}" =~ ^[0-9]+$ ]] && ((size <= 16777216)) \
		|| die "BENCH_WS_SIZES must list sizes in bytes up to 16777216, got '${size}'"
done

# --- 1. tools and jars ----------------------------------------------------------------------

missing=()
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
command -v curl >/dev/null || missing+=(curl)
command -v python3 >/dev/null || missing+=(python3)
command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v taskset >/dev/null || missing+=(util-linux)
((${#missing[@]} == 0)) || apt_install "${missing[@]}"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
NPROC="$(nproc)"
((NPROC > LOAD_CPU && NPROC > JVM_CPU)) \
	|| die "needs cores ${LOAD_CPU} and ${JVM_CPU} (nproc is ${NPROC}); set BENCH_LOAD_CPU / BENCH_JVM_CPU"

if [[ "${SKIP_BUILD}" != 1 ]]; then
	for pom in pom.xml bench/baseline-gateway/pom.xml bench/ws-echo/pom.xml; do
		log "building ${pom}: ./mvnw -f ${pom} -q -DskipTests package ${MVN_ARGS[*]}"
		(cd "${ROOT}" && timeout 1800 ./mvnw -f "${pom}" -q -DskipTests "${MVN_ARGS[@]}" package) \
			|| die "building ${pom} failed (see Maven's output above)"
	done
fi
SAMPLE_JAR="$(find_jar "${ROOT}/smart-stick-sample/target")"
BASELINE_JAR="$(find_jar "${BENCH_DIR}/baseline-gateway/target")"
TOOL_JAR="$(find_jar "${BENCH_DIR}/ws-echo/target")"

# --- 2. echo backends, nginx, the JVM proxies -----------------------------------------------

WORK="$(mktemp -d /tmp/smart-stick-ws-bench.XXXXXX)"
chmod 755 "${WORK}"
read -r PORT_B0 PORT_B1 PORT_NGINX PORT_SS PORT_GW <<<"$(free_ports 5)"
[[ -n "${PORT_GW:-}" ]] || die "could not find free loopback ports with python3"
JAVA_OPTS=(-Xms"${HEAP}" -Xmx"${HEAP}")

log "starting the echo backends on 127.0.0.1:${PORT_B0} and :${PORT_B1} (core ${LOAD_CPU})"
mkdir -p "${WORK}/echo"
taskset -c "${LOAD_CPU}" java "${JAVA_OPTS[@]}" -jar "${TOOL_JAR}" echo "${PORT_B0}" "${PORT_B1}" \
	>"${WORK}/echo/error.log" 2>&1 &
ECHO_PID=$!
PIDS+=("${ECHO_PID}")
wait_http "${ECHO_PID}" "http://127.0.0.1:${PORT_B0}/" echo
wait_http "${ECHO_PID}" "http://127.0.0.1:${PORT_B1}/" echo

log "starting nginx on 127.0.0.1:${PORT_NGINX} (round robin, WebSocket upgrade passed through)"
NGINX_USER=""
if [[ "$(id -u)" == 0 ]] && id www-data >/dev/null 2>&1; then
	NGINX_USER="user www-data www-data;"
fi
mkdir -p "${WORK}/nginx/tmp"
cat >"${WORK}/nginx/nginx.conf" <<EOF
${NGINX_USER}
daemon off;
worker_processes 1;
pid ${WORK}/nginx/nginx.pid;
error_log ${WORK}/nginx/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path ${WORK}/nginx/tmp/body;
	proxy_temp_path ${WORK}/nginx/tmp/proxy;
	fastcgi_temp_path ${WORK}/nginx/tmp/fastcgi;
	uwsgi_temp_path ${WORK}/nginx/tmp/uwsgi;
	scgi_temp_path ${WORK}/nginx/tmp/scgi;
	upstream backends {
		server 127.0.0.1:${PORT_B0};
		server 127.0.0.1:${PORT_B1};
	}
	server {
		listen 127.0.0.1:${PORT_NGINX};
		location / {
			proxy_pass http://backends;
			proxy_http_version 1.1;
			proxy_set_header Upgrade \$http_upgrade;
			proxy_set_header Connection "upgrade";
			proxy_read_timeout 1h;
		}
	}
}
EOF
"${NGINX}" -t -q -p "${WORK}/nginx" -e "${WORK}/nginx/error.log" -c "${WORK}/nginx/nginx.conf" \
	|| die "nginx rejected ${WORK}/nginx/nginx.conf"
taskset -c "${LOAD_CPU}" "${NGINX}" -p "${WORK}/nginx" -e "${WORK}/nginx/error.log" -c "${WORK}/nginx/nginx.conf" \
	>"${WORK}/nginx/stdout.log" 2>&1 &
NGINX_PID=$!
PIDS+=("${NGINX_PID}")
wait_http "${NGINX_PID}" "http://127.0.0.1:${PORT_NGINX}/" nginx

# starts a JVM proxy on the JVM core and waits (bounded) for its first proxied answer; sets
# STARTED_PID. $1 name, $2 port, then the java arguments
start_jvm() {
	local name="$1" port="$2" i
	shift 2
	mkdir -p "${WORK}/${name}"
	taskset -c "${JVM_CPU}" java "${JAVA_OPTS[@]}" "$@" >"${WORK}/${name}/error.log" 2>&1 &
	STARTED_PID=$!
	PIDS+=("${STARTED_PID}")
	for ((i = 0; i < START_TIMEOUT * 10; i++)); do
		alive "${STARTED_PID}" || die "${name} exited at start-up; its log: $(tail -n 40 "${WORK}/${name}/error.log")"
		curl -fsS --max-time 1 "http://127.0.0.1:${port}/" 2>/dev/null | grep backend >/dev/null && return 0
		sleep 0.1
	done
	die "${name} gave no proxied answer on port ${port} within ${START_TIMEOUT} s"
}

log "starting smart-stick on 127.0.0.1:${PORT_SS} (core ${JVM_CPU})"
start_jvm smart-stick "${PORT_SS}" -jar "${SAMPLE_JAR}" \
	--sample.demo-backends=false --server.address=127.0.0.1 --server.port="${PORT_SS}" \
	"--smartstick.backends[0].id=0" "--smartstick.backends[0].url=http://127.0.0.1:${PORT_B0}" \
	"--smartstick.backends[1].id=1" "--smartstick.backends[1].url=http://127.0.0.1:${PORT_B1}" \
	--smartstick.health.interval=10s --spring.main.banner-mode=off --logging.level.root=WARN
SS_PID="${STARTED_PID}"

# Gateway's own limit (Reactor Netty's 65,536 bytes per frame) would refuse the 64 KiB run:
# raised for the comparison, as a user of large messages would
log "starting the plain Gateway on 127.0.0.1:${PORT_GW} (core ${JVM_CPU})"
start_jvm gateway "${PORT_GW}" -jar "${BASELINE_JAR}" --server.address=127.0.0.1 --server.port="${PORT_GW}" \
	"--spring.cloud.discovery.client.simple.instances.backends[0].uri=http://127.0.0.1:${PORT_B0}" \
	"--spring.cloud.discovery.client.simple.instances.backends[1].uri=http://127.0.0.1:${PORT_B1}" \
	--spring.cloud.gateway.server.webflux.httpclient.websocket.max-frame-payload-length=16777216 \
	--spring.main.banner-mode=off --logging.level.root=WARN
GW_PID="${STARTED_PID}"

# --- 3. measure -----------------------------------------------------------------------------

TARGETS=(direct smart-stick gateway nginx)
declare -A LABEL=([direct]="direct to one echo backend" [smart-stick]="smart-stick"
	[gateway]="plain Spring Cloud Gateway" [nginx]="nginx")
declare -A PORT=([direct]="${PORT_B0}" [smart-stick]="${PORT_SS}" [gateway]="${PORT_GW}" [nginx]="${PORT_NGINX}")
# whose CPU time a target's messages cost (nginx: its master and worker)
declare -A PROXY_PID=([direct]="" [smart-stick]="${SS_PID}" [gateway]="${GW_PID}" [nginx]="${NGINX_PID}")
CLK_TCK="$(getconf CLK_TCK)"
RESULTS="${WORK}/results"
mkdir -p "${RESULTS}"

# one closed-loop run; prints "messages/s p50_ms p99_ms errors messages". $1 target, $2 size,
# $3 seconds measured, $4 seconds of client warm-up before them (default CLIENT_WARMUP)
run_load() {
	local target="$1" size="$2" seconds="$3" warmup="${4:-${CLIENT_WARMUP}}" out
	out="${RESULTS}/last.txt"
	timeout --kill-after=5 $((seconds + warmup + 60)) taskset -c "${LOAD_CPU}" \
		java -Xms256m -Xmx256m -jar "${TOOL_JAR}" load "ws://127.0.0.1:${PORT[${target}]}/ws" \
		"${CONNECTIONS}" "${size}" "${warmup}" "${seconds}" >"${out}" 2>"${RESULTS}/last-error.txt" \
		|| die "the load client failed against ${LABEL[${target}]} with ${size}-byte messages: $(cat "${out}" "${RESULTS}/last-error.txt")"
	tail -n1 "${out}"
}

# a JVM proxy's very first WebSocket session takes seconds (class loading, JIT on a shared core)
log "sanity: echoes through every target within 5 s"
for target in "${TARGETS[@]}"; do
	run_load "${target}" 64 5 0 >/dev/null
done

log "warm-up: ${WARMUP} s on each JVM proxy, split over the message sizes"
for target in smart-stick gateway; do
	for size in "${SIZES[@]}"; do
		run_load "${target}" "${size}" $((WARMUP / ${#SIZES[@]} > 0 ? WARMUP / ${#SIZES[@]} : 1)) >/dev/null
	done
done

MEASURE_T0=${SECONDS}
for ((round = 1; round <= ROUNDS; round++)); do
	for size in "${SIZES[@]}"; do
		for ((k = 0; k < ${#TARGETS[@]}; k++)); do
			target="${TARGETS[$(((k + round - 1) % ${#TARGETS[@]}))]}"
			# shellcheck disable=SC2086
			cpu0="$(proc_jiffies ${PROXY_PID[${target}]})"
			result="$(run_load "${target}" "${size}" "${DURATION}")"
			# shellcheck disable=SC2086
			cpu1="$(proc_jiffies ${PROXY_PID[${target}]})"
			read -r mps p50 p99 errors _ <<<"${result}"
			# the proxy's CPU time per echoed message (through it twice), over the run and its client warm-up
			cpu_us="$(awk -v j=$((cpu1 - cpu0)) -v hz="${CLK_TCK}" -v mps="${mps}" -v s=$((DURATION + CLIENT_WARMUP)) \
				-v proxy="${PROXY_PID[${target}]}" \
				'BEGIN { if (proxy == "" || mps == 0) print "n/a"; else printf "%.1f\n", j / hz * 1e6 / (mps * s) }')"
			echo "${round} ${result} ${cpu_us}" >>"${RESULTS}/${target}-${size}.tsv"
			log "round ${round}/${ROUNDS}, ${size} B, ${LABEL[${target}]}: $(fmt_int "${mps}") messages/s, p50 ${p50} ms, p99 ${p99} ms, errors ${errors}, proxy CPU ${cpu_us} us/message"
		done
	done
done
MEASURE_SECONDS=$((SECONDS - MEASURE_T0))

# --- 4. report ------------------------------------------------------------------------------

median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

results_table() {
	local size target f
	echo "| target | message | messages/s | p50 round trip (ms) | p99 round trip (ms) | errors | proxy CPU per message (µs) |"
	echo "|---|---:|---:|---:|---:|---:|---:|"
	for size in "${SIZES[@]}"; do
		for target in "${TARGETS[@]}"; do
			f="${RESULTS}/${target}-${size}.tsv"
			echo "| ${LABEL[${target}]} | ${size} B | $(fmt_int "$(awk '{ print $2 }' "${f}" | median)") | $(awk '{ print $3 }' "${f}" | median) | $(awk '{ print $4 }' "${f}" | median) | $(awk '{ s += $5 } END { print s + 0 }' "${f}") | $(awk '{ print $7 }' "${f}" | median) |"
		done
	done
}

STAMP="$(date +%Y-%m-%d-%H%M%S)"
mkdir -p "${BENCH_DIR}/out"
REPORT="${BENCH_DIR}/out/ws-report-${STAMP}.md"
COMMIT="$(git -C "${ROOT}" rev-parse --short HEAD 2>/dev/null || echo "not a git checkout")"
{
	echo "# smart-stick WebSocket benchmark, ${STAMP}"
	echo
	echo "Medians of ${ROUNDS} interleaved round(s) of ${DURATION} s per target and message size, after ${WARMUP} s"
	echo "of warm-up per JVM proxy. ${CONNECTIONS} connections, each a closed loop: one binary message, wait for its"
	echo "echo, send the next. How to read this: bench/README.md."
	echo
	echo "- machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- load client, echo backends and nginx on core ${LOAD_CPU}; smart-stick and the plain Gateway on core ${JVM_CPU}; heaps ${HEAP}"
	echo "- nginx: $("${NGINX}" -v 2>&1 | sed 's/^nginx version: //'), one worker; smart-stick commit ${COMMIT}"
	echo "- measuring took ${MEASURE_SECONDS} s"
	echo
	results_table
} >"${REPORT}"
echo
results_table
echo
log "report written to ${REPORT}"
