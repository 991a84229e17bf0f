#!/usr/bin/env bash
# Submits a sharded peakplan run to Slurm: an array of N shard tasks, then a merge job that
# starts only when every task succeeded (--dependency=afterok). Prints the two job ids.
#
#   deploy/slurm/submit.sh FILE N [peakplan args…]
#
#   deploy/slurm/submit.sh scenarios/christmas.ron 50 --replications 10000 --seed 7
#   PEAKPLAN_COMMAND=sweep deploy/slurm/submit.sh scenarios/valentines.ron 20 \
#       --vary simulation.volume_cv=0.05,0.1,0.2 --vary ...
#
# Environment (all optional):
#   PEAKPLAN_COMMAND  simulate (default) or sweep
#   PEAKPLAN          the binary every node runs (default: `peakplan` on the PATH, else this
#                     checkout's target/release/peakplan); it must be visible to every node
#   PEAKPLAN_OUT      the work folder (default: output/<FILE's stem>-slurm): the parts go to
#                     $PEAKPLAN_OUT/parts, the jobs' logs to $PEAKPLAN_OUT/logs and the
#                     merged files to $PEAKPLAN_OUT/out. Every node must see it (shared FS).
#   SBATCH_ARGS       extra sbatch options for both jobs, e.g. "--partition=short --time=30"
#   SHARD_CPUS        CPUs per shard task (default 1; peakplan runs that many threads)
#   MAX_RUNNING       at most this many shard tasks at once (sbatch --array=1-N%M)
# Output: `array_job=ID` and `merge_job=ID` on stdout, one per line; a summary on stderr.
set -euo pipefail

if [[ $# -lt 2 ]]; then
    sed -n '2,21p' "$0" >&2
    exit 2
fi
file=$1 n=$2
shift 2
if ! [[ $n =~ ^[1-9][0-9]*$ ]]; then
    echo "submit.sh: N must be a positive whole number, not '$n'" >&2
    exit 2
fi
if [[ ! -f $file ]]; then
    echo "submit.sh: $file: no such file" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
command=${PEAKPLAN_COMMAND:-simulate}
case $command in
    simulate | sweep) ;;
    *) echo "submit.sh: PEAKPLAN_COMMAND must be simulate or sweep, not '$command'" >&2; exit 2 ;;
esac
if [[ -n ${PEAKPLAN:-} ]]; then
    peakplan=$PEAKPLAN
elif command -v peakplan >/dev/null 2>&1; then
    peakplan=$(command -v peakplan)
else
    peakplan=$repo/target/release/peakplan
fi
[[ -x $peakplan ]] || { echo "submit.sh: $peakplan is not an executable (set PEAKPLAN)" >&2; exit 2; }
peakplan=$(realpath "$peakplan")
file=$(realpath "$file")
stem=$(basename "$file" .ron)
work=$(realpath -m "${PEAKPLAN_OUT:-output/$stem-slurm}")
parts=$work/parts
logs=$work/logs
out=$work/out
mkdir -p "$parts" "$logs"
cpus=${SHARD_CPUS:-1}
array=1-$n${MAX_RUNNING:+%$MAX_RUNNING}
# shellcheck disable=SC2206 # SBATCH_ARGS is a list of options, split on purpose
extra_sbatch=(${SBATCH_ARGS:-})

array_job=$(sbatch --parsable "${extra_sbatch[@]}" --array="$array" --cpus-per-task="$cpus" \
    --output="$logs/shard-%A_%a.out" \
    --export=ALL,PEAKPLAN="$peakplan",PEAKPLAN_SHARDS="$n" \
    "$here/shard.sbatch" "$command" "$file" "$parts" "$@")
array_job=${array_job%%;*}
merge_job=$(sbatch --parsable "${extra_sbatch[@]}" --dependency=afterok:"$array_job" \
    --kill-on-invalid-dep=yes --output="$logs/merge-%j.out" \
    --export=ALL,PEAKPLAN="$peakplan" \
    "$here/merge.sbatch" "$command" "$n" "$parts" "$out")
merge_job=${merge_job%%;*}
echo "array_job=$array_job"
echo "merge_job=$merge_job"
echo "submit.sh: $command of $file in $n shards: array job $array_job (tasks $array)," \
    "merge job $merge_job after it (afterok); parts in $parts, merged files in $out," \
    "logs in $logs" >&2
