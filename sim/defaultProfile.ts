import { profileFromRawData, type PerfProfile } from "./perfProfile";

/**
 * No one has published vLLM timings of Qwen3-32B on H200, at any TP. The nearest public figures are
 * NVIDIA AIConfigurator's estimates for Qwen3-32B on H200 SXM (TensorRT-LLM backend), which
 * Dynamo commits as planner profile data: ai-dynamo/dynamo @ 545f274f,
 * `benchmarks/profiler/comparison/results/aic_all/configmap_data.json` (`prefill_raw_data.json`:
 * a TP 1 prefill worker; `decode_raw_data.json`: a TP 2 decode worker).
 */
export const AIC_QWEN3_32B_H200 = {
  prefill: {
    prefill_isl: [100, 2621, 5142, 7663, 10184, 12705, 15226, 17747, 20268, 22789, 25310, 27831, 30352, 32873, 35394, 37915, 40436],
    prefill_ttft: [
      19.855, 249.305, 517.126, 805.798, 1116.58, 1457.279, 1834.324, 2233.826, 2656.398, 3116.071, 3606.484, 4116.535, 4647.593, 5213.541,
      5980.803, 6696.901, 7371.212,
    ],
  },
  decode: {
    x_kv_usage: [
      0.0006968335881753312, 0.11706804281345566, 0.23343925203873597, 0.3498104612640163, 0.46618167048929665, 0.5832497133027523,
      0.014121830402650356, 0.197705625637105, 0.38128942087155965, 0.5789950465086646, 0.7625788417431193, 0.9602844673802242,
      0.027546827217125383, 0.19282779051987767, 0.38565558103975534, 0.578483371559633, 0.7713111620795107, 0.9641389525993884,
      0.04097182403160041, 0.20485912015800203, 0.40971824031600407, 0.5736055364424058, 0.7784646566004078, 0.9833237767584098,
      0.05439682084607543, 0.21758728338430172, 0.38077774592252805, 0.5983650293068298, 0.7615554918450561, 0.9791427752293578,
      0.06782181766055045, 0.20346545298165136, 0.4069309059633027, 0.5425745412844036, 0.746039994266055, 0.9495054472477065,
    ],
    y_context_length: [
      350, 350, 350, 350, 350, 350, 7093, 7093, 7093, 7093, 7093, 7093, 13836, 13836, 13836, 13836, 13836, 13836, 20579, 20579, 20579,
      20579, 20579, 20579, 27322, 27322, 27322, 27322, 27322, 27322, 34065, 34065, 34065, 34065, 34065, 34065,
    ],
    z_itl: [
      10.595, 17.071, 25.189, 34.944, 44.865, 54.929, 10.878, 14.566, 16.442, 18.769, 21.278, 24.135, 11.023, 14.28, 16.341, 18.569, 20.95,
      23.475, 11.271, 14.204, 16.756, 18.427, 20.912, 23.658, 11.611, 14.32, 16.252, 18.807, 20.721, 23.491, 11.916, 13.95, 16.464, 17.932,
      20.496, 23.062,
    ],
    max_kv_tokens: 502272,
  },
};

export const DEFAULT_PROFILE_SOURCE =
  "AIConfigurator's H200 estimate for Qwen3-32B (TensorRT-LLM; ai-dynamo/dynamo@545f274f), not a measurement";

/** The estimate as published: its prefill for a TP 1 worker, its decode for a TP 2 worker. */
export function defaultProfile(): PerfProfile {
  const { prefill, decode } = AIC_QWEN3_32B_H200;
  return { ...profileFromRawData(DEFAULT_PROFILE_SOURCE, prefill, decode), tp: { prefill: 1, decode: 2 } };
}
