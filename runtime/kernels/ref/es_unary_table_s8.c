/*
 * Reference int8 HARD_SWISH, ELU, RSQRT and NEG. Each is a function of the 256 input codes, so
 * its table is computed offline with the TFLite kernel's own arithmetic
 * (edgesmith.arith.unary_tables) and these kernels only look codes up.
 */
#include "es_nn.h"
#include "es_nn_support.h"

es_status es_hard_swish_s8(const int8_t *table, int32_t size, const int8_t *input,
                           int8_t *output)
{
    return es_table_lookup_s8(table, size, input, output);
}

es_status es_elu_s8(const int8_t *table, int32_t size, const int8_t *input, int8_t *output)
{
    return es_table_lookup_s8(table, size, input, output);
}

es_status es_rsqrt_s8(const int8_t *table, int32_t size, const int8_t *input, int8_t *output)
{
    return es_table_lookup_s8(table, size, input, output);
}

es_status es_neg_s8(const int8_t *table, int32_t size, const int8_t *input, int8_t *output)
{
    return es_table_lookup_s8(table, size, input, output);
}
