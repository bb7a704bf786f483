# Downloads one pinned model revision into the model cache, once for all stacks:
# a marker written after a complete download lets every later run skip straight to exit 0.
# With MODEL_FILES (space-separated names), only those files; MODEL_PART names that part in
# the marker, so that the files of a tokenizer-only download never stand for the whole model.
set -eu
marker_dir="$HF_HOME/.dynamo-bench"
marker="$marker_dir/$(printf '%s' "$MODEL_NAME" | tr '/' '_')@$MODEL_REVISION${MODEL_PART:+.$MODEL_PART}.complete"
if [ -f "$marker" ]; then
  echo "$MODEL_NAME at $MODEL_REVISION is already in the model cache (completed $(cat "$marker")); nothing to download"
  exit 0
fi
set -x
pip install --no-cache-dir "huggingface_hub==$HUGGINGFACE_HUB_VERSION"
# shellcheck disable=SC2086 # MODEL_FILES is a list of file names, split on purpose
hf download "$MODEL_NAME" --revision "$MODEL_REVISION" ${MODEL_FILES:-}
set +x
mkdir -p "$marker_dir"
date -u +%Y-%m-%dT%H:%M:%SZ > "$marker.tmp"
mv "$marker.tmp" "$marker"
echo "downloaded $MODEL_NAME at $MODEL_REVISION; marked complete in $marker"
