import type { FenceGeometry } from '../../../../shared/fence';
import { setUi } from '../../app/ui-store';
import { clearBacktest } from './backtest-run';
import { EMPTY_DRAFT, setDraft } from './fence-draft';

let made = 0;

/**
 * A new fence's draft from a shape found elsewhere (a notebook's result): the Fences panel opens with it
 * drawn on the map, selected for editing, and in the form, named if the row had a name. What the previous
 * draft had backtested goes with it.
 */
export function makeFence({ geometry, name, origin }: { geometry: FenceGeometry; name?: string; origin: string }): void {
  clearBacktest();
  // A new `reload` each time: the drawing loads this shape even over one it already holds.
  setDraft({ ...EMPTY_DRAFT, name: name?.trim().slice(0, 256) ?? '', geometry, origin, reload: -++made });
  setUi({ panel: 'fences', drawing: null, selection: null });
}
