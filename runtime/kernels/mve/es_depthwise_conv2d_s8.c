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
 * walk their taps without bounds (3x3 at strides 1 and 2: two pixels per step in
 * es_nn_mve_dw3x3.h); a border pixel reads a padded tap from a
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
#include "es_nn_mve_dw.h"
#include "es_nn_mve_dw3x3.h"
#include "es_nn_plain.h"

/* Longest window (rows) and bytes on the stack of a band of input rows. */
#define ES_MVE_DW_ROWS 7
#define ES_MVE_DW_BAND 2048

#if ES_MVE

/*
 * A band of padded input rows of a packed group, eight bytes per pixel: slot s holds the
 * input row iy with iy % span == s, its pixel j the column j - padding.w; columns outside
 * the input, and the extra row after the slots (rows outside the input), hold the zero
 * point. Every tap of every output pixel is then inside the band.
 */
typedef struct {
    int8_t *rows;
    int32_t span, width, next; /* slots, pixels per row, next input row to copy */
} band8;

/* Bytes of a band for the layer: 0 if it takes no band (it would not fit the stack). */
static int32_t band_bytes(const es_dw_conv_params *p, const es_dims *f, const es_dims *out)
{
    const int32_t span = (f->h - 1) * p->dilation.h + 1;
    const int32_t width = (out->w - 1) * p->stride.w + (f->w - 1) * p->dilation.w + 1;
    const int32_t bytes = (span + 1) * width * 8;
    return f->h <= ES_MVE_DW_ROWS && bytes <= ES_MVE_DW_BAND ? bytes : 0;
}

/* A band over `rows` (filled with the zero point, band_fill), no input row copied yet. */
static void band_start(const es_dw_conv_params *p, const es_dims *f, const es_dims *out,
                       int8_t *rows, band8 *b)
{
    b->rows = rows;
    b->span = (f->h - 1) * p->dilation.h + 1;
    b->width = (out->w - 1) * p->stride.w + (f->w - 1) * p->dilation.w + 1;
    b->next = 0;
}

/* The zero point in every byte of a band, once per call: a group copies only input
 * columns into its slots, so the padding columns and the row after the slots keep it. */
static void band_fill(const es_dw_conv_params *p, const es_dims *f, const es_dims *out,
                      int8_t *rows)
{
    es_mve_fill(rows, (int8_t)(-p->input_offset), band_bytes(p, f, out));
}

/* The band row of input row iy, its input columns copied when first needed (rows are
 * needed in increasing order, and a slot is reused only once no window reads its row). */
static const int8_t *band_row(const es_dw_conv_params *p, const es_dims *in,
                              const int8_t *input, const es_mve_group8 *g, band8 *b, int32_t iy)
{
    const int32_t first = p->padding.w < b->width ? p->padding.w : b->width;
    const int32_t end = p->padding.w + in->w < b->width ? p->padding.w + in->w : b->width;
    if (iy < 0 || iy >= in->h) {
        return b->rows + b->span * b->width * 8;
    }
    for (; b->next <= iy; ++b->next) {
        const int8_t *src = input + b->next * in->w * in->c + g->c;
        int8_t *dst = b->rows + ((b->next % b->span) * b->width + first) * 8;
        int32_t j;
        for (j = first; j < end; ++j, src += in->c, dst += 8) {
            vstrbq_s16(dst, vldrbq_s16(src)); /* eight bytes, any alignment */
        }
    }
    return b->rows + (iy % b->span) * b->width * 8;
}

/* Output row oy of a packed group from its band, pixel ox at out + ox * pitch. */
static void band_output_row(const es_dw_conv_params *p, const es_dims *in,
                            const int8_t *input, const es_dims *f, const es_mve_group8 *g,
                            const es_mve_output_stage *stage, band8 *b, int32_t oy,
                            int32_t ow, int8_t *out, int32_t pitch)
{
    const int8_t *rows[ES_MVE_DW_ROWS];
    const int32_t step = p->stride.w * 8, tap = p->dilation.w * 8;
    int32_t ky, kx, ox;
    for (ky = 0; ky < f->h; ++ky) {
        rows[ky] = band_row(p, in, input, g, b, oy * p->stride.h - p->padding.h +
                                                    ky * p->dilation.h);
    }
    for (ox = 0; ox < ow; ++ox, out += pitch) {
        const int32_t at = ox * step;
        const int8_t *wp = g->weights;
        int32x4_t even = g->even_folded, odd = g->odd_folded;
        for (ky = 0; ky < f->h; ++ky) {
            for (kx = 0; kx < f->w; ++kx) {
                ES_MVE_DW_TAP(rows[ky] + at + kx * tap);
            }
        }
        vstrbq_s16(out, es_mve_outputs_8(even, odd, &g->even, &g->odd, stage));
    }
}

/* Whether a packed group may write its outputs straight over its input slots: the slots
 * of each output row lie in input rows its band has already copied. */
static int band_in_place(const es_dw_conv_params *p, const es_dims *in, const es_dims *f,
                         const es_dims *out)
{
    int32_t oy;
    for (oy = 0; oy < out->h; ++oy) {
        const int32_t slots_end = ((oy + 1) * out->w - 1) / in->w;
        const int32_t copied = oy * p->stride.h - p->padding.h + (f->h - 1) * p->dilation.h;
        if (slots_end > copied && slots_end < in->h) {
            return 0;
        }
    }
    return 1;
}

/* Every output row of a packed group through its band (in place too, if band_in_place). */
static void band_group(const es_dw_conv_params *p, const es_dims *in, const int8_t *input,
                       const es_dims *f, const es_mve_group8 *g, const es_mve_output_stage *stage,
                       const es_dims *out, int8_t *output, int8_t *rows)
{
    band8 b;
    int32_t oy;
    if (f->h == 3 && f->w == 3 && p->dilation.h == 1 && p->dilation.w == 1 &&
        p->stride.w <= 2) {
        es_mve_dw3x3_group(p, in, input, g, stage, out, output, rows);
        return;
    }
    band_start(p, f, out, rows, &b);
    for (oy = 0; oy < out->h; ++oy) {
        band_output_row(p, in, input, f, g, stage, &b, oy, out->w,
                        output + oy * out->w * out->c + g->c, out->c);
    }
}

/* Every full group of eight channels (packed, in the caller's g) through one band, filled
 * once: its own frame, so that the band and the other groups' ring never share the stack. */
static __attribute__((noinline)) void band_groups(const es_dw_conv_params *p,
                                                  const es_per_channel_quant_params *quant,
                                                  const es_dims *in, const int8_t *input,
                                                  const es_dims *f, const int8_t *filter,
                                                  const int32_t *bias,
                                                  const es_mve_output_stage *stage,
                                                  const es_dims *out, int8_t *output,
                                                  es_mve_group8 *g)
{
    int8_t rows[ES_MVE_DW_BAND + ES_MVE_DW3X3_SLACK]; /* + what a last pair reads past */
    int32_t c;
    band_fill(p, f, out, rows);
    for (c = 0; c + 8 <= out->c; c += 8) {
        es_mve_group_of(p, quant, f, filter, bias, c, 8, g);
        band_group(p, in, input, f, g, stage, out, output, rows);
    }
}

/* Packed groups through a band (with a separate output always, in place where
 * band_in_place allows): whether they do. */
static int use_band(const es_dw_conv_params *p, const es_dims *in, const es_dims *f,
                    const es_dims *out, int in_place)
{
    return es_mve_dw_packable(p, f) && band_bytes(p, f, out) > 0 &&
           (!in_place || band_in_place(p, in, f, out));
}

/* Packed groups through a band, the others through the ring (which then must fit). */
static void mve_inplace(const es_dw_conv_params *p, const es_per_channel_quant_params *quant,
                        const es_dims *in, int8_t *data, const es_dims *f, const int8_t *filter,
                        const int32_t *bias, const es_dims *out, int32_t rows)
{
    const es_mve_output_stage stage = es_mve_output_stage_of(p->output_offset, p->activation);
    const int band = use_band(p, in, f, out, 1);
    es_mve_group8 g;
    int32_t c;
    if (band) { /* channels are independent: the groups may go in any order */
        band_groups(p, quant, in, data, f, filter, bias, &stage, out, data, &g);
    }
    for (c = band ? out->c / 8 * 8 : 0; c < out->c; c += 8) {
        const int32_t left = out->c - c < 8 ? out->c - c : 8;
        es_mve_group_of(p, quant, f, filter, bias, c, left, &g);
        es_mve_ring_group(p, in, data, f, filter, &g, &stage, out, rows, left);
    }
}

static void mve_depthwise(const es_dw_conv_params *p, const es_per_channel_quant_params *quant,
                          const es_dims *in, const int8_t *input, const es_dims *f,
                          const int8_t *filter, const int32_t *bias, const es_dims *out,
                          int8_t *output)
{
    const es_mve_output_stage stage = es_mve_output_stage_of(p->output_offset, p->activation);
    const int band = use_band(p, in, f, out, 0);
    es_mve_group8 g;
    int32_t oc, oy;
    if (band) {
        band_groups(p, quant, in, input, f, filter, bias, &stage, out, output, &g);
    }
    for (oc = band ? out->c / 8 * 8 : 0; oc < out->c; oc += 8) {
        es_mve_group_of(p, quant, f, filter, bias, oc, out->c - oc < 8 ? out->c - oc : 8, &g);
        for (oy = 0; oy < out->h; ++oy) {
            es_mve_group_row(p, in, input, f, filter, &g, &stage, oy, out->w,
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
        const int32_t rows = es_mve_ring_rows(params, input_dims, output_dims->h, output_dims->w);
        /* every group packed and through a band, or a ring that fits */
        const int all_band = output_dims->c % 8 == 0 &&
                             use_band(params, input_dims, filter_dims, output_dims, 1);
        if (all_band || rows * output_dims->w * 8 <= ES_MVE_DW_RING) {
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
