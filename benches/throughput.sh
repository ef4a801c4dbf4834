#!/usr/bin/env bash
# Throughput of the quickstart over real TCP: a public route against guarded ones, with
# wrk (Debian package `wrk`, installed here if missing) on loopback.
#
#   bash benches/throughput.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-64}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

cargo build --release --quiet --example quickstart
port=$((20000 + RANDOM % 20000))
secret="throughput benchmark secret, 32+ bytes long"
QUICKSTART_ADDR="127.0.0.1:$port" WARDEN_JWT_SECRET="$secret" WARDEN_ISSUER=bench WARDEN_AUDIENCE=bench RUST_LOG=off \
  target/release/examples/quickstart >/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

token=$(python3 - "$secret" <<'PY'
import base64, hashlib, hmac, json, sys, time
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
claims = b64(json.dumps({"sub": "bench", "iss": "bench", "aud": "bench", "exp": int(time.time()) + 3600,
                         "roles": ["admin"]}).encode())
sig = hmac.new(sys.argv[1].encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
print(f"{header}.{claims}.{b64(sig)}")
PY
)

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "wrk: ${secs}s, $conns connections, 2 threads, loopback; server and load generator share the machine"
run() { # label path [header]
  local label=$1 path=$2; shift 2
  local out
  out=$(wrk -t2 -c"$conns" -d"${secs}s" "$@" "http://127.0.0.1:$port$path")
  printf '| %s | %s | %s |\n' "$label" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '/Latency/ {print $2}' <<<"$out")"
}
echo
echo "| route | requests/s | mean latency |"
echo "|---|---|---|"
run "GET /health (#[public])" /health
run "GET /me without a token (401)" /me
run "GET /me, valid token (repeated)" /me -H "Authorization: Bearer $token"
run "GET /admin, valid token (repeated)" /admin -H "Authorization: Bearer $token"
