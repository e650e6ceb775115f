import { useEffect, useState } from 'react';
import { useMutation, useRpc } from '../../engine';
import { useMapBeside } from '../../map';
import { CopyButton, Drawer, formatTime } from '../../ui';
import { focusEvent } from '../fences';
import { useOnQueueChange, useQueueFigures } from './queue-figures';

/**
 * One delivery opened in a drawer beside the panel: its event, the payload exactly as sent, its headers
 * (signature masked), every attempt with the receiver's answer, numbered on through requeues.
 */
export function DeadLetterDetail({ id, onClose }: { id: string; onClose(): void }) {
  return (
    <Drawer label={`Delivery ${id}`} onClose={onClose}>
      <Delivery id={id} onClose={onClose} />
    </Drawer>
  );
}

function Delivery({ id, onClose }: { id: string; onClose(): void }) {
  const { data, error, refresh } = useRpc('deliveries.item', { id });
  useOnQueueChange(refresh);
  // An item still being tried is read again with each figure pushed: its attempts show as they happen.
  const revision = useQueueFigures().figures?.revision;
  const trying = data?.item.status === 'pending' || data?.item.status === 'failed' || data?.item.status === 'processing';
  useEffect(() => {
    if (trying) refresh();
  }, [revision]);
  const map = useMapBeside()?.map;
  const [pretty, setPretty] = useState(false);
  const requeue = useMutation('deliveries.requeue');
  const discard = useMutation('deliveries.discard');
  const close = (
    <button aria-label="Close delivery" className="drawer-close" onClick={onClose}>
      ×
    </button>
  );
  if (error)
    return (
      <>
        {close}
        <p role="alert">{error.message}</p>
      </>
    );
  if (!data) return close;
  const { item, payload, headers, attempts } = data;
  const e = item.event;
  const dead = item.status === 'dlq';
  return (
    <>
      <header className="drawer-head">
        <h3 className="mono">{id}</h3>
        <CopyButton value={id} what="delivery id" />
        <span className={`badge status-${item.status}`}>{item.status === 'dlq' ? 'dead letter' : item.status}</span>
        {item.replayed && <span className="badge">replayed</span>}
        <span className="spacer" />
        {close}
      </header>
      <div className="toolbar">
        <button onClick={() => focusEvent(map, e)}>Jump to map</button>
        {dead && (
          <>
            <button onClick={() => void requeue.run({ ids: [id] })}>Requeue this</button>
            <button className="danger" onClick={() => void discard.run({ ids: [id] }).then(onClose)}>
              Discard this
            </button>
          </>
        )}
      </div>
      <dl className="figures drawer-figures">
        <dt>Event</dt>
        <dd>{e.event_type}</dd>
        <dt>Fence</dt>
        <dd className="mono">
          {e.fence_id} <CopyButton value={e.fence_id} what="fence id" />
        </dd>
        <dt>Device</dt>
        <dd className="mono">
          {e.device_id} <CopyButton value={e.device_id} what="device id" />
        </dd>
        <dt>When</dt>
        <dd>{formatTime(e.timestamp)}</dd>
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
        </button>{' '}
        <CopyButton value={payload} what="payload" />
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
              <td>{formatTime(a.at, { day: false })}</td>
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
    </>
  );
}
