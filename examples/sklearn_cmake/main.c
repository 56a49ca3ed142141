/*
 * Classify iris flowers with the generated model: rows of IRIS_INPUT0_COUNT float32
 * features on stdin (as a sensor driver would hand them over), one class index per line
 * on stdout. The float helpers quantize the features exactly as edgesmith's simulator.
 */
#include <stdio.h>

#include "iris.h"

static int argmax(const float *values, int count)
{
    int i, best = 0;
    for (i = 1; i < count; ++i) {
        if (values[i] > values[best]) {
            best = i;
        }
    }
    return best;
}

int main(void)
{
    static float features[IRIS_INPUT0_COUNT];
    static IRIS_INPUT0_TYPE input[IRIS_INPUT0_COUNT];
    static IRIS_OUTPUT0_TYPE output[IRIS_OUTPUT0_COUNT];
    static float scores[IRIS_OUTPUT0_COUNT];

    if (iris_init() != ES_OK) {
        return 1;
    }
    while (fread(features, sizeof features, 1, stdin) == 1) {
        if (iris_quantize_input0(features, input) != ES_OK || iris_run(input, output) != ES_OK ||
            iris_dequantize_output0(output, scores) != ES_OK) {
            return 1;
        }
        printf("%d\n", argmax(scores, IRIS_OUTPUT0_COUNT));
    }
    return 0;
}
