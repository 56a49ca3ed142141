/*
 * Reference constant padding, int8 and fixed point (raw int32).
 *
 * The output is filled with pad_value (the zero point, real 0; raw 0 in fixed
 * point) and the input copied in at offset `before`; no value is rescaled.
 */
#include <string.h>

#include "es_nn.h"
#include "es_nn_support.h"

static int padding_fits(const es_pad_params *p, const es_dims *in, const es_dims *out)
{
    const es_dims *b = &p->before;
    return b->n >= 0 && b->h >= 0 && b->w >= 0 && b->c >= 0 && out->n >= b->n + in->n &&
           out->h >= b->h + in->h && out->w >= b->w + in->w && out->c >= b->c + in->c;
}

/* Both storage types: the output filled with the pad value, the input copied in. */
static es_status pad_rows(const es_pad_params *params, const es_dims *input_dims,
                          const void *input, const es_dims *output_dims, void *output,
                          size_t elem_size)
{
    const es_dims *b;
    const char *src = (const char *)input;
    const size_t row_bytes = (size_t)input_dims->c * elem_size;
    int32_t i, n, h, w;
    if (!es_unary_args_are_valid(params, input_dims, input, output_dims, output)) {
        return ES_ERR_ARG;
    }
    if (!padding_fits(params, input_dims, output_dims)) {
        return ES_ERR_SHAPE;
    }
    for (i = 0; i < es_dims_size(output_dims); ++i) {
        if (elem_size == sizeof(int8_t)) {
            ((int8_t *)output)[i] = (int8_t)params->pad_value;
        } else {
            ((int32_t *)output)[i] = params->pad_value;
        }
    }
    b = &params->before;
    for (n = 0; n < input_dims->n; ++n) {
        for (h = 0; h < input_dims->h; ++h) {
            for (w = 0; w < input_dims->w; ++w) {
                /* the output row that receives input row (n, h, w) */
                const int32_t on = n + b->n, oh = h + b->h, ow = w + b->w;
                const int32_t at =
                    ((on * output_dims->h + oh) * output_dims->w + ow) * output_dims->c + b->c;
                memcpy((char *)output + (size_t)at * elem_size, src, row_bytes);
                src += row_bytes;
            }
        }
    }
    return ES_OK;
}

es_status es_pad_s8(const es_pad_params *params, const es_dims *input_dims, const int8_t *input,
                    const es_dims *output_dims, int8_t *output)
{
    if (params != NULL && (params->pad_value < INT8_MIN || params->pad_value > INT8_MAX)) {
        return ES_ERR_RANGE;
    }
    return pad_rows(params, input_dims, input, output_dims, output, sizeof(int8_t));
}

es_status es_pad_fx(const es_pad_params *params, const es_dims *input_dims,
                    const int32_t *input, const es_dims *output_dims, int32_t *output)
{
    return pad_rows(params, input_dims, input, output_dims, output, sizeof(int32_t));
}
