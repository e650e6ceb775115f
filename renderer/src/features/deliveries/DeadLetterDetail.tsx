import { useState } from 'react';
import { useMutation, useRpc } from '../../engine';
import { useMapBeside } from '../../map';
import { focusEvent } from '../fences';

/** One delivery opened: its event, the payload exactly as sent, its headers (signature masked), every attempt with the receiver's answer. */
export function DeadLetterDetail({ id, onClose }: { id: string; onClose(): void }) {
  const { data, error } = useRpc('deliveries.item', { id }, { refreshOn: ['deliveries.changed'] });
  const map = useMapBeside()?.map;
  const [pretty, setPretty] = useState(false);
  const requeue = useMutation('deliveries.requeue');
  const discard = useMutation('deliveries.discard');
  if (error) return <p role="alert">{error.message}</p>;
  if (!data) return null;
  const { item, payload, headers, attempts } = data;
  const e = item.event;
  const dead = item.status === 'dlq';
  return (
    <section className="dlq-detail" aria-label={`Delivery ${id}`}>
      <header className="toolbar">
        <h3 className="mono">{id}</h3>
        <span className={`badge status-${item.status}`}>{item.status === 'dlq' ? 'dead letter' : item.status}</span>
        {item.replayed && <span className="badge">replayed</span>}
        <span className="spacer" />
        <button onClick={() => focusEvent(map, e)}>Jump to map</button>
        {dead && (
          <>
            <button onClick={() => void requeue.run({ ids: [id] })}>Requeue this</button>
            <button className="danger" onClick={() => void discard.run({ ids: [id] }).then(onClose)}>
              Discard this
            </button>
          </>
        )}
        <button aria-label="Close delivery" onClick={onClose}>
          ×
        </button>
      </header>
      <dl className="figures">
        <dt>Event</dt>
        <dd>
          {e.event_type} · fence <b>{e.fence_id}</b> · device <b>{e.device_id}</b>
        </dd>
        <dt>When</dt>
        <dd>{new Date(e.timestamp).toLocaleString()}</dd>
        <dt>Where</dt>
        <dd className="mono">
          {e.position.lat.toFixed(6)}, {e.position.lon.toFixed(6)}
        </dd>
        <dt>Target</dt>
        <dd>{item.targetId}</dd>
        <dt>Attempts</dt>
        <dd>
          {item.attempts} of {item.maxAttempts}
        </dd>
      </dl>
      <h4>
        Payload{' '}
        <button className="link" aria-pressed={pretty} onClick={() => setPretty(!pretty)}>
          {pretty ? 'as sent' : 'indented'}
        </button>
      </h4>
      <pre className="payload" aria-label="Payload">
        {pretty ? JSON.stringify(JSON.parse(payload), null, 2) : payload}
      </pre>
      <h4>Headers</h4>
      <table className="kv" aria-label="Headers">
        <tbody>
          {Object.entries(headers).map(([k, v]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td className="mono">{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h4>Attempts</h4>
      <table className="attempts" aria-label="Attempts">
        <thead>
          <tr>
            <th>#</th>
            <th>When</th>
            <th>Result</th>
            <th>HTTP</th>
            <th>Latency</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          {attempts.map((a) => (
            <tr key={`${a.attempt}-${a.at}`}>
              <td>{a.attempt}</td>
              <td>{new Date(a.at).toLocaleTimeString()}</td>
              <td className={`status-${a.status}`}>{a.status}</td>
              <td>{a.httpStatus ?? '—'}</td>
              <td className="num">{a.latencyMs.toLocaleString()} ms</td>
              <td>
                {a.error ?? ''}
                {a.response && (
                  <details>
                    <summary>Response</summary>
                    <pre className="payload">{a.response}</pre>
                  </details>
                )}
              </td>
            </tr>
          ))}
          {attempts.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                Never attempted: {item.lastError ?? 'no attempt yet'}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
