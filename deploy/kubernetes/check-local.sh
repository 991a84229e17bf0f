#!/usr/bin/env bash
# Runs the two Jobs' pod commands as they are written in shards-job.yaml and merge-job.yaml,
# without a cluster: each completion index in turn (JOB_COMPLETION_INDEX=0 … N-1), then the
# merge, and compares the merged files with the one-machine command (diff -r). The paths
# /opt/peakplan and /work are mapped to this checkout and a temporary folder, and, to keep it
# short, the shard count and replications are lowered (N=4, R=24 by default).
#
#   deploy/kubernetes/check-local.sh [N [R]]      # needs python3 with PyYAML
# PEAKPLAN names the binary (default: target/release/peakplan).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
n=${1:-4} reps=${2:-24}
peakplan=$(realpath "${PEAKPLAN:-$repo/target/release/peakplan}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/work"
ln -s "$peakplan" "$tmp/bin/peakplan"

# The pod's shell command and environment, from the manifest, with the paths mapped.
pod() { # MANIFEST → prints: the command line, then NAME=VALUE lines
    python3 - "$1" "$repo" "$tmp/work" "$n" "$reps" <<'PY'
import sys, yaml
path, repo, work, n, reps = sys.argv[1:]
job = yaml.safe_load(open(path))
spec = job["spec"]
container = spec["template"]["spec"]["containers"][0]
assert container["command"] == ["/bin/sh", "-c"], container["command"]
if spec.get("completionMode") == "Indexed":
    env = {e["name"]: e["value"] for e in container["env"]}
    assert int(env["SHARDS"]) == spec["completions"], "completions and SHARDS differ"
    assert spec["parallelism"] <= spec["completions"]
args = container["args"][0]
args = args.replace("/work", work).replace("/opt/peakplan", repo)
args = args.replace("--replications 10000", "--replications " + reps)
print(args)
for e in container.get("env", []):
    value = n if e["name"] == "SHARDS" else "1" if e["name"] == "THREADS" else e["value"]
    print(f'{e["name"]}={value}')
PY
}

run_pod() { # MANIFEST [INDEX]
    local lines cmd
    mapfile -t lines < <(pod "$1")
    cmd=${lines[0]}
    env PATH="$tmp/bin:$PATH" "${lines[@]:1}" ${2:+JOB_COMPLETION_INDEX=$2} /bin/sh -c "$cmd"
}

for ((i = 0; i < n; i++)); do
    echo "check-local: shards-job.yaml, JOB_COMPLETION_INDEX=$i"
    run_pod "$here/shards-job.yaml" "$i"
done
ls -l "$tmp/work/parts"
echo "check-local: merge-job.yaml"
run_pod "$here/merge-job.yaml"
# shellcheck disable=SC2016 # $THREADS is the pod's, removed as written
one_cmd=$(pod "$here/shards-job.yaml" | head -1 |
    sed -e 's/^mkdir -p [^&]*&& exec //' -e 's/ --shard "[^"]*"//' -e 's|--out [^ ]*|--out '"$tmp"'/one|' \
        -e 's/--threads "\$THREADS"//')
echo "check-local: the one-machine run: $one_cmd"
PATH="$tmp/bin:$PATH" /bin/sh -c "$one_cmd"
diff -r "$tmp/one" "$tmp/work/out"
echo "check-local: the merged files equal the one-machine run's, byte for byte ($(find "$tmp/one" -type f | wc -l) files)"
