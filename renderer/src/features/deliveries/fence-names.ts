/** A fence as the analyst types it in a filter: its id, or its name (in any case). */
export interface NamedFence {
  id: string;
  name: string;
}

/**
 * The fence id a typed word means: an id as it is; else the fence of that name (`named` says so), or every
 * fence of it when several share it (`ambiguous`); else the word itself (a deleted fence's id still finds
 * its dead letters and events).
 */
export function fenceIdOf(text: string, fences: readonly NamedFence[]): { id: string; named?: string; ambiguous?: string[] } {
  const word = text.trim();
  if (!word || fences.some((f) => f.id === word)) return { id: word };
  const named = fences.filter((f) => f.name.trim().toLowerCase() === word.toLowerCase());
  if (named.length === 1) return { id: named[0]!.id, named: named[0]!.name };
  if (named.length > 1) return { id: word, ambiguous: named.map((f) => f.id) };
  return { id: word };
}

/** Fences typed as a list (commas or new lines between): the ids they mean, every fence of a name shared by several. */
export function fenceIdsOf(text: string, fences: readonly NamedFence[]): string[] {
  const ids = text
    .split(/[,\n]+/)
    .map((w) => fenceIdOf(w, fences))
    .flatMap((r) => r.ambiguous ?? (r.id ? [r.id] : []));
  return [...new Set(ids)];
}
