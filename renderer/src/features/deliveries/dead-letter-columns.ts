import { z } from 'zod';
import { persistFields } from '../../app/preferences';
import { createStore } from '../../app/store';

export type DeadLetterSort = 'failed' | 'created' | 'attempts' | 'target' | 'fence';

export interface Column {
  key: 'tick' | 'failed' | 'target' | 'fence' | 'device' | 'event' | 'tries' | 'error';
  name: string;
  sort?: DeadLetterSort;
  /** Its width until the analyst drags it: wide enough for the ids a fleet usually has. */
  px: number;
}

/** The dead-letter grid's columns, in order; the first, the tick boxes, stays in place when the grid scrolls sideways; the last error has a line of its own (`layoutOf`). */
export const COLUMNS: readonly Column[] = [
  { key: 'tick', name: '', px: 30 },
  { key: 'failed', name: 'Failed at', sort: 'failed', px: 96 },
  { key: 'target', name: 'Target', sort: 'target', px: 110 },
  { key: 'fence', name: 'Fence', sort: 'fence', px: 170 },
  { key: 'device', name: 'Device', px: 190 },
  { key: 'event', name: 'Event', px: 56 },
  { key: 'tries', name: 'Tries', sort: 'attempts', px: 48 },
  { key: 'error', name: 'Last error', px: 260 },
];

export const COLUMN_MIN_PX = 40;

/** The widths the analyst dragged the columns to, kept as a preference. */
export const columnWidths = createStore<{ widths: Partial<Record<Column['key'], number>> }>({ widths: {} });

persistFields(columnWidths, 'deadLetters', {
  widths: z.partialRecord(z.enum(COLUMNS.map((c) => c.key) as [Column['key'], ...Column['key'][]]), z.number().int().min(COLUMN_MIN_PX).max(2000)),
});

export function setColumnWidth(key: Column['key'], px: number): void {
  const widths = columnWidths.get().widths;
  columnWidths.set({ widths: { ...widths, [key]: Math.round(Math.max(COLUMN_MIN_PX, Math.min(2000, px))) } });
}

/**
 * The grid's template and full width: each column at its width, the last on the row's first line taking
 * what the panel has left. The last error is not among them: it reads on the row's second line, across the
 * row's whole width, so the why shows at any panel width without scrolling sideways.
 */
export function layoutOf(widths: Partial<Record<Column['key'], number>>): { template: string; width: number; px: (key: Column['key']) => number } {
  const px = (key: Column['key']) => (key === 'tick' ? 30 : (widths[key] ?? COLUMNS.find((c) => c.key === key)!.px));
  const line = COLUMNS.filter((c) => c.key !== 'error');
  const template = line.map((c, i) => (i === line.length - 1 ? `minmax(${px(c.key)}px, 1fr)` : `${px(c.key)}px`)).join(' ');
  return { template, width: line.reduce((w, c) => w + px(c.key), 0), px };
}
