#!/usr/bin/env bash
# Times the Python Erlang C peers (pyworkforce, call-center-tools) on the same 10,000-case
# grid as `cargo bench --bench erlang` and prints time per solve and the ratio to peakplan.
# Run by hand, not in CI: it needs python3 with venv and network access to PyPI.
#
#   bash benches/peers/run.sh            # all 10,000 cases per peer
#   bash benches/peers/run.sh --every 10 # time every 10th case only (faster, same spread)
#
# peakplan's figure: the criterion median of `cargo bench --bench erlang` if it has been
# run (target/criterion/erlang/required_agents_grid_10000_80_20/new/estimates.json),
# and in any case the wall time of `peakplan erlang --batch grid.csv --format csv` on the
# same grid (process start, CSV parsing and output included, so an upper bound).
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check pyworkforce \
  || echo "note: pyworkforce failed to install; skipped" >&2
"$work/venv/bin/pip" install -q --disable-pip-version-check call-center-tools \
  || echo "note: call-center-tools failed to install; skipped" >&2
cargo build --release -q
"$work/venv/bin/python" benches/peers/peers.py \
  --peakplan target/release/peakplan \
  --criterion target/criterion/erlang/required_agents_grid_10000_80_20/new/estimates.json \
  --workdir "$work" "$@"
