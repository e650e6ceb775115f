import { describe, expect, it } from 'vitest';
import { ConfigSchema } from './schema';
import { partitionLayout, partitionSubjectsProblem } from './partition-layout';

describe('partition layout', () => {
  it('maps pos.<id> to pos.<p>.<id> and gives each partition its consumer and filter', () => {
    const config = ConfigSchema.parse({ nats: { consumer: 'fleet' }, cluster: { partitions: 8 } });
    const layout = partitionLayout(config)!;
    expect(layout.transform).toEqual({ src: 'pos.*', dest: 'pos.{{partition(8,1)}}.{{wildcard(1)}}' });
    expect(layout.token).toBe(1);
    expect([layout.consumer(3), layout.filter(3), layout.group, layout.pinTimeoutS]).toEqual(['fleet-p3', 'pos.3.*', 'hexwatch', 10]);
  });

  it('keeps a longer prefix, and is off at 0 partitions (the default)', () => {
    const layout = partitionLayout(ConfigSchema.parse({ nats: { subjects: ['acme.pos.*'] }, cluster: { partitions: 2 } }))!;
    expect([layout.filter(1), layout.token]).toEqual(['acme.pos.1.*', 2]);
    expect(partitionLayout(ConfigSchema.parse({}))).toBeUndefined();
  });

  it('refuses subjects whose device id is not the one last token', () => {
    expect(partitionSubjectsProblem(['pos.>'])).toBeUndefined();
    for (const subjects of [['pos.>', 'gps.>'], ['>'], ['pos.*.x'], ['pos.*.>'], ['pos']])
      expect(partitionSubjectsProblem(subjects)).toMatch(/one subject whose last token is the device id/);
  });
});
