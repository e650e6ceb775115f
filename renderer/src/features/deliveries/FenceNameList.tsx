import type { Fence } from '../../../../shared/fence';

/** The fences' names offered as a field's suggestions (its `list`), each with its id beside it. */
export function FenceNameList({ id, fences }: { id: string; fences: readonly Pick<Fence, 'id' | 'name'>[] | undefined }) {
  return (
    <datalist id={id}>
      {(fences ?? []).map((f) => (
        <option key={f.id} value={f.name}>
          {f.id}
        </option>
      ))}
    </datalist>
  );
}
