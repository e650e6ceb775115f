/**
 * The fleet: engines that share one NATS find each other through their heartbeats in the `hexwatch-fleet`
 * key-value bucket; `fleet.list` and `fleet.changed` tell who is in, their figures, and who owns each partition.
 */
export { openFleetRoom, fleetHandlers, pullsFromNats, type FleetRoom, type FleetRoomOptions } from './fleet-room';
export { FleetMembers, engineState, fleetSignature, partitionsTable, DROP_AFTER_MS, GONE_AFTER_BEATS } from './fleet-members';
export { FLEET_BUCKET } from './fleet-bucket';
export { heartbeatOf, identityOf, type EngineIdentity, type IngestLag } from './heartbeat';
