import type { Provider } from '@modalflow/engine';

export type StageProviders = Record<string, { provider: Provider; skipped: { provider: Provider; reason?: string }[] }>;

/**
 * Which provider each stage runs on and why faster ones were passed over. Stages usually
 * agree, so they are grouped by provider and each skip reason is said once.
 */
export function formatProviderReport(stages: StageProviders): string[] {
  const byProvider = new Map<string, string[]>();
  const reasons = new Map<string, string>();
  for (const [stage, s] of Object.entries(stages)) {
    byProvider.set(s.provider, [...(byProvider.get(s.provider) ?? []), stage]);
    for (const k of s.skipped) {
      const text = k.reason ?? 'no reason given';
      const key = `${k.provider}\0${text}`;
      if (!reasons.has(key)) reasons.set(key, `  ${k.provider} skipped: ${text}`);
    }
  }
  if (byProvider.size === 0) return [];
  const lines = [...byProvider].map(([provider, ids]) =>
    byProvider.size === 1 && ids.length > 1 ? `running on ${provider} (all ${ids.length} ONNX stages)` : `running on ${provider}: ${ids.join(', ')}`,
  );
  return [...lines, ...reasons.values()];
}
