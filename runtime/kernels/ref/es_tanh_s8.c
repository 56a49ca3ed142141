/*
 * Reference int8 hyperbolic tangent.
 *
 * Like logistic, int8 tanh is a 256-entry table lookup in every LiteRT CPU
 * kernel; the table is computed offline (edgesmith.quant.params).
 */
#include "es_nn.h"
#include "es_nn_support.h"

es_status es_tanh_s8(const int8_t *table, int32_t size, const int8_t *input, int8_t *output)
{
    return es_table_lookup_s8(table, size, input, output);
}
