#!/usr/bin/env bash
# Start the production proof's Temporal server in the background: one definition for scripts/prod-proof.sh (first
# start) and the driver's `restart-temporal` fault (scripts/proof/faults.ts). Reads the server's environment from
# <run dir>/temporal.env (written by prod-proof.sh, mode 0600: it holds the database password), appends to
# <run dir>/logs/temporal.log, writes the pid to <run dir>/temporal.pid. The caller waits for health.
# Usage: bash scripts/proof/temporal-server.sh <run dir>
set -euo pipefail
RUN=$1
# shellcheck disable=SC1091
. "$RUN/temporal.env"
"$TEMPORAL_SERVER_BIN" --root "$RUN/temporal" --config config --env onramp --allow-no-auth start \
  >>"$RUN/logs/temporal.log" 2>&1 </dev/null &
echo $! >"$RUN/temporal.pid"
