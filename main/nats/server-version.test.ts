import { describe, expect, it } from 'vitest';
import { tooOld, versionAtLeast } from './server-version';

describe('nats-server versions', () => {
  it('compares releases, tags and pre-releases by their numbers', () => {
    expect(versionAtLeast('2.9.10', '2.11.0')).toBe(false);
    expect(versionAtLeast('2.11.0', '2.11.0')).toBe(true);
    expect(versionAtLeast('v2.15.2', '2.11.0')).toBe(true);
    expect(versionAtLeast('2.10', '2.6.0')).toBe(true);
    expect(versionAtLeast('3.0.0', '2.11.0')).toBe(true);
    // A development build says no number: taken as new enough (the server refuses what it lacks).
    expect(versionAtLeast('dev', '2.11.0')).toBe(true);
  });

  it('names the release found and the one the setting needs', () => {
    expect(tooOld('2.9.10', 'partitions', 'cluster.partitions 8')).toBe(
      'nats-server 2.9.10 is too old for cluster.partitions 8: it needs nats-server 2.11.0 or newer',
    );
    expect(tooOld('2.15.2', 'partitions', 'cluster.partitions 8')).toBeUndefined();
  });
});
