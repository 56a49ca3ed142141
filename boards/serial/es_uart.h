/*
 * A board's serial port, polled, 8N1, at ES_UART_BAUD (es_board_config.h).
 * One driver per peripheral family (es_uart_<family>.c), chosen by the board
 * file's [serial] driver; each is written from the vendor's reference manual.
 */
#ifndef ES_UART_H
#define ES_UART_H

#include <stdint.h>

/* Pins, peripheral clock, baud rate; `uart_clock_hz` is the clock the baud divider divides. */
void es_uart_init(uint32_t uart_clock_hz);
/* Blocking: return once every byte is handed to the transmitter / has arrived. */
void es_uart_write(const uint8_t *data, uint32_t bytes);
void es_uart_read(uint8_t *data, uint32_t bytes);

#endif /* ES_UART_H */
