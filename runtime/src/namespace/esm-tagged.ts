import { type EsmBridge, esmBridge, type EsmMember } from './esm-bridge';

/**
 * The `hooks` ESM strategy of one namespace: its module URLs carry its tag and the process-wide
 * hooks (registered on first use) keep everything they import inside it. See runtime/README.md.
 */
export class TaggedEsm {
  private joined: Promise<EsmBridge> | null = null;

  constructor(private readonly member: EsmMember) {}

  async import(url: string, options?: ImportCallOptions): Promise<unknown> {
    const bridge = await this.join();
    const namespace: unknown = await import(url, options);
    // Brings the hooks' reports of this import's loads before modules() can be asked.
    await bridge.sync();
    return namespace;
  }

  release(): void {
    if (this.joined !== null) void this.joined.then((bridge) => bridge.leave(this.member.info.id));
  }

  private join(): Promise<EsmBridge> {
    this.joined ??= (async () => {
      const bridge = esmBridge();
      await bridge.join(this.member);
      return bridge;
    })();
    return this.joined;
  }
}
