export { applyIsolation, revertIsolation } from './apply';
export { defaultNamespace, planIsolation } from './plan';
export type { FileEdit, IsolationPlan } from './plan';
