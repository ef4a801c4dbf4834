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
run() { # label expected-status path [header]
  local label=$1 want=$2 path=$3; shift 3
  # A rate is only worth reporting for the answer it claims to measure.
  local got
  got=$(curl -s -o /dev/null -w "%{http_code}" "$@" "http://127.0.0.1:$port$path")
  if [[ $got != "$want" ]]; then
    echo "throughput: $path answered $got, not $want" >&2
    exit 1
  fi
  local out
  out=$(wrk -t2 -c"$conns" -d"${secs}s" "$@" "http://127.0.0.1:$port$path")
  # wrk counts 4xx and 5xx as "Non-2xx"; for a 200 case there must be none.
  if [[ $want == 200 ]] && grep -q "Non-2xx" <<<"$out"; then
    echo "throughput: $path gave non-2xx answers under load:" >&2
    grep "Non-2xx" <<<"$out" >&2
    exit 1
  fi
  printf '| %s | %s | %s | %s |\n' "$label" "$want" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '/Latency/ {print $2}' <<<"$out")"
}
echo
echo "| route | status | requests/s | mean latency |"
echo "|---|---|---|---|"
run "GET /health (#[public])" 200 /health
run "GET /me without a token" 401 /me
run "GET /me, valid token (repeated)" 200 /me -H "Authorization: Bearer $token"
run "GET /admin, valid token (repeated)" 200 /admin -H "Authorization: Bearer $token"
