/*
 * Fast int8 2-D convolution: the integers of runtime/kernels/ref/es_conv2d_s8.c.
 *
 * Two output pixels at a time, each pixel's window is copied once into an
 * int16 column with the input offset added (taps in the padding become 0,
 * which is what the reference's skipping them adds); then every pair of
 * output channels runs a 2x2 block of dot products over the two columns,
 * two multiplies per dual MAC. With the DSP extension, a column holds each
 * group of 4 values in the order 0, 2, 1, 3: the order in which SXTB16
 * splits 4 weight bytes, so the int8 weights are used as they are stored.
 *
 * A window longer than half of ES_FAST_BUFFER, or an input offset outside
 * int16, takes a plain per-output loop with the same output stage.
 */
#include "es_nn.h"
#include "es_nn_fast.h"
#include "es_nn_fast_conv_stage.h"
#include "es_nn_fast_gemm.h"
#include "es_nn_plain.h"

/* n values at px into col, + offset; in the DSP order (groups of 4) where `grouped`. */
static void widen_run(const int8_t *px, int32_t n, int32_t offset, int grouped, int16_t *col)
{
    const uint32_t offsets = es_fast_pair(offset);
    int32_t k;
    if (grouped) {
        for (k = 0; k < n; k += 4) {
            const uint32_t x = es_fast_load32(px + k);
            const uint32_t even = es_fast_add_bytes02(offsets, x);
            const uint32_t odd = es_fast_add_bytes13(offsets, x);
            memcpy(col + k, &even, 4);
            memcpy(col + k + 2, &odd, 4);
        }
        return;
    }
    for (k = 0; k < n; ++k) {
        col[k] = (int16_t)(px[k] + offset);
    }
}

/*
 * Copy the window of output pixel (oy, ox) into col, input + offset, padding 0:
 * a window row inside the input (dilation 1) is one contiguous run of NHWC bytes.
 */
static void fill_column(const es_conv_params *p, const es_dims *in, const es_dims *f,
                        const int8_t *input, int32_t oy, int32_t ox, int16_t *col)
{
    const int32_t c = in->c, run = f->w * c, ix0 = ox * p->stride.w - p->padding.w;
    /* whole groups of 4 channels: the DSP order straight away */
    const int grouped = ES_FAST_DSP && (c & 3) == 0;
    int32_t ky, kx;
    for (ky = 0; ky < f->h; ++ky, col += run) {
        const int32_t iy = oy * p->stride.h - p->padding.h + ky * p->dilation.h;
        if (iy < 0 || iy >= in->h) {
            memset(col, 0, (size_t)run * sizeof *col);
        } else if (p->dilation.w == 1 && ix0 >= 0 && ix0 + f->w <= in->w) {
            widen_run(input + (iy * in->w + ix0) * c, run, p->input_offset, grouped, col);
        } else {
            for (kx = 0; kx < f->w; ++kx) {
                const int32_t ix = ix0 + kx * p->dilation.w;
                if (ix < 0 || ix >= in->w) {
                    memset(col + kx * c, 0, (size_t)c * sizeof *col);
                } else {
                    widen_run(input + (iy * in->w + ix) * c, c, p->input_offset, grouped,
                              col + kx * c);
                }
            }
        }
    }
}

/* Put each whole group of 4 of a natural-order column into the DSP order 0, 2, 1, 3. */
static void reorder_column(int16_t *col, int32_t length)
{
    int32_t k;
    for (k = 0; k + 4 <= length; k += 4) {
        const int16_t second = col[k + 1];
        col[k + 1] = col[k + 2];
        col[k + 2] = second;
    }
}

/*
 * Channels first .. first + count - 1 of two pixels (out1 = out0 for a last pixel
 * alone) from their columns, with the stages of those channels.
 */
static void pixel_pair(const es_conv_params *p, const es_per_channel_quant_params *quant,
                       const int8_t *filter, const es_fast_channel_stage *stages, int32_t depth,
                       int32_t first, int32_t count, const int16_t *col0, int8_t *out0,
                       int8_t *out1)
{
    const int32_t end = first + count;
    int32_t oc;
    for (oc = first; oc + 1 < end; oc += 2, stages += 2) {
        int32_t acc[4] = {0, 0, 0, 0};
        es_fast_block_2x2(col0, filter + oc * depth, depth, acc);
        es_fast_output_channel(p, quant, stages, oc, acc[0], acc[2], out0, out1);
        es_fast_output_channel(p, quant, stages + 1, oc + 1, acc[1], acc[3], out0, out1);
    }
    if (oc < end) { /* an odd last channel: no row follows */
        int32_t acc[4] = {0, 0, 0, 0};
        es_fast_block_2x1(col0, filter + oc * depth, depth, acc);
        es_fast_output_channel(p, quant, stages, oc, acc[0], acc[2], out0, out1);
    }
}

es_status es_conv2d_s8(const es_context *ctx, const es_conv_params *params,
                       const es_per_channel_quant_params *quant, const es_dims *input_dims,
                       const int8_t *input, const es_dims *filter_dims, const int8_t *filter,
                       const int32_t *bias, const es_dims *output_dims, int8_t *output)
{
    int16_t cols[ES_FAST_BUFFER];
    es_fast_channel_stage stages[ES_FAST_STAGE_CHUNK];
    es_window win;
    es_status status;
    int32_t depth, pixels, px, first, count;
    (void)ctx;
    status = es_conv_begin_s8(&win, params, quant, input_dims, input, filter_dims, filter,
                              output_dims, output);
    if (status != ES_OK) {
        return status;
    }
    depth = filter_dims->h * filter_dims->w * filter_dims->c;
    if (2 * depth > ES_FAST_BUFFER || !es_fast_offset_fits(params->input_offset)) {
        es_conv_plain_s8(params, quant, &win, input, filter_dims, filter, bias, output);
        return ES_OK;
    }
    pixels = output_dims->h * output_dims->w;
    for (first = 0; first < filter_dims->n; first += count) {
        count = filter_dims->n - first;
        count = count < ES_FAST_STAGE_CHUNK ? count : ES_FAST_STAGE_CHUNK;
        es_fast_prepare_stages(params, quant, bias,
                               (int64_t)depth * 128 * es_fast_input_bound(params->input_offset),
                               first, count, stages);
        for (px = 0; px < pixels; px += 2) {
            const int two = px + 1 < pixels;
            int16_t *col1 = cols + depth;
            fill_column(params, input_dims, filter_dims, input, px / output_dims->w,
                        px % output_dims->w, cols);
            if (two) {
                fill_column(params, input_dims, filter_dims, input, (px + 1) / output_dims->w,
                            (px + 1) % output_dims->w, col1);
            } else {
                memset(col1, 0, (size_t)depth * sizeof *col1); /* a pixel alone: unused zeros */
            }
            if (ES_FAST_DSP && (input_dims->c & 3) != 0) {
                reorder_column(cols, depth);
                reorder_column(col1, depth);
            }
            pixel_pair(params, quant, filter, stages, depth, first, count, cols,
                       output + px * filter_dims->n,
                       output + (two ? px + 1 : px) * filter_dims->n);
        }
    }
    return ES_OK;
}

int32_t es_conv2d_s8_get_buffer_size(const es_dims *input_dims, const es_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}
