#!/usr/bin/env bash
# Compile-time cost of the attributes: a crate with 200 annotated handlers on
# axum_warden::Router against the same crate without attributes on axum::Router.
# Dependencies are built first and shared, so each timing is the crate's own build.
#
#   bash benches/compile_time.sh [handlers] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
n=${1:-200}
runs=${2:-3}
work="$root/target/compile-bench"
mkdir -p "$work"

generate() { # name annotated?
  local dir="$work/$1" annotated=$2
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
  {
    echo "#![allow(dead_code, unused_imports)]"
    echo "use axum::extract::{Json, Path};"
    echo "use axum_warden::{public, requires_auth, requires_role, requires_scope};"
    for i in $(seq 1 "$n"); do
      if [ "$annotated" = yes ]; then
        case $((i % 4)) in
          0) echo "#[public]" ;;
          1) echo "#[requires_auth]" ;;
          2) echo "#[requires_role(any(\"editor\", \"admin\"))]" ;;
          3) echo "#[requires_scope(\"orders:read\")]" ;;
        esac
      fi
      echo "pub async fn h$i(Path(id): Path<u64>) -> String { format!(\"{}\", id + $i) }"
    done
    if [ "$annotated" = yes ]; then
      echo "pub fn app(warden: axum_warden::Warden) -> axum::Router {"
      echo "    axum_warden::Router::new()"
      for i in $(seq 1 "$n"); do echo "        .route(\"/r$i/{id}\", axum_warden::routing::get(h$i))"; done
      echo "        .with_state(warden).into()"
    else
      echo "pub fn app(_warden: axum_warden::Warden) -> axum::Router {"
      echo "    axum::Router::new()"
      for i in $(seq 1 "$n"); do echo "        .route(\"/r$i/{id}\", axum::routing::get(h$i))"; done
    fi
    echo "}"
  } > "$dir/src/lib.rs"
}

generate annotated yes
generate plain no
export CARGO_TARGET_DIR="$work/target"
# The generated crates sit under the repository and would read its `.cargo/config.toml`,
# which trims debug information for the repository's own builds. An application builds
# with cargo's default, full debug information, so the timed crate does too.
export CARGO_PROFILE_DEV_DEBUG=full
for crate in annotated plain; do
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

plain=$(time_build plain)
annotated=$(time_build annotated)
ratio=$(awk -v a="$annotated" -v p="$plain" 'BEGIN { printf "%.2f", a / p }')
echo "handlers: $n, runs: $runs (median of clean builds of the crate itself, dependencies prebuilt)"
echo "without attributes: ${plain}s"
echo "with attributes:    ${annotated}s"
echo "ratio:              ${ratio}x (budget 1.25x)"
