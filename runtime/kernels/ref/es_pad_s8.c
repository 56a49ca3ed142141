/*
 * Reference int8 constant padding.
 *
 * The output is filled with pad_value (the zero point, real 0) and the input
 * copied in at offset `before`; no value is rescaled.
 */
#include "es_nn.h"
#include "es_nn_support.h"

static int padding_fits(const es_pad_params *p, const es_dims *in, const es_dims *out)
{
    const es_dims *b = &p->before;
    return b->n >= 0 && b->h >= 0 && b->w >= 0 && b->c >= 0 && out->n >= b->n + in->n &&
           out->h >= b->h + in->h && out->w >= b->w + in->w && out->c >= b->c + in->c;
}

es_status es_pad_s8(const es_pad_params *params, const es_dims *input_dims, const int8_t *input,
                    const es_dims *output_dims, int8_t *output)
{
    const es_dims *b;
    int32_t i, n, h, w, c;
    if (!es_unary_args_are_valid(params, input_dims, input, output_dims, output)) {
        return ES_ERR_ARG;
    }
    if (!padding_fits(params, input_dims, output_dims)) {
        return ES_ERR_SHAPE;
    }
    if (params->pad_value < INT8_MIN || params->pad_value > INT8_MAX) {
        return ES_ERR_RANGE;
    }

    for (i = 0; i < es_dims_size(output_dims); ++i) {
        output[i] = (int8_t)params->pad_value;
    }
    b = &params->before;
    for (n = 0; n < input_dims->n; ++n) {
        for (h = 0; h < input_dims->h; ++h) {
            for (w = 0; w < input_dims->w; ++w) {
                /* the output row that receives input row (n, h, w) */
                const int32_t on = n + b->n, oh = h + b->h, ow = w + b->w;
                int8_t *row = output +
                              ((on * output_dims->h + oh) * output_dims->w + ow) * output_dims->c +
                              b->c;
                for (c = 0; c < input_dims->c; ++c) {
                    row[c] = *input++;
                }
            }
        }
    }
    return ES_OK;
}
