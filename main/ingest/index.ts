export { decodePosition, type Decoded, type QuarantineReason } from './decode';
export { PositionIngest, type IngestOptions, type IngestSink, type IngestState } from './position-ingest';
export { natsConnectionOptions, redactUrl } from './nats-options';
export { SeqRanges, type Range } from './seq-ranges';
