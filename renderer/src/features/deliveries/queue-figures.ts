import { useEffect, useRef } from 'react';
import { RpcError, type QueueFigures, type RpcClient } from '../../../../shared/rpc';
import { createStore } from '../../app/store';
import { useEngine } from '../../engine';

/**
 * The queue's figures as the workstation knows them: one value outside React, the newest of the engine's
 * answers to `deliveries.metrics` and its pushes on `deliveries.changed`. The status bar, the panel's chip,
 * the tabs and the targets all read this one value, so no two of them ever show different counts.
 */
interface FiguresState {
  figures?: QueueFigures;
  /** Why the figures cannot be had (the queue's file could not open). */
  error?: RpcError;
}

const store = createStore<FiguresState>({});

/** Newer replaces older, never the other way round: an answer can arrive after a push computed later. */
const newer = (a: QueueFigures, b: QueueFigures) => a.at > b.at || (a.at === b.at && a.revision > b.revision);

function accept(figures: QueueFigures): void {
  const current = store.get().figures;
  if (current && !newer(figures, current)) return;
  store.set({ figures });
}

function follow(client: RpcClient, onReopen: (f: () => void) => () => void): () => void {
  const ask = () =>
    client.call('deliveries.metrics', {}).then(
      ({ completed_count: _kept, ...figures }) => accept(figures),
      (err: unknown) => store.set({ error: err instanceof RpcError ? err : new RpcError({ code: 'internal', message: String(err) }) }),
    );
  const offs = [client.subscribe('deliveries.changed', accept), onReopen(() => void ask())];
  void ask();
  return () => offs.forEach((off) => off());
}

let users = 0;
let stop: (() => void) | undefined;

/** The queue's figures (undefined until the first arrive), followed while any component shows them. */
export function useQueueFigures(): FiguresState {
  const { client, onReopen } = useEngine();
  useEffect(() => {
    if (users++ === 0) stop = follow(client, onReopen);
    return () => {
      if (--users > 0) return;
      stop?.();
      stop = undefined;
    };
  }, [client, onReopen]);
  return store.use();
}

/** Calls `refresh` when dead letters or targets change (the figures' `changes` moves), not at every figure pushed. */
export function useOnQueueChange(refresh: () => void): void {
  const changes = useQueueFigures().figures?.changes;
  const seen = useRef(changes);
  useEffect(() => {
    if (changes === undefined || changes === seen.current) return;
    seen.current = changes;
    refresh();
  }, [changes, refresh]);
}

/** How a health state reads as a tone (the badge's colour). */
export const toneOf = (status: QueueFigures['status']) => (status === 'Healthy' ? 'good' : status === 'Degraded' ? 'warn' : 'bad');

/** "N pending · M DLQ": the one wording of the queue's counts, wherever they show. */
export const countsOf = (f: Pick<QueueFigures, 'pending_count' | 'dlq_count'>) =>
  `${f.pending_count.toLocaleString()} pending · ${f.dlq_count.toLocaleString()} DLQ`;
