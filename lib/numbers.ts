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

export function formatValue(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined ? "n/a" : decimals(digits).format(value);
}

export function formatPercent(fraction: number, digits = 2): string {
  return `${decimals(digits).format(fraction * 100)}%`;
}
