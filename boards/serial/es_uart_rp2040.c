/*
 * RP2040 UART (an Arm PL011), polled, from the RP2040 datasheet (chapters
 * UART, Resets, IO_BANK0, Clocks). It needs clk_peri running: the clock set-up
 * (es_clock_rp2040.c) feeds it from clk_sys; ES_UART_RESET_BITS are the RESETS
 * bits to release (IO_BANK0, PADS_BANK0, UART0), ES_UART_TX_PIN / RX_PIN the
 * GPIOs given function 2 (UART).
 */
#include "es_uart.h"

#include "es_board_config.h"

#define ES_REG(base, offset) (*(volatile uint32_t *)((base) + (offset)))
#define ES_RESETS_BASE 0x4000C000u
#define ES_RESETS_CLR 0x3000u /* atomic bit-clear alias of every register */
#define ES_RESETS_RESET 0x0u
#define ES_RESETS_DONE 0x8u
#define ES_IO_BANK0_BASE 0x40014000u
#define ES_GPIO_CTRL(pin) (0x4u + 8u * (pin))
#define ES_GPIO_FUNC_UART 2u

#define ES_UARTDR 0x00u
#define ES_UARTFR 0x18u
#define ES_UARTIBRD 0x24u
#define ES_UARTFBRD 0x28u
#define ES_UARTLCR_H 0x2Cu
#define ES_UARTCR 0x30u
#define ES_FR_RXFE (1u << 4)
#define ES_FR_TXFF (1u << 5)
#define ES_LCR_H_8BIT_FIFO ((3u << 5) | (1u << 4))         /* WLEN 8 bits, FIFOs on */
#define ES_CR_ENABLE ((1u << 0) | (1u << 8) | (1u << 9)) /* UARTEN, TXE, RXE */

void es_uart_init(uint32_t uart_clock_hz)
{
    ES_REG(ES_RESETS_BASE + ES_RESETS_CLR, ES_RESETS_RESET) = ES_UART_RESET_BITS;
    while ((ES_REG(ES_RESETS_BASE, ES_RESETS_DONE) & ES_UART_RESET_BITS) != ES_UART_RESET_BITS) {
    }
    /* divisor = clock / (16 x baud) in 16.6 fixed point, rounded */
    uint32_t div64 = (uint32_t)(((uint64_t)uart_clock_hz * 4u + ES_UART_BAUD / 2u) / ES_UART_BAUD);
    ES_REG(ES_UART_BASE, ES_UARTIBRD) = div64 >> 6;
    ES_REG(ES_UART_BASE, ES_UARTFBRD) = div64 & 63u;
    ES_REG(ES_UART_BASE, ES_UARTLCR_H) = ES_LCR_H_8BIT_FIFO; /* also latches the divisor */
    ES_REG(ES_UART_BASE, ES_UARTCR) = ES_CR_ENABLE;
    ES_REG(ES_IO_BANK0_BASE, ES_GPIO_CTRL(ES_UART_TX_PIN)) = ES_GPIO_FUNC_UART;
    ES_REG(ES_IO_BANK0_BASE, ES_GPIO_CTRL(ES_UART_RX_PIN)) = ES_GPIO_FUNC_UART;
}

void es_uart_write(const uint8_t *data, uint32_t bytes)
{
    while (bytes--) {
        while (ES_REG(ES_UART_BASE, ES_UARTFR) & ES_FR_TXFF) {
        }
        ES_REG(ES_UART_BASE, ES_UARTDR) = *data++;
    }
}

void es_uart_read(uint8_t *data, uint32_t bytes)
{
    while (bytes--) {
        while (ES_REG(ES_UART_BASE, ES_UARTFR) & ES_FR_RXFE) {
        }
        *data++ = (uint8_t)ES_REG(ES_UART_BASE, ES_UARTDR);
    }
}
