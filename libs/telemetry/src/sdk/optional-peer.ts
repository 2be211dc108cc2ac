/**
 * Thrown when an option needs a package that is an optional peer dependency of
 * nest-telemetry (an OTLP exporter, pino-pretty) and it is not installed.
 * @publicApi
 */
export class MissingPeerDependencyError extends Error {
  constructor(
    readonly packageName: string,
    purpose: string,
  ) {
    super(`nest-telemetry: ${purpose} needs the package "${packageName}", which is not installed; run: npm install ${packageName}`);
    this.name = 'MissingPeerDependencyError';
  }
}

/**
 * Loads an optional peer dependency when an option asks for it, so apps that never
 * export over gRPC (say) need not install or load it.
 * @throws MissingPeerDependencyError naming the package and what needed it
 * @internal
 */
export function requireOptionalPeer<T>(packageName: string, purpose: string, load: (id: string) => unknown = require): T {
  try {
    return load(packageName) as T;
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(packageName);
    if (missing) throw new MissingPeerDependencyError(packageName, purpose);
    throw error;
  }
}

/** Whether an optional peer dependency is installed, without loading it. @internal */
export function isPeerInstalled(packageName: string, resolve: (id: string) => string = require.resolve): boolean {
  try {
    resolve(packageName);
    return true;
  } catch {
    return false;
  }
}
