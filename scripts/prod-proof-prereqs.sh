#!/usr/bin/env bash
# What scripts/prod-proof.sh needs before it can run, checked without changing anything. Prints nothing and
# exits 0 when everything is there; otherwise prints one line per missing prerequisite and exits 1.
# `.ci/run` runs the proof only when this passes, and prints these lines as the reason it skipped.
#
#   - Go >= 1.25 (builds the Temporal server, its SQL tool and ui-server; finds the server's schema files)
#   - the Temporal server module v1.29.1: in Go's module cache, or fetchable from the Go module proxy
#   - PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb), or root/sudo to apt-get install them
#   - Chromium (`${CHROMIUM:-chromium}`), or root/sudo to apt-get install it
#   - when root: the `postgres` account (PostgreSQL refuses to run as root)
#   - the loopback ports the proof listens on, free
set -uo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_SERVER_VERSION=v1.29.1
PG_PORT=${ONRAMP_PROOF_PG_PORT:-55432}
TEMPORAL_PORT=${ONRAMP_PROOF_TEMPORAL_PORT:-17233}
TEMPORAL_METRICS_PORT=${ONRAMP_PROOF_TEMPORAL_METRICS_PORT:-18000}
PORT_BASE=${ONRAMP_PROOF_PORT_BASE:-19460}
missing=()

can_install() { [ "$(id -u)" = 0 ] || command -v sudo >/dev/null; }

if ! command -v go >/dev/null; then
  missing+=("Go is not installed (>= 1.25 builds the Temporal server): https://go.dev/dl/")
else
  v=$(go env GOVERSION 2>/dev/null | sed 's/^go//')
  major=${v%%.*}
  rest=${v#*.}
  minor=${rest%%.*}
  if [ -z "$v" ] || [ "$major" -lt 1 ] 2>/dev/null || { [ "$major" = 1 ] && [ "${minor:-0}" -lt 25 ]; }; then
    missing+=("Go ${v:-?} is older than 1.25 (the Temporal server $TEMPORAL_SERVER_VERSION needs it)")
  elif ! timeout 300 env GOFLAGS=-mod=mod go mod download -json "go.temporal.io/server@$TEMPORAL_SERVER_VERSION" \
    >/dev/null 2>&1; then
    missing+=("the Go module go.temporal.io/server@$TEMPORAL_SERVER_VERSION is neither cached nor fetchable (GOPROXY=$(go env GOPROXY))")
  fi
fi

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! can_install; then
  missing+=("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) and no root/sudo to apt-get install postgresql")
fi
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1 && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=("running as root without a postgres account (PostgreSQL refuses to run as root)")
fi
if ! command -v "${CHROMIUM:-chromium}" >/dev/null && ! can_install; then
  missing+=("no ${CHROMIUM:-chromium} and no root/sudo to apt-get install chromium")
fi

# The ports prod-proof.sh documents: PostgreSQL, the Temporal server's (and -300..-294, +1..+10), its metrics,
# the Onramp services' (worker metrics, Web UI, codec server, intake).
ports=("$PG_PORT" "$TEMPORAL_METRICS_PORT")
for p in $(seq $((TEMPORAL_PORT - 300)) $((TEMPORAL_PORT - 294))) $(seq "$TEMPORAL_PORT" $((TEMPORAL_PORT + 10))) \
  $(seq $((PORT_BASE + 4)) $((PORT_BASE + 25))); do
  ports+=("$p")
done
busy=$(node -e '
  const net = require("node:net");
  const ports = process.argv.slice(1).map(Number);
  Promise.all(ports.map((p) => new Promise((r) => {
    const s = net.createServer().once("error", () => r(p)).listen(p, "127.0.0.1", () => s.close(() => r(undefined)));
  }))).then((b) => console.log(b.filter(Boolean).join(" ")));
' "${ports[@]}")
[ -z "$busy" ] || missing+=("loopback ports in use: $busy (another proof running? ONRAMP_PROOF_STOP=1 bash scripts/prod-proof.sh stops a kept one)")

if [ ${#missing[@]} -gt 0 ]; then
  printf '%s\n' "${missing[@]}"
  exit 1
fi
exit 0
