export { hostOf, natsAuth, natsConnectionOptions, readSettingFile, redactUrl, serverUrl, type NatsAuth } from './options';
export { NatsServerError, NatsSocket, type NatsSocketOptions, type ServerInfo } from './socket';
export {
  ackDeliverySequence,
  ackPending,
  readAckSubject,
  pubCommand,
  readStatus,
  repliesWith,
  WireParser,
  WireProtocolError,
  type MessageRanges,
} from './wire';
export { ServerPool, type PoolServer } from './server-pool';
export { NATS_NEEDS, tooOld, versionAtLeast } from './server-version';
