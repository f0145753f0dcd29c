#!/bin/sh
# Records Chromium's post-quantum ClientHello (~1.9 KB) split over two TCP segments, the way it
# travels on an MTU-1500 link: inside a network namespace of its own (never the host's lo), with
# lo's MTU at 1500 and TSO/GSO off, Chromium fetches https://localhost:PORT/ from a local server.
# Needs root, iproute2, ethtool, tcpdump, openssl, chromium. Usage: record-segmented-hello.sh <out-dir>
set -eu
OUT=${1:?out dir}
NS=hs-mtu-$$
PORT=28443
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/netns-lo.sh"
TMP=$(mktemp -d)
trap 'ip netns del $NS 2>/dev/null || true; rm -rf "$TMP"' EXIT
netns_lo $NS tso gso
self_signed "$TMP" rsa:2048
ip netns exec $NS node "$HERE/local-https-server.mjs" "$TMP/cert.pem" "$TMP/key.pem" $PORT > "$TMP/server.log" &
SERVER=$!
ip netns exec $NS tcpdump -i lo -U --immediate-mode -w "$OUT/capture.pcap" "tcp port $PORT" 2>/dev/null &
DUMP=$!
sleep 1.5
ip netns exec $NS timeout 30 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$TMP/profile" --ignore-certificate-errors --dump-dom "https://localhost:$PORT/" >/dev/null 2>&1 || true
sleep 1
kill $DUMP $SERVER 2>/dev/null || true
wait 2>/dev/null || true
chromium --version | head -1 > "$OUT/chromium-version.txt"  # folded into meta.json by the maintainer
