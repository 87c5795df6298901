import Table from 'cli-table3';
import { Document, isScalar, visit } from 'yaml';
import type { OUTPUT_FORMATS } from '../cli.constant.js';
import { escapeControl, escapeUnsafeInQuoted, hasUnsafeInQuoted } from './escape-control.js';

export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** A table's column: its header and how a row's cell is derived. */
export interface Column<T> {
  readonly header: string;
  readonly cell: (row: T) => string | number | boolean | null | undefined;
}

const BORDERLESS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '   ',
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
  return `${table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')}\n`;
}

/**
 * YAML with every string that holds a C1 control or bidi override double-quoted (keys too), so the
 * character can be written as a \uNNNN escape that reads back as itself.
 */
function renderYaml(data: unknown): string {
  const doc = new Document(data);
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && hasUnsafeInQuoted(node.value)) node.type = 'QUOTE_DOUBLE';
    },
    Pair(_key, pair) {
      if (isScalar(pair.key) && typeof pair.key.value === 'string' && hasUnsafeInQuoted(pair.key.value)) pair.key.type = 'QUOTE_DOUBLE';
    },
  });
  return escapeUnsafeInQuoted(doc.toString());
}

/**
 * json and yaml print the server's objects as they are (reading back to the same values); table
 * prints the chosen columns. None lets a terminal control character or bidi override through raw.
 */
export function renderOutput<T>(format: OutputFormat, data: T | readonly T[], columns: readonly Column<T>[]): string {
  switch (format) {
    case 'json':
      return `${escapeUnsafeInQuoted(JSON.stringify(data, null, 2))}\n`;
    case 'yaml':
      return renderYaml(data);
    case 'table':
      return renderTable(Array.isArray(data) ? (data as readonly T[]) : [data as T], columns);
  }
}
