/*
 * edgesmith C runtime: the windows of the Helium convolution
 * (runtime/kernels/mve/es_conv2d_s8.c) gathered as int8 columns, taps in the padding
 * holding the input zero point.
 */
#ifndef ES_NN_MVE_CONV_H
#define ES_NN_MVE_CONV_H

#include <stdint.h>

#include "es_nn.h"
#include "es_nn_mve.h"

#if ES_MVE

/* Longest window of the small-window path (two vectors). */
#define ES_MVE_SMALL_K 32

/* The window of output pixel (oy, ox) into col as int8; taps in the padding hold pad. */
static void es_mve_fill_column(const es_conv_params *p, const es_dims *in, const es_dims *f,
                               const int8_t *input, int32_t oy, int32_t ox, int8_t pad, int8_t *col)
{
    const int32_t c = in->c, run = f->w * c, ix0 = ox * p->stride.w - p->padding.w;
    int32_t ky, kx;
    for (ky = 0; ky < f->h; ++ky, col += run) {
        const int32_t iy = oy * p->stride.h - p->padding.h + ky * p->dilation.h;
        if (iy < 0 || iy >= in->h) {
            es_mve_fill(col, pad, run);
        } else if (p->dilation.w == 1 && ix0 >= 0 && ix0 + f->w <= in->w) {
            es_mve_copy(col, input + (iy * in->w + ix0) * c, run);
        } else {
            for (kx = 0; kx < f->w; ++kx) {
                const int32_t ix = ix0 + kx * p->dilation.w;
                if (ix < 0 || ix >= in->w) {
                    es_mve_fill(col + kx * c, pad, c);
                } else {
                    es_mve_copy(col + kx * c, input + (iy * in->w + ix) * c, c);
                }
            }
        }
    }
}

/* Bias plus input_offset times the weight sum, for channels first .. first + count - 1. */
static void es_mve_conv_terms(const es_conv_params *p, const int8_t *filter, const int32_t *bias,
                              int32_t depth, int32_t first, int32_t count, int32_t *terms)
{
    int32_t k;
    for (k = 0; k < count; ++k) {
        const int32_t oc = first + k;
        terms[k] = (bias != NULL ? bias[oc] : 0) +
                   p->input_offset * es_mve_sum_s8(filter + oc * depth, depth);
    }
}

/* The windows of n pixels from pixel px (ES_MVE_SMALL_K bytes apart) into cols: a
 * window inside the input (dilation 1) row by row, each kernel row one predicated load and
 * a whole-vector store (the bytes past the row are written over by the next one, the last
 * ones into the buffer's slack); others through es_mve_fill_column. */
static void es_mve_fill_small_columns(const es_conv_params *p, const es_dims *in, const es_dims *f,
                                      const es_dims *out, const int8_t *input, int32_t px,
                                      int32_t n, int8_t pad, int8_t *cols)
{
    /* the shapes in locals: the int8 stores could alias the structs, which GCC would reload */
    const int32_t c = in->c, w = in->w, kh = f->h, run = f->w * c, ow = out->w;
    const int32_t sh = p->stride.h, sw = p->stride.w, ph = p->padding.h, pw = p->padding.w;
    const int32_t row_step = p->dilation.h * w * c, rows_end = in->h - (kh - 1) * p->dilation.h;
    const int32_t cols_end = p->dilation.w == 1 ? w - f->w : -1; /* last inside window start */
    const mve_pred16_t first = vctp8q((uint32_t)run), second = vctp8q((uint32_t)(run - 16));
    int32_t oy = px / ow, ox = px % ow, k, ky;
    for (k = 0; k < n; ++k, cols += ES_MVE_SMALL_K) {
        const int32_t iy = oy * sh - ph, ix = ox * sw - pw;
        if (iy >= 0 && iy < rows_end && ix >= 0 && ix <= cols_end) {
            const int8_t *src = input + (iy * w + ix) * c;
            int8_t *dst = cols;
            for (ky = 0; ky < kh; ++ky, src += row_step, dst += run) {
                vstrbq_s8(dst, vldrbq_z_s8(src, first));
                if (run > 16) {
                    vstrbq_s8(dst + 16, vldrbq_z_s8(src + 16, second));
                }
            }
        } else {
            es_mve_fill_column(p, in, f, input, oy, ox, pad, cols);
        }
        if (++ox == ow) {
            ox = 0;
            ++oy;
        }
    }
}

#endif /* ES_MVE */

#endif /* ES_NN_MVE_CONV_H */
