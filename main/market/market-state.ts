import { supplyDemandRatio, surgeMultiplier } from '../../shared/surge';

/**
 * Supply and demand per cell, decaying tick by tick, exactly as the supply/demand system hexwatch
 * implements keeps them: each unit counts at once, and at every tick what a cell holds is multiplied by
 * the decay and truncated to a whole number (supply × 0.95, demand × 0.90 by default). Supply counts
 * unique devices: a device adds one to the cell it was last seen in during the tick, however often it
 * reports and wherever it went before. Pure: the service around it drives the ticks and the inputs.
 */

/** A cell's (or one kind's) figures: what past ticks left, plus the tick under way. */
interface Counts {
  supplyBase: number;
  demandBase: number;
  supplyNow: number;
  demandNow: number;
}

interface CellState extends Counts {
  /** The same per kind (vehicle type), when positions or requests say one: a breakdown, decayed on its own. */
  kinds?: Map<string, Counts>;
}

export interface CellFigures {
  supply: number;
  demand: number;
  surge: number;
  /** Supply per unit of demand (demand floored at 1). */
  ratio: number;
}

/** Every cell's bases, column by column, and the kinds' as [cell, kind, supply, demand]. */
export interface MarketBases {
  keys: Float64Array;
  supply: Float64Array;
  demand: Float64Array;
  kinds: [number, string, number, number][];
}

export interface MarketDecay {
  /** Supply kept per tick, 0–1 (0.95). */
  supply: number;
  /** Demand kept per tick, 0–1 (0.90). */
  demand: number;
}

const counts = (): Counts => ({ supplyBase: 0, demandBase: 0, supplyNow: 0, demandNow: 0 });
const empty = (c: Counts) => c.supplyBase === 0 && c.demandBase === 0 && c.supplyNow === 0 && c.demandNow === 0;

/** A cell's figures from its supply and demand. */
export function figures(supply: number, demand: number): CellFigures {
  return { supply, demand, surge: surgeMultiplier(supply, demand), ratio: supplyDemandRatio(supply, demand) };
}

const figuresOf = (c: Counts) => figures(c.supplyBase + c.supplyNow, c.demandBase + c.demandNow);

export class MarketState {
  private readonly cells = new Map<number, CellState>();
  /** Devices counted as supply in the tick under way: the cell (and kind) each was last seen in. */
  private readonly devices = new Map<string, { key: number; kind: string }>();

  constructor(private readonly decay: MarketDecay = { supply: 0.95, demand: 0.9 }) {}

  /** Cells holding anything. */
  get size(): number {
    return this.cells.size;
  }

  /** An available device seen in cell `key` (as `kind`, '' for none). */
  addSupply(device: string, key: number, kind = ''): void {
    const was = this.devices.get(device);
    if (was) {
      if (was.key === key && was.kind === kind) return;
      this.add(was.key, was.kind, -1, 0);
      was.key = key;
      was.kind = kind;
    } else this.devices.set(device, { key, kind });
    this.add(key, kind, 1, 0);
  }

  /** `n` requests in cell `key` (as `kind`). */
  addDemand(key: number, kind = '', n = 1): void {
    this.add(key, kind, 0, n);
  }

  /** The end of a tick: every cell keeps the decayed whole part of what it holds; the devices seen start afresh. */
  tick(): void {
    const { supply, demand } = this.decay;
    const fold = (c: Counts) => {
      // What the system does, to the bit: max(0, int(value × decay)) on doubles.
      c.supplyBase = Math.max(0, Math.floor((c.supplyBase + c.supplyNow) * supply));
      c.demandBase = Math.max(0, Math.floor((c.demandBase + c.demandNow) * demand));
      c.supplyNow = 0;
      c.demandNow = 0;
    };
    for (const [key, cell] of this.cells) {
      fold(cell);
      if (cell.kinds)
        for (const [kind, k] of cell.kinds) {
          fold(k);
          if (empty(k)) cell.kinds.delete(kind);
        }
      if (empty(cell)) this.cells.delete(key);
    }
    this.devices.clear();
  }

  /** One cell's figures now (undefined when it holds nothing), with its kinds. */
  get(key: number): (CellFigures & { kinds: Record<string, CellFigures> }) | undefined {
    const cell = this.cells.get(key);
    if (!cell) return undefined;
    const kinds: Record<string, CellFigures> = {};
    for (const [kind, k] of cell.kinds ?? []) kinds[kind] = figuresOf(k);
    return { ...figuresOf(cell), kinds };
  }

  /** Every cell holding anything, with its supply and demand now. */
  forEach(visit: (key: number, supply: number, demand: number) => void): void {
    for (const [key, c] of this.cells) visit(key, c.supplyBase + c.supplyNow, c.demandBase + c.demandNow);
  }

  /** Every kind of every cell, with its supply and demand now. */
  forEachKind(visit: (key: number, kind: string, supply: number, demand: number) => void): void {
    for (const [key, c] of this.cells) for (const [kind, k] of c.kinds ?? []) visit(key, kind, k.supplyBase + k.supplyNow, k.demandBase + k.demandNow);
  }

  /** What past ticks left in every cell (the tick under way not included): what a snapshot keeps. */
  bases(): MarketBases {
    const n = this.cells.size;
    const out: MarketBases = { keys: new Float64Array(n), supply: new Float64Array(n), demand: new Float64Array(n), kinds: [] };
    let i = 0;
    for (const [key, c] of this.cells) {
      out.keys[i] = key;
      out.supply[i] = c.supplyBase;
      out.demand[i++] = c.demandBase;
      for (const [kind, k] of c.kinds ?? []) if (k.supplyBase || k.demandBase) out.kinds.push([key, kind, k.supplyBase, k.demandBase]);
    }
    return out;
  }

  /** Starts again from a snapshot's bases: nothing counted in the tick under way, no device seen yet. */
  restore(b: MarketBases): void {
    this.cells.clear();
    this.devices.clear();
    for (let i = 0; i < b.keys.length; i++) this.cells.set(b.keys[i], { ...counts(), supplyBase: b.supply[i], demandBase: b.demand[i] });
    for (const [key, kind, supply, demand] of b.kinds) {
      const cell = this.cells.get(key);
      if (!cell) continue;
      (cell.kinds ??= new Map()).set(kind, { ...counts(), supplyBase: supply, demandBase: demand });
    }
  }

  private add(key: number, kind: string, supply: number, demand: number): void {
    let cell = this.cells.get(key);
    if (!cell) this.cells.set(key, (cell = counts()));
    cell.supplyNow += supply;
    cell.demandNow += demand;
    if (kind !== '') {
      cell.kinds ??= new Map();
      let k = cell.kinds.get(kind);
      if (!k) cell.kinds.set(kind, (k = counts()));
      k.supplyNow += supply;
      k.demandNow += demand;
      if (empty(k)) cell.kinds.delete(kind);
    }
    // A device that drove on leaves nothing behind: a cell holding nothing is no cell (its surge would read 5).
    if (empty(cell)) this.cells.delete(key);
  }
}
