import pgvector from 'pgvector';

/** pgvector's text form ('[0.1,0.2]'), cast with ::vector in SQL: the same for the pg and PGlite adapters. */
export function toVectorLiteral(values: readonly number[]): string {
  return pgvector.toSql([...values]) as string;
}

const single = new Float32Array(1);
const singleBits = new Uint32Array(single.buffer);

/**
 * A value as the hexadecimal form of the single-precision float pgvector stores ('0x1.9a6a8ap-4'): read exactly by
 * strtof, without the decimal conversion. A value that is not a finite single-precision float is written as a
 * number, so the database refuses it as it refuses it in the decimal form.
 */
function hexadecimalSingle(value: number): string {
  single[0] = value;
  const bits = singleBits[0]!;
  const exponent = (bits >>> 23) & 0xff;
  if (exponent === 0xff) return String(value);
  const sign = bits >>> 31 ? '-' : '';
  const fraction = ((bits & 0x7fffff) << 1).toString(16).padStart(6, '0');
  // Exponent 0 is a subnormal number: no leading one, and the exponent of the smallest normal number.
  return exponent === 0 ? `${sign}0x0.${fraction}p-126` : `${sign}0x1.${fraction}p${exponent - 127}`;
}

/**
 * A vector to write, cast in SQL with `::sparsevec::vector`: pgvector's sparse text form (1-based index:value of each
 * value that is not zero, then the dimension count) with the values in hexadecimal ('{47:0x1.9a6a8ap-4}/1024').
 *
 * Why not the dense decimal form: the WASM Postgres of embedded PGlite parses a decimal float in about 2 µs, so the
 * 1,024 values of an offline vector cost more to read than the row costs to insert, and a chunk's vector was three
 * quarters of the bytes sent per chunk. The offline embedder's vectors are about 90 % zeros, which the sparse form
 * leaves out, and a hexadecimal float is read exactly: each value is stored as the nearest single-precision float (as
 * Float32Array rounds it), which for an embedder's values is the float the dense decimal form stores too
 * (test/db/vector-literal.test.ts). Measured on 1,000 offline vectors: 0.13 ms per vector instead of 0.31 ms,
 * building the text included. Dense vectors (an OpenAI-compatible embedder) are read faster this way too, in
 * hexadecimal instead of decimal. pgvector >= 0.7 (the version the service requires) has the sparse type and its cast.
 */
export function toSparseVectorLiteral(values: readonly number[]): string {
  const entries: string[] = [];
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index]!;
    // A value too small for single precision is stored as zero by the dense form too.
    if (Math.fround(value) !== 0) entries.push(`${index + 1}:${hexadecimalSingle(value)}`);
  }
  return `{${entries.join(',')}}/${values.length}`;
}
