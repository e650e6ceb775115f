/**
 * Random walkers moving like vehicles: each device keeps a heading and a
 * speed, turns a little at each step, and is steered back when it leaves the area. Pure and seeded,
 * so a test or a benchmark can replay the same fleet.
 */

const EARTH_M_PER_DEG = 111_320;

export interface WalkerArea {
  center: readonly [number, number]; // [lon, lat]
  radiusKm: number;
}

export interface Fleet {
  readonly count: number;
  ids: string[];
  kinds: ('supply' | 'demand')[];
  lat: Float64Array;
  lon: Float64Array;
  heading: Float64Array; // degrees clockwise from north
  speed: Float64Array; // m/s
}

/** mulberry32: small, fast, good enough to scatter walkers. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createFleet(count: number, area: WalkerArea, speedMps: number, fleetName: string, random: () => number): Fleet {
  const fleet: Fleet = {
    count,
    ids: new Array(count),
    kinds: new Array(count),
    lat: new Float64Array(count),
    lon: new Float64Array(count),
    heading: new Float64Array(count),
    speed: new Float64Array(count),
  };
  const [lon0, lat0] = area.center;
  const mPerDegLon = EARTH_M_PER_DEG * Math.cos((lat0 * Math.PI) / 180);
  for (let i = 0; i < count; i++) {
    // Uniform over the disc; √r keeps the density even instead of piling up at the centre.
    const r = Math.sqrt(random()) * area.radiusKm * 1000;
    const a = random() * 2 * Math.PI;
    fleet.ids[i] = `${fleetName}-${i}`;
    fleet.kinds[i] = random() < 0.7 ? 'supply' : 'demand';
    fleet.lat[i] = lat0 + (r * Math.cos(a)) / EARTH_M_PER_DEG;
    fleet.lon[i] = lon0 + (r * Math.sin(a)) / mPerDegLon;
    fleet.heading[i] = random() * 360;
    fleet.speed[i] = speedMps * (0.5 + random());
  }
  return fleet;
}

/** Moves device i by dtS seconds: a small random turn, then straight ahead; back towards the centre outside the area. */
export function stepWalker(fleet: Fleet, i: number, dtS: number, area: WalkerArea, random: () => number): void {
  const [lon0, lat0] = area.center;
  const mPerDegLon = EARTH_M_PER_DEG * Math.cos((fleet.lat[i] * Math.PI) / 180);
  const dxM = (fleet.lon[i] - lon0) * mPerDegLon;
  const dyM = (fleet.lat[i] - lat0) * EARTH_M_PER_DEG;
  let heading = fleet.heading[i] + (random() - 0.5) * 30;
  if (dxM * dxM + dyM * dyM > (area.radiusKm * 1000) ** 2) {
    heading = (Math.atan2(-dxM, -dyM) * 180) / Math.PI + (random() - 0.5) * 60;
  }
  heading = ((heading % 360) + 360) % 360;
  const dist = fleet.speed[i] * dtS;
  const rad = (heading * Math.PI) / 180;
  fleet.heading[i] = heading;
  fleet.lat[i] = Math.max(-89.9, Math.min(89.9, fleet.lat[i] + (dist * Math.cos(rad)) / EARTH_M_PER_DEG));
  let lon = fleet.lon[i] + (dist * Math.sin(rad)) / mPerDegLon;
  if (lon > 180) lon -= 360;
  else if (lon < -180) lon += 360;
  fleet.lon[i] = lon;
}
