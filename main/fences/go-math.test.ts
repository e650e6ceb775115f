import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { goAsin, goAtan, goAtan2, goCos, goSin } from './go-math';

// Vectors Go's own math package computed (fixtures/go-math/vectors.txt): bit for bit, ours must match.
const lines = readFileSync(new URL('../../fixtures/go-math/vectors.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'));
const view = new DataView(new ArrayBuffer(8));
const float = (hex: string) => (view.setBigUint64(0, BigInt(`0x${hex}`)), view.getFloat64(0));
const hex = (v: number) => (view.setFloat64(0, v), view.getBigUint64(0).toString(16));

describe("Go's math, bit for bit", () => {
  it('sin, cos, asin, atan2 and atan agree with Go on every vector', () => {
    expect(lines.length).toBeGreaterThanOrEqual(256);
    const wrong: string[] = [];
    for (const line of lines) {
      const [x, y, a, sin, cos, asin, atan2, atan] = line.split(' ');
      const [X, Y, A] = [float(x), float(y), float(a)];
      const ours = [hex(goSin(X)), hex(goCos(X)), hex(goAsin(A)), hex(goAtan2(Y, X)), hex(goAtan(X))];
      if (ours.join() !== [sin, cos, asin, atan2, atan].join()) wrong.push(`${line} → ${ours.join(' ')}`);
    }
    expect(wrong).toEqual([]);
  });

  it('differs from V8 on many of them: the port is what makes circles exact', () => {
    const differs = lines.filter((line) => {
      const [x, , , sin] = line.split(' ');
      return hex(Math.sin(float(x))) !== sin;
    });
    expect(differs.length).toBeGreaterThan(10);
  });

  it('keeps the special cases', () => {
    expect([goSin(0), goSin(-0), goCos(0), goAsin(1), goAsin(-1), goAtan2(0, -1), goAtan2(-0, -1), goAtan2(1, 0)]).toEqual([
      0,
      -0,
      1,
      Math.PI / 2,
      -Math.PI / 2,
      Math.PI,
      -Math.PI,
      Math.PI / 2,
    ]);
    expect([goSin(Infinity), goCos(NaN), goAsin(1.5), goAtan2(NaN, 1)].every(Number.isNaN)).toBe(true);
  });
});
