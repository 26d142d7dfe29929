export { applyIsolation, revertIsolation } from './apply';
export { finishIsolation, MAIN_TREE } from './finish';
export { editJson } from './json-text';
export type { FinishOptions, FinishResult } from './finish';
export { defaultNamespace, planIsolation, planIsolationOf, planMoveBack, planMoveBackOf, readProjectTexts } from './plan';
export type { DependencyField, FileEdit, IsolationPlan, ManifestEdits, MoveBackPlan, ProjectTexts } from './plan';
