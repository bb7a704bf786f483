/** Where the recipe's images expect the Hugging Face cache and vLLM's compilation cache. */
export const HF_HOME = "/home/dynamo/.cache/huggingface";
export const VLLM_CACHE = "/home/dynamo/.cache/vllm";

/**
 * Where `hf download <repo> --revision <commit>` puts that commit in the cache: `$HF_HOME/hub`
 * (HF_HUB_CACHE), `models--<owner>--<name>` (file_download.py `repo_folder_name`), then
 * `snapshots/<commit>` (huggingface/huggingface_hub @ f7c9b7dfd5e5ee0eff8d936e17459771a578e47b).
 */
export function modelSnapshotPath(model: { name: string; revision: string }): string {
  return `${HF_HOME}/hub/models--${model.name.split("/").join("--")}/snapshots/${model.revision}`;
}
