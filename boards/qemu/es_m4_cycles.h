/*
 * Cycle weights of Cortex-M4 instructions, for an estimate beside the exact instruction count.
 *
 * Source: Cortex-M4 Technical Reference Manual (Arm DDI 0439), "Processor instruction set
 * summary" (zero wait states). What the estimate models:
 *   - 1 cycle for data processing, multiplies (MUL/MLA/MLS/SMULL/SMLAL... and the DSP
 *     SIMD instructions such as SMLAD, SXTB16, SMMULR), saturation, IT and branches not taken;
 *   - single loads and stores (LDR/STR of any width, LDREX/STREX): 2, or 1 when the previous
 *     instruction was a single load (the TRM's pipelining of neighbouring loads and stores;
 *     the exception for an address computed from the loaded register is not modelled);
 *   - LDRD/STRD: 3; LDM/STM/PUSH/POP: 1 + N registers;
 *   - divides SDIV/UDIV: 2 to 12 by operand, counted as 7;
 *   - FPU: VLDR/VSTR 2, VLDM/VSTM/VPUSH/VPOP 1 + N words, VDIV/VSQRT 14,
 *     VMLA/VMLS/VFMA/VFMS and their negated forms 3, other VFP instructions 1;
 *   - TBB/TBH: 2 plus the refill;
 *   - a taken branch (any change of flow: B, BL, BX, CBZ, POP {pc}, LDR pc...) adds the
 *     pipeline refill P, 1 to 3 cycles in the TRM, counted as ES_M4_REFILL; the plugin adds
 *     it when the next executed block does not start where the previous one falls through.
 * Not modelled: flash wait states, bus contention, load-use stalls, unaligned accesses,
 * IT folding. It is an estimate and is labelled as one wherever it is shown.
 */
#ifndef ES_M4_CYCLES_H
#define ES_M4_CYCLES_H

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define ES_M4_REFILL 2u
#define ES_M4_DIVIDE 7u

/* The mnemonic of a disassembled instruction ("ldr.w r0, [r1]" -> "ldr"), lower case. */
static void es_m4_mnemonic(const char *disas, char *out, size_t size)
{
    size_t n = 0;
    while (*disas == ' ' || *disas == '\t') {
        ++disas;
    }
    while (disas[n] != '\0' && disas[n] != ' ' && disas[n] != '\t' && disas[n] != '.' &&
           n + 1 < size) {
        out[n] = (char)tolower((unsigned char)disas[n]);
        ++n;
    }
    out[n] = '\0';
}

static int es_m4_starts(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

/* Registers in the {...} list of a disassembled LDM/STM/PUSH/POP/VLDM ("r4-r7" counts 4);
 * 64-bit D registers count as two words. */
static unsigned es_m4_list_words(const char *disas)
{
    const char *p = strchr(disas, '{');
    unsigned words = 0;
    while (p != NULL && *p != '\0' && *p != '}') {
        ++p;
        while (*p == ' ') {
            ++p;
        }
        const int wide = *p == 'd';
        char *end = NULL;
        const long first = isalpha((unsigned char)*p) ? strtol(p + 1, &end, 10) : -1;
        long last = first;
        if (end != NULL && *end == '-') {
            last = strtol(end + 2, NULL, 10);
        }
        const unsigned count = (first >= 0 && last >= first) ? (unsigned)(last - first + 1) : 1u;
        words += wide ? 2u * count : count;
        p = strpbrk(p, ",}");
    }
    return words;
}

/* Cycles of one instruction, without the refill of a taken branch. ``single_load`` says on
 * entry whether the previous instruction was a single load (a single load or store after it
 * pipelines), and on return whether this one is. */
static unsigned es_m4_cycles(const char *disas, int *single_load)
{
    char m[16];
    es_m4_mnemonic(disas, m, sizeof m);
    const int after_single_load = *single_load;
    *single_load = es_m4_starts(m, "ldr") && !es_m4_starts(m, "ldrd");
    if (es_m4_starts(m, "ldrd") || es_m4_starts(m, "strd")) {
        return 3u;
    }
    if (es_m4_starts(m, "ldr") || es_m4_starts(m, "str")) {
        return after_single_load ? 1u : 2u;
    }
    if (es_m4_starts(m, "ldm") || es_m4_starts(m, "stm") || es_m4_starts(m, "push") ||
        es_m4_starts(m, "pop") || es_m4_starts(m, "vldm") || es_m4_starts(m, "vstm") ||
        es_m4_starts(m, "vpush") || es_m4_starts(m, "vpop")) {
        return 1u + es_m4_list_words(disas);
    }
    if (es_m4_starts(m, "vldr") || es_m4_starts(m, "vstr")) {
        return 2u;
    }
    if (es_m4_starts(m, "sdiv") || es_m4_starts(m, "udiv")) {
        return ES_M4_DIVIDE;
    }
    if (es_m4_starts(m, "vdiv") || es_m4_starts(m, "vsqrt")) {
        return 14u;
    }
    if (es_m4_starts(m, "vmla") || es_m4_starts(m, "vmls") || es_m4_starts(m, "vnmla") ||
        es_m4_starts(m, "vnmls") || es_m4_starts(m, "vfma") || es_m4_starts(m, "vfms") ||
        es_m4_starts(m, "vfnma") || es_m4_starts(m, "vfnms")) {
        return 3u;
    }
    if (es_m4_starts(m, "tbb") || es_m4_starts(m, "tbh")) {
        return 2u;
    }
    return 1u;
}

#endif /* ES_M4_CYCLES_H */
