// npm's own platform check (the one arborist runs on every package), which ships without types.
declare module 'npm-install-checks' {
  /** Throws an EBADPLATFORM error when `os`, `cpu` or `libc` exclude this machine. */
  export function checkPlatform(target: { os?: string | string[]; cpu?: string | string[]; libc?: string | string[] }, force?: boolean): void;
}
