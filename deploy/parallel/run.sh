#!/usr/bin/env bash
# A sharded peakplan run over GNU parallel: N shards on this machine's cores, or on other
# machines over ssh, then the merge here. The merged files are byte-identical to those of
# the one-machine command.
#
#   deploy/parallel/run.sh FILE N [peakplan args…]
#
#   deploy/parallel/run.sh scenarios/christmas.ron 8 --seed 7 --replications 400
#   SSHLOGIN=4/node1,4/node2,: deploy/parallel/run.sh scenarios/christmas.ron 40 --replications 10000
#   PEAKPLAN_COMMAND=sweep deploy/parallel/run.sh scenarios/valentines.ron 6 \
#       --vary simulation.volume_cv=0.05,0.1,0.2
#
# Environment (all optional):
#   PEAKPLAN_COMMAND  simulate (default) or sweep
#   PEAKPLAN          the binary (default: `peakplan` on the PATH, else this checkout's
#                     target/release/peakplan)
#   PEAKPLAN_OUT      the work folder (default: output/<FILE's stem>-parallel): parts/,
#                     out/ (the merged files), joblog
#   JOBS              shards at once per machine (parallel --jobs; default: one per core)
#   THREADS           peakplan threads per shard (default 1)
#   RETRIES           tries of a failed shard (default 2; a retried shard writes the
#                     identical part)
#   SSHLOGIN          run the shards on these hosts (parallel --sshlogin, e.g.
#                     "8/node1,8/node2,:" — ':' is this machine). Each host needs ssh
#                     without a password, the same peakplan version (REMOTE_PEAKPLAN,
#                     default `peakplan`) and the scenario at the same absolute path; the
#                     parts come back with rsync (--return) and are removed there (--cleanup).
#   CHECK=1           then also run the one-machine command (all cores) and compare (diff -r)
# Installs GNU parallel (and rsync, with SSHLOGIN) with apt-get when missing and root.
set -euo pipefail

if [[ $# -lt 2 ]]; then
    sed -n '2,33p' "$0" >&2
    exit 2
fi
file=$1 n=$2
shift 2
if ! [[ $n =~ ^[1-9][0-9]*$ ]]; then
    echo "run.sh: N must be a positive whole number, not '$n'" >&2
    exit 2
fi
[[ -f $file ]] || { echo "run.sh: $file: no such file" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
command=${PEAKPLAN_COMMAND:-simulate}
case $command in
    simulate | sweep) ;;
    *) echo "run.sh: PEAKPLAN_COMMAND must be simulate or sweep, not '$command'" >&2; exit 2 ;;
esac

# GNU parallel, and rsync to bring parts back from other hosts.
missing=()
command -v parallel >/dev/null 2>&1 || missing+=(parallel)
[[ -z ${SSHLOGIN:-} ]] || command -v rsync >/dev/null 2>&1 || missing+=(rsync)
if [[ ${#missing[@]} -gt 0 ]]; then
    if [[ $(id -u) -eq 0 ]]; then
        echo "run.sh: installing ${missing[*]} (apt-get)…" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq "${missing[@]}" >&2
    else
        echo "run.sh: ${missing[*]} not installed; run: sudo apt-get install -y ${missing[*]}" >&2
        exit 2
    fi
fi
if [[ -n ${PEAKPLAN:-} ]]; then
    peakplan=$PEAKPLAN
elif command -v peakplan >/dev/null 2>&1; then
    peakplan=$(command -v peakplan)
else
    peakplan=$repo/target/release/peakplan
fi
[[ -x $peakplan ]] || { echo "run.sh: $peakplan is not an executable (set PEAKPLAN)" >&2; exit 2; }
peakplan=$(realpath "$peakplan")
file=$(realpath "$file")
stem=$(basename "$file" .ron)
work=$(realpath -m "${PEAKPLAN_OUT:-output/$stem-parallel}")
mkdir -p "$work/parts"
threads=${THREADS:-1}
now() { date +%s%N; }
secs() { local ms=$((($2 - $1) / 1000000)); printf '%d.%03d' $((ms / 1000)) $((ms % 1000)); }

# The shards. Remote hosts write parts/<part> under their login folder, which comes back to
# $work/parts (--return) and is removed there (--cleanup); here they write it in place.
cd "$work"
par=(parallel --quote --jobs "${JOBS:-100%}" --retries "${RETRIES:-2}" --halt "soon,fail=1"
    --joblog "$work/joblog" --tagstring 'shard {}/'"$n")
if [[ -n ${SSHLOGIN:-} ]]; then
    par+=(--sshlogin "$SSHLOGIN" --return "parts/$command-part-{}-of-$n.json" --cleanup)
    bin=${REMOTE_PEAKPLAN:-peakplan}
else
    bin=$peakplan
fi
echo "run.sh: $command $file in $n shards ($threads thread(s) each) into $work" >&2
t0=$(now)
"${par[@]}" sh -c 'mkdir -p parts && exec "$@"' sh \
    "$bin" "$command" "$file" "$@" --shard "{}/$n" --threads "$threads" --out parts --quiet \
    ::: $(seq 1 "$n")
t1=$(now)
parts=()
for ((k = 1; k <= n; k++)); do parts+=("$work/parts/$command-part-$k-of-$n.json"); done
"$peakplan" merge "${parts[@]}" --out "$work/out"
t2=$(now)
echo "run.sh: $n shards in $(secs "$t0" "$t1") s, merge in $(secs "$t1" "$t2") s;" \
    "merged files in $work/out" >&2

if [[ -n ${CHECK:-} ]]; then
    rm -rf "$work/one"
    t3=$(now)
    "$peakplan" "$command" "$file" "$@" --out "$work/one" --quiet >/dev/null
    t4=$(now)
    echo "run.sh: the one-machine $command in $(secs "$t3" "$t4") s" >&2
    if diff -r "$work/one" "$work/out" >/dev/null; then
        echo "run.sh: diff -r one out: byte-identical ($(find "$work/out" -type f | wc -l) files)" >&2
    else
        echo "run.sh: diff -r one out: the merged files DIFFER from the one-machine run" >&2
        exit 1
    fi
fi
