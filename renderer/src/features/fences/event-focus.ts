import type maplibregl from 'maplibre-gl';
import type { FenceEvent } from '../../../../shared/fence-event';
import { setUi } from '../../app/ui-store';

/** Goes to where an event happened: the map eases to it, its device is followed and its fence selected (outlined, marked in the list). */
export function focusEvent(map: maplibregl.Map | undefined, event: Pick<FenceEvent, 'position' | 'device_id' | 'fence_id'>): void {
  map?.easeTo({ center: [event.position.lon, event.position.lat], zoom: Math.max(map.getZoom(), 14), duration: 600 });
  setUi({ selection: { kind: 'device', id: event.device_id, fence: event.fence_id } });
}
