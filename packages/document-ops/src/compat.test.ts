import { describe, expect, it } from 'vitest';
import { tensor } from '@modalflow/core';
import { fixtureRegistry } from './fixtures.ts';
import { inputAccepts, typesAccepting, typesFeeding } from './compat.ts';

const registry = fixtureRegistry();
const types = (ms: { def: { type: string }; port: string }[]) => ms.map((m) => `${m.def.type}.${m.port}`);

describe('port compatibility for the add-node search', () => {
  it('needs a shared dtype and a shape that unifies with the template', () => {
    const vec3 = tensor('float32', ['B', 3]);
    expect(inputAccepts(vec3, { dtypes: ['float32'], shape: ['B', 3] })).toBe(true);
    expect(inputAccepts(vec3, { dtypes: ['float32'], shape: ['B', 8] })).toBe(false);
    expect(inputAccepts(vec3, { dtypes: ['int64'], shape: ['B', 3] })).toBe(false);
    expect(inputAccepts(vec3, { dtypes: ['float32'], shape: ['B', 'T', 3] })).toBe(false);
    expect(inputAccepts(vec3, { dtypes: ['float32'], shape: null })).toBe(true);
    // A name bound to a param is free here: the user can still set the param.
    expect(inputAccepts(tensor('float32', ['B', 'dim']), { dtypes: ['float32'], shape: ['B', 768] })).toBe(true);
  });

  it('offers only node types that can take the wire, with the port they would use', () => {
    expect(types(typesAccepting(registry, { dtypes: ['float32'], shape: ['B', 8] }))).toEqual(['layer.fx_linear.x', 'output.fx.value']);
    expect(types(typesAccepting(registry, { dtypes: ['float32'], shape: ['B', 3] }))).toContain('layer.fx_vec3.x');
    expect(types(typesAccepting(registry, { dtypes: ['float32'], shape: ['B', 10, 4] }))).toEqual(['encoder.fx_seq.x', 'output.fx.value']);
    expect(types(typesAccepting(registry, { dtypes: ['int64'], shape: ['B', 4] }))).toEqual(['output.fx.value']);
  });

  it('offers sources for a wire pulled out of an input port', () => {
    const feeding = types(typesFeeding(registry, tensor('float32', ['B', 'T', 'D'])));
    expect(feeding).toContain('encoder.fx_seq.y');
    expect(feeding).toContain('input.fx.value');
    expect(feeding).not.toContain('layer.fx_linear.y');
  });
});
