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
#include "es_nn.h"
#include "es_nn_mve.h"
#include "es_nn_mve_asm.h"
#include "es_nn_mve_conv.h"
#include "es_nn_mve_pw.h"
#include "es_nn_plain.h"

/* Longest window (taps x input channels) of the vector path. */
#define ES_MVE_CONV_DEPTH 1024
/* Bytes of the int8 columns a batch of gathered windows takes: two or more columns of up
 * to 768 values (a longer window goes alone), the stack no deeper than the small path's. */
#define ES_MVE_CONV_COLS 1536
/* Output channels whose bias terms a call prepares at once. */
#define ES_MVE_CONV_CHUNK 64
/* Channels the small-window path packs at once. */
#define ES_MVE_SMALL_N 32
/* Windows of the small-window path a batch gathers (ES_MVE_SMALL_K bytes each). */
#define ES_MVE_SMALL_COLS 32

#if ES_MVE

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
        s->group[j / 8].even = es_mve_parity_channels(
            terms + j, quant->multiplier + first + j, quant->shift + first + j, count - j);
        s->group[j / 8].odd =
            es_mve_parity_channels(terms + j + 1, quant->multiplier + first + j + 1,
                                   quant->shift + first + j + 1, count - j - 1);
    }
}

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
        es_mve_conv_terms(p, filter, bias, depth, first, count, terms);
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
            es_mve_fill_small_columns(p, in, f, out, input, px, n, pad, cols);
            for (g = 0; g * 8 < count; ++g) {
                small_k_group(&s, g, cols, ES_MVE_SMALL_K, n, depth, count - g * 8, &stage,
                              output + px * f->n + first + g * 8, f->n);
            }
        }
    }
}

/* The requantization of the eight channels first + g * 8 .. of a chunk (even, odd). */
static void group_channels(const es_per_channel_quant_params *quant, const int32_t *terms,
                           int32_t first, int32_t g, int32_t count, es_mve_channels ch[2])
{
    const int32_t k = g * 8, c = first + k;
    ch[0] = es_mve_parity_channels(terms + k, quant->multiplier + c, quant->shift + c, count - k);
    ch[1] = es_mve_parity_channels(terms + k + 1, quant->multiplier + c + 1, quant->shift + c + 1,
                                   count - k - 1);
}

/* Group g of a chunk (eight channels from first + g * 8, `count` in the chunk) over n
 * columns `depth` bytes apart from x, outputs `pitch` bytes apart from out. */
static void gemm_group(const int8_t *filter, int32_t depth, int32_t first, int32_t g,
                       int32_t count, const es_mve_channels ch[2],
                       const es_mve_output_stage *stage, const int8_t *x, int32_t n,
                       int8_t *out, int32_t pitch)
{
    es_mve_gemm_args a;
    const int32_t left = count - g * 8 < 8 ? count - g * 8 : 8;
    int32_t j;
    for (j = 0; j < 8; ++j) { /* a channel past the last repeats it: computed, never stored */
        a.rows[j] = filter + (first + g * 8 + (j < left ? j : left - 1)) * depth;
    }
    a.x = x;
    a.out = out + first + g * 8;
    a.depth = depth;
    a.pitch = pitch;
    a.columns = n;
    a.left = left;
    a.ch = ch;
    a.stage = stage;
    es_mve_gemm_8(&a);
}

/* es_conv2d_s8 for longer windows, eight channels over two columns at a time
 * (es_mve_gemm_8): a 1x1 window at stride 1 without padding reads every pixel where it
 * is, other windows are gathered as int8 columns in batches. Not inlined: its buffers
 * stay off the stack of the small-window path. */
static __attribute__((noinline)) void wide_conv(const es_conv_params *p,
                                                const es_per_channel_quant_params *quant,
                                                const es_dims *in, const int8_t *input,
                                                const es_dims *f, const int8_t *filter,
                                                const int32_t *bias, const es_dims *out,
                                                int8_t *output, int direct)
{
    int8_t cols[ES_MVE_CONV_COLS];
    int32_t terms[ES_MVE_CONV_CHUNK];
    es_mve_channels ch[ES_MVE_CONV_CHUNK / 8][2]; /* per group: even, odd */
    const es_mve_output_stage stage = es_mve_output_stage_of(p->output_offset, p->activation);
    const int32_t depth = f->h * f->w * f->c, pixels = out->h * out->w;
    const int32_t batch = ES_MVE_CONV_COLS / depth;
    const int8_t pad = (int8_t)(-p->input_offset);
    int32_t first, count, px, g, n, k;
    for (first = 0; first < f->n; first += count) {
        count = f->n - first < ES_MVE_CONV_CHUNK ? f->n - first : ES_MVE_CONV_CHUNK;
        es_mve_conv_terms(p, filter, bias, depth, first, count, terms);
        for (g = 0; g * 8 < count; ++g) {
            group_channels(quant, terms, first, g, count, ch[g]);
        }
        if (direct) {
            for (g = 0; g * 8 < count; ++g) {
                gemm_group(filter, depth, first, g, count, ch[g], &stage, input, pixels, output,
                           f->n);
            }
            continue;
        }
        for (px = 0; px < pixels; px += n) {
            n = pixels - px < batch ? pixels - px : batch;
            for (k = 0; k < n; ++k) {
                es_mve_fill_column(p, in, f, input, (px + k) / out->w, (px + k) % out->w, pad,
                                   cols + k * depth);
            }
            for (g = 0; g * 8 < count; ++g) {
                gemm_group(filter, depth, first, g, count, ch[g], &stage, cols, n,
                           output + px * f->n, f->n);
            }
        }
    }
}

static void mve_conv(const es_conv_params *p, const es_per_channel_quant_params *quant,
                     const es_dims *in, const int8_t *input, const es_dims *f,
                     const int8_t *filter, const int32_t *bias, const es_dims *out,
                     int8_t *output)
{
    /* 1x1 at stride 1 without padding: the window of a pixel is the input pixel itself */
    const int direct = f->h == 1 && f->w == 1 && p->stride.h == 1 && p->stride.w == 1 &&
                       p->padding.h == 0 && p->padding.w == 0 && in->h == out->h &&
                       in->w == out->w;
    if (f->h * f->w * f->c <= ES_MVE_SMALL_K) {
        small_k_conv(p, quant, in, input, f, filter, bias, out, output, direct);
    } else {
        wide_conv(p, quant, in, input, f, filter, bias, out, output, direct);
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
