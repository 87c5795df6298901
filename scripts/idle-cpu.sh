#!/usr/bin/env bash
# Idle CPU of each service: starts the pipeline as `npm start` does (no simulator, the Svix
# stand-in), lets it settle, then reads each service's CPU time from /proc over a window.
# Usage: bash scripts/idle-cpu.sh [settle seconds, default 45] [window seconds, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
settle=${1:-45}
window=${2:-20}
export PATH="$PWD/node_modules/.bin:$PATH"
state=$(mktemp -d)
trap 'pkill -INT -f "scripts/start.mjs" 2>/dev/null || true; sleep 5; rm -rf "$state"' EXIT
HOOKLINE_START_DIR="$state" npm start -- --no-simulator --svix-stand-in > "$state/start.log" 2>&1 &
sleep "$settle"
ticks=$(getconf CLK_TCK)
declare -A before
pids=$(pgrep -f "services/.*/dist/main.js" || true)
[ -n "$pids" ] || { echo "no service running; see $state/start.log" >&2; cat "$state/start.log" >&2; exit 1; }
for pid in $pids; do before[$pid]=$(awk '{print $14 + $15}' "/proc/$pid/stat"); done
sleep "$window"
for pid in $pids; do
  after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  name=$(tr '\0' ' ' < "/proc/$pid/cmdline" | grep -o 'services/[a-z-]*' | head -1)
  awk -v n="$name" -v d="$((after - ${before[$pid]}))" -v t="$ticks" -v w="$window" 'BEGIN { printf "%-24s %5.1f %% of a core\n", n, 100 * d / t / w }'
done
