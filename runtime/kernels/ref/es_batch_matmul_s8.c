/*
 * Reference int8 BATCH_MATMUL, as TFLite's reference kernel: for each output value the sum
 * over k of (a + a_offset) * (b + b_offset) in int32, requantized once; the n and h
 * dimensions are batches, broadcast where an operand has 1.
 */
#include "es_nn.h"
#include "es_nn_support.h"

/* element (row, col) of a matrix stored [rows, cols], or [cols, rows] when transposed */
static int32_t at(const int8_t *m, int32_t row, int32_t col, int32_t rows, int32_t cols,
                  int32_t transposed)
{
    return transposed ? m[col * rows + row] : m[row * cols + col];
}

es_status es_batch_matmul_s8(const es_batch_matmul_params *params, const es_dims *input1_dims,
                             const int8_t *input1, const es_dims *input2_dims,
                             const int8_t *input2, const es_dims *output_dims, int8_t *output)
{
    const es_dims *a = input1_dims, *b = input2_dims, *o = output_dims;
    int32_t n, h, i, j, k, rows, depth, cols;
    if (params == NULL || input1 == NULL || input2 == NULL || output == NULL ||
        !es_dims_are_valid(a) || !es_dims_are_valid(b) || !es_dims_are_valid(o)) {
        return ES_ERR_ARG;
    }
    if (!es_shift_is_valid(params->quant.shift)) {
        return ES_ERR_RANGE;
    }
    rows = params->adj_x ? a->c : a->w;
    depth = params->adj_x ? a->w : a->c;
    cols = params->adj_y ? b->w : b->c;
    if (o->w != rows || o->c != cols || depth != (params->adj_y ? b->c : b->w) ||
        (a->n != o->n && a->n != 1) || (b->n != o->n && b->n != 1) ||
        (a->h != o->h && a->h != 1) || (b->h != o->h && b->h != 1)) {
        return ES_ERR_SHAPE;
    }
    for (n = 0; n < o->n; ++n) {
        for (h = 0; h < o->h; ++h) {
            const int8_t *ma = input1 + ((a->n == 1 ? 0 : n) * a->h + (a->h == 1 ? 0 : h)) *
                                            a->w * a->c;
            const int8_t *mb = input2 + ((b->n == 1 ? 0 : n) * b->h + (b->h == 1 ? 0 : h)) *
                                            b->w * b->c;
            for (i = 0; i < rows; ++i) {
                for (j = 0; j < cols; ++j) {
                    int32_t acc = 0;
                    for (k = 0; k < depth; ++k) {
                        acc += (at(ma, i, k, rows, depth, params->adj_x) + params->input1_offset) *
                               (at(mb, k, j, depth, cols, params->adj_y) + params->input2_offset);
                    }
                    acc = es_multiply_by_quantized_multiplier(acc, params->quant.multiplier,
                                                              params->quant.shift);
                    *output++ = es_clamp_to_s8(acc + params->output_offset, es_full_range_s8());
                }
            }
        }
    }
    return ES_OK;
}
