#!/usr/bin/env bash
# Compile-time cost of the attributes: a crate with 200 annotated handlers on
# axum_warden::Router against the same crate without attributes on axum::Router.
# Dependencies are built first and shared, so each timing is the crate's own build.
#
#   bash benches/compile_time.sh [handlers] [runs] [parts] [instructions]
#
# With `instructions`, each crate is also built once under callgrind (valgrind, a Debian
# package, installed here if missing), which counts the instructions rustc executes: a
# figure that does not drift with the machine's load as the clock does, printed beside
# the clock's ratio. About 8 minutes for the two crates, 16 for all seven with `parts`.
#
# With `parts`, five variants between the two are timed too, in the same session, to
# show where the attributes' cost comes from:
#   extractor        a trivial extractor type, shared by every handler, as first parameter
#   extractor-state  the same, with `Warden` as router state (`.with_state(warden)`)
#   shared-axum      the guard, with one policy type per rule shared by the handlers that
#                    have that rule, mounted on `axum::Router` with `Warden` as state
#   shared           the same, mounted on `axum_warden::Router`
#   shared-named     the same, the router's state named (`axum_warden::Router::<Warden>::new()`)
#                    rather than inferred from `.with_state(..)` at the end of the chain:
#                    the two changes to what applications write that the budget would need
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
n=${1:-200}
runs=${2:-3}
parts=""
instructions=""
for flag in "${@:3}"; do
  case $flag in
    parts) parts=parts ;;
    instructions) instructions=instructions ;;
    *) echo "compile_time.sh: unknown option \"$flag\" (expected parts or instructions)" >&2; exit 2 ;;
  esac
done
work="$root/target/compile-bench"
mkdir -p "$work"

# The four rules the annotated crate cycles through, by handler number modulo 4.
rules=('#[public]' '#[requires_auth]' '#[requires_role(any("editor", "admin"))]' '#[requires_scope("orders:read")]')

generate() { # name variant: plain | extractor | extractor-state | shared-axum | shared | shared-named | annotated
  local dir="$work/$1" variant=$2
  mkdir -p "$dir/src"
  cat > "$dir/Cargo.toml" <<TOML
[package]
name = "$1"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
axum = { version = "0.8", default-features = false, features = ["json"] }
axum-warden = { path = "$root" }
serde = { version = "1", features = ["derive"] }

[workspace]
TOML
  local router="axum::Router::new()" route="axum::routing::get" state="" into="" first=""
  case $variant in
    extractor) first="_: X, " ;;
    extractor-state) first="_: X, " router="axum::Router::<axum_warden::Warden>::new()" state=".with_state(warden)" ;;
    shared-axum) router="axum::Router::<axum_warden::Warden>::new()" state=".with_state(warden)" ;;
    shared | annotated) router="axum_warden::Router::new()" route="axum_warden::routing::get" state=".with_state(warden)" into=".into()" ;;
    shared-named) router="axum_warden::Router::<axum_warden::Warden>::new()" route="axum_warden::routing::get" state=".with_state(warden)" into=".into()" ;;
  esac
  {
    echo "#![allow(dead_code, unused_imports, unused_variables)]"
    echo "use axum::extract::{Json, Path};"
    echo "use axum_warden::{public, requires_auth, requires_role, requires_scope};"
    case $variant in
      extractor | extractor-state)
        echo "pub struct X;"
        echo "impl<S: Send + Sync> axum::extract::FromRequestParts<S> for X {"
        echo "    type Rejection = std::convert::Infallible;"
        echo "    fn from_request_parts(_: &mut axum::http::request::Parts, _: &S) -> impl std::future::Future<Output = Result<Self, Self::Rejection>> + Send {"
        echo "        std::future::ready(Ok(X))"
        echo "    }"
        echo "}"
        ;;
      shared | shared-axum | shared-named)
        # One annotated stub per rule; the handlers name its policy type.
        for r in 0 1 2 3; do echo "${rules[$r]} pub async fn rule$r() {}"; done
        ;;
    esac
    for i in $(seq 1 "$n"); do
      case $variant in
        annotated) echo "${rules[$((i % 4))]}" ;;
        shared | shared-axum | shared-named) first="_: axum_warden::Guard<__warden_policy_rule$((i % 4))>, " ;;
      esac
      echo "pub async fn h$i(${first}Path(id): Path<u64>) -> String { format!(\"{}\", id + $i) }"
    done
    echo "pub fn app(warden: axum_warden::Warden) -> axum::Router {"
    echo "    $router"
    for i in $(seq 1 "$n"); do echo "        .route(\"/r$i/{id}\", $route(h$i))"; done
    echo "        $state$into"
    echo "}"
  } > "$dir/src/lib.rs"
}

variants=()
[ "$parts" = parts ] && variants=(extractor extractor-state shared-axum shared shared-named)
crates=(plain annotated "${variants[@]}")
for crate in "${crates[@]}"; do generate "$crate" "$crate"; done
export CARGO_TARGET_DIR="$work/target"
# The generated crates sit under the repository and would read its `.cargo/config.toml`,
# which trims debug information for the repository's own builds. An application builds
# with cargo's default, full debug information, so the timed crate does too.
export CARGO_PROFILE_DEV_DEBUG=full
for crate in "${crates[@]}"; do
  (cd "$work/$crate" && cargo build --quiet)   # warm the shared dependencies
done

time_build() { # crate → seconds of the median of $runs clean builds of the crate itself
  local crate=$1 times=()
  for _ in $(seq 1 "$runs"); do
    (cd "$work/$crate" && cargo clean --quiet -p "$crate")
    local start end
    start=$(date +%s.%N)
    (cd "$work/$crate" && cargo build --quiet)
    end=$(date +%s.%N)
    times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}

# Counting runs rustc for the timed crate under callgrind, through a wrapper, so that it
# gets the arguments and environment cargo gives it (the attribute macros read the latter).
wrapper="$work/callgrind-rustc"
cat > "$wrapper" <<'SH'
#!/usr/bin/env bash
rustc=$1
shift
if [[ " $* " == *" --crate-name $COUNT_CRATE "* ]]; then
  exec valgrind --tool=callgrind --cache-sim=no --callgrind-out-file=/dev/null --log-file="$COUNT_LOG" "$rustc" "$@"
fi
exec "$rustc" "$@"
SH
chmod +x "$wrapper"

rustc_instructions() { # crate → instructions rustc executes for a clean build of the crate itself
  local crate=$1 log="$work/$1.callgrind.log" count
  rm -f "$log"
  (cd "$work/$crate" && cargo clean --quiet -p "$crate")
  # A build that failed counts the instructions of a failure: stop instead.
  if ! (cd "$work/$crate" && COUNT_CRATE=${crate//-/_} COUNT_LOG=$log RUSTC_WRAPPER=$wrapper cargo build --quiet); then
    echo "compile_time.sh: $crate did not build under valgrind" >&2
    exit 1
  fi
  count=$(sed -n 's/.*Collected : //p' "$log" 2>/dev/null)
  if [ -z "$count" ]; then
    echo "compile_time.sh: no instruction count for $crate (was rustc run under valgrind?)" >&2
    exit 1
  fi
  echo "$count"
}

plain=$(time_build plain)
annotated=$(time_build annotated)
ratio=$(awk -v a="$annotated" -v p="$plain" 'BEGIN { printf "%.2f", a / p }')
echo "handlers: $n, runs: $runs (median of clean builds of the crate itself, dependencies prebuilt)"
echo "without attributes: ${plain}s"
echo "with attributes:    ${annotated}s"
echo "ratio:              ${ratio}x (budget 1.25x)"
if [ "$parts" = parts ]; then
  echo "variants (same session):"
  for crate in "${variants[@]}"; do
    t=$(time_build "$crate")
    printf '  %-16s %ss  %sx\n' "$crate" "$t" "$(awk -v a="$t" -v p="$plain" 'BEGIN { printf "%.2f", a / p }')"
  done
fi
if [ "$instructions" = instructions ]; then
  command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
  declare -A counts
  for crate in "${crates[@]}"; do counts[$crate]=$(rustc_instructions "$crate"); done
  echo "instructions (rustc under callgrind, one build each):"
  for crate in "${crates[@]}"; do
    printf '  %-18s %6.2f G  %sx\n' "$crate" "$(awk -v c="${counts[$crate]}" 'BEGIN { print c / 1e9 }')" \
      "$(awk -v a="${counts[$crate]}" -v p="${counts[plain]}" 'BEGIN { printf "%.3f", a / p }')"
  done
fi
