#!/bin/sh
# Records real clients (curl, wget, Python's urllib) downloading files of realistic sizes over
# HTTPS from a local server, for the "realistic" profile of `npm run bench:capture`: connections
# that carry application data after the handshake, as real traffic does. Inside a network
# namespace of its own (never the host's lo), with lo at MTU 1500 and TSO/GSO off, so segments
# are the size they are on an Ethernet link. Each client makes one connection per file.
# Needs root, iproute2, ethtool, tcpdump, openssl, curl, wget, python3.
# usage: record-downloads.sh <out.pcap> [sizes in bytes...]
set -eu
OUT=${1:?out.pcap}
shift
SIZES=${*:-4096 16384 65536 262144 1048576}
NS=hs-dl-$$
PORT=28444
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/netns-lo.sh"
TMP=$(mktemp -d)
trap 'ip netns del $NS 2>/dev/null || true; rm -rf "$TMP"' EXIT
netns_lo $NS tso gso gro
self_signed "$TMP" ec -pkeyopt ec_paramgen_curve:prime256v1
ip netns exec $NS node "$HERE/download-server.mjs" "$TMP/cert.pem" "$TMP/key.pem" $PORT > "$TMP/server.log" &
SERVER=$!
ip netns exec $NS tcpdump -i lo -U -s 262144 -w "$OUT" "tcp port $PORT" 2>/dev/null &
DUMP=$!
sleep 1.5
URL=https://localhost:$PORT/bytes
for n in $SIZES; do
  ip netns exec $NS curl -s -k -o /dev/null "$URL/$n"
  ip netns exec $NS wget -q --no-check-certificate -O /dev/null "$URL/$n"
  ip netns exec $NS python3 -c "import ssl,sys,urllib.request as u; c=ssl.create_default_context(); c.check_hostname=False; c.verify_mode=ssl.CERT_NONE; u.urlopen(sys.argv[1], context=c).read()" "$URL/$n"
done
sleep 1
kill $DUMP $SERVER 2>/dev/null || true
wait 2>/dev/null || true
