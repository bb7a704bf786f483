const counts = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const decimals = (digits: number) =>
  new Intl.NumberFormat("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function formatCount(value: number): string {
  return counts.format(value);
}

export function formatValue(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined ? "n/a" : decimals(digits).format(value);
}

export function formatPercent(fraction: number, digits = 2): string {
  return `${decimals(digits).format(fraction * 100)}%`;
}
