// Weights read where they lie, once per call: each group of three weight rows stays in the L1 cache while
// every four input rows are multiplied by it, with AVX2 fused multiply-adds. Compiled for AVX2 only in
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
    for (int o = 0; o < outputs; o += 3) {
        // A last group of fewer than three repeats its last weight row and keeps only its own outputs.
        const float *w0 = w + (long)o * inputs;
        const float *w1 = w + (long)(o + 1 < outputs ? o + 1 : outputs - 1) * inputs;
        const float *w2 = w + (long)(o + 2 < outputs ? o + 2 : outputs - 1) * inputs;
        int group = outputs - o < 3 ? outputs - o : 3;
        // Four input rows at a time: twelve accumulators keep both FMA units busy through their latency.
        // A last group of fewer rows repeats its last row and keeps only its own.
        for (int r = 0; r < rows; r += 4) {
            int n = rows - r < 4 ? rows - r : 4;
            const float *x0 = x + (long)r * inputs;
            const float *x1 = x + (long)(r + (n > 1 ? 1 : 0)) * inputs;
            const float *x2 = x + (long)(r + (n > 2 ? 2 : n - 1)) * inputs;
            const float *x3 = x + (long)(r + (n > 3 ? 3 : n - 1)) * inputs;
            __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps();
            __m256 b0 = _mm256_setzero_ps(), b1 = _mm256_setzero_ps(), b2 = _mm256_setzero_ps();
            __m256 c0 = _mm256_setzero_ps(), c1 = _mm256_setzero_ps(), c2 = _mm256_setzero_ps();
            __m256 d0 = _mm256_setzero_ps(), d1 = _mm256_setzero_ps(), d2 = _mm256_setzero_ps();
            // The next group's weights are fetched from RAM while these are multiplied: the loads of
            // weights, not the multiply-adds, are where this loop waits.
            const float *next = o + 3 < outputs && r == 0 ? w + (long)(o + 3) * inputs : 0;
            for (int k = 0; k < inputs; k += 8) {
                if (next && (k & 15) == 0) {
                    _mm_prefetch((const char *)(next + k), _MM_HINT_T0);
                    _mm_prefetch((const char *)(next + inputs + k), _MM_HINT_T0);
                    _mm_prefetch((const char *)(next + 2L * inputs + k), _MM_HINT_T0);
                }
                __m256 v0 = _mm256_loadu_ps(w0 + k), v1 = _mm256_loadu_ps(w1 + k), v2 = _mm256_loadu_ps(w2 + k);
                __m256 u = _mm256_loadu_ps(x0 + k);
                a0 = _mm256_fmadd_ps(u, v0, a0); a1 = _mm256_fmadd_ps(u, v1, a1); a2 = _mm256_fmadd_ps(u, v2, a2);
                u = _mm256_loadu_ps(x1 + k);
                b0 = _mm256_fmadd_ps(u, v0, b0); b1 = _mm256_fmadd_ps(u, v1, b1); b2 = _mm256_fmadd_ps(u, v2, b2);
                u = _mm256_loadu_ps(x2 + k);
                c0 = _mm256_fmadd_ps(u, v0, c0); c1 = _mm256_fmadd_ps(u, v1, c1); c2 = _mm256_fmadd_ps(u, v2, c2);
                u = _mm256_loadu_ps(x3 + k);
                d0 = _mm256_fmadd_ps(u, v0, d0); d1 = _mm256_fmadd_ps(u, v1, d1); d2 = _mm256_fmadd_ps(u, v2, d2);
            }
            float sums[4][3] = {
                { sum8(a0), sum8(a1), sum8(a2) }, { sum8(b0), sum8(b1), sum8(b2) },
                { sum8(c0), sum8(c1), sum8(c2) }, { sum8(d0), sum8(d1), sum8(d2) },
            };
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < group; j++) y[(long)(r + i) * ys + o + j] += sums[i][j];
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
