/*
 * edgesmith C runtime: the 3x3 depthwise plane of the fast kernels
 * (runtime/kernels/fast/es_depthwise_conv2d_s8.c), for windows of 3x3 with
 * dilation 1, any stride, channels whose output stage takes the short form.
 *
 * One channel at a time: a band of its padded input rows is widened once to
 * int16 (input offset added, padding 0) at a fixed row stride, so the three
 * rows of a window are three pointers a stride apart and nothing is checked
 * per tap. Each output row is then two tight loops: the taps into an int32
 * row (two outputs per step for stride 1: per tap row 2 loads and 4 multiply
 * instructions for 6 MACs, see pair_row), then the output stage over that
 * row. Splitting the two keeps the six weight pairs in registers in the
 * first loop and the output stage's constants in the second.
 */
#ifndef ES_NN_FAST_DW3X3_H
#define ES_NN_FAST_DW3X3_H

#include "es_nn_fast.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Accumulators of the int32 buffer (on the stack): the outputs of a band. */
#define ES_DW3X3_ACC 256

/* The weights of one channel: per tap row, (w0, w1) and (w1, w2) as int16 halves. */
typedef struct {
    uint32_t w01[3];
    uint32_t w12[3];
    int32_t bias;
} es_dw3x3_weights;

/*
 * One tap row into the outputs at r (acc0) and r + 1 (acc1): with
 * lo = (r[0], r[1]) and hi = (r[2], r[3]), acc0 += lo . (w0, w1) + r[2] * w2
 * and acc1 += r[1] * w0 + hi . (w1, w2).
 */
#define ES_DW3X3_PAIR(r, w01, w12)                                                  \
    do {                                                                            \
        const uint32_t lo_ = es_fast_load32(r), hi_ = es_fast_load32((r) + 2);      \
        acc0 = es_fast_mac_lo_hi(hi_, w12, es_fast_dual_mac(lo_, w01, acc0));       \
        acc1 = es_fast_dual_mac(hi_, w12, es_fast_mac_hi_lo(lo_, w01, acc1));       \
    } while (0)

/* The acc0 half of ES_DW3X3_PAIR. */
#define ES_DW3X3_ONE(r, w01, w12) \
    (acc0 = es_fast_mac_lo_hi(es_fast_load32((r) + 2), w12, \
                              es_fast_dual_mac(es_fast_load32(r), w01, acc0)))

/*
 * acc[y * n + x] = bias + the 3x3 window at rows + y * step_y * row_stride + x * step_x
 * (its rows row_stride apart), for x < n, y < out_rows.
 */
static ES_FAST_NOINLINE void es_dw3x3_taps(const int16_t *rows, int32_t row_stride,
                                           int32_t step_y, int32_t step_x,
                                           const es_dw3x3_weights *t, int32_t *acc, int32_t n,
                                           int32_t out_rows)
{
    const uint32_t a0 = t->w01[0], a1 = t->w01[1], a2 = t->w01[2];
    const uint32_t b0 = t->w12[0], b1 = t->w12[1], b2 = t->w12[2];
    const int32_t bias = t->bias, pairs = step_x == 1 ? n / 2 : 0;
    int32_t y, x, acc0, acc1;
    for (y = 0; y < out_rows; ++y, rows += step_y * row_stride) {
        const int16_t *r0 = rows, *r1 = rows + row_stride, *r2 = rows + 2 * row_stride;
        for (x = 0; x < pairs; ++x, acc += 2, r0 += 2, r1 += 2, r2 += 2) {
            acc0 = acc1 = bias;
            ES_DW3X3_PAIR(r0, a0, b0);
            ES_DW3X3_PAIR(r1, a1, b1);
            ES_DW3X3_PAIR(r2, a2, b2);
            acc[0] = acc0;
            acc[1] = acc1;
        }
        for (x = 2 * pairs; x < n; ++x, ++acc, r0 += step_x, r1 += step_x, r2 += step_x) {
            acc0 = bias;
            ES_DW3X3_ONE(r0, a0, b0);
            ES_DW3X3_ONE(r1, a1, b1);
            ES_DW3X3_ONE(r2, a2, b2);
            *acc = acc0;
        }
    }
}

/* The output stage over n accumulators: dst[k * stride], k < n. */
static ES_FAST_NOINLINE void es_dw3x3_outputs(const int32_t *acc, int32_t n,
                                              const es_fast_short *s, int8_t *dst,
                                              int32_t stride)
{
    const es_fast_short q = *s;
    const int32_t *end = acc + n;
    if (q.min == -128 && q.max == 127) {
        for (; acc < end; ++acc, dst += stride) {
            *dst = es_fast_short_saturate_s8(*acc, &q);
        }
    } else {
        for (; acc < end; ++acc, dst += stride) {
            *dst = es_fast_short_output_s8(*acc, &q);
        }
    }
}

/*
 * Padded rows py0 .. py0 + count - 1 of channel in_c widened, row_stride apart,
 * into a buffer whose padding columns are 0 already (es_dw3x3_plane): only the
 * columns of the input are written, the input + offset or 0 in a padding row.
 */
static ES_FAST_NOINLINE void es_dw3x3_widen(const es_dw_conv_params *p, const es_dims *in,
                                            const int8_t *input, int32_t in_c, int32_t py0,
                                            int32_t count, int32_t row_stride, int16_t *row)
{
    const int32_t left = p->padding.w, channels = in->c, offset = p->input_offset;
    const int32_t width = (left + in->w < row_stride ? left + in->w : row_stride) - left;
    int32_t py, j;
    for (py = py0, row += left; py < py0 + count; ++py, row += row_stride) {
        const int32_t iy = py - p->padding.h;
        if (iy >= 0 && iy < in->h) {
            const int8_t *src = input + (iy * in->w) * channels + in_c;
            for (j = 0; j < width; ++j, src += channels) {
                row[j] = (int16_t)(*src + offset);
            }
        } else {
            memset(row, 0, (size_t)width * sizeof *row);
        }
    }
}

/*
 * The plane of one output channel (its input channel in_c) into dst[k * stride],
 * k in row-major order, with the rows buffer of `buffer` int16 values. Returns 0
 * (nothing written) where the shape does not fit the buffers, or with `whole`
 * where one band does not hold the whole channel (with `whole`, dst may be the
 * channel's input: all of it is widened before the first output is written).
 * *zeroed is the row stride for which the buffer's padding columns are 0 (0:
 * none): they are zeroed once for all the channels of a call.
 */
static inline int es_dw3x3_plane(const es_dw_conv_params *p, const es_dims *in,
                                 const int8_t *input, int32_t in_c, const es_dims *out,
                                 const es_dw3x3_weights *t, const es_fast_short *s,
                                 int16_t *rows, int32_t buffer, int32_t *zeroed, int whole,
                                 int8_t *dst, int32_t stride)
{
    const int32_t sh = p->stride.h;
    const int32_t row_stride = ((out->w - 1) * p->stride.w + 3 + 2) & ~1; /* one read past */
    const int32_t by_rows = (buffer / row_stride - 3) / sh + 1;
    const int32_t by_acc = ES_DW3X3_ACC / out->w;
    const int32_t band = by_rows < by_acc ? by_rows : by_acc; /* output rows per band */
    int32_t acc[ES_DW3X3_ACC];
    int32_t oy, count;
    if (out->w > ES_DW3X3_ACC || buffer / row_stride < 3 || (whole && band < out->h)) {
        return 0;
    }
    if (*zeroed != row_stride) {
        memset(rows, 0, (size_t)buffer * sizeof *rows);
        *zeroed = row_stride;
    }
    for (oy = 0; oy < out->h; oy += count) {
        count = out->h - oy < band ? out->h - oy : band;
        es_dw3x3_widen(p, in, input, in_c, oy * sh, (count - 1) * sh + 3, row_stride, rows);
        es_dw3x3_taps(rows, row_stride, sh, p->stride.w, t, acc, out->w, count);
        es_dw3x3_outputs(acc, count * out->w, s, dst, stride);
        dst += count * out->w * stride;
    }
    return 1;
}

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_FAST_DW3X3_H */
