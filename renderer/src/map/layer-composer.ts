import type { Layer, PickingInfo } from '@deck.gl/core';
import type { MapboxOverlay } from '@deck.gl/mapbox';

/**
 * Where a feature's layers sit in the drawn order, bottom first: the heatmap (live or played back); the
 * fences with the draft, its backtest and the events flashing; query results from notebooks; the device
 * followed; and place names on top, readable over everything. Contributions to one slot draw in the order they came.
 */
export const MAP_SLOTS = ['heat', 'fences', 'results', 'selection', 'basemap-labels'] as const;
export type MapSlot = (typeof MAP_SLOTS)[number];

/** What one feature puts on the map: its layers (ids starting with the source's id), in its slot, and what it does with the pointer. */
interface Source {
  slot?: MapSlot;
  layers: Layer[];
  onHover?: (info: PickingInfo | null) => void;
  onClick?: (info: PickingInfo) => void;
}

/**
 * The one owner of deck.gl's layer list: each feature contributes its layers under its own id and in a
 * named slot (the heatmap, fences, query results…), and the composer hands deck.gl all of them, slot
 * by slot. Pointer events go to the feature whose layer was picked.
 */
export class LayerComposer {
  private readonly sources = new Map<string, Source>();
  private hovered: Source | undefined;

  constructor(private readonly overlay: MapboxOverlay) {}

  /** Replaces the layers of `id` in `slot` (an empty list removes them). Applied at once: frames measure from here. */
  set(id: string, slot: MapSlot, layers: Layer[]): void {
    const s = this.sources.get(id) ?? { layers: [] };
    s.slot = slot;
    s.layers = layers;
    this.sources.set(id, s);
    const rank = (x: Source) => (x.slot ? MAP_SLOTS.indexOf(x.slot) : -1);
    this.overlay.setProps({ layers: [...this.sources.values()].sort((a, b) => rank(a) - rank(b)).flatMap((x) => x.layers) });
  }

  /** The ids of every layer given to deck.gl now (tests read what is drawn). */
  layerIds(): string[] {
    return [...this.sources.values()].flatMap((s) => s.layers.map((l) => l.id));
  }

  /** Pointer handlers of `id`'s layers. */
  handle(id: string, handlers: Pick<Source, 'onHover' | 'onClick'>): () => void {
    const s = this.sources.get(id) ?? { layers: [] };
    Object.assign(s, handlers);
    this.sources.set(id, s);
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

  private owner(info: PickingInfo): Source | undefined {
    const id = info.layer?.id;
    if (!id) return undefined;
    for (const [key, s] of this.sources) if (id === key || id.startsWith(`${key}-`)) return s;
    return undefined;
  }
}
