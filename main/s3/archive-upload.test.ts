import { describe, expect, it } from 'vitest';
import { retentionBound } from '../archive';
import { copyOutlives, remoteKey } from './archive-upload';

describe('the archive in a bucket', () => {
  it('puts each part in a folder of its engine inside its hour', () => {
    expect(remoteKey('hexwatch/', 'ops-1', 'positions/date=2026-12-06/hour=10/part-abc.parquet')).toBe(
      'hexwatch/positions/date=2026-12-06/hour=10/engine=ops-1/part-abc.parquet',
    );
    expect(remoteKey('', 'e', 'fence_events/date=2026-01-01/hour=00/part-1-9.parquet')).toBe('fence_events/date=2026-01-01/hour=00/engine=e/part-1-9.parquet');
  });

  it('keeps the copy of a part retention expired, and not of one replaced in an hour still kept', () => {
    const now = Date.parse('2026-12-06T12:00:00Z');
    const thirtyDays = retentionBound(now, 30);
    expect(copyOutlives('positions/date=2026-10-01/hour=03/part-a.parquet', thirtyDays)).toBe(true);
    expect(copyOutlives('positions/date=2026-12-06/hour=10/part-a.parquet', thirtyDays)).toBe(false);
    // Kept forever: whatever goes was replaced.
    expect(copyOutlives('positions/date=2000-01-01/hour=00/part-a.parquet', retentionBound(now, 0))).toBe(false);
    expect(copyOutlives('odd/part.parquet', thirtyDays)).toBe(true);
  });
});
