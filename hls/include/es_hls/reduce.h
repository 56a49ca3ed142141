// Reductions over any axes of one sample (reduce_max, reduce_min, sum, mean). The sample is
// seen as [dim1, dim2, dim3] (the generator folds the axes into three); output element o
// has kept coordinates (o peeled over kept1..3) and reads the box of reduced coordinates
// (peeled over red1..3), where kept_k is 1 on a reduced axis and red_k 1 on a kept one.
// max and min cast the chosen value, sum the exact sum (accum_t holds it), mean the exact
// quotient (es_hls::average, the average pool's rounding, with div_t / mean_t / avg_shift).
#ifndef ES_HLS_REDUCE_H_
#define ES_HLS_REDUCE_H_

#include "es_hls/pooling.h"

namespace es_hls {

// The cast of a max, min or sum; the mean's division, chosen at compile time so that the
// other configs need no division types.
template <bool MEAN>
struct reduce_finish {
    template <class res_T, typename CONFIG_T>
    static res_T apply(typename CONFIG_T::accum_t acc) {
        return res_T(acc);
    }
};

template <>
struct reduce_finish<true> {
    template <class res_T, typename CONFIG_T>
    static res_T apply(typename CONFIG_T::accum_t acc) {
        return average<res_T, CONFIG_T>(acc, CONFIG_T::n_reduce);
    }
};

template <class data_T, class res_T, typename CONFIG_T>
res_T reduce_one(const data_T x[CONFIG_T::n_in], unsigned o) {
    const unsigned k3 = o % CONFIG_T::kept3, k2 = o / CONFIG_T::kept3 % CONFIG_T::kept2,
                   k1 = o / (CONFIG_T::kept3 * CONFIG_T::kept2);
    typename CONFIG_T::accum_t acc = 0;
ReduceBox:
    for (unsigned j = 0; j < CONFIG_T::n_reduce; j++) {
        const unsigned r3 = j % CONFIG_T::red3, r2 = j / CONFIG_T::red3 % CONFIG_T::red2,
                       r1 = j / (CONFIG_T::red3 * CONFIG_T::red2);
        const data_T v = x[((k1 + r1) * CONFIG_T::dim2 + k2 + r2) * CONFIG_T::dim3 + k3 + r3];
        if (CONFIG_T::kind == reduce_sum || CONFIG_T::kind == reduce_mean) {
            acc += v;
        } else if (j == 0 || (CONFIG_T::kind == reduce_max ? v > acc : v < acc)) {
            acc = v;
        }
    }
    return reduce_finish<CONFIG_T::kind == reduce_mean>::template apply<res_T, CONFIG_T>(acc);
}

template <class data_T, class res_T, typename CONFIG_T>
void reduce(const data_T x[CONFIG_T::n_in], res_T y[CONFIG_T::n_out]) {
Reduce:
    for (unsigned o = 0; o < CONFIG_T::n_out; o++) {
        y[o] = reduce_one<data_T, res_T, CONFIG_T>(x, o);
    }
}

// A stream arrives in input order: the whole sample is held once.
template <class data_T, class res_T, typename CONFIG_T>
void reduce_stream(hls::stream<data_T>& x, hls::stream<res_T>& y) {
    data_T held[CONFIG_T::n_in];
    read_array<CONFIG_T::n_in>(x, held);
ReduceStream:
    for (unsigned o = 0; o < CONFIG_T::n_out; o++) {
        y.write(reduce_one<data_T, res_T, CONFIG_T>(held, o));
    }
}

}  // namespace es_hls

#endif  // ES_HLS_REDUCE_H_
