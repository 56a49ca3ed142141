/*
 * int8 depthwise 2-D convolution with Helium (MVE): the integers of
 * runtime/kernels/ref/es_depthwise_conv2d_s8.c.
 *
 * Eight channels at a time (depth multiplier 1): each tap widens eight input bytes and
 * eight weight bytes to 16-bit lanes, and VMULLB/VMULLT multiply the even and the odd
 * channels into 32-bit lanes; both parities are requantized on their four lanes and
 * narrowed into one store of eight bytes (es_nn_mve.h).
 *
 * Packed groups (eight channels, windows up to ES_MVE_DW_TAPS taps, an input zero point
 * that is an int8): the group's weights are copied tap by tap into eight-byte rows, and the
 * input offset is folded into the bias once per group (bias + offset * the sum of the
 * channel's weights), so a tap is two loads, two multiplies and two adds. Interior pixels
 * walk their taps without bounds (3x3 unrolled); a border pixel reads a padded tap from a
 * row holding the input zero point, whose (x + offset) * w is 0 as the reference's skipped
 * tap. Other groups add the offset per tap and skip padded taps, as the reference.
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
/* Longest window (taps) of a packed group. */
#define ES_MVE_DW_TAPS 49

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
    es_mve_channels even, odd;          /* terms: the bias */
    int32x4_t even_folded, odd_folded;  /* the bias plus offset * the weight sums (packed) */
    mve_pred16_t active;                /* 16-bit lanes: channels c .. c + left - 1 */
    int32_t c, packed;
    int8_t pad[8];                      /* a padded tap of a packed group: the zero point */
    int8_t weights[ES_MVE_DW_TAPS * 8]; /* packed: tap t of channel c + j at 8 * t + j */
} group8;

/* The group's weights tap by tap, and the input offset folded into its terms. */
static void pack_group(const es_dw_conv_params *p, const es_dims *f, const int8_t *filter,
                       group8 *g)
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
    memset(g->pad, (int8_t)(-p->input_offset), sizeof g->pad);
}

static void group_of(const es_dw_conv_params *p, const es_per_channel_quant_params *quant,
                     const es_dims *f, const int8_t *filter, const int32_t *bias, int32_t c,
                     int32_t left, group8 *g)
{
    g->even = parity_channels(quant, bias, c, left);
    g->odd = parity_channels(quant, bias, c + 1, left - 1);
    g->active = vctp16q((uint32_t)left);
    g->c = c;
    /* the zero point -input_offset must be an int8 to stand in for a padded tap */
    g->packed = left == 8 && f->h * f->w <= ES_MVE_DW_TAPS && p->input_offset >= -127 &&
                p->input_offset <= 128;
    if (g->packed) {
        pack_group(p, f, filter, g);
    }
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

/* One tap of a packed group: eight input bytes at `x` times the next eight weights. */
#define ES_MVE_DW_TAP(x)                                                                   \
    do {                                                                                   \
        const int16x8_t tx = vldrbq_s16(x), tw = vldrbq_s16(wp);                           \
        wp += 8;                                                                           \
        even = vaddq_s32(even, vmullbq_int_s16(tx, tw));                                   \
        odd = vaddq_s32(odd, vmulltq_int_s16(tx, tw));                                     \
    } while (0)

/* One tap in assembly: input bytes at [x] and weights at [w, #off] (see ES_MVE_DW_TAP). */
#define ES_MVE_DW_TAP_ASM(x, off)                                                          \
    "vldrb.s16 q0, [" x "]\n"                                                              \
    "vldrb.s16 q1, [%[w], #" off "]\n"                                                     \
    "vmullb.s16 q2, q0, q1\n"                                                              \
    "vadd.i32 %q[e], %q[e], q2\n"                                                          \
    "vmullt.s16 q2, q0, q1\n"                                                              \
    "vadd.i32 %q[o], %q[o], q2\n"

/* The nine taps of an interior 3x3 window at x (taps `tap` bytes apart, rows `row`), the
 * packed weights at w: in assembly, as GCC spills the unrolled taps' pointers to the stack. */
static inline void taps_3x3(const int8_t *x, int32_t tap, int32_t row, const int8_t *w,
                            int32x4_t *even, int32x4_t *odd)
{
    const int8_t *t;
    int32x4_t e = *even, o = *odd;
    __asm__("add %[t], %[x], %[tap]\n" ES_MVE_DW_TAP_ASM("%[x]", "0")
            ES_MVE_DW_TAP_ASM("%[t]", "8")
            "add %[t], %[t], %[tap]\n" ES_MVE_DW_TAP_ASM("%[t]", "16")
            "add %[x], %[x], %[row]\n"
            "add %[t], %[x], %[tap]\n" ES_MVE_DW_TAP_ASM("%[x]", "24")
            ES_MVE_DW_TAP_ASM("%[t]", "32")
            "add %[t], %[t], %[tap]\n" ES_MVE_DW_TAP_ASM("%[t]", "40")
            "add %[x], %[x], %[row]\n"
            "add %[t], %[x], %[tap]\n" ES_MVE_DW_TAP_ASM("%[x]", "48")
            ES_MVE_DW_TAP_ASM("%[t]", "56")
            "add %[t], %[t], %[tap]\n" ES_MVE_DW_TAP_ASM("%[t]", "64")
            : [e] "+w"(e), [o] "+w"(o), [x] "+r"(x), [t] "=&r"(t)
            : [w] "r"(w), [tap] "r"(tap), [row] "r"(row)
            : "q0", "q1", "q2", "memory");
    *even = e;
    *odd = o;
}

/* `count` interior pixels of a packed group from px (the window's first tap), px_step
 * apart, into out, out_step apart: no bounds, the 3x3 window unrolled. */
static void packed_interior(const es_dw_conv_params *p, const es_dims *in, const es_dims *f,
                            const group8 *g, const es_mve_output_stage *stage,
                            const int8_t *px, int32_t count, int8_t *out, int32_t out_step)
{
    const int32_t tap = p->dilation.w * in->c, row = p->dilation.h * in->w * in->c;
    const int32_t px_step = p->stride.w * in->c;
    int32_t n, ky, kx;
    for (n = 0; n < count; ++n, px += px_step, out += out_step) {
        const int8_t *wp = g->weights;
        int32x4_t even = g->even_folded, odd = g->odd_folded;
        if (f->h == 3 && f->w == 3) {
            taps_3x3(px, tap, row, wp, &even, &odd);
        } else {
            for (ky = 0; ky < f->h; ++ky) {
                for (kx = 0; kx < f->w; ++kx) {
                    ES_MVE_DW_TAP(px + ky * row + kx * tap);
                }
            }
        }
        es_mve_output_8(out, even, odd, &g->even, &g->odd, stage, g->active);
    }
}

/* Output pixel (oy, ox) of a packed group at the border: padded taps read g->pad. */
static void packed_border(const es_dw_conv_params *p, const es_dims *in, const int8_t *input,
                          const es_dims *f, const group8 *g, const es_mve_output_stage *stage,
                          int32_t oy, int32_t ox, int8_t *out)
{
    const int32_t y0 = oy * p->stride.h - p->padding.h, x0 = ox * p->stride.w - p->padding.w;
    const int8_t *wp = g->weights;
    int32x4_t even = g->even_folded, odd = g->odd_folded;
    int32_t ky, kx;
    for (ky = 0; ky < f->h; ++ky) {
        const int32_t iy = y0 + ky * p->dilation.h;
        for (kx = 0; kx < f->w; ++kx) {
            const int32_t ix = x0 + kx * p->dilation.w;
            const int inside = iy >= 0 && iy < in->h && ix >= 0 && ix < in->w;
            ES_MVE_DW_TAP(inside ? input + (iy * in->w + ix) * in->c + g->c : g->pad);
        }
    }
    es_mve_output_8(out, even, odd, &g->even, &g->odd, stage, g->active);
}

/* Output pixel (oy, ox) of the group's channels at out (channel c at out[0]), over the
 * window rows ky0 .. ky1 - 1 inside the input, the offset added per tap. */
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
    int32x4_t even = g->even.terms, odd = g->odd.terms;
    inside_taps(x0, p->dilation.w, f->w, in->w, &kx0, &kx1);
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
    es_mve_output_8(out, even, odd, &g->even, &g->odd, stage, g->active);
}

/* Output row oy of the group's channels into out, pixel ox at out + ox * pitch. */
static void group_row(const es_dw_conv_params *p, const es_dims *in, const int8_t *input,
                      const es_dims *f, const int8_t *filter, const group8 *g,
                      const es_mve_output_stage *stage, int32_t oy, int32_t ow, int8_t *out,
                      int32_t pitch)
{
    int32_t ox, ky0, ky1, lo, hi;
    inside_taps(oy * p->stride.h - p->padding.h, p->dilation.h, f->h, in->h, &ky0, &ky1);
    if (!g->packed) {
        for (ox = 0; ox < ow; ++ox) {
            group_pixel(p, in, input, f, filter, g, stage, ky0, ky1, oy, ox, out + ox * pitch);
        }
        return;
    }
    /* interior pixels lo .. hi - 1: the whole window inside the input */
    lo = (p->padding.w + p->stride.w - 1) / p->stride.w;
    hi = in->w - 1 - (f->w - 1) * p->dilation.w + p->padding.w;
    hi = hi < 0 ? 0 : hi / p->stride.w + 1;
    hi = hi < ow ? hi : ow;
    if (ky0 != 0 || ky1 != f->h || lo >= hi) {
        lo = hi = ow; /* every pixel of the row at the border */
    }
    for (ox = 0; ox < lo; ++ox) {
        packed_border(p, in, input, f, g, stage, oy, ox, out + ox * pitch);
    }
    if (lo < hi) {
        packed_interior(p, in, f, g, stage,
                        input + ((oy * p->stride.h - p->padding.h) * in->w + lo * p->stride.w -
                                 p->padding.w) * in->c + g->c,
                        hi - lo, out + lo * pitch, pitch);
    }
    for (ox = hi; ox < ow; ++ox) {
        packed_border(p, in, input, f, g, stage, oy, ox, out + ox * pitch);
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
        group8 g;
        group_of(p, quant, f, filter, bias, c, left, &g);
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
        group8 g;
        group_of(p, quant, f, filter, bias, oc, out->c - oc < 8 ? out->c - oc : 8, &g);
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
