/*
 * int8 2-D convolution with Helium (MVE, Armv8.1-M: Cortex-M55): the integers of
 * runtime/kernels/ref/es_conv2d_s8.c.
 *
 * The window of each output pixel is copied once as int8 (taps in the padding hold the
 * input zero point, so that they add nothing), and (x + input_offset) * w is summed as
 * x * w plus input_offset times the channel's weight sum, prepared per call with the
 * bias (a 1x1 window at stride 1 is read where it is, four channels over every pixel at a
 * time). Four output channels at a time:
 * VMLADAVA adds 16 int8 products into a scalar per load of 16 weights, the tail of a
 * window is predicated. The
 * requantization runs on the four channels at once (es_nn_mve.h). Without MVE, or for
 * windows too long for the column buffer, the reference's window loop runs instead
 * (es_nn_plain.h).
 */
#include <stddef.h>

#include "es_nn.h"
#include "es_nn_mve.h"
#include "es_nn_plain.h"

/* Longest window (taps x input channels) the int8 column on the stack holds. */
#define ES_MVE_CONV_DEPTH 1024
/* Output channels whose bias terms a call prepares at once. */
#define ES_MVE_CONV_CHUNK 64
/* Longest window of the small-window path (two vectors), and channels it packs at once. */
#define ES_MVE_SMALL_K 32
#define ES_MVE_SMALL_N 32
/* Windows of the small-window path a batch gathers (ES_MVE_SMALL_K bytes each). */
#define ES_MVE_SMALL_COLS 32

#if ES_MVE

/* The window of output pixel (oy, ox) into col as int8; taps in the padding hold pad. */
static void fill_column(const es_conv_params *p, const es_dims *in, const es_dims *f,
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
static void prepare_terms(const es_conv_params *p, const int8_t *filter, const int32_t *bias,
                          int32_t depth, int32_t first, int32_t count, int32_t *terms)
{
    int32_t k;
    for (k = 0; k < count; ++k) {
        const int32_t oc = first + k;
        terms[k] = (bias != NULL ? bias[oc] : 0) +
                   p->input_offset * es_mve_sum_s8(filter + oc * depth, depth);
    }
}

/* Rows of the four weight rows of channels oc.. (a channel past the last repeats the last
 * one: computed, never stored). */
static void group_rows(const int8_t *filter, int32_t depth, int32_t oc, int32_t left,
                       const int8_t *rows[4])
{
    int32_t j;
    for (j = 0; j < 4; ++j) {
        rows[j] = filter + (oc + (j < left ? j : left - 1)) * depth;
    }
}

/* Channels first .. first + count - 1 of one pixel from its column, four at a time. */
static void pixel_channels(const es_per_channel_quant_params *quant, const int8_t *filter,
                           const int32_t *terms, int32_t depth, int32_t first, int32_t count,
                           const int8_t *col, const es_mve_output_stage *stage, int8_t *out)
{
    int32_t k;
    for (k = 0; k < count; k += 4) {
        const int8_t *rows[4];
        const es_mve_channels c = es_mve_channels_of(quant, terms + k, first + k, count - k);
        group_rows(filter, depth, first + k, count - k, rows);
        es_mve_output_4(out + first + k,
                        es_mve_dot_1x4(col, rows[0], rows[1], rows[2], rows[3], depth), &c,
                        stage);
    }
}

/*
 * Small windows (K <= 32: VWW's first 3x3 layer, 1x1 layers with up to 32 input channels):
 * a pixel's window is one or two vectors held in registers, and eight output channels
 * take eight (or sixteen) VMLADAV over weights packed per call, their requantization
 * prepared once per call and one narrowing store per eight outputs (es_mve_outputs_8).
 * Packed: per eight channels the even ones then the odd ones (the lanes of
 * es_mve_outputs_8), each row zero-padded to the window's vectors.
 */
typedef struct {
    /* a group's channels first: near their base, in reach of VLDRW's immediate offsets */
    struct {
        es_mve_channels even, odd;
    } group[ES_MVE_SMALL_N / 8];
    int32_t row; /* bytes per packed row: 16 or 32 */
    int8_t weights[ES_MVE_SMALL_N * ES_MVE_SMALL_K];
} small_k;

static void pack_small_k(const es_per_channel_quant_params *quant, const int8_t *filter,
                         const int32_t *terms, int32_t depth, int32_t first, int32_t count,
                         small_k *s)
{
    int32_t j;
    s->row = depth <= 16 ? 16 : 32;
    for (j = 0; j < (count + 7) / 8 * 8; ++j) {
        /* channel j of its group of eight goes to row j / 2 (even) or 4 + j / 2 (odd) */
        int8_t *row = s->weights + ((j & ~7) + (j & 1) * 4 + (j & 7) / 2) * s->row;
        es_mve_fill(row, 0, s->row);
        if (j < count) {
            es_mve_copy(row, filter + (first + j) * depth, depth);
        }
    }
    for (j = 0; j < count; j += 8) {
        s->group[j / 8].even = es_mve_parity_channels(terms + j, quant->multiplier + first + j,
                                                quant->shift + first + j, count - j);
        s->group[j / 8].odd = es_mve_parity_channels(terms + j + 1, quant->multiplier + first + j + 1,
                                               quant->shift + first + j + 1, count - j - 1);
    }
}

/*
 * One pixel of a small-window group in assembly (GCC spills the intrinsics' version): the
 * window (one or two vectors, predicated to the depth) dotted with the group's eight packed
 * rows by VMLADAV into even registers, the four even and the four odd channels moved into
 * the lanes of q3 and q4, requantized with the group's channels (even at ch, odd at
 * ch + 72, es_mve_channels) and the output stage (offset at st, clamp at st + 48 and 64),
 * narrowed into one store of `left` (at most eight) bytes.
 */
/* Row r of four (at byte off of base) dotted with the window into the even register s. */
#define ES_MVE_DOT16(s, base, off)                                                         \
    "vldrb.8 q2, [%[" base "], #" off "]\n vmladav.s8 %[" s "], q0, q2\n"
#define ES_MVE_DOT32(s, base, off, off2)                                                   \
    ES_MVE_DOT16(s, base, off)                                                             \
    "vldrb.8 q2, [%[" base "], #" off2 "]\n vmladava.s8 %[" s "], q1, q2\n"
/* The four sums as the lanes of q. */
#define ES_MVE_LANES(q)                                                                    \
    "vdup.32 " q ", %[s0]\n vmov.32 " q "[1], %[s1]\n vmov.32 " q "[2], %[s2]\n"           \
    "vmov.32 " q "[3], %[s3]\n"
/* Lanes of q plus their terms, requantized (es_mve_requantize), plus the offset (q0). */
#define ES_MVE_REQUANT(q, terms, multiplier, left, right)                                  \
    "vldrw.32 q5, [%[ch], #" terms "]\n vadd.i32 " q ", " q ", q5\n"                       \
    "vldrw.32 q5, [%[ch], #" left "]\n vshl.s32 " q ", " q ", q5\n"                        \
    "vldrw.32 q5, [%[ch], #" multiplier "]\n vqrdmulh.s32 " q ", " q ", q5\n"              \
    "vldrw.32 q5, [%[ch], #" right "]\n vand q6, " q ", q5\n vshr.s32 q6, q6, #31\n"       \
    "vqadd.s32 " q ", " q ", q6\n vrshl.s32 " q ", " q ", q5\n vadd.i32 " q ", " q ", q0\n"
/* Both parities requantized, narrowed, clamped and stored (es_mve_outputs_8). */
#define ES_MVE_SMALL_OUTPUT                                                                \
    "vldrw.32 q0, [%[st]]\n" ES_MVE_REQUANT("q3", "0", "16", "32", "48")                   \
        ES_MVE_REQUANT("q4", "72", "88", "104", "120")                                     \
    "vqmovnb.s32 q7, q3\n vqmovnt.s32 q7, q4\n vldrw.32 q5, [%[st], #48]\n"                \
    "vmax.s16 q7, q7, q5\n vldrw.32 q5, [%[st], #64]\n vmin.s16 q7, q7, q5\n"              \
    "vctp.16 %[left]\n vpst\n vstrbt.16 q7, [%[out]]\n"
#define ES_MVE_SMALL_PIXEL_16                                                              \
    "vctp.8 %[depth]\n vpst\n vldrbt.8 q0, [%[x]]\n" ES_MVE_DOT16("s0", "w", "0")          \
        ES_MVE_DOT16("s1", "w", "16") ES_MVE_DOT16("s2", "w", "32")                        \
            ES_MVE_DOT16("s3", "w", "48") ES_MVE_LANES("q3") ES_MVE_DOT16("s0", "w2", "0") \
                ES_MVE_DOT16("s1", "w2", "16") ES_MVE_DOT16("s2", "w2", "32")              \
                    ES_MVE_DOT16("s3", "w2", "48") ES_MVE_LANES("q4") ES_MVE_SMALL_OUTPUT
#define ES_MVE_SMALL_PIXEL_32                                                              \
    "vctp.8 %[depth]\n vpst\n vldrbt.8 q0, [%[x]]\n"                                       \
    "sub %[s0], %[depth], #16\n vctp.8 %[s0]\n vpst\n vldrbt.8 q1, [%[x], #16]\n"          \
        ES_MVE_DOT32("s0", "w", "0", "16") ES_MVE_DOT32("s1", "w", "32", "48")             \
            ES_MVE_DOT32("s2", "w", "64", "80") ES_MVE_DOT32("s3", "w", "96", "112")       \
                ES_MVE_LANES("q3") ES_MVE_DOT32("s0", "w2", "0", "16")                     \
                    ES_MVE_DOT32("s1", "w2", "32", "48") ES_MVE_DOT32("s2", "w2", "64", "80") \
                        ES_MVE_DOT32("s3", "w2", "96", "112") ES_MVE_LANES("q4")           \
                            ES_MVE_SMALL_OUTPUT

/* The layouts the assembly reads (C99: a negative array size fails the build). */
typedef char es_mve_channels_layout[offsetof(es_mve_channels, terms) == 0 &&
                                            offsetof(es_mve_channels, multiplier) == 16 &&
                                            offsetof(es_mve_channels, left) == 32 &&
                                            offsetof(es_mve_channels, right) == 48 &&
                                            sizeof(es_mve_channels) == 72
                                        ? 1
                                        : -1];
typedef char es_mve_stage_layout[offsetof(es_mve_output_stage, offset) == 0 &&
                                         offsetof(es_mve_output_stage, min16) == 48 &&
                                         offsetof(es_mve_output_stage, max16) == 64
                                     ? 1
                                     : -1];

/* Group g (eight packed channels) of n pixels, their windows `step` bytes apart from
 * `window` (lanes past the depth: 0), their outputs `pitch` bytes apart from out. */
static __attribute__((noinline)) void small_k_group(const small_k *s, int32_t g,
                                                    const int8_t *window, int32_t step,
                                                    int32_t n, int32_t depth, int32_t left,
                                                    const es_mve_output_stage *stage,
                                                    int8_t *out, int32_t pitch)
{
    const es_mve_channels *ch = &s->group[g].even;
    const int8_t *w = s->weights + g * 8 * s->row, *w2 = w + 4 * s->row;
    const int8_t *const end = window + n * step;
    int32_t s0, s1, s2, s3; /* the sums of four rows (even registers), scratch */
    if (left > 8) {
        left = 8;
    }
    if (s->row == 16) {
        for (; window != end; window += step, out += pitch) {
            __asm__ volatile(ES_MVE_SMALL_PIXEL_16
                             : [s0] "=&Te"(s0), [s1] "=&Te"(s1), [s2] "=&Te"(s2),
                               [s3] "=&Te"(s3)
                             : [x] "r"(window), [w] "r"(w), [w2] "r"(w2), [ch] "r"(ch),
                               [st] "r"(stage), [out] "r"(out), [depth] "r"(depth),
                               [left] "r"(left)
                             : "q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "memory");
        }
        return;
    }
    for (; window != end; window += step, out += pitch) {
        __asm__ volatile(ES_MVE_SMALL_PIXEL_32
                         : [s0] "=&Te"(s0), [s1] "=&Te"(s1), [s2] "=&Te"(s2), [s3] "=&Te"(s3)
                         : [x] "r"(window), [w] "r"(w), [w2] "r"(w2), [ch] "r"(ch),
                           [st] "r"(stage), [out] "r"(out), [depth] "r"(depth), [left] "r"(left)
                         : "q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "memory");
    }
}

/* The windows of n pixels from pixel px (ES_MVE_SMALL_K bytes apart) into cols: a
 * window inside the input (dilation 1) row by row, each kernel row one predicated load and
 * a whole-vector store (the bytes past the row are written over by the next one, the last
 * ones into the buffer's slack); others through fill_column. */
static void fill_small_columns(const es_conv_params *p, const es_dims *in, const es_dims *f,
                               const es_dims *out, const int8_t *input, int32_t px, int32_t n,
                               int8_t pad, int8_t *cols)
{
    const int32_t run = f->w * in->c, row_step = p->dilation.h * in->w * in->c;
    const mve_pred16_t first = vctp8q((uint32_t)run), second = vctp8q((uint32_t)(run - 16));
    int32_t oy = px / out->w, ox = px % out->w, k, ky;
    for (k = 0; k < n; ++k, cols += ES_MVE_SMALL_K) {
        const int32_t iy = oy * p->stride.h - p->padding.h, ix = ox * p->stride.w - p->padding.w;
        if (p->dilation.w == 1 && iy >= 0 && iy + (f->h - 1) * p->dilation.h < in->h &&
            ix >= 0 && ix + f->w <= in->w) {
            const int8_t *src = input + (iy * in->w + ix) * in->c;
            int8_t *dst = cols;
            for (ky = 0; ky < f->h; ++ky, src += row_step, dst += run) {
                vstrbq_s8(dst, vldrbq_z_s8(src, first));
                if (run > 16) {
                    vstrbq_s8(dst + 16, vldrbq_z_s8(src + 16, second));
                }
            }
        } else {
            fill_column(p, in, f, input, oy, ox, pad, cols);
        }
        if (++ox == out->w) {
            ox = 0;
            ++oy;
        }
    }
}

/* es_conv2d_s8 for windows of at most ES_MVE_SMALL_K values, ES_MVE_SMALL_N channels at a
 * time; `direct`: 1x1 stride 1 unpadded, the window is the input pixel. */
static __attribute__((noinline)) void small_k_conv(const es_conv_params *p,
                                                   const es_per_channel_quant_params *quant,
                                                   const es_dims *in, const int8_t *input,
                                                   const es_dims *f, const int8_t *filter,
                                                   const int32_t *bias, const es_dims *out,
                                                   int8_t *output, int direct)
{
    small_k s;
    int8_t cols[ES_MVE_SMALL_COLS * ES_MVE_SMALL_K + 16]; /* + the last window's slack */
    int32_t terms[ES_MVE_SMALL_N];
    const es_mve_output_stage stage = es_mve_output_stage_of(p->output_offset, p->activation);
    const int32_t depth = f->h * f->w * f->c, pixels = out->h * out->w;
    const int8_t pad = (int8_t)(-p->input_offset);
    int32_t first, count, px, g, n;
    for (first = 0; first < f->n; first += count) {
        count = f->n - first < ES_MVE_SMALL_N ? f->n - first : ES_MVE_SMALL_N;
        prepare_terms(p, filter, bias, depth, first, count, terms);
        pack_small_k(quant, filter, terms, depth, first, count, &s);
        if (direct) { /* group by group over every pixel */
            for (g = 0; g * 8 < count; ++g) {
                small_k_group(&s, g, input, depth, pixels, depth, count - g * 8, &stage,
                              output + first + g * 8, f->n);
            }
            continue;
        }
        for (px = 0; px < pixels; px += n) { /* a batch of windows, then group by group */
            n = pixels - px < ES_MVE_SMALL_COLS ? pixels - px : ES_MVE_SMALL_COLS;
            fill_small_columns(p, in, f, out, input, px, n, pad, cols);
            for (g = 0; g * 8 < count; ++g) {
                small_k_group(&s, g, cols, ES_MVE_SMALL_K, n, depth, count - g * 8, &stage,
                              output + px * f->n + first + g * 8, f->n);
            }
        }
    }
}

/*
 * A 1x1 window at stride 1 without padding (every pixel's column is the input pixel
 * itself), eight channels over every pixel: the even and the odd channels' dot products
 * (rows as stored, es_mve_dot_1x4), then the small-window output in assembly (one narrowing
 * store of `left`, at most eight, bytes). ch: the group's even then odd channels.
 */
static __attribute__((noinline)) void direct_group8(const int8_t *input, int32_t pixels,
                                                    int32_t depth, const int8_t *filter,
                                                    int32_t left, const es_mve_channels *ch,
                                                    const es_mve_output_stage *stage,
                                                    int8_t *out, int32_t pitch)
{
    const int8_t *rows[8];
    const int8_t *const end = input + pixels * depth;
    int32_t j;
    for (j = 0; j < 8; ++j) { /* a channel past the last repeats it: computed, never stored */
        rows[j] = filter + (j < left ? j : left - 1) * depth;
    }
    left = left < 8 ? left : 8;
    for (; input != end; input += depth, out += pitch) {
        const int32x4_t even = es_mve_dot_1x4(input, rows[0], rows[2], rows[4], rows[6], depth);
        const int32x4_t odd = es_mve_dot_1x4(input, rows[1], rows[3], rows[5], rows[7], depth);
        __asm__ volatile("vmov q3, %q[e]\n vmov q4, %q[o]\n" ES_MVE_SMALL_OUTPUT
                         :
                         : [e] "w"(even), [o] "w"(odd), [ch] "r"(ch), [st] "r"(stage),
                           [out] "r"(out), [left] "r"(left)
                         : "q0", "q3", "q4", "q5", "q6", "q7", "memory");
    }
}

static void mve_conv(const es_conv_params *p, const es_per_channel_quant_params *quant,
                     const es_dims *in, const int8_t *input, const es_dims *f,
                     const int8_t *filter, const int32_t *bias, const es_dims *out,
                     int8_t *output)
{
    int8_t col[ES_MVE_CONV_DEPTH];
    int32_t terms[ES_MVE_CONV_CHUNK];
    const es_mve_output_stage stage = es_mve_output_stage_of(p->output_offset, p->activation);
    const int32_t depth = f->h * f->w * f->c, pixels = out->h * out->w;
    const int direct = f->h == 1 && f->w == 1 && p->stride.h == 1 && p->stride.w == 1 &&
                       p->padding.h == 0 && p->padding.w == 0 && in->h == out->h &&
                       in->w == out->w;
    const int8_t pad = (int8_t)(-p->input_offset);
    int32_t first, count, px, k;
    if (depth <= ES_MVE_SMALL_K) {
        small_k_conv(p, quant, in, input, f, filter, bias, out, output, direct);
        return;
    }
    for (first = 0; first < f->n; first += count) {
        count = f->n - first < ES_MVE_CONV_CHUNK ? f->n - first : ES_MVE_CONV_CHUNK;
        prepare_terms(p, filter, bias, depth, first, count, terms);
        if (direct) {
            for (k = 0; k < count; k += 8) {
                es_mve_channels ch[2]; /* even, odd */
                ch[0] = es_mve_parity_channels(terms + k, quant->multiplier + first + k,
                                               quant->shift + first + k, count - k);
                ch[1] = es_mve_parity_channels(terms + k + 1, quant->multiplier + first + k + 1,
                                               quant->shift + first + k + 1, count - k - 1);
                direct_group8(input, pixels, depth, filter + (first + k) * depth, count - k, ch,
                              &stage, output + first + k, f->n);
            }
            continue;
        }
        for (px = 0; px < pixels; ++px) {
            fill_column(p, in, f, input, px / out->w, px % out->w, pad, col);
            pixel_channels(quant, filter, terms, depth, first, count, col, &stage,
                           output + px * f->n);
        }
    }
}

#endif /* ES_MVE */

es_status es_conv2d_s8(const es_context *ctx, const es_conv_params *params,
                       const es_per_channel_quant_params *quant, const es_dims *input_dims,
                       const int8_t *input, const es_dims *filter_dims, const int8_t *filter,
                       const int32_t *bias, const es_dims *output_dims, int8_t *output)
{
    es_window win;
    es_status status;
    (void)ctx;
    status = es_conv_begin_s8(&win, params, quant, input_dims, input, filter_dims, filter,
                              output_dims, output);
    if (status != ES_OK) {
        return status;
    }
#if ES_MVE
    /* the padding value is the input zero point, which must be an int8 */
    if (filter_dims->h * filter_dims->w * filter_dims->c <= ES_MVE_CONV_DEPTH &&
        params->input_offset >= -127 && params->input_offset <= 128) {
        mve_conv(params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                 output);
        return ES_OK;
    }
#endif
    es_conv_plain_s8(params, quant, &win, input, filter_dims, filter, bias, output);
    return ES_OK;
}

int32_t es_conv2d_s8_get_buffer_size(const es_dims *input_dims, const es_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}
