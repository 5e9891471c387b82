import type { AnyNodeDef, HostContext, NodeRegistry, Tensor } from '@modalflow/core';
import type { FeedStep } from './host-feeds.ts';

export type HostStep = (
  inputs: Record<string, Tensor>,
  ctx: HostContext<any>,
) => Record<string, Tensor> | Promise<Record<string, Tensor>>;

/** Non-ONNX steps (tokenizing, label mapping) by node type. */
export class HostSteps {
  private readonly steps = new Map<string, HostStep>();
  private readonly feeds = new Map<string, FeedStep>();

  /** Registers a node type's `hostFeeds`, for engines given host steps but no registry (a browser page). */
  registerFeeds(type: string, feed: FeedStep): this {
    this.feeds.set(type, feed);
    return this;
  }

  feed(type: string): FeedStep | undefined {
    return this.feeds.get(type);
  }

  register(type: string, step: HostStep): this {
    if (this.steps.has(type)) throw new Error(`host step "${type}" is already registered`);
    this.steps.set(type, step);
    return this;
  }

  get(type: string): HostStep | undefined {
    return this.steps.get(type);
  }

  static fromRegistry(registry: NodeRegistry): HostSteps {
    const steps = new HostSteps();
    for (const def of registry.list() as AnyNodeDef[]) if (def.host) steps.register(def.type, def.host);
    for (const def of registry.list() as AnyNodeDef[]) if (def.hostFeeds) steps.registerFeeds(def.type, { version: def.version, compute: def.hostFeeds });
    return steps;
  }
}
