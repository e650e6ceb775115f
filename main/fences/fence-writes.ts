import type { Fence, FenceInput } from '../../shared/fence';
import type { FenceRegistry } from './fence-registry';

export interface ImportResult {
  saved: string[];
  errors: { index: number; id?: string; message: string }[];
}

/**
 * What changes fences: the local file itself, or the fleet's registry (a NATS key-value bucket, fence-bucket.ts)
 * whose changes come back into the file. Refusals are FenceValidationErrors either way.
 */
export interface FenceWrites {
  save(input: FenceInput, expectedVersion?: number): Promise<Fence>;
  setEnabled(id: string, enabled: boolean): Promise<Fence>;
  remove(id: string): Promise<boolean>;
  importCollection(collection: unknown): Promise<ImportResult>;
}

/** One engine's fences: written straight into its fences.sqlite. */
export function localWrites(registry: FenceRegistry): FenceWrites {
  return {
    save: async (input, expectedVersion) => registry.save(input, expectedVersion),
    setEnabled: async (id, enabled) => registry.setEnabled(id, enabled),
    remove: async (id) => registry.remove(id),
    importCollection: async (collection) => registry.importCollection(collection),
  };
}
