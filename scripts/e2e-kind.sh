#!/usr/bin/env bash
# The rehearsal end to end, with no GPU: a kind cluster, the Dynamo platform from its Helm chart,
# the Pulumi CLI on a local backend, then for mock-agg and then mock-disagg `pulumi up`, a record of
# what the cluster holds, `pulumi destroy` and a check that the caches are still there; at the end,
# a check that results/ holds both summaries and the comparison. Each stack is destroyed before the
# next comes up, as a user with 16 GPUs runs agg and disagg, and so that one runner's 4 CPUs hold it.
#
# Needs on PATH: docker, kind, kubectl, helm, pulumi, node/npm (after `npm ci`). The stacks take the
# current kubeconfig context, which `kind create cluster` sets. Environment:
#   HF_TOKEN                    optional; Qwen/Qwen3-32B's tokenizer is public
#   E2E_CLUSTER                 the kind cluster's name (default dynamo-bench-e2e)
#   E2E_KEEP_CLUSTER=1          keep the cluster at the end, for a look around
#   E2E_IMAGE                   another image for the graph (default: the stacks' graph.image);
#                               set, it is written into the stack files with `pulumi config set`
#   PULUMI_CONFIG_PASSPHRASE    for the local backend's secrets (default: e2e)
#   E2E_MIN_FREE_GB             free disk to insist on where Docker keeps its data, before the
#                               cluster is made (default 10, an estimate; 0 skips the check)
set -euo pipefail

# The platform chart of Dynamo 1.3.1: its release notes list dynamo-platform-1.3.0.tgz, and no 1.3.1
# chart (ai-dynamo/dynamo docs at c07a92061, docs/reference/release-artifacts.md).
DYNAMO_CHART_VERSION="${DYNAMO_CHART_VERSION:-1.3.0}"
DYNAMO_CHART="https://helm.ngc.nvidia.com/nvidia/ai-dynamo/charts/dynamo-platform-${DYNAMO_CHART_VERSION}.tgz"
PLATFORM_NAMESPACE=dynamo-system
NAMESPACE=dynamo-bench-mock
STACKS=(mock-agg mock-disagg)
CACHES=(model-cache compilation-cache perf-cache)
CLUSTER="${E2E_CLUSTER:-dynamo-bench-e2e}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RESULTS="$ROOT/results"

step() { printf '\n== %s\n' "$*"; }
fail() {
  printf 'e2e: %s\n' "$*" >&2
  exit 1
}

# Every stack saved a run with a summary; the last one also compared itself with the first.
check_results() {
  local stack run
  for stack in "${STACKS[@]}"; do
    run="$(find "$RESULTS/$stack" -mindepth 2 -maxdepth 2 -name summary.json 2>/dev/null | head -n 1 || true)"
    [ -n "$run" ] || fail "results/$stack holds no run with a summary.json"
    [ -f "$(dirname "$run")/run.json" ] || fail "$(dirname "$run") has no run.json"
  done
  [ -n "$(find "$RESULTS/${STACKS[1]}" -mindepth 2 -maxdepth 2 -name "comparison-vs-${STACKS[0]}.md" 2>/dev/null || true)" ] ||
    fail "results/${STACKS[1]} holds no comparison with ${STACKS[0]}"
  echo "results/: both summaries and the comparison are there"
}

check_caches() {
  local claim
  for claim in "${CACHES[@]}"; do
    kubectl get pvc "$claim" -n "$NAMESPACE" >/dev/null || fail "PVC $claim is gone after destroy"
  done
  echo "the caches outlived destroy: ${CACHES[*]}"
}

# Docker's data root holds the kind node, and in it every image the stacks pull. GB are 10^9 bytes.
check_disk() {
  local need="${E2E_MIN_FREE_GB-10}" root free_kb free_gb
  case "$need" in '' | *[!0-9]*) fail "E2E_MIN_FREE_GB must be a whole number of GB, not '$need'" ;; esac
  [ "${#need}" -le 6 ] || fail "E2E_MIN_FREE_GB must be at most 999999 GB, not $need"
  need=$((10#$need))
  [ "$need" -gt 0 ] || return 0
  root="$(docker info --format '{{.DockerRootDir}}' 2>/dev/null)" ||
    fail "docker is not reachable (docker info failed): kind runs its nodes in it"
  if [ -z "$root" ] || [ ! -d "$root" ]; then
    echo "Docker's data root '$root' is not a folder here (a remote or rootless Docker?): the free-disk check is skipped"
    return 0
  fi
  free_kb="$(df -Pk "$root" 2>/dev/null | awk 'NR == 2 { print $(NF - 2) }')" || true
  case "$free_kb" in '' | *[!0-9]*) fail "cannot read the free disk of $root from df -Pk" ;; esac
  free_gb=$((free_kb * 1024 / 1000000000))
  [ "$free_gb" -ge "$need" ] ||
    fail "$root has $free_gb GB free; the rehearsal wants $need GB for its images and caches: free some, or set E2E_MIN_FREE_GB"
  echo "$root: $free_gb GB free"
}

# What a stack's run took, for the docs to state from a real run: the images pulled and their
# sizes, the node's disk, and its memory and CPU with the stack up (its benchmark done). Kept in
# results/ for the workflow's artifact. A record that cannot be made is said, and the run goes on.
footprint() {
  local node="$CLUSTER-control-plane"
  echo "# $1, with the stack up, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "## images in the kind node (crictl images)"
  docker exec "$node" crictl images || echo "(crictl images failed)"
  echo "## the node's disk (df -h /var)"
  docker exec "$node" df -h /var || echo "(df failed)"
  echo "## the node's memory and CPU (docker stats)"
  docker stats --no-stream "$node" || echo "(docker stats failed)"
}

record_footprint() {
  local out="$RESULTS/e2e-footprint-$1.txt"
  if mkdir -p "$RESULTS" && footprint "$1" >"$out" 2>&1; then
    cat "$out"
  else
    echo "e2e: could not write $out; the run goes on" >&2
  fi
}

STATE=""

cleanup() {
  if [ "${E2E_KEEP_CLUSTER:-}" = 1 ]; then
    [ -z "$STATE" ] || echo "kept: the cluster $CLUSTER, and Pulumi's state in $STATE"
    return
  fi
  kind delete cluster --name "$CLUSTER" || true
  [ -z "$STATE" ] || rm -rf "$STATE"
}

main() {
  cd "$ROOT"
  step "free disk"
  check_disk
  step "a kind cluster, $CLUSTER"
  kind create cluster --name "$CLUSTER" --wait 5m
  trap cleanup EXIT
  kubectl config use-context "kind-$CLUSTER"

  step "the Dynamo platform, chart $DYNAMO_CHART_VERSION"
  helm install dynamo-platform "$DYNAMO_CHART" --namespace "$PLATFORM_NAMESPACE" --create-namespace --wait --timeout 15m

  step "the namespace and the token the stacks read"
  kubectl create namespace "$NAMESPACE"
  kubectl create secret generic hf-token-secret -n "$NAMESPACE" --from-literal=HF_TOKEN="${HF_TOKEN:-}"

  step "Pulumi on a local backend"
  export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-e2e}"
  STATE="$(mktemp -d)"
  pulumi login "file://$STATE"

  local stack
  for stack in "${STACKS[@]}"; do
    step "pulumi up -s $stack"
    pulumi stack select --create "$stack"
    if [ -n "${E2E_IMAGE:-}" ]; then pulumi config set -s "$stack" --path graph.image "$E2E_IMAGE"; fi
    pulumi up -s "$stack" --yes --skip-preview
    record_footprint "$stack"
    step "pulumi destroy -s $stack"
    pulumi destroy -s "$stack" --yes --skip-preview
    check_caches
  done
  check_results
  step "the rehearsal passed"
}

case "${1:-run}" in
  run) main ;;
  check-results) check_results ;;
  *) fail "usage: $0 [run | check-results]" ;;
esac
