import { RpcError } from '../../shared/rpc';
import type { Handlers } from '../rpc';
import type { HistoryStore } from './history-store';

type HistoryMethods =
  | 'history.counts'
  | 'history.roll'
  | 'quarantine.list'
  | 'quarantine.get'
  | 'quarantine.purge'
  | 'quarantine.counts'
  | 'quarantine.timeline'
  | 'quarantine.export';

/**
 * The history's RPC methods. `history` is a function so that an engine without NATS ingest (and so
 * without history) answers every call with why.
 */
export function historyHandlers<C>(history: () => HistoryStore, clock: () => number): Pick<Handlers<C>, HistoryMethods> {
  return {
    'history.counts': () => history().counts(),
    'history.roll': () => history().roll(clock()),
    'quarantine.list': async (filter) => {
      const page = await history().quarantine.list(filter);
      return { total: page.total, items: page.items.map((e) => ({ ...e, seq: String(e.seq) })) };
    },
    'quarantine.get': async ({ seq, stream }) => {
      const m = await history().quarantine.get(BigInt(seq), stream);
      if (!m)
        throw new RpcError({ code: 'invalid_params', message: `no quarantined message with seq ${seq}`, issues: [{ path: 'seq', message: 'not found' }] });
      const { raw, ...entry } = m;
      return { ...entry, seq: String(entry.seq), rawBase64: Buffer.from(raw).toString('base64') };
    },
    'quarantine.purge': async (filter) => ({ purged: await history().quarantine.purge(filter) }),
    'quarantine.counts': () => history().quarantine.countsByReason(),
    'quarantine.timeline': ({ bucketMs, since }) => history().quarantine.timeline(bucketMs, since ?? clock() - 86_400_000),
    'quarantine.export': async ({ messages }) => {
      const text = await history().quarantine.exportNdjson(messages.map((m) => ({ seq: BigInt(m.seq), stream: m.stream })));
      const bytes = Buffer.from(text, 'utf8');
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
}
