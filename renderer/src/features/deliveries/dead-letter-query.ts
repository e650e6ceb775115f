import type { ParamsOf } from '../../../../shared/rpc';

/** The dead-letter filter as the form holds it: text fields, times as `datetime-local` values (local time). */
export interface DeadLetterForm {
  targetId: string;
  fenceId: string;
  deviceId: string;
  error: string;
  from: string;
  to: string;
}

export const EMPTY_FORM: DeadLetterForm = { targetId: '', fenceId: '', deviceId: '', error: '', from: '', to: '' };

export type DeadLetterFilter = Omit<ParamsOf<'deliveries.requeue'>, 'ids'>;

/** The form as the engine's filter: blanks left out, times as epoch ms (an unreadable time is left out too). */
export function filterOf(form: DeadLetterForm): DeadLetterFilter {
  const time = (s: string) => {
    const t = s ? new Date(s).getTime() : NaN;
    return Number.isFinite(t) ? t : undefined;
  };
  const text = (s: string) => s.trim() || undefined;
  const filter: DeadLetterFilter = {
    targetId: text(form.targetId),
    fenceId: text(form.fenceId),
    deviceId: text(form.deviceId),
    error: text(form.error),
    from: time(form.from),
    to: time(form.to),
  };
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as DeadLetterFilter;
}

/** What Requeue and Discard apply to: the rows ticked, or else everything the filter matches. */
export function scopeOf(
  filter: DeadLetterFilter,
  selected: ReadonlySet<string>,
  total: number,
): { params: ParamsOf<'deliveries.requeue'>; count: number; words: string } {
  if (selected.size > 0) return { params: { ids: [...selected] }, count: selected.size, words: `the ${selected.size} selected` };
  const filtered = Object.keys(filter).length > 0;
  return { params: filter, count: total, words: filtered ? `all ${total.toLocaleString()} matching the filter` : `all ${total.toLocaleString()}` };
}

export const ROWS_PER_PAGE = 100;

/** The pages holding rows [first, last]. */
export function pagesOf(first: number, last: number): number[] {
  const pages: number[] = [];
  for (let p = Math.floor(first / ROWS_PER_PAGE); p <= Math.floor(Math.max(first, last) / ROWS_PER_PAGE); p++) pages.push(p);
  return pages;
}
