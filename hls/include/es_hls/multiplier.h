// How a MAC layer multiplies an input by a stored weight. A config names one
// of these as `typedef ... multiplier;` together with `weight_t` (the value
// type of a weight), `product_t` (holds every product exactly) and
// `accum_t` (holds every sum exactly).
#ifndef ES_HLS_MULTIPLIER_H_
#define ES_HLS_MULTIPLIER_H_

#include "es_hls/common.h"

namespace es_hls {

// Fixed-point weights stored as raw integers: one multiplier (DSP or LUTs).
struct fixed_multiplier {
    template <class product_T, class weight_T, class data_T, class store_T>
    static product_T product(const data_T& x, const store_T& stored) {
        return x * from_raw<weight_T>(stored);
    }
};

// Power-of-two weights stored as codes (sign bit above EXP_BITS exponent
// bits; field f = k - MIN_EXP + 1, f = 0 is the weight 0; see
// sdk/edgesmith/ir/pow2.py). The product is x shifted by k: no multiplier.
// product_T has at least -MIN_EXP more fractional bits than x and room for
// the largest shift, so both shifts are exact.
template <int MIN_EXP, int EXP_BITS>
struct pow2_multiplier {
    template <class product_T, class weight_T, class data_T, class store_T>
    static product_T product(const data_T& x, const store_T& code) {
        const ap_uint<EXP_BITS> field = code.range(EXP_BITS - 1, 0);
        const bool negative = code[EXP_BITS];
        product_T p = 0;
        if (field != 0) {
            p = x;
            if (MIN_EXP < 0) {
                p >>= -MIN_EXP;
            } else {
                p <<= MIN_EXP;
            }
            p <<= field.to_int() - 1;
            if (negative) p = -p;
        }
        return p;
    }
};

// The bias (raw, of the config's bias_t) in the accumulator type.
template <typename CONFIG_T, class store_T>
inline typename CONFIG_T::accum_t bias_value(const store_T& stored) {
    return typename CONFIG_T::accum_t(from_raw<typename CONFIG_T::bias_t>(stored));
}

// One term of a MAC layer: the input times the stored weight, exactly.
template <typename CONFIG_T, class data_T, class store_T>
inline typename CONFIG_T::product_t mac_term(const data_T& x, const store_T& stored) {
    return CONFIG_T::multiplier::template product<typename CONFIG_T::product_t,
                                                  typename CONFIG_T::weight_t>(x, stored);
}

}  // namespace es_hls

#endif  // ES_HLS_MULTIPLIER_H_
