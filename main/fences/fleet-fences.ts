import type { Config } from '../config';
import { engineIdOf } from '../s3';

/**
 * Where this engine's fences live: the fleet's registry when `fences.registry` is `nats`, or when the engine shares
 * partitions with others (`cluster.partitions` above 0) — but only
 * with NATS as the source; the simulator keeps them local.
 */
export function fleetFences(config: Config, useNats: boolean, dataDir: string): { registry: 'local' | 'nats'; engineId?: string; deployLeaseMs: number } {
  const registry = fenceRegistryKind(config, useNats);
  const deployLeaseMs = config.fences.deployLeaseS * 1000;
  if (registry === 'local') return { registry, deployLeaseMs };
  // The lease names its holder by the id the fleet's heartbeats and archive use.
  return { registry, engineId: engineIdOf(dataDir, config.archive.engineId), deployLeaseMs };
}

/** `nats` when the fleet's registry holds the fences (see fleetFences), else `local`. */
export function fenceRegistryKind(config: Config, useNats: boolean): 'local' | 'nats' {
  return useNats && (config.fences.registry === 'nats' || config.cluster.partitions > 0) ? 'nats' : 'local';
}
