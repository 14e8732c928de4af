/**
 * The top `r` eigenvectors of the (uncentred) second-moment matrix of `vectors`, by orthogonal
 * iteration from a fixed start (deterministic). Returned row-major, r x dim, orthonormal rows.
 * Uncentred on purpose: the basis is used to approximate dot products q·x ≈ (Uq)·(Ux), and
 * E[xxᵀ] is what the error of that approximation depends on.
 */
export function topEigenvectors(vectors: readonly ArrayLike<number>[], dim: number, r: number, iterations = 40): Float32Array {
  const c = new Float64Array(dim * dim);
  for (const v of vectors) {
    for (let i = 0; i < dim; i++) {
      const vi = v[i] as number;
      if (vi === 0) continue;
      for (let j = 0; j < dim; j++) c[i * dim + j] = (c[i * dim + j] as number) + vi * (v[j] as number);
    }
  }
  // Start from a fixed, full-rank basis: rows of a deterministic pseudo-random matrix.
  let q = new Float64Array(r * dim).map((_, i) => Math.sin(i * 12.9898 + 78.233) * 43758.5453 % 1);
  orthonormaliseRows(q, r, dim);
  for (let it = 0; it < iterations; it++) {
    const z = new Float64Array(r * dim);
    for (let k = 0; k < r; k++) {
      for (let i = 0; i < dim; i++) {
        let s = 0;
        for (let j = 0; j < dim; j++) s += (c[i * dim + j] as number) * (q[k * dim + j] as number);
        z[k * dim + i] = s;
      }
    }
    orthonormaliseRows(z, r, dim);
    q = z;
  }
  return Float32Array.from(q);
}

/** Modified Gram-Schmidt on the rows of an r x dim matrix, in place. */
function orthonormaliseRows(m: Float64Array, r: number, dim: number): void {
  for (let k = 0; k < r; k++) {
    for (let p = 0; p < k; p++) {
      let d = 0;
      for (let j = 0; j < dim; j++) d += (m[k * dim + j] as number) * (m[p * dim + j] as number);
      for (let j = 0; j < dim; j++) m[k * dim + j] = (m[k * dim + j] as number) - d * (m[p * dim + j] as number);
    }
    let n = 0;
    for (let j = 0; j < dim; j++) n += (m[k * dim + j] as number) ** 2;
    n = Math.sqrt(n) || 1;
    for (let j = 0; j < dim; j++) m[k * dim + j] = (m[k * dim + j] as number) / n;
  }
}

/** `basis` (r x dim, row-major) times `v`: the r coordinates of v in the basis. */
export function project(basis: Float32Array, r: number, v: ArrayLike<number>, out: Float32Array = new Float32Array(r)): Float32Array {
  const dim = basis.length / r;
  for (let k = 0; k < r; k++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (basis[k * dim + j] as number) * (v[j] as number);
    out[k] = s;
  }
  return out;
}
