#!/usr/bin/env bash
# The files docker-compose.yml mounts under /run/secrets, created with openssl (README "Running in production";
# scripts/prod-proof.sh runs this same script). Usage: bash deploy/make-secrets.sh [DIR=secrets]
#   codec-key                 payload encryption key (32 random bytes, base64): ONRAMP_CODEC_KEYS k1=file:...
#   intake-token              bearer token of the sales systems calling the intake API
#   temporal-tls/ca.pem       a private CA (its key stays in temporal-tls/ca.key: move it offline)
#   temporal-tls/server.pem   the Temporal server (DNS temporal, localhost; IP 127.0.0.1), serverAuth+clientAuth
#   temporal-tls/client.pem   Onramp's client certificate (CN onramp), clientAuth
#   codec-tls/server.pem      the codec server's HTTPS certificate (DNS localhost, codec-server; IP 127.0.0.1),
#                             signed by the same CA: the Web UI sends access tokens to an https:// endpoint only,
#                             so operators' browsers must trust it (import ca.pem, or replace it with a
#                             certificate of your own CA for ONRAMP_CODEC_SERVER_PUBLIC_URL's host)
#   checklist-key             signs checklist links (32 random bytes, base64): ONRAMP_CHECKLIST_KEYS c1=file:...
#   checklist-tls/server.pem  the checklist page's HTTPS certificate (DNS localhost, checklist-page; IP 127.0.0.1),
#                             signed by the same CA: for a trial only; customers' admins open this page, so
#                             give it a certificate of a public CA for ONRAMP_CHECKLIST_PUBLIC_URL's host
# Existing files are kept (re-running never rotates a key by accident).
set -euo pipefail
DIR=${1:-secrets}
TLS=$DIR/temporal-tls
mkdir -p "$TLS"
umask 077
[ -s "$DIR/codec-key" ] || openssl rand -base64 32 >"$DIR/codec-key"
[ -s "$DIR/intake-token" ] || openssl rand -hex 32 >"$DIR/intake-token"
[ -s "$DIR/checklist-key" ] || openssl rand -base64 32 >"$DIR/checklist-key"
if [ ! -s "$TLS/ca.pem" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 -subj "/CN=Onramp Temporal CA" \
    -keyout "$TLS/ca.key" -out "$TLS/ca.pem" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
fi
issue() { # issue NAME CN EXTFILE-LINES [DIR]
  local name=$1 cn=$2 ext=$3 out=${4:-$TLS}
  [ -s "$out/$name.pem" ] && return 0
  mkdir -p "$out"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$cn" \
    -keyout "$out/$name.key" -out "$out/$name.csr" 2>/dev/null
  printf '%b\n' "$ext" >"$out/$name.ext"
  openssl x509 -req -in "$out/$name.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" -CAcreateserial -days 397 \
    -extfile "$out/$name.ext" -out "$out/$name.pem" 2>/dev/null
  rm -f "$out/$name.csr" "$out/$name.ext"
}
issue server temporal "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:temporal,DNS:localhost,IP:127.0.0.1"
issue client onramp "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth"
issue server codec-server "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,DNS:codec-server,IP:127.0.0.1" "$DIR/codec-tls"
issue server checklist-page "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,DNS:checklist-page,IP:127.0.0.1" "$DIR/checklist-tls"
# Containers run as non-root users (node, temporal): the mounted files must be readable by them.
chmod 0644 "$DIR/codec-key" "$DIR/intake-token" "$DIR/checklist-key" "$DIR/checklist-tls/server.pem" "$DIR/checklist-tls/server.key" "$TLS"/*.pem "$TLS/server.key" "$TLS/client.key" \
  "$DIR/codec-tls/server.pem" "$DIR/codec-tls/server.key"
chmod 0600 "$TLS/ca.key"
chmod 0755 "$DIR" "$TLS" "$DIR/codec-tls" "$DIR/checklist-tls"
echo "secrets in $DIR: codec-key, intake-token, temporal-tls/{ca,server,client}.pem + keys, codec-tls/server.pem + key, checklist-key, checklist-tls/server.pem + key"
