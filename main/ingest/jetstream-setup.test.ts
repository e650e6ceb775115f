import { describe, expect, it } from 'vitest';
import { partitionLayout } from '../config';
import { ConfigSchema } from '../config/schema';
import { consumerProblem, pinnedConsumerConfig, transformProblem } from './jetstream-setup';

const layout = partitionLayout(ConfigSchema.parse({ cluster: { partitions: 4, pinTimeoutS: 12 } }))!;

describe('partitioned stream and consumers', () => {
  it('a partition’s consumer reads its share, in the priority group, one client pinned, re-pinned after the pin timeout', () => {
    expect(pinnedConsumerConfig('pos.2.*', layout)).toEqual({
      filter_subject: 'pos.2.*',
      priority_groups: ['hexwatch'],
      priority_policy: 'pinned_client',
      priority_timeout: 12_000_000_000,
    });
  });

  it('an existing stream without the transform is refused with what to set; spacing inside {{ }} does not matter', () => {
    expect(transformProblem(undefined, layout)).toBe(
      'has no subject transform: set its subject_transform to {"src":"pos.*","dest":"pos.{{partition(4,1)}}.{{wildcard(1)}}"} (cluster.partitions is 4)',
    );
    expect(transformProblem({ src: 'pos.*', dest: 'pos.{{wildcard(1)}}.{{partition(8,1)}}' }, layout)).toMatch(
      /^transforms pos\.\* → .*partition\(8,1\).*: set its/,
    );
    expect(transformProblem({ src: 'pos.*', dest: 'pos.{{ partition(4, 1) }}.{{ wildcard(1) }}' }, layout)).toBeUndefined();
  });

  it('an existing consumer that is not the partition’s pinned one is refused with what it must be', () => {
    expect(consumerProblem({ filter_subject: 'pos.1.*', priority_groups: ['hexwatch'], priority_policy: 'pinned_client' }, 'pos.1.*', layout)).toBeUndefined();
    expect(consumerProblem({}, 'pos.1.*', layout)).toMatch(/^reads the whole stream: it must be a pull consumer with filter_subject "pos\.1\.\*"/);
    expect(consumerProblem({ filter_subject: 'pos.1.*' }, 'pos.1.*', layout)).toMatch(/^has no priority group/);
  });
});
