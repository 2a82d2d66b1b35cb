#!/usr/bin/env bash
# Runs a sweep on a real one-node Slurm cluster: starts munged, slurmctld and slurmd (Debian's munge
# and slurm-wlm) on localhost, configured in a temporary folder, writes the sweep's jobs with
# `cosa sweep slurm --array 3`, submits them with submit.sh --wait (the array job with `sbatch --wait`,
# then the merge as a job depending on it), and checks that the merged points.csv equals the one a
# plain `cosa sweep run` gives. Every daemon it starts is stopped on exit, also on failure or timeout.
# Needs root (the daemons run as root, as in CI) and no systemd. Fails, rather than skips, when
# something is missing.
# usage: tests/check_sweep_slurm.sh COSA_BINARY
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cosa="$(realpath "$1")"
spec="$root/tests/data/sweep/small.yaml"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
[ "$(id -u)" -eq 0 ] || fail "this test starts slurmctld, slurmd and munged as root; run it as root (CI does)"
for tool in munged slurmctld slurmd sbatch squeue scancel sinfo scontrol python3; do
  command -v "$tool" >/dev/null ||
    fail "$tool not found: install Debian's slurm-wlm and munge (scripts/setup.sh does)"
done

work="$(mktemp -d /tmp/cosa-slurm-test.XXXXXX)"
chmod 700 "$work"
pids=()
cleanup() {
  local code=$?
  set +e
  if [ -f "$work/slurm.conf" ] && [ -n "${SLURM_CONF:-}" ]; then
    # Cancel what is still queued or running, and give the job steps a moment to end.
    scancel --quiet --full --partition=cosatest 2>/dev/null
    for _ in $(seq 1 20); do
      [ -z "$(squeue -h -p cosatest 2>/dev/null)" ] && break
      sleep 0.5
    done
  fi
  # The daemons, newest first: TERM, then KILL after 10 s.
  local i pid
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid="${pids[$i]}"
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 1 20); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  # Anything left that runs from this test's folder (only this test's jobs can).
  for proc in /proc/[0-9]*; do
    pid="${proc#/proc/}"
    [ "$pid" = "$$" ] && continue
    if tr '\0' ' ' <"$proc/cmdline" 2>/dev/null | grep -qF "$work/"; then kill -KILL "$pid" 2>/dev/null; fi
  done
  if [ "$code" -ne 0 ]; then
    echo "--- logs (last lines) ---" >&2
    for log in "$work"/munged.log "$work"/slurmctld.log "$work"/slurmd.log "$work"/sweep/slurm/*.out; do
      [ -f "$log" ] && { echo "== $log" >&2; tail -15 "$log" >&2; }
    done
  fi
  rm -rf "$work"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# waitfor SECONDS WHAT COMMAND...: polls COMMAND every half second until it succeeds.
waitfor() {
  local seconds="$1" what="$2"
  shift 2
  for _ in $(seq 1 $((seconds * 2))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  fail "timed out after ${seconds}s waiting for $what"
}

# --- munge: its own key and socket in the temporary folder ---------------------------------------
mkdir -p "$work/munge"
chmod 700 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
socket="$work/munge/munge.socket"
munged --foreground --force --socket="$socket" --key-file="$work/munge/munge.key" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munged.log" --seed-file="$work/munge/seed" \
  2>>"$work/munged.log" &
pids+=($!)
waitfor 20 "munged's socket" test -S "$socket"

# --- slurm.conf: one node (this machine), one partition, state and logs under $work ---------------
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ctld_port="$(free_port)"
slurmd_port="$(free_port)"
[ "$ctld_port" != "$slurmd_port" ] || slurmd_port="$(free_port)"
host="$(hostname -s)"
cpus="$(nproc)"
mkdir -p "$work/state" "$work/spool"
cat >"$work/slurm.conf" <<EOF
ClusterName=cosatest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SlurmdParameters=config_overrides
MinJobAge=600
NodeName=cosanode NodeHostname=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=cosatest Nodes=cosanode Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$work/slurm.conf"

slurmctld -D -c -f "$SLURM_CONF" >>"$work/slurmctld.log" 2>&1 &
pids+=($!)
waitfor 30 "slurmctld to answer" scontrol ping
slurmd -D -N cosanode -f "$SLURM_CONF" >>"$work/slurmd.log" 2>&1 &
pids+=($!)
node_idle() { sinfo -h -n cosanode -o %t | grep -Eq '^(idle|mix|alloc)'; }
waitfor 60 "the node to come up idle ($(sinfo -h -n cosanode -o %t 2>/dev/null || echo '?'))" node_idle
echo "slurm: controller on port $ctld_port, node cosanode with $cpus CPUs is up"

# --- the sweep: 3 array tasks and the dependent merge ---------------------------------------------
"$cosa" sweep slurm "$spec" --out "$work/sweep" --array 3 --partition cosatest --time 10:00 \
  >"$work/slurm_cmd.out" || fail "cosa sweep slurm failed"
grep -q '^#SBATCH --array=0-2$' "$work/sweep/sweep.sbatch" || fail "sweep.sbatch has no --array=0-2"
grep -q -- '--shard slurm' "$work/sweep/sweep.sbatch" || fail "sweep.sbatch does not run --shard slurm"
timeout 300 "$work/sweep/submit.sh" --wait >"$work/submit.out" 2>&1 ||
  fail "submit.sh --wait failed or timed out: $(cat "$work/submit.out")"
cat "$work/submit.out"
array_job="$(sed -n 's/^array job: //p' "$work/submit.out")"
[ -n "$array_job" ] || fail "submit.sh printed no array job id"
# One log per array task, each a different shard.
for task in 0 1 2; do
  log="$work/sweep/slurm/sweep-${array_job}_${task}.out"
  [ -f "$log" ] || fail "no log for array task $task ($log)"
  grep -q "shard $task/3: 2 points, 2 run now" "$log" || fail "array task $task did not run shard $task/3: $(tail -3 "$log")"
done
[ -f "$work/sweep/points.csv" ] || fail "the merge job wrote no points.csv"
[ -f "$work/sweep/report.html" ] || fail "the merge job wrote no report.html"

# --- the same sweep without Slurm ------------------------------------------------------------------
"$cosa" sweep run "$spec" --out "$work/local" --jobs 2 2>"$work/local.log" || fail "cosa sweep run failed"
"$cosa" sweep merge "$work/local" >/dev/null || fail "cosa sweep merge failed"
cmp "$work/local/points.csv" "$work/sweep/points.csv" ||
  fail "points.csv from Slurm differs from a local run: $(diff "$work/local/points.csv" "$work/sweep/points.csv")"
[ "$(grep -c ',ok,' "$work/sweep/points.csv")" -eq 3 ] || fail "expected 3 ok points in $(cat "$work/sweep/points.csv")"
echo "ok: the Slurm array job (3 shards) and its dependent merge give the same points.csv as a local run"
