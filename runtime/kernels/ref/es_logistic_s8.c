/*
 * Reference int8 logistic (sigmoid).
 *
 * Every LiteRT CPU kernel evaluates int8 logistic through a 256-entry table
 * built once from the input and output formats; the table is computed
 * offline (edgesmith.quant.params) and this kernel only looks codes up.
 */
#include "es_nn.h"
#include "es_nn_support.h"

es_status es_logistic_s8(const int8_t *table, int32_t size, const int8_t *input, int8_t *output)
{
    return es_table_lookup_s8(table, size, input, output);
}
