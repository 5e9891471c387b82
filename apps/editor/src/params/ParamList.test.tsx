// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnyNodeDef } from '@modalflow/core';
import { fxAllParams, fxLinear } from '../test/fixtures.ts';
import { blur, click, key, render, type } from '../test/dom.ts';
import { ParamList } from './ParamList.tsx';

let cleanup: (() => void) | null = null;
afterEach(() => cleanup?.());

function mount(def: AnyNodeDef = fxAllParams, params: Record<string, unknown> = {}) {
  const onChange = vi.fn();
  const r = render(<ParamList def={def} params={params} onChange={onChange} testIdPrefix="p" />);
  cleanup = r.unmount;
  const get = <T extends HTMLElement>(name: string) => r.container.querySelector<T>(`[data-testid="p-${name}"]`)!;
  return { ...r, onChange, get };
}

describe('ParamList builds widgets from param specs', () => {
  it('gives each kind its widget, in declaration order', () => {
    const { container, get } = mount();
    const names = [...container.querySelectorAll('[data-param]')].map((e) => e.getAttribute('data-param'));
    expect(names).toEqual(['count', 'rate', 'on', 'mode', 'name', 'notes', 'labels', 'sizes']);
    const count = get<HTMLInputElement>('count');
    expect([count.tagName, count.type, count.min, count.max, count.step, count.value]).toEqual(['INPUT', 'number', '1', '8', '1', '3']);
    expect(get<HTMLInputElement>('rate').step).toBe('any');
    expect(get<HTMLInputElement>('on').type).toBe('checkbox');
    expect(get<HTMLInputElement>('on').checked).toBe(true);
    const mode = get<HTMLSelectElement>('mode');
    expect([...mode.options].map((o) => o.value)).toEqual(['a', 'b', 'c']);
    expect(mode.value).toBe('b');
    expect(get<HTMLInputElement>('name').type).toBe('text');
    expect(get('notes').tagName).toBe('TEXTAREA');
    expect(get<HTMLTextAreaElement>('labels').value).toBe('cat\ndog');
    expect(get<HTMLInputElement>('sizes').value).toBe('1, 2');
    expect(container.querySelector('[data-param="count"] .mf-field__range')?.textContent).toBe('1 … 8');
  });

  it('shows the values it is given rather than the defaults', () => {
    const { get } = mount(fxAllParams, { count: 7, mode: 'c', on: false, labels: ['x'] });
    expect(get<HTMLInputElement>('count').value).toBe('7');
    expect(get<HTMLSelectElement>('mode').value).toBe('c');
    expect(get<HTMLInputElement>('on').checked).toBe(false);
    expect(get<HTMLTextAreaElement>('labels').value).toBe('x');
  });

  it('commits typed values on Enter or blur, parsed to the param type', () => {
    const { get, onChange } = mount();
    type(get('count'), '6');
    key(get('count'), 'Enter');
    expect(onChange).toHaveBeenLastCalledWith('count', 6);
    type(get('sizes'), '4, 5, 6');
    blur(get('sizes'));
    expect(onChange).toHaveBeenLastCalledWith('sizes', [4, 5, 6]);
    type(get('labels'), 'a\nb\nc');
    blur(get('labels'));
    expect(onChange).toHaveBeenLastCalledWith('labels', ['a', 'b', 'c']);
    click(get('on'));
    expect(onChange).toHaveBeenLastCalledWith('on', false);
    type(get('mode'), 'a');
    expect(onChange).toHaveBeenLastCalledWith('mode', 'a');
  });

  it('refuses values outside the spec and says why', () => {
    const { get, onChange, container } = mount();
    type(get('count'), '12');
    key(get('count'), 'Enter');
    expect(onChange).not.toHaveBeenCalled();
    expect(get('count').getAttribute('aria-invalid')).toBe('true');
    expect(container.querySelector('[role="alert"]')?.textContent).toContain('outside the range [1, 8]');
    key(get('count'), 'Escape');
    expect(get<HTMLInputElement>('count').value).toBe('3');
    expect(container.querySelector('[role="alert"]')).toBeNull();
  });

  it('renders nothing for a node type without params', () => {
    const { container } = mount({ ...fxLinear, params: {} });
    expect(container.innerHTML).toBe('');
  });
});
