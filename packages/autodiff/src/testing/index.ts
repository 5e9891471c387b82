export { gradCheck, checkOp, lcg, randomTensor } from './gradcheck.ts';
export type { GradCheckResult, GradCheckOptions, OpCase } from './gradcheck.ts';
export { toDouble } from './to-double.ts';
