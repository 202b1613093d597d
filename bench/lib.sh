# shellcheck shell=bash
# Shared helpers of the bench scripts (run.sh, scale.sh, startup.sh, chaos.sh, ws.sh), sourced after
# they define log and die. Several of them read the caller's globals: WORK (wait_http, cleanup),
# LOAD_CPU and JVM_CPU (cores_busy_jiffies), POLICY_RC_CREATED (apt_install, cleanup), PIDS (cleanup,
# forget_pid).

# whether a PID is a live process (a child that exited but was not reaped yet is a zombie)
alive() {
	local state
	state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
	[[ -n "${state}" && "${state}" != Z ]]
}

# N free loopback ports, all distinct: bound to port 0 together, then released
free_ports() {
	python3 -c 'import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()' "$1"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

fmt_int() { awk -v v="$1" 'BEGIN { printf "%.0f\n", v }'; }

children_of() { cat "/proc/$1/task/$1/children" 2>/dev/null || true; }

# CPU time (jiffies, user + system) of the given processes and their children
proc_jiffies() {
	local pid child total=0 t
	for pid in "$@"; do
		for child in "${pid}" $(children_of "${pid}"); do
			t="$(sed 's/.*) //' "/proc/${child}/stat" 2>/dev/null | awk '{ print $12 + $13 }' || true)"
			total=$((total + ${t:-0}))
		done
	done
	echo "${total}"
}

# CPU time (jiffies) the pinned cores spent busy (user, nice, system, steal)
cores_busy_jiffies() {
	awk -v a="cpu${LOAD_CPU}" -v b="cpu${JVM_CPU}" '$1 == a || $1 == b { busy += $2 + $3 + $4 + $9 } END { print busy + 0 }' /proc/stat
}

# waits (bounded) until URL answers 200 with a body containing "backend"; $1 pid, $2 url, $3 name
wait_http() {
	local pid="$1" url="$2" name="$3" i
	for ((i = 0; i < 100; i++)); do
		alive "${pid}" || die "${name} exited at start-up; its log: $(cat "${WORK}/${name}/error.log" 2>/dev/null)"
		if curl -fsS --max-time 1 "${url}" 2>/dev/null | grep backend >/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	die "${name} did not answer on ${url} within 10 s"
}

backend_server() {
	cat <<EOF
	server {
		listen 127.0.0.1:$1;
		location / {
			default_type text/plain;
			return 200 "Hello from backend $2\n";
		}
	}
EOF
}

# stops a process we started, by PID: SIGTERM, then SIGKILL after $2 seconds (default 15)
stop_pid() {
	local pid="$1" wait_s="${2:-15}" i
	kill -TERM "${pid}" 2>/dev/null || true
	for ((i = 0; i < wait_s * 10; i++)); do
		alive "${pid}" || break
		sleep 0.1
	done
	if alive "${pid}"; then
		log "PID ${pid} ignored SIGTERM for ${wait_s} s, sending SIGKILL"
		kill -KILL "${pid}" 2>/dev/null || true
	fi
	wait "${pid}" 2>/dev/null || true
}

# forgets a PID once it is stopped and reaped, so the clean-up never signals a reused PID
forget_pid() {
	local pid keep=()
	for pid in "${PIDS[@]}"; do
		[[ "${pid}" == "$1" ]] || keep+=("${pid}")
	done
	PIDS=("${keep[@]+"${keep[@]}"}")
}

# stops one process we started, before the end of the run, and forgets it; $2 as for stop_pid
stop_started() {
	stop_pid "$1" "${2:-15}"
	forget_pid "$1"
}

# installs Debian packages as root, refreshing the package lists once if that fails; sets and
# clears POLICY_RC_CREATED, which the caller's clean-up checks
apt_install() {
	local missing=("$@")
	[[ "$(id -u)" == 0 ]] || die "missing ${missing[*]}: run as root, or install them with apt-get first"
	command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get to install them (Debian expected)"
	log "installing ${missing[*]} from Debian packages"
	export DEBIAN_FRONTEND=noninteractive
	# do not let the nginx package start its own service on port 80: this script runs its own
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		POLICY_RC_CREATED=1
	fi
	if ! timeout 900 apt-get install -y -q "${missing[@]}"; then
		log "apt-get install failed; refreshing the package lists once"
		timeout 600 apt-get update -q || die "apt-get update failed"
		timeout 900 apt-get install -y -q "${missing[@]}" || die "apt-get install -y ${missing[*]} failed"
	fi
	if ((POLICY_RC_CREATED)); then
		rm -f /usr/sbin/policy-rc.d
		POLICY_RC_CREATED=0
	fi
}

# the caller's clean-up on exit: stops every process in PIDS (by PID), removes the
# policy-rc.d that apt_install created and the WORK directory, and keeps the exit status
cleanup() {
	local rc=$? pid
	trap - EXIT INT TERM
	if ((${#PIDS[@]})); then
		log "stopping ${#PIDS[@]} processes we started: ${PIDS[*]}"
		for pid in "${PIDS[@]}"; do
			stop_pid "${pid}"
		done
	fi
	if ((${POLICY_RC_CREATED:-0})); then
		rm -f /usr/sbin/policy-rc.d
	fi
	if [[ -n "${WORK:-}" && -d "${WORK}" ]]; then
		rm -rf "${WORK}"
	fi
	exit "${rc}"
}

# runs cleanup when the script ends, however it ends
stop_everything_on_exit() {
	trap cleanup EXIT
	trap 'log "interrupted"; exit 130' INT
	trap 'log "terminated"; exit 143' TERM
}

# prints the runnable jar Maven built in the target folder $1 (not a plain, sources or javadoc jar)
find_jar() {
	local jar
	for jar in "$1"/*.jar; do
		case "${jar}" in
			*-plain.jar | *-sources.jar | *-javadoc.jar) ;;
			*) [[ -f "${jar}" ]] && echo "${jar}" && return 0 ;;
		esac
	done
	die "no jar in $1; run without BENCH_SKIP_BUILD=1"
}
