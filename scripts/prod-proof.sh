#!/usr/bin/env bash
# docker-compose.yml's stack on this machine, without Docker:
#   PostgreSQL (Debian's packages) on loopback
#   -> Temporal server v1.29.1 (the release Temporal CLI v1.5.1 pins), built from the Go module proxy,
#      schema set up by Temporal's own SQL tool, config deploy/temporal/onramp.yaml.tmpl, serving mTLS only
#      (CA + server + client certificates by deploy/make-secrets.sh, as docs/operations.md tells operators to run)
#   -> namespace + Onramp's search attributes registered with the Temporal CLI over mTLS
#   -> the image's build (tsc -p tsconfig.build.json + dist/workflow-bundle.js, as the Dockerfile does)
#   -> database onramp (the secret store, the workers' shared vendor limiter), as compose's temporal-schema creates it
#   -> the Web UI server: ui-server at compose's temporalio/ui tag (v2.42.1), built from the Go module proxy
#      (cached), and Debian's chromium
#   -> scripts/prod-proof-driver.ts: docker-compose.yml resolved with the documented .env (deploy/env.example);
#      its Onramp services (codec-server, checklist-page, intake, worker x compose's replicas = 3) started as the image's
#      `node dist/...` commands with compose's environment, container paths and hostnames mapped explicitly;
#      the vendor profile file (deploy/vendor-profiles.example.yaml) and its tracking identifier in the secrets
#      volume; Mailpit (cached, ~/.cache/onramp) as the SMTP server with authentication, the password by reference;
#      full orders through the intake API, their e-mails in Mailpit and onramp_sent_mail; a credential supplied to the secret store; the codec server decoding for an OIDC access token; compose's
#      temporal-ui signing a user in with a local OIDC provider in headless Chromium and showing a decoded
#      payload (screenshot); the vendor limits under load across the 3 workers: 0 throttling answers;
#      then faults under load (scripts/proof/faults.ts): a worker killed, Temporal and PostgreSQL restarted, a worker
#      cut off for 60 s, the codec key rotated; each one row of the outcome table printed at the end
#      (scripts/proof/table.ts, scripts/proof/report.ts): a FAILED or missing row fails the proof.
#
# Usage: bash scripts/prod-proof.sh          (or npm run prod-proof; CI: bash .ci/prod-proof)
#   ONRAMP_PROOF_SCREENSHOT=docs/codec-ui-oidc-decoded.png bash scripts/prod-proof.sh   refreshes the docs' one
# Re-runnable: every run starts from a fresh database cluster; builds are cached outside the repo in
# ${ONRAMP_CACHE_DIR:-$HOME/.cache/onramp}. Exits non-zero on any failure (or any service exiting), printing
# where the logs are.
#
# Environment (all optional): ONRAMP_CACHE_DIR, ONRAMP_PROOF_PG_PORT (55432), ONRAMP_PROOF_TEMPORAL_PORT
# (17233; the server also uses +1, +2, +6, +10, -300..-294 and 18000 for its metrics),
# ONRAMP_PROOF_WORKERS (compose's replicas: 3), ONRAMP_PROOF_ONBOARDINGS (4), ONRAMP_PROOF_PORT_BASE
# (19460: worker metrics 19464.., Web UI 19480, codec server 19484, intake 19485, checklist page 19487,
# Mailpit SMTP 19488 and API 19489, the upgrade phase's workers' metrics 19505..), ONRAMP_PROOF_SKIP=ui,load,upgrade,faults,fairness, ONRAMP_PROOF_FAULTS (a comma list of
# kill-worker,restart-temporal,restart-postgresql,partition-worker,rotate-codec-key: all by default),
# ONRAMP_PROOF_FAULT_CW_CUSTOMERS (60 per fault's wave), ONRAMP_PROOF_FAULT_ORDERS (2 per wave),
# load sizes (scripts/prod-proof-driver.ts),
# ONRAMP_PROOF_RUN_DIR ($ONRAMP_CACHE_DIR/prod-proof: data, logs; one per concurrent proof), ONRAMP_PROOF_KEEP=1 keeps PostgreSQL and Temporal running at the end (for a look in psql / the CLI).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)

TEMPORAL_SERVER_VERSION=v1.29.1
CACHE=${ONRAMP_CACHE_DIR:-$HOME/.cache/onramp}
BIN=$CACHE/temporal-server-$TEMPORAL_SERVER_VERSION/bin
RUN=${ONRAMP_PROOF_RUN_DIR:-$CACHE/prod-proof}
PG_PORT=${ONRAMP_PROOF_PG_PORT:-55432}
TEMPORAL_PORT=${ONRAMP_PROOF_TEMPORAL_PORT:-17233}
TEMPORAL_METRICS_PORT=${ONRAMP_PROOF_TEMPORAL_METRICS_PORT:-18000}
NAMESPACE=default
TASK_QUEUE=onramp-prod-proof

t0=$(date +%s)
figures=()
step() { echo; echo "== $* ($(($(date +%s) - t0)) s)"; }
fail() {
  echo "prod-proof FAILED: $*" >&2
  echo "logs: $RUN/logs" >&2
  exit 1
}
timed() { # timed LABEL CMD...: run, and record the wall time as a figure
  local label=$1 s e
  shift
  s=$(date +%s.%N)
  "$@" || return # (set -e does not apply inside `timed ... || fail`: every step below chains with &&)
  e=$(date +%s.%N)
  figures+=("$(printf '%-34s %6.1f s' "$label" "$(awk "BEGIN { print $e - $s }")")")
}
as_postgres() { # PostgreSQL refuses to run as root: use the postgres account then
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# --- stop what a previous (interrupted) run left behind: only our own PIDs, from our own pid files ---------
stop_pidfile() {
  local f=$1 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}
PGDATA_FILE=$RUN/pgdata.path
stop_postgres() {
  [ -f "$PGDATA_FILE" ] || return 0
  local d
  d=$(cat "$PGDATA_FILE")
  if [ -d "$d" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$d" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$d"
  fi
  rm -f "$PGDATA_FILE"
}
cleanup() {
  local rc=$?
  if [ "${ONRAMP_PROOF_KEEP:-}" = 1 ] && [ $rc = 0 ]; then
    echo "ONRAMP_PROOF_KEEP=1: Temporal (127.0.0.1:$TEMPORAL_PORT) and PostgreSQL (127.0.0.1:$PG_PORT) left running;"
    echo "  stop them by running this script again with ONRAMP_PROOF_STOP=1"
    return
  fi
  stop_pidfile "$RUN/temporal.pid"
  stop_postgres
}

# --- 1. PostgreSQL from Debian's packages ------------------------------------------------------------------
step "PostgreSQL"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  timed "apt-get install postgresql" bash -c "$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null"
fi
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
echo "using $PG_BIN ($("$PG_BIN/postgres" --version))"

mkdir -p "$RUN/logs"
stop_pidfile "$RUN/temporal.pid"
stop_postgres
[ "${ONRAMP_PROOF_STOP:-}" = 1 ] && { echo "stopped"; exit 0; }
trap cleanup EXIT
rm -rf "$RUN/logs"/* "$RUN"/*.log "$RUN"/proof-rows.jsonl*
ROWS=$RUN/proof-rows.jsonl

# The data directory lives in /tmp so the postgres account can reach it when we are root ($HOME is 0700).
PGDATA=$(mktemp -d /tmp/onramp-prod-proof-pg.XXXXXX)
echo "$PGDATA" >"$PGDATA_FILE"
[ "$(id -u)" = 0 ] && chown postgres: "$PGDATA"
chmod 0700 "$PGDATA"
PG_PASSWORD=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
init_and_start_postgres() {
  as_postgres "$PG_BIN/initdb" -D "$PGDATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$RUN/logs/initdb.log" &&
    as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/postgres.log" -w -t 60 \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PGDATA" start >/dev/null &&
    # Temporal's own role, password-authenticated over TCP like any remote database.
    as_postgres "$PG_BIN/psql" -q -h "$PGDATA" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE temporal LOGIN CREATEDB PASSWORD '$PG_PASSWORD'" >/dev/null
}
timed "PostgreSQL initdb + start" init_and_start_postgres || fail "PostgreSQL did not start (see $PGDATA/postgres.log)"
echo "PostgreSQL on 127.0.0.1:$PG_PORT (data $PGDATA)"

# --- 2. Temporal server + SQL schema tool from the Go module proxy ------------------------------------------
step "Temporal server $TEMPORAL_SERVER_VERSION and its SQL tool (cached in $BIN)"
command -v go >/dev/null || fail "Go (>= 1.25) is needed to build the Temporal server: https://go.dev/dl/"
build_temporal() {
  mkdir -p "$BIN" || return
  # One `go install` for both: they share most packages, and two parallel builds would fight for 2 cores.
  if ! GOBIN=$BIN GOFLAGS=-buildvcs=false go install \
    "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" \
    "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION" 2>"$RUN/logs/go-install.log"; then
    # `go install mod@version` refuses modules with replace directives; a throwaway module builds them anyway.
    echo "go install refused (see $RUN/logs/go-install.log); building from a throwaway module"
    local mod=$CACHE/temporal-server-$TEMPORAL_SERVER_VERSION/build
    rm -rf "$mod" && mkdir -p "$mod" && (
      cd "$mod" &&
        go mod init onramp.local/temporal-build &&
        go get "go.temporal.io/server@$TEMPORAL_SERVER_VERSION" &&
        GOFLAGS=-buildvcs=false go build -o "$BIN/server" go.temporal.io/server/cmd/server &&
        GOFLAGS=-buildvcs=false go build -o "$BIN/sql" go.temporal.io/server/cmd/tools/sql
    ) >>"$RUN/logs/go-install.log" 2>&1
  fi
}
if [ -x "$BIN/server" ] && [ -x "$BIN/sql" ]; then
  echo "cached: $BIN/server, $BIN/sql"
  figures+=("$(printf '%-34s %s' 'Temporal server + sql build' "cached (first build: $(cat "$BIN/build-seconds" 2>/dev/null || echo '?') s)")")
else
  echo "building (several minutes the first time)..."
  bs=$(date +%s)
  timed "Temporal server + sql build" build_temporal || fail "building the Temporal server failed"
  echo $(($(date +%s) - bs)) >"$BIN/build-seconds"
fi
# The schema files ship in the server module; `go mod download` finds (or fetches) it in the module cache.
MODDIR=$(GOFLAGS=-mod=mod go mod download -json "go.temporal.io/server@$TEMPORAL_SERVER_VERSION" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
SCHEMA=$MODDIR/schema/postgresql/v12
[ -d "$SCHEMA/temporal/versioned" ] || fail "no PostgreSQL schema under $SCHEMA"
TEMPORAL_CLI=$(npx --no-install tsx scripts/ensure-temporal-cli.ts)
[ -x "$TEMPORAL_CLI" ] || fail "no Temporal CLI binary ($TEMPORAL_CLI)"
# The SMTP server the workers send through: Mailpit, built once from the Go module proxy like the sandbox's.
MAILPIT=$(npx --no-install tsx scripts/ensure-mailpit.ts 2>"$RUN/logs/mailpit-build.log") ||
  fail "building Mailpit failed (see $RUN/logs/mailpit-build.log)"
[ -x "$MAILPIT" ] || fail "no Mailpit binary ($MAILPIT)"
echo "SMTP server: $MAILPIT"

# The Web UI: docker-compose.yml's temporalio/ui image is ui-server at the same version, which embeds the built
# UI; built from the Go module proxy like the server (its module also ships the image's config/docker.yaml).
UI_VERSION=v$(sed -n 's/^ *image: temporalio\/ui:\(.*\)$/\1/p' docker-compose.yml)
[ "$UI_VERSION" != v ] || fail "no temporalio/ui image in docker-compose.yml"
UI_BIN=$CACHE/temporal-ui-server-$UI_VERSION/bin
if [ -x "$UI_BIN/server" ]; then
  echo "cached: $UI_BIN/server"
else
  mkdir -p "$UI_BIN"
  timed "ui-server $UI_VERSION build" env GOBIN="$UI_BIN" GOFLAGS=-buildvcs=false \
    go install "github.com/temporalio/ui-server/v2/cmd/server@$UI_VERSION" 2>"$RUN/logs/ui-build.log" ||
    fail "building ui-server $UI_VERSION failed (see $RUN/logs/ui-build.log)"
fi
UI_MODDIR=$(GOFLAGS=-mod=mod go mod download -json "github.com/temporalio/ui-server/v2@$UI_VERSION" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -f "$UI_MODDIR/config/docker.yaml" ] || fail "no config/docker.yaml in ui-server $UI_VERSION"
# Headless Chromium (Debian's package) drives the Web UI's sign-in.
if ! command -v "${CHROMIUM:-chromium}" >/dev/null; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  timed "apt-get install chromium" bash -c "$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null"
fi
echo "browser: $("${CHROMIUM:-chromium}" --version 2>/dev/null)"

# --- 3. Schema, with Temporal's own tool ---------------------------------------------------------------------
step "schema (temporal-sql-tool: create-database, setup-schema -v 0.0, update-schema)"
export SQL_PLUGIN=postgres12 SQL_HOST=127.0.0.1 SQL_PORT=$PG_PORT SQL_USER=temporal SQL_PASSWORD=$PG_PASSWORD
setup_schema() {
  local db dir
  for pair in temporal:temporal temporal_visibility:visibility; do
    db=${pair%%:*}
    dir=${pair##*:}
    { "$BIN/sql" --database "$db" create-database &&
      "$BIN/sql" --database "$db" setup-schema -v 0.0 &&
      "$BIN/sql" --database "$db" update-schema -d "$SCHEMA/$dir/versioned"; } >>"$RUN/logs/schema.log" 2>&1 || return
  done
  # Onramp's own database (secret store, shared vendor limiter), as docker-compose.yml's temporal-schema creates it.
  "$BIN/sql" --database onramp create-database >>"$RUN/logs/schema.log" 2>&1
}
timed "schema setup (temporal x 2, onramp)" setup_schema || fail "schema setup failed (see $RUN/logs/schema.log)"
for db in temporal temporal_visibility; do
  v=$(as_postgres "$PG_BIN/psql" -tA -h "$PGDATA" -p "$PG_PORT" -U postgres -d "$db" \
    -c "SELECT curr_version FROM schema_version")
  echo "$db: schema version $v"
done
unset SQL_PASSWORD

# --- 4. Secrets as docs/operations.md says (deploy/make-secrets.sh): codec key, intake token, CA + server + client certs --
step "secrets and mTLS certificates (deploy/make-secrets.sh, openssl)"
SECRETS=$RUN/secrets
rm -rf "$SECRETS"
bash deploy/make-secrets.sh "$SECRETS"
TLS_DIR=$SECRETS/temporal-tls
openssl verify -CAfile "$TLS_DIR/ca.pem" "$TLS_DIR/server.pem" "$TLS_DIR/client.pem"

# --- 5. Temporal server on PostgreSQL, mTLS only --------------------------------------------------------------
step "Temporal server on 127.0.0.1:$TEMPORAL_PORT with mTLS (config deploy/temporal/onramp.yaml.tmpl)"
mkdir -p "$RUN/temporal/config"
cp deploy/temporal/onramp.yaml.tmpl "$RUN/temporal/config/onramp.yaml" # rendered by the server itself
# The CLI as a client: the same client certificate the Onramp services use.
T=("$TEMPORAL_CLI" --address "127.0.0.1:$TEMPORAL_PORT" --tls-ca-path "$TLS_DIR/ca.pem"
  --tls-cert-path "$TLS_DIR/client.pem" --tls-key-path "$TLS_DIR/client.key" --tls-server-name temporal)
# The server's environment in a file (0600: the database password) and its start in scripts/proof/temporal-server.sh,
# so the driver's restart-temporal fault starts it exactly as here.
( umask 077 && cat >"$RUN/temporal.env" <<ENV
export TEMPORAL_SERVER_BIN='$BIN/server'
export TEMPORAL_POSTGRES_HOST=127.0.0.1 TEMPORAL_POSTGRES_PORT='$PG_PORT' TEMPORAL_POSTGRES_USER=temporal
export TEMPORAL_POSTGRES_PASSWORD='$PG_PASSWORD' TEMPORAL_HISTORY_SHARDS=4 TEMPORAL_FRONTEND_PORT='$TEMPORAL_PORT'
export TEMPORAL_METRICS_PORT='$TEMPORAL_METRICS_PORT' TEMPORAL_BIND_IP=127.0.0.1
export TEMPORAL_DYNAMIC_CONFIG_FILE='$REPO/deploy/dynamicconfig/onramp.yaml'
export TEMPORAL_TLS_SERVER_CERT='$TLS_DIR/server.pem' TEMPORAL_TLS_SERVER_KEY='$TLS_DIR/server.key'
export TEMPORAL_TLS_SERVER_CA_CERT='$TLS_DIR/ca.pem' TEMPORAL_TLS_SERVER_NAME=temporal
ENV
)
start_temporal() {
  bash scripts/proof/temporal-server.sh "$RUN" || return
  for _ in $(seq 1 120); do
    kill -0 "$(cat "$RUN/temporal.pid")" 2>/dev/null || return 1
    "${T[@]}" operator cluster health >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  return 1
}
timed "Temporal server start to healthy" start_temporal ||
  { tail -20 "$RUN/logs/temporal.log" >&2; fail "the Temporal server did not become healthy"; }
"${T[@]}" operator cluster describe -o json |
  grep -E '"(serverVersion|persistenceStore|visibilityStore)"' | sed 's/^ */  /'
if "$TEMPORAL_CLI" operator cluster health --address "127.0.0.1:$TEMPORAL_PORT" --command-timeout 5s >/dev/null 2>&1; then
  fail "the server answered a plaintext client: TLS is not on"
fi
echo "plaintext client refused: the server speaks TLS only"

step "namespace '$NAMESPACE' and Onramp's search attributes (Temporal CLI over mTLS)"
"${T[@]}" operator namespace create --namespace "$NAMESPACE" --retention 720h || fail "namespace create failed"
# The list comes from the code, so a new search attribute is registered here too.
SEARCH_ATTRIBUTES=$(npx --no-install tsx -e "
  import { ONRAMP_SEARCH_ATTRIBUTES } from './src/contract/search-attributes';
  const cli = { KEYWORD: 'Keyword', TEXT: 'Text', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList' } as Record<string, string>;
  console.log(ONRAMP_SEARCH_ATTRIBUTES.map((k) => k.name + ':' + cli[k.type]).join(' '));")
for sa in $SEARCH_ATTRIBUTES; do
  for _ in $(seq 1 30); do # the namespace takes a few seconds to reach every service
    "${T[@]}" operator search-attribute create --namespace "$NAMESPACE" --name "${sa%%:*}" --type "${sa##*:}" \
      >>"$RUN/logs/search-attributes.log" 2>&1 && break
    sleep 1
  done
done
registered=$("${T[@]}" operator search-attribute list --namespace "$NAMESPACE" | grep -c '^ *Onramp' || true)
[ "$registered" -ge "$(echo "$SEARCH_ATTRIBUTES" | wc -w)" ] || fail "search attributes not registered (see $RUN/logs)"
echo "registered: $(echo "$SEARCH_ATTRIBUTES" | tr ' ' '\n' | sed 's/:.*//' | paste -sd' ')"

# --- 6. The image's build: tsc + pre-built workflow bundle (the Dockerfile's build stage) --------------------
step "compiled build as the Dockerfile makes it (tsc -p tsconfig.build.json; node dist/temporal/workflow-bundle.js)"
build_image_code() {
  rm -rf dist && npx --no-install tsc -p tsconfig.build.json && node dist/temporal/workflow-bundle.js dist/workflow-bundle.js
}
timed "tsc build + workflow bundle" build_image_code >"$RUN/logs/build.log" 2>&1 || fail "the build failed (see $RUN/logs/build.log)"
tail -1 "$RUN/logs/build.log"

# --- 7. docker-compose.yml's Onramp services as processes, full orders through the intake --------------------
step "docker-compose.yml's Onramp services (codec-server, checklist-page, intake, workers) as processes, orders through the intake"
s=$(date +%s.%N)
ONRAMP_PROOF_TEMPORAL_ADDRESS=127.0.0.1:$TEMPORAL_PORT ONRAMP_PROOF_DIR=$RUN \
  ONRAMP_PROOF_PG_ADDRESS=127.0.0.1:$PG_PORT TEMPORAL_POSTGRES_PASSWORD=$PG_PASSWORD \
  ONRAMP_PROOF_UI_SERVER=$UI_BIN/server ONRAMP_PROOF_UI_CONFIG=$UI_MODDIR/config/docker.yaml ONRAMP_PROOF_MAILPIT=$MAILPIT \
  ONRAMP_PROOF_ROWS=$ROWS ONRAMP_PROOF_PGDATA=$PGDATA ONRAMP_PROOF_PG_BIN=$PG_BIN \
  npx --no-install tsx scripts/prod-proof-driver.ts || driver_failed=1
e=$(date +%s.%N)
# The proof's one outcome table (scripts/proof/table.ts): faults, fairness, upgrade; a FAILED or missing row fails.
step "outcome table (faults x outcomes)"
npx --no-install tsx scripts/proof/report.ts "$ROWS" || table_failed=1
[ -z "${driver_failed:-}" ] || fail "the services run failed (logs: $RUN/*.log)"
[ -z "${table_failed:-}" ] || fail "a row of the outcome table FAILED or is missing (above)"
figures+=("$(printf '%-34s %6.1f s' 'services start + orders + checks' "$(awk "BEGIN { print $e - $s }")")")

step "task queue $TASK_QUEUE as the server sees it (temporal task-queue describe)"
"${T[@]}" task-queue describe --namespace "$NAMESPACE" --task-queue "$TASK_QUEUE" || true
# The workers are versioned (compose's ONRAMP_WORKER_DEPLOYMENT): their pollers show under their deployment version.
"${T[@]}" worker deployment describe --namespace "$NAMESPACE" --name onramp || true
echo "Temporal server metrics: $(curl -fsS "http://127.0.0.1:$TEMPORAL_METRICS_PORT/metrics" | grep -c '^[a-z]') samples"
rows=$(as_postgres "$PG_BIN/psql" -tA -h "$PGDATA" -p "$PG_PORT" -U postgres -d temporal \
  -c "SELECT count(*) FROM executions")
echo "PostgreSQL holds $rows workflow executions in temporal.executions"
[ "$rows" -ge "${ONRAMP_PROOF_ONBOARDINGS:-4}" ] || fail "the executions are not in PostgreSQL"
if [[ ",${ONRAMP_PROOF_SKIP:-}," != *,load,* ]]; then
  echo "the workers' shared limiter in PostgreSQL (database onramp, tables onramp_limiter_*):"
  as_postgres "$PG_BIN/psql" -h "$PGDATA" -p "$PG_PORT" -U postgres -d onramp -c \
    "SELECT split_part(key, ':', 1) AS limiter, count(*) AS keys FROM onramp_limiter_keys GROUP BY 1 ORDER BY 1" \
    -c "SELECT split_part(key, ':', 1) AS window, count(*) AS events_in_window FROM onramp_limiter_events GROUP BY 1 ORDER BY 1" ||
    fail "no limiter state in PostgreSQL"
fi

step "figures"
for f in "${figures[@]}"; do echo "  $f"; done
echo "  total                              $(($(date +%s) - t0)) s"
echo
echo "prod-proof PASSED: Temporal $TEMPORAL_SERVER_VERSION on PostgreSQL over mTLS; docker-compose.yml's codec-server, checklist-page, intake and ${ONRAMP_PROOF_WORKERS:-3} workers as processes with compose's environment; orders completed through the intake, the vendor profile file with its tracking identifier by reference (secrets volume); each order's instruction and result e-mails over SMTP (Mailpit, password by reference) arrived once, recorded in onramp_sent_mail, no secret in any message; an admin's e-mailed checklist link opened over HTTPS on compose's checklist-page service (200, the order's integration shown); a credential supplied through the intake kept sealed in the secret store and read by a worker; the Web UI decoding for an OIDC-signed-in user; vendor limits shared by the workers under load (0 throttling responses)"
