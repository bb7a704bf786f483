#!/usr/bin/env bash
# The rehearsal end to end, with no GPU: a kind cluster, the Dynamo platform from its Helm chart,
# the Pulumi CLI on a local backend, then `pulumi up` on mock-agg and mock-disagg, a check that
# results/ holds both summaries and the comparison, `pulumi destroy` on both, and a check that the
# caches and the results are still there.
#
# Needs on PATH: kind, kubectl, helm, pulumi, node/npm (after `npm ci`). The stacks take the current
# kubeconfig context, which `kind create cluster` sets. Environment:
#   HF_TOKEN                    optional; Qwen/Qwen3-32B's tokenizer is public
#   E2E_CLUSTER                 the kind cluster's name (default dynamo-bench-e2e)
#   E2E_KEEP_CLUSTER=1          keep the cluster at the end, for a look around
#   E2E_IMAGE                   another image for the graph (default: the stacks' graph.image);
#                               set, it is written into the stack files with `pulumi config set`
#   PULUMI_CONFIG_PASSPHRASE    for the local backend's secrets (default: e2e)
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
  done
  check_results

  for stack in "${STACKS[@]}"; do
    step "pulumi destroy -s $stack"
    pulumi destroy -s "$stack" --yes --skip-preview
  done
  check_caches
  check_results
  step "the rehearsal passed"
}

case "${1:-run}" in
  run) main ;;
  check-results) check_results ;;
  *) fail "usage: $0 [run | check-results]" ;;
esac
