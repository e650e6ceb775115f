/**
 * Connections: pointing hexwatch at a company's NATS and Tile38 from a screen — what is set and where it
 * came from, testing a server before saving it, and saving so the engine switches over without a restart.
 * Secrets travel here only on their way to the keychain (desktop) or the running engine (web mode): they
 * are never written to settings.json, never sent back, never logged.
 */
import { z } from 'zod';

const Path = z.string().max(4096);
const Name = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only');
const Subject = z.string().min(1).max(256);

/** The NATS settings the screen edits (the `nats` section of the settings, without its tuning knobs). */
export const NatsConnectionSchema = z
  .object({
    servers: z.array(z.string().regex(/^(nats|tls|wss?):\/\/[^\s]+$/, 'a nats://, tls:// or ws(s):// URL')).max(32),
    user: z.string().max(256),
    passwordFile: Path,
    tokenFile: Path,
    nkeySeedFile: Path,
    credsFile: Path,
    tlsCaFile: Path,
    tlsCertFile: Path,
    tlsKeyFile: Path,
    stream: Name,
    subjects: z.array(Subject).min(1).max(32),
    consumer: Name,
  })
  .strict();
export type NatsConnection = z.infer<typeof NatsConnectionSchema>;

/** The Tile38 settings the screen edits; an empty host means the embedded engine decides fence events. */
export const Tile38ConnectionSchema = z
  .object({
    host: z.string().max(256),
    port: z.number().int().min(1).max(65535),
    tls: z.boolean(),
    passwordFile: Path,
    mode: z.enum(['channel', 'hook']),
  })
  .strict();
export type Tile38Connection = z.infer<typeof Tile38ConnectionSchema>;

/** The market's demand stream. */
export const DemandConnectionSchema = z.object({ stream: Name, subjects: z.array(Subject).min(1).max(32), consumer: Name }).strict();

/** Object storage (S3 or an S3-compatible store): how notebooks read `s3://`, and the bucket the archive is copied to. */
export const S3ConnectionSchema = z
  .object({
    endpoint: z
      .string()
      .max(512)
      .regex(/^(https?:\/\/[^\s/?#]+\/?)?$/, 'an http(s)://host:port URL, or empty for AWS'),
    region: z
      .string()
      .max(64)
      .regex(/^[a-z0-9-]*$/, 'a region name such as eu-west-1'),
    accessKeyId: z.string().max(256),
    archiveUrl: z
      .string()
      .max(1024)
      .regex(/^(s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*)?)?$/, 'an s3://bucket/prefix/ URL'),
  })
  .strict();
export type S3Connection = z.infer<typeof S3ConnectionSchema>;

/** Where the keys the engine signs S3 requests with come from: the app's own, the AWS environment variables, the AWS profile, or none (anonymous). */
const S3KeysFromSchema = z.enum(['app', 'environment', 'profile', 'none']);

/** Where a secret the engine uses comes from (never the secret itself). */
const SecretSourceSchema = z.enum(['keychain', 'environment', 'file', 'session', 'none']);

const Secret = z.string().min(1).max(4096);

const ServerFacts = z.object({
  url: z.string(),
  name: z.string(),
  version: z.string(),
  cluster: z.string().optional(),
  jetstream: z.boolean(),
  account: z.object({ streams: z.number(), consumers: z.number(), memory: z.number(), storage: z.number() }).optional(),
  stream: z.object({ name: z.string(), exists: z.boolean(), messages: z.number().optional(), subjects: z.array(z.string()).optional() }).optional(),
});
const Tile38Facts = z.object({
  address: z.string(),
  version: z.string(),
  id: z.string().optional(),
  following: z.string().optional(),
  objects: z.number().optional(),
  collections: z.number().optional(),
});
const S3Facts = z.object({
  /** The bucket and prefix listed. */
  url: z.string(),
  /** Where the requests went: the endpoint, or AWS's host for the region. */
  host: z.string(),
  region: z.string(),
  keysFrom: S3KeysFromSchema,
  /** Objects listed under the prefix (one page), and a few of their keys. */
  objects: z.number(),
  more: z.boolean(),
  sample: z.array(z.string()),
});
/** A test's answer: what the server said about itself, or its refusal in its own words. */
const Probe = <T extends z.ZodType>(facts: T) =>
  z.union([z.object({ ok: z.literal(true), server: facts }), z.object({ ok: z.literal(false), error: z.string() })]);

export const connectionsMethods = {
  /** What the engine runs with now, where each secret comes from, and which settings the environment or flags pin (the screen cannot change those). */
  'connections.get': {
    params: z.object({}).strict(),
    result: z.object({
      source: z.enum(['simulator', 'nats']),
      nats: NatsConnectionSchema,
      tile38: Tile38ConnectionSchema,
      demand: DemandConnectionSchema,
      s3: S3ConnectionSchema,
      /** Where the keys for `s3://` come from now. */
      s3KeysFrom: S3KeysFromSchema,
      secrets: z.object({
        natsPassword: SecretSourceSchema,
        natsToken: SecretSourceSchema,
        tile38Password: SecretSourceSchema,
        s3SecretKey: SecretSourceSchema,
      }),
      /** How secrets entered here are kept: the OS keychain (desktop), or for this run only (web mode, or a keychain that would store them as plain text). */
      keep: z.enum(['keychain', 'session']),
      /** Why secrets are kept for this run only, when they are. */
      keepNote: z.string().optional(),
      settingsPath: z.string(),
      /** Dotted settings the environment or a flag sets, which win over what is saved here. */
      pinned: z.array(z.object({ key: z.string(), from: z.string() })),
      /** A first start: no settings.json yet, the source set by no variable or flag, and the `welcome` setting on (the workstation greets the analyst). */
      firstRun: z.boolean(),
    }),
  },
  /** Connects with these settings (and a password or token typed in, used for this test only) and says what the server is. */
  'connections.testNats': {
    params: z.object({ nats: NatsConnectionSchema, password: Secret.optional(), token: Secret.optional() }).strict(),
    result: Probe(ServerFacts),
  },
  /** Connects to this Tile38 and says its version, or its refusal. */
  'connections.testTile38': {
    params: z.object({ tile38: Tile38ConnectionSchema, password: Secret.optional() }).strict(),
    result: Probe(Tile38Facts),
  },
  /** Lists the archive's bucket prefix (or the first s3:// of notebooks.buckets) with these settings and a secret key typed in, or the store's refusal. */
  'connections.testS3': {
    params: z.object({ s3: S3ConnectionSchema, secretKey: Secret.optional() }).strict(),
    result: Probe(S3Facts),
  },
  /**
   * Saves the settings (settings.json, atomically, without secrets), keeps the secrets given (keychain or
   * this run), and switches the engine over: source, Tile38 and the demand stream, keeping everything
   * committed. Refused with the settings' own errors when they are invalid; nothing is saved then.
   */
  'connections.save': {
    params: z
      .object({
        source: z.enum(['simulator', 'nats']),
        nats: NatsConnectionSchema,
        tile38: Tile38ConnectionSchema,
        demand: DemandConnectionSchema,
        s3: S3ConnectionSchema.optional(),
        secrets: z
          .object({ natsPassword: Secret.optional(), natsToken: Secret.optional(), tile38Password: Secret.optional(), s3SecretKey: Secret.optional() })
          .strict()
          .optional(),
      })
      .strict(),
    result: z.object({ saved: z.boolean(), settingsPath: z.string(), note: z.string().optional() }),
    invalidates: ['connections.get', 'status.get', 'fences.status', 'config.get'],
  },
} as const;
