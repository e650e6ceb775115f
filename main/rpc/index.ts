export { dispatch, type Handlers } from './dispatcher';
