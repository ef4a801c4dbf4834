#!/usr/bin/env bash
# Instructions per request for the budget lines of benches/README.md, counted with callgrind:
# repeatable on a shared machine where wall-clock medians drift between runs.
#
#   bash benches/instructions.sh
#
# Each case of benches/guard.rs runs under callgrind for a few seconds of criterion's
# profiling loop; the inclusive instruction count of `run` (one request through the
# router, from building it to dropping the response) divided by its calls is printed,
# with the ratios the budget is stated in.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
# With introspection, for its cache-hit case.
bin=$(cargo bench --features introspection --bench guard --no-run --message-format=json 2>/dev/null |
  python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("target", {}).get("name") == "guard" and m.get("executable"):
        print(m["executable"])')
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

per_request() { # criterion id (exact) → instructions per request
  local file="$out/$(tr -c 'a-zA-Z0-9' _ <<<"$1")"
  # A case that crashes under valgrind leaves a partial profile whose count looks like a
  # measurement: stop instead.
  if ! valgrind --tool=callgrind --callgrind-out-file="$file" "$bin" --bench "^$1\$" --profile-time 5 >/dev/null 2>"$file.log"; then
    echo "instructions.sh: \"$1\" did not run to its end under valgrind:" >&2
    tail -n 20 "$file.log" >&2
    exit 1
  fi
  # The callers of `run` are listed above it, each with its call count.
  # --threshold=100: every function, however small its share of the whole program.
  callgrind_annotate --tree=caller --inclusive=yes --threshold=100 "$file" 2>/dev/null |
    awk 'done { next }
         /^ *[0-9,]+ .*< / { c = $0; sub(/.*\(/, "", c); sub(/x\).*/, "", c); gsub(",", "", c); calls += c; next }
         /^ *[0-9,]+ .*\* .*:guard::run / { n = $1; gsub(",", "", n); printf "%.0f\n", n / calls; done = 1; next }
         { calls = 0 }'
}

cases=("bare handler" "bare handler, same request" "HS256/hand-written jsonwebtoken extractor"
  "HS256/warden, first sight" "HS256/warden, first sight, cache on" "HS256/warden, repeated token"
  "RS256/warden, repeated token" "ES256/warden, repeated token" "EdDSA/warden, repeated token" "refusals/401 no credentials" "refusals/401 no credentials, challenge-only renderer"
  "refusals/401 bad signature" "refusals/403 missing role"
  "refusals/401 floor: status only" "refusals/401 floor: status and challenge"
  "refusals/401 floor: the same answer, axum tuple" "refusals/401 floor: the same answer, static block cloned"
  "revocation/cache hit" "revocation/cache hit, revocation check"
  "revocation/first sight" "revocation/first sight, revocation check" "revocation/first sight, revocation check, DPoP allowed"
  "dpop/ES256 bearer, repeated token" "dpop/ES256 DPoP, repeated token, fresh proof" "ES256/warden, first sight"
  "introspection/cache hit" "production/HS256 hand-written, role check" "production/HS256 first sight, cache on"
  "production/HS256 first sight, cache on, two issuers"
  "production/HS256 cache hit, 10,000 subjects" "production/RS256 cache hit, 10,000 subjects"
  "production/ES256 cache hit, 10,000 subjects" "production/EdDSA cache hit, 10,000 subjects")
declare -A ir
for id in "${cases[@]}"; do
  ir[$id]=$(per_request "$id")
  echo "measured: $id = ${ir[$id]}" >&2
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
bare=${ir["bare handler"]}
same=${ir["bare handler, same request"]}
hand=${ir["HS256/hand-written jsonwebtoken extractor"]}
echo "| case | instructions | × bare | × bare, same request | × hand-written | budget |"
echo "|---|---|---|---|---|---|"
for id in "${cases[@]}"; do
  case $id in
    HS256/warden,\ first\ sight,\ cache\ on) budget="≤ 0.85× hand-written" ;;
    production/HS256\ first\ sight,\ cache\ on,\ two\ issuers) budget="$(ratio "${ir[$id]}" "${ir["production/HS256 first sight, cache on"]}")× one issuer's" ;;
    production/HS256\ first\ sight*) budget="≤ 0.85× the hand-written role check: $(ratio "${ir[$id]}" "${ir["production/HS256 hand-written, role check"]}")×" ;;
    */warden,\ repeated\ token | production/*cache\ hit*) budget="≤ 1.40× bare" ;;
    refusals/401\ no\ credentials) budget="≤ 1.10× bare" ;;
    dpop/ES256\ DPoP*) budget="$(ratio "${ir[$id]}" "${ir["dpop/ES256 bearer, repeated token"]}")× the bearer request, $(ratio "${ir[$id]}" "${ir["ES256/warden, first sight"]}")× an ES256 first sight" ;;
    introspection/cache\ hit) budget="≤ 1.60× bare" ;;
    revocation/first\ sight,\ revocation\ check,\ DPoP\ allowed) budget="$(ratio "${ir[$id]}" "${ir["revocation/first sight, revocation check"]}")× the revocation check alone" ;;
    revocation/first\ sight,\ revocation\ check) budget="$(ratio "${ir[$id]}" "${ir["revocation/first sight"]}")× the first sight without it" ;;
    revocation/cache\ hit,\ revocation\ check) budget="≤ 1.10× the cache hit without it: $(ratio "${ir[$id]}" "${ir["revocation/cache hit"]}")×" ;;
    *) budget="" ;;
  esac
  echo "| $id | ${ir[$id]} | $(ratio "${ir[$id]}" "$bare") | $(ratio "${ir[$id]}" "$same") | $(ratio "${ir[$id]}" "$hand") | $budget |"
done
