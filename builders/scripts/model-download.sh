# Downloads one pinned model revision into the model cache, once for all stacks:
# a marker written after a complete download lets every later run skip straight to exit 0.
set -eu
marker_dir="$HF_HOME/.dynamo-bench"
marker="$marker_dir/$(printf '%s' "$MODEL_NAME" | tr '/' '_')@$MODEL_REVISION.complete"
if [ -f "$marker" ]; then
  echo "$MODEL_NAME at $MODEL_REVISION is already in the model cache (completed $(cat "$marker")); nothing to download"
  exit 0
fi
set -x
pip install --no-cache-dir "huggingface_hub==$HUGGINGFACE_HUB_VERSION" "hf_transfer==$HF_TRANSFER_VERSION"
hf download "$MODEL_NAME" --revision "$MODEL_REVISION"
set +x
mkdir -p "$marker_dir"
date -u +%Y-%m-%dT%H:%M:%SZ > "$marker.tmp"
mv "$marker.tmp" "$marker"
echo "downloaded $MODEL_NAME at $MODEL_REVISION; marked complete in $marker"
