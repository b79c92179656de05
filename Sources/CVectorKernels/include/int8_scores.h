// The nearest-chunk scan's inner loop (int8 dot products), for AskDocsCore's ChunkVectors.

#ifndef ASKDOCS_INT8_SCORES_H
#define ASKDOCS_INT8_SCORES_H

/// out[row] = (q · v[row]) × scales[row] for `count` rows of `dim` int8 values laid end to end. The values
/// must lie in −127…127 (never −128), as quantized vectors do. Returns 1 when done, 0 when this CPU lacks
/// AVX2 (the caller then computes them itself).
int askdocs_int8_scores(const signed char *q, const signed char *v, long count, int dim, const float *scales,
                        float *out);

#endif
