/*
 * Clock set-up of the STM32F4 and STM32F7, whose RCC, PWR and FLASH registers
 * sit at the same addresses with the same PLL fields (RM0383 for the F411,
 * RM0090 for the F405, RM0385 for the F746): the main PLL from the 16 MHz HSI
 * (on every board, whatever its crystal), the regulator scale and flash wait
 * states the rated clock needs, then SYSCLK from the PLL. The board file gives
 * the numbers: ES_CLOCK_PLL_M/N/P/Q, ES_CLOCK_APB1_DIV/APB2_DIV,
 * ES_CLOCK_FLASH_ACR (wait states and the flash accelerator or caches),
 * ES_CLOCK_VOS_MASK/VOS (regulator scale bits of PWR_CR), and on the F7
 * ES_CLOCK_OVERDRIVE (needed above 180 MHz) and ES_CLOCK_M7_CACHES.
 */
#include "es_board_config.h"
#include "es_clock.h"

#if ES_CLOCK_M7_CACHES
#include "es_cache_m7.h"
#endif

#define ES_REG(address) (*(volatile uint32_t *)(address))
#define ES_RCC_CR ES_REG(0x40023800u)
#define ES_RCC_PLLCFGR ES_REG(0x40023804u)
#define ES_RCC_CFGR ES_REG(0x40023808u)
#define ES_RCC_APB1ENR ES_REG(0x40023840u)
#define ES_PWR_CR ES_REG(0x40007000u)
#define ES_PWR_CSR ES_REG(0x40007004u)
#define ES_FLASH_ACR ES_REG(0x40023C00u)

#define ES_RCC_CR_PLLON (1u << 24)
#define ES_RCC_CR_PLLRDY (1u << 25)
#define ES_RCC_APB1ENR_PWREN (1u << 28)
#define ES_RCC_CFGR_SW_PLL 2u
#define ES_RCC_CFGR_SWS_SHIFT 2u
#define ES_FLASH_ACR_LATENCY 0xFu
#define ES_PWR_OVERDRIVE (1u << 16)        /* CR1.ODEN and CSR1.ODRDY */
#define ES_PWR_OVERDRIVE_SWITCH (1u << 17) /* CR1.ODSWEN and CSR1.ODSWRDY */

/* APB prescaler field: 0 = /1, 4 + log2(div) - 1 for /2 to /16 */
#define ES_PPRE(div) ((div) == 1 ? 0u : (div) == 2 ? 4u : (div) == 4 ? 5u : (div) == 8 ? 6u : 7u)

void es_clock_init(void)
{
    ES_RCC_APB1ENR |= ES_RCC_APB1ENR_PWREN;
    (void)ES_RCC_APB1ENR;
    ES_PWR_CR = (ES_PWR_CR & ~ES_CLOCK_VOS_MASK) | ES_CLOCK_VOS;

    /* PLLSRC (bit 22) 0: the HSI feeds the PLL */
    ES_RCC_PLLCFGR = ES_CLOCK_PLL_M | (ES_CLOCK_PLL_N << 6) | ((ES_CLOCK_PLL_P / 2u - 1u) << 16) |
                     (ES_CLOCK_PLL_Q << 24);
    ES_RCC_CR |= ES_RCC_CR_PLLON;
    while (!(ES_RCC_CR & ES_RCC_CR_PLLRDY)) {
    }
#if ES_CLOCK_OVERDRIVE
    ES_PWR_CR |= ES_PWR_OVERDRIVE;
    while (!(ES_PWR_CSR & ES_PWR_OVERDRIVE)) {
    }
    ES_PWR_CR |= ES_PWR_OVERDRIVE_SWITCH;
    while (!(ES_PWR_CSR & ES_PWR_OVERDRIVE_SWITCH)) {
    }
#endif
    /* more wait states before the clock goes up */
    ES_FLASH_ACR = ES_CLOCK_FLASH_ACR;
    while ((ES_FLASH_ACR & ES_FLASH_ACR_LATENCY) != (ES_CLOCK_FLASH_ACR & ES_FLASH_ACR_LATENCY)) {
    }
    ES_RCC_CFGR = (ES_PPRE(ES_CLOCK_APB1_DIV) << 10) | (ES_PPRE(ES_CLOCK_APB2_DIV) << 13);
    ES_RCC_CFGR |= ES_RCC_CFGR_SW_PLL;
    while (((ES_RCC_CFGR >> ES_RCC_CFGR_SWS_SHIFT) & 3u) != ES_RCC_CFGR_SW_PLL) {
    }
#if ES_CLOCK_M7_CACHES
    es_m7_caches_enable();
#endif
}
