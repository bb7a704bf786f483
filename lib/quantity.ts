const SUFFIXES: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * A Kubernetes resource quantity ("2", "1k", "500m", "64Gi", "1e3") as a number, or undefined when
 * it is not one: the grammar of k8s.io/apimachinery/pkg/api/resource/quantity.go.
 */
export function quantityValue(text: string): number | undefined {
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(text);
  if (!match) return undefined;
  const [, number, exponent, suffix = ""] = match;
  const value = exponent ? Number(`${number}${exponent}`) : Number(number) * SUFFIXES[suffix];
  return Number.isFinite(value) ? value : undefined;
}
