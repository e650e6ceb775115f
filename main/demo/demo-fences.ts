import type { FenceInput } from '../../shared/fence';
import type { Config } from '../config';

const M_PER_DEG = 111_320;

/**
 * Three fences over the simulated city, placed by its centre and radius (so they fall on the walkers
 * wherever the simulator runs), one of each kind of shape, detecting enter and exit: a circle on the
 * centre, a polygon to the north, a rectangle to the south-east. Named as demo, deletable like any fence.
 */
export function demoFences(area: Pick<Config['simulator'], 'center' | 'radiusKm'>): FenceInput[] {
  const [lon0, lat0] = area.center;
  const r = area.radiusKm * 1000;
  const mPerDegLon = M_PER_DEG * Math.cos((lat0 * Math.PI) / 180);
  /** The point `east`, `north` metres from the centre, as [lon, lat]. */
  const at = (east: number, north: number): [number, number] => [round(lon0 + east / mPerDegLon), round(lat0 + north / M_PER_DEG)];
  const north = [at(-0.12 * r, 0.38 * r), at(0.1 * r, 0.42 * r), at(0.16 * r, 0.58 * r), at(-0.02 * r, 0.66 * r), at(-0.18 * r, 0.54 * r)];
  const [west, south] = at(0.3 * r, -0.5 * r);
  const [east, northEdge] = at(0.58 * r, -0.36 * r);
  const detect: FenceInput['detect'] = ['enter', 'exit'];
  return [
    { id: 'demo-centre', name: 'Demo: Centre', geometry: { type: 'Circle', center: at(0, 0), radius_m: Math.round(0.13 * r) }, detect },
    { id: 'demo-north', name: 'Demo: North', geometry: { type: 'Polygon', coordinates: [[...north, north[0]!]] }, detect },
    { id: 'demo-south-east', name: 'Demo: South-east', geometry: { type: 'Rectangle', bbox: [west, south, east, northEdge] }, detect },
  ];
}

/** Six decimals: about 0.1 m, and a fence file that reads cleanly. */
function round(deg: number): number {
  return Math.round(deg * 1e6) / 1e6;
}
