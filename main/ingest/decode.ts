import { isFixTime, type Position } from '../../shared/position';

/** Why a message was quarantined; counted per reason. */
export type QuarantineReason =
  | 'empty'
  | 'oversize'
  | 'invalid_json'
  | 'not_object'
  | 'invalid_id'
  | 'invalid_lat'
  | 'invalid_lon'
  | 'invalid_ts'
  | 'invalid_field'
  | 'too_deep'
  | 'undecodable';

export type Decoded = { ok: true; position: Position } | { ok: false; reason: QuarantineReason; detail: string };

const H3_HEX = /^[0-9a-f]{15,16}$/i;
/** Objects and arrays may nest this deep in a message (the position itself is level 1, its props level 2). */
export const MAX_DEPTH = 32;
/** A position's props, as JSON, at most. */
export const MAX_PROPS_BYTES = 16_384;
const utf8 = new TextDecoder('utf-8', { fatal: true });

const fail = (reason: QuarantineReason, detail: string): Decoded => ({ ok: false, reason, detail });
const show = (v: unknown): string => {
  const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
};

/**
 * Decodes one position message (the shape of shared/position.ts). Hand-written checks rather than the zod schema on
 * the hot path — the same rules as shared/position.ts, which a test holds them to, at a fraction of
 * the cost. Unknown extra fields are ignored, as the schema does.
 */
export function decodePosition(bytes: Uint8Array, maxBytes: number): Decoded {
  if (bytes.length === 0) return fail('empty', 'empty message');
  if (bytes.length > maxBytes) return fail('oversize', `${bytes.length} bytes, over the ${maxBytes}-byte limit`);
  // Checked on the bytes, without recursion: a message nested thousands deep must not reach a recursive parser or writer.
  const depth = nestingDepth(bytes, MAX_DEPTH);
  if (depth > MAX_DEPTH) return fail('too_deep', `objects and arrays nest more than ${MAX_DEPTH} levels deep`);
  let m: unknown;
  try {
    m = JSON.parse(utf8.decode(bytes));
  } catch (err) {
    return fail('invalid_json', (err as Error).message);
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m))
    return fail('not_object', `expected a JSON object, got ${Array.isArray(m) ? 'an array' : typeof m}`);
  const p = m as Record<string, unknown>;
  const { id, lat, lon, ts } = p;
  if (typeof id !== 'string' || id.length === 0 || id.length > 256) {
    return fail('invalid_id', id === undefined ? 'id is missing' : `id must be a non-empty string of at most 256 characters, got ${show(id)}`);
  }
  if (typeof lat !== 'number' || !(lat >= -90 && lat <= 90)) return fail('invalid_lat', `lat must be a number in [-90, 90], got ${show(lat)}`);
  if (typeof lon !== 'number' || !(lon >= -180 && lon <= 180)) return fail('invalid_lon', `lon must be a number in [-180, 180], got ${show(lon)}`);
  if (!isFixTime(ts)) return fail('invalid_ts', `ts must be epoch milliseconds from 1970 to 2200 (a whole number 0–7258118400000), got ${show(ts)}`);
  const { h3_index, speed, heading, accuracy, kind, props } = p;
  if (h3_index !== undefined && (typeof h3_index !== 'string' || !H3_HEX.test(h3_index)))
    return fail('invalid_field', `h3_index must be an H3 cell in hex, got ${show(h3_index)}`);
  if (speed !== undefined && !(typeof speed === 'number' && speed >= 0 && speed < Infinity))
    return fail('invalid_field', `speed must be a number ≥ 0, got ${show(speed)}`);
  if (heading !== undefined && !(typeof heading === 'number' && heading >= 0 && heading <= 360))
    return fail('invalid_field', `heading must be a number in [0, 360], got ${show(heading)}`);
  if (accuracy !== undefined && !(typeof accuracy === 'number' && accuracy >= 0 && accuracy < Infinity))
    return fail('invalid_field', `accuracy must be a number ≥ 0, got ${show(accuracy)}`);
  if (kind !== undefined && !(typeof kind === 'string' && kind.length <= 64))
    return fail('invalid_field', `kind must be a string of at most 64 characters, got ${show(kind)}`);
  if (props !== undefined && (typeof props !== 'object' || props === null || Array.isArray(props)))
    return fail('invalid_field', `props must be an object, got ${show(props)}`);
  if (props !== undefined && Buffer.byteLength(JSON.stringify(props)) > MAX_PROPS_BYTES)
    return fail('invalid_field', `props must be at most ${MAX_PROPS_BYTES} bytes as JSON`);
  const position: Position = { id, lat, lon, ts };
  if (h3_index !== undefined) position.h3_index = h3_index as string;
  if (speed !== undefined) position.speed = speed as number;
  if (heading !== undefined) position.heading = heading as number;
  if (accuracy !== undefined) position.accuracy = accuracy as number;
  if (kind !== undefined) position.kind = kind as string;
  if (props !== undefined) position.props = props as Record<string, unknown>;
  return { ok: true, position };
}

/** How deep objects and arrays nest in JSON text (brackets inside strings not counted); stops counting past `limit`. */
export function nestingDepth(bytes: Uint8Array, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c)
        i++; // \ escapes the next byte
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x7b || b === 0x5b) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (b === 0x7d || b === 0x5d) depth--;
  }
  return deepest;
}
