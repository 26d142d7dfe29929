// Types of scripts/demo-app.mjs for the TypeScript that imports it (test/e2e).
export declare const repoRoot: string;
export declare function copyDemo(app: string): void;
export declare function runInApp(app: string, command: string, args: string[]): { status: number; output: string };
export declare function prepareConflictedDemo(app: string): { output: string };
