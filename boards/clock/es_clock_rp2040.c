/*
 * Clock set-up of the RP2040 (datasheet: XOSC, PLL, Clocks, Resets): the
 * 12 MHz crystal feeds clk_ref and PLL_SYS (VCO = 12 MHz x ES_CLOCK_FBDIV,
 * divided by ES_CLOCK_POSTDIV1 x ES_CLOCK_POSTDIV2), clk_sys runs from
 * PLL_SYS and clk_peri (the UART's clock) from clk_sys.
 */
#include "es_board_config.h"
#include "es_clock.h"

#define ES_REG(address) (*(volatile uint32_t *)(address))
#define ES_SET 0x2000u /* atomic bit-set and bit-clear aliases of every register */
#define ES_CLR 0x3000u

#define ES_XOSC 0x40024000u
#define ES_XOSC_FREQ_1_15MHZ 0xAA0u
#define ES_XOSC_ENABLE (0xFABu << 12)
#define ES_XOSC_STABLE (1u << 31)
#define ES_XOSC_STARTUP_DELAY 47u /* (12 MHz / 1000 + 128) / 256: about 1 ms */

#define ES_CLOCKS 0x40008000u
#define ES_CLK_REF_CTRL 0x30u
#define ES_CLK_REF_SELECTED 0x38u
#define ES_CLK_SYS_CTRL 0x3Cu
#define ES_CLK_SYS_SELECTED 0x44u
#define ES_CLK_PERI_CTRL 0x48u
#define ES_CLK_REF_SRC_XOSC 2u
#define ES_CLK_SYS_SRC_AUX 1u /* AUXSRC 0: PLL_SYS */
#define ES_CLK_PERI_ENABLE (1u << 11) /* AUXSRC 0: clk_sys */

#define ES_RESETS 0x4000C000u
#define ES_RESET_DONE 0x8u
#define ES_RESET_PLL_SYS (1u << 12)

#define ES_PLL_SYS 0x40028000u
#define ES_PLL_CS 0x0u
#define ES_PLL_PWR 0x4u
#define ES_PLL_FBDIV_INT 0x8u
#define ES_PLL_PRIM 0xCu
#define ES_PLL_LOCK (1u << 31)
#define ES_PLL_PWR_PD (1u << 0)
#define ES_PLL_PWR_POSTDIVPD (1u << 3)
#define ES_PLL_PWR_VCOPD (1u << 5)

void es_clock_init(void)
{
    ES_REG(ES_XOSC + 0x0Cu) = ES_XOSC_STARTUP_DELAY;
    ES_REG(ES_XOSC + 0x00u) = ES_XOSC_FREQ_1_15MHZ | ES_XOSC_ENABLE;
    while (!(ES_REG(ES_XOSC + 0x04u) & ES_XOSC_STABLE)) {
    }
    ES_REG(ES_CLOCKS + ES_CLK_REF_CTRL) = ES_CLK_REF_SRC_XOSC;
    while (ES_REG(ES_CLOCKS + ES_CLK_REF_SELECTED) != (1u << ES_CLK_REF_SRC_XOSC)) {
    }
    /* clk_sys on clk_ref while PLL_SYS restarts */
    ES_REG(ES_CLOCKS + ES_CLK_SYS_CTRL) = 0u;
    while (ES_REG(ES_CLOCKS + ES_CLK_SYS_SELECTED) != 1u) {
    }
    ES_REG(ES_RESETS + ES_SET) = ES_RESET_PLL_SYS;
    ES_REG(ES_RESETS + ES_CLR) = ES_RESET_PLL_SYS;
    while (!(ES_REG(ES_RESETS + ES_RESET_DONE) & ES_RESET_PLL_SYS)) {
    }
    ES_REG(ES_PLL_SYS + ES_PLL_CS) = 1u; /* REFDIV 1 */
    ES_REG(ES_PLL_SYS + ES_PLL_FBDIV_INT) = ES_CLOCK_FBDIV;
    ES_REG(ES_PLL_SYS + ES_CLR + ES_PLL_PWR) = ES_PLL_PWR_PD | ES_PLL_PWR_VCOPD;
    while (!(ES_REG(ES_PLL_SYS + ES_PLL_CS) & ES_PLL_LOCK)) {
    }
    ES_REG(ES_PLL_SYS + ES_PLL_PRIM) = (ES_CLOCK_POSTDIV1 << 16) | (ES_CLOCK_POSTDIV2 << 12);
    ES_REG(ES_PLL_SYS + ES_CLR + ES_PLL_PWR) = ES_PLL_PWR_POSTDIVPD;
    ES_REG(ES_CLOCKS + ES_CLK_SYS_CTRL) = ES_CLK_SYS_SRC_AUX;
    while (ES_REG(ES_CLOCKS + ES_CLK_SYS_SELECTED) != (1u << ES_CLK_SYS_SRC_AUX)) {
    }
    ES_REG(ES_CLOCKS + ES_CLK_PERI_CTRL) = ES_CLK_PERI_ENABLE;
}
