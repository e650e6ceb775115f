/**
 * Framing of the web bridge's one WebSocket. Text messages are JSON; binary messages carry a JSON
 * header and a binary body: [u32 header length][header JSON][zero padding to 8][body].
 *
 * client → engine   {"id": 7, "method": "heatmap.viewport", "params": {...}}
 * engine → client   {"id": 7, "result": ...} | {"id": 7, "error": {code, message, issues?}}
 *                   {"channel": "status.changed", "payload": {...}}
 * binary            header {"id": 7} (a binary result) or {"channel": "heatmap.frame"}
 */
export interface WireHeader {
  id?: number;
  channel?: string;
}

export function encodeBinary(header: WireHeader, body: ArrayBuffer): ArrayBuffer {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const offset = Math.ceil((4 + json.length) / 8) * 8;
  const out = new Uint8Array(offset + body.byteLength);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  out.set(new Uint8Array(body), offset);
  return out.buffer;
}

export function decodeBinary(data: ArrayBuffer): { header: WireHeader; body: ArrayBuffer } {
  const len = new DataView(data).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(data, 4, len))) as WireHeader;
  const offset = Math.ceil((4 + len) / 8) * 8;
  return { header, body: data.slice(offset) };
}
