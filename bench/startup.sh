#!/usr/bin/env bash
#
# smart-stick start-up benchmark: how long the sample takes from launching `java` to its
# first proxied answer, for several ways of starting it (plain jar, extracted jar, CDS, Spring
# AOT, lazy initialisation, JVM flags, JDK 25's AOT cache), pinned to one core and on all
# cores. Writes a markdown report to bench/out/startup-<date>.md. See "Start-up" in
# bench/README.md.
#
# Usage (from anywhere):           bench/startup.sh [variant ...]
# Quick run:                       STARTUP_RUNS=1 STARTUP_MODES=pinned bench/startup.sh jar cds
# Where the time goes (no timing): bench/startup.sh --steps
#
# Settings (environment variables):
#   STARTUP_RUNS=3          runs of every variant in every mode; the report shows medians
#   STARTUP_MODES="pinned unpinned"
#                           pinned: taskset -c STARTUP_CPU; unpinned: all cores
#   STARTUP_CPU=1           core for the JVM when pinned
#   STARTUP_LOAD_CPU=0      core for the nginx backends
#   STARTUP_HEAP=256m       JVM -Xms and -Xmx
#   STARTUP_TIMEOUT=120     seconds a JVM may take to give its first proxied answer
#   STARTUP_JAVA=java       JDK 17 (or later) java for the JDK 17 variants
#   STARTUP_JAVA25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
#                           JDK 25 java for the jdk25-* variants (skipped if missing)
#   STARTUP_SKIP_BUILD=0    1 reuses the jars already built (the aot-* variants need
#                           smart-stick-sample/target/aot/*.jar from the aot profile)
#   STARTUP_MVN_ARGS=       extra Maven arguments, e.g. -o to build offline
#
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${BENCH_DIR}/.." && pwd)"
readonly BENCH_DIR ROOT

RUNS="${STARTUP_RUNS:-3}"
read -r -a MODES <<<"${STARTUP_MODES:-pinned unpinned}"
JVM_CPU="${STARTUP_CPU:-1}"
LOAD_CPU="${STARTUP_LOAD_CPU:-0}"
HEAP="${STARTUP_HEAP:-256m}"
START_TIMEOUT="${STARTUP_TIMEOUT:-120}"
JAVA17="${STARTUP_JAVA:-java}"
JAVA25="${STARTUP_JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
SKIP_BUILD="${STARTUP_SKIP_BUILD:-0}"
read -r -a MVN_ARGS <<<"${STARTUP_MVN_ARGS:-}"

# every variant, in report order; `bench/startup.sh NAME ...` runs only those
ALL_VARIANTS=(jar extracted cds cds-request aot aot-cds lazy c1 serial-gc no-share
	fast17 jdk25 jdk25-aot-cache jdk25-aot-cache-request jdk25-aot-cache-spring-aot fast25)

PIDS=()   # every process this script started and that may still run, stopped by the trap
WORK=""

log() { printf '[startup %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[startup] ERROR: %s\n' "$*" >&2; exit 1; }
# shellcheck source=bench/lib.sh
source "${BENCH_DIR}/lib.sh"

# --- clean-up: stop what we started, by PID -------------------------------------------------

stop_everything_on_exit

# --- helpers --------------------------------------------------------------------------------

median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "n/a"; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

CLK_TCK="$(getconf CLK_TCK)"

# CPU time (user + system, all threads) a process has used so far, in ms
cpu_ms() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk -v hz="${CLK_TCK}" '{ printf "%.0f\n", ($12 + $13) * 1000 / hz }'
}

# busy percentage of each core over 2 s: how much other processes use the machine
cores_busy() {
	local a b
	a="$(grep -E '^cpu[0-9]+ ' /proc/stat)"
	sleep 2
	b="$(grep -E '^cpu[0-9]+ ' /proc/stat)"
	printf '%s\n%s\n' "${a}" "${b}" | awk '{
		idle = $5 + $6; total = 0
		for (i = 2; i <= NF; i++) total += $i
		if ($1 in t) { printf "%s %.0f%%  ", $1, 100 * (1 - (idle - i0[$1]) / (total - t[$1])) } else { t[$1] = total; i0[$1] = idle }
	} END { print "" }'
}

# --- 1. tools and arguments -----------------------------------------------------------------

for tool in curl python3 taskset timeout "${JAVA17}"; do
	command -v "${tool}" >/dev/null || die "${tool} is missing (bench/run.sh installs what the benchmarks need)"
done
NGINX="$(command -v nginx || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true)"
HAVE_JAVA25=0
[[ -x "${JAVA25}" ]] && HAVE_JAVA25=1

STEPS_ONLY=0
VARIANTS=()
for arg in "$@"; do
	case "${arg}" in
		--steps) STEPS_ONLY=1 ;;
		-h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
		*)
			[[ " ${ALL_VARIANTS[*]} " == *" ${arg} "* ]] || die "unknown variant '${arg}'; known: ${ALL_VARIANTS[*]}"
			VARIANTS+=("${arg}")
			;;
	esac
done
((${#VARIANTS[@]})) || VARIANTS=("${ALL_VARIANTS[@]}")
if ((!HAVE_JAVA25)); then
	kept=()
	for v in "${VARIANTS[@]}"; do
		[[ "${v}" == jdk25* || "${v}" == fast25 ]] || kept+=("${v}")
	done
	((${#kept[@]} == ${#VARIANTS[@]})) || log "no JDK 25 at ${JAVA25}: skipping the JDK 25 variants"
	VARIANTS=("${kept[@]}")
fi
[[ "${RUNS}" =~ ^[1-9][0-9]*$ ]] || die "STARTUP_RUNS must be a positive integer, got '${RUNS}'"
for mode in "${MODES[@]}"; do
	[[ "${mode}" == pinned || "${mode}" == unpinned ]] || die "STARTUP_MODES takes pinned and unpinned, got '${mode}'"
done
NPROC="$(nproc)"
((NPROC > JVM_CPU && NPROC > LOAD_CPU)) || die "needs cores ${JVM_CPU} and ${LOAD_CPU} (nproc is ${NPROC})"

needs_aot() {
	local v
	for v in "${VARIANTS[@]}"; do
		case "${v}" in aot | aot-cds | fast17 | jdk25-aot-cache-spring-aot | fast25) return 0 ;; esac
	done
	return 1
}

# --- 2. build -------------------------------------------------------------------------------

SAMPLE_JAR="${ROOT}/smart-stick-sample/target/smart-stick-sample-0.1.0-SNAPSHOT.jar"
AOT_JAR="${ROOT}/smart-stick-sample/target/aot/smart-stick-sample-0.1.0-SNAPSHOT.jar"
if [[ "${SKIP_BUILD}" != 1 ]]; then
	log "building the sample jar: ./mvnw -q -DskipTests package ${MVN_ARGS[*]}"
	(cd "${ROOT}" && timeout 1800 ./mvnw -q -DskipTests "${MVN_ARGS[@]}" package) \
		|| die "building smart-stick failed (see Maven's output above)"
	if needs_aot; then
		# the AOT build evaluates @Conditional at build time, so it must see the same
		# sample.demo-backends as the runs below (see "Start-up" in bench/README.md)
		log "building the Spring AOT jar: ./mvnw -q -Paot -DskipTests -Dspring-boot.aot.jvmArguments=-Dsample.demo-backends=false package"
		(cd "${ROOT}" && timeout 1800 ./mvnw -q -Paot -DskipTests "-Dspring-boot.aot.jvmArguments=-Dsample.demo-backends=false" \
			"${MVN_ARGS[@]}" package) >/dev/null || die "building the aot profile failed; run it by hand to see why"
	fi
fi
[[ -f "${SAMPLE_JAR}" ]] || die "no ${SAMPLE_JAR}; run without STARTUP_SKIP_BUILD=1"
if needs_aot && [[ ! -f "${AOT_JAR}" ]]; then
	die "no ${AOT_JAR}: build it with ./mvnw -Paot -DskipTests -Dspring-boot.aot.jvmArguments=-Dsample.demo-backends=false package"
fi

WORK="$(mktemp -d /tmp/smart-stick-startup.XXXXXX)"
chmod 755 "${WORK}"
# private copies: a rebuild while this runs must not change what is measured
cp "${SAMPLE_JAR}" "${WORK}/app.jar"
[[ ! -f "${AOT_JAR}" ]] || ! needs_aot || cp "${AOT_JAR}" "${WORK}/app-aot.jar"

# --- 3. backends ----------------------------------------------------------------------------

read -r PORT_B0 PORT_B1 PORT_APP <<<"$(free_ports 3)"
[[ -n "${PORT_APP:-}" ]] || die "could not find free loopback ports with python3"

# waits (bounded) until URL answers with a body containing "backend"
wait_backend() {
	local pid="$1" url="$2" i
	for ((i = 0; i < 100; i++)); do
		alive "${pid}" || die "the backend for ${url} exited at start-up"
		curl -fsS --max-time 1 "${url}" 2>/dev/null | grep backend >/dev/null && return 0
		sleep 0.1
	done
	die "no backend answered on ${url} within 10 s"
}

if [[ -n "${NGINX}" ]]; then
	mkdir -p "${WORK}/nginx/tmp"
	NGINX_USER=""
	if [[ "$(id -u)" == 0 ]] && id www-data >/dev/null 2>&1; then
		NGINX_USER="user www-data www-data;"
	fi
	cat >"${WORK}/nginx/nginx.conf" <<EOF
${NGINX_USER}
daemon off;
worker_processes 1;
pid ${WORK}/nginx/nginx.pid;
error_log ${WORK}/nginx/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path ${WORK}/nginx/tmp/body;
	proxy_temp_path ${WORK}/nginx/tmp/proxy;
	fastcgi_temp_path ${WORK}/nginx/tmp/fastcgi;
	uwsgi_temp_path ${WORK}/nginx/tmp/uwsgi;
	scgi_temp_path ${WORK}/nginx/tmp/scgi;
	server { listen 127.0.0.1:${PORT_B0}; location / { default_type text/plain; return 200 "Hello from backend 0\n"; } }
	server { listen 127.0.0.1:${PORT_B1}; location / { default_type text/plain; return 200 "Hello from backend 1\n"; } }
}
EOF
	taskset -c "${LOAD_CPU}" "${NGINX}" -p "${WORK}/nginx" -e "${WORK}/nginx/error.log" -c "${WORK}/nginx/nginx.conf" \
		>"${WORK}/nginx/stdout.log" 2>&1 &
	PIDS+=($!)
	wait_backend "$!" "http://127.0.0.1:${PORT_B0}/"
	wait_backend "${PIDS[-1]}" "http://127.0.0.1:${PORT_B1}/"
	BACKENDS="nginx (one master, one worker, core ${LOAD_CPU})"
else
	for b in 0 1; do
		port="PORT_B${b}"
		mkdir -p "${WORK}/backend${b}"
		echo "Hello from backend ${b}" >"${WORK}/backend${b}/index.html"
		taskset -c "${LOAD_CPU}" python3 -m http.server --bind 127.0.0.1 --directory "${WORK}/backend${b}" "${!port}" \
			>"${WORK}/backend${b}.log" 2>&1 &
		PIDS+=($!)
		wait_backend "$!" "http://127.0.0.1:${!port}/"
	done
	BACKENDS="python3 -m http.server (core ${LOAD_CPU})"
fi
log "backends on 127.0.0.1:${PORT_B0} and 127.0.0.1:${PORT_B1}: ${BACKENDS}"

APP_ARGS=(
	--sample.demo-backends=false
	--server.address=127.0.0.1
	--server.port="${PORT_APP}"
	"--smartstick.backends[0].id=0" "--smartstick.backends[0].url=http://127.0.0.1:${PORT_B0}"
	"--smartstick.backends[1].id=1" "--smartstick.backends[1].url=http://127.0.0.1:${PORT_B1}"
	--smartstick.health.interval=10s
	--spring.main.banner-mode=off
	--logging.level.root=WARN
	# keeps the "Started ... in X seconds" line
	--logging.level.io.smartstick.sample.SampleApplication=INFO
)
HEAP_OPTS=(-Xms"${HEAP}" -Xmx"${HEAP}")

# --- 4. the variants ------------------------------------------------------------------------

# sets V_JAVA, V_OPTS (JVM options), V_JAR, V_ARGS (extra application arguments), V_CACHE
# (a CDS archive or AOT cache file the variant needs, made by a training run), V_TRAIN
# (refresh: Spring's documented -Dspring.context.exit=onRefresh; request: a full start plus
# proxied requests, then SIGTERM) and V_DESC for variant $1
variant() {
	V_JAVA="${JAVA17}" V_OPTS=() V_JAR="${WORK}/app.jar" V_ARGS=() V_CACHE="" V_TRAIN="" V_DESC=""
	case "$1" in
		jar) V_DESC="\`java -jar app.jar\` (JDK 17)" ;;
		extracted)
			V_JAR="${WORK}/ext/app.jar"
			V_DESC="extracted: \`java -Djarmode=tools -jar app.jar extract\`, then \`java -jar app/app.jar\`" ;;
		cds)
			V_JAR="${WORK}/ext/app.jar" V_CACHE="${WORK}/cds.jsa" V_TRAIN=refresh
			V_OPTS=(-XX:SharedArchiveFile="${V_CACHE}")
			V_DESC="extracted + CDS archive (\`-XX:SharedArchiveFile\`), trained with \`-Dspring.context.exit=onRefresh\`" ;;
		cds-request)
			V_JAR="${WORK}/ext/app.jar" V_CACHE="${WORK}/cds-request.jsa" V_TRAIN=request
			V_OPTS=(-XX:SharedArchiveFile="${V_CACHE}")
			V_DESC="extracted + CDS archive trained by a full start and proxied requests" ;;
		aot)
			V_JAR="${WORK}/app-aot.jar" V_OPTS=(-Dspring.aot.enabled=true)
			V_DESC="Spring AOT (\`-Paot\` jar, \`-Dspring.aot.enabled=true\`)" ;;
		aot-cds)
			V_JAR="${WORK}/ext-aot/app-aot.jar" V_CACHE="${WORK}/aot-cds.jsa" V_TRAIN=refresh
			V_OPTS=(-Dspring.aot.enabled=true -XX:SharedArchiveFile="${V_CACHE}")
			V_DESC="Spring AOT + extracted + CDS (onRefresh training)" ;;
		lazy)
			V_ARGS=(--spring.main.lazy-initialization=true)
			V_DESC="\`--spring.main.lazy-initialization=true\`" ;;
		c1)
			V_OPTS=(-XX:TieredStopAtLevel=1)
			V_DESC="\`-XX:TieredStopAtLevel=1\` (C1 only; lowers peak throughput)" ;;
		serial-gc)
			V_OPTS=(-XX:+UseSerialGC)
			V_DESC="\`-XX:+UseSerialGC\` (already the default on one core)" ;;
		no-share)
			V_OPTS=(-Xshare:off)
			V_DESC="\`-Xshare:off\`: no CDS at all, to show what the JDK's default CDS archive gives" ;;
		fast17)
			V_JAR="${WORK}/ext-aot/app-aot.jar" V_CACHE="${WORK}/fast17.jsa" V_TRAIN=refresh
			V_OPTS=(-Dspring.aot.enabled=true -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:SharedArchiveFile="${V_CACHE}")
			V_DESC="JDK 17 combined: Spring AOT + extracted + CDS + \`-XX:TieredStopAtLevel=1 -XX:+UseSerialGC\`" ;;
		jdk25)
			V_JAVA="${JAVA25}"
			V_DESC="\`java -jar app.jar\` on JDK 25" ;;
		jdk25-aot-cache)
			V_JAVA="${JAVA25}" V_JAR="${WORK}/ext/app.jar" V_CACHE="${WORK}/jdk25.aot" V_TRAIN=refresh
			V_OPTS=(-XX:AOTCache="${V_CACHE}")
			V_DESC="JDK 25, extracted + AOT cache (\`-XX:AOTCacheOutput\`, onRefresh training)" ;;
		jdk25-aot-cache-request)
			V_JAVA="${JAVA25}" V_JAR="${WORK}/ext/app.jar" V_CACHE="${WORK}/jdk25-request.aot" V_TRAIN=request
			V_OPTS=(-XX:AOTCache="${V_CACHE}")
			V_DESC="JDK 25, extracted + AOT cache trained by a full start and proxied requests" ;;
		jdk25-aot-cache-spring-aot)
			V_JAVA="${JAVA25}" V_JAR="${WORK}/ext-aot/app-aot.jar" V_CACHE="${WORK}/jdk25-spring-aot.aot" V_TRAIN=refresh
			V_OPTS=(-Dspring.aot.enabled=true -XX:AOTCache="${V_CACHE}")
			V_DESC="JDK 25, Spring AOT + extracted + AOT cache (onRefresh training)" ;;
		fast25)
			V_JAVA="${JAVA25}" V_JAR="${WORK}/ext-aot/app-aot.jar" V_CACHE="${WORK}/fast25.aot" V_TRAIN=refresh
			V_OPTS=(-Dspring.aot.enabled=true -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:AOTCache="${V_CACHE}")
			V_DESC="JDK 25 combined: Spring AOT + extracted + AOT cache (onRefresh training) + \`-XX:TieredStopAtLevel=1 -XX:+UseSerialGC\`" ;;
		*) die "unknown variant $1" ;;
	esac
}

# extracted layouts (Spring Boot's CDS- and AOT-cache-friendly form: app.jar + lib/)
"${JAVA17}" -Djarmode=tools -jar "${WORK}/app.jar" extract --destination "${WORK}/ext" >/dev/null \
	|| die "extracting app.jar failed"
if [[ -f "${WORK}/app-aot.jar" ]]; then
	"${JAVA17}" -Djarmode=tools -jar "${WORK}/app-aot.jar" extract --destination "${WORK}/ext-aot" >/dev/null \
		|| die "extracting app-aot.jar failed"
fi

# starts the JVM of variant $1 (already set by `variant`) and waits until it gives its first
# proxied answer; $2 taskset CPU list or "" for all cores, $3 log file, then extra JVM
# options; sets STARTED_PID, FIRST_MS (launch -> first answer) and CPU_MS (CPU time used by
# then), or returns 1 if it exits or does not answer within STARTUP_TIMEOUT. A slow first
# answer is waited for (curl --max-time 30), not cut off and retried.
launch() {
	local name="$1" cpus="$2" logfile="$3" t0 deadline cmd
	shift 3
	cmd=("${V_JAVA}" "${HEAP_OPTS[@]}" "$@" "${V_OPTS[@]}" -jar "${V_JAR}" "${APP_ARGS[@]}" "${V_ARGS[@]+"${V_ARGS[@]}"}")
	[[ -z "${cpus}" ]] || cmd=(taskset -c "${cpus}" "${cmd[@]}")
	t0="$(now_ms)"
	# from the extracted directory, as Spring Boot documents it (the jar's lib/ is relative)
	(cd "$(dirname "${V_JAR}")" && exec "${cmd[@]}") >"${logfile}" 2>&1 &
	STARTED_PID=$!
	PIDS+=("${STARTED_PID}")
	deadline=$((t0 + START_TIMEOUT * 1000))
	while :; do
		if ! alive "${STARTED_PID}"; then
			tail -n 40 "${logfile}" >&2 || true
			log "${name} exited during start-up (log above, from ${logfile}): ${cmd[*]}"
			return 1
		fi
		if curl -fsS --max-time 30 "http://127.0.0.1:${PORT_APP}/" 2>/dev/null | grep backend >/dev/null; then
			FIRST_MS=$(($(now_ms) - t0))
			CPU_MS="$(cpu_ms "${STARTED_PID}")"
			return 0
		fi
		if (($(now_ms) > deadline)); then
			tail -n 40 "${logfile}" >&2 || true
			log "${name} gave no proxied answer within ${START_TIMEOUT} s (log above); CPU used: $(cpu_ms "${STARTED_PID}") ms"
			return 1
		fi
		sleep 0.02
	done
}

# training run of variant $1 on all cores: writes V_CACHE
train() {
	local name="$1" logfile="${WORK}/train-$1.log" opts=() i
	case "${V_CACHE}" in
		*.jsa) opts=(-XX:ArchiveClassesAtExit="${V_CACHE}") ;;
		*.aot) opts=(-XX:AOTCacheOutput="${V_CACHE}") ;;
	esac
	local run_opts=()
	for i in "${V_OPTS[@]}"; do
		case "${i}" in -XX:SharedArchiveFile=* | -XX:AOTCache=*) ;; *) run_opts+=("${i}") ;; esac
	done
	local saved=("${V_OPTS[@]}")
	V_OPTS=("${run_opts[@]+"${run_opts[@]}"}" "${opts[@]}")
	if [[ "${V_TRAIN}" == refresh ]]; then
		log "training ${name} (-Dspring.context.exit=onRefresh)"
		local cmd=("${V_JAVA}" "${HEAP_OPTS[@]}" -Dspring.context.exit=onRefresh "${V_OPTS[@]}" -jar "${V_JAR}"
			"${APP_ARGS[@]}" "${V_ARGS[@]+"${V_ARGS[@]}"}")
		(cd "$(dirname "${V_JAR}")" && timeout 600 "${cmd[@]}") >"${logfile}" 2>&1 \
			|| { tail -n 40 "${logfile}" >&2; die "training run of ${name} failed (log above)"; }
	else
		log "training ${name} (full start, 20 proxied requests, the status endpoint, then SIGTERM)"
		launch "${name}" "" "${logfile}" || die "training run of ${name} failed"
		for ((i = 0; i < 20; i++)); do
			curl -fsS --max-time 10 "http://127.0.0.1:${PORT_APP}/" >/dev/null || true
			curl -fsS --max-time 10 -H 'Cookie: X-Backend-ID=0' "http://127.0.0.1:${PORT_APP}/" >/dev/null || true
		done
		curl -fsS --max-time 10 "http://127.0.0.1:${PORT_APP}/_lb/health" >/dev/null || true
		curl -fsS --max-time 10 "http://127.0.0.1:${PORT_APP}/actuator/health" >/dev/null || true
		# the archive or cache is written at exit, which takes a while: wait up to 10 minutes
		stop_started "${STARTED_PID}" 600
	fi
	V_OPTS=("${saved[@]}")
	[[ -s "${V_CACHE}" ]] || { tail -n 40 "${logfile}" >&2; die "training run of ${name} wrote no ${V_CACHE} (log above)"; }
	log "  $(basename "${V_CACHE}"): $(du -h "${V_CACHE}" | cut -f1)"
}

# --- 4a. where the time goes ----------------------------------------------------------------

if ((STEPS_ONLY)); then
	mkdir -p "${WORK}/steps"
	javac -proc:none -nowarn -cp "${WORK}/ext/app.jar:${WORK}/ext/lib/*" -d "${WORK}/steps" \
		"${BENCH_DIR}/startup/StartupSteps.java" || die "compiling bench/startup/StartupSteps.java failed"
	log "JVM pinned to core ${JVM_CPU}: Spring's BufferingApplicationStartup on the extracted jar"
	(cd "${WORK}/ext" && taskset -c "${JVM_CPU}" "${JAVA17}" "${HEAP_OPTS[@]}" -cp "app.jar:${WORK}/steps" \
		StartupSteps "${APP_ARGS[@]}") 2>&1 | grep -v -E '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' || true
	exit 0
fi

# --- 5. measure -----------------------------------------------------------------------------

log "before starting anything, other processes keep the cores busy: $(cores_busy)"
LOADAVG_START="$(cut -d' ' -f1-3 /proc/loadavg)"
for v in "${VARIANTS[@]}"; do
	variant "${v}"
	[[ -z "${V_CACHE}" ]] || train "${v}"
done

RESULTS="${WORK}/results.tsv"   # mode variant run first_ms started_s uptime_s cpu_ms
CHECKS="${WORK}/checks.tsv"     # mode variant run checks...
: >"${RESULTS}"
: >"${CHECKS}"

# behaviour right after the first answer: health checks, actuator health, sticky cookie,
# ports the JVM listens on besides its own; one tab-separated line
checks() {
	local pid="$1" t0="$2" logfile="$3" lb health cookie sticky ports down checked="" i
	lb="$(curl -fsS --max-time 10 "http://127.0.0.1:${PORT_APP}/_lb/health" 2>/dev/null || true)"
	local healthy_now checked_now
	healthy_now="$(grep -o '"healthy":[0-9]*' <<<"${lb}" | head -n1 | cut -d: -f2)"
	checked_now="$(grep -o '"lastChecked":"' <<<"${lb}" | wc -l)"
	# both backends checked at least once: how long after launch (bounded, 15 s)
	for ((i = 0; i < 150; i++)); do
		lb="$(curl -fsS --max-time 5 "http://127.0.0.1:${PORT_APP}/_lb/health" 2>/dev/null || true)"
		if (($(grep -o '"lastChecked":"' <<<"${lb}" | wc -l) >= 2)); then
			checked="$(($(now_ms) - t0))"
			break
		fi
		sleep 0.1
	done
	health="$(curl -sS --max-time 10 "http://127.0.0.1:${PORT_APP}/actuator/health" 2>/dev/null \
		| python3 -c 'import json, sys
d = json.load(sys.stdin)
print(d.get("status"), ",".join(k + "=" + v.get("status", "?") for k, v in sorted(d.get("components", {}).items())))' 2>/dev/null || echo "no answer")"
	cookie="$(curl -sS -o /dev/null -D - --max-time 10 "http://127.0.0.1:${PORT_APP}/" 2>/dev/null | grep -i -c '^set-cookie: X-Backend-ID=' || true)"
	sticky="$(for i in 1 2 3; do curl -sS -o /dev/null -D - --max-time 10 -H 'Cookie: X-Backend-ID=1' "http://127.0.0.1:${PORT_APP}/" \
		| tr -d '\r' | awk -F': ' 'tolower($1) == "x-backend-id" { print $2 }'; done | sort -u | tr '\n' ' ')"
	ports="$(ss -ltnpH 2>/dev/null | awk -v p="pid=${pid}," -v own=":${PORT_APP}" 'index($0, p) && $4 !~ own"$" { print $4 }' | tr '\n' ' ')"
	down="$(grep -c ' is down: ' "${logfile}" || true)"
	printf 'healthy at first answer: %s, checked: %s/2\tboth checked after: %s ms\tactuator: %s\tcookie set: %s\tsticky to 1: %s\tbackends logged down: %s\tother ports: %s\n' \
		"${healthy_now:-?}" "${checked_now}" "${checked:-never (15 s)}" "${health}" "${cookie}" "${sticky:-none}" "${down}" "${ports:-none}"
}

total=$((${#MODES[@]} * RUNS * ${#VARIANTS[@]}))
n=0
for mode in "${MODES[@]}"; do
	cpus=""
	[[ "${mode}" == unpinned ]] || cpus="${JVM_CPU}"
	for ((run = 1; run <= RUNS; run++)); do
		# rotate the order every run, so no variant always follows the same one
		count=${#VARIANTS[@]}
		for ((k = 0; k < count; k++)); do
			v="${VARIANTS[$(((k + run - 1) % count))]}"
			n=$((n + 1))
			variant "${v}"
			logfile="${WORK}/${mode}-${v}-${run}.log"
			t0="$(now_ms)"
			if ! launch "${v}" "${cpus}" "${logfile}"; then
				printf '%s\t%s\t%s\tfail\tn/a\tn/a\tn/a\n' "${mode}" "${v}" "${run}" >>"${RESULTS}"
				printf '%s\t%s\t%s\tfailed: no answer within %s s, or exited\n' "${mode}" "${v}" "${run}" "${START_TIMEOUT}" >>"${CHECKS}"
				stop_started "${STARTED_PID}"
				log "[${n}/${total}] ${mode} ${v} run ${run}: FAILED (counted in the report, not in the medians)"
				continue
			fi
			started="$(grep -o 'Started [A-Za-z]* in [0-9.]* seconds (process running for [0-9.]*)' "${logfile}" | head -n1 || true)"
			started_s="$(awk '{ print $4 }' <<<"${started}")"
			uptime_s="$(awk '{ gsub(/\)/, ""); print $NF }' <<<"${started}")"
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${mode}" "${v}" "${run}" "${FIRST_MS}" "${started_s:-n/a}" "${uptime_s:-n/a}" "${CPU_MS}" >>"${RESULTS}"
			printf '%s\t%s\t%s\t%s\n' "${mode}" "${v}" "${run}" "$(checks "${STARTED_PID}" "${t0}" "${logfile}")" >>"${CHECKS}"
			stop_started "${STARTED_PID}"
			log "[${n}/${total}] ${mode} ${v} run ${run}: first answer ${FIRST_MS} ms, Started in ${started_s:-?} s (JVM up ${uptime_s:-?} s), CPU ${CPU_MS} ms"
		done
	done
done
LOADAVG_END="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- 6. report ------------------------------------------------------------------------------

med() { awk -F'\t' -v m="$1" -v v="$2" -v c="$3" '$1 == m && $2 == v && $c != "n/a" && $4 != "fail" { print $c }' "${RESULTS}" | median; }
failed() { awk -F'\t' -v v="$1" '$2 == v && $4 == "fail" { n++ } END { print n + 0 }' "${RESULTS}"; }
ms_of() { awk -v s="$1" 'BEGIN { if (s == "n/a") print s; else printf "%.0f\n", s * 1000 }'; }

table() {
	local header="| variant |" rule="|---|" mode v row
	for mode in "${MODES[@]}"; do
		header+=" ${mode}: first answer | Started in | JVM up at Started | CPU used |"
		rule+="---:|---:|---:|---:|"
	done
	echo "${header} failed runs |"
	echo "${rule}---:|"
	for v in "${VARIANTS[@]}"; do
		row="| ${v} |"
		for mode in "${MODES[@]}"; do
			row+=" $(med "${mode}" "${v}" 4) | $(ms_of "$(med "${mode}" "${v}" 5)") | $(ms_of "$(med "${mode}" "${v}" 6)") | $(med "${mode}" "${v}" 7) |"
		done
		echo "${row} $(failed "${v}") |"
	done
}

STAMP="$(date +%Y-%m-%d-%H%M%S)"
OUT_DIR="${BENCH_DIR}/out"
mkdir -p "${OUT_DIR}/startup-raw-${STAMP}"
REPORT="${OUT_DIR}/startup-${STAMP}.md"
cp "${RESULTS}" "${CHECKS}" "${WORK}"/*.log "${OUT_DIR}/startup-raw-${STAMP}/" 2>/dev/null || true
{
	echo "# smart-stick start-up, ${STAMP}"
	echo
	echo "Medians of ${RUNS} run(s), in ms. *first answer*: from launching \`java\` to the first"
	echo "successful proxied answer (curl every 20 ms). *Started in*: Spring Boot's own \"Started ... in\""
	echo "(from SpringApplication.run, without JVM start). *JVM up at Started*: its \"process running for\"."
	echo "*CPU used*: user + system CPU time of the JVM (all threads) by the first answer; it depends"
	echo "less on other processes than the wall-clock times. pinned: \`taskset -c ${JVM_CPU}\`; unpinned: all ${NPROC} cores."
	echo "Every JVM: \`-Xms${HEAP} -Xmx${HEAP}\`, the sample jar with \`--sample.demo-backends=false\`, two backends."
	echo
	echo "- load average (1, 5, 15 min) before: ${LOADAVG_START}; after: ${LOADAVG_END}"
	echo "- backends: ${BACKENDS}"
	echo "- $("${JAVA17}" -version 2>&1 | head -n2 | tail -n1)"
	((HAVE_JAVA25)) && echo "- $("${JAVA25}" -version 2>&1 | head -n2 | tail -n1)"
	echo
	table
	echo
	echo "## Variants"
	echo
	for v in "${VARIANTS[@]}"; do
		variant "${v}"
		echo "- **${v}**: ${V_DESC}"
	done
	echo
	echo "## Behaviour right after the first answer (first run of each)"
	echo
	for mode in "${MODES[@]}"; do
		for v in "${VARIANTS[@]}"; do
			echo "- ${mode} ${v}: $(awk -F'\t' -v m="${mode}" -v v="${v}" '$1 == m && $2 == v && $3 == 1 { $1 = $2 = $3 = ""; print }' "${CHECKS}" | sed 's/^ *//')"
		done
	done
	echo
	echo "Raw results and JVM logs: bench/out/startup-raw-${STAMP}/"
} >"${REPORT}"
echo
table
echo
log "report written to ${REPORT}"
