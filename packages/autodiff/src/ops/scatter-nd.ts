import { defineOp } from '../op.ts';
import { sameAsInput } from './util.ts';

/**
 * y = data with updates written (or, with reduction 'add', added) at index tuples. Emitted by
 * Gather's rule; as a forward op it is not differentiated.
 */
export default defineOp({
  type: 'ScatterND',
  infer: sameAsInput,
});
