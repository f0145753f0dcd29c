#!/bin/bash
# Records test/fixtures/client-cert/: a TLS 1.2 connection on 127.0.0.1 with client
# authentication (openssl s_server -Verify 1, openssl s_client -cert), so the client's
# Certificate message goes in clear; also keeps the client certificate (PEM) it sent.
# Needs root (tcpdump on lo) and openssl. Usage: sudo bash test/tools/record-client-cert.sh
set -euo pipefail
out="$(cd "$(dirname "$0")/../fixtures/client-cert" && pwd)"
tmp="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
port=18453
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=localhost" -keyout "$tmp/skey.pem" -out "$tmp/scert.pem" 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=client/O=Helloscope Test" -keyout "$tmp/ckey.pem" -out "$tmp/ccert.pem" 2>/dev/null
tcpdump -i lo -U -s 0 -w "$tmp/capture.pcap" "tcp port $port" 2>/dev/null &
sleep 1
openssl s_server -tls1_2 -Verify 1 -accept "127.0.0.1:$port" -cert "$tmp/scert.pem" -key "$tmp/skey.pem" -CAfile "$tmp/ccert.pem" -www -quiet >/dev/null 2>&1 &
sleep 1
printf 'GET / HTTP/1.0\r\n\r\n' | timeout 10 openssl s_client -tls1_2 -connect "127.0.0.1:$port" -servername localhost -cert "$tmp/ccert.pem" -key "$tmp/ckey.pem" -quiet >/dev/null 2>&1 || true
sleep 1
kill %1 %2 2>/dev/null || true
wait 2>/dev/null || true
cp "$tmp/capture.pcap" "$out/openssl-tls12-client-cert.pcap"
cp "$tmp/ccert.pem" "$out/client-cert.pem"
echo "wrote $out/openssl-tls12-client-cert.pcap"
