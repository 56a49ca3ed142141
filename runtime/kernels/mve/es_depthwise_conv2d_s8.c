/*
 * int8 depthwise 2-D convolution with Helium (MVE): the integers of
 * runtime/kernels/ref/es_depthwise_conv2d_s8.c.
 *
 * Eight channels at a time (depth multiplier 1): each tap widens eight input bytes (plus
 * the input offset) and eight weight bytes to 16-bit lanes, and VMULLB/VMULLT multiply
 * the even and the odd channels into 32-bit lanes; padding taps are skipped as in the
 * reference; each parity is requantized on its four lanes and stored every other byte
 * (es_nn_mve.h).
 *
 * In place, a group of eight channels keeps its output rows in a small ring on the stack
 * and writes each row over its slots once no later output row reads the input held
 * there: the slots of output row r are the input pixels r * OW .. (r + 1) * OW - 1, and the
 * last output row reading input row b is (b + top padding) / stride. Other depth
 * multipliers, rings too large for the stack and cores without MVE take the reference's
 * loops (in place through the caller's scratch, one channel at a time).
 */
#include <string.h>

#include "es_nn.h"
#include "es_nn_mve.h"
#include "es_nn_plain.h"

/* Bytes of the in-place ring of output rows on the stack. */
#define ES_MVE_DW_RING 2048

#if ES_MVE

/* The requantization of one parity (even or odd channels) of eight channels c .. c + 7. */
static es_mve_channels parity_channels(const es_per_channel_quant_params *quant,
                                       const int32_t *bias, int32_t c, int32_t left)
{
    /* lanes: channels c, c + 2, c + 4, c + 6 of this parity */
    const uint32x4_t words = vidupq_n_u32(0, 8), bytes = vidupq_n_u32(0, 2);
    const int32x4_t zero = vdupq_n_s32(0);
    es_mve_channels ch;
    int32x4_t shift;
    ch.active = vctp32q((uint32_t)((left + 1) / 2));
    ch.terms = bias != NULL ? vldrwq_gather_offset_z_s32(bias + c, words, ch.active) : zero;
    ch.multiplier = vldrwq_gather_offset_z_s32(quant->multiplier + c, words, ch.active);
    shift = vldrbq_gather_offset_z_s32(quant->shift + c, bytes, ch.active);
    ch.left = vmaxq_s32(shift, zero);
    ch.right = vminq_s32(shift, zero);
    return ch;
}

/* Eight channels c.. of a group: even and odd parities, and the lanes they load. */
typedef struct {
    es_mve_channels even, odd;
    mve_pred16_t active; /* 16-bit lanes: channels c .. c + left - 1 */
    int32_t c, full;     /* full: all eight channels */
} group8;

static group8 group_of(const es_per_channel_quant_params *quant, const int32_t *bias, int32_t c,
                       int32_t left)
{
    group8 g;
    g.even = parity_channels(quant, bias, c, left);
    g.odd = parity_channels(quant, bias, c + 1, left - 1);
    g.active = vctp16q((uint32_t)left);
    g.c = c;
    g.full = left == 8;
    return g;
}

/* Taps k of a window starting at `start` (step `step`, `taps` of them) that fall inside
 * 0 .. size - 1: k0 .. k1 - 1 (a padded tap adds nothing, as in the reference). */
static inline void inside_taps(int32_t start, int32_t step, int32_t taps, int32_t size,
                               int32_t *k0, int32_t *k1)
{
    const int32_t first = start < 0 ? (-start + step - 1) / step : 0;
    const int32_t end = size - start <= 0 ? 0 : (size - start + step - 1) / step;
    *k0 = first < taps ? first : taps;
    *k1 = end < taps ? end : taps;
    if (*k1 < *k0) {
        *k1 = *k0;
    }
}

/* Output pixel (oy, ox) of the group's channels at out (channel c at out[0]), over the
 * window rows ky0 .. ky1 - 1 inside the input. */
static void group_pixel(const es_dw_conv_params *p, const es_dims *in, const int8_t *input,
                        const es_dims *f, const int8_t *filter, const group8 *g,
                        const es_mve_output_stage *stage, int32_t ky0, int32_t ky1,
                        int32_t oy, int32_t ox, int8_t *out)
{
    const int32_t y0 = oy * p->stride.h - p->padding.h, x0 = ox * p->stride.w - p->padding.w;
    const int32_t tap_step = p->dilation.w * in->c, row_step = p->dilation.h * in->w * in->c;
    const int16_t offset = (int16_t)p->input_offset;
    const int8_t *row, *pw;
    int32_t kx0, kx1, ky, kx;
    int32x4_t even = vdupq_n_s32(0), odd = vdupq_n_s32(0);
    inside_taps(x0, p->dilation.w, f->w, in->w, &kx0, &kx1);
    row = input + ((y0 + ky0 * p->dilation.h) * in->w + x0 + kx0 * p->dilation.w) * in->c + g->c;
    for (ky = ky0; ky < ky1; ++ky, row += row_step) {
        const int8_t *px = row;
        pw = filter + (ky * f->w + kx0) * f->c + g->c;
        if (g->full) { /* eight channels: loads need no predicate */
            for (kx = kx0; kx < kx1; ++kx, px += tap_step, pw += f->c) {
                const int16x8_t x = vaddq_n_s16(vldrbq_s16(px), offset);
                const int16x8_t w = vldrbq_s16(pw);
                even = vaddq_s32(even, vmullbq_int_s16(x, w));
                odd = vaddq_s32(odd, vmulltq_int_s16(x, w));
            }
            continue;
        }
        for (kx = kx0; kx < kx1; ++kx, px += tap_step, pw += f->c) {
            /* x + offset and w fit int16; their products, int32 lanes by parity */
            const int16x8_t x = vaddq_n_s16(vldrbq_z_s16(px, g->active), offset);
            const int16x8_t w = vldrbq_z_s16(pw, g->active);
            even = vaddq_s32(even, vmullbq_int_s16(x, w));
            odd = vaddq_s32(odd, vmulltq_int_s16(x, w));
        }
    }
    es_mve_output_parity(out, even, &g->even, stage);
    es_mve_output_parity(out + 1, odd, &g->odd, stage);
}

/* Output row oy of the group's channels into out, pixel ox at out + ox * pitch. */
static void group_row(const es_dw_conv_params *p, const es_dims *in, const int8_t *input,
                      const es_dims *f, const int8_t *filter, const group8 *g,
                      const es_mve_output_stage *stage, int32_t oy, int32_t ow, int8_t *out,
                      int32_t pitch)
{
    int32_t ox, ky0, ky1;
    inside_taps(oy * p->stride.h - p->padding.h, p->dilation.h, f->h, in->h, &ky0, &ky1);
    for (ox = 0; ox < ow; ++ox) {
        group_pixel(p, in, input, f, filter, g, stage, ky0, ky1, oy, ox, out + ox * pitch);
    }
}

/* The last output row that reads an input slot of output row r (in place). */
static int32_t last_reader(const es_dw_conv_params *p, const es_dims *in, int32_t oh,
                           int32_t ow, int32_t r)
{
    const int32_t b = ((r + 1) * ow - 1) / in->w, last = (b + p->padding.h) / p->stride.h;
    return last < oh - 1 ? last : oh - 1;
}

/* Rows a group's in-place ring needs: one more than the longest wait of a row. */
static int32_t ring_rows(const es_dw_conv_params *p, const es_dims *in, int32_t oh, int32_t ow)
{
    int32_t r, longest = 0;
    for (r = 0; r < oh; ++r) {
        const int32_t wait = last_reader(p, in, oh, ow, r) - r;
        longest = wait > longest ? wait : longest;
    }
    return longest + 1;
}

/* Output row r of `left` channels from the ring over its slots. */
static void flush_row(const int8_t *ring_row, int8_t *data, int32_t channels, int32_t c,
                      int32_t left, int32_t r, int32_t ow)
{
    int8_t *slot = data + r * ow * channels + c;
    int32_t ox, j;
    for (ox = 0; ox < ow; ++ox, slot += channels, ring_row += 8) {
        if (left == 8) {
            memcpy(slot, ring_row, 8); /* two word moves */
            continue;
        }
        for (j = 0; j < left; ++j) {
            slot[j] = ring_row[j];
        }
    }
}

static void mve_inplace(const es_dw_conv_params *p, const es_per_channel_quant_params *quant,
                        const es_dims *in, int8_t *data, const es_dims *f, const int8_t *filter,
                        const int32_t *bias, const es_dims *out, int32_t rows)
{
    int8_t ring[ES_MVE_DW_RING];
    const es_mve_output_stage stage = es_mve_output_stage_of(p->output_offset, p->activation);
    const int32_t oh = out->h, ow = out->w, channels = out->c;
    int32_t c, oy, next;
    for (c = 0; c < channels; c += 8) {
        const int32_t left = channels - c < 8 ? channels - c : 8;
        const group8 g = group_of(quant, bias, c, left);
        for (oy = 0, next = 0; oy < oh; ++oy) {
            group_row(p, in, data, f, filter, &g, &stage, oy, ow, ring + (oy % rows) * ow * 8,
                      8);
            for (; next <= oy && last_reader(p, in, oh, ow, next) <= oy; ++next) {
                flush_row(ring + (next % rows) * ow * 8, data, channels, c, left, next, ow);
            }
        }
    }
}

static void mve_depthwise(const es_dw_conv_params *p, const es_per_channel_quant_params *quant,
                          const es_dims *in, const int8_t *input, const es_dims *f,
                          const int8_t *filter, const int32_t *bias, const es_dims *out,
                          int8_t *output)
{
    const es_mve_output_stage stage = es_mve_output_stage_of(p->output_offset, p->activation);
    int32_t oc, oy;
    for (oc = 0; oc < out->c; oc += 8) {
        const group8 g = group_of(quant, bias, oc, out->c - oc < 8 ? out->c - oc : 8);
        for (oy = 0; oy < out->h; ++oy) {
            group_row(p, in, input, f, filter, &g, &stage, oy, out->w,
                      output + oy * out->w * out->c + oc, out->c);
        }
    }
}

#endif /* ES_MVE */

es_status es_depthwise_conv2d_s8(const es_context *ctx, const es_dw_conv_params *params,
                                 const es_per_channel_quant_params *quant,
                                 const es_dims *input_dims, const int8_t *input,
                                 const es_dims *filter_dims, const int8_t *filter,
                                 const int32_t *bias, const es_dims *output_dims, int8_t *output)
{
    es_status status;
    (void)ctx;
    status = es_dw_conv_begin_s8(params, quant, input_dims, input, filter_dims, filter,
                                 output_dims, output);
    if (status != ES_OK) {
        return status;
    }
#if ES_MVE
    if (params->depth_multiplier == 1) {
        mve_depthwise(params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                      output);
        return ES_OK;
    }
#endif
    es_dw_conv_plain_s8(params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                        output);
    return ES_OK;
}

es_status es_depthwise_conv2d_s8_inplace(const es_context *ctx, const es_dw_conv_params *params,
                                         const es_per_channel_quant_params *quant,
                                         const es_dims *input_dims, int8_t *data,
                                         const es_dims *filter_dims, const int8_t *filter,
                                         const int32_t *bias, const es_dims *output_dims,
                                         int8_t *scratch)
{
    es_status status;
    (void)ctx;
    status = es_dw_conv_inplace_check_s8(params, quant, input_dims, data, filter_dims, filter,
                                         output_dims, scratch);
    if (status != ES_OK) {
        return status;
    }
#if ES_MVE
    {
        const int32_t rows = ring_rows(params, input_dims, output_dims->h, output_dims->w);
        if (rows * output_dims->w * 8 <= ES_MVE_DW_RING) {
            mve_inplace(params, quant, input_dims, data, filter_dims, filter, bias, output_dims,
                        rows);
            return ES_OK;
        }
    }
#endif
    es_dw_conv_inplace_plain_s8(params, quant, input_dims, data, filter_dims, filter, bias,
                                output_dims, scratch);
    return ES_OK;
}

int32_t es_depthwise_conv2d_s8_get_buffer_size(const es_dims *input_dims,
                                               const es_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}
