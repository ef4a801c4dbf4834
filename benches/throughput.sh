#!/usr/bin/env bash
# Throughput over real TCP: a public route against guarded routes with the same handler
# (benches/tcp_server.rs, each answers "ok"), so the difference is the guard's alone, with
# wrk (Debian package `wrk`, installed here if missing) on loopback.
#
#   bash benches/throughput.sh [seconds] [connections] [rounds]
#
# Every route is measured in each round, the rounds one after another, and the median of
# the rounds is compared with the public route's: a single run on a shared machine moves
# by more than the difference measured.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-64}
rounds=${3:-3}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

server_bin=$(cargo bench --quiet --bench tcp_server --no-run --message-format=json 2>/dev/null |
  python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("target", {}).get("name") == "tcp_server" and m.get("executable"):
        print(m["executable"])')
port=$((20000 + RANDOM % 20000))
secret="throughput benchmark secret, 32+ bytes long"
TCP_SERVER_ADDR="127.0.0.1:$port" WARDEN_JWT_SECRET="$secret" WARDEN_ISSUER=bench WARDEN_AUDIENCE=bench \
  "$server_bin" >/dev/null &
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
now = int(time.time())
# Eight claims, as identity providers issue them.
claims = b64(json.dumps({"iss": "bench", "sub": "user-00000042", "aud": "bench", "exp": now + 3600, "iat": now,
                         "jti": "5f0c6c1e9d3b4a7e8c2d1f0a9b8c7d6e", "scope": "orders:read orders:write profile",
                         "roles": ["admin", "orders"]}).encode())
sig = hmac.new(sys.argv[1].encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
print(f"{header}.{claims}.{b64(sig)}")
PY
)

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "wrk: ${secs}s, $conns connections, 2 threads, loopback; server and load generator share the machine"
declare -A rates
measure() { # label expected-status path [curl/wrk header options]
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
  rates[$label]+="$(awk '/Requests\/sec/ {print $2}' <<<"$out") "
}
auth=(-H "Authorization: Bearer $token")
labels=("GET /public (#[public])" "GET /public, same request (the token header)" "GET /auth without a token (401)"
  "GET /auth, valid token (#[requires_auth], repeated)" "GET /role, valid token (#[requires_role], repeated)")
for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds" >&2
  measure "${labels[0]}" 200 /public
  measure "${labels[1]}" 200 /public "${auth[@]}"
  measure "${labels[2]}" 401 /auth
  measure "${labels[3]}" 200 /auth "${auth[@]}"
  measure "${labels[4]}" 200 /role "${auth[@]}"
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
range() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.0f–%.0f", lo, hi }'; }
public=$(median "${rates[${labels[0]}]}")
same=$(median "${rates[${labels[1]}]}")
echo
echo "| route | requests/s, median of $rounds (range) | × public route | × public route, same request |"
echo "|---|---|---|---|"
for label in "${labels[@]}"; do
  m=$(median "${rates[$label]}")
  printf '| %s | %.0f (%s) | %.3f | %.3f |\n' "$label" "$m" "$(range "${rates[$label]}")" \
    "$(awk -v a="$m" -v b="$public" 'BEGIN { print a / b }')" "$(awk -v a="$m" -v b="$same" 'BEGIN { print a / b }')"
done
