import { z } from 'zod';
import { persistFields } from './preferences';
import { createStore } from './store';
import { getUi, type PanelId } from './ui-store';

/** How the side panel shares the window: each panel's width where the analyst dragged it, and the Notebooks panel taking the whole window. */
export interface SideLayout {
  /** px; a panel not in here has its sheet's width (workbench.css). */
  widths: Partial<Record<PanelId, number>>;
  notebooksWhole: boolean;
}

export const SIDE_MIN_PX = 280;
/** The map keeps at least this much beside a panel. */
const MAP_MIN_PX = 360;
const RAIL_PX = 64;

export const sideLayout = createStore<SideLayout>({ widths: {}, notebooksWhole: false });

persistFields(sideLayout, 'sidePanel', {
  widths: z.partialRecord(z.enum(['heatmap', 'fences', 'deliveries', 'notebooks', 'fleet']), z.number().int().min(SIDE_MIN_PX).max(10_000)),
  notebooksWhole: z.boolean(),
});

/** The widest a panel may be in a window this wide. */
export const sideMaxPx = (windowPx = globalThis.innerWidth ?? 1280) => Math.max(SIDE_MIN_PX, windowPx - RAIL_PX - MAP_MIN_PX);

/** Sets a panel's width, kept inside what the window allows; undefined puts back its sheet's width. */
export function setSideWidth(panel: PanelId, px: number | undefined): void {
  const { widths, ...rest } = sideLayout.get();
  const { [panel]: _old, ...others } = widths;
  sideLayout.set({ ...rest, widths: px === undefined ? others : { ...others, [panel]: Math.round(Math.min(sideMaxPx(), Math.max(SIDE_MIN_PX, px))) } });
}

/** Whether the Notebooks panel has the whole window now. */
export const notebooksWhole = (): boolean => getUi().panel === 'notebooks' && sideLayout.get().notebooksWhole;

export function toggleNotebooksWhole(): void {
  sideLayout.set({ ...sideLayout.get(), notebooksWhole: !sideLayout.get().notebooksWhole });
}
