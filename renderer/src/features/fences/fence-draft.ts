import { FenceInputSchema, type Detect, type Fence, type FenceGeometry, type FenceInput } from '../../../../shared/fence';
import { describeIssues } from '../../../../shared/rpc';
import { createStore } from '../../app/store';

/** The fence being drawn or edited: the form and the map's drawing share it. */
export interface Draft {
  /** Set when a saved fence is being edited: its id and the version it was opened at. */
  id?: string;
  openedVersion?: number;
  name: string;
  detect: Detect[];
  dwell_s?: number;
  targets: string[];
  enabled: boolean;
  geometry?: FenceGeometry;
  /** The next polygon drawn is a hole in the draft's polygon. */
  holeNext?: boolean;
  /** An older version's geometry shown beside the draft. */
  ghost?: FenceGeometry;
  /** Bumped when the form changes the geometry (a typed radius): the drawing reloads it. */
  reload?: number;
  /** Made from a query result: where from, and what was chosen on the way (the form says it; the map goes to it once). */
  origin?: string;
}

export const EMPTY_DRAFT: Draft = { name: '', detect: ['enter', 'exit'], targets: [], enabled: true };

const store = createStore<Draft | null>(null);

export const getDraft = store.get;
export const useDraft = store.use;

/** Starts, changes or (with null) ends the draft. */
export function setDraft(next: Draft | null | ((d: Draft) => Partial<Draft>)): void {
  const draft = store.get();
  store.set(typeof next === 'function' ? (draft ? { ...draft, ...next(draft) } : draft) : next);
}

/** A saved fence opened for editing. */
export function draftOf(f: Fence): Draft {
  return {
    id: f.id,
    openedVersion: f.version,
    name: f.name,
    detect: f.detect,
    dwell_s: f.dwell_s,
    targets: f.targets,
    enabled: f.enabled,
    geometry: f.geometry,
  };
}

/** An id for a new fence from its name: letters, digits and dashes, and a random tail so two "Depot"s differ. */
export function newFenceId(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${slug || 'fence'}-${Math.random().toString(36).slice(2, 7)}`;
}

/** The fence a draft would save, and what is wrong with it, by field (the engine's own rules, checked here as you draw and type). */
export function checkDraft(d: Draft): { fence: FenceInput; problems: Record<string, string> } {
  const fence: FenceInput = {
    id: d.id ?? newFenceId(d.name),
    name: d.name.trim(),
    detect: d.detect,
    ...(d.dwell_s !== undefined ? { dwell_s: d.dwell_s } : {}),
    targets: d.targets,
    enabled: d.enabled,
    geometry: d.geometry as FenceGeometry,
  };
  const problems: Record<string, string> = {};
  if (!d.geometry) problems.geometry = 'draw the fence on the map first';
  const parsed = FenceInputSchema.safeParse(fence);
  if (!parsed.success)
    for (const issue of describeIssues(parsed.error)) {
      const field = fieldOf(issue.path);
      if (field === 'geometry' && !d.geometry) continue;
      problems[field] ??= issue.message;
    }
  return { fence, problems };
}

/** The form field an issue's path belongs to (`geometry.coordinates.0` → geometry; a stale version → the form). */
export function fieldOf(path: string): string {
  const first = path.replace(/^fence\./, '').split('.')[0] ?? '';
  if (first === 'version') return 'form';
  return ['name', 'detect', 'dwell_s', 'targets', 'geometry', 'id'].includes(first) ? first : 'geometry';
}
