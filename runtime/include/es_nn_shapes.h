/*
 * edgesmith C runtime: the argument and shape checks that kernels of every
 * number format share, the walk of broadcasting ops and the layout of concatenation.
 *
 * A kernel returns ES_ERR_ARG when an *_args_are_valid check fails and
 * ES_ERR_SHAPE when shapes do not agree; each kernel keeps its own order of
 * checks (es_nn.h documents the statuses).
 */
#ifndef ES_NN_SHAPES_H
#define ES_NN_SHAPES_H

#include <stddef.h>
#include <stdint.h>

#include "es_nn_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A shape with every dimension at least 1 (a NULL shape is not one). */
static inline int es_dims_are_valid(const es_dims *d)
{
    return d != NULL && d->n >= 1 && d->h >= 1 && d->w >= 1 && d->c >= 1;
}

/* Dimension `axis` (0 n, 1 h, 2 w, 3 c) of a shape. */
static inline int32_t es_dim(const es_dims *d, int32_t axis)
{
    return axis == 0 ? d->n : axis == 1 ? d->h : axis == 2 ? d->w : d->c;
}

/* Number of elements of a shape. */
static inline int32_t es_dims_size(const es_dims *d)
{
    return d->n * d->h * d->w * d->c;
}

/* Parameters, one input and one output present, both shapes valid. */
static inline int es_unary_args_are_valid(const void *params, const es_dims *input_dims,
                                          const void *input, const es_dims *output_dims,
                                          const void *output)
{
    return params != NULL && input != NULL && output != NULL && es_dims_are_valid(input_dims) &&
           es_dims_are_valid(output_dims);
}

/* es_unary_args_are_valid with a second input (elementwise ops with broadcasting). */
static inline int es_binary_args_are_valid(const void *params, const es_dims *input1_dims,
                                           const void *input1, const es_dims *input2_dims,
                                           const void *input2, const es_dims *output_dims,
                                           const void *output)
{
    return es_unary_args_are_valid(params, input1_dims, input1, output_dims, output) &&
           input2 != NULL && es_dims_are_valid(input2_dims);
}

/* es_unary_args_are_valid with a filter (convolutions). */
static inline int es_filter_args_are_valid(const void *params, const es_dims *input_dims,
                                           const void *input, const es_dims *filter_dims,
                                           const void *filter, const es_dims *output_dims,
                                           const void *output)
{
    return es_unary_args_are_valid(params, input_dims, input, output_dims, output) &&
           filter != NULL && es_dims_are_valid(filter_dims);
}

/* Dense layers: every pointer present, both depths at least 1. */
static inline int es_fc_args_are_valid(const void *params, const es_fc_dims *dims,
                                       const void *input, const void *filter, const void *output)
{
    return params != NULL && dims != NULL && input != NULL && filter != NULL && output != NULL &&
           dims->accum_depth >= 1 && dims->output_depth >= 1;
}

/* Ops over `size` values, each output from its own input. */
static inline int es_elementwise_args_are_valid(const void *params, int32_t size, const void *input,
                                                const void *output)
{
    return params != NULL && input != NULL && output != NULL && size >= 1;
}

/* conv2d: one sample, OHWI filter over the input's channels, one output channel per filter. */
static inline int es_conv_shapes_agree(const es_dims *in, const es_dims *filter, const es_dims *out)
{
    return in->n == 1 && out->n == 1 && filter->c == in->c && out->c == filter->n;
}

/* depthwise_conv2d: one sample, filter [1, KH, KW, C * M], output C * M channels. */
static inline int es_dw_conv_shapes_agree(const es_dims *in, const es_dims *filter,
                                          const es_dims *out, int32_t depth_multiplier)
{
    return in->n == 1 && out->n == 1 && filter->n == 1 && filter->c == in->c * depth_multiplier &&
           out->c == filter->c;
}

/*
 * The rows (n, h, w) of a broadcasting binary op's output, in NHWC order,
 * with where each row starts in both inputs. Along a row, input k advances
 * by strides_k[3] per channel: 0 when it repeats one value over the channels.
 *
 *     if (!es_broadcast_start(&at, ...)) return ES_ERR_SHAPE;
 *     while (es_broadcast_next_row(&at)) {
 *         channel c reads input1[at.row1 + c * at.strides1[3]], input2[at.row2 + ...]
 *     }
 */
typedef struct {
    es_dims size;        /* the output shape */
    int32_t strides1[4]; /* n, h, w, c; 0 where input 1 has size 1 */
    int32_t strides2[4];
    int32_t n, h, w; /* the current row */
    int32_t row1;    /* its first element in input 1 */
    int32_t row2;
} es_broadcast;

/* The strides of `in` read at the coordinates of `out`; 0 when the shapes do not broadcast. */
static inline int es_broadcast_strides(const es_dims *in, const es_dims *out, int32_t strides[4])
{
    int32_t dense = 1;
    int32_t d;
    for (d = 3; d >= 0; --d) {
        const int32_t size = es_dim(in, d);
        if (size != es_dim(out, d) && size != 1) {
            return 0;
        }
        strides[d] = size == 1 ? 0 : dense;
        dense *= size;
    }
    return 1;
}

/* Start before the first output row; 0 when an input does not broadcast to `out`. */
static inline int es_broadcast_start(es_broadcast *b, const es_dims *in1, const es_dims *in2,
                                     const es_dims *out)
{
    b->size = *out;
    b->n = b->h = 0;
    b->w = -1; /* es_broadcast_next_row moves to row 0 */
    b->row1 = b->row2 = 0;
    return es_broadcast_strides(in1, out, b->strides1) &&
           es_broadcast_strides(in2, out, b->strides2);
}

/* Move to the next output row and find where it starts in the inputs; 0 after the last one. */
static inline int es_broadcast_next_row(es_broadcast *b)
{
    if (++b->w == b->size.w) {
        b->w = 0;
        if (++b->h == b->size.h) {
            b->h = 0;
            if (++b->n == b->size.n) {
                return 0;
            }
        }
    }
    b->row1 = b->n * b->strides1[0] + b->h * b->strides1[1] + b->w * b->strides1[2];
    b->row2 = b->n * b->strides2[0] + b->h * b->strides2[1] + b->w * b->strides2[2];
    return 1;
}

/* Every input of a concatenation matches the output outside the axis, and they add up along it. */
static inline int es_concat_shapes_agree(const es_concat_params *p, const es_dims *input_dims,
                                         const es_dims *output_dims)
{
    int32_t i, axis, along = 0;
    for (i = 0; i < p->num_inputs; ++i) {
        for (axis = 0; axis < 4; ++axis) {
            if (axis != p->axis && es_dim(&input_dims[i], axis) != es_dim(output_dims, axis)) {
                return 0;
            }
        }
        along += es_dim(&input_dims[i], p->axis);
    }
    return along == es_dim(output_dims, p->axis);
}

/*
 * The layout of a concatenation: for each of `outer` indices before the axis,
 * input i contributes one contiguous run of its axis size times `inner`
 * values. ES_ERR_RANGE for an axis outside [0, 3], ES_ERR_SHAPE when the
 * shapes do not agree.
 */
static inline es_status es_concat_layout(const es_concat_params *p, const es_dims *input_dims,
                                         const es_dims *output_dims, int32_t *outer, int32_t *inner)
{
    int32_t axis;
    if (p->axis < 0 || p->axis > 3) {
        return ES_ERR_RANGE;
    }
    if (!es_concat_shapes_agree(p, input_dims, output_dims)) {
        return ES_ERR_SHAPE;
    }
    *outer = 1;
    *inner = 1;
    for (axis = 0; axis < 4; ++axis) {
        if (axis < p->axis) {
            *outer *= es_dim(output_dims, axis);
        } else if (axis > p->axis) {
            *inner *= es_dim(output_dims, axis);
        }
    }
    return ES_OK;
}

/* ---- The walk of es_gather_* ----------------------------------------------------------------- */

/* Output elements of a gather, or -1 when its parameters are out of range or a read would fall
 * outside the input (the lowest and highest offsets of the walk are checked once). */
static inline int32_t es_gather_size(const es_gather_params *p)
{
    int64_t count = 1, lo = p->offset, hi = p->offset;
    int32_t k;
    if (p->rank < 1 || p->rank > ES_GATHER_MAX_DIMS || p->input_size < 1) {
        return -1;
    }
    for (k = 0; k < p->rank; ++k) {
        const int64_t reach = (int64_t)(p->dims[k] - 1) * p->strides[k];
        if (p->dims[k] < 1) {
            return -1;
        }
        count *= p->dims[k];
        if (reach < 0) {
            lo += reach;
        } else {
            hi += reach;
        }
        if (count > INT32_MAX) {
            return -1;
        }
    }
    return lo < 0 || hi >= p->input_size ? -1 : (int32_t)count;
}

/* The odometer of a gather: the input element of the current output element. */
typedef struct {
    int32_t index[ES_GATHER_MAX_DIMS];
    int32_t at;
} es_gather_cursor;

static inline void es_gather_start(es_gather_cursor *cur, const es_gather_params *p)
{
    int32_t k;
    for (k = 0; k < ES_GATHER_MAX_DIMS; ++k) {
        cur->index[k] = 0;
    }
    cur->at = p->offset;
}

/* The current input element; then step to the next output element (innermost axis first). */
static inline int32_t es_gather_next(es_gather_cursor *cur, const es_gather_params *p)
{
    const int32_t here = cur->at;
    int32_t k = p->rank - 1;
    while (k >= 0) {
        cur->at += p->strides[k];
        if (++cur->index[k] < p->dims[k]) {
            break;
        }
        cur->at -= p->strides[k] * p->dims[k];
        cur->index[k] = 0;
        --k;
    }
    return here;
}

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_SHAPES_H */
