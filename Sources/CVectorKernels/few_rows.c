// Weights read where they lie, once per call: each group of four weight rows stays in the L1 cache while
// every pair of input rows is multiplied by it, with AVX2 fused multiply-adds. Compiled for AVX2 only in
// this function (a target attribute), chosen at run time, so the binary still runs on older x86-64.

#include "few_rows.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2,fma")))
static inline float sum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_hadd_ps(s, s);
    s = _mm_hadd_ps(s, s);
    return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma")))
static void product_avx2(const float *x, int rows, int inputs, const float *w, int outputs, float *y, int ys) {
    for (int o = 0; o < outputs; o += 4) {
        // A last group of fewer than four repeats its last weight row and keeps only its own outputs.
        const float *w0 = w + (long)o * inputs;
        const float *w1 = w + (long)(o + 1 < outputs ? o + 1 : outputs - 1) * inputs;
        const float *w2 = w + (long)(o + 2 < outputs ? o + 2 : outputs - 1) * inputs;
        const float *w3 = w + (long)(o + 3 < outputs ? o + 3 : outputs - 1) * inputs;
        int group = outputs - o < 4 ? outputs - o : 4;
        for (int r = 0; r < rows; r += 2) {
            int r1 = r + 1 < rows ? r + 1 : r;
            const float *xa = x + (long)r * inputs, *xb = x + (long)r1 * inputs;
            __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
            __m256 b0 = _mm256_setzero_ps(), b1 = _mm256_setzero_ps(), b2 = _mm256_setzero_ps(), b3 = _mm256_setzero_ps();
            for (int k = 0; k < inputs; k += 8) {
                __m256 u = _mm256_loadu_ps(xa + k), v = _mm256_loadu_ps(xb + k);
                __m256 c0 = _mm256_loadu_ps(w0 + k), c1 = _mm256_loadu_ps(w1 + k);
                __m256 c2 = _mm256_loadu_ps(w2 + k), c3 = _mm256_loadu_ps(w3 + k);
                a0 = _mm256_fmadd_ps(u, c0, a0); a1 = _mm256_fmadd_ps(u, c1, a1);
                a2 = _mm256_fmadd_ps(u, c2, a2); a3 = _mm256_fmadd_ps(u, c3, a3);
                b0 = _mm256_fmadd_ps(v, c0, b0); b1 = _mm256_fmadd_ps(v, c1, b1);
                b2 = _mm256_fmadd_ps(v, c2, b2); b3 = _mm256_fmadd_ps(v, c3, b3);
            }
            float first[4] = { sum8(a0), sum8(a1), sum8(a2), sum8(a3) };
            float second[4] = { sum8(b0), sum8(b1), sum8(b2), sum8(b3) };
            for (int j = 0; j < group; j++) {
                y[(long)r * ys + o + j] += first[j];
                if (r1 != r) y[(long)r1 * ys + o + j] += second[j];
            }
        }
    }
}

int askdocs_few_rows_product(const float *x, int rows, int inputs, const float *w, int outputs, float *y,
                             int y_stride) {
    if (inputs % 8 != 0 || rows <= 0 || outputs <= 0) return 0;
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return 0;
    product_avx2(x, rows, inputs, w, outputs, y, y_stride);
    return 1;
}
#else
int askdocs_few_rows_product(const float *x, int rows, int inputs, const float *w, int outputs, float *y,
                             int y_stride) {
    (void)x; (void)rows; (void)inputs; (void)w; (void)outputs; (void)y; (void)y_stride;
    return 0;
}
#endif
