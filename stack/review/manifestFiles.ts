/** Far beyond any manifest render writes (the largest, the benchmark's scripts, is about 80 KB). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Far beyond the values of any manifest render writes; more means YAML aliases expanding. */
export const MAX_MANIFEST_VALUES = 100_000;
