import { describe, expect, it } from 'vitest';
import { HOUR_MS, hourDir, hourStart, partPath, retentionBound, rollCutoff, sqlString, tmpPathOf } from './layout';

describe('archive layout', () => {
  it('names hive partitions in UTC with a zero-padded hour', () => {
    const ts = Date.UTC(2024, 1, 29, 7, 59, 59, 999);
    expect(hourStart(ts)).toBe(Date.UTC(2024, 1, 29, 7));
    expect(hourDir('positions', hourStart(ts))).toBe('positions/date=2024-02-29/hour=07');
    expect(partPath('positions', Date.UTC(2023, 11, 31, 23), 'abc')).toBe('positions/date=2023-12-31/hour=23/part-abc.parquet');
  });

  it('writes the temporary file beside the part, hidden from *.parquet globs', () => {
    expect(tmpPathOf('positions/date=2024-01-01/hour=00/part-x.parquet')).toBe('positions/date=2024-01-01/hour=00/.part-x.parquet.tmp');
    expect(tmpPathOf('/a/b/part-x.parquet')).toBe('/a/b/.part-x.parquet.tmp');
  });

  it('rolls only hours that ended before now minus the grace', () => {
    expect(rollCutoff(Date.UTC(2024, 0, 1, 11, 4), 5 * 60_000)).toBe(Date.UTC(2024, 0, 1, 10));
    expect(rollCutoff(Date.UTC(2024, 0, 1, 11, 5), 5 * 60_000)).toBe(Date.UTC(2024, 0, 1, 11));
  });

  it('expires an hour once all of it is older than the retention', () => {
    const now = Date.UTC(2024, 0, 3, 12);
    const bound = retentionBound(now, 2);
    expect(Date.UTC(2024, 0, 1, 11) <= bound).toBe(true); // ended at 12:00 two days ago
    expect(Date.UTC(2024, 0, 1, 12) <= bound).toBe(false);
    expect(retentionBound(now, 0)).toBe(Number.NEGATIVE_INFINITY);
    expect(bound + HOUR_MS).toBe(now - 2 * 86_400_000);
  });

  it('quotes SQL strings', () => {
    expect(sqlString("it's")).toBe("'it''s'");
  });
});
