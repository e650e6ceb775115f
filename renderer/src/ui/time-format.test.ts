import { describe, expect, it } from 'vitest';
import { formatTime, formatTimeRange } from './time-format';

const t = Date.UTC(2026, 11, 6, 7, 39, 12);

describe('formatTime', () => {
  it('writes local time on a 24-hour clock with the day and the zone named', () => {
    expect(formatTime(t, { timeZone: 'Europe/Berlin' })).toBe('06 Dec 08:39:12 UTC+1');
    expect(formatTime(t, { timeZone: 'UTC' })).toBe('06 Dec 07:39:12 UTC');
    expect(formatTime(t, { timeZone: 'America/New_York', seconds: false })).toBe('06 Dec 02:39 UTC-5');
    expect(formatTime(t, { timeZone: 'Asia/Kolkata', day: false })).toBe('13:09:12 UTC+5:30');
    expect(formatTime(t, { timeZone: 'UTC', zone: false })).toBe('06 Dec 07:39:12');
  });

  it('writes a range with its day once, or both days when it crosses midnight, and the zone once', () => {
    expect(formatTimeRange(t - 6 * 3_600_000, t, { timeZone: 'Europe/Berlin' })).toBe('06 Dec 02:39 – 08:39 UTC+1');
    expect(formatTimeRange(t - 12 * 3_600_000, t, { timeZone: 'UTC' })).toBe('05 Dec 19:39 – 06 Dec 07:39 UTC');
    expect(formatTimeRange(t - 60_000, t, { timeZone: 'UTC', seconds: true })).toBe('06 Dec 07:38:12 – 07:39:12 UTC');
  });
});
