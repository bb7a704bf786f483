import { unzipSync } from "fflate";

/** One array of a `.npz` file, as numbers in C order. */
export interface NpyArray {
  shape: number[];
  data: Float64Array;
}

/** Profiles hold a few 100 × 100 grids: far past that, a file is not a profile. */
export const MAX_NPZ_ENTRY_BYTES = 64 * 2 ** 20;

const NPY_MAGIC = "\x93NUMPY";

type Reader = (view: DataView, offset: number, littleEndian: boolean) => number;

/** The number types numpy writes for profiles, by `descr` without its byte order. */
const READERS: Record<string, { bytes: number; read: Reader }> = {
  f8: { bytes: 8, read: (view, offset, little) => view.getFloat64(offset, little) },
  f4: { bytes: 4, read: (view, offset, little) => view.getFloat32(offset, little) },
  i8: { bytes: 8, read: (view, offset, little) => Number(view.getBigInt64(offset, little)) },
  i4: { bytes: 4, read: (view, offset, little) => view.getInt32(offset, little) },
  u8: { bytes: 8, read: (view, offset, little) => Number(view.getBigUint64(offset, little)) },
  u4: { bytes: 4, read: (view, offset, little) => view.getUint32(offset, little) },
  u1: { bytes: 1, read: (view, offset) => view.getUint8(offset) },
};

/**
 * Reads one `.npy` array: the magic, a version, a header length, a Python dict literal giving
 * `descr`, `fortran_order` and `shape`, then the data. The format is numpy's own
 * (numpy/lib/format.py); only the forms that hold plain numbers are accepted.
 */
export function parseNpy(bytes: Uint8Array, name: string): NpyArray {
  const fail = (why: string): never => {
    throw new Error(`${name}: ${why}`);
  };
  if (bytes.length < 10 || String.fromCharCode(...bytes.subarray(0, 6)) !== NPY_MAGIC) fail("not a .npy array");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  if (major < 1 || major > 3) fail(`.npy version ${major} is not one numpy writes`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) fail("its header runs past the end of the array");
  const header = new TextDecoder().decode(bytes.subarray(headerStart, dataStart));
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail("its header has no descr, fortran_order or shape");
  const order = descr!.charAt(0);
  const reader = ["<", ">", "|", "="].includes(order) ? READERS[descr!.slice(1)] : undefined;
  if (!reader) fail(`holds ${descr} values, which this reader does not take: save the arrays as float64, numpy's default`);
  const littleEndian = order !== ">";
  const shape = shapeText!
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => (/^\d+$/.test(part) ? Number(part) : fail(`its shape (${shapeText}) is not a list of sizes`)));
  const count = shape.reduce((product, size) => product * size, 1);
  if (dataStart + count * reader!.bytes > bytes.length) fail(`it is cut short: the shape (${shape.join(", ")}) needs more data`);
  if (fortran === "True" && shape.length > 2) fail("is in Fortran order with more than two dimensions");
  // A 2-D array in Fortran order (a transposed one, as numpy saves it) is stored column by column.
  const [rows, columns] = shape.length === 2 ? shape : [count, 1];
  const stored = (i: number) => (fortran === "True" ? (i % columns) * rows + Math.floor(i / columns) : i);
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = reader!.read(view, dataStart + stored(i) * reader!.bytes, littleEndian);
  return { shape, data };
}

/** The arrays of a `.npz` file (a zip of `.npy` files, as `numpy.savez` writes), by name without `.npy`. */
export function parseNpz(bytes: Uint8Array): Map<string, NpyArray> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (file) => {
        if (file.originalSize > MAX_NPZ_ENTRY_BYTES) {
          throw new Error(`${file.name} is ${file.originalSize.toLocaleString("en-US")} bytes unpacked, more than a profile holds`);
        }
        return file.name.endsWith(".npy");
      },
    });
  } catch (error) {
    throw new Error(`not a .npz file (a zip of .npy arrays): ${(error as Error).message}`);
  }
  const arrays = new Map<string, NpyArray>();
  for (const [file, content] of Object.entries(entries)) {
    const name = file.slice(0, -".npy".length);
    arrays.set(name, parseNpy(content, name));
  }
  return arrays;
}
