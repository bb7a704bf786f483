// Formatters are made on first use: building Intl formats costs milliseconds that --json never needs.
let counts: Intl.NumberFormat | undefined;
const decimalFormats = new Map<number, Intl.NumberFormat>();

function decimals(digits: number): Intl.NumberFormat {
  let format = decimalFormats.get(digits);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
    decimalFormats.set(digits, format);
  }
  return format;
}

export function formatCount(value: number): string {
  counts ??= new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
  return counts.format(value);
}

/**
 * Past 2^53 a double no longer holds every whole number, so the digits printed are rounding, and a
 * figure from a file can be up to 1.8e308: hundreds of digits. Beyond this, a figure is printed as a
 * power of ten.
 */
export const LARGEST_PLAIN_FIGURE = Number.MAX_SAFE_INTEGER;

export function formatValue(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined) return "n/a";
  return Math.abs(value) > LARGEST_PLAIN_FIGURE && Number.isFinite(value) ? value.toExponential(2) : decimals(digits).format(value);
}

export function formatPercent(fraction: number, digits = 2): string {
  return `${decimals(digits).format(fraction * 100)}%`;
}
