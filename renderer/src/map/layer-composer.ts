import type { Layer, PickingInfo } from '@deck.gl/core';
import type { MapboxOverlay } from '@deck.gl/mapbox';
import type { LegendSpec } from './legend';
import { layerStates, withSetting, type LayerSetting, type LayerStateStore } from './layer-state';

/**
 * Where a feature's layers sit by default, bottom first: the basemap (MapLibre's, under deck.gl: listed so
 * the analyst can dim it); the heatmap (live, market or played back); query results from notebooks, under
 * the fences, a backtest and the events flashing (a result's filled cells would hide the fences' outlines);
 * what is selected (a pinned cell, a fence, the device followed); and place names on top, readable over
 * everything. Contributions to one slot draw in the order they came.
 */
export const MAP_SLOTS = ['basemap', 'heat', 'results', 'fences', 'selection', 'basemap-labels'] as const;
export type MapSlot = (typeof MAP_SLOTS)[number];

/** What a layer is, for its row in the Layers list (a result can be removed; the basemap stays at the bottom). */
export type LayerKind = 'basemap' | 'heat' | 'fences' | 'backtest' | 'events' | 'result' | 'selection' | 'track' | 'labels';

/** How a contribution shows in the Layers list and the legend dock. */
export interface LayerInfo {
  /** The layer's name: its row, its checkbox and its legend are called this. */
  name: string;
  kind: LayerKind;
  legend?: LegendSpec;
  /** Colour scales the analyst may pick from in the layer's row (a result's). */
  palette?: { value: string; options: readonly { id: string; label: string }[]; choose(id: string): void };
  /** Takes the layer off the map (a result's Remove). */
  remove?(): void;
}

/** One row of the Layers list, top first: the layer's info and the analyst's settings for it. */
export interface LayerRow extends Omit<LayerInfo, 'remove'> {
  id: string;
  slot: MapSlot;
  visible: boolean;
  opacity: number;
  remove?: () => void;
}

/** What one feature puts on the map: its layers (ids starting with the source's id), in its slot, and what it does with the pointer. */
interface Source {
  id: string;
  /** When it first contributed: the order within a slot. */
  seq: number;
  slot?: MapSlot;
  layers: Layer[];
  /** Listed in the Layers list only with info. */
  info?: LayerInfo;
  infoKey?: string;
  onHover?: (info: PickingInfo | null) => void;
  onClick?: (info: PickingInfo) => void;
}

const rank = (slot: MapSlot | undefined) => (slot ? MAP_SLOTS.indexOf(slot) : -1);

/** What decides a row's looks: a change of it re-renders the list and the dock; a new closure alone does not. */
const infoKey = (i: LayerInfo) =>
  JSON.stringify([i.name, i.kind, i.legend ?? null, i.palette ? [i.palette.value, i.palette.options] : null, Boolean(i.remove)]);

/**
 * The drawing order, bottom first: the slots' order, overridden by the analyst's (`order`, bottom first).
 * A source the analyst has not placed goes below the first placed one of a higher slot (a new result lands
 * under the place names wherever the heat was moved); the basemap is at the bottom whatever the order says.
 */
export function drawOrder<S extends { id: string; slot?: MapSlot; seq: number }>(sources: Iterable<S>, order: readonly string[]): S[] {
  const bySlot = [...sources].filter((s) => s.slot).sort((a, b) => rank(a.slot) - rank(b.slot) || a.seq - b.seq);
  const byId = new Map(bySlot.map((s) => [s.id, s]));
  const out: S[] = [];
  for (const id of order) {
    const s = byId.get(id);
    if (s && !out.includes(s)) out.push(s);
  }
  for (const s of bySlot) {
    if (out.includes(s)) continue;
    const at = out.findIndex((o) => rank(o.slot) > rank(s.slot));
    if (at < 0) out.push(s);
    else out.splice(at, 0, s);
  }
  return [...out.filter((s) => s.slot === 'basemap'), ...out.filter((s) => s.slot !== 'basemap')];
}

/**
 * `order` (bottom first) with the present layers in the order `present` gives them; a layer saved in the
 * order but not drawn now (a result not run since a reload) keeps its place after its neighbour below.
 */
export function mergeOrder(order: readonly string[], present: readonly string[]): string[] {
  const out = [...present];
  for (const [i, id] of order.entries()) {
    if (out.includes(id)) continue;
    const below = order
      .slice(0, i)
      .reverse()
      .find((b) => out.includes(b));
    out.splice(below === undefined ? 0 : out.indexOf(below) + 1, 0, id);
  }
  return out.slice(-200);
}

/**
 * The one owner of deck.gl's layer list: each feature contributes its layers under its own id, in a named
 * slot and with a name, a kind and a legend; the composer hands deck.gl the visible ones in the analyst's
 * order at the analyst's opacity (`layer-state.ts`), and lists them for the Layers control and the legend
 * dock. Pointer events go to the feature whose layer was picked.
 */
export class LayerComposer {
  private readonly sources = new Map<string, Source>();
  private seq = 0;
  private hovered: Source | undefined;
  private rowsCache: readonly LayerRow[] | undefined;
  private drawn: string[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly offState: () => void;

  constructor(
    private readonly overlay: Pick<MapboxOverlay, 'setProps'>,
    private readonly state: LayerStateStore = layerStates,
  ) {
    this.offState = state.subscribe(() => {
      this.changed();
      this.apply();
    });
  }

  dispose(): void {
    this.offState();
    this.listeners.clear();
  }

  /**
   * Replaces the layers of `id` in `slot` (an empty list draws nothing, the row stays); `info` lists it in
   * the Layers list (kept from the last call when left out). Applied at once: frames measure from here.
   */
  set(id: string, slot: MapSlot, layers: Layer[], info?: LayerInfo): void {
    const s = this.source(id);
    let listChanged = s.slot !== slot && s.info !== undefined;
    s.slot = slot;
    s.layers = layers;
    if (info) {
      const key = infoKey(info);
      listChanged ||= key !== s.infoKey;
      s.info = info;
      s.infoKey = key;
    }
    if (listChanged) this.changed();
    this.apply();
  }

  /** Takes `id`'s layers off the map and its row out of the list (its pointer handlers stay). */
  remove(id: string): void {
    const s = this.sources.get(id);
    if (!s) return;
    s.layers = [];
    if (s.info) {
      s.info = undefined;
      s.infoKey = undefined;
      this.changed();
    }
    this.apply();
  }

  /** The ids of every deck.gl layer drawn now (hidden layers are not; tests read what is drawn). */
  layerIds(): string[] {
    return [...this.drawn];
  }

  /** The listed layers, top first, with the analyst's settings: the same array until something in it changes. */
  readonly rows = (): readonly LayerRow[] => {
    if (this.rowsCache) return this.rowsCache;
    const settings = this.state.get().layers;
    return (this.rowsCache = this.ordered()
      .filter((s) => s.info)
      .reverse()
      .map((s) => {
        const { remove, palette, ...info } = s.info!;
        const latest = () => this.sources.get(s.id)?.info;
        return {
          ...info,
          id: s.id,
          slot: s.slot!,
          visible: settings[s.id]?.visible ?? true,
          opacity: settings[s.id]?.opacity ?? 1,
          // The source's latest closures, not the ones the row was made with.
          ...(palette ? { palette: { ...palette, choose: (id: string) => latest()?.palette?.choose(id) } } : {}),
          ...(remove ? { remove: () => latest()?.remove?.() } : {}),
        };
      }));
  };

  /** Hears of a change of the list: a layer come or gone, renamed, its legend, its settings or the order. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  setting(id: string): Required<LayerSetting> {
    const s = this.state.get().layers[id];
    return { visible: s?.visible ?? true, opacity: s?.opacity ?? 1 };
  }

  setVisible(id: string, visible: boolean): void {
    this.state.set(withSetting(this.state.get(), id, { visible }));
  }

  setOpacity(id: string, opacity: number): void {
    this.state.set(withSetting(this.state.get(), id, { opacity: Math.min(1, Math.max(0, opacity)) }));
  }

  /** Moves a listed layer `steps` rows up (positive: drawn over more) or down; the basemap stays at the bottom. */
  move(id: string, steps: number): void {
    const ids = this.ordered()
      .filter((s) => s.info && s.slot !== 'basemap')
      .map((s) => s.id);
    const from = ids.indexOf(id);
    if (from < 0) return;
    const to = Math.min(ids.length - 1, Math.max(0, from + steps));
    if (to === from) return;
    ids.splice(from, 1);
    ids.splice(to, 0, id);
    const state = this.state.get();
    this.state.set({ ...state, layerOrder: mergeOrder(state.layerOrder, ids) });
  }

  /** Pointer handlers of `id`'s layers. */
  handle(id: string, handlers: Pick<Source, 'onHover' | 'onClick'>): () => void {
    const s = this.source(id);
    Object.assign(s, handlers);
    return () => {
      s.onHover = undefined;
      s.onClick = undefined;
    };
  }

  /** deck.gl's onHover: the picked layer's source hears it; the source hovered before hears it end. */
  hover(info: PickingInfo): void {
    const s = this.owner(info);
    if (this.hovered && this.hovered !== s) this.hovered.onHover?.(null);
    this.hovered = s;
    s?.onHover?.(info);
  }

  click(info: PickingInfo): void {
    this.owner(info)?.onClick?.(info);
  }

  /** Clears every hover (the map moved under the pointer). */
  leave(): void {
    this.hovered?.onHover?.(null);
    this.hovered = undefined;
  }

  private source(id: string): Source {
    let s = this.sources.get(id);
    if (!s) this.sources.set(id, (s = { id, seq: this.seq++, layers: [] }));
    return s;
  }

  private ordered(): Source[] {
    return drawOrder(this.sources.values(), this.state.get().layerOrder);
  }

  private changed(): void {
    this.rowsCache = undefined;
    for (const l of this.listeners) l();
  }

  /** Hands deck.gl the visible layers in order, each at its layer's opacity times the analyst's. */
  private apply(): void {
    const settings = this.state.get().layers;
    const layers: Layer[] = [];
    for (const s of this.ordered()) {
      const { visible = true, opacity = 1 } = settings[s.id] ?? {};
      if (!visible || opacity <= 0) continue;
      for (const l of s.layers) layers.push(opacity >= 1 ? l : l.clone({ opacity: (l.props.opacity ?? 1) * opacity }));
    }
    this.drawn = layers.map((l) => l.id);
    this.overlay.setProps({ layers });
  }

  /** The source whose id is the longest prefix of the picked layer's (`fences-areas` is `fences`'). */
  private owner(info: PickingInfo): Source | undefined {
    const id = info.layer?.id;
    if (!id) return undefined;
    let best: Source | undefined;
    for (const [key, s] of this.sources) if ((id === key || id.startsWith(`${key}-`)) && key.length > (best?.id.length ?? -1)) best = s;
    return best;
  }
}
