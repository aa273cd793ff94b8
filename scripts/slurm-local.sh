#!/usr/bin/env bash
# slurm-local.sh up|down|status — a one-node SLURM cluster on loopback, for trying `oxrd campaign run --executor slurm`
# on a laptop and for the tests. Debian's slurm-wlm 22.05 and munge, no systemd, no cgroups, no accounting: every
# daemon runs from a state folder (default /tmp/oxrd-slurm, or $OXRD_SLURM_DIR) with its own munge key and socket.
#
#   eval "$(scripts/slurm-local.sh up)"   installs what is missing (apt-get, as root), starts munged, slurmctld and
#                                         slurmd, waits until the node is idle, prints `export SLURM_CONF=…`
#   scripts/slurm-local.sh status         one line: up (node state) or down; exit 0 when up
#   scripts/slurm-local.sh down           stops the daemons it started (by their pid files) and removes the folder
#
# Ports: $OXRD_SLURM_PORT (slurmctld, default 16817) and the next one (slurmd), away from a real cluster's 6817/6818.
# Facts this relies on (22.05): kill_invalid_depend is honoured only under DependencyParameters; sacct needs
# accounting, which is absent, so finished jobs are read from scontrol/squeue (MinJobAge keeps them an hour) and
# from jobcomp/filetxt; the munge socket's folder must be mode 755.
set -euo pipefail

dir="${OXRD_SLURM_DIR:-/tmp/oxrd-slurm}"
port="${OXRD_SLURM_PORT:-16817}"
conf="$dir/slurm.conf"
node=localhost

say() { echo "slurm-local: $*" >&2; }

ensure_packages() {
  local missing=()
  for p in slurmctld slurmd slurm-client munge; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    say "missing Debian packages; install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}"
    exit 2
  fi
  say "installing ${missing[*]}"
  # Without systemd the packages' scripts would try to start the system-wide daemons (with no slurm.conf): a
  # policy-rc.d that says no keeps apt from starting anything; we run our own daemons below.
  local policy=/usr/sbin/policy-rc.d added=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && added=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; then
    apt-get update -q >&2 && apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
  fi
  [ "$added" -eq 1 ] && rm -f "$policy"
  return 0
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

node_state() { SLURM_CONF="$conf" timeout 10 sinfo -h -n "$node" -o %T 2>/dev/null | head -n1; }

write_config() {
  local cpus mem
  cpus=$(nproc)
  mem=$(slurmd -C 2>/dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' | head -n1)
  mem=$(( ${mem:-2000} * 9 / 10 ))
  local user; user=$(id -un)
  cat >"$conf" <<EOF
# One-node cluster on loopback, written by scripts/slurm-local.sh
ClusterName=oxrdlocal
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket.2
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/jobcomp.txt
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_interval=1
DependencyParameters=kill_invalid_depend
MinJobAge=3600
KillWait=10
ReturnToService=2
SlurmdTimeout=300
SlurmctldTimeout=60
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
}

up() {
  ensure_packages
  if pid_alive "$dir/slurmctld.pid" && pid_alive "$dir/slurmd.pid" && [ "$(node_state)" = idle -o "$(node_state)" = mixed -o "$(node_state)" = allocated ]; then
    echo "export SLURM_CONF=$conf"
    return 0
  fi
  down_quiet
  mkdir -p "$dir"/{state,spool,log,munge}
  chmod 755 "$dir" "$dir/munge"   # munged refuses a socket folder others can write to
  # A key of our own: the cluster trusts nothing else on the machine.
  dd if=/dev/urandom bs=1 count=1024 of="$dir/munge/munge.key" status=none
  chmod 400 "$dir/munge/munge.key"
  munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket.2" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed"
  write_config
  SLURM_CONF="$conf" slurmctld -f "$conf"
  SLURM_CONF="$conf" slurmd -f "$conf" -N "$node"
  local state=""
  for _ in $(seq 1 300); do
    state=$(node_state || true)
    [ "$state" = idle ] && break
    sleep 0.1
  done
  if [ "$state" != idle ]; then
    say "the node did not become idle (state '${state:-unknown}'); logs in $dir/log"
    exit 1
  fi
  echo "export SLURM_CONF=$conf"
}

stop_pid() {
  local file="$1" pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

down_quiet() {
  [ -d "$dir" ] || return 0
  stop_pid "$dir/slurmd.pid"
  stop_pid "$dir/slurmctld.pid"
  stop_pid "$dir/munge/munged.pid"
  rm -rf "$dir"
}

status() {
  if pid_alive "$dir/slurmctld.pid"; then
    local state; state=$(node_state || true)
    echo "slurm-local: up (SLURM_CONF=$conf, node $node ${state:-not answering})"
    [ -n "$state" ]
  else
    echo "slurm-local: down"
    return 1
  fi
}

case "${1:-}" in
  up) up ;;
  down) down_quiet; say "down" ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
