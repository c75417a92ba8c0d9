#!/usr/bin/env bash
# The files docker-compose.yml mounts under /run/secrets, created with openssl (README "Running in production";
# scripts/prod-proof.sh runs this same script). Usage: bash deploy/make-secrets.sh [DIR=secrets]
#   codec-key                 payload encryption key (32 random bytes, base64): ONRAMP_CODEC_KEYS k1=file:...
#   intake-token              bearer token of the sales systems calling the intake API
#   temporal-tls/ca.pem       a private CA (its key stays in temporal-tls/ca.key: move it offline)
#   temporal-tls/server.pem   the Temporal server (DNS temporal, localhost; IP 127.0.0.1), serverAuth+clientAuth
#   temporal-tls/client.pem   Onramp's client certificate (CN onramp), clientAuth
# Existing files are kept (re-running never rotates a key by accident).
set -euo pipefail
DIR=${1:-secrets}
TLS=$DIR/temporal-tls
mkdir -p "$TLS"
umask 077
[ -s "$DIR/codec-key" ] || openssl rand -base64 32 >"$DIR/codec-key"
[ -s "$DIR/intake-token" ] || openssl rand -hex 32 >"$DIR/intake-token"
if [ ! -s "$TLS/ca.pem" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 -subj "/CN=Onramp Temporal CA" \
    -keyout "$TLS/ca.key" -out "$TLS/ca.pem" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
fi
issue() { # issue NAME CN EXTFILE-LINES
  local name=$1 cn=$2 ext=$3
  [ -s "$TLS/$name.pem" ] && return 0
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$cn" \
    -keyout "$TLS/$name.key" -out "$TLS/$name.csr" 2>/dev/null
  printf '%b\n' "$ext" >"$TLS/$name.ext"
  openssl x509 -req -in "$TLS/$name.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" -CAcreateserial -days 397 \
    -extfile "$TLS/$name.ext" -out "$TLS/$name.pem" 2>/dev/null
  rm -f "$TLS/$name.csr" "$TLS/$name.ext"
}
issue server temporal "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:temporal,DNS:localhost,IP:127.0.0.1"
issue client onramp "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth"
# Containers run as non-root users (node, temporal): the mounted files must be readable by them.
chmod 0644 "$DIR/codec-key" "$DIR/intake-token" "$TLS"/*.pem "$TLS/server.key" "$TLS/client.key"
chmod 0600 "$TLS/ca.key"
chmod 0755 "$DIR" "$TLS"
echo "secrets in $DIR: codec-key, intake-token, temporal-tls/{ca,server,client}.pem + keys"
