# Sourced by the recording scripts (record-downloads.sh, record-segmented-hello.sh): a network
# namespace of their own (never the host's lo) with lo at MTU 1500, and a self-signed certificate
# for localhost and 127.0.0.1. Needs root, iproute2, ethtool, openssl.

# netns_lo NAME OFFLOAD...: create namespace NAME, bring its lo up at MTU 1500 and turn the
# given offloads off (e.g. tso gso), so segments are the size they are on an Ethernet link.
netns_lo() {
  ns=$1; shift
  ip netns add "$ns"
  ip netns exec "$ns" ip link set lo up mtu 1500
  args=""
  for f in "$@"; do args="$args $f off"; done
  # shellcheck disable=SC2086
  ip netns exec "$ns" ethtool -K lo $args >/dev/null 2>&1 || true
}

# self_signed DIR KEY...: DIR/cert.pem and DIR/key.pem, the key made by `openssl req -newkey KEY...`.
self_signed() {
  dir=$1; shift
  openssl req -x509 -newkey "$@" -nodes -keyout "$dir/key.pem" -out "$dir/cert.pem" -days 30 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null
}
