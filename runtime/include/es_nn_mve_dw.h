/*
 * edgesmith C runtime: the groups of eight channels of the Helium depthwise kernel
 * (runtime/kernels/mve/es_depthwise_conv2d_s8.c): their requantization, packed weights
 * with the input offset folded, the pixel with the offset added per tap (channel tails),
 * and the in-place ring of output rows.
 */
#ifndef ES_NN_MVE_DW_H
#define ES_NN_MVE_DW_H

#include <stdint.h>
#include <string.h>

#include "es_nn.h"
#include "es_nn_mve.h"

#if ES_MVE

/* Bytes of the in-place ring of output rows on the stack. */
#define ES_MVE_DW_RING 2048
/* Longest window (taps) of a packed group. */
#define ES_MVE_DW_TAPS 49

/* Eight channels c.. of a group: even and odd parities, and the lanes they load. */
typedef struct {
    es_mve_channels even, odd;          /* terms: the bias */
    int32x4_t even_folded, odd_folded;  /* the bias plus offset * the weight sums (packed) */
    mve_pred16_t active;                /* 16-bit lanes: channels c .. c + left - 1 */
    int32_t c, packed;
    int8_t weights[ES_MVE_DW_TAPS * 8]; /* packed: tap t of channel c + j at 8 * t + j */
} es_mve_group8;

/* The group's weights tap by tap, and the input offset folded into its terms. */
static void es_mve_pack_group(const es_dw_conv_params *p, const es_dims *f, const int8_t *filter,
                              es_mve_group8 *g)
{
    const int16x8_t offset = vdupq_n_s16((int16_t)p->input_offset);
    int32x4_t even = g->even.terms, odd = g->odd.terms;
    int32_t t;
    for (t = 0; t < f->h * f->w; ++t) {
        const int16x8_t w = vldrbq_s16(filter + t * f->c + g->c);
        vstrbq_s16(g->weights + t * 8, w);
        even = vaddq_s32(even, vmullbq_int_s16(w, offset));
        odd = vaddq_s32(odd, vmulltq_int_s16(w, offset));
    }
    g->even_folded = even;
    g->odd_folded = odd;
}

/* Whether full groups of the layer are packed: the zero point -input_offset must be an
 * int8 to stand in for a padded tap. */
static int es_mve_dw_packable(const es_dw_conv_params *p, const es_dims *f)
{
    return f->h * f->w <= ES_MVE_DW_TAPS && p->input_offset >= -127 && p->input_offset <= 128;
}

static void es_mve_group_of(const es_dw_conv_params *p, const es_per_channel_quant_params *quant,
                            const es_dims *f, const int8_t *filter, const int32_t *bias, int32_t c,
                            int32_t left, es_mve_group8 *g)
{
    g->even = es_mve_parity_channels(bias != NULL ? bias + c : NULL, quant->multiplier + c,
                                     quant->shift + c, left);
    g->odd = es_mve_parity_channels(bias != NULL ? bias + c + 1 : NULL,
                                    quant->multiplier + c + 1, quant->shift + c + 1, left - 1);
    g->active = vctp16q((uint32_t)left);
    g->c = c;
    g->packed = left == 8 && es_mve_dw_packable(p, f);
    if (g->packed) {
        es_mve_pack_group(p, f, filter, g);
    }
}

/* Taps k of a window starting at `start` (step `step`, `taps` of them) that fall inside
 * 0 .. size - 1: k0 .. k1 - 1 (a padded tap adds nothing, as in the reference). */
static inline void es_mve_inside_taps(int32_t start, int32_t step, int32_t taps, int32_t size,
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

/* One tap of a packed group: eight input bytes at `x` times the next eight weights. */
#define ES_MVE_DW_TAP(x)                                                                   \
    do {                                                                                   \
        const int16x8_t tx = vldrbq_s16(x), tw = vldrbq_s16(wp);                           \
        wp += 8;                                                                           \
        even = vaddq_s32(even, vmullbq_int_s16(tx, tw));                                   \
        odd = vaddq_s32(odd, vmulltq_int_s16(tx, tw));                                     \
    } while (0)

/* Output pixel (oy, ox) of the group's channels at out (channel c at out[0]), over the
 * window rows ky0 .. ky1 - 1 inside the input, the offset added per tap. */
static void es_mve_group_pixel(const es_dw_conv_params *p, const es_dims *in, const int8_t *input,
                               const es_dims *f, const int8_t *filter, const es_mve_group8 *g,
                               const es_mve_output_stage *stage, int32_t ky0, int32_t ky1,
                               int32_t oy, int32_t ox, int8_t *out)
{
    const int32_t y0 = oy * p->stride.h - p->padding.h, x0 = ox * p->stride.w - p->padding.w;
    const int32_t tap_step = p->dilation.w * in->c, row_step = p->dilation.h * in->w * in->c;
    const int16_t offset = (int16_t)p->input_offset;
    const int8_t *row, *pw;
    int32_t kx0, kx1, ky, kx;
    int32x4_t even = g->even.terms, odd = g->odd.terms;
    es_mve_inside_taps(x0, p->dilation.w, f->w, in->w, &kx0, &kx1);
    row = input + ((y0 + ky0 * p->dilation.h) * in->w + x0 + kx0 * p->dilation.w) * in->c + g->c;
    for (ky = ky0; ky < ky1; ++ky, row += row_step) {
        const int8_t *px = row;
        pw = filter + (ky * f->w + kx0) * f->c + g->c;
        for (kx = kx0; kx < kx1; ++kx, px += tap_step, pw += f->c) {
            /* x + offset and w fit int16; their products, int32 lanes by parity */
            const int16x8_t x = vaddq_n_s16(vldrbq_z_s16(px, g->active), offset);
            const int16x8_t w = vldrbq_z_s16(pw, g->active);
            even = vaddq_s32(even, vmullbq_int_s16(x, w));
            odd = vaddq_s32(odd, vmulltq_int_s16(x, w));
        }
    }
    vstrbq_p_s16(out, es_mve_outputs_8(even, odd, &g->even, &g->odd, stage), g->active);
}

/* Output row oy of the group's channels into out, pixel ox at out + ox * pitch. */
static void es_mve_group_row(const es_dw_conv_params *p, const es_dims *in, const int8_t *input,
                             const es_dims *f, const int8_t *filter, const es_mve_group8 *g,
                             const es_mve_output_stage *stage, int32_t oy, int32_t ow, int8_t *out,
                             int32_t pitch)
{
    int32_t ox, ky0, ky1;
    es_mve_inside_taps(oy * p->stride.h - p->padding.h, p->dilation.h, f->h, in->h, &ky0, &ky1);
    for (ox = 0; ox < ow; ++ox) {
        es_mve_group_pixel(p, in, input, f, filter, g, stage, ky0, ky1, oy, ox, out + ox * pitch);
    }
}

/* The last output row that reads an input slot of output row r (in place). */
static int32_t es_mve_last_reader(const es_dw_conv_params *p, const es_dims *in, int32_t oh,
                                  int32_t ow, int32_t r)
{
    const int32_t b = ((r + 1) * ow - 1) / in->w, last = (b + p->padding.h) / p->stride.h;
    return last < oh - 1 ? last : oh - 1;
}

/* Rows a group's in-place ring needs: one more than the longest wait of a row. */
static int32_t es_mve_ring_rows(const es_dw_conv_params *p, const es_dims *in, int32_t oh,
                                int32_t ow)
{
    int32_t r, longest = 0;
    for (r = 0; r < oh; ++r) {
        const int32_t wait = es_mve_last_reader(p, in, oh, ow, r) - r;
        longest = wait > longest ? wait : longest;
    }
    return longest + 1;
}

/* Output row r of `left` channels from the ring over its slots. */
static void es_mve_flush_row(const int8_t *ring_row, int8_t *data, int32_t channels, int32_t c,
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

/* A group in place through a ring of `rows` output rows (the offset added per tap). */
static __attribute__((noinline)) void es_mve_ring_group(const es_dw_conv_params *p,
                                                        const es_dims *in, int8_t *data,
                                                        const es_dims *f, const int8_t *filter,
                                                        const es_mve_group8 *g,
                                                        const es_mve_output_stage *stage,
                                                        const es_dims *out, int32_t rows,
                                                        int32_t left)
{
    int8_t ring[ES_MVE_DW_RING];
    const int32_t oh = out->h, ow = out->w;
    int32_t oy, next;
    for (oy = 0, next = 0; oy < oh; ++oy) {
        es_mve_group_row(p, in, data, f, filter, g, stage, oy, ow, ring + (oy % rows) * ow * 8, 8);
        for (; next <= oy && es_mve_last_reader(p, in, oh, ow, next) <= oy; ++next) {
            es_mve_flush_row(ring + (next % rows) * ow * 8, data, out->c, g->c, left, next, ow);
        }
    }
}

#endif /* ES_MVE */

#endif /* ES_NN_MVE_DW_H */
