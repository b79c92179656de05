// The encoder's product for inputs of a few rows (a question's tokens), where OpenBLAS spends more time
// copying the weights into its packed layout than multiplying (BENCHMARKS.md, section 8).

#ifndef ASKDOCS_FEW_ROWS_H
#define ASKDOCS_FEW_ROWS_H

/// y[rows × outputs] += x[rows × inputs] · wᵀ, w being [outputs × inputs] as PyTorch stores a linear
/// layer (or some of its rows), all row-major; y's rows are `y_stride` floats apart. Returns 1 when done,
/// 0 when this CPU lacks AVX2 and FMA or `inputs` is not a multiple of 8 (the caller then uses BLAS).
int askdocs_few_rows_product(const float *x, int rows, int inputs, const float *w, int outputs, float *y,
                             int y_stride);

#endif
