import { describe, expect, it } from 'vitest';
import { parseLocalPart, parseSharedKey, sharedKeyOf } from './shared-layout';

const HOUR = Date.UTC(2026, 0, 5, 9);

describe('the shared archive layout', () => {
  it('names a part by hour, partition and engine, and reads the name back', () => {
    const key = sharedKeyOf({ table: 'positions', hour: HOUR + 1234, partition: 3, engine: 'host-a1b2c3', file: 'part-x.parquet' });
    expect(key).toBe('positions/date=2026-01-05/hour=09/partition=3/engine=host-a1b2c3/part-x.parquet');
    expect(parseSharedKey(key)).toEqual({ table: 'positions', hour: HOUR, partition: 3, engine: 'host-a1b2c3', file: 'part-x.parquet' });
  });

  it('leaves the partition out when there is none (fence events, market, an unpartitioned stream: the copies to a bucket as they were)', () => {
    const key = sharedKeyOf({ table: 'fence_events', hour: HOUR, engine: 'e1', file: 'part-1-9.parquet' });
    expect(key).toBe('fence_events/date=2026-01-05/hour=09/engine=e1/part-1-9.parquet');
    expect(parseSharedKey(key)).toEqual({ table: 'fence_events', hour: HOUR, engine: 'e1', file: 'part-1-9.parquet' });
  });

  it('reads only what hexwatch named: local parts, not temporary files or strangers', () => {
    expect(parseLocalPart('positions/date=2026-01-05/hour=09/part-abc.parquet')).toEqual({ table: 'positions', hour: HOUR, file: 'part-abc.parquet' });
    expect(parseLocalPart('positions/date=2026-01-05/hour=09/.part-abc.parquet.tmp')).toBeUndefined();
    expect(parseSharedKey('positions/date=2026-01-05/hour=09/partition=1/engine=a/notes.txt')).toBeUndefined();
    expect(parseSharedKey('positions/date=2026-01-05/hour=09/engine=../part-a.parquet')).toBeUndefined();
  });
});
