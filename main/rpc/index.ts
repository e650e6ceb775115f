export { dispatch, type Handlers } from './dispatcher';
export { optionalRoom, roomOff, type OptionalRoom } from './optional-room';
