/*
 * Fast int8 3x3 depthwise convolution on a per-channel table laid out offline
 * (es_nn_fast_dw3x3.h es_dw3x3_channel): the integers of es_depthwise_conv2d_s8 on
 * the weights, bias and requantization the table came from.
 *
 * Everything es_depthwise_conv2d_s8 prepares per channel at run time (the doubled
 * tap pairs, the input offset folded into the bias, the short output stage and the
 * bound that allows it) the generator wrote into the table, so a channel starts
 * by loading its row. Planes small enough that the buffer holds two or more run
 * several channels per pass (es_nn_fast_dw3x3_group.h); larger ones one channel
 * at a time in bands of lines (es_nn_fast_dw3x3.h).
 */
#include "es_nn.h"
#include "es_nn_fast.h"
#include "es_nn_fast_dw3x3.h"
#include "es_nn_fast_dw3x3_group.h"

/* The int16 lines of a call (word-aligned: the loops load them with LDRD). */
typedef struct {
    int16_t values[ES_FAST_BUFFER];
    int32_t filled;
} line_buffer;

/* The checks of both entries, then the geometry of planes writing dst[k * stride]. */
static es_status begin(const es_dw_conv_params *p, const es_dims *in, const void *input,
                       const es_dims *f, const int32_t *table, const es_dims *out,
                       const void *output, int32_t stride, es_dw3x3_geometry *g)
{
    if (p == NULL || in == NULL || input == NULL || f == NULL || table == NULL || out == NULL ||
        output == NULL || !es_dims_are_valid(in) || !es_dims_are_valid(f) ||
        !es_dims_are_valid(out)) {
        return ES_ERR_ARG;
    }
    if (p->depth_multiplier < 1 || !es_window_steps_are_valid(p->stride, p->dilation, p->padding) ||
        !es_activation_is_valid(p->activation) || !es_fast_offset_fits(p->input_offset)) {
        return ES_ERR_RANGE;
    }
    if (in->n != 1 || out->n != 1 || f->n != 1 || f->c != in->c * p->depth_multiplier ||
        out->c != f->c || f->h != 3 || f->w != 3 || p->dilation.h != 1 || p->dilation.w != 1) {
        return ES_ERR_SHAPE;
    }
    *g = es_dw3x3_geometry_of(p, in, out, stride);
    /* a table whose stages are one-multiply ones marks each with right 0 */
    g->one_multiply = ((const es_dw3x3_channel *)(const void *)table)[0].right == 0;
    es_dw3x3_layout(g, ES_FAST_BUFFER);
    return g->band > 0 ? ES_OK : ES_ERR_SHAPE;
}

es_status es_depthwise_conv2d_s8_w16(const es_context *ctx, const es_dw_conv_params *params,
                                     const es_dims *input_dims, const int8_t *input,
                                     const es_dims *filter_dims, const int32_t *filter,
                                     const es_dims *output_dims, int8_t *output)
{
    const es_dw3x3_channel *rows_of = (const es_dw3x3_channel *)(const void *)filter;
    line_buffer lines;
    es_dw3x3_geometry g;
    es_dw3x3_grouping groups;
    int32_t oc, mult;
    const es_status status = begin(params, input_dims, input, filter_dims, filter, output_dims,
                                   output, output_dims != NULL ? output_dims->c : 0, &g);
    (void)ctx;
    if (status != ES_OK) {
        return status;
    }
    mult = params->depth_multiplier;
    if (mult == 1 && es_dw3x3_grouping_of(&g, output_dims->c, 0, &groups)) {
        es_dw3x3_groups(&groups, input, rows_of, output_dims->c, params->activation,
                        lines.values, output);
        return ES_OK;
    }
    lines.filled = 0;
    for (oc = 0; oc < output_dims->c; ++oc) {
        es_dw3x3_plane(&g, input + oc / mult, rows_of + oc, params->activation, lines.values,
                       &lines.filled, output + oc);
    }
    return ES_OK;
}

/*
 * As es_depthwise_conv2d_s8_inplace: groups, and planes whose bands never overwrite
 * an input row a later band reads (es_dw3x3_in_place), go straight to their slots;
 * other planes through the scratch.
 */
es_status es_depthwise_conv2d_s8_w16_inplace(const es_context *ctx,
                                             const es_dw_conv_params *params,
                                             const es_dims *input_dims, int8_t *data,
                                             const es_dims *filter_dims, const int32_t *filter,
                                             const es_dims *output_dims, int8_t *scratch)
{
    const es_dw3x3_channel *rows_of = (const es_dw3x3_channel *)(const void *)filter;
    line_buffer lines;
    es_dw3x3_geometry direct, g;
    es_dw3x3_grouping groups;
    int32_t c, px, channels, pixels;
    es_status status = begin(params, input_dims, data, filter_dims, filter, output_dims, scratch,
                             output_dims != NULL ? output_dims->c : 0, &direct);
    (void)ctx;
    if (status != ES_OK) {
        return status;
    }
    if (params->depth_multiplier != 1) {
        return ES_ERR_RANGE;
    }
    channels = output_dims->c;
    if (es_dw3x3_grouping_of(&direct, channels, 1, &groups)) {
        es_dw3x3_groups(&groups, data, rows_of, channels, params->activation, lines.values,
                        data);
        return ES_OK;
    }
    lines.filled = 0;
    if (es_dw3x3_in_place(&direct)) {
        for (c = 0; c < channels; ++c) {
            es_dw3x3_plane(&direct, data + c, rows_of + c, params->activation, lines.values,
                           &lines.filled, data + c);
        }
        return ES_OK;
    }
    (void)begin(params, input_dims, data, filter_dims, filter, output_dims, scratch, 1, &g);
    pixels = output_dims->h * output_dims->w;
    for (c = 0; c < channels; ++c) {
        es_dw3x3_plane(&g, data + c, rows_of + c, params->activation, lines.values,
                       &lines.filled, scratch);
        for (px = 0; px < pixels; ++px) {
            data[px * channels + c] = scratch[px];
        }
    }
    return ES_OK;
}
