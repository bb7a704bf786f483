import { unzipSync } from "fflate";

/** One array of a `.npz` file, as numbers in C order. */
export interface NpyArray {
  shape: number[];
  data: Float64Array;
}

/** Profiles hold a few 100 × 100 grids: far past that, a file is not a profile. */
export const MAX_NPZ_ENTRY_BYTES = 64 * 2 ** 20;

const NPY_MAGIC = "\x93NUMPY";

/** The little-endian and byte-order-free number types numpy writes for profiles, by `descr`. */
const READERS: Record<string, { bytes: number; read: (view: DataView, offset: number) => number }> = {
  "<f8": { bytes: 8, read: (view, offset) => view.getFloat64(offset, true) },
  "<f4": { bytes: 4, read: (view, offset) => view.getFloat32(offset, true) },
  "<i8": { bytes: 8, read: (view, offset) => Number(view.getBigInt64(offset, true)) },
  "<i4": { bytes: 4, read: (view, offset) => view.getInt32(offset, true) },
  "<u8": { bytes: 8, read: (view, offset) => Number(view.getBigUint64(offset, true)) },
  "<u4": { bytes: 4, read: (view, offset) => view.getUint32(offset, true) },
  "|u1": { bytes: 1, read: (view, offset) => view.getUint8(offset) },
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
  const reader = READERS[descr!] ?? fail(`holds ${descr} values; a profile holds numbers (${Object.keys(READERS).join(", ")})`);
  if (fortran === "True") fail("is in Fortran order; write it with numpy's default (C) order");
  const shape = shapeText!
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => (/^\d+$/.test(part) ? Number(part) : fail(`its shape (${shapeText}) is not a list of sizes`)));
  const count = shape.reduce((product, size) => product * size, 1);
  if (dataStart + count * reader.bytes > bytes.length) fail(`it is cut short: the shape (${shape.join(", ")}) needs more data`);
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = reader.read(view, dataStart + i * reader.bytes);
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
