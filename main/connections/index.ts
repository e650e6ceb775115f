/** Connections: pointing hexwatch at a company's NATS and Tile38 — testing them, saving them, switching to them. */
export { probeNats, type NatsProbeAnswer, type NatsProbeResult } from './nats-probe';
export { probeTile38, type Tile38ProbeAnswer, type Tile38ProbeResult, type Tile38Target } from './tile38-probe';
export { SECRET_ENV, sessionSecrets, type ConnectionsHost, type SecretName, type SecretStore } from './connections-host';
export { connectionsHandlers } from './connections-handlers';
