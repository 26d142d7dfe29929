import { InputError, MultiverseError } from '../errors';

const UNREACHABLE = new Set(['ENOTFOUND', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ERR_SOCKET_TIMEOUT', 'ENOTCACHED', 'FETCH_ERROR']);

/**
 * Turns what arborist, pacote and npm-registry-fetch throw into an error that names the tree
 * (`label`), the package and the registry, and says what to do. Problems the user can fix in their
 * config or network (unknown package, no matching version, unreachable registry, bad credentials)
 * are {@link InputError}s; anything else keeps its cause for the stack.
 */
export function installError(label: string, registry: string, error: unknown): MultiverseError {
  if (error instanceof MultiverseError) return error;
  const e = (error ?? {}) as { code?: string; message?: string; pkgid?: string; statusCode?: number; errno?: string };
  const code = e.code ?? '';
  const message = e.message?.split('\n')[0] ?? String(error);
  const where = `installing ${label}`;
  if (code === 'E404') {
    return new InputError('EPACKAGENOTFOUND', `${where}: package ${e.pkgid ? `"${e.pkgid}" ` : ''}was not found in the registry ${registry} (HTTP 404). Check its name in the dependencies, or the registry in your .npmrc.`, { cause: error });
  }
  if (code === 'ETARGET') {
    return new InputError('ENOVERSION', `${where}: ${message}. Check the version spec, or run "npm view <package> versions" to see what exists.`, { cause: error });
  }
  if (code === 'E401' || code === 'E403' || code === 'EOTP' || code === 'EAUTHIP') {
    return new InputError('EREGISTRYAUTH', `${where}: the registry refused access (${code}): ${message}. Check the auth token for ${registry} in your .npmrc.`, { cause: error });
  }
  if (UNREACHABLE.has(code) || UNREACHABLE.has(e.errno ?? '')) {
    return new InputError('EREGISTRY', `${where}: cannot reach the registry ${registry} (${code || e.errno}): ${message}. Check your network and the "registry" in .npmrc; packages already in the npm cache install offline with prefer-offline=true.`, { cause: error });
  }
  if (code === 'ERESOLVE') {
    return new InputError('ERESOLVE', `${where}: its own dependencies conflict (ERESOLVE): ${message}. Split the conflicting packages into separate namespaces.`, { cause: error });
  }
  return new MultiverseError('EINSTALL', `${where} failed${code ? ` (${code})` : ''}: ${message}`, { cause: error });
}

/**
 * What an install rejects with when its signal is aborted: named and coded like the platform's
 * AbortError (so `error.name === 'AbortError'` checks work), with what was running and the
 * promise callers rely on: staged work is thrown away and the installed trees stay as they were.
 */
export function cancelledError(label: string, step: string, reason: unknown): MultiverseError {
  const error = new MultiverseError('ABORT_ERR', `Installing ${label} was cancelled while ${step}; nothing installed before was changed.`, { cause: reason });
  error.name = 'AbortError';
  return error;
}

/** Whether `error` is a cancellation made by {@link cancelledError}. */
export function isCancellation(error: unknown): error is MultiverseError {
  return error instanceof MultiverseError && error.code === 'ABORT_ERR';
}
