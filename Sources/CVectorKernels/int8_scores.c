// The nearest-chunk scan's inner loop: a question's int8 vector against every chunk's, 32 values per
// AVX2 instruction (signs moved onto one side so that maddubs multiplies unsigned by signed), where the
// portable Swift loop widened 16 at a time. Chosen at run time like the product in few_rows.c.

#include "int8_scores.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2")))
static void scores_avx2(const signed char *q, const signed char *v, long count, int dim, const float *scales,
                        float *out) {
    const __m256i ones = _mm256_set1_epi16(1);
    for (long row = 0; row < count; row++) {
        const signed char *r = v + row * (long)dim;
        __m256i acc0 = _mm256_setzero_si256(), acc1 = _mm256_setzero_si256();
        int k = 0;
        for (; k + 64 <= dim; k += 64) {
            __m256i a0 = _mm256_loadu_si256((const __m256i *)(q + k));
            __m256i b0 = _mm256_loadu_si256((const __m256i *)(r + k));
            __m256i a1 = _mm256_loadu_si256((const __m256i *)(q + k + 32));
            __m256i b1 = _mm256_loadu_si256((const __m256i *)(r + k + 32));
            // |a|·(b with a's sign) = a·b; pairs summed to int16 (at most 2·127² < 2¹⁵), then to int32.
            __m256i p0 = _mm256_maddubs_epi16(_mm256_abs_epi8(a0), _mm256_sign_epi8(b0, a0));
            __m256i p1 = _mm256_maddubs_epi16(_mm256_abs_epi8(a1), _mm256_sign_epi8(b1, a1));
            acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(p0, ones));
            acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(p1, ones));
        }
        for (; k + 32 <= dim; k += 32) {
            __m256i a0 = _mm256_loadu_si256((const __m256i *)(q + k));
            __m256i b0 = _mm256_loadu_si256((const __m256i *)(r + k));
            __m256i p0 = _mm256_maddubs_epi16(_mm256_abs_epi8(a0), _mm256_sign_epi8(b0, a0));
            acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(p0, ones));
        }
        __m256i acc = _mm256_add_epi32(acc0, acc1);
        __m128i s = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
        s = _mm_hadd_epi32(s, s);
        s = _mm_hadd_epi32(s, s);
        int sum = _mm_cvtsi128_si32(s);
        for (; k < dim; k++) sum += (int)q[k] * (int)r[k];
        out[row] = (float)sum * scales[row];
    }
}

int askdocs_int8_scores(const signed char *q, const signed char *v, long count, int dim, const float *scales,
                        float *out) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2")) return 0;
    scores_avx2(q, v, count, dim, scales, out);
    return 1;
}
#else
int askdocs_int8_scores(const signed char *q, const signed char *v, long count, int dim, const float *scales,
                        float *out) {
    (void)q; (void)v; (void)count; (void)dim; (void)scales; (void)out;
    return 0;
}
#endif
