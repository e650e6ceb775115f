import { DemandConnectionSchema, NatsConnectionSchema, S3ConnectionSchema, Tile38ConnectionSchema } from '../../../../shared/rpc/connections';
import type { ParamsOf, ResultOf } from '../../../../shared/rpc';

/** The Connections screen's fields as typed (text), before they are read into the settings they mean. */
export interface ConnectionForm {
  source: 'simulator' | 'nats';
  servers: string;
  user: string;
  passwordFile: string;
  tokenFile: string;
  nkeySeedFile: string;
  credsFile: string;
  tlsCaFile: string;
  tlsCertFile: string;
  tlsKeyFile: string;
  stream: string;
  subjects: string;
  consumer: string;
  tile38Host: string;
  tile38Port: string;
  tile38Tls: boolean;
  tile38PasswordFile: string;
  tile38Mode: 'channel' | 'hook';
  demandStream: string;
  demandSubjects: string;
  demandConsumer: string;
  s3Endpoint: string;
  s3Region: string;
  s3AccessKeyId: string;
  s3ArchiveUrl: string;
  /** Secrets typed in: sent with a test or a save, never shown again, never kept here after a save. */
  natsPassword: string;
  natsToken: string;
  tile38Password: string;
  s3SecretKey: string;
}

export type FieldName = keyof ConnectionForm;
/** A message per field that does not read as the setting it is for. */
export type FieldErrors = Partial<Record<FieldName, string>>;

type Current = ResultOf<'connections.get'>;
type SaveParams = ParamsOf<'connections.save'>;

/** The settings' dotted keys (as the engine names them in a refusal or a pin) and the field that edits each. */
export const FIELD_OF_KEY: Readonly<Record<string, FieldName>> = {
  source: 'source',
  'nats.servers': 'servers',
  'nats.user': 'user',
  'nats.passwordFile': 'passwordFile',
  'nats.tokenFile': 'tokenFile',
  'nats.nkeySeedFile': 'nkeySeedFile',
  'nats.credsFile': 'credsFile',
  'nats.tlsCaFile': 'tlsCaFile',
  'nats.tlsCertFile': 'tlsCertFile',
  'nats.tlsKeyFile': 'tlsKeyFile',
  'nats.stream': 'stream',
  'nats.subjects': 'subjects',
  'nats.consumer': 'consumer',
  'tile38.host': 'tile38Host',
  'tile38.port': 'tile38Port',
  'tile38.tls': 'tile38Tls',
  'tile38.passwordFile': 'tile38PasswordFile',
  'tile38.mode': 'tile38Mode',
  'market.demandStream': 'demandStream',
  'market.demandSubjects': 'demandSubjects',
  'market.demandConsumer': 'demandConsumer',
  'notebooks.s3Endpoint': 's3Endpoint',
  'notebooks.s3Region': 's3Region',
  'notebooks.s3AccessKeyId': 's3AccessKeyId',
  'archive.s3Url': 's3ArchiveUrl',
};

/** A list typed one per line or comma separated. */
export const listOf = (text: string): string[] =>
  text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** The form as the engine runs now (secrets blank: they are never sent back). */
export function formOf(current: Current): ConnectionForm {
  const { nats, tile38, demand, s3 } = current;
  return {
    source: current.source,
    servers: nats.servers.join('\n'),
    user: nats.user,
    passwordFile: nats.passwordFile,
    tokenFile: nats.tokenFile,
    nkeySeedFile: nats.nkeySeedFile,
    credsFile: nats.credsFile,
    tlsCaFile: nats.tlsCaFile,
    tlsCertFile: nats.tlsCertFile,
    tlsKeyFile: nats.tlsKeyFile,
    stream: nats.stream,
    subjects: nats.subjects.join(', '),
    consumer: nats.consumer,
    tile38Host: tile38.host,
    tile38Port: String(tile38.port),
    tile38Tls: tile38.tls,
    tile38PasswordFile: tile38.passwordFile,
    tile38Mode: tile38.mode,
    demandStream: demand.stream,
    demandSubjects: demand.subjects.join(', '),
    demandConsumer: demand.consumer,
    s3Endpoint: s3.endpoint,
    s3Region: s3.region,
    s3AccessKeyId: s3.accessKeyId,
    s3ArchiveUrl: s3.archiveUrl,
    natsPassword: '',
    natsToken: '',
    tile38Password: '',
    s3SecretKey: '',
  };
}

type Read<T> = { ok: true; value: T; errors: FieldErrors } | { ok: false; errors: FieldErrors };

/** zod's issue paths in a section's schema → the form's fields. */
function issuesOf(issues: readonly { path: PropertyKey[]; message: string }[], fields: Readonly<Record<string, FieldName>>): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = fields[String(issue.path[0])];
    if (field && !errors[field]) errors[field] = issue.message;
  }
  return errors;
}

const NATS_FIELDS: Record<string, FieldName> = Object.fromEntries(
  Object.entries(FIELD_OF_KEY)
    .filter(([k]) => k.startsWith('nats.'))
    .map(([k, f]) => [k.slice(5), f]),
);

/** The NATS section read into its settings, or what is wrong with each field. */
export function readNats(form: ConnectionForm): Read<SaveParams['nats']> {
  const parsed = NatsConnectionSchema.safeParse({
    servers: listOf(form.servers),
    user: form.user.trim(),
    passwordFile: form.passwordFile.trim(),
    tokenFile: form.tokenFile.trim(),
    nkeySeedFile: form.nkeySeedFile.trim(),
    credsFile: form.credsFile.trim(),
    tlsCaFile: form.tlsCaFile.trim(),
    tlsCertFile: form.tlsCertFile.trim(),
    tlsKeyFile: form.tlsKeyFile.trim(),
    stream: form.stream.trim(),
    subjects: listOf(form.subjects),
    consumer: form.consumer.trim(),
  });
  const errors = parsed.success ? {} : issuesOf(parsed.error.issues, NATS_FIELDS);
  // The schema names the list; the analyst wants to know which entry.
  const badServer = listOf(form.servers).find((s) => !/^(nats|tls|wss?):\/\/[^\s]+$/.test(s));
  if (badServer) errors.servers = `${badServer} is not a nats://, tls:// or ws(s):// URL`;
  if (form.subjects.trim() === '') errors.subjects = 'at least one subject, e.g. pos.>';
  if (form.source === 'nats' && listOf(form.servers).length === 0) errors.servers = 'at least one server, e.g. nats://nats.example.com:4222';
  if (form.tlsCertFile.trim() !== '' && form.tlsKeyFile.trim() === '') errors.tlsKeyFile = 'a client certificate needs its key file';
  if (form.tlsKeyFile.trim() !== '' && form.tlsCertFile.trim() === '') errors.tlsCertFile = 'a key file needs its client certificate';
  return parsed.success && Object.keys(errors).length === 0 ? { ok: true, value: parsed.data, errors } : { ok: false, errors };
}

/** The Tile38 section read into its settings. */
export function readTile38(form: ConnectionForm): Read<SaveParams['tile38']> {
  const port = /^\d+$/.test(form.tile38Port.trim()) ? Number(form.tile38Port.trim()) : NaN;
  const parsed = Tile38ConnectionSchema.safeParse({
    host: form.tile38Host.trim(),
    port,
    tls: form.tile38Tls,
    passwordFile: form.tile38PasswordFile.trim(),
    mode: form.tile38Mode,
  });
  const errors = parsed.success
    ? {}
    : issuesOf(parsed.error.issues, { host: 'tile38Host', port: 'tile38Port', passwordFile: 'tile38PasswordFile', mode: 'tile38Mode' });
  if (!(port >= 1 && port <= 65535)) errors.tile38Port = 'a port from 1 to 65535';
  if (/[\s/:]/.test(form.tile38Host.trim())) errors.tile38Host = 'a host name or address only (no scheme, port or path)';
  return parsed.success && Object.keys(errors).length === 0 ? { ok: true, value: parsed.data, errors } : { ok: false, errors };
}

/** The market's demand stream read into its settings. */
export function readDemand(form: ConnectionForm): Read<SaveParams['demand']> {
  const parsed = DemandConnectionSchema.safeParse({
    stream: form.demandStream.trim(),
    subjects: listOf(form.demandSubjects),
    consumer: form.demandConsumer.trim(),
  });
  const errors = parsed.success ? {} : issuesOf(parsed.error.issues, { stream: 'demandStream', subjects: 'demandSubjects', consumer: 'demandConsumer' });
  if (form.demandSubjects.trim() === '') errors.demandSubjects = 'at least one subject, e.g. demand.>';
  return parsed.success && Object.keys(errors).length === 0 ? { ok: true, value: parsed.data, errors } : { ok: false, errors };
}

/** Object storage read into its settings. */
export function readS3(form: ConnectionForm): Read<NonNullable<SaveParams['s3']>> {
  const parsed = S3ConnectionSchema.safeParse({
    endpoint: form.s3Endpoint.trim(),
    region: form.s3Region.trim(),
    accessKeyId: form.s3AccessKeyId.trim(),
    archiveUrl: form.s3ArchiveUrl.trim(),
  });
  const errors = parsed.success
    ? {}
    : issuesOf(parsed.error.issues, { endpoint: 's3Endpoint', region: 's3Region', accessKeyId: 's3AccessKeyId', archiveUrl: 's3ArchiveUrl' });
  if (form.s3SecretKey && !form.s3AccessKeyId.trim()) errors.s3AccessKeyId = 'the access key id the secret key belongs with';
  return parsed.success && Object.keys(errors).length === 0 ? { ok: true, value: parsed.data, errors } : { ok: false, errors };
}

/** What Save and connect sends, or every field's problem. Secrets go only when typed: a blank one keeps what the engine has. */
export function readForm(form: ConnectionForm): { ok: true; params: SaveParams } | { ok: false; errors: FieldErrors } {
  const nats = readNats(form);
  const tile38 = readTile38(form);
  const demand = readDemand(form);
  const s3 = readS3(form);
  if (!nats.ok || !tile38.ok || !demand.ok || !s3.ok) return { ok: false, errors: { ...nats.errors, ...tile38.errors, ...demand.errors, ...s3.errors } };
  const secrets = {
    ...(form.natsPassword ? { natsPassword: form.natsPassword } : {}),
    ...(form.natsToken ? { natsToken: form.natsToken } : {}),
    ...(form.tile38Password ? { tile38Password: form.tile38Password } : {}),
    ...(form.s3SecretKey ? { s3SecretKey: form.s3SecretKey } : {}),
  };
  return {
    ok: true,
    params: {
      source: form.source,
      nats: nats.value,
      tile38: tile38.value,
      demand: demand.value,
      s3: s3.value,
      ...(Object.keys(secrets).length ? { secrets } : {}),
    },
  };
}

/**
 * The engine's refusal of settings (`invalid settings:` then `  key: what` lines) split into the fields it
 * names and what is left for the whole form.
 */
export function refusalOf(message: string): { fields: FieldErrors; rest: string } {
  const fields: FieldErrors = {};
  const rest: string[] = [];
  for (const line of message.split('\n')) {
    const m = /^\s+([A-Za-z0-9.]+): (.+)$/.exec(line);
    const field = m ? FIELD_OF_KEY[m[1]!] : undefined;
    if (field && !fields[field]) fields[field] = m![2]!;
    else if (line.trim()) rest.push(line.trim());
  }
  return { fields, rest: rest.join(' ') };
}
