import { terminalLine } from "./terminalText";

export type Align = "left" | "right";

export interface Table {
  header: string[];
  align: Align[];
  rows: string[][];
}

/** A table as aligned plain text, for a terminal. */
export function textTable({ header, align, rows: given }: Table): string {
  // A cell may hold a file's text (a unit, a worker's name): one line, nothing that drives the terminal.
  const rows = given.map((row) => row.map(terminalLine));
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (align[column] === "right" ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

/** A table in GitHub-flavoured Markdown, for a pull request. */
export function markdownTable({ header, align, rows }: Table): string {
  // A line break would end the row: <br> keeps it, and what follows, inside the cell, as GitHub shows it.
  const cellText = (cell: string) => cell.replace(/\|/g, "\\|").replace(/\r\n|[\r\n]/g, "<br>");
  const line = (cells: string[]) => `| ${cells.map(cellText).join(" | ")} |`;
  const rule = align.map((side) => (side === "right" ? "---:" : "---"));
  return [line(header), `|${rule.map((r) => ` ${r} `).join("|")}|`, ...rows.map(line)].join("\n");
}
