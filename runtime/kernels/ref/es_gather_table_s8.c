/*
 * Reference row gather: the C kernel of a data-movement op whose index map is no strided
 * walk (edgesmith.passes.lowering derives the row offsets offline). Every row is checked
 * against the input before anything is written; no value is rescaled.
 */
#include <string.h>

#include "es_nn.h"

static int rows_are_valid(const es_gather_table_params *p)
{
    int32_t k;
    if (p->rows < 1 || p->run < 1 || p->input_size < 1 || p->offsets == NULL) {
        return 0;
    }
    for (k = 0; k < p->rows; ++k) {
        if (p->offsets[k] < 0 || p->offsets[k] > p->input_size - p->run) {
            return 0;
        }
    }
    return 1;
}

/* Both storage types: rows of run elements of elem_size bytes. */
static es_status copy_rows(const es_gather_table_params *p, const void *input, void *output,
                           size_t elem_size)
{
    const size_t row_bytes = (size_t)p->run * elem_size;
    int32_t k;
    if (input == NULL || output == NULL) {
        return ES_ERR_ARG;
    }
    if (!rows_are_valid(p)) {
        return ES_ERR_SHAPE;
    }
    for (k = 0; k < p->rows; ++k) {
        memcpy((char *)output + (size_t)k * row_bytes,
               (const char *)input + (size_t)p->offsets[k] * elem_size, row_bytes);
    }
    return ES_OK;
}

es_status es_gather_table_s8(const es_gather_table_params *params, const int8_t *input,
                             int8_t *output)
{
    return params == NULL ? ES_ERR_ARG : copy_rows(params, input, output, sizeof(int8_t));
}

es_status es_gather_table_fx(const es_gather_table_params *params, const int32_t *input,
                             int32_t *output)
{
    return params == NULL ? ES_ERR_ARG : copy_rows(params, input, output, sizeof(int32_t));
}
