/** The notebook views and their columns (main/notebooks/views.ts), for completion; `geom` and `centre` are there when spatial is loaded. */
export const VIEW_COLUMNS: Record<string, string[]> = {
  positions: ['device_id', 'ts', 'lat', 'lon', 'h3', 'speed', 'heading', 'accuracy', 'kind', 'props', 'seq', 'geom'],
  fence_events: ['id', 'event_type', 'fence_id', 'device_id', 'ts', 'lat', 'lon', 'group', 'source', 'geom'],
  quarantine: ['seq', 'stream', 'subject', 'reason', 'detail', 'received', 'bytes', 'raw'],
  fences: ['id', 'name', 'geometry', 'radius_m', 'detect', 'dwell_s', 'targets', 'enabled', 'version', 'updated_at', 'geom', 'centre'],
  market: ['ts', 'cell', 'resolution', 'kind', 'supply', 'demand', 'surge', 'ratio'],
};
