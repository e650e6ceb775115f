import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { DemoStatus } from '../../../../shared/rpc';
import { useMutation } from '../../engine';
import { Confirm, formatTime, formatTimeRange } from '../../ui';
import { demoStore } from './demo-store';

const hoursOf = (d: DemoStatus) => Math.round((d.to - d.from) / 3_600_000);

/**
 * The demo in the status bar: a pill with its range (or how far it is written) that opens its card —
 * what the demo is, and Clear demo data, confirmed first. It keeps the demo's status for the command.
 */
export function DemoPill({ demo }: { demo?: DemoStatus }) {
  const { open } = demoStore.use();
  const pill = useRef<HTMLButtonElement>(null);
  useEffect(() => demoStore.set({ ...demoStore.get(), status: demo, ...(demo ? {} : { open: false, confirming: false }) }), [demo]);
  if (!demo) return null;
  const detail =
    demo.state === 'writing'
      ? `writing ${Math.round((demo.progress ?? 0) * 100)} %`
      : demo.state === 'clearing'
        ? 'clearing…'
        : formatTimeRange(demo.from, demo.to);
  return (
    <>
      <button
        ref={pill}
        className={`pill demo-pill demo-${demo.state}`}
        data-testid="demo-status"
        aria-expanded={open}
        aria-haspopup="dialog"
        title={`Demo history, ${formatTimeRange(demo.from, demo.to)}: what it is, and Clear demo data`}
        onClick={() => demoStore.set({ ...demoStore.get(), open: !open, confirming: false })}
      >
        demo data<span className="demo-pill-detail"> · {detail}</span>
      </button>
      {open && createPortal(<DemoCard demo={demo} anchor={pill.current} />, document.body)}
    </>
  );
}

/** What the demo is, and the way to clear it. */
function DemoCard({ demo, anchor }: { demo: DemoStatus; anchor: HTMLElement | null }) {
  const { confirming } = demoStore.use();
  const clear = useMutation('demo.clear');
  const [left] = useState(() => Math.max(8, Math.min((anchor?.getBoundingClientRect().left ?? 8) - 8, window.innerWidth - 380)));
  const close = () => demoStore.set({ ...demoStore.get(), open: false, confirming: false });
  const setConfirming = (on: boolean) => demoStore.set({ ...demoStore.get(), confirming: on });
  return (
    <div
      className="demo-card"
      role="dialog"
      aria-label="Demo data"
      style={{ left }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          close();
        }
      }}
    >
      <header>
        <h2>Demo data</h2>
        <button aria-label="Close" onClick={close}>
          ×
        </button>
      </header>
      <p className="demo-range">
        <b>{hoursOf(demo)} hours</b> · {formatTimeRange(demo.from, demo.to)}
      </p>
      <p>
        Written when this data dir first started: the simulator’s walkers over the hours before, the events the demo fences would have fired, and the market
        minute by minute. It sits in the archive like any other hour, for playback, backtests and notebooks.
        {demo.fences.length > 0 && <> The {demo.fences.length} fences named “Demo: …” came with it.</>}
      </p>
      {demo.state === 'writing' && (
        <p className="demo-progress">
          <progress value={demo.progress ?? 0} max={1} aria-label="Demo history written" /> writing… {Math.round((demo.progress ?? 0) * 100)} %
        </p>
      )}
      {demo.error && <p role="alert">Writing it stopped: {demo.error}. The next start tries again.</p>}
      {clear.error && <p role="alert">{clear.error.message}</p>}
      {confirming ? (
        <Confirm
          title="Clear the demo data?"
          confirm="Clear demo data"
          danger
          onConfirm={() => {
            void clear.run({}).then(close, () => setConfirming(false));
          }}
          onCancel={() => setConfirming(false)}
        >
          Removes every simulated position before {formatTime(demo.to, { seconds: false })}, the demo’s fence events and market minutes, and the demo fences
          nobody edited. What the simulator has sent since, anything from NATS, and fences you made or edited stay.
        </Confirm>
      ) : (
        <div className="toolbar">
          <button className="danger" disabled={demo.state === 'clearing' || clear.pending} onClick={() => setConfirming(true)}>
            {clear.pending || demo.state === 'clearing' ? 'Clearing…' : 'Clear demo data'}
          </button>
        </div>
      )}
    </div>
  );
}
