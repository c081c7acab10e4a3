#!/bin/bash
# local-slurm.sh start DIR | stop DIR — a throw-away single-node Slurm cluster
# on localhost, without systemd: munged, slurmctld and slurmd run in the
# background with their key, socket, slurm.conf, state and logs in DIR;
# nothing in /etc is touched. For trying `innosim slurm` on a workstation and
# for its test (tests/slurm/test_slurm.py). Needs root and Debian 12's
# slurmctld, slurmd, slurm-client and munge (tools/setup.sh installs them).
#
#   tools/local-slurm.sh start /tmp/slurm     # prints: export SLURM_CONF=/tmp/slurm/slurm.conf
#   export SLURM_CONF=/tmp/slurm/slurm.conf; innosim slurm scenarios/plan-2016-2020.toml --shards 4
#   tools/local-slurm.sh stop /tmp/slurm      # stops the daemons by their process ids
#
# The ports are free ones picked at start (or SLURM_PORT and SLURM_PORT+1).
set -euo pipefail
cmd=${1:-}; D=${2:-}
[[ ($cmd == start || $cmd == stop) && -n $D ]] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
D=$(realpath -m "$D")
export SLURM_CONF=$D/slurm.conf

waitfor() { local n=$(($1 * 5)); shift; until "$@" >/dev/null 2>&1; do ((--n > 0)) || return 1; sleep 0.2; done; }
gone() { ! kill -0 "$1" 2>/dev/null; }
idle() { [ "$(sinfo -h -N -o %t)" = idle ]; }  # "idle*": slurmd has not registered yet
in_use() { (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [[ $cmd == stop ]]; then
  [[ -f $D/pids ]] || { echo "local-slurm: nothing started in $D" >&2; exit 0; }
  read -r MUNGED CTLD SLURMD <"$D/pids"
  scontrol shutdown >/dev/null 2>&1 || true   # stops slurmctld and slurmd
  for p in $SLURMD $CTLD; do waitfor 10 gone "$p" || kill -9 "$p" 2>/dev/null || true; done
  kill "$MUNGED" 2>/dev/null || true
  waitfor 5 gone "$MUNGED" || kill -9 "$MUNGED" 2>/dev/null || true
  rm -f "$D/pids"
  echo "local-slurm: stopped (logs in $D/log)"
  exit 0
fi

[[ $(id -u) -eq 0 ]] || { echo "local-slurm: must run as root (munged, slurmd)" >&2; exit 1; }
for b in munged slurmctld slurmd sbatch; do
  command -v "$b" >/dev/null || { echo "local-slurm: $b not found (tools/setup.sh installs it)" >&2; exit 1; }
done
[[ ! -f $D/pids ]] || { echo "local-slurm: already started in $D (stop it first)" >&2; exit 1; }
mkdir -p "$D"/{state,spool,log}
chmod 755 "$D"  # munged wants o+x and no group/other write on its socket's folder
p=$D
while [[ $p != / ]]; do  # ... and o+x on every folder above it
  p=$(dirname "$p")
  [[ $(( 0$(stat -c %a "$p") & 1 )) -eq 1 ]] || { echo "local-slurm: munged needs execute permission for all on $p (chmod o+x)" >&2; exit 1; }
done
PORT=${SLURM_PORT:-}
if [[ -z $PORT ]]; then
  for _ in $(seq 50); do
    PORT=$((20000 + RANDOM % 40000))
    in_use "$PORT" || in_use $((PORT + 1)) || break
  done
fi
[ -s "$D/munge.key" ] || { dd if=/dev/urandom of="$D/munge.key" bs=1024 count=1 status=none; chmod 400 "$D/munge.key"; }
munged -F --key-file="$D/munge.key" --socket="$D/munge.sock" --pid-file="$D/munged.pid" \
  --seed-file="$D/munged.seed" </dev/null >"$D/log/munged.log" 2>&1 &
MUNGED=$!
echo "$MUNGED" >"$D/pids"
waitfor 10 munge -n -S "$D/munge.sock" || { echo "local-slurm: munged did not start ($D/log/munged.log)" >&2; exit 1; }
cat >"$SLURM_CONF" <<CONF
ClusterName=local
SlurmctldHost=$(hostname -s)(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
AuthInfo=socket=$D/munge.sock
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# Without this each scheduling pass waits 3 s.
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
MailProg=/bin/true
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
$(slurmd -C | head -1) NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -D </dev/null >>"$D/log/slurmctld.out" 2>&1 &
CTLD=$!
slurmd -D </dev/null >>"$D/log/slurmd.out" 2>&1 &
SLURMD=$!
echo "$MUNGED $CTLD $SLURMD" >"$D/pids"
if ! waitfor 30 idle; then
  sinfo >&2 || true
  echo "local-slurm: the node never became idle (logs in $D/log)" >&2
  "$0" stop "$D" >&2
  exit 1
fi
echo "export SLURM_CONF=$SLURM_CONF"
