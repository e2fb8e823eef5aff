#!/usr/bin/env bash
# A throw-away one-node SLURM cluster on this machine (localhost only), for `make cluster-test`.
#
#   scripts/cluster/local-slurm.sh start DIR   # munged + slurmctld + slurmd, everything under DIR
#   export SLURM_CONF=DIR/slurm.conf           # then sbatch, squeue, scancel talk to it
#   scripts/cluster/local-slurm.sh stop DIR    # stops the daemons it started (by their pid files)
#
# Needs root (slurmd runs jobs as their users) and Debian's slurm-wlm and munge. Its own munge key,
# socket, ports, state and spool folders live in DIR, so it touches nothing of a system installation
# and stops no daemon it did not start.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
dir=$2

# A TCP port on 127.0.0.1 nothing listens on (bash's /dev/tcp connects only to a listener), from
# 20000-59999, so a second test cluster or a system slurmctld (6817) is left alone.
free_port() {
  local port i
  for ((i = 0; i < 100; i++)); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "error: no free TCP port found on 127.0.0.1" >&2
  return 1
}

# Waits (bounded) until a command succeeds.
wait_for() {
  local what=$1 seconds=$2; shift 2
  local i
  for ((i = 0; i < seconds * 5; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "error: $what did not come up within ${seconds} s (logs in $dir)" >&2
  return 1
}

stop_pidfile() {
  local file=$1 pid i
  [ -s "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$file"
}

stop_all() {
  stop_pidfile "$dir/slurmd.pid"
  stop_pidfile "$dir/slurmctld.pid"
  stop_pidfile "$dir/munge/munged.pid"
}

case $action in
start)
  # A start that fails half-way stops what it had started.
  trap 'stop_all' ERR
  [ "$(id -u)" = 0 ] || { echo "error: a local SLURM cluster needs root (slurmd starts jobs as their users)" >&2; exit 1; }
  for tool in munged mungekey slurmctld slurmd sbatch; do
    command -v "$tool" >/dev/null || { echo "error: $tool not found: expected Debian's slurm-wlm and munge (apt-get install -y slurm-wlm munge)" >&2; exit 1; }
  done
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  chmod 700 "$dir"
  mkdir -p "$dir/munge" "$dir/state" "$dir/spool"
  chmod 700 "$dir/munge"
  mungekey --create --keyfile="$dir/munge/munge.key" --force
  munged --force --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed"
  wait_for munged 10 test -S "$dir/munge/munge.socket"
  ctld_port=$(free_port)
  slurmd_port=$(free_port)
  while [ "$slurmd_port" = "$ctld_port" ]; do slurmd_port=$(free_port); done
  cpus=$(nproc)
  [ "$cpus" -le 2 ] || cpus=2
  cat >"$dir/slurm.conf" <<CONF
ClusterName=ofasearch-test
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
MinJobAge=600
KillWait=5
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=1000 State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$dir/slurm.conf
  slurmctld -f "$dir/slurm.conf"
  wait_for slurmctld 30 scontrol ping
  slurmd -f "$dir/slurm.conf" -N localhost
  # The node is usable once it reports idle (or mixed/allocated).
  node_up() { sinfo -h -N -o %T | grep -qE '^(idle|mixed|allocated)'; }
  wait_for "slurmd (node idle)" 60 node_up
  echo "local SLURM cluster up: SLURM_CONF=$dir/slurm.conf ($cpus CPUs, ports $ctld_port/$slurmd_port)"
  ;;
stop)
  [ -d "$dir" ] || exit 0
  stop_all
  ;;
*) usage ;;
esac
