/*
 * Fast int8 2-D convolution on int16 weights laid out offline (es_nn_fast_w16.h):
 * the integers of es_conv2d_s8 on the int8 weights they came from.
 *
 * The bias holds bias + input_offset * sum(row), so the windows enter the products
 * raw and a tap in the padding reads -input_offset (its term cancels the folded
 * offset's). Two output pixels at a time, their windows are widened into one
 * buffer of int16 pairs, interleaved pixel by pixel (es_nn_fast_conv_fill.h); every
 * block of 4 output channels then runs 2x4 dot products over it, the weights read as
 * stored (doubled), and the blocks whose channels take the short stage run with it in
 * one pass (es_nn_fast_conv_blocks.h: SSAT to 8, 4 or 2 bits, any other clamp applied
 * to the block's outputs after it); the others, and the
 * channels after the last block, halve their accumulators for the general stages.
 * A window longer than the buffer takes a plain loop over the same layout.
 *
 * With params->one_multiply_scale = S (layers with narrow accumulators, such as a
 * QuantMCU low-bit branch's: edgesmith.codegen.c_one_multiply) the rows are stored
 * times S and the bias holds three words a channel, the accumulator's start, the
 * multiplier and the constant of the one-multiply stage (SMMLAR, SSAT): every block
 * runs it, and quant is not read.
 */
#include "es_nn.h"
#include "es_nn_fast.h"
#include "es_nn_fast_conv_blocks.h"
#include "es_nn_fast_conv_fill.h"
#include "es_nn_fast_conv_stage.h"
#include "es_nn_fast_w16.h"

/*
 * acc[j] = column 0 . row j and acc[4 + j] = column 1 . row j for the 4 rows of a
 * block, over `pairs` pairs; the columns interleaved word by word (pair p of column 0,
 * then of column 1), so one LDRD fetches both pixels' pair. Out of line: its loop needs
 * 14 registers, which a caller with values of its own cannot free.
 */
static ES_FAST_NOINLINE void es_w16_block_2x4(const uint32_t *x, const int32_t *w, int32_t pairs,
                                    int32_t acc[8])
{
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    const uint32_t *ww = (const uint32_t *)w;
#if ES_FAST_INTRINSICS
    if (pairs & 1) { /* an odd pair first, so the loop takes two at a time */
        a0 = es_w16_mac(x[0], ww[0], a0);
        b0 = es_w16_mac(x[1], ww[0], b0);
        a1 = es_w16_mac(x[0], ww[1], a1);
        b1 = es_w16_mac(x[1], ww[1], b1);
        a2 = es_w16_mac(x[0], ww[2], a2);
        b2 = es_w16_mac(x[1], ww[2], b2);
        a3 = es_w16_mac(x[0], ww[3], a3);
        b3 = es_w16_mac(x[1], ww[3], b3);
        x += 2;
        ww += 4;
    }
    if (pairs >= 2) {
        /* 14 registers live; the end is read from the stack once per 32 MACs:
         * 25 instructions per 32 MACs */
        const uint32_t *end = x + 2 * (pairs & ~1);
        uint32_t xa, xb, wa, wb;
        __asm__ volatile("1:\n\t"
                         "ldrd %[xa], %[xb], [%[x]], #8\n\t"
                         "ldrd %[wa], %[wb], [%[w]], #8\n\t"
                         "smlad %[a0], %[xa], %[wa], %[a0]\n\t"
                         "smlad %[b0], %[xb], %[wa], %[b0]\n\t"
                         "smlad %[a1], %[xa], %[wb], %[a1]\n\t"
                         "smlad %[b1], %[xb], %[wb], %[b1]\n\t"
                         "ldrd %[wa], %[wb], [%[w]], #8\n\t"
                         "smlad %[a2], %[xa], %[wa], %[a2]\n\t"
                         "smlad %[b2], %[xb], %[wa], %[b2]\n\t"
                         "smlad %[a3], %[xa], %[wb], %[a3]\n\t"
                         "smlad %[b3], %[xb], %[wb], %[b3]\n\t"
                         "ldrd %[xa], %[xb], [%[x]], #8\n\t"
                         "ldrd %[wa], %[wb], [%[w]], #8\n\t"
                         "smlad %[a0], %[xa], %[wa], %[a0]\n\t"
                         "smlad %[b0], %[xb], %[wa], %[b0]\n\t"
                         "smlad %[a1], %[xa], %[wb], %[a1]\n\t"
                         "smlad %[b1], %[xb], %[wb], %[b1]\n\t"
                         "ldrd %[wa], %[wb], [%[w]], #8\n\t"
                         "smlad %[a2], %[xa], %[wa], %[a2]\n\t"
                         "smlad %[b2], %[xb], %[wa], %[b2]\n\t"
                         "smlad %[a3], %[xa], %[wb], %[a3]\n\t"
                         "smlad %[b3], %[xb], %[wb], %[b3]\n\t"
                         "ldr %[wa], %[end]\n\t"
                         "cmp %[x], %[wa]\n\t"
                         "bne 1b\n\t"
                         : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3),
                           [b0] "+r"(b0), [b1] "+r"(b1), [b2] "+r"(b2), [b3] "+r"(b3),
                           [x] "+r"(x), [w] "+r"(ww), [xa] "=&r"(xa), [xb] "=&r"(xb),
                           [wa] "=&r"(wa), [wb] "=&r"(wb)
                         : [end] "m"(end)
                         : "cc", "memory");
    }
#else
    int32_t p;
    for (p = 0; p < pairs; ++p, x += 2, ww += 4) {
        a0 = es_w16_mac(x[0], ww[0], a0);
        b0 = es_w16_mac(x[1], ww[0], b0);
        a1 = es_w16_mac(x[0], ww[1], a1);
        b1 = es_w16_mac(x[1], ww[1], b1);
        a2 = es_w16_mac(x[0], ww[2], a2);
        b2 = es_w16_mac(x[1], ww[2], b2);
        a3 = es_w16_mac(x[0], ww[3], a3);
        b3 = es_w16_mac(x[1], ww[3], b3);
    }
#endif
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
    acc[4] = b0;
    acc[5] = b1;
    acc[6] = b2;
    acc[7] = b3;
}

/* The stages of one chunk of output channels: the blocks of 4 that run es_conv_blocks, and
 * the channels after the last block (fewer than 4). */
typedef struct {
    es_conv_block_stage blocks[ES_FAST_CONV_CHUNK / 4];
    /* per block, how many blocks from it on take the short stage (0: it does not): a pixel
     * pair runs them in one call without testing each block again */
    unsigned char run[ES_FAST_CONV_CHUNK / 4];
    es_fast_channel_stage tail[3];
    es_conv_blocks_fn blocks_fn; /* the blocks' function for the layer's clamp */
    int narrow;                  /* whether their outputs are clamped again after them */
} es_conv_chunk;

static void prepare_chunk(const es_conv_params *p, const es_per_channel_quant_params *quant,
                          const int32_t *bias, int64_t dot_bound, int32_t channels,
                          int32_t first, int32_t count, es_conv_chunk *ch)
{
    const int32_t blocked = channels & ~3;
    const int bits = es_fast_ssat_bits(p->activation.min, p->activation.max);
    const int one_multiply = p->one_multiply_scale != 0;
    int32_t oc, b;
    ch->blocks_fn = es_conv_blocks_of(bits, one_multiply ? -1
                                                         : es_fast_sign_is_moot(p->activation.min,
                                                                                p->output_offset));
    ch->narrow = !ES_CONV_BLOCKS_CLAMP(bits);
    for (oc = first; oc < first + count && oc < blocked; oc += 4) {
        b = (oc - first) / 4;
        if (one_multiply) { /* every block takes it: the table has each channel's */
            es_conv_block_one_multiply(bias, oc, &ch->blocks[b]);
            ch->run[b] = 1;
        } else {
            ch->run[b] = (unsigned char)es_conv_block_prepare(p, quant, bias, dot_bound, oc,
                                                              &ch->blocks[b]);
        }
    }
    for (b = (oc - first) / 4 - 2; b >= 0; --b) { /* a fused block's run goes on into the next */
        ch->run[b] = (unsigned char)(ch->run[b] ? ch->run[b] + ch->run[b + 1] : 0);
    }
    if (oc < first + count && !one_multiply) {
        es_fast_prepare_stages(p, quant, bias, dot_bound, oc, first + count - oc, ch->tail);
    }
}

/* Output channel oc of dot (the rows' scale included) on a one-multiply table, clamped. */
static int8_t one_multiply_output(const es_conv_params *p, const int32_t *table, int32_t oc,
                                  int32_t dot)
{
    const int32_t v = es_fast_one_multiply(dot + table[3 * oc], table[3 * oc + 1],
                                           table[3 * oc + 2]);
    return es_clamp_to_s8(v, p->activation);
}

/* Channels first .. first + count - 1 of two pixels (out1 = out0 for a pixel alone). The
 * rows are doubled: the accumulators of the plain paths are halved before their stage. */
static void pixel_pair(const es_conv_params *p, const es_per_channel_quant_params *quant,
                       const int32_t *filter, int32_t channels, int32_t pairs,
                       const es_conv_chunk *ch, const int32_t *bias, int32_t first,
                       int32_t count, const uint32_t *cols, int8_t *out0, int8_t *out1)
{
    const int32_t end = first + count, blocked = channels & ~3;
    int32_t oc = first, j;
    while (oc < end && oc < blocked) {
        const int32_t b = (oc - first) / 4;
        if (ch->run[b] != 0) { /* a run of blocks in one call */
            const int32_t n = ch->run[b];
            ch->blocks_fn(cols, pairs, filter + oc * pairs, &ch->blocks[b], n, out0 + oc,
                          (int32_t)(out1 - out0));
            if (ch->narrow) {
                es_conv_clamp_outputs(out0 + oc, 4 * n, p->activation);
                es_conv_clamp_outputs(out1 + oc, 4 * n, p->activation);
            }
            oc += 4 * n;
        } else {
            int32_t acc[8];
            es_w16_block_2x4(cols, filter + oc * pairs, pairs, acc);
            for (j = 0; j < 4; ++j) {
                es_fast_output_general(p, quant, bias[oc + j], oc + j, acc[j] >> 1,
                                       acc[4 + j] >> 1, out0, out1);
            }
            oc += 4;
        }
    }
    for (j = 0; oc < end; ++oc, ++j) { /* the channels after the last block of 4 */
        const int32_t *row = filter + oc * pairs;
        if (p->one_multiply_scale != 0) {
            out0[oc] = one_multiply_output(p, bias, oc, es_w16_dot(cols, 2, row, pairs));
            out1[oc] = one_multiply_output(p, bias, oc, es_w16_dot(cols + 1, 2, row, pairs));
            continue;
        }
        es_fast_output_channel(p, quant, &ch->tail[j], oc, es_w16_dot(cols, 2, row, pairs) >> 1,
                               es_w16_dot(cols + 1, 2, row, pairs) >> 1, out0, out1);
    }
}

/* Every output by the window loop, for windows the pair buffer cannot hold. */
static void plain_conv(const es_conv_params *p, const es_per_channel_quant_params *quant,
                       const es_dims *in, const int8_t *input, const es_dims *f,
                       const int32_t *filter, const int32_t *bias, const es_dims *out,
                       int8_t *output)
{
    const int32_t row_len = f->w * f->c + (f->w * f->c & 1), pairs = f->h * row_len / 2;
    int32_t oy, ox, oc, ky, kx, ic;
    for (oy = 0; oy < out->h; ++oy) {
        for (ox = 0; ox < out->w; ++ox, output += f->n) {
            for (oc = 0; oc < f->n; ++oc) {
                int32_t acc = 0, k;
                for (ky = 0; ky < f->h; ++ky) {
                    k = ky * row_len;
                    const int32_t iy = oy * p->stride.h - p->padding.h + ky * p->dilation.h;
                    for (kx = 0; kx < f->w; ++kx) {
                        const int32_t ix = ox * p->stride.w - p->padding.w + kx * p->dilation.w;
                        const int inside = iy >= 0 && iy < in->h && ix >= 0 && ix < in->w;
                        for (ic = 0; ic < f->c; ++ic, ++k) {
                            const int32_t x = inside ? input[(iy * in->w + ix) * in->c + ic]
                                                     : -p->input_offset;
                            acc += es_w16_weight(filter, f->n, pairs, oc, k) * x; /* 2 w */
                        }
                    }
                }
                if (p->one_multiply_scale != 0) {
                    output[oc] = one_multiply_output(p, bias, oc, acc);
                } else {
                    es_fast_output_general(p, quant, bias[oc], oc, acc >> 1, 0, output, output);
                }
            }
        }
    }
}

es_status es_conv2d_s8_w16(const es_context *ctx, const es_conv_params *params,
                           const es_per_channel_quant_params *quant, const es_dims *input_dims,
                           const int8_t *input, const es_dims *filter_dims, const int32_t *filter,
                           const int32_t *bias, const es_dims *output_dims, int8_t *output)
{
    uint32_t cols[ES_FAST_BUFFER / 2];
    es_conv_chunk chunk;
    es_conv_fill fill;
    es_window win;
    es_status status;
    int32_t pairs, pixels, px, first, count, magnitude, c;
    int pointwise;
    (void)ctx;
    status = es_conv_begin_s8(&win, params, quant, input_dims, input, filter_dims,
                              (const int8_t *)filter, output_dims, output);
    if (status != ES_OK) {
        return status;
    }
    if (bias == NULL) {
        return ES_ERR_ARG; /* the folded offset lives in the bias */
    }
    /* every kernel row starts on a pair (a 0 weight after an odd row) */
    pairs = filter_dims->h * ((filter_dims->w * filter_dims->c + 1) / 2);
    if (2 * pairs > ES_FAST_BUFFER / 2 || !es_fast_offset_fits(params->input_offset)) {
        plain_conv(params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                   output);
        return ES_OK;
    }
    magnitude = params->input_offset < 0 ? -params->input_offset : params->input_offset;
    c = input_dims->c;
    pointwise = filter_dims->h == 1 && filter_dims->w == 1 && params->stride.h == 1 &&
                params->stride.w == 1 && params->padding.h == 0 && params->padding.w == 0 &&
                output_dims->h == input_dims->h && output_dims->w == input_dims->w;
    fill = fill_of(params, input_dims, filter_dims, input);
    pixels = output_dims->h * output_dims->w;
    for (first = 0; first < filter_dims->n; first += count) {
        count = filter_dims->n - first;
        count = count < ES_FAST_CONV_CHUNK ? count : ES_FAST_CONV_CHUNK;
        prepare_chunk(params, quant, bias,
                      (int64_t)pairs * 2 * 128 * (magnitude > 128 ? magnitude : 128),
                      filter_dims->n, first, count, &chunk);
        for (px = 0; px < pixels; px += 2) {
            const int two = px + 1 < pixels;
            /* a last pixel alone fills both halves; its second outputs are overwritten */
            if (pointwise) { /* output pixel px reads input pixel px: both in one pass */
                fill_rows2(cols, input + px * c, two ? c : 0, 1, c, 0);
            } else {
                const int32_t oy = px / output_dims->w, ox = px % output_dims->w;
                if (!two || ox + 1 >= output_dims->w || !fill_pair(&fill, oy, ox, cols)) {
                    fill_pixel(&fill, oy, ox, 0, cols);
                    fill_pixel(&fill, (px + two) / output_dims->w, (px + two) % output_dims->w,
                               1, cols);
                }
            }
            pixel_pair(params, quant, filter, filter_dims->n, pairs, &chunk, bias, first, count,
                       cols, output + px * filter_dims->n,
                       output + (two ? px + 1 : px) * filter_dims->n);
        }
    }
    return ES_OK;
}
