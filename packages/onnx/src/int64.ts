import type { Int64 } from './onnx.proto.ts';

/** Exact value of a protobuf int64, whichever form protobufjs produced. */
export function int64ToBigInt(v: Int64 | undefined | null): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  const bits = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return v.unsigned ? bits : BigInt.asIntN(64, bits);
}

/** The value as a number when it is exactly representable, else undefined. */
export function int64ToSafeNumber(v: Int64 | undefined | null): number | undefined {
  const b = int64ToBigInt(v);
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : undefined;
}

/** Exposes a safe integer as-is and a bigint as a number when safe, so attributes read naturally. */
export function int64ToJs(v: Int64 | undefined | null): number | bigint {
  const n = int64ToSafeNumber(v);
  return n !== undefined ? n : int64ToBigInt(v);
}

/**
 * The writer form of an int64. Plain low/high words work with and without the `long` package,
 * which protobufjs only uses when it can load it.
 */
export function toInt64(v: number | bigint): Int64 {
  if (typeof v === 'number') return v;
  const x = BigInt.asIntN(64, v);
  return { low: Number(BigInt.asIntN(32, x)), high: Number(BigInt.asIntN(32, x >> 32n)), unsigned: false };
}
