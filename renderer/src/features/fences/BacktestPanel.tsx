import { useEffect, useState } from 'react';
import type { Fence, FenceInput } from '../../../../shared/fence';
import type { ResultOf } from '../../../../shared/rpc';
import { useEngine, useJob, useRpc } from '../../engine';
import { formatTime } from '../../ui';
import { BacktestDifference } from './BacktestDifference';
import { EVENT_COLOURS } from './event-colours';
import { checkDraft, type Draft } from './fence-draft';
import { BACKTEST_JOB, backtestParams, toggleBacktestTrack, useBacktestExtras, type BacktestExtras } from './backtest-run';

const HOUR = 3_600_000;
const PRESETS = { hour: ['last hour', HOUR], day: ['last day', 24 * HOUR], week: ['last week', 7 * 24 * HOUR], all: ['the whole archive', 0] } as const;
type Preset = keyof typeof PRESETS;

/**
 * (Inside the fence form: its buttons are type="button".)
 *
 * What the draft would have fired over the archive before it is deployed: a range, Backtest with progress
 * and Cancel, then the counts by type, a histogram over time, the first events and the devices involved
 * (the events are drawn on the map too).
 */
export function BacktestPanel({ draft }: { draft: Draft }) {
  const [preset, setPreset] = useState<Preset>('day');
  const run = useJob('fences.backtest', BACKTEST_JOB);
  const extras = useBacktestExtras();
  const positions = run.progress?.positions ?? 0;
  const { fence, problems } = checkDraft({ ...draft, name: draft.name || 'draft' });
  const ready = Object.keys(problems).length === 0;
  // An edit of a saved fence runs beside the saved version: what it gains and loses over the same positions.
  const { data: fences } = useRpc('fences.list', {}, { refreshOn: ['fences.changed'] });
  const saved = draft.id !== undefined ? fences?.find((f) => f.id === draft.id) : undefined;
  const compareWith = saved ? savedInput(saved) : undefined;
  return (
    <section className="backtest" aria-label="Backtest">
      <div className="field">
        <select aria-label="Backtest range" value={preset} onChange={(e) => setPreset(e.target.value as Preset)}>
          {Object.entries(PRESETS).map(([k, [label]]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
        {run.running ? (
          <button type="button" onClick={() => void run.cancel()}>
            Cancel backtest
          </button>
        ) : (
          <button
            type="button"
            disabled={!ready}
            title={ready ? 'What this fence would have fired over the archive' : 'Draw the fence first'}
            onClick={() => {
              const span = PRESETS[preset][1];
              const to = Date.now();
              void run.start(backtestParams(fence, span ? { from: to - span, to } : {}, compareWith));
            }}
          >
            Backtest
          </button>
        )}
      </div>
      {run.running && (
        <p role="status" className="muted">
          <progress aria-label="Backtest progress" /> {positions.toLocaleString()} positions read…
        </p>
      )}
      {run.status === 'cancelled' && <p className="muted">Backtest cancelled after {positions.toLocaleString()} positions.</p>}
      {run.status === 'failed' && <p role="alert">{run.error?.message}</p>}
      {extras.trackError && <p role="alert">{extras.trackError}</p>}
      {run.result &&
        (run.result.positions === 0 ? (
          <NoPositions
            range={extras.range}
            onWholeArchive={() => {
              setPreset('all');
              void run.start(backtestParams(fence, {}, compareWith));
            }}
          />
        ) : (
          <BacktestResultView result={run.result} track={extras.track} />
        ))}
    </section>
  );
}

const day = (t: number) => formatTime(t, { seconds: false });

/** A saved fence as a backtest takes it (without what the registry adds). */
function savedInput({ version: _v, updated_at: _u, ...input }: Fence): FenceInput {
  return input;
}

/** A run over a range without positions: says so, and where the archive has them (the whole archive at a click). */
function NoPositions({ range, onWholeArchive }: { range?: { from?: number; to?: number }; onWholeArchive(): void }) {
  const { data: archive, error, refresh } = useRpc('playback.range', {});
  // Asked again: the answer cached when the workstation opened may be older than the archive.
  useEffect(refresh, []);
  const over = range?.from !== undefined ? `between ${day(range.from)} and ${day(range.to ?? Date.now())}` : 'in the archive';
  return (
    <section role="region" aria-label="Backtest result" className="backtest-result backtest-empty">
      <p>
        <strong>No positions {over}</strong>: a backtest replays archived positions through the fence, and there are none to replay.
      </p>
      {error && <p className="muted">The archive’s range cannot be read: {error.message}</p>}
      {archive === null && <p className="muted">The archive is empty: positions are archived as they arrive, and can be backtested from then on.</p>}
      {archive && (
        <p>
          The archive holds {archive.positions.toLocaleString()} positions from {day(archive.from)} to {day(archive.to)}.{' '}
          {range?.from !== undefined && (
            <button type="button" onClick={onWholeArchive}>
              Backtest over the whole archive
            </button>
          )}
        </p>
      )}
    </section>
  );
}

/** The result of a finished run; a device picked shows its track on the map. */
function BacktestResultView({ result, track }: { result: ResultOf<'fences.backtest'>; track: BacktestExtras['track'] }) {
  const { client } = useEngine();
  const max = Math.max(1, ...result.timeline.counts);
  return (
    <section role="region" aria-label="Backtest result" className="backtest-result">
      <p>
        <strong>{result.events.toLocaleString()}</strong> events from {result.positions.toLocaleString()} positions
      </p>
      {result.difference && <BacktestDifference difference={result.difference} draftEvents={result.events} />}
      <ul className="by-type" aria-label="Events by type">
        {Object.entries(result.byType).map(([type, n]) => (
          <li key={type} aria-label={`${type}: ${n}`}>
            <span className="dot" style={{ background: `rgb(${(EVENT_COLOURS[type] ?? [255, 255, 255]).join(',')})` }} /> {type} {n.toLocaleString()}
          </li>
        ))}
      </ul>
      {result.timeline.counts.length > 0 && (
        <svg className="histogram" viewBox={`0 0 ${result.timeline.counts.length * 4} 40`} preserveAspectRatio="none" role="img" aria-label="Events over time">
          {result.timeline.counts.map((c, i) => (
            <rect key={i} x={i * 4} y={40 - (c / max) * 40} width={3.2} height={(c / max) * 40} />
          ))}
        </svg>
      )}
      {result.timeline.counts.length > 0 && (
        <p className="muted histogram-axis">
          <span>{formatTime(result.timeline.from, { seconds: false })}</span>
          <span>{formatTime(result.timeline.to, { seconds: false })}</span>
        </p>
      )}
      {result.first.length > 0 && (
        <table className="backtest-events">
          <caption className="muted">First {result.first.length.toLocaleString()} events</caption>
          <thead>
            <tr>
              <th>time</th>
              <th>type</th>
              <th>device</th>
            </tr>
          </thead>
          <tbody>
            {result.first.slice(0, 50).map((e, i) => (
              <tr key={i}>
                <td>{formatTime(e.timestamp, { day: false, zone: false })}</td>
                <td>{e.event_type}</td>
                <td className="mono">{e.device_id}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result.byDevice.length > 0 && (
        <div className="backtest-devices">
          <p className="muted">Devices with most events — pick one to see its track through the fence:</p>
          <ul aria-label="Devices involved">
            {result.byDevice.slice(0, 12).map((d) => (
              <li key={d.device_id}>
                <button
                  type="button"
                  className="chip-button mono"
                  aria-pressed={track?.device === d.device_id}
                  aria-label={`Track of ${d.device_id}`}
                  onClick={() => void toggleBacktestTrack(client, d.device_id)}
                >
                  {d.device_id} ({d.events})
                </button>
              </li>
            ))}
          </ul>
          {track && (
            <p role="status" className="muted">
              {track.device}: {track.points.length.toLocaleString()} positions{track.truncated ? ' (the first of more)' : ''} drawn on the map
            </p>
          )}
        </div>
      )}
    </section>
  );
}
