import { RpcError, type DemoStatus } from '../../shared/rpc';
import type { Fence } from '../../shared/fence';
import { MARKET_TABLE, removeTaggedParts } from '../archive';
import type { Config } from '../config';
import type { FenceRegistry } from '../fences';
import type { HistoryStore } from '../history';
import { demoFences } from './demo-fences';
import { DEMO_TAG, demoInterval, writeDemoHistory } from './demo-history';
import { readDemoRecord, removeDemoRecord, writeDemoRecord, type DemoRecord } from './demo-record';

export interface DemoServiceOptions {
  dataDir: string;
  /** This start is the data dir's first: the demo is made only then. */
  fresh: boolean;
  /** The market, when it runs: its minutes are written over the demo too. */
  market?: { settings: Config['market'] };
  /** The history the demo is written to: none (closed), no demo. */
  history?: Pick<HistoryStore, 'commitAll' | 'roll' | 'removeUnsequencedBefore'>;
  /** The fence registry, when fences are open: the demo's fences go there. */
  fences?: Pick<FenceRegistry, 'save' | 'get' | 'remove'>;
  clock: () => number;
  log: (line: string) => void;
}

export interface ClearedDemo {
  positions: number;
  fencesRemoved: number;
  fencesKept: number;
}

/**
 * The demo room: on a new data dir with the simulator, the demo fences at once and, in the background,
 * the walkers' history of the past `simulator.backfillH` hours (demo-history.ts), recorded in
 * `demo.json` so a restart neither writes it again nor forgets it (and finishes a write or a clear a
 * stop cut short); `clear` removes everything the demo is, and nothing else.
 */
export class DemoService {
  private record?: DemoRecord;
  private progress?: number;
  private error?: string;
  private work: Promise<unknown> = Promise.resolve();
  private writing?: AbortController;
  private readonly stopped = new AbortController();

  private readonly simulator: Config['simulator'];

  constructor(
    config: Pick<Config, 'simulator'>,
    private readonly o: DemoServiceOptions,
  ) {
    this.simulator = config.simulator;
  }

  /** Makes the demo on a new data dir, or goes on with the one recorded; the history is written in the background. */
  start(): void {
    const { o } = this;
    if (!o.history) return;
    const recorded = readDemoRecord(o.dataDir, o.log);
    if (recorded) {
      this.record = recorded;
      if (recorded.state === 'writing') this.background(() => this.rewrite());
      if (recorded.state === 'clearing') this.background(() => this.clearNow());
      return;
    }
    const hours = this.simulator.backfillH;
    if (!o.fresh || hours === 0) return;
    const to = o.clock();
    const interval = demoInterval(this.simulator.devices, hours);
    const from = to - Math.floor((hours * 3_600_000) / interval) * interval;
    const fences = o.fences ? demoFences(this.simulator).map((f) => o.fences!.save(f)) : [];
    this.record = { from, to, fences: fences.map((f) => ({ id: f.id, version: f.version })), state: 'writing' };
    writeDemoRecord(o.dataDir, this.record);
    this.background(() => this.write());
  }

  status(): DemoStatus | undefined {
    const r = this.record;
    if (!r) return undefined;
    return {
      from: r.from,
      to: r.to,
      state: r.state,
      fences: r.fences.map((f) => f.id),
      ...(r.state === 'writing' && this.progress !== undefined ? { progress: this.progress } : {}),
      ...(this.error ? { error: this.error } : {}),
    };
  }

  /** Removes the demo (stopping its write first, if it is under way). */
  async clear(): Promise<ClearedDemo> {
    const r = this.record;
    if (!r || r.state === 'clearing') throw new RpcError({ code: 'unavailable', message: r ? 'the demo data is being cleared' : 'there is no demo data' });
    this.setState('clearing');
    this.writing?.abort();
    await this.work;
    const cleared = this.clearNow();
    this.work = cleared.catch(() => undefined);
    return cleared;
  }

  /** Stops a write under way (a restart writes it again) and waits for what runs. */
  async stop(): Promise<void> {
    this.stopped.abort();
    await this.work;
  }

  private background(run: () => Promise<unknown>): void {
    this.work = this.work.then(run).catch((err: Error) => {
      this.error = err.message;
      this.o.log(`demo: ${err.message}`);
    });
  }

  private async write(): Promise<void> {
    const { o } = this;
    const r = this.record!;
    this.writing = new AbortController();
    this.progress = 0;
    const fences = r.fences.map((f) => o.fences?.get(f.id)).filter((f): f is Fence => f !== undefined);
    const started = performance.now();
    const signal = AbortSignal.any([this.writing.signal, this.stopped.signal]);
    const done = await writeDemoHistory({
      simulator: this.simulator,
      market: o.market?.settings,
      to: r.to,
      fences,
      dataDir: o.dataDir,
      history: o.history!,
      signal,
      onProgress: (share) => (this.progress = Math.min(1, share)),
    }).catch((err: Error) => {
      // Stopped (a clear, the engine stopping): none of it was committed, and nothing is wrong.
      if (signal.aborted) return undefined;
      throw err;
    });
    if (!done) return;
    // Into the archive like any other hour (the last, unfinished ones stay hot until they end).
    await o.history!.roll(o.clock());
    this.writing = undefined;
    if (this.record?.state !== 'writing') return;
    this.setState('ready');
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    o.log(
      `demo: wrote ${done.positions} positions, ${done.events} fence events and ${done.marketMinutes} market minutes over the ${this.simulator.backfillH} hours before ${new Date(r.to).toISOString()} (${seconds} s)`,
    );
  }

  /** A write a stop cut short: what it left is removed, then it is written again over the same stretch. */
  private async rewrite(): Promise<void> {
    await this.removeData();
    await this.write();
  }

  private async clearNow(): Promise<ClearedDemo> {
    const { o } = this;
    const r = this.record!;
    const positions = await this.removeData();
    let fencesRemoved = 0;
    let fencesKept = 0;
    for (const f of r.fences) {
      const now = o.fences?.get(f.id);
      if (!now) continue;
      // A demo fence someone edited is theirs now.
      if (now.version === f.version && o.fences!.remove(f.id)) fencesRemoved++;
      else fencesKept++;
    }
    removeDemoRecord(o.dataDir);
    this.record = undefined;
    this.error = undefined;
    o.log(`demo: cleared ${positions} positions before ${new Date(r.to).toISOString()}, ${fencesRemoved} fences (${fencesKept} edited, kept)`);
    return { positions, fencesRemoved, fencesKept };
  }

  /** The demo's positions (unsequenced, before its end), fence events and market minutes; never anything else. */
  private async removeData(): Promise<number> {
    const { o } = this;
    const r = this.record!;
    const removed = await o.history!.removeUnsequencedBefore(r.to);
    await removeTaggedParts(o.dataDir, 'fence_events', DEMO_TAG);
    await removeTaggedParts(o.dataDir, MARKET_TABLE, DEMO_TAG);
    return removed.hot + removed.archived;
  }

  private setState(state: DemoRecord['state']): void {
    this.record = { ...this.record!, state };
    writeDemoRecord(this.o.dataDir, this.record);
  }
}
