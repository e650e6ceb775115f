import * as Plot from '@observablehq/plot';
import { useState } from 'react';
import type { QuarantineEntry } from '../../../../shared/rpc';
import { useEngine, useMutation, useRpc } from '../../engine';
import { Confirm, EmptyState, PlotFigure, saveFile } from '../../ui';
import { bytesOfBase64, hexDump, textOf } from './hex-dump';

const PAGE = 50;
const REFRESH = { refreshOn: ['status.changed'] as const };
const keyOf = (e: Pick<QuarantineEntry, 'stream' | 'seq'>) => `${e.stream}/${e.seq}`;
const AGES = { '1h': 3600_000, '1d': 86_400_000, '7d': 7 * 86_400_000 } as const;

/** Messages per reason per hour over the last day, stacked. */
function Timeline() {
  // The last day, whatever it holds: one busy hour shows as one bar, not as the whole axis.
  const { data } = useRpc('quarantine.timeline', { bucketMs: 3_600_000 }, REFRESH);
  return (
    <figure className="health-chart" aria-label="Quarantined per hour">
      <figcaption>Quarantined per hour, by reason</figcaption>
      <PlotFigure
        deps={[data]}
        plot={
          data &&
          (({ width }) => ({
            width: Math.max(300, width),
            height: 130,
            x: { type: 'time', label: null, domain: [new Date(Date.now() - 86_400_000), new Date()] },
            y: { label: 'messages', grid: true },
            color: { legend: true, scheme: 'tableau10' },
            marks: [
              Plot.rectY(
                data.map((d) => ({ ...d, t: new Date(d.at), t2: new Date(d.at + 3_600_000) })),
                {
                  x1: 't',
                  x2: 't2',
                  y: 'count',
                  fill: 'reason',
                  title: (d: { reason: string; count: number; t: Date }) => `${d.reason}: ${d.count} at ${d.t.toLocaleString()}`,
                },
              ),
            ],
          }))
        }
      />
    </figure>
  );
}

/** What ingest refused: counted per reason over time, listed, opened as text and hex, exported as NDJSON, purged by reason or age. */
export function Quarantine() {
  const { client } = useEngine();
  const [reason, setReason] = useState<string>();
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState<QuarantineEntry>();
  const [purging, setPurging] = useState<{ reason?: string; age?: keyof typeof AGES }>();
  const { data: counts, error } = useRpc('quarantine.counts', {}, REFRESH);
  const { data: status } = useRpc('status.get', {});
  const { data: page } = useRpc('quarantine.list', { ...(reason ? { reason } : {}), limit: PAGE, offset }, REFRESH);
  const purge = useMutation('quarantine.purge');
  if (error) return <p role="alert">{error.message}</p>;
  const total = Object.values(counts ?? {}).reduce((a, n) => a + n, 0);
  if (counts && total === 0 && status?.source === 'simulator')
    return (
      <EmptyState title="Nothing refused">
        The simulator sends well-formed positions only, so nothing has landed here. What would: a message that is not JSON, misses its id or time, or puts a
        latitude at 91 — kept with the reason, its subject and sequence, byte for byte, while everything else flows on. Start with{' '}
        <code className="setting">--simulator.badPerMin 6</code> to have the simulator send a few such messages a minute through the same decoder as NATS’s.
      </EmptyState>
    );
  if (counts && total === 0)
    return (
      <EmptyState title="Nothing in quarantine">
        Messages ingest refuses (not JSON, a missing field, a latitude of 91…) are kept here with the reason, their subject and stream sequence, byte for byte,
        while everything else flows on.
      </EmptyState>
    );
  const items = page?.items ?? [];
  const toggle = (k: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (!next.delete(k)) next.add(k);
      return next;
    });
  return (
    <div className="quarantine">
      <section aria-label="Quarantined per reason" className="dlq-counts">
        <button className="count-chip" aria-pressed={!reason} onClick={() => (setReason(undefined), setOffset(0))}>
          All <b>{total.toLocaleString()}</b>
        </button>
        {Object.entries(counts ?? {}).map(([r, n]) => (
          <button key={r} className="count-chip" aria-pressed={reason === r} onClick={() => (setReason(r), setOffset(0))}>
            {r} <b>{n.toLocaleString()}</b>
          </button>
        ))}
      </section>
      <Timeline />
      <div className="toolbar">
        <button
          disabled={selected.size === 0}
          onClick={async () => {
            const messages = [...selected].map((k) => {
              const [stream, seq] = [k.slice(0, k.lastIndexOf('/')), k.slice(k.lastIndexOf('/') + 1)];
              return { stream, seq };
            });
            const bytes = await client.call('quarantine.export', { messages });
            saveFile(bytes, `quarantine-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.ndjson`, 'application/x-ndjson');
          }}
        >
          Export selected as NDJSON
        </button>
        <button className="danger" disabled={!reason} onClick={() => setPurging({ reason })}>
          Purge this reason
        </button>
        <label>
          Purge older than{' '}
          <select value="" aria-label="Purge older than" onChange={(e) => e.target.value && setPurging({ age: e.target.value as keyof typeof AGES })}>
            <option value="">…</option>
            <option value="1h">an hour</option>
            <option value="1d">a day</option>
            <option value="7d">a week</option>
          </select>
        </label>
      </div>
      {purging && (
        <Confirm
          title={purging.reason ? `Purge every message quarantined for "${purging.reason}"?` : `Purge every message older than ${purging.age}?`}
          confirm="Purge"
          danger
          onConfirm={() => {
            const p = purging;
            setPurging(undefined);
            void purge.run(p.reason ? { reason: p.reason } : { before: Date.now() - AGES[p.age!] }).then(() => setSelected(new Set()));
          }}
          onCancel={() => setPurging(undefined)}
        >
          {purging.reason ? `${(counts?.[purging.reason] ?? 0).toLocaleString()} messages are deleted for good.` : 'They are deleted for good.'}
        </Confirm>
      )}
      {purge.error && <p role="alert">{purge.error.message}</p>}
      <table className="attempts" aria-label="Quarantined messages">
        <thead>
          <tr>
            <th />
            <th>Received</th>
            <th>Reason</th>
            <th>Subject</th>
            <th>Stream seq</th>
            <th>Size</th>
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <tr key={keyOf(e)} aria-selected={open && keyOf(open) === keyOf(e)}>
              <td>
                <input type="checkbox" aria-label={`Select ${keyOf(e)}`} checked={selected.has(keyOf(e))} onChange={() => toggle(keyOf(e))} />
              </td>
              <td>{new Date(e.received).toLocaleString()}</td>
              <td>
                <button className="link" onClick={() => setOpen(e)} title={e.detail}>
                  {e.reason}
                </button>
              </td>
              <td className="mono">{e.subject}</td>
              <td className="mono">
                {e.stream} #{e.seq}
              </td>
              <td className="num">{e.bytes.toLocaleString()} B</td>
            </tr>
          ))}
        </tbody>
      </table>
      {page && page.total > PAGE && (
        <div className="toolbar">
          <button disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            Newer
          </button>
          <span className="muted">
            {offset + 1}–{Math.min(page.total, offset + PAGE)} of {page.total.toLocaleString()}
          </span>
          <button disabled={offset + PAGE >= page.total} onClick={() => setOffset(offset + PAGE)}>
            Older
          </button>
        </div>
      )}
      {open && <QuarantinedMessage entry={open} onClose={() => setOpen(undefined)} />}
    </div>
  );
}

function QuarantinedMessage({ entry, onClose }: { entry: QuarantineEntry; onClose(): void }) {
  const { data, error } = useRpc('quarantine.get', { seq: entry.seq, stream: entry.stream });
  const bytes = data ? bytesOfBase64(data.rawBase64) : undefined;
  const text = bytes && textOf(bytes);
  return (
    <section className="dlq-detail" aria-label={`Quarantined message ${keyOf(entry)}`}>
      <header className="toolbar">
        <h3 className="mono">
          {entry.stream} #{entry.seq}
        </h3>
        <span className="spacer" />
        <button aria-label="Close message" onClick={onClose}>
          ×
        </button>
      </header>
      {error && <p role="alert">{error.message}</p>}
      <dl className="figures">
        <dt>Reason</dt>
        <dd>{entry.reason}</dd>
        <dt>Detail</dt>
        <dd>{entry.detail}</dd>
        <dt>Subject</dt>
        <dd className="mono">{entry.subject}</dd>
        <dt>Received</dt>
        <dd>{new Date(entry.received).toLocaleString()}</dd>
      </dl>
      {bytes && (
        <>
          <h4>As text</h4>
          <pre className="payload" aria-label="Message as text">
            {text ?? '(not UTF-8 text: see the bytes)'}
          </pre>
          <h4>Bytes ({bytes.length.toLocaleString()})</h4>
          <pre className="payload hex" aria-label="Message as hex">
            {hexDump(bytes)}
          </pre>
        </>
      )}
    </section>
  );
}
