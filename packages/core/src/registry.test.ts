import { describe, expect, it } from 'vitest';
import { defineNode } from './node.ts';
import { tensor } from './ports.ts';
import { NodeRegistry } from './registry.ts';

const def = (type: string, category: 'layers' | 'fusion' = 'layers') =>
  defineNode({ type, version: 1, category, title: type, inputs: { x: tensor('float32') }, outputs: { y: tensor('float32') }, lower: () => ({ y: '' }) });

describe('NodeRegistry', () => {
  it('refuses a second definition of the same type', () => {
    const reg = new NodeRegistry([def('layer.a')]);
    expect(() => reg.register(def('layer.a'))).toThrow('node type "layer.a" is already registered');
  });

  it('lists types sorted and grouped by category', () => {
    const reg = new NodeRegistry([def('layer.b'), def('fusion.x', 'fusion'), def('layer.a')]);
    expect(reg.list().map((d) => d.type)).toEqual(['fusion.x', 'layer.a', 'layer.b']);
    expect([...reg.byCategory().keys()]).toEqual(['fusion', 'layers']);
  });

  it('checks a definition when it is declared', () => {
    expect(() => def('NoDots')).toThrow(/category.name/);
    expect(() => defineNode({ type: 'layer.c', version: 1, category: 'layers', title: 'c', inputs: {}, outputs: {} })).toThrow(/needs lower\(\), host\(\) or model\(\)/);
    expect(() => defineNode({ type: 'layer.d', version: 1, category: 'layers', title: 'd', inputs: { 'bad-port': tensor('float32') }, outputs: {}, lower: () => ({}) })).toThrow(/identifier/);
  });
});
