import { useEffect } from 'react';
import type { Trainer } from './trainer.ts';

/**
 * Once the Train panel is shown and the page is idle, starts the training worker and compiles
 * onnxruntime's wasm, so pressing Train does not pay for them. `?trainWarmUp=off` in the page's
 * address leaves them to Train, as before, so the frames right after Train can be compared.
 */
export function useWarmTrainer(trainer: Trainer | null): void {
  useEffect(() => {
    if (!trainer || new URLSearchParams(location.search).get('trainWarmUp') === 'off') return;
    if (typeof requestIdleCallback !== 'function') {
      const t = setTimeout(() => trainer.warm(), 500);
      return () => clearTimeout(t);
    }
    const id = requestIdleCallback(() => trainer.warm(), { timeout: 2000 });
    return () => cancelIdleCallback(id);
  }, [trainer]);
}
