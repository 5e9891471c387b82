import { sha256Hex, type AssetData, type GraphDoc, type Problem } from '@modalflow/core';
import type { AssetSlice, GetState, SetState } from './types.ts';

const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;
const stem = (file: string) => file.replace(/\.[^.]*$/, '');

/** The document asset a picked file is: same file name as its URI, or named after the asset. */
export function assetForFile(doc: GraphDoc, fileName: string): string | undefined {
  const entries = Object.entries(doc.assets ?? {});
  return entries.find(([, ref]) => baseName(ref.uri) === fileName)?.[0] ?? entries.find(([name]) => name === stem(fileName))?.[0];
}

export function lookupFor(assets: ReadonlyMap<string, AssetData>) {
  return (name: string) => assets.get(name);
}

export const NO_ASSETS: ReadonlyMap<string, AssetData> = new Map();

export function createAssetSlice(set: SetState, get: GetState): AssetSlice {
  return {
    assets: NO_ASSETS,
    assetLookup: lookupFor(NO_ASSETS),

    loadAssetFiles(files) {
      const { doc, assets } = get();
      const next = new Map(assets);
      const loaded: string[] = [];
      const problems: Problem[] = [];
      for (const file of files) {
        const name = assetForFile(doc, file.name);
        if (!name) {
          const listed = Object.values(doc.assets ?? {}).map((a) => baseName(a.uri));
          problems.push({ code: 'MF_UNKNOWN_ASSET', message: `"${file.name}" is not one of the graph's assets (${listed.join(', ') || 'it lists none'})`, at: { file: file.name } });
          continue;
        }
        const ref = doc.assets![name]!;
        const sha256 = sha256Hex(file.bytes);
        if (ref.sha256 && ref.sha256 !== sha256) {
          problems.push({ code: 'MF_ASSET_HASH', message: `asset "${name}": ${file.name} has sha256 ${sha256}, but the graph records ${ref.sha256}`, at: { file: file.name, path: `/assets/${name}/sha256` } });
          continue;
        }
        next.set(name, { name, uri: ref.uri, bytes: file.bytes, sha256 });
        loaded.push(name);
      }
      if (loaded.length) set({ assets: next, assetLookup: lookupFor(next) });
      return { loaded, problems };
    },

    bindAssets(entries) {
      const { doc, assets } = get();
      const next = new Map(assets);
      const loaded: string[] = [];
      const problems: Problem[] = [];
      for (const { asset: name, file, bytes, checkHash, sha256: known } of entries) {
        const ref = doc.assets?.[name];
        if (!ref) {
          problems.push({ code: 'MF_UNKNOWN_ASSET', message: `the graph has no asset "${name}"`, at: { file } });
          continue;
        }
        const sha256 = known ?? sha256Hex(bytes);
        if (checkHash && ref.sha256 && ref.sha256 !== sha256) {
          problems.push({ code: 'MF_ASSET_HASH', message: `asset "${name}": ${file} has sha256 ${sha256}, but the graph records ${ref.sha256}`, at: { file, path: `/assets/${name}/sha256` } });
          continue;
        }
        next.set(name, { name, uri: ref.uri, bytes, sha256 });
        loaded.push(name);
      }
      if (loaded.length) set({ assets: next, assetLookup: lookupFor(next) });
      return { loaded, problems };
    },
  };
}
