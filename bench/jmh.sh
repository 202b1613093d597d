#!/usr/bin/env bash
#
# smart-stick JMH benchmarks of the per-request hot path (cookie codec, backend selection,
# balancing strategies, per-backend counters), with the GC profiler for allocation per
# operation. Writes bench/out/jmh-<date>.txt (JMH's console output) and .json. See
# bench/README.md, section "JMH: the hot path".
#
# Usage (from anywhere):       bench/jmh.sh
# One benchmark class:         JMH_ARGS='StickyCookieCodec' bench/jmh.sh
# Contention on two cores:     JMH_CPUS=0,1 JMH_ARGS='BackendCounters' bench/jmh.sh
#
# Settings (environment variables):
#   JMH_FORKS=1             forked JVMs per benchmark (-f)
#   JMH_WARMUP=3            warm-up iterations (-wi)
#   JMH_WARMUP_TIME=1s      length of one warm-up iteration (-w)
#   JMH_ITERATIONS=5        measured iterations (-i)
#   JMH_TIME=1s             length of one measured iteration (-r)
#   JMH_ARGS=               extra JMH arguments, split on spaces: a benchmark regex,
#                           '-p backends=100', '-prof stack', ...
#   JMH_CPUS=<last core>    cores for taskset -c; empty (or no taskset) runs unpinned
#   JMH_TIMEOUT=1800        seconds the whole JMH run may take
#   JMH_SKIP_BUILD=0        1 reuses bench/jmh/target/benchmarks.jar
#
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${BENCH_DIR}/.." && pwd)"
JAR="${BENCH_DIR}/jmh/target/benchmarks.jar"
OUT="${BENCH_DIR}/out"
readonly BENCH_DIR ROOT JAR OUT

FORKS="${JMH_FORKS:-1}"
WARMUP="${JMH_WARMUP:-3}"
WARMUP_TIME="${JMH_WARMUP_TIME:-1s}"
ITERATIONS="${JMH_ITERATIONS:-5}"
TIME="${JMH_TIME:-1s}"
TIMEOUT="${JMH_TIMEOUT:-1800}"
SKIP_BUILD="${JMH_SKIP_BUILD:-0}"
CPUS="${JMH_CPUS-$(($(nproc) - 1))}"
read -r -a EXTRA_ARGS <<<"${JMH_ARGS:-}"

log() { printf '[jmh %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v java >/dev/null || die "java not found; install a JDK 17 or later"
command -v timeout >/dev/null || die "timeout not found; install coreutils"

if [[ "${SKIP_BUILD}" != 1 ]]; then
	log "building: ./mvnw -q -o -pl bench/jmh -am -DskipTests package"
	if ! (cd "${ROOT}" && timeout 900 ./mvnw -q -o -pl bench/jmh -am -DskipTests package); then
		log "offline build failed, retrying online"
		(cd "${ROOT}" && timeout 1800 ./mvnw -q -pl bench/jmh -am -DskipTests package) || die "build failed"
	fi
fi
[[ -f "${JAR}" ]] || die "${JAR} is missing; run without JMH_SKIP_BUILD=1"

PIN=()
if [[ -n "${CPUS}" ]] && command -v taskset >/dev/null; then
	PIN=(taskset -c "${CPUS}")
	log "pinned to core(s) ${CPUS}"
else
	log "not pinned (no taskset, or JMH_CPUS is empty)"
fi

mkdir -p "${OUT}"
STAMP="$(date +%Y-%m-%d-%H%M%S)"
TXT="${OUT}/jmh-${STAMP}.txt"
JSON="${OUT}/jmh-${STAMP}.json"
COMMAND=("${PIN[@]}" java -jar "${JAR}" -f "${FORKS}" -wi "${WARMUP}" -w "${WARMUP_TIME}"
	-i "${ITERATIONS}" -r "${TIME}" -prof gc -rf json -rff "${JSON}" "${EXTRA_ARGS[@]}")
log "running (at most ${TIMEOUT}s): ${COMMAND[*]}"
{
	echo "# bench/jmh.sh on $(uname -n), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "# ${COMMAND[*]}"
} >"${TXT}"
status=0
timeout --kill-after=10 "${TIMEOUT}" "${COMMAND[@]}" 2>&1 | tee -a "${TXT}" || status=$?
[[ "${status}" == 0 ]] || die "JMH exited with status ${status} (124: timed out after ${TIMEOUT}s); see ${TXT}"
log "results: ${TXT}"
log "         ${JSON}"
