/*
 * edgesmith C runtime: build options of the fast kernels.
 *
 * A generated model folder carries its own copy of this file, with the options its
 * model needs (edgesmith.codegen.c_runtime.config_header); this one, every option on,
 * serves builds straight from the repository. An option off leaves code out, never
 * changes an integer: what it would have run takes a slower path.
 */
#ifndef ES_NN_CONFIG_H
#define ES_NN_CONFIG_H

/*
 * The Cortex-M loops for 4- and 2-bit clamps (one SSAT each) and for the one-multiply
 * output stage: the low-bit branch of a QuantMCU mixed-precision model. Without them a
 * 4- or 2-bit clamp runs the int8 loop and narrows its outputs after it, and a
 * one-multiply stage runs the loop whose right shift is then 0.
 */
#ifndef ES_FAST_LOW_BIT_LOOPS
#define ES_FAST_LOW_BIT_LOOPS 1
#endif

#endif /* ES_NN_CONFIG_H */
