/**
 * One way to write a moment on every screen: local time on a 24-hour clock, the day as "06 Dec", and the
 * zone named ("UTC+1"), so a status bar, a playback and a backtest side by side read alike.
 */
export interface TimeFormat {
  /** With seconds (playback, a dead letter); without, for ranges of hours. */
  seconds?: boolean;
  /** Leave the day out (a time in a list of today's). */
  day?: boolean;
  /** Leave the zone out (beside a time that names it already). */
  zone?: boolean;
  /** The zone to write in; the page's own by default (a test names one). */
  timeZone?: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      day: '2-digit',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'shortOffset',
      ...(timeZone ? { timeZone } : {}),
    });
    formats.set(key, f);
  }
  return f;
}

function partsOf(t: number | Date, timeZone?: string) {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(t)
      .map((p) => [p.type, p.value]),
  );
  // "GMT+1" and "GMT" as "UTC+1" and "UTC": the offset is what is meant, not Greenwich.
  const zone = (parts.timeZoneName ?? '').replace(/^GMT/, 'UTC').replace(/^UTC[+-]0(:00)?$/, 'UTC');
  return { day: `${parts.day} ${parts.month}`, clock: `${parts.hour}:${parts.minute}`, seconds: parts.second ?? '00', zone };
}

/** "06 Dec 08:39:12 UTC+1", or less of it as asked. */
export function formatTime(t: number | Date, options: TimeFormat = {}): string {
  const p = partsOf(t, options.timeZone);
  const clock = options.seconds === false ? p.clock : `${p.clock}:${p.seconds}`;
  return [options.day === false ? '' : p.day, clock, options.zone === false ? '' : p.zone].filter(Boolean).join(' ');
}

/** "06 Dec 02:39 – 08:39 UTC+1"; the end's day too when it is another, the zone once. */
export function formatTimeRange(from: number | Date, to: number | Date, options: Omit<TimeFormat, 'day' | 'zone'> = {}): string {
  const a = partsOf(from, options.timeZone);
  const b = partsOf(to, options.timeZone);
  const clock = (p: typeof a) => (options.seconds ? `${p.clock}:${p.seconds}` : p.clock);
  const end = a.day === b.day ? clock(b) : `${b.day} ${clock(b)}`;
  return `${a.day} ${clock(a)} – ${end} ${b.zone}`;
}
