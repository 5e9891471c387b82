import { describe, expect, it } from 'vitest';
import { matchShortcut } from './keymap.ts';

const press = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) =>
  matchShortcut({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

describe('keymap', () => {
  it('maps the documented shortcuts', () => {
    expect(press('z', { ctrlKey: true })).toBe('undo');
    expect(press('z', { metaKey: true })).toBe('undo');
    expect(press('Z', { ctrlKey: true, shiftKey: true })).toBe('redo');
    expect(press('y', { ctrlKey: true })).toBe('redo');
    expect(press('a', { ctrlKey: true })).toBe('selectAll');
    expect(press('Delete')).toBe('delete');
    expect(press('Backspace')).toBe('delete');
    expect(press('l')).toBe('layout');
    expect(press('F', { shiftKey: true })).toBe('fit');
    expect(press('?', { shiftKey: true })).toBe('help');
    expect(press('s', { ctrlKey: true })).toBe('save');
    expect(press('Enter', { ctrlKey: true })).toBe('run');
    expect(press('Enter', { metaKey: true })).toBe('run');
    expect(press('g', { ctrlKey: true })).toBe('makeBlock');
    expect(press('Enter')).toBeNull();
    expect(press('c', { ctrlKey: true })).toBeNull();
    expect(press('l', { altKey: true })).toBeNull();
  });
});
