/** The contract's own pieces, not a capability: shapes several areas share, and the error every call rejects with. */
import { z } from 'zod';

/** A binary result or payload (heatmap frames, Arrow pages, files). */
export const Binary = z.instanceof(ArrayBuffer);

/** Epoch milliseconds. */
export const Epoch = z.number().int().nonnegative();

export const BoundsSchema = z
  .object({
    west: z.number().finite().min(-540).max(540),
    south: z.number().finite().min(-90).max(90),
    east: z.number().finite().min(-540).max(540),
    north: z.number().finite().min(-90).max(90),
  })
  .refine((b) => b.south <= b.north, { message: 'south must not be above north', path: ['south'] });
export type Bounds = z.infer<typeof BoundsSchema>;

export const HexSchema = z.string().regex(/^[0-9a-f]{15,16}$/i, 'must be an H3 cell in hex');

/** A job's id, chosen by the client that starts it: its progress comes on `jobs.progress` under it, and `jobs.cancel` stops it. */
export const JobIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only, at most 64');

export const RpcErrorCodeSchema = z.enum(['invalid_params', 'unknown_method', 'unauthorized', 'unavailable', 'cancelled', 'internal']);
export type RpcErrorCode = z.infer<typeof RpcErrorCodeSchema>;
export interface RpcErrorBody {
  code: RpcErrorCode;
  message: string;
  /** For invalid_params: each offending field as a dotted path, and what is wrong with it. */
  issues?: { path: string; message: string }[];
}

/** The error every RpcClient rejects with; `issues` names the fields for invalid params. */
export class RpcError extends Error {
  readonly code: RpcErrorCode;
  readonly issues: { path: string; message: string }[];
  constructor(body: RpcErrorBody) {
    super(body.message);
    this.name = 'RpcError';
    this.code = body.code;
    this.issues = body.issues ?? [];
  }
  toBody(): RpcErrorBody {
    return { code: this.code, message: this.message, ...(this.issues.length ? { issues: this.issues } : {}) };
  }
}

/** zod issues → the `path: message` list an RpcError carries. */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}
