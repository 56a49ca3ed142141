/*
 * Reference sub-byte max pooling: es_max_pool2d_s8 on values packed `bits`
 * (4 or 2; 8 means plain int8) a value; input and output share one format.
 */
#include "es_nn.h"
#include "es_nn_lowbit_support.h"

es_status es_max_pool2d_s4(const es_pool_params *params, int32_t bits, const es_dims *input_dims,
                           const int8_t *input, const es_dims *output_dims, int8_t *output)
{
    const uint8_t *in_bytes = (const uint8_t *)input;
    uint8_t *out_bytes = (uint8_t *)output;
    es_window win;
    int32_t c, ky, kx, index = 0;
    const es_status status =
        es_pool_begin_s4(&win, params, bits, input_dims, input, output_dims, output);
    if (status != ES_OK) {
        return status;
    }

    while (es_window_next(&win)) {
        for (c = 0; c < win.input.c; ++c) {
            int32_t best = INT32_MIN;
            for (ky = win.ky_begin; ky < win.ky_end; ++ky) {
                for (kx = win.kx_begin; kx < win.kx_end; ++kx) {
                    const int32_t v =
                        es_packed_get(in_bytes, es_window_offset(&win, ky, kx) + c, bits);
                    best = v > best ? v : best;
                }
            }
            es_packed_set(out_bytes, index++, bits, es_clamp_to_s8(best, params->activation));
        }
    }
    return ES_OK;
}
