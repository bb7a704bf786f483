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

const DECIMAL_EXPONENTS: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_EXPONENTS: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** A quantity exactly: digits × 10^exp10 × 2^exp2, so that "1100m" and "1.1" are equal, as Kubernetes finds them. */
interface ExactQuantity {
  digits: bigint;
  exp10: number;
  exp2: number;
  negative: boolean;
}

function exactQuantity(text: string): ExactQuantity | undefined {
  const match = /^([+-]?)(\d*)\.?(\d*)(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(text);
  if (!match) return undefined;
  const [, sign, whole, fraction, exponent, suffix = ""] = match;
  if (whole === "" && fraction === "") return undefined;
  return {
    digits: BigInt(`${whole}${fraction}` || "0"),
    exp10: (exponent === undefined ? (DECIMAL_EXPONENTS[suffix] ?? 0) : Number(exponent)) - fraction.length,
    exp2: BINARY_EXPONENTS[suffix] ?? 0,
    negative: sign === "-",
  };
}

/** log10 of a positive quantity, near enough to order two whose logs differ by more than 1. */
function log10Of(quantity: ExactQuantity): number {
  const text = quantity.digits.toString();
  return Math.log10(Number(`0.${text}`)) + text.length + quantity.exp10 + quantity.exp2 * Math.log10(2);
}

/**
 * Orders two Kubernetes quantities by value (negative, zero or positive, as `a` is less, equal or more),
 * exactly, as the API server compares a request with its limit; undefined when either is no quantity.
 */
export function compareQuantities(a: string, b: string): number | undefined {
  const [x, y] = [exactQuantity(a), exactQuantity(b)];
  if (!x || !y) return undefined;
  const sign = (q: ExactQuantity) => (q.digits === 0n ? 0 : q.negative ? -1 : 1);
  if (sign(x) !== sign(y) || sign(x) === 0) return sign(x) - sign(y);
  const direction = sign(x);
  const [logX, logY] = [log10Of(x), log10Of(y)];
  if (Math.abs(logX - logY) > 1) return logX > logY ? direction : -direction;
  // Within a factor of ten, the exponents differ by little: scale both to the smaller ones and compare exactly.
  const exp10 = Math.min(x.exp10, y.exp10);
  const exp2 = Math.min(x.exp2, y.exp2);
  const scaled = (q: ExactQuantity) => q.digits * 10n ** BigInt(q.exp10 - exp10) * 2n ** BigInt(q.exp2 - exp2);
  const [sx, sy] = [scaled(x), scaled(y)];
  return sx === sy ? 0 : (sx > sy ? 1 : -1) * direction;
}
