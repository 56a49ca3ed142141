/*
 * Reference fully connected layer with power-of-two weights on fixed-point
 * activations: every product is a shift of the input and a sign, so the
 * layer multiplies nothing. The rest (exact sum, bias, activation, one cast)
 * is that of es_fully_connected_fx.
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"
#include "es_nn_lowbit_support.h"

es_status es_fully_connected_p2(const es_context *ctx, const es_fx_mac_params *params,
                                const es_pow2_code *code, const es_fc_dims *dims,
                                const int32_t *input, const uint8_t *filter, const int32_t *bias,
                                int32_t *output)
{
    int32_t oc, k;
    (void)ctx;
    if (!es_fc_args_are_valid(params, dims, input, filter, output) || code == NULL) {
        return ES_ERR_ARG;
    }
    if (!es_fx_mac_is_valid(params) ||
        !es_pow2_codes_are_valid(filter, dims->accum_depth * dims->output_depth, code)) {
        return ES_ERR_RANGE;
    }

    for (oc = 0; oc < dims->output_depth; ++oc) {
        const int32_t row = oc * dims->accum_depth;
        int64_t sum = 0;
        for (k = 0; k < dims->accum_depth; ++k) {
            sum += es_pow2_product(input[k], es_pow2_code_at(filter, row + k, code), code);
        }
        output[oc] = es_fx_mac_output(sum, bias, oc, params);
    }
    return ES_OK;
}
