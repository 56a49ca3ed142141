/*
 * Reference int8 TRANSPOSE_CONV. TFLite's reference kernel scatters every input pixel into
 * an int32 scratch the size of the output; this one gathers instead: output (y, x) reads
 * input (iy, ix) through tap (fy, fx) when iy * stride - pad + fy == y. Both add the same
 * exact products, so the int32 sums and the outputs are equal, and no scratch is needed.
 */
#include "es_nn.h"
#include "es_nn_support.h"

/* the input index that reaches `out` through tap `tap`, or -1 */
static int32_t source(int32_t out, int32_t tap, int32_t stride, int32_t pad, int32_t in_size)
{
    const int32_t shifted = out + pad - tap;
    if (shifted < 0 || shifted % stride != 0 || shifted / stride >= in_size) {
        return -1;
    }
    return shifted / stride;
}

es_status es_transpose_conv_s8(const es_conv_params *params,
                               const es_per_channel_quant_params *quant,
                               const es_dims *input_dims, const int8_t *input,
                               const es_dims *filter_dims, const int8_t *filter,
                               const int32_t *bias, const es_dims *output_dims, int8_t *output)
{
    const es_dims *in = input_dims, *f = filter_dims, *o = output_dims;
    int32_t n, y, x, oc, fy, fx, ic;
    if (params == NULL || !es_per_channel_quant_is_present(quant) || input == NULL ||
        filter == NULL || output == NULL || !es_dims_are_valid(in) || !es_dims_are_valid(f) ||
        !es_dims_are_valid(o)) {
        return ES_ERR_ARG;
    }
    if (f->c != in->c || f->n != o->c || o->n != in->n) {
        return ES_ERR_SHAPE;
    }
    if (params->stride.h < 1 || params->stride.w < 1 || params->dilation.h != 1 ||
        params->dilation.w != 1 || !es_activation_is_valid(params->activation) ||
        !es_shifts_are_valid(quant->shift, o->c)) {
        return ES_ERR_RANGE;
    }
    for (n = 0; n < o->n; ++n) {
        for (y = 0; y < o->h; ++y) {
            for (x = 0; x < o->w; ++x) {
                for (oc = 0; oc < o->c; ++oc) {
                    int32_t acc = 0;
                    for (fy = 0; fy < f->h; ++fy) {
                        const int32_t iy = source(y, fy, params->stride.h, params->padding.h,
                                                  in->h);
                        for (fx = 0; iy >= 0 && fx < f->w; ++fx) {
                            const int32_t ix = source(x, fx, params->stride.w, params->padding.w,
                                                      in->w);
                            const int8_t *pixel, *taps;
                            if (ix < 0) {
                                continue;
                            }
                            pixel = input + ((n * in->h + iy) * in->w + ix) * in->c;
                            taps = filter + ((oc * f->h + fy) * f->w + fx) * f->c;
                            for (ic = 0; ic < in->c; ++ic) {
                                acc += (pixel[ic] + params->input_offset) * taps[ic];
                            }
                        }
                    }
                    *output++ = es_conv_output_s8(acc, bias, quant, oc, params->output_offset,
                                                  params->activation);
                }
            }
        }
    }
    return ES_OK;
}
