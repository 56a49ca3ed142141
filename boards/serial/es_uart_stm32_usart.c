/*
 * STM32 USART and LPUART, polled (ST reference manuals RM0383 for the F411,
 * RM0090 for the F405, RM0385 for the F746, RM0433 for the H743, RM0432 for the L4R5).
 *
 * Two register layouts exist: the F1/F2/F4 one (SR, DR, BRR, CR1) and the one
 * of every later family (CR1 first, ISR, ICR, separate RDR and TDR); the board
 * file says which (ES_UART_V2_REGISTERS). With 16x oversampling a USART's BRR
 * is clock / baud; an LPUART's is 256 x clock / baud (ES_UART_BRR_SCALE 1 or 256).
 * ES_UART_CLOCK_ENABLE lists (register, bits) to set before use: GPIO and
 * UART clocks, on the L4R5 also the I/O supply of port G. ES_UART_PINS lists
 * (GPIO port base, pin, alternate function) for TX and RX.
 */
#include "es_uart.h"

#include "es_board_config.h"

#define ES_REG(offset) (*(volatile uint32_t *)(ES_UART_BASE + (offset)))

#if ES_UART_V2_REGISTERS
#define ES_CR1 ES_REG(0x00u)
#define ES_BRR ES_REG(0x0Cu)
#define ES_STATUS ES_REG(0x1Cu) /* ISR */
#define ES_ICR ES_REG(0x20u)
#define ES_RDR ES_REG(0x24u)
#define ES_TDR ES_REG(0x28u)
#define ES_CR1_ENABLE ((1u << 0) | (1u << 2) | (1u << 3)) /* UE, RE, TE */
#else
#define ES_STATUS ES_REG(0x00u) /* SR */
#define ES_RDR ES_REG(0x04u)    /* DR, both ways */
#define ES_TDR ES_REG(0x04u)
#define ES_BRR ES_REG(0x08u)
#define ES_CR1 ES_REG(0x0Cu)
#define ES_CR1_ENABLE ((1u << 13) | (1u << 2) | (1u << 3)) /* UE, RE, TE */
#endif

#define ES_STATUS_ORE (1u << 3)
#define ES_STATUS_RXNE (1u << 5)
#define ES_STATUS_TXE (1u << 7)

/* GPIO registers, the same on every family used here. */
#define ES_GPIO(base, offset) (*(volatile uint32_t *)((base) + (offset)))
#define ES_GPIO_MODER 0x00u
#define ES_GPIO_OSPEEDR 0x08u
#define ES_GPIO_AFRL 0x20u
#define ES_GPIO_MODE_ALTERNATE 2u
#define ES_GPIO_SPEED_HIGH 2u

static const uint32_t es_clock_enables[][2] = ES_UART_CLOCK_ENABLE;
static const uint32_t es_pins[][3] = ES_UART_PINS;

void es_uart_init(uint32_t uart_clock_hz)
{
    for (uint32_t k = 0; k < sizeof es_clock_enables / sizeof es_clock_enables[0]; ++k) {
        *(volatile uint32_t *)es_clock_enables[k][0] |= es_clock_enables[k][1];
        (void)*(volatile uint32_t *)es_clock_enables[k][0]; /* let the enable take effect */
    }
    for (uint32_t k = 0; k < sizeof es_pins / sizeof es_pins[0]; ++k) {
        uint32_t base = es_pins[k][0], pin = es_pins[k][1], af = es_pins[k][2];
        volatile uint32_t *afr = &ES_GPIO(base, ES_GPIO_AFRL + 4u * (pin / 8u));
        *afr = (*afr & ~(0xFu << (4u * (pin % 8u)))) | (af << (4u * (pin % 8u)));
        ES_GPIO(base, ES_GPIO_OSPEEDR) |= ES_GPIO_SPEED_HIGH << (2u * pin);
        ES_GPIO(base, ES_GPIO_MODER) =
            (ES_GPIO(base, ES_GPIO_MODER) & ~(3u << (2u * pin))) |
            (ES_GPIO_MODE_ALTERNATE << (2u * pin));
    }
    ES_CR1 = 0u;
    uint64_t scaled = (uint64_t)uart_clock_hz * ES_UART_BRR_SCALE;
    ES_BRR = (uint32_t)((scaled + ES_UART_BAUD / 2u) / ES_UART_BAUD);
    ES_CR1 = ES_CR1_ENABLE;
}

void es_uart_write(const uint8_t *data, uint32_t bytes)
{
    while (bytes--) {
        while (!(ES_STATUS & ES_STATUS_TXE)) {
        }
        ES_TDR = *data++;
    }
}

void es_uart_read(uint8_t *data, uint32_t bytes)
{
    while (bytes--) {
        uint32_t status;
        while (!((status = ES_STATUS) & ES_STATUS_RXNE)) {
#if ES_UART_V2_REGISTERS
            /* an overrun stops reception until cleared; the lost byte fails the checksum */
            if (status & ES_STATUS_ORE) {
                ES_ICR = ES_STATUS_ORE;
            }
#endif
        }
        *data++ = (uint8_t)ES_RDR;
    }
}
