/*
 * Reference int8 RELU, RELU6 and RELU_N1_TO_1.
 *
 * The int8 reference kernels rescale from the input to the output format
 * and clamp to the activation's bounds in the output format (computed
 * offline): exactly a requantization with a narrower clamp.
 */
#include "es_nn.h"

es_status es_relu_s8(const es_requantize_params *params, int32_t size, const int8_t *input,
                     int8_t *output)
{
    return es_requantize_s8(params, size, input, output);
}
