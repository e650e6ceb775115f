import type { DuckDBValue } from '@duckdb/node-api';
import type { Session } from './session';

/** A quarantined message without its raw bytes (a listing may hold thousands; a body may be 1 MB). */
export interface QuarantineEntry {
  seq: bigint;
  stream: string;
  subject: string;
  reason: string;
  detail: string;
  /** Epoch milliseconds. */
  received: number;
  /** Size of the raw body. */
  bytes: number;
}

export interface QuarantineMessage extends QuarantineEntry {
  raw: Uint8Array;
}

export interface QuarantinePage {
  /** How many match the filter, whatever the page. */
  total: number;
  items: QuarantineEntry[];
}

export interface QuarantineFilter {
  reason?: string;
  /** Only messages received before this epoch ms. */
  before?: number;
}

const ENTRY_COLUMNS = `seq, stream, subject, reason, detail, epoch_ms(received) AS received, octet_length(raw) AS bytes`;

/** List, inspect, purge and count the quarantine table. */
export class QuarantineTable {
  constructor(private readonly session: Session) {}

  list(opts: { reason?: string; limit: number; offset: number }): Promise<QuarantinePage> {
    const { where, values } = filterSql(opts);
    const limit = Math.max(0, Math.min(10_000, Math.trunc(opts.limit)));
    const offset = Math.max(0, Math.trunc(opts.offset));
    return this.session.exclusive(async () => {
      const [{ n }] = await this.session.rows(`SELECT count(*) AS n FROM quarantine ${where}`, values);
      const rows = await this.session.rows(
        `SELECT ${ENTRY_COLUMNS} FROM quarantine ${where} ORDER BY received DESC, seq DESC LIMIT ${limit} OFFSET ${offset}`,
        values,
      );
      return { total: Number(n), items: rows.map(toEntry) };
    });
  }

  /** One message with its raw bytes; `stream` narrows it when several streams share sequence numbers. */
  get(seq: bigint, stream?: string): Promise<QuarantineMessage | undefined> {
    return this.session.exclusive(async () => {
      const values: DuckDBValue[] = [seq];
      if (stream !== undefined) values.push(stream);
      const rows = await this.session.rows(
        `SELECT ${ENTRY_COLUMNS}, raw FROM quarantine WHERE seq = $1::UBIGINT ${stream !== undefined ? 'AND stream = $2' : ''} ORDER BY received DESC LIMIT 1`,
        values,
      );
      if (rows.length === 0) return undefined;
      const raw = rows[0].raw as Uint8Array;
      return { ...toEntry(rows[0]), raw: new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength) }; // a plain view, not a Buffer
    });
  }

  /** Deletes what matches (everything when the filter is empty); returns how many. */
  purge(filter: QuarantineFilter): Promise<number> {
    const { where, values } = filterSql(filter);
    return this.session.exclusive(() => this.session.run(`DELETE FROM quarantine ${where}`, values));
  }

  /** Messages per reason per time bucket (epoch ms of its start) since `since`, oldest first. */
  timeline(bucketMs: number, since: number): Promise<{ at: number; reason: string; count: number }[]> {
    const bucket = BigInt(Math.max(1000, Math.trunc(bucketMs)));
    return this.session.exclusive(async () => {
      const rows = await this.session.rows(
        `SELECT (epoch_ms(received) // $1::BIGINT) * $1::BIGINT AS bucket, reason, count(*) AS n FROM quarantine
         WHERE received >= epoch_ms($2::BIGINT)::TIMESTAMP_MS GROUP BY ALL ORDER BY bucket, reason`,
        [bucket, BigInt(Math.trunc(since))],
      );
      return rows.map((r) => ({ at: Number(r.bucket), reason: String(r.reason), count: Number(r.n) }));
    });
  }

  /**
   * The messages named, as NDJSON: a line each with its fields, the body as text when it is UTF-8 and
   * always as base64 (what was received, byte for byte).
   */
  async exportNdjson(keys: readonly { seq: bigint; stream: string }[]): Promise<string> {
    const lines: string[] = [];
    const utf8 = new TextDecoder('utf-8', { fatal: true });
    for (const k of keys) {
      const m = await this.get(k.seq, k.stream);
      if (!m) continue;
      let text: string | null = null;
      try {
        text = utf8.decode(m.raw);
      } catch {
        // Not text: the base64 carries it.
      }
      const { raw, seq, received, ...entry } = m;
      lines.push(
        JSON.stringify({ seq: String(seq), ...entry, received: new Date(received).toISOString(), raw: text, raw_base64: Buffer.from(raw).toString('base64') }),
      );
    }
    return lines.length ? `${lines.join('\n')}\n` : '';
  }

  /** The highest sequence quarantined from `stream` (0 if none): where a source without stream sequences numbers on. */
  lastSeq(stream: string): Promise<bigint> {
    return this.session.exclusive(async () => {
      const [r] = await this.session.rows(`SELECT coalesce(max(seq), 0)::UBIGINT AS seq FROM quarantine WHERE stream = $1`, [stream]);
      return BigInt(r.seq as bigint);
    });
  }

  countsByReason(): Promise<Record<string, number>> {
    return this.session.exclusive(async () => {
      const rows = await this.session.rows(`SELECT reason, count(*) AS n FROM quarantine GROUP BY reason ORDER BY reason`);
      return Object.fromEntries(rows.map((r) => [String(r.reason), Number(r.n)]));
    });
  }
}

function filterSql(filter: QuarantineFilter): { where: string; values: DuckDBValue[] } {
  const clauses: string[] = [];
  const values: DuckDBValue[] = [];
  if (filter.reason !== undefined) {
    values.push(filter.reason);
    clauses.push(`reason = $${values.length}`);
  }
  if (filter.before !== undefined) {
    values.push(BigInt(Math.trunc(filter.before)));
    clauses.push(`received < epoch_ms($${values.length}::BIGINT)::TIMESTAMP_MS`);
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', values };
}

function toEntry(r: Record<string, unknown>): QuarantineEntry {
  return {
    seq: r.seq as bigint,
    stream: String(r.stream),
    subject: String(r.subject),
    reason: String(r.reason),
    detail: String(r.detail),
    received: Number(r.received),
    bytes: Number(r.bytes),
  };
}
