/**
 * Whether a position counts as supply: its kind is one of `supplyKinds` (when that is empty, any kind
 * but "demand", and none), and its props do not say `"available": false`.
 */
export function supplyFilter(supplyKinds: readonly string[]): (kind: string | null, props: string | null) => boolean {
  const kinds = new Set(supplyKinds);
  return (kind, props) => {
    if (kinds.size > 0 ? !kinds.has(kind ?? '') : kind === 'demand') return false;
    // props is JSON text: parsed only when it may say something about availability.
    if (props !== null && props.includes('"available"')) {
      try {
        return (JSON.parse(props) as { available?: unknown }).available !== false;
      } catch {
        return true;
      }
    }
    return true;
  };
}
