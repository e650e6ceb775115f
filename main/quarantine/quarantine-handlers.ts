import { RpcError } from '../../shared/rpc';
import type { QuarantineTable } from '../history';
import type { Handlers } from '../rpc';

type QuarantineMethods = 'quarantine.list' | 'quarantine.get' | 'quarantine.purge' | 'quarantine.counts' | 'quarantine.timeline' | 'quarantine.export';

/**
 * Quarantine's methods over the table the history keeps it in (committed with the positions). `table` is
 * a function so that an engine without a history answers every call with why.
 */
export function quarantineHandlers<C>(table: () => QuarantineTable, clock: () => number): Pick<Handlers<C>, QuarantineMethods> {
  return {
    'quarantine.list': async (filter) => {
      const page = await table().list(filter);
      return { total: page.total, items: page.items.map((e) => ({ ...e, seq: String(e.seq) })) };
    },
    'quarantine.get': async ({ seq, stream }) => {
      const m = await table().get(BigInt(seq), stream);
      if (!m)
        throw new RpcError({ code: 'invalid_params', message: `no quarantined message with seq ${seq}`, issues: [{ path: 'seq', message: 'not found' }] });
      const { raw, ...entry } = m;
      return { ...entry, seq: String(entry.seq), rawBase64: Buffer.from(raw).toString('base64') };
    },
    'quarantine.purge': async (filter) => ({ purged: await table().purge(filter) }),
    'quarantine.counts': () => table().countsByReason(),
    'quarantine.timeline': ({ bucketMs, since }) => table().timeline(bucketMs, since ?? clock() - 86_400_000),
    'quarantine.export': async ({ messages }) => {
      const text = await table().exportNdjson(messages.map((m) => ({ seq: BigInt(m.seq), stream: m.stream })));
      const bytes = Buffer.from(text, 'utf8');
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
}
