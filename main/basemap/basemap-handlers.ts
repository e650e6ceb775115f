import type { Handlers } from '../rpc';
import { Gazetteer } from './gazetteer';

/** `basemap.places`: the gazetteer is read on the first call, so an engine without a map never pays for it. */
export function basemapHandlers<C>(): Pick<Handlers<C>, 'basemap.places'> {
  let gazetteer: Gazetteer | undefined;
  return {
    'basemap.places': ({ bounds, limit }) => (gazetteer ??= Gazetteer.bundled()).within(bounds, limit),
  };
}
