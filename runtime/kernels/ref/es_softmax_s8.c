/*
 * Reference int8 softmax (output scale 1/256, zero point -128) and log-softmax (output
 * scale 16/256, zero point 127), which share the exponentials and the reciprocal below.
 *
 * This is the fixed-point algorithm of the reference kernel, whose math comes
 * from gemmlowp: the input difference to the row maximum, scaled by beta, is a
 * Q5.26 number; exp() of it is a Q0.31 number (a polynomial on [-1/4, 0) and
 * a product of exp(-2^k) constants for the rest); the exponentials are summed
 * in Q12.19; the reciprocal of the sum comes from three Newton-Raphson steps.
 *
 * A raw int32 "with I integer bits" below stands for raw * 2^-(31 - I).
 * Additions wrap like the reference's int32 arithmetic; products are the
 * saturating rounding doubling high multiply.
 */
#include "es_nn.h"
#include "es_nn_support.h"

enum { SCALED_DIFF_INTEGER_BITS = 5, ACCUMULATION_INTEGER_BITS = 12 };

static int32_t fx_sub(int32_t a, int32_t b)
{
    return es_wrap32((uint32_t)a - (uint32_t)b);
}

/* x * 2^exponent: rounding to nearest when shifting right, saturating when shifting left. */
static int32_t fx_mul_pot(int32_t x, int32_t exponent)
{
    int32_t threshold;
    if (exponent <= 0) {
        return es_rounding_divide_by_pot(x, -exponent);
    }
    threshold = (int32_t)(((uint32_t)1 << (31 - exponent)) - 1u);
    if (x > threshold) {
        return INT32_MAX;
    }
    if (x < -threshold) {
        return INT32_MIN;
    }
    return es_wrap32((uint32_t)x << exponent);
}

/* exp(a) for a in [-1/4, 0), 0 integer bits in and out: Taylor series around -1/8. */
static int32_t exp_on_quarter_interval(int32_t a)
{
    const int32_t exp_minus_one_eighth = 1895147668;
    const int32_t one_third = 715827883;
    const int32_t x = es_add_wrap32(a, (int32_t)1 << 28); /* a + 1/8 */
    const int32_t x2 = es_sat_rounding_doubling_high_mul(x, x);
    const int32_t x3 = es_sat_rounding_doubling_high_mul(x2, x);
    const int32_t x4 = es_sat_rounding_doubling_high_mul(x2, x2);
    const int32_t x4_over_4 = fx_mul_pot(x4, -2);
    const int32_t poly = es_sat_rounding_doubling_high_mul(es_add_wrap32(x4_over_4, x3), one_third);
    const int32_t tail = fx_mul_pot(es_add_wrap32(poly, x2), -1);
    return es_add_wrap32(exp_minus_one_eighth, es_sat_rounding_doubling_high_mul(
                                                   exp_minus_one_eighth, es_add_wrap32(x, tail)));
}

/* exp(a) for a <= 0 with 5 integer bits; the result has 0 integer bits. */
static int32_t exp_on_negative_values(int32_t a)
{
    /* exp(-2^k) for k = -2..4, in Q0.31 */
    static const int32_t exp_of_minus_pow2[7] = {1672461947, 1302514674, 790015084, 290630308,
                                                 39332535,   720401,     242};
    const int32_t fractional_bits = 31 - SCALED_DIFF_INTEGER_BITS;
    const int32_t one_quarter = (int32_t)1 << (fractional_bits - 2);
    const int32_t a_mod_quarter_minus_quarter = fx_sub(a & (one_quarter - 1), one_quarter);
    const int32_t remainder = fx_sub(a_mod_quarter_minus_quarter, a);
    int32_t result =
        exp_on_quarter_interval(fx_mul_pot(a_mod_quarter_minus_quarter, SCALED_DIFF_INTEGER_BITS));
    int32_t k;
    /* One factor exp(-2^k) for each bit of -a above the quarter. */
    for (k = -2; k <= 4; ++k) {
        if ((remainder & ((int32_t)1 << (fractional_bits + k))) != 0) {
            result = es_sat_rounding_doubling_high_mul(result, exp_of_minus_pow2[k + 2]);
        }
    }
    return a == 0 ? INT32_MAX : result;
}

/* 1 / (1 + a) for a in [0, 1), 0 integer bits in and out. */
static int32_t one_over_one_plus_x(int32_t a)
{
    const int32_t forty_eight_seventeenths = 1515870810;       /* 2 integer bits */
    const int32_t minus_thirty_two_seventeenths = -1010580540; /* 2 integer bits */
    const int32_t one_with_2_integer_bits = (int32_t)1 << 29;
    /* (a + 1) / 2 rounded half away from zero, without overflow */
    const int64_t sum = (int64_t)a + INT32_MAX;
    const int32_t half_denominator = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
    int32_t x = es_add_wrap32(
        forty_eight_seventeenths,
        es_sat_rounding_doubling_high_mul(half_denominator, minus_thirty_two_seventeenths));
    int step;
    for (step = 0; step < 3; ++step) {
        const int32_t one_minus_dx =
            fx_sub(one_with_2_integer_bits, es_sat_rounding_doubling_high_mul(half_denominator, x));
        /* x * one_minus_dx has 4 integer bits; bring it back to 2 */
        x = es_add_wrap32(x, fx_mul_pot(es_sat_rounding_doubling_high_mul(x, one_minus_dx), 2));
    }
    /* x ~ 2 / (1 + a) with 2 integer bits: reading it with 1 halves it; then go to 0 bits */
    return fx_mul_pot(x, 1);
}

static int32_t count_leading_zeros32(uint32_t x)
{
    int32_t zeros = 0;
    while (zeros < 32 && (x & 0x80000000u) == 0u) {
        x <<= 1;
        zeros += 1;
    }
    return zeros;
}

/* exp(beta * input_scale * diff) in Q0.31 for diff = x - row max >= diff_min. */
static int32_t exp_of_diff(const es_softmax_params *p, int32_t diff)
{
    const int32_t scaled =
        es_multiply_by_quantized_multiplier(diff, p->input_multiplier, p->input_left_shift);
    return exp_on_negative_values(scaled);
}

/* The row's maximum, and the sum of exp(scaled x - max) over it with 12 integer bits. */
static int32_t row_sum_of_exps(const es_softmax_params *p, int32_t depth, const int8_t *input,
                               int32_t *max_in_row)
{
    int32_t sum_of_exps = 0, c;
    *max_in_row = INT8_MIN;
    for (c = 0; c < depth; ++c) {
        *max_in_row = input[c] > *max_in_row ? input[c] : *max_in_row;
    }
    for (c = 0; c < depth; ++c) {
        const int32_t diff = input[c] - *max_in_row;
        if (diff >= p->diff_min) {
            sum_of_exps = es_add_wrap32(
                sum_of_exps, fx_mul_pot(exp_of_diff(p, diff), -ACCUMULATION_INTEGER_BITS));
        }
    }
    return sum_of_exps;
}

/* One row into int8 (`output8`, scale 1/256) or int16 (`output16`, scale 1/65536) values:
 * only the final shift and the clamp differ. */
static es_status softmax_row(const es_softmax_params *p, int32_t depth, const int8_t *input,
                             int8_t *output8, int16_t *output16)
{
    const int32_t output_bits = output16 != NULL ? 16 : 8;
    const int32_t output_min = output16 != NULL ? INT16_MIN : INT8_MIN;
    const int32_t output_max = output16 != NULL ? INT16_MAX : INT8_MAX;
    int32_t max_in_row;
    const int32_t sum_of_exps = row_sum_of_exps(p, depth, input, &max_in_row);
    int32_t headroom, num_bits_over_unit, exponent, reciprocal, c;
    /* 1 / sum as a Q0.31 value times 2^-num_bits_over_unit; the row maximum makes sum >= 1. */
    headroom = count_leading_zeros32((uint32_t)sum_of_exps);
    num_bits_over_unit = ACCUMULATION_INTEGER_BITS - headroom;
    exponent = num_bits_over_unit + 31 - output_bits;
    if (exponent > 31) {
        return ES_ERR_RANGE; /* the sum of exponentials reached 512: the reference aborts */
    }
    reciprocal = one_over_one_plus_x(es_wrap32(((uint32_t)sum_of_exps << headroom) - 0x80000000u));
    for (c = 0; c < depth; ++c) {
        const int32_t diff = input[c] - max_in_row;
        int32_t probability = 0;
        if (diff >= p->diff_min) {
            probability = es_rounding_divide_by_pot(
                es_sat_rounding_doubling_high_mul(reciprocal, exp_of_diff(p, diff)), exponent);
        }
        probability += output_min;
        probability = probability > output_max ? output_max : probability;
        if (output16 != NULL) {
            output16[c] = (int16_t)probability;
        } else {
            output8[c] = (int8_t)probability;
        }
    }
    return ES_OK;
}

static es_status softmax_rows(const es_softmax_params *params, int32_t rows, int32_t depth,
                              const int8_t *input, int8_t *output8, int16_t *output16)
{
    int32_t row;
    if (params->input_multiplier < 0 || params->input_left_shift < 0 ||
        params->input_left_shift > 31 || params->diff_min > 0) {
        return ES_ERR_RANGE;
    }
    for (row = 0; row < rows; ++row) {
        const es_status status = softmax_row(
            params, depth, input + row * depth, output8 != NULL ? output8 + row * depth : NULL,
            output16 != NULL ? output16 + row * depth : NULL);
        if (status != ES_OK) {
            return status;
        }
    }
    return ES_OK;
}

es_status es_softmax_s8(const es_softmax_params *params, int32_t rows, int32_t depth,
                        const int8_t *input, int8_t *output)
{
    if (!es_elementwise_args_are_valid(params, rows, input, output) || depth < 1) {
        return ES_ERR_ARG;
    }
    return softmax_rows(params, rows, depth, input, output, NULL);
}

es_status es_softmax_s8_s16(const es_softmax_params *params, int32_t rows, int32_t depth,
                            const int8_t *input, int16_t *output)
{
    if (params == NULL || input == NULL || output == NULL || rows < 0 || depth < 1) {
        return ES_ERR_ARG;
    }
    return softmax_rows(params, rows, depth, input, NULL, output);
}

static int32_t saturating_add_sub(int32_t a, int32_t b, int32_t sign)
{
    const int64_t r = (int64_t)a + sign * (int64_t)b;
    return r > INT32_MAX ? INT32_MAX : (r < INT32_MIN ? INT32_MIN : (int32_t)r);
}

/* log(x) for x >= 1 with 12 integer bits, returned with 5 (accumulated with 6): x = 2^e * r,
 * e from the leading zeros (two candidates a quarter apart), log(r) by a rational
 * approximation around 2^-1/4 whose denominator goes through one_over_one_plus_x. */
static int32_t log_of_sum(int32_t x)
{
    enum { IN_BITS = ACCUMULATION_INTEGER_BITS, ACC_BITS = SCALED_DIFF_INTEGER_BITS + 1 };
    const int32_t log_2 = 1488522236, sqrt_sqrt_half = 1805811301, sqrt_half = 1518500250;
    const int32_t alpha_n = 117049297, alpha_d = 127690142, alpha_i = 1057819769;
    const int32_t alpha_f = 638450708;
    const int32_t quarter = fx_mul_pot(536870912, -ACC_BITS);
    const int32_t a_headroom = count_leading_zeros32((uint32_t)x);
    const int32_t r_a = fx_mul_pot(
        es_sat_rounding_doubling_high_mul(fx_mul_pot(x, a_headroom - 1), sqrt_half), 1);
    const int32_t a_pow_2 =
        saturating_add_sub(fx_mul_pot(IN_BITS - a_headroom, 31 - ACC_BITS), quarter, 1);
    const int32_t b_headroom =
        count_leading_zeros32((uint32_t)es_sat_rounding_doubling_high_mul(x, sqrt_half)) - 1;
    const int32_t r_b = fx_mul_pot(x, b_headroom);
    const int32_t b_pow_2 =
        saturating_add_sub(fx_mul_pot(IN_BITS - b_headroom, 31 - ACC_BITS), quarter, -1);
    const int32_t r = r_a < r_b ? r_a : r_b;
    const int32_t pow_2 = a_pow_2 > b_pow_2 ? a_pow_2 : b_pow_2;
    const int64_t half_sum = (int64_t)r + sqrt_sqrt_half;
    const int32_t p = (int32_t)((half_sum + (half_sum >= 0 ? 1 : -1)) / 2);
    const int32_t q = es_add_wrap32(fx_sub(r, sqrt_sqrt_half), fx_sub(r, sqrt_sqrt_half));
    const int32_t q2 = es_sat_rounding_doubling_high_mul(q, q);
    const int32_t num = es_add_wrap32(
        es_sat_rounding_doubling_high_mul(q, r),
        es_sat_rounding_doubling_high_mul(es_sat_rounding_doubling_high_mul(q, q2), alpha_n));
    const int32_t den_factor =
        es_add_wrap32(es_add_wrap32(alpha_i, q), es_sat_rounding_doubling_high_mul(alpha_d, q2));
    const int32_t den = es_add_wrap32(es_sat_rounding_doubling_high_mul(p, den_factor),
                                      es_sat_rounding_doubling_high_mul(alpha_f, q));
    const int32_t log_x = es_add_wrap32(
        es_sat_rounding_doubling_high_mul(pow_2, log_2),
        es_sat_rounding_doubling_high_mul(fx_mul_pot(num, -ACC_BITS), one_over_one_plus_x(den)));
    return fx_mul_pot(log_x, 1);
}

static void log_softmax_row(const es_log_softmax_params *p, int32_t depth, const int8_t *input,
                            int8_t *output)
{
    const es_softmax_params scaling = {p->input_multiplier, p->input_left_shift, p->diff_min};
    int32_t max_in_row, adjusted_diff_min, c;
    const int32_t log_sum = log_of_sum(row_sum_of_exps(&scaling, depth, input, &max_in_row));
    /* below this difference, scaled difference - log_sum would leave int32: lowest code */
    adjusted_diff_min = es_multiply_by_quantized_multiplier(
        es_add_wrap32(log_sum, INT32_MIN), p->reverse_scaling_divisor,
        -p->reverse_scaling_right_shift);
    adjusted_diff_min = adjusted_diff_min > p->diff_min - 1 ? adjusted_diff_min : p->diff_min - 1;
    for (c = 0; c < depth; ++c) {
        const int32_t diff = input[c] - max_in_row;
        int32_t value = INT8_MIN;
        if (diff > adjusted_diff_min) {
            const int32_t scaled = es_multiply_by_quantized_multiplier(diff, p->input_multiplier,
                                                                       p->input_left_shift);
            value = es_rounding_divide_by_pot(fx_sub(scaled, log_sum), 22) + 127; /* Q5.26->Q4 */
            value = value > INT8_MAX ? INT8_MAX : (value < INT8_MIN ? INT8_MIN : value);
        }
        output[c] = (int8_t)value;
    }
}

es_status es_log_softmax_s8(const es_log_softmax_params *params, int32_t rows, int32_t depth,
                            const int8_t *input, int8_t *output)
{
    int32_t row;
    if (!es_elementwise_args_are_valid(params, rows, input, output) || depth < 1) {
        return ES_ERR_ARG;
    }
    if (params->input_multiplier < 0 || params->input_left_shift < 0 ||
        params->input_left_shift > 31 || params->reverse_scaling_right_shift < 0 ||
        params->reverse_scaling_right_shift > 31 || params->diff_min > 0) {
        return ES_ERR_RANGE;
    }
    for (row = 0; row < rows; ++row) {
        log_softmax_row(params, depth, input + row * depth, output + row * depth);
    }
    return ES_OK;
}
