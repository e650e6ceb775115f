export { decodePosition, type Decoded, type QuarantineReason } from './decode';
export { PositionIngest, type IngestOptions, type IngestSink } from './position-ingest';
export { NatsReader, type IngestState, type RawBatch } from './nats-reader';
export { natsConnectionOptions, redactUrl } from './nats-options';
