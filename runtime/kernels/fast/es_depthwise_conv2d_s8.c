/*
 * Fast int8 depthwise convolution: the integers of runtime/kernels/ref/es_depthwise_conv2d_s8.c.
 *
 * One output channel at a time (the in-place contract works channel by
 * channel anyway): the input rows of its channel are widened once into int16
 * rows with the input offset added and the padding as 0, kept in a small
 * ring of as many rows as the window spans, so no tap needs a bounds check
 * and no row is widened twice for stride 1. A 3-tap row with dilation 1
 * costs one dual MAC and one MAC per output. Shapes whose rows do not fit
 * ES_FAST_BUFFER take a plain per-output loop with the same output stage.
 * 3x3 windows with dilation 1 whose channel takes the short output stage go
 * to the band planes of es_nn_fast_dw3x3.h instead.
 */
#include "es_nn.h"
#include "es_nn_fast.h"
#include "es_nn_fast_dw3x3.h"

#define MAX_ROWS 16
#define MAX_TAPS 64

/* The int16 rows of a call, and the row stride of the 3x3 planes their zero padding suits. */
typedef struct {
    int16_t values[ES_FAST_BUFFER];
    int32_t filled; /* the padding of the 3x3 planes (es_dw3x3_plane) */
} row_buffer;

/* One output channel's plane: where its outputs go and what it reads. */
typedef struct {
    const es_dw_conv_params *p;
    const es_dims *in;
    const es_dims *out;
    int32_t row_len;  /* widened row: every x a window of the plane touches */
    int32_t ring;     /* rows the window spans */
    int16_t *rows;    /* ring rows, then a row of zeros */
} plane_geometry;

static void widen_row(const plane_geometry *g, const int8_t *input, int32_t in_c, int32_t iy,
                      int16_t *row)
{
    const int32_t channels = g->in->c;
    const int8_t *src = input + iy * g->in->w * channels + in_c;
    int32_t j;
    for (j = 0; j < g->row_len; ++j) {
        const int32_t ix = j - g->p->padding.w;
        row[j] = (int16_t)(ix >= 0 && ix < g->in->w ? src[ix * channels] + g->p->input_offset
                                                     : 0);
    }
}

/* One output of a 3x3 window with dilation 1: a dual MAC and a MAC per row. */
static inline int32_t taps_3x3(const int16_t *r0, const int16_t *r1, const int16_t *r2,
                               const uint32_t *pairs, const int32_t *w, int32_t acc)
{
    acc = es_fast_dual_mac(es_fast_load32(r0), pairs[0], acc) + r0[2] * w[2];
    acc = es_fast_dual_mac(es_fast_load32(r1), pairs[1], acc) + r1[2] * w[5];
    return es_fast_dual_mac(es_fast_load32(r2), pairs[2], acc) + r2[2] * w[8];
}

/* One output row of a 3x3 window with dilation 1; returns where the next row goes. */
static int8_t *row_3x3(const int16_t *const *rows, const uint32_t *pairs, const int32_t *w,
                       int32_t bias, const es_fast_requant *r, const plane_geometry *g,
                       int8_t *dst, int32_t stride)
{
    const int16_t *r0 = rows[0], *r1 = rows[1], *r2 = rows[2];
    const int32_t step = g->p->stride.w, offset = g->p->output_offset;
    const es_activation act = g->p->activation;
    const es_fast_requant q = *r;
    int32_t ox;
    for (ox = 0; ox < g->out->w; ++ox, r0 += step, r1 += step, r2 += step, dst += stride) {
        *dst = es_fast_output_s8(taps_3x3(r0, r1, r2, pairs, w, bias), &q, offset, act);
    }
    return dst;
}

/* Any window: rows[ky] is the widened row of tap row ky (the zero row in the padding). */
static inline int32_t taps_any(const int16_t *const *rows, int32_t x, const es_dims *f,
                               int32_t dilation, const int32_t *w)
{
    int32_t acc = 0;
    int32_t ky, kx;
    for (ky = 0; ky < f->h; ++ky) {
        const int16_t *r = rows[ky] + x;
        for (kx = 0; kx < f->w; ++kx) {
            acc += r[kx * dilation] * *w++;
        }
    }
    return acc;
}

/* Outputs of channel oc (reading input channel in_c) to dst[k * stride], k in row-major order. */
static void plane(const plane_geometry *g, const es_per_channel_quant_params *quant,
                  const int8_t *input, int32_t in_c, const es_dims *f, const int8_t *filter,
                  const int32_t *bias, int32_t oc, int8_t *dst, int32_t stride)
{
    const es_dw_conv_params *p = g->p;
    const es_fast_requant r = es_fast_requant_of(quant->multiplier[oc], quant->shift[oc]);
    const int32_t b = bias != NULL ? bias[oc] : 0;
    const int fast3 = f->h == 3 && f->w == 3 && p->dilation.w == 1;
    const int16_t *zero_row = g->rows + g->ring * g->row_len;
    int32_t taps[MAX_TAPS];
    uint32_t pairs[MAX_ROWS];
    int32_t held[MAX_ROWS];
    const int16_t *rows[MAX_ROWS];
    int32_t oy, ox, ky, k;
    for (k = 0; k < f->h * f->w; ++k) {
        taps[k] = filter[k * f->c + oc];
    }
    for (ky = 0; ky < f->h; ++ky) {
        pairs[ky] = (uint32_t)(taps[ky * f->w] & 0xFFFF) |
                    (f->w > 1 ? (uint32_t)taps[ky * f->w + 1] << 16 : 0u);
    }
    for (k = 0; k < g->ring; ++k) {
        held[k] = -1;
    }
    for (oy = 0; oy < g->out->h; ++oy) {
        for (ky = 0; ky < f->h; ++ky) {
            const int32_t iy = oy * p->stride.h - p->padding.h + ky * p->dilation.h;
            const int32_t slot = iy >= 0 ? iy % g->ring : 0;
            rows[ky] = zero_row; /* a padding row adds 0 */
            if (iy >= 0 && iy < g->in->h) {
                rows[ky] = g->rows + slot * g->row_len;
                if (held[slot] != iy) {
                    widen_row(g, input, in_c, iy, g->rows + slot * g->row_len);
                    held[slot] = iy;
                }
            }
        }
        if (fast3) {
            dst = row_3x3(rows, pairs, taps, b, &r, g, dst, stride);
            continue;
        }
        for (ox = 0; ox < g->out->w; ++ox) {
            const int32_t acc = taps_any(rows, ox * p->stride.w, f, p->dilation.w, taps);
            *dst = es_fast_output_s8(acc + b, &r, p->output_offset, p->activation);
            dst += stride;
        }
    }
}

/* The reference's per-output loop, for windows the row ring cannot hold. */
static void plain_plane(const es_dw_conv_params *p, const es_per_channel_quant_params *quant,
                        const es_dims *in, const int8_t *input, int32_t in_c, const es_dims *f,
                        const int8_t *filter, const int32_t *bias, const es_dims *out, int32_t oc,
                        int8_t *dst, int32_t stride)
{
    const es_fast_requant r = es_fast_requant_of(quant->multiplier[oc], quant->shift[oc]);
    int32_t oy, ox, ky, kx;
    for (oy = 0; oy < out->h; ++oy) {
        for (ox = 0; ox < out->w; ++ox) {
            int32_t acc = bias != NULL ? bias[oc] : 0;
            for (ky = 0; ky < f->h; ++ky) {
                const int32_t iy = oy * p->stride.h - p->padding.h + ky * p->dilation.h;
                for (kx = 0; kx < f->w && iy >= 0 && iy < in->h; ++kx) {
                    const int32_t ix = ox * p->stride.w - p->padding.w + kx * p->dilation.w;
                    if (ix >= 0 && ix < in->w) {
                        acc += filter[(ky * f->w + kx) * f->c + oc] *
                               (input[(iy * in->w + ix) * in->c + in_c] + p->input_offset);
                    }
                }
            }
            *dst = es_fast_output_s8(acc, &r, p->output_offset, p->activation);
            dst += stride;
        }
    }
}

/* The 3x3 planes of a call (es_nn_fast_dw3x3.h), set up once for all its channels. */
typedef struct {
    es_dw3x3_geometry g;
    const uint8_t *order; /* the filter's taps in the lines' order */
    int32_t input_bound;
    int ok;               /* the call's shape takes the planes */
} planes_3x3;

static const uint8_t taps_by_rows[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
static const uint8_t taps_by_columns[9] = {0, 3, 6, 1, 4, 7, 2, 5, 8};

/*
 * The planes of a call writing dst[k * stride]: for 3x3 windows with dilation 1;
 * `whole`: only where dst may be the channel's input (es_dw3x3_in_place).
 */
static void planes_of(planes_3x3 *c, const es_dw_conv_params *p, const es_dims *in,
                      const es_dims *f, const es_dims *out, int32_t stride, int whole)
{
    c->ok = f->h == 3 && f->w == 3 && p->dilation.h == 1 && p->dilation.w == 1 &&
            es_fast_offset_fits(p->input_offset);
    if (!c->ok) {
        return;
    }
    c->g = es_dw3x3_geometry_of(p, in, out, stride);
    es_dw3x3_layout(&c->g, ES_FAST_BUFFER);
    c->ok = c->g.band > 0 && (!whole || es_dw3x3_in_place(&c->g));
    c->order = c->g.columns ? taps_by_columns : taps_by_rows;
    c->input_bound = (int32_t)es_fast_input_bound(p->input_offset);
}

/*
 * Channel oc's weights and output stage for the planes, or 0 where its
 * multiplier is negative (no real layer has one: es_fast_short_value2's sign) or
 * its accumulator bound (bias, weights, input range) rules out the short form.
 */
static int channel_3x3(const planes_3x3 *c, const es_dw_conv_params *p,
                       const es_per_channel_quant_params *quant, const es_dims *f,
                       const int8_t *filter, const int32_t *bias, int32_t oc,
                       es_dw3x3_channel *t)
{
    const es_fast_requant r = es_fast_requant_of(quant->multiplier[oc], quant->shift[oc]);
    const int8_t *taps = filter + oc;
    const int32_t step = f->c;
    es_fast_short s;
    int32_t k, sum = 0, total = 0, w[9];
    t->bias = bias != NULL ? bias[oc] : 0;
    for (k = 0; k < 9; ++k) {
        w[k] = taps[c->order[k] * step];
        sum += w[k] < 0 ? -w[k] : w[k];
        total += w[k];
    }
    if (r.multiplier < 0 ||
        !es_fast_short_fits(&r, (t->bias < 0 ? -(int64_t)t->bias : t->bias) +
                                    (int64_t)sum * c->input_bound)) {
        return 0;
    }
    for (k = 0; k < 3; ++k) {
        t->w[2 * k] = es_fast_halves(2 * w[3 * k], 2 * w[3 * k + 1]);
        t->w[2 * k + 1] = es_fast_halves(2 * w[3 * k + 1], 2 * w[3 * k + 2]);
    }
    /* |bias| < 2^29 by the bound, |offset * total| < 2^26: the sum fits, doubled too */
    t->bias = 2 * (t->bias + p->input_offset * total);
    s = es_fast_short_of(&r, p->output_offset, p->activation);
    t->multiplier = s.multiplier;
    t->round = s.round;
    t->right = s.right;
    return 1;
}

/* Output channel oc into dst[k * stride] (the stride `planes` was set up for). */
static void channel(const planes_3x3 *planes, const es_dw_conv_params *p,
                    const es_per_channel_quant_params *quant, const es_dims *in,
                    const int8_t *input, const es_dims *f, const int8_t *filter,
                    const int32_t *bias, const es_dims *out, int32_t oc, row_buffer *rows,
                    int8_t *dst, int32_t stride)
{
    plane_geometry g;
    es_dw3x3_channel t;
    const int32_t in_c = oc / p->depth_multiplier;
    if (planes->ok && channel_3x3(planes, p, quant, f, filter, bias, oc, &t)) {
        es_dw3x3_plane(&planes->g, input + in_c, &t, p->activation, rows->values, &rows->filled,
                       dst);
        return;
    }
    g.p = p;
    g.in = in;
    g.out = out;
    g.row_len = (out->w - 1) * p->stride.w + (f->w - 1) * p->dilation.w + 1;
    g.ring = (f->h - 1) * p->dilation.h + 1;
    g.rows = rows->values;
    rows->filled = 0; /* the ring's rows overwrite the planes' padding */
    if (g.ring > MAX_ROWS || f->h * f->w > MAX_TAPS ||
        (g.ring + 1) * g.row_len > ES_FAST_BUFFER ||
        !es_fast_offset_fits(p->input_offset)) {
        plain_plane(p, quant, in, input, in_c, f, filter, bias, out, oc, dst, stride);
    } else {
        memset(g.rows + g.ring * g.row_len, 0, (size_t)g.row_len * sizeof *g.rows);
        plane(&g, quant, input, in_c, f, filter, bias, oc, dst, stride);
    }
}

es_status es_depthwise_conv2d_s8(const es_context *ctx, const es_dw_conv_params *params,
                                 const es_per_channel_quant_params *quant,
                                 const es_dims *input_dims, const int8_t *input,
                                 const es_dims *filter_dims, const int8_t *filter,
                                 const int32_t *bias, const es_dims *output_dims, int8_t *output)
{
    row_buffer rows;
    planes_3x3 planes;
    es_status status;
    int32_t oc;
    (void)ctx;
    status = es_dw_conv_begin_s8(params, quant, input_dims, input, filter_dims, filter,
                                 output_dims, output);
    if (status != ES_OK) {
        return status;
    }
    rows.filled = 0;
    planes_of(&planes, params, input_dims, filter_dims, output_dims, output_dims->c, 0);
    for (oc = 0; oc < output_dims->c; ++oc) {
        channel(&planes, params, quant, input_dims, input, filter_dims, filter, bias,
                output_dims, oc, &rows, output + oc, output_dims->c);
    }
    return ES_OK;
}

/*
 * As the reference: channel c's plane goes to scratch, then over channel c's slots;
 * a 3x3 plane that widens the whole channel before writing goes to its slots directly.
 */
es_status es_depthwise_conv2d_s8_inplace(const es_context *ctx, const es_dw_conv_params *params,
                                         const es_per_channel_quant_params *quant,
                                         const es_dims *input_dims, int8_t *data,
                                         const es_dims *filter_dims, const int8_t *filter,
                                         const int32_t *bias, const es_dims *output_dims,
                                         int8_t *scratch)
{
    row_buffer rows;
    planes_3x3 direct, planes;
    es_dw3x3_channel t;
    int32_t c, px, channels, pixels;
    es_status status;
    (void)ctx;
    status = es_dw_conv_inplace_check_s8(params, quant, input_dims, data, filter_dims, filter,
                                         output_dims, scratch);
    if (status != ES_OK) {
        return status;
    }
    channels = output_dims->c;
    pixels = output_dims->h * output_dims->w;
    rows.filled = 0;
    planes_of(&direct, params, input_dims, filter_dims, output_dims, channels, 1);
    planes_of(&planes, params, input_dims, filter_dims, output_dims, 1, 0);
    for (c = 0; c < channels; ++c) {
        if (direct.ok && channel_3x3(&direct, params, quant, filter_dims, filter, bias, c, &t)) {
            es_dw3x3_plane(&direct.g, data + c, &t, params->activation, rows.values, &rows.filled,
                           data + c);
            continue;
        }
        channel(&planes, params, quant, input_dims, data, filter_dims, filter, bias, output_dims,
                c, &rows, scratch, 1);
        for (px = 0; px < pixels; ++px) {
            data[px * channels + c] = scratch[px];
        }
    }
    return ES_OK;
}

int32_t es_depthwise_conv2d_s8_get_buffer_size(const es_dims *input_dims,
                                               const es_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}
