/*
 * Clock set-up of the STM32L4+ (RM0432, for the L4R5): above 80 MHz the
 * regulator runs in Range 1 boost mode and SYSCLK steps up through an AHB
 * prescaler of 2. The main PLL runs from the 16 MHz HSI16 (PLLSRC 2):
 * ES_CLOCK_PLL_M/N/R give VCO input HSI16 / M, VCO x N, SYSCLK VCO / R;
 * ES_CLOCK_FLASH_ACR holds the wait states and the prefetch and caches.
 */
#include "es_board_config.h"
#include "es_clock.h"

#define ES_REG(address) (*(volatile uint32_t *)(address))
#define ES_RCC_CR ES_REG(0x40021000u)
#define ES_RCC_CFGR ES_REG(0x40021008u)
#define ES_RCC_PLLCFGR ES_REG(0x4002100Cu)
#define ES_RCC_APB1ENR1 ES_REG(0x40021058u)
#define ES_PWR_CR5 ES_REG(0x40007080u)
#define ES_FLASH_ACR ES_REG(0x40022000u)

#define ES_RCC_CR_HSION (1u << 8)
#define ES_RCC_CR_HSIRDY (1u << 10)
#define ES_RCC_CR_PLLON (1u << 24)
#define ES_RCC_CR_PLLRDY (1u << 25)
#define ES_RCC_APB1ENR1_PWREN (1u << 28)
#define ES_PWR_CR5_R1MODE (1u << 8) /* 1: Range 1 normal; 0: boost, up to 120 MHz */
#define ES_PLLSRC_HSI16 2u
#define ES_PLLREN (1u << 24)
#define ES_CFGR_SW_PLL 3u
#define ES_CFGR_HPRE_DIV2 (8u << 4)
#define ES_FLASH_ACR_LATENCY 0xFu

void es_clock_init(void)
{
    ES_RCC_APB1ENR1 |= ES_RCC_APB1ENR1_PWREN;
    (void)ES_RCC_APB1ENR1;
    ES_PWR_CR5 &= ~ES_PWR_CR5_R1MODE;

    ES_RCC_CR |= ES_RCC_CR_HSION;
    while (!(ES_RCC_CR & ES_RCC_CR_HSIRDY)) {
    }
    ES_RCC_PLLCFGR = ES_PLLSRC_HSI16 | ((ES_CLOCK_PLL_M - 1u) << 4) | (ES_CLOCK_PLL_N << 8) |
                     ES_PLLREN | ((ES_CLOCK_PLL_R / 2u - 1u) << 25);
    ES_RCC_CR |= ES_RCC_CR_PLLON;
    while (!(ES_RCC_CR & ES_RCC_CR_PLLRDY)) {
    }
    ES_FLASH_ACR = ES_CLOCK_FLASH_ACR;
    while ((ES_FLASH_ACR & ES_FLASH_ACR_LATENCY) != (ES_CLOCK_FLASH_ACR & ES_FLASH_ACR_LATENCY)) {
    }
    /* boost mode: switch with HCLK = SYSCLK / 2, then go to full speed */
    ES_RCC_CFGR = ES_CFGR_HPRE_DIV2 | ES_CFGR_SW_PLL;
    while (((ES_RCC_CFGR >> 2) & 3u) != ES_CFGR_SW_PLL) {
    }
    for (volatile uint32_t spin = 0; spin < 200u; ++spin) { /* the 1 us the manual asks for */
    }
    ES_RCC_CFGR = ES_CFGR_SW_PLL;
}
