import Table from 'cli-table3';
import { stringify } from 'yaml';
import type { OUTPUT_FORMATS } from '../cli.constant.js';
import { escapeControl } from './escape-control.js';

export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** A table's column: its header and how a row's cell is derived. */
export interface Column<T> {
  readonly header: string;
  readonly cell: (row: T) => string | number | boolean | null | undefined;
}

const BORDERLESS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '   ',
};

/** Terminal control characters in data (a hostile description) are shown escaped, never interpreted. */
function printable(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined || value === '') return '-';
  return escapeControl(String(value));
}

/** kubectl-style: upper-case headers, aligned columns, no borders. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const table = new Table({ head: columns.map((c) => c.header), chars: BORDERLESS, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 } });
  for (const row of rows) table.push(columns.map((c) => printable(c.cell(row))));
  return `${table.toString().split('\n').map((line) => line.trimEnd()).join('\n')}\n`;
}

/** json and yaml print the server's objects as they are; table prints the chosen columns. */
export function renderOutput<T>(format: OutputFormat, data: T | readonly T[], columns: readonly Column<T>[]): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(data, null, 2)}\n`;
    case 'yaml':
      return stringify(data);
    case 'table':
      return renderTable(Array.isArray(data) ? (data as readonly T[]) : [data as T], columns);
  }
}
