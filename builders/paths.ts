/** Where the recipe's images expect the Hugging Face cache and vLLM's compilation cache. */
export const HF_HOME = "/home/dynamo/.cache/huggingface";
export const VLLM_CACHE = "/home/dynamo/.cache/vllm";
